package io.riskplane.pnl;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.PnlSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Equity, peak and peak-to-trough drawdown of one scope (the key: a strategy, or an org), from the latest value of
 * each of its components. Emits one {@link PnlSnapshot} per event time at which a component changed.
 *
 * <p>Equity starts at 0 and so does the peak: a scope that only loses is in drawdown from its first loss. Daily PnL
 * is equity minus the equity at the end of the previous New York trading day.
 */
public class DrawdownTracker extends EventTimeOrderedFunction<String, EquityComponent, PnlSnapshot> {
    private static final long serialVersionUID = 1L;
    static final int MAX_TRIGGER_IDS = 32;

    private transient MapState<String, EquityComponent> components;
    private transient ValueState<Peak> peak;

    public DrawdownTracker() {
        super(TypeInformation.of(EquityComponent.class), (a, b) -> a.componentId().compareTo(b.componentId()));
    }

    /** The running state of a scope between snapshots. */
    public record Peak(double peakEquity, long peakTimeMillis, double lastEquity, String tradingDay,
            double dayStartEquity) {}

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        components = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "components", Types.STRING, TypeInformation.of(EquityComponent.class)));
        peak = getRuntimeContext().getState(new ValueStateDescriptor<>("peak", TypeInformation.of(Peak.class)));
    }

    @Override
    protected long timestampOf(EquityComponent e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<EquityComponent> updates, Context ctx, Collector<PnlSnapshot> out)
            throws Exception {
        TreeSet<String> triggers = new TreeSet<>();
        for (EquityComponent c : updates) {
            components.put(c.componentId(), c);
            triggers.addAll(List.of(c.triggerEventIds()));
        }
        // Sum in component order: floating-point addition is not associative, and state backends iterate in
        // different orders.
        Map<String, EquityComponent> sorted = new TreeMap<>();
        for (Map.Entry<String, EquityComponent> e : components.entries()) {
            sorted.put(e.getKey(), e.getValue());
        }
        double realized = 0;
        double fees = 0;
        double unrealized = 0;
        for (EquityComponent c : sorted.values()) {
            realized += c.realizedNet();
            fees += c.fees();
            unrealized += c.unrealized();
        }
        double equity = realized + unrealized;
        String day = NewYorkTradingDay.of(ts);

        Peak prev = peak.value();
        if (prev == null) {
            prev = new Peak(0, ts, 0, day, 0);
        }
        double dayStart = day.equals(prev.tradingDay()) ? prev.dayStartEquity() : prev.lastEquity();
        Peak next = equity > prev.peakEquity()
                ? new Peak(equity, ts, equity, day, dayStart)
                : new Peak(prev.peakEquity(), prev.peakTimeMillis(), equity, day, dayStart);
        peak.update(next);

        double drawdown = next.peakEquity() - equity;
        Double fraction = next.peakEquity() > 0 ? drawdown / next.peakEquity() : null;
        EquityComponent any = updates.get(0);
        List<String> ids = new ArrayList<>(triggers);
        String scopeKey = ctx.getCurrentKey();
        out.collect(new PnlSnapshot(DeterministicId.of("pnl-", scopeKey, ts), any.scopeType(), any.org(),
                any.strategy(), ts, day, realized, fees, unrealized, equity, next.peakEquity(),
                next.peakTimeMillis(), drawdown, fraction, equity - dayStart, dayStart,
                ids.subList(0, Math.min(ids.size(), MAX_TRIGGER_IDS)).toArray(new String[0])));
    }

    /** Feeds a strategy's snapshot into its org's tracker as one component of the org. */
    public static EquityComponent asOrgComponent(PnlSnapshot s) {
        return new EquityComponent(PnlSnapshot.ORG, s.org(), "", s.strategy(), s.eventTimeMillis(), s.realizedPnl(),
                s.fees(), s.unrealizedPnl(), new String[] {s.snapshotId()});
    }
}
