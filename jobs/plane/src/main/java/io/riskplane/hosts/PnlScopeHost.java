package io.riskplane.hosts;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.OperatorResumes;
import io.riskplane.eventtime.OrderWithinTimestamp;
import io.riskplane.eventtime.PendingByEventTime;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.pnl.DrawdownTracker;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.pnl.PnlBarBuilder;
import io.riskplane.rules.drawdown.DrawdownEvaluation;
import io.riskplane.rules.drawdown.DrawdownJudge;
import io.riskplane.rules.drawdown.DrawdownKillSwitchRule;
import io.riskplane.rules.drawdown.DrawdownRecoveryRule;
import io.riskplane.rules.drawdown.KillSwitchEvents;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The host of a PnL key space: one strategy (key org|strategy) or one org (key org). It receives the equity
 * components of the instrument hosts (a strategy's position in one instrument) directly, so that a mark crosses two
 * keyed exchanges for both scopes, and in event-time order it
 * <ul>
 *   <li>sums the scope's latest components (an org: each strategy's instruments, then the strategies, in name
 *       order, exactly as a strategy's own snapshot sums them) and tracks peak and drawdown
 *       ({@link DrawdownTracker}): the snapshots go to {@link #SNAPSHOTS};</li>
 *   <li>judges every snapshot against the policy in force ({@link DrawdownJudge}) and emits rule
 *       {@value DrawdownKillSwitchRule#RULE_ID} on the one that halts the scope, and
 *       {@value DrawdownRecoveryRule#RULE_ID} on the one that ends the halt by the policy's recovery (main output);</li>
 *   <li>turns the snapshots into what storage keeps ({@link PnlBarBuilder}): a bar per second, closed when the
 *       watermark passes the second (a tick of this host), and a row per fill: {@link #BARS}.</li>
 * </ul>
 * A component behind the watermark on arrival is applied at once and counted in {@code late_events}: its breach fires
 * too (fail closed).
 */
public class PnlScopeHost extends KeyedBroadcastProcessFunction<String, EquityComponent, RuleDirective, ControlRecord> {
    private static final long serialVersionUID = 1L;

    /** Every policy version, keyed policyId@version. */
    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("risk-policies");
    /** Operators' accepted resumes that lift the drawdown rule (OperatorResumes). */
    public static final MapStateDescriptor<String, OperatorDirective> OPERATOR_RESUMES =
            OperatorResumes.descriptor("operator-resumes");

    public static final OutputTag<PnlSnapshot> SNAPSHOTS =
            new OutputTag<>("pnl-snapshots", TypeInformation.of(PnlSnapshot.class));
    public static final OutputTag<PnlBar> BARS = new OutputTag<>("pnl-bars", TypeInformation.of(PnlBar.class));

    /** Strategy, then instrument: the order an org sums in (a component is unique per pair and event time). */
    static final OrderWithinTimestamp<EquityComponent> ORDER = (a, b) -> {
        int c = a.strategy().compareTo(b.strategy());
        return c != 0 ? c : a.componentId().compareTo(b.componentId());
    };

    /** Separates strategy and instrument in an org's component keys; sorts before every other character. */
    private static final char SEP = '\u0000';

    private final String scopeType;
    private final PendingByEventTime<EquityComponent> pending =
            new PendingByEventTime<>("pending-components", TypeInformation.of(EquityComponent.class), ORDER);
    private transient MapState<String, EquityComponent> components;
    private transient DrawdownTracker tracker;
    private transient DrawdownJudge judge;
    private transient ValueState<PnlBarBuilder.State> bars;
    private transient Counter lateEvents;
    private transient Counter policyVersions;

    /** @param scopeType {@link PnlSnapshot#STRATEGY} (keyed by {@link #strategyKey}) or {@link PnlSnapshot#ORG} */
    public PnlScopeHost(String scopeType) {
        if (!PnlSnapshot.STRATEGY.equals(scopeType) && !PnlSnapshot.ORG.equals(scopeType)) {
            throw new IllegalArgumentException("scope type " + scopeType);
        }
        this.scopeType = scopeType;
    }

    /** The key of a strategy scope. */
    public static String strategyKey(EquityComponent c) {
        return c.scopeKey();
    }

    /** The key of an org scope. */
    public static String orgKey(EquityComponent c) {
        return c.org();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        var rc = getRuntimeContext();
        pending.open(rc);
        components = rc.getMapState(
                new MapStateDescriptor<>("components", Types.STRING, TypeInformation.of(EquityComponent.class)));
        tracker = new DrawdownTracker(StateValue.of(
                rc.getState(new ValueStateDescriptor<>("peak", TypeInformation.of(DrawdownTracker.Peak.class)))));
        judge = new DrawdownJudge(
                StateValue.of(rc.getState(new ValueStateDescriptor<>("in-breach", Types.BOOLEAN))),
                StateValue.of(rc.getState(new ValueStateDescriptor<>("drawdown-calm-since", Types.LONG))),
                StateValue.of(rc.getState(new ValueStateDescriptor<>("drawdown-resumable-from", Types.LONG))));
        bars = rc.getState(new ValueStateDescriptor<>("pnl-bars", TypeInformation.of(PnlBarBuilder.State.class)));
        lateEvents = rc.getMetricGroup().counter("late_events");
        policyVersions = rc.getMetricGroup().counter("policy_versions_received");
    }

    @Override
    public void processBroadcastElement(RuleDirective d, Context ctx, Collector<ControlRecord> out) throws Exception {
        if (d.policy() != null) {
            if (PolicyVersionedFunction.keepFirst(ctx.getBroadcastState(POLICIES), d.policy())) {
                policyVersions.inc();
            }
            return;
        }
        if (!d.command().resumes(DrawdownKillSwitchRule.RULE_ID)) {
            return; // an operator's halt is its own control event; the drawdown rule keeps judging
        }
        OperatorResumes.keep(ctx.getBroadcastState(OPERATOR_RESUMES), d.command(), ctx.currentWatermark());
    }

    /** The latest operator resume of exactly this snapshot's scope that lifts the drawdown rule, at or before it. */
    static long lastResume(PnlSnapshot s, Iterable<Map.Entry<String, OperatorDirective>> resumes) {
        String strategy = PnlSnapshot.STRATEGY.equals(s.scopeType()) ? s.strategy() : "";
        return OperatorResumes.last(
                resumes,
                OperatorDirective.scopeKey(s.org(), strategy, "", "", "", ""),
                s.eventTimeMillis(),
                DrawdownKillSwitchRule.RULE_ID);
    }

    @Override
    public void processElement(EquityComponent c, ReadOnlyContext ctx, Collector<ControlRecord> out) throws Exception {
        if (c.eventTimeMillis() > ctx.timerService().currentWatermark()) {
            pending.hold(c.eventTimeMillis(), c, ctx.timerService());
            return;
        }
        lateEvents.inc();
        apply(c.eventTimeMillis(), List.of(c), ctx.getCurrentKey(), ctx.getBroadcastState(POLICIES), ctx, out);
        pending.rearm(ctx.timerService(), barCloseTick());
    }

    /** The tick that closes the open bar: the last millisecond of its second. */
    private long barCloseTick() throws Exception {
        PnlBarBuilder.State s = bars.value();
        return s == null || s.open() == null
                ? PendingByEventTime.NONE
                : s.open().barStartMillis() + PnlBar.BAR_MILLIS - 1;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ControlRecord> out) throws Exception {
        pending.fired(timestamp);
        String key = ctx.getCurrentKey();
        ReadOnlyBroadcastState<String, PolicyRecord> policies = ctx.getBroadcastState(POLICIES);
        pending.advance(ctx.timerService().currentWatermark(), ctx.timerService(), new PendingByEventTime.Steps<>() {
            @Override
            public long earliestTick() throws Exception {
                return barCloseTick();
            }

            @Override
            public void events(long time, List<EquityComponent> updates) throws Exception {
                apply(time, updates, key, policies, ctx, out);
            }

            @Override
            public void ticks(long time) throws Exception {
                PnlBarBuilder builder = new PnlBarBuilder(bars.value());
                builder.closeBefore(time + 1).ifPresent(b -> ctx.output(BARS, b));
                bars.update(builder.state());
            }
        });
    }

    private void apply(
            long ts,
            List<EquityComponent> updates,
            String key,
            ReadOnlyBroadcastState<String, PolicyRecord> policies,
            ReadOnlyContext ctx,
            Collector<ControlRecord> out)
            throws Exception {
        boolean org = PnlSnapshot.ORG.equals(scopeType);
        TreeSet<String> triggers = new TreeSet<>();
        boolean fromFill = false;
        String strategyScope = null;
        for (EquityComponent c : updates) {
            fromFill |= c.fromFill();
            if (org) {
                components.put(c.strategy() + SEP + c.componentId(), c);
                // An org's triggers are the snapshots of its strategies that moved (as each strategy host names them):
                // one id per strategy, whose components come one after the other (ORDER).
                if (!c.scopeKey().equals(strategyScope)) {
                    strategyScope = c.scopeKey();
                    triggers.add(DeterministicId.of("pnl-", strategyScope, ts));
                }
            } else {
                components.put(c.componentId(), c);
                triggers.addAll(List.of(c.triggerEventIds()));
            }
        }
        // Sum in key order: floating-point addition is not associative, and state backends iterate in different
        // orders. An org sums each strategy first, then the strategies, so its figures are exactly the sum of its
        // strategies' snapshots.
        Map<String, EquityComponent> sorted = new TreeMap<>();
        for (Map.Entry<String, EquityComponent> e : components.entries()) {
            sorted.put(e.getKey(), e.getValue());
        }
        double realized = 0;
        double fees = 0;
        double unrealized = 0;
        String strategy = null;
        double sRealized = 0;
        double sFees = 0;
        double sUnrealized = 0;
        for (EquityComponent c : sorted.values()) {
            if (org && !c.strategy().equals(strategy)) {
                realized += sRealized;
                fees += sFees;
                unrealized += sUnrealized;
                sRealized = 0;
                sFees = 0;
                sUnrealized = 0;
                strategy = c.strategy();
            }
            sRealized += c.realizedNet();
            sFees += c.fees();
            sUnrealized += c.unrealized();
        }
        if (org) {
            realized += sRealized;
            fees += sFees;
            unrealized += sUnrealized;
        } else {
            realized = sRealized;
            fees = sFees;
            unrealized = sUnrealized;
        }
        EquityComponent any = updates.get(0);
        String scopeStrategy = org ? "" : any.strategy();
        String scopeKey = org ? PnlSnapshot.ORG + "|" + key + "|" : key;
        PnlSnapshot s =
                tracker.next(scopeKey, scopeType, any.org(), scopeStrategy, ts, realized, fees, unrealized, triggers);
        ctx.output(SNAPSHOTS, s);
        PnlBarBuilder builder = new PnlBarBuilder(bars.value());
        for (PnlBar row : builder.add(s, fromFill)) {
            ctx.output(BARS, row);
        }
        bars.update(builder.state());
        Iterable<Map.Entry<String, OperatorDirective>> resumes =
                ctx.getBroadcastState(OPERATOR_RESUMES).immutableEntries();
        DrawdownEvaluation e = judge.judge(s, policies.immutableEntries(), () -> lastResume(s, resumes));
        if (DrawdownKillSwitchRule.fires(e)) {
            out.collect(KillSwitchEvents.haltNewEntries(e));
        } else if (DrawdownRecoveryRule.fires(e)) {
            out.collect(KillSwitchEvents.resume(e));
        }
    }
}
