package io.riskplane.ingest;

import com.google.protobuf.ProtocolMessageEnum;
import io.riskplane.eventtime.PolicyThresholds;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.v1.CursorCommit;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.HealthProbe;
import io.riskplane.v1.InstrumentRegistryEntry;
import io.riskplane.v1.LaneRun;
import io.riskplane.v1.Order;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Signal;

/** Field rules of each input payload (docs/contracts.md). Throws InvalidInput with the first rule broken. */
final class InputValidator {
    private InputValidator() {}

    /**
     * Magnitudes no real market reaches. Bounding them keeps every sum the plane computes (notional, fees, equity
     * over millions of fills) far inside the range of a double, so that no input can overflow a risk computation to
     * infinity or NaN (docs/contracts.md, "Magnitudes").
     */
    static final double MAX_PRICE = 1e9;

    static final double MAX_QUANTITY = 1e12;
    /** A fee may exceed the fill's notional only up to this flat amount (minimum fees on tiny fills). */
    static final double MAX_FLAT_FEE = 1_000;
    /** Money limits of a policy, in its currency. */
    static final double MAX_MONEY_LIMIT = 1e15;

    static final double MAX_LATENCY_MS = 86_400_000;
    /** Identifiers and names (ids, orgs, venues, ...): they become keys, state and the evidence of control events. */
    static final int MAX_ID_CHARS = 256;
    /** Free text from venues and gates. */
    static final int MAX_TEXT_CHARS = 4_096;

    private static final java.util.Set<String> FREE_TEXT = java.util.Set.of(
            "riskplane.v1.Order.reject_reason",
            "riskplane.v1.Order.fallback_reason",
            "riskplane.v1.HealthProbe.detail",
            "riskplane.v1.GateResult.detail");

    /**
     * Every string in the envelope within its bound (checked only for records long enough to hold a string over
     * MAX_ID_CHARS): an overlong id would travel into keys, state, control events and rows.
     */
    static void boundedStrings(com.google.protobuf.Message m, int serializedSize) throws InvalidInput {
        if (serializedSize > MAX_ID_CHARS) {
            strings(m);
        }
    }

    private static void strings(com.google.protobuf.Message m) throws InvalidInput {
        for (var f : m.getAllFields().entrySet()) {
            var field = f.getKey();
            for (Object v : field.isRepeated() ? (java.util.List<?>) f.getValue() : java.util.List.of(f.getValue())) {
                if (v instanceof String str) {
                    int max = FREE_TEXT.contains(field.getFullName()) ? MAX_TEXT_CHARS : MAX_ID_CHARS;
                    if (str.length() > max) {
                        throw new InvalidInput(
                                DeadLetterReason.INVALID_VALUE,
                                field.getFullName().replace("riskplane.v1.", "") + " is " + str.length()
                                        + " characters long; at most " + max);
                    }
                } else if (v instanceof com.google.protobuf.Message sub) {
                    strings(sub); // nested messages, map entries (their keys)
                }
            }
        }
    }

    static void validate(Envelope e) throws InvalidInput {
        timestamp("event_time", e.hasEventTime(), e.getEventTime());
        switch (e.getPayloadCase()) {
            case ORDER:
                order(e.getOrder());
                break;
            case FILL:
                fill(e.getFill());
                break;
            case QUOTE:
                quote(e.getQuote());
                break;
            case SIGNAL:
                signal(e.getSignal());
                break;
            case CURSOR_COMMIT:
                cursor(e.getCursorCommit());
                break;
            case HEALTH_PROBE:
                probe(e.getHealthProbe());
                break;
            case LANE_RUN:
                laneRun(e.getLaneRun());
                break;
            case INSTRUMENT:
                instrument(e.getInstrument());
                break;
            case RISK_POLICY:
                policy(e.getRiskPolicy());
                break;
            case OPERATOR_COMMAND:
                operatorCommand(e);
                break;
            case PAYLOAD_NOT_SET:
                throw new InvalidInput(DeadLetterReason.EMPTY_PAYLOAD, "envelope carries no payload");
            default:
                throw new InvalidInput(
                        DeadLetterReason.NOT_AN_INPUT,
                        e.getPayloadCase().name().toLowerCase() + " is an output of the plane, not an input");
        }
    }

    private static void order(Order o) throws InvalidInput {
        required("order.order_id", o.getOrderId());
        required("order.org", o.getOrg());
        required("order.strategy", o.getStrategy());
        required("order.instrument", o.getInstrument());
        knownEnum("order.side", o.getSide(), true);
        knownEnum("order.type", o.getType(), false);
        knownEnum("order.state", o.getState(), true);
        knownEnum("order.previous_state", o.getPreviousState(), false);
        knownEnum("order.error_category", o.getErrorCategory(), false);
        bounded("order.quantity", o.getQuantity(), true, MAX_QUANTITY);
        bounded("order.limit_price", o.getLimitPrice(), false, MAX_PRICE);
        bounded("order.decision_price", o.getDecisionPrice(), false, MAX_PRICE);
        bounded("order.filled_quantity", o.getFilledQuantity(), false, MAX_QUANTITY);
        unitInterval("order.confidence", o.getConfidence());
        timestamp("order.decision_time", o.hasDecisionTime(), o.getDecisionTime());
        timestamp("order.submit_time", o.hasSubmitTime(), o.getSubmitTime());
        timestamp("order.ack_time", o.hasAckTime(), o.getAckTime());
    }

    private static void fill(Fill f) throws InvalidInput {
        required("fill.fill_id", f.getFillId());
        required("fill.org", f.getOrg());
        required("fill.strategy", f.getStrategy());
        required("fill.instrument", f.getInstrument());
        knownEnum("fill.side", f.getSide(), true);
        knownEnum("fill.liquidity", f.getLiquidity(), false);
        bounded("fill.quantity", f.getQuantity(), true, MAX_QUANTITY);
        bounded("fill.price", f.getPrice(), true, MAX_PRICE);
        finite("fill.fee", f.getFee());
        double notional = f.getQuantity() * f.getPrice();
        if (Math.abs(f.getFee()) > notional + MAX_FLAT_FEE) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "fill.fee " + f.getFee() + " exceeds the fill's notional " + notional + " (plus " + MAX_FLAT_FEE
                            + ") in magnitude");
        }
        timestamp("fill.exec_time", f.hasExecTime(), f.getExecTime());
    }

    private static void quote(Quote q) throws InvalidInput {
        required("quote.venue", q.getVenue());
        required("quote.instrument", q.getInstrument());
        bounded("quote.bid", q.getBid(), true, MAX_PRICE);
        bounded("quote.ask", q.getAsk(), true, MAX_PRICE);
        bounded("quote.bid_size", q.getBidSize(), false, MAX_QUANTITY);
        bounded("quote.ask_size", q.getAskSize(), false, MAX_QUANTITY);
        if (q.getBid() > q.getAsk()) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE, "quote is crossed: bid " + q.getBid() + " > ask " + q.getAsk());
        }
        timestamp("quote.exchange_time", q.hasExchangeTime(), q.getExchangeTime());
        timestamp("quote.receive_time", q.hasReceiveTime(), q.getReceiveTime());
    }

    private static void signal(Signal s) throws InvalidInput {
        required("signal.source", s.getSource());
        unitInterval("signal.confidence", s.getConfidence());
        if (s.getSequence() < 0) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, "signal.sequence is negative");
        }
        timestamp("signal.signal_time", s.hasSignalTime(), s.getSignalTime());
    }

    private static void cursor(CursorCommit c) throws InvalidInput {
        required("cursor_commit.consumer_id", c.getConsumerId());
        required("cursor_commit.source", c.getSource());
        timestamp("cursor_commit.cursor_time", c.hasCursorTime(), c.getCursorTime());
    }

    private static void probe(HealthProbe p) throws InvalidInput {
        required("health_probe.target", p.getTarget());
        bounded("health_probe.latency_ms", p.getLatencyMs(), false, MAX_LATENCY_MS);
    }

    private static void laneRun(LaneRun r) throws InvalidInput {
        required("lane_run.lane", r.getLane());
        required("lane_run.run_id", r.getRunId());
        knownEnum("lane_run.outcome", r.getOutcome(), true);
    }

    private static void instrument(InstrumentRegistryEntry i) throws InvalidInput {
        required("instrument.instrument", i.getInstrument());
        required("instrument.venue", i.getVenue());
        knownEnum("instrument.asset_class", i.getAssetClass(), false);
        knownEnum("instrument.lifecycle", i.getLifecycle(), true);
        bounded("instrument.tick_size", i.getTickSize(), false, MAX_PRICE);
        bounded("instrument.lot_size", i.getLotSize(), false, MAX_QUANTITY);
    }

    private static void policy(RiskPolicy p) throws InvalidInput {
        required("risk_policy.policy_id", p.getPolicyId());
        required("risk_policy.scope.org", p.getScope().getOrg());
        if (p.getVersion() <= 0) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, "risk_policy.version must be > 0");
        }
        boolean pnlPolicy = p.getScope().getVenue().isEmpty()
                && p.getScope().getAdapter().isEmpty()
                && p.getScope().getLane().isEmpty();
        if (pnlPolicy) {
            // A PnL policy without a drawdown limit would let losses run: the limit is mandatory.
            bounded("risk_policy.max_drawdown", p.getMaxDrawdown(), true, MAX_MONEY_LIMIT);
        } else {
            bounded("risk_policy.max_drawdown", p.getMaxDrawdown(), false, MAX_MONEY_LIMIT);
        }
        unitInterval("risk_policy.max_drawdown_fraction", p.getMaxDrawdownFraction());
        bounded("risk_policy.max_daily_loss", p.getMaxDailyLoss(), false, MAX_MONEY_LIMIT);
        bounded("risk_policy.capital_base", p.getCapitalBase(), false, MAX_MONEY_LIMIT);
        // Every threshold name is declared with a range: an unknown name (a typo would silently leave the rule on
        // its default) or a zero, negative or absurd value (a check that never fires) is refused.
        String refused = PolicyThresholds.refusal(p.getThresholdsMap());
        if (refused != null) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, "risk_policy." + refused);
        }
        // A resume level at or above the limit would resume a halt while still in breach of max_drawdown.
        Double resumeBelow = p.getThresholdsMap().get("drawdown_resume_below");
        if (resumeBelow != null && !(resumeBelow < p.getMaxDrawdown())) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "risk_policy.thresholds[drawdown_resume_below] " + resumeBelow
                            + " must be below risk_policy.max_drawdown " + p.getMaxDrawdown());
        }
    }

    /**
     * A timestamp that is set must be one the Protobuf JSON mapping can print (0001-01-01 to 9999-12-31, nanos
     * 0..999,999,999): the archive prints every valid event, and one it cannot print would stop the job.
     */
    private static void timestamp(String field, boolean set, com.google.protobuf.Timestamp ts) throws InvalidInput {
        if (set && !com.google.protobuf.util.Timestamps.isValid(ts)) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    field + " is not a valid timestamp (seconds "
                            + ts.getSeconds() + ", nanos " + ts.getNanos()
                            + "): it must lie in 0001-01-01..9999-12-31 UTC"
                            + " with nanos in 0..999999999");
        }
    }

    /** The scopes a command may name: the levels the rules halt (docs/contracts.md, OperatorCommand). */
    static final java.util.Set<String> COMMAND_SCOPES =
            java.util.Set.of("org", "org+strategy", "org+strategy+instrument", "instrument+venue", "adapter", "lane");

    /** A rule id as the rules write them: lower-case dotted words ("" = every rule). */
    private static final java.util.regex.Pattern RULE_ID = java.util.regex.Pattern.compile("[a-z]+(\\.[a-z-]+)+");

    /**
     * What the input alone can tell of an operator command: its fields, the shape of its scope, and that it is signed
     * at all (the signature itself is checked against the operator's key by OperatorCommandGate).
     */
    private static void operatorCommand(Envelope e) throws InvalidInput {
        io.riskplane.v1.OperatorCommand c = e.getOperatorCommand();
        required("operator_command.command_id", c.getCommandId());
        if (!c.getCommandId().equals(e.getEventId())) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "operator_command.command_id " + c.getCommandId() + " differs from the envelope's event_id "
                            + e.getEventId());
        }
        knownEnum("operator_command.action", c.getAction(), true);
        required("operator_command.operator_id", c.getOperatorId());
        required("operator_command.reason", c.getReason());
        io.riskplane.v1.Scope s = c.getScope();
        java.util.List<String> set = new java.util.ArrayList<>();
        for (String[] f : new String[][] {
            {"org", s.getOrg()},
            {"strategy", s.getStrategy()},
            {"instrument", s.getInstrument()},
            {"venue", s.getVenue()},
            {"adapter", s.getAdapter()},
            {"lane", s.getLane()}
        }) {
            if (!f[1].isEmpty()) {
                set.add(f[0]);
            }
        }
        String shape = String.join("+", set);
        if (!COMMAND_SCOPES.contains(shape)) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "operator_command.scope sets "
                            + (shape.isEmpty() ? "nothing" : shape) + ", which is no scope the rules halt (one of "
                            + new java.util.TreeSet<>(COMMAND_SCOPES) + ")");
        }
        if (c.getAction() == io.riskplane.v1.OperatorAction.OPERATOR_HALT
                && !c.getRuleId().isEmpty()) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "operator_command.rule_id is for a RESUME; a HALT " + "halts the scope whatever the rule");
        }
        if (!c.getRuleId().isEmpty() && !RULE_ID.matcher(c.getRuleId()).matches()) {
            throw new InvalidInput(
                    DeadLetterReason.INVALID_VALUE,
                    "operator_command.rule_id '" + c.getRuleId() + "' is not a rule id");
        }
        if (c.getSignature().isEmpty()) {
            throw new InvalidInput(
                    DeadLetterReason.UNSIGNED_COMMAND,
                    "operator command " + c.getCommandId() + " carries no signature; not applied");
        }
    }

    private static void required(String field, String value) throws InvalidInput {
        if (value == null || value.isBlank()) {
            throw new InvalidInput(DeadLetterReason.MISSING_FIELD, field + " is missing");
        }
    }

    private static void finite(String field, double v) throws InvalidInput {
        if (!Double.isFinite(v)) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, field + " is not a finite number: " + v);
        }
    }

    /** Finite, above 0 (or at least 0 when not {@code positive}) and at most {@code max}. */
    private static void bounded(String field, double v, boolean positive, double max) throws InvalidInput {
        if (positive) {
            positive(field, v);
        } else {
            nonNegative(field, v);
        }
        if (v > max) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, field + " must be <= " + max + ", got " + v);
        }
    }

    private static void positive(String field, double v) throws InvalidInput {
        finite(field, v);
        if (v <= 0) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, field + " must be > 0, got " + v);
        }
    }

    private static void nonNegative(String field, double v) throws InvalidInput {
        finite(field, v);
        if (v < 0) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, field + " must be >= 0, got " + v);
        }
    }

    private static void unitInterval(String field, double v) throws InvalidInput {
        nonNegative(field, v);
        if (v > 1) {
            throw new InvalidInput(DeadLetterReason.INVALID_VALUE, field + " must be in [0, 1], got " + v);
        }
    }

    /** Unknown numbers (from a newer producer) are UNKNOWN_ENUM; an unset required enum is MISSING_FIELD. */
    private static void knownEnum(String field, ProtocolMessageEnum value, boolean required) throws InvalidInput {
        if (value instanceof Enum<?> en && en.name().equals("UNRECOGNIZED")) {
            throw new InvalidInput(DeadLetterReason.UNKNOWN_ENUM, field + " has an unknown value");
        }
        if (required && value.getNumber() == 0) {
            throw new InvalidInput(DeadLetterReason.MISSING_FIELD, field + " is not set");
        }
    }
}
