package io.riskplane.guardrails;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.OperatorResumes;
import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Hierarchical guardrails for one scope (keyed by level, org, strategy, instrument), judged in event-time order with
 * the guardrail thresholds of the org/strategy policy in force: the order count over a sliding window against
 * max_orders_{org,strategy,instrument}, and per order the spread cross and the adverse selection against their caps.
 * A violation outside a cooldown is a trip; the cooldown doubles with each trip of the scope within trip_window_s
 * (cooldown_base_s * 2^(n-1), at most cooldown_max_s), and the kill_trips-th trip kills the scope. Violations during
 * a cooldown or after a kill are counted ({@code guardrail_violations_suppressed}) but trip nothing: in-flight orders
 * sent before the halt reached the execution side must not escalate it. An operator's resume of exactly the scope
 * (rule operator.resume lifting the guardrail rules or every rule), decided at or after its last trip (as execution
 * lifts the halt), starts the scope afresh: windows, trips, cooldown and kill (docs/rules.md).
 */
public class GuardrailMonitor extends PolicyVersionedFunction<GuardrailInput, GuardrailTrip> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("guardrail-policies");
    /** Operators' accepted resumes that lift a guardrail rule (OperatorResumes). */
    public static final MapStateDescriptor<String, OperatorDirective> RESUMES =
            OperatorResumes.descriptor("guardrail-operator-resumes");
    /** The rules whose halts a resume lifts to start a scope afresh. */
    static final String[] RULES = {"guardrail.trip.cooldown", "guardrail.repeat.kill-switch"};

    public static final String ORDER_RATE_WINDOW = "order_rate_window_s";
    public static final String MAX_SPREAD_CROSS = "max_spread_cross_bps";
    public static final String MAX_ADVERSE_SELECTION = "max_adverse_selection_bps";
    public static final String COOLDOWN_BASE = "cooldown_base_s";
    public static final String COOLDOWN_MAX = "cooldown_max_s";
    public static final String KILL_TRIPS = "kill_trips";
    public static final String TRIP_WINDOW = "trip_window_s";
    static final double DEFAULT_ORDER_RATE_WINDOW_S = 10;
    /** Order ids cited as evidence of a rate trip: the latest ones in the window. */
    static final int EVIDENCE_ORDERS = 20;

    static final double DEFAULT_COOLDOWN_BASE_S = 30;
    static final double DEFAULT_COOLDOWN_MAX_S = 600;
    static final double DEFAULT_KILL_TRIPS = 3;
    static final double DEFAULT_TRIP_WINDOW_S = 900;

    /** The order-rate threshold of a level: max_orders_org, max_orders_strategy or max_orders_instrument. */
    public static String maxOrders(String level) {
        return "max_orders_" + level;
    }

    /** One scope's state: order times in the rate window, trip times in the trip window, cooldown end, killed. */
    public record ScopeState(
            List<Long> orderTimes, List<String> orderIds, List<Long> tripTimes, long cooldownUntil, boolean killed) {}

    private transient ValueState<ScopeState> scope;
    /** The time of the resume that last started the scope afresh, until event time passes it (OperatorResumes). */
    private transient ValueState<Long> rearmedAt;

    private transient Counter suppressed;

    public GuardrailMonitor() {
        super(POLICIES, RESUMES, RULES, TypeInformation.of(GuardrailInput.class), (a, b) -> a.eventId()
                .compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        scope = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("guardrail-scope", TypeInformation.of(ScopeState.class)));
        rearmedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("guardrail-rearmed-at", Types.LONG));
        suppressed = getRuntimeContext().getMetricGroup().counter("guardrail_violations_suppressed");
    }

    @Override
    protected boolean forgetsQuietScopes() {
        return true;
    }

    /** A quiet scope's windows, trips and cooldown are all over; a killed scope stays killed until resumed. */
    @Override
    protected void forgetQuietScope() throws Exception {
        ScopeState s = scope.value();
        if (s == null || !s.killed()) {
            scope.clear();
            rearmedAt.clear();
        }
    }

    @Override
    protected long timestampOf(GuardrailInput in) {
        return in.atMillis();
    }

    @Override
    protected void judge(
            GuardrailInput in, Iterable<Map.Entry<String, PolicyRecord>> policies, Collector<GuardrailTrip> out)
            throws Exception {
        ScopeState s = scope.value();
        long at = in.atMillis();
        if (s != null && !s.tripTimes().isEmpty()) {
            long resumed = lastResume(
                    OperatorDirective.scopeKey(in.org(), in.strategy(), in.instrument(), "", "", ""), at, RULES);
            // At or after the last trip, as execution lifts the halt; but not the resume that already started the
            // scope afresh, when the scope tripped again at that very millisecond.
            long lastTrip = s.tripTimes().get(s.tripTimes().size() - 1);
            Long rearmed = rearmedAt.value();
            if (rearmed != null && lastTrip > rearmed) {
                rearmedAt.clear(); // a trip after that resume: only resumes from the trip on matter
                rearmed = null;
            }
            if (OperatorResumes.lifts(
                    resumed, OperatorResumes.resumableFrom(lastTrip, rearmed == null ? Long.MIN_VALUE : rearmed))) {
                s = null;
                rearmedAt.update(resumed);
            }
        }
        if (s == null) {
            s = new ScopeState(List.of(), List.of(), List.of(), 0, false);
        }
        List<Long> times = new ArrayList<>(s.orderTimes());
        List<String> ids = new ArrayList<>(s.orderIds());
        Violation v = null;
        if (GuardrailInput.ORDER.equals(in.kind())) {
            String rateName = maxOrders(in.level());
            PolicyRecord p = policy(policies, in, rateName);
            long window = orderRateWindowMillis(p);
            times.add(at);
            ids.add(in.eventId());
            while (!times.isEmpty() && times.get(0) <= at - window) {
                times.remove(0);
                ids.remove(0);
            }
            if (p != null && times.size() > p.threshold(rateName, Double.MAX_VALUE)) {
                v = new Violation(
                        GuardrailTrip.ORDER_RATE,
                        times.size(),
                        rateName,
                        p.threshold(rateName, 0),
                        p,
                        at - window,
                        List.copyOf(ids.subList(Math.max(0, ids.size() - EVIDENCE_ORDERS), ids.size())));
            }
        }
        if (v == null && !Double.isNaN(in.spreadCrossBps())) {
            v = cap(policies, in, GuardrailTrip.SPREAD_CROSS, MAX_SPREAD_CROSS, in.spreadCrossBps());
        }
        if (v == null && !Double.isNaN(in.adverseSelectionBps())) {
            v = cap(policies, in, GuardrailTrip.ADVERSE_SELECTION, MAX_ADVERSE_SELECTION, in.adverseSelectionBps());
        }
        List<Long> trips = s.tripTimes();
        long cooldownUntil = s.cooldownUntil();
        boolean killed = s.killed();
        if (v != null && (killed || at < cooldownUntil)) {
            suppressed.inc();
        } else if (v != null) {
            PolicyRecord p = v.policy();
            long tripWindow = (long) (p.threshold(TRIP_WINDOW, DEFAULT_TRIP_WINDOW_S) * 1000);
            List<Long> kept = new ArrayList<>();
            for (long t : trips) {
                if (t > at - tripWindow) {
                    kept.add(t);
                }
            }
            kept.add(at);
            int n = kept.size();
            long cooldown = cooldownMillis(
                    p.threshold(COOLDOWN_BASE, DEFAULT_COOLDOWN_BASE_S),
                    p.threshold(COOLDOWN_MAX, DEFAULT_COOLDOWN_MAX_S),
                    n);
            int killTrips = (int) p.threshold(KILL_TRIPS, DEFAULT_KILL_TRIPS);
            boolean entersKill = n >= killTrips;
            trips = List.copyOf(kept);
            cooldownUntil = at + cooldown;
            killed = entersKill;
            out.collect(new GuardrailTrip(
                    DeterministicId.of("grt-", in.scopeKey(), v.check(), at, in.eventId()),
                    in.level(),
                    in.org(),
                    in.strategy(),
                    in.instrument(),
                    v.check(),
                    at,
                    v.windowStart(),
                    v.value(),
                    v.limitName(),
                    v.limit(),
                    n,
                    tripWindow,
                    cooldown,
                    cooldownUntil,
                    killTrips,
                    entersKill,
                    p.policyId(),
                    p.version(),
                    v.eventIds().toArray(new String[0])));
        }
        scope.update(new ScopeState(List.copyOf(times), List.copyOf(ids), trips, cooldownUntil, killed));
    }

    /**
     * The order-rate window of a policy, in ms. Without a rate policy the window keeps its default length, so a
     * policy arriving later sees history.
     */
    static long orderRateWindowMillis(PolicyRecord p) {
        return (long)
                ((p == null ? DEFAULT_ORDER_RATE_WINDOW_S : p.threshold(ORDER_RATE_WINDOW, DEFAULT_ORDER_RATE_WINDOW_S))
                        * 1000);
    }

    /** base * 2^(n-1) seconds, at most max, in ms. */
    static long cooldownMillis(double baseSeconds, double maxSeconds, int trips) {
        double seconds = baseSeconds * Math.pow(2, Math.max(0, trips - 1));
        return (long) (Math.min(seconds, maxSeconds) * 1000);
    }

    private Violation cap(
            Iterable<Map.Entry<String, PolicyRecord>> policies,
            GuardrailInput in,
            String check,
            String name,
            double value) {
        PolicyRecord p = policy(policies, in, name);
        if (p == null || !(value > p.threshold(name, Double.MAX_VALUE))) {
            return null;
        }
        return new Violation(check, value, name, p.threshold(name, 0), p, in.atMillis(), List.of(in.eventId()));
    }

    /** The org/strategy policy in force at the input's time that sets the threshold (see docs/rules.md). */
    static PolicyRecord policy(
            Iterable<Map.Entry<String, PolicyRecord>> policies, GuardrailInput in, String threshold) {
        return PolicyScopes.inForce(
                policies, in.atMillis(), threshold, p -> PolicyScopes.orgStrategy(p, in.org(), in.strategy()));
    }

    private record Violation(
            String check,
            double value,
            String limitName,
            double limit,
            PolicyRecord policy,
            long windowStart,
            List<String> eventIds) {}
}
