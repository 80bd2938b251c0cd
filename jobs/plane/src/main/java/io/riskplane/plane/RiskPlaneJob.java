package io.riskplane.plane;

import io.riskplane.contract.Topics;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.guardrails.EarlyOrderRateGuard;
import io.riskplane.guardrails.GuardrailInput;
import io.riskplane.guardrails.GuardrailMonitor;
import io.riskplane.guardrails.GuardrailRule;
import io.riskplane.halts.HaltLedger;
import io.riskplane.hosts.InstrumentHost;
import io.riskplane.hosts.PnlScopeHost;
import io.riskplane.ingest.PolicyVersionGate;
import io.riskplane.model.BookEvent;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.operator.OperatorCommandGate;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.rules.lanes.LaneFailureEvaluator;
import io.riskplane.rules.lanes.LaneRollbackRule;
import io.riskplane.rules.slo.SloEvaluator;
import io.riskplane.rules.slo.SloRule;
import io.riskplane.rules.sustained.SustainedBreachEvaluator;
import io.riskplane.rules.sustained.SustainedBreachRule;
import io.riskplane.slo.ErrorBudgetBurn;
import io.riskplane.slo.TelemetrySloMeasurements;
import io.riskplane.staleness.CursorStalenessDetector;
import io.riskplane.staleness.SignalLagSamples;
import io.riskplane.staleness.StalenessInput;
import io.riskplane.telemetry.ExecutionFact;
import io.riskplane.telemetry.ExecutionInput;
import io.riskplane.telemetry.ExecutionTelemetry;
import io.riskplane.telemetry.GuardrailLevels;
import io.riskplane.telemetry.OrderLifecycle;
import io.riskplane.telemetry.RouteFallbackRatio;
import io.riskplane.telemetry.TelemetryLevels;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The plane's job graph: decode and route; position book, drawdown and the drawdown kill-switch; execution
 * telemetry; SLOs and their halt/resume rules; cross-venue dislocations; guardrails with cooldowns and kill-switch;
 * cursor staleness; sustained breaches (route fallback, signal lag) and lane rollbacks; the order rate judged on
 * arrival for the early control topic; and the sinks. The source and the sinks are constructor arguments so
 * that Kafka, a replay file and tests all run this same graph.
 */
public final class RiskPlaneJob {
    private final PlaneInput input;
    private final Source<Decoded, ?, ?> arrivals;
    private final Source<Decoded, ?, ?> operatorCommands;
    private final PlaneSinks sinks;
    private final PlaneOptions options;

    /** The early decisions read the main source's orders and policies (replay, tests). */
    public RiskPlaneJob(Source<Decoded, ?, ?> source, PlaneSinks sinks, PlaneOptions options) {
        this(source, null, sinks, options);
    }

    /** Any input (a replay from the lake); the early decisions read its orders and policies. */
    public RiskPlaneJob(PlaneInput input, PlaneSinks sinks, PlaneOptions options) {
        this(input, null, null, sinks, options);
    }

    /**
     * @param arrivals when not null, a second source of the orders and policies (KafkaInput.arrivals) that feeds the
     *     early decisions alone, off the main source's thread
     */
    public RiskPlaneJob(
            Source<Decoded, ?, ?> source, Source<Decoded, ?, ?> arrivals, PlaneSinks sinks, PlaneOptions options) {
        this(source, arrivals, null, sinks, options);
    }

    /**
     * @param operatorCommands when not null, the source of the operator commands (KafkaInput.operatorCommands), idle
     *     until a command arrives; when null they come in the main source (replay, tests)
     */
    public RiskPlaneJob(
            Source<Decoded, ?, ?> source,
            Source<Decoded, ?, ?> arrivals,
            Source<Decoded, ?, ?> operatorCommands,
            PlaneSinks sinks,
            PlaneOptions options) {
        this(PlaneInput.of(source), arrivals, operatorCommands, sinks, options);
    }

    private RiskPlaneJob(
            PlaneInput input,
            Source<Decoded, ?, ?> arrivals,
            Source<Decoded, ?, ?> operatorCommands,
            PlaneSinks sinks,
            PlaneOptions options) {
        this.input = input;
        this.arrivals = arrivals;
        this.operatorCommands = operatorCommands;
        this.sinks = sinks;
        this.options = options;
    }

    /** The streams the graph computes, for callers that want to attach more. */
    public record Streams(
            DataStream<Decoded> raw,
            DataStream<PnlSnapshot> snapshots,
            DataStream<ControlRecord> controls,
            DataStream<DeadLetterRecord> deadLetters,
            DataStream<TelemetryWindow> telemetry,
            DataStream<SloEvaluation> sloEvaluations,
            DataStream<DislocationEpisode> dislocations,
            DataStream<CursorStaleness> staleness,
            DataStream<GuardrailTrip> guardrailTrips,
            DataStream<ConditionEvaluation> conditions,
            DataStream<LaneRunEvaluation> laneRuns,
            DataStream<ControlRecord> earlyControls) {}

    /** A partition that has not delivered its first record yet may stay silent this many idleness periods. */
    static final int STARTUP_GRACE_FACTOR = 6;

    /** Data-driven watermarks (replay) advance in steps of at least this much event time. */
    static final long DATA_WATERMARK_STEP_MS = 100;

    /** Decoded.kind of an operator command (Topics.kindName). */
    static final String OPERATOR_COMMAND_KIND = Topics.kindName(io.riskplane.v1.Envelope.PayloadCase.OPERATOR_COMMAND);

    /** Quote ages are measured every 5 s of event time. */
    static final long QUOTE_FRESHNESS_TICK_MS = 5_000;

    public Streams build(StreamExecutionEnvironment env) {
        // Every record type is an immutable value, so chained operators may hand records over without copying them
        // (without object reuse Flink deep-copies each one between chained operators).
        env.getConfig().enableObjectReuse();
        // No Kryo: every record and state type has a Flink serializer (records as POJOs, List and Map fields
        // included). A type that would fall back to Kryo fails the job at once instead of slowing every hop.
        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(noKryo);
        DataStream<Decoded> decoded = input.open(env, watermarks());
        SingleOutputStreamOperator<Decoded> routed = decoded.process(
                        new EventRouter(options.staleHorizon().toMillis()))
                .name("route and dead-letter")
                .uid("router");
        DataStream<BookEvent> book = routed.getSideOutput(EventRouter.BOOK);
        SingleOutputStreamOperator<PolicyRecord> policies = gated(routed, "");
        // Operator commands: each signed, accepted once, becomes its control event (docs/rules.md, operator.*), and
        // reaches the rules with the policies, so that a resume re-arms the rules it lifts.
        SingleOutputStreamOperator<Decoded> commandsRouted = operatorCommands == null
                ? routed
                : env.fromSource(operatorCommands, commandWatermarks(), "operator commands input")
                        .uid("operator-input")
                        .process(new EventRouter(options.staleHorizon().toMillis()))
                        .name("route operator commands")
                        .uid("operator-router");
        SingleOutputStreamOperator<ControlRecord> operatorControls = commandsRouted
                .filter(d -> OPERATOR_COMMAND_KIND.equals(d.kind()))
                .name("operator commands")
                .uid("operator-commands")
                .keyBy(OperatorCommandGate::key)
                .process(new OperatorCommandGate(
                        options.operatorKeys(), options.staleHorizon().toMillis()))
                .name("operator command gate")
                .uid("operator-command-gate");
        DataStream<RuleDirective> directives = policies.map(RuleDirective::of)
                .name("policy directives")
                .uid("policy-directives")
                .union(operatorControls
                        .getSideOutput(OperatorCommandGate.ACCEPTED)
                        .map(RuleDirective::of)
                        .name("operator directives")
                        .uid("operator-directives"));

        // The instrument key space: position book, quote freshness and dislocations share one exchange and one
        // event-time order. Its equity components go straight to both PnL key spaces (strategy and org), so a mark
        // crosses two keyed exchanges whichever scope it moves.
        SingleOutputStreamOperator<EquityComponent> instruments = book.keyBy(BookEvent::instrument)
                .process(new InstrumentHost(
                        new EventTimeTicks(
                                QUOTE_FRESHNESS_TICK_MS,
                                options.staleHorizon().toMillis(),
                                options.quietKeyExpiry().toMillis()),
                        options.dislocation()))
                .name("instrument host")
                .uid("instrument-host");
        SingleOutputStreamOperator<ControlRecord> strategyPnl = instruments
                .keyBy(PnlScopeHost::strategyKey)
                .connect(directives.broadcast(PnlScopeHost.POLICIES, PnlScopeHost.OPERATOR_RESUMES))
                .process(new PnlScopeHost(PnlSnapshot.STRATEGY))
                .name("strategy pnl host")
                .uid("strategy-pnl-host");
        SingleOutputStreamOperator<ControlRecord> orgPnl = instruments
                .keyBy(PnlScopeHost::orgKey)
                .connect(directives.broadcast(PnlScopeHost.POLICIES, PnlScopeHost.OPERATOR_RESUMES))
                .process(new PnlScopeHost(PnlSnapshot.ORG))
                .name("org pnl host")
                .uid("org-pnl-host");
        DataStream<PnlSnapshot> snapshots =
                strategyPnl.getSideOutput(PnlScopeHost.SNAPSHOTS).union(orgPnl.getSideOutput(PnlScopeHost.SNAPSHOTS));
        DataStream<ControlRecord> controls = strategyPnl.union(orgPnl);

        DataStream<ExecutionFact> facts = routed.getSideOutput(EventRouter.EXECUTION)
                .keyBy(ExecutionInput::lifecycleKey)
                .process(new OrderLifecycle())
                .name("order lifecycle")
                .uid("order-lifecycle");
        DataStream<TelemetryWindow> telemetry = facts.flatMap(new TelemetryLevels())
                .name("telemetry levels")
                .uid("telemetry-levels")
                .keyBy(ExecutionFact::scopeKey)
                .process(new ExecutionTelemetry(ExecutionTelemetry.DEFAULT_WINDOWS))
                .name("execution telemetry")
                .uid("execution-telemetry");

        DataStream<SloMeasurement> quoteFreshness = instruments.getSideOutput(InstrumentHost.FRESHNESS);
        DataStream<SloMeasurement> errorBudget = facts.filter(f -> ExecutionFact.TERMINAL.equals(f.kind()))
                .name("terminal orders")
                .uid("terminal-orders")
                .keyBy(ExecutionFact::adapter)
                .process(new ErrorBudgetBurn())
                .name("error budget burn")
                .uid("error-budget-burn");
        DataStream<SloMeasurement> telemetrySlos = telemetry
                .flatMap(new TelemetrySloMeasurements())
                .name("telemetry SLO measurements")
                .uid("telemetry-slos");
        DataStream<SloEvaluation> sloEvaluations = quoteFreshness
                .union(errorBudget, telemetrySlos)
                .keyBy(SloMeasurement::scopeKey)
                .connect(directives.broadcast(SloEvaluator.POLICIES, SloEvaluator.RESUMES))
                .process(new SloEvaluator())
                .name("SLO evaluation")
                .uid("slo-evaluator");
        controls = controls.union(SloRule.apply(sloEvaluations));

        DataStream<DislocationEpisode> dislocations = instruments.getSideOutput(InstrumentHost.DISLOCATIONS);

        DataStream<OrderRecord> orders = routed.getSideOutput(EventRouter.ORDERS);
        DataStream<GuardrailTrip> trips = orders.flatMap(new GuardrailLevels.Orders())
                .name("orders to guardrail levels")
                .uid("guardrail-orders")
                .union(facts.flatMap(new GuardrailLevels.Fills())
                        .name("fills to guardrail levels")
                        .uid("guardrail-fills"))
                .keyBy(GuardrailInput::scopeKey)
                .connect(directives.broadcast(GuardrailMonitor.POLICIES, GuardrailMonitor.RESUMES))
                .process(new GuardrailMonitor())
                .name("guardrails")
                .uid("guardrails");
        controls = controls.union(GuardrailRule.apply(trips));

        // The order rate once more, on arrival and per input partition, for the early control topic: it waits for
        // neither the watermark nor the checkpoint. A buffer timeout of 0 sends each order on as soon as it is read.
        // (The second source's dead letters are ignored here: the main source dead-letters the same records.)
        DataStream<Decoded> onArrival = arrivals == null
                ? routed
                : env.fromSource(arrivals, arrivalWatermarks(), "orders and policies on arrival")
                        .uid("arrivals");
        DataStream<PolicyRecord> earlyPolicies = arrivals == null ? policies : gated(onArrival, "arrival-");
        DataStream<ControlRecord> earlyControls = onArrival
                .flatMap(new io.riskplane.telemetry.GuardrailLevels.Arrivals())
                .name("orders on arrival")
                .uid("early-orders")
                .setBufferTimeout(0)
                .keyBy(EarlyOrderRateGuard.ArrivedOrder::key)
                .connect(earlyPolicies.broadcast(EarlyOrderRateGuard.POLICIES))
                .process(new EarlyOrderRateGuard())
                .name("early order rate")
                .uid("early-order-rate");

        DataStream<CursorStaleness> staleness = routed.getSideOutput(EventRouter.SIGNALS_AND_CURSORS)
                .keyBy(StalenessInput::source)
                .process(new CursorStalenessDetector(
                        options.staleness(),
                        options.staleHorizon().toMillis(),
                        options.quietKeyExpiry().toMillis()))
                .name("cursor staleness")
                .uid("cursor-staleness");
        DataStream<ConditionSample> routeFallback = orders.filter(
                        o -> o.isTerminal() && !o.expectedAdapter().isEmpty())
                .name("terminal routed orders")
                .uid("terminal-routed-orders")
                .keyBy(OrderRecord::expectedAdapter)
                .process(new RouteFallbackRatio())
                .name("route fallback ratio")
                .uid("route-fallback");
        DataStream<ConditionSample> signalLag = staleness
                .flatMap(new SignalLagSamples())
                .name("signal lag per lane")
                .uid("signal-lag-samples");
        DataStream<ConditionEvaluation> conditions = routeFallback
                .union(signalLag)
                .keyBy(ConditionSample::scopeKey)
                .connect(directives.broadcast(SustainedBreachEvaluator.POLICIES, SustainedBreachEvaluator.RESUMES))
                .process(new SustainedBreachEvaluator())
                .name("sustained breaches")
                .uid("sustained-breaches");
        controls = controls.union(SustainedBreachRule.apply(conditions));

        DataStream<LaneRunEvaluation> laneRuns = routed.getSideOutput(EventRouter.LANE_RUNS)
                .keyBy(LaneRunRecord::lane)
                .connect(directives.broadcast(LaneFailureEvaluator.POLICIES))
                .process(new LaneFailureEvaluator())
                .name("lane failures")
                .uid("lane-failures");
        controls = controls.union(LaneRollbackRule.apply(laneRuns));

        controls = controls.union(operatorControls);

        DataStream<DeadLetterRecord> deadLetters = routed.getSideOutput(EventRouter.DEAD_LETTERS);
        if (commandsRouted != routed) {
            deadLetters = deadLetters.union(commandsRouted.getSideOutput(EventRouter.DEAD_LETTERS));
        }
        deadLetters = deadLetters.union(
                instruments.getSideOutput(InstrumentHost.DUPLICATES),
                policies.getSideOutput(PolicyVersionGate.REFUSED),
                operatorControls.getSideOutput(OperatorCommandGate.REFUSED));

        // Storage gets PnL bars (a row per scope and second, and one per fill); the rule judged every snapshot.
        // Once per host, so that each host's bars become rows (or replay lines) in an operator chained to it.
        sinks.output(PlaneOutputs.PNL_BARS, strategyPnl.getSideOutput(PnlScopeHost.BARS));
        sinks.output(PlaneOutputs.PNL_BARS, orgPnl.getSideOutput(PnlScopeHost.BARS));
        sinks.output(PlaneOutputs.CONTROL_EVENTS, controls);
        sinks.output(PlaneOutputs.EARLY_CONTROL_EVENTS, earlyControls);
        if (!options.dataDrivenWatermarks()) {
            sinks.heartbeats(controls.transform(
                            "plane heartbeat",
                            TypeInformation.of(HeartbeatRecord.class),
                            new PlaneHeartbeat(
                                    options.planeId(),
                                    options.heartbeatInterval().toMillis()))
                    .setParallelism(1)
                    .setMaxParallelism(1)
                    .uid("plane-heartbeat"));
        }
        // Each halt's lifecycle, in event-time order per scope: the current state for execution and the halts view,
        // and one alert per halt episode, resolved by the RESUME that ends it (docs/rules.md, "Lifecycle").
        SingleOutputStreamOperator<HaltStateRecord> haltStates = controls.keyBy(HaltLedger::key)
                .process(new HaltLedger(options.alerting()))
                .name("halt ledger")
                .uid("halt-ledger");
        sinks.output(PlaneOutputs.HALT_STATES, haltStates);
        sinks.output(PlaneOutputs.ALERTS, haltStates.getSideOutput(HaltLedger.ALERTS));
        sinks.output(PlaneOutputs.DEAD_LETTERS, deadLetters);
        sinks.output(PlaneOutputs.EXECUTION_TELEMETRY, telemetry);
        // The rules judged every evaluation; storage keeps the status changes and one per scope and minute.
        sinks.output(
                PlaneOutputs.SLO_EVALUATIONS,
                sloEvaluations
                        .filter(SloEvaluation::stored)
                        .name("stored SLO evaluations")
                        .uid("stored-slo-evaluations"));
        sinks.output(PlaneOutputs.DISLOCATIONS, dislocations);
        sinks.output(
                PlaneOutputs.CURSOR_STALENESS,
                staleness
                        .filter(CursorStaleness::stored)
                        .name("stored cursor staleness")
                        .uid("stored-cursor-staleness"));
        sinks.output(PlaneOutputs.GUARDRAIL_TRIPS, trips);
        sinks.output(PlaneOutputs.CONDITION_EVALUATIONS, conditions);
        sinks.output(PlaneOutputs.LANE_RUNS, laneRuns);
        sinks.finish();
        return new Streams(
                routed,
                snapshots,
                controls,
                deadLetters,
                telemetry,
                sloEvaluations,
                dislocations,
                staleness,
                trips,
                conditions,
                laneRuns,
                earlyControls);
    }

    /**
     * The risk policies of a stream, each version once, each checked against the risk desk's keys: a policy whose
     * signature does not verify (or, where signatures are required, is missing) is refused, and a re-published version
     * with other content never replaces the first (PolicyVersionGate; its dead letters are those of the main graph,
     * the early graph, which applies the same checks to the same policies, ignores its own).
     */
    private SingleOutputStreamOperator<PolicyRecord> gated(DataStream<Decoded> in, String uidPrefix) {
        return in.filter(d -> d.policy() != null)
                .name("risk policies")
                .uid(uidPrefix + "policies")
                .keyBy(PolicyVersionGate::key)
                .process(new PolicyVersionGate(options.policyKeys(), options.requireSignedPolicies()))
                .name("policy versions")
                .uid(uidPrefix + "policy-version-gate");
    }

    /** The early decisions need event time only to forget idle keys: plain bounded out-of-orderness with idleness. */
    private WatermarkStrategy<Decoded> arrivalWatermarks() {
        return WatermarkStrategy.<Decoded>forBoundedOutOfOrderness(options.outOfOrderness())
                .withIdleness(options.idleness().isZero() ? Duration.ofSeconds(5) : options.idleness())
                .withTimestampAssigner((d, previous) -> d.isDeadLetter() ? Long.MIN_VALUE : d.eventTimeMillis());
    }

    /** Operator commands: stamped with the wall clock when signed; idle until one arrives (SplitIdleness). */
    private WatermarkStrategy<Decoded> commandWatermarks() {
        Duration outOfOrderness = options.outOfOrderness();
        Duration idleness = options.idleness().isZero() ? Duration.ofSeconds(5) : options.idleness();
        return WatermarkStrategy.<Decoded>forGenerator(ctx -> SplitIdleness.idleUntilRecord(
                        new BoundedOutOfOrdernessWatermarks<Decoded>(outOfOrderness),
                        idleness,
                        ctx.getInputActivityClock()))
                .withTimestampAssigner((d, previous) -> d.isDeadLetter() ? Long.MIN_VALUE : d.eventTimeMillis());
    }

    private WatermarkStrategy<Decoded> watermarks() {
        long bound = options.outOfOrderness().toMillis();
        Duration idleness = options.idleness();
        WatermarkStrategy<Decoded> w;
        if (options.dataDrivenWatermarks()) {
            w = WatermarkStrategy.forGenerator(ctx -> new DataDrivenWatermarks(bound, DATA_WATERMARK_STEP_MS));
        } else if (idleness.isZero()) {
            w = WatermarkStrategy.forBoundedOutOfOrderness(options.outOfOrderness());
        } else {
            Duration grace = idleness.multipliedBy(STARTUP_GRACE_FACTOR);
            Duration outOfOrderness = options.outOfOrderness();
            long liveLag = options.liveLag().toMillis();
            w = WatermarkStrategy.forGenerator(ctx -> new SplitIdleness<>(
                    liveLag > 0
                            ? new LiveClockWatermarks<Decoded>(
                                    outOfOrderness.toMillis(), liveLag, System::currentTimeMillis)
                            : new BoundedOutOfOrdernessWatermarks<Decoded>(outOfOrderness),
                    idleness,
                    grace,
                    ctx.getInputActivityClock()));
        }
        // Dead letters carry no trustworthy time: they must not move the watermark.
        return w.withTimestampAssigner((d, previous) -> d.isDeadLetter() ? Long.MIN_VALUE : d.eventTimeMillis());
    }
}
