package io.riskplane.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which evaluations are stored: status changes and the first of each minute, by hand. */
class StoreOnChangeTest {
    static final long MINUTE = 60_000;

    @Test
    void statusChangesAndOneRowPerMinute() {
        // Every 5 s from 0:55: OK until 1:10, BREACH at 1:10 and 1:15, OK again from 1:20, still OK at 3:05.
        long[] at = {55_000, 60_000, 65_000, 70_000, 75_000, 80_000, 85_000, 115_000, 120_000, 185_000};
        String[] status = {"OK", "OK", "OK", "BREACH", "BREACH", "OK", "OK", "OK", "OK", "OK"};
        List<String> reasons = new ArrayList<>();
        StoreOnChange.State s = null;
        for (int i = 0; i < at.length; i++) {
            StoreOnChange.Decision d = StoreOnChange.decide(s, status[i], at[i], MINUTE);
            reasons.add(d.reason().isEmpty() ? "-" : d.reason());
            s = d.next();
        }
        // 0:55 first; 1:00 first of minute 1; 1:05 nothing new; 1:10 and 1:20 changes; 1:15, 1:25, 1:55 same
        // status in minute 1, which has a stored row; 2:00 and 3:05 first of their minutes.
        assertThat(reasons)
                .containsExactly(
                        "STATUS_CHANGE",
                        "PERIODIC",
                        "-",
                        "STATUS_CHANGE",
                        "-",
                        "STATUS_CHANGE",
                        "-",
                        "-",
                        "PERIODIC",
                        "PERIODIC");
        assertThat(s).isEqualTo(new StoreOnChange.State("OK", 185_000));
    }

    @Test
    void aNotStoredEvaluationKeepsTheLastStoredTime() {
        StoreOnChange.Decision first = StoreOnChange.decide(null, "A", 1_000, MINUTE);
        assertThat(first.stored()).isTrue();
        StoreOnChange.Decision second = StoreOnChange.decide(first.next(), "A", 59_999, MINUTE);
        assertThat(second.stored()).isFalse();
        assertThat(second.next().storedAtMillis()).isEqualTo(1_000);
        // An input behind the last stored row (late) is not a new minute.
        assertThat(StoreOnChange.decide(second.next(), "A", -5_000, MINUTE).stored())
                .isFalse();
        assertThat(StoreOnChange.decide(second.next(), "A", 60_000, MINUTE).reason())
                .isEqualTo(StoreOnChange.PERIODIC);
    }
}
