package io.riskplane.staleness;

import java.io.Serializable;

/** When a lane's market is in session: silence outside a session is expected, inside it is a symptom. */
public interface TradingCalendar extends Serializable {
    String NYSE = "NYSE";
    String ALWAYS = "24x7";

    boolean isOpen(long epochMillis);

    String name();

    /** "NYSE" (regular sessions, holidays, early closes) or "24x7"; anything else is rejected. */
    static TradingCalendar named(String name) {
        switch (name) {
            case NYSE:
                return NyseCalendar.INSTANCE;
            case ALWAYS:
                return AlwaysOpen.INSTANCE;
            default:
                throw new IllegalArgumentException("unknown market calendar '" + name + "' (NYSE or 24x7)");
        }
    }

    /** Crypto and other round-the-clock markets. */
    final class AlwaysOpen implements TradingCalendar {
        private static final long serialVersionUID = 1L;
        static final AlwaysOpen INSTANCE = new AlwaysOpen();

        @Override
        public boolean isOpen(long epochMillis) {
            return true;
        }

        @Override
        public String name() {
            return ALWAYS;
        }
    }
}
