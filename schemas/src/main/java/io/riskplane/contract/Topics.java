package io.riskplane.contract;

import io.riskplane.v1.Envelope;
import java.util.List;

/** Kafka topic names: part of the public contract (docs/contracts.md). Every record value is one serialized Envelope. */
public final class Topics {
    public static final String ORDERS = "riskplane.v1.orders";
    public static final String FILLS = "riskplane.v1.fills";
    public static final String QUOTES = "riskplane.v1.quotes";
    public static final String SIGNALS = "riskplane.v1.signals";
    public static final String CURSORS = "riskplane.v1.cursors";
    public static final String HEALTH = "riskplane.v1.health";
    public static final String LANE_RUNS = "riskplane.v1.lane-runs";
    public static final String INSTRUMENTS = "riskplane.v1.instruments";
    public static final String POLICIES = "riskplane.v1.policies";
    /** Signed operator commands: halt or resume a scope (OperatorCommand). */
    public static final String OPERATOR = "riskplane.v1.operator";

    public static final String CONTROL = "riskplane.v1.control";
    /**
     * Control events decided on arrival, without waiting for the watermark or the checkpoint: written at least once
     * the moment they are decided. Execution de-duplicates them by control_id. The confirmed events stay on CONTROL.
     */
    public static final String CONTROL_EARLY = "riskplane.v1.control-early";

    public static final String ALERTS = "riskplane.v1.alerts";
    /**
     * Where each scope stands now (HaltState: ACTIVE, HALTED or COOLING_DOWN, and the halts in force), compacted by
     * scope key, so that it always holds every scope's current state: what a starting execution service reads first.
     */
    public static final String HALT_STATE = "riskplane.v1.halt-state";

    public static final String HEARTBEAT = "riskplane.v1.heartbeat";
    public static final String DEAD_LETTER = "riskplane.v1.deadletter";
    /**
     * The plane's ClickHouse rows on their way to the loader: key = table name, value = one JSONEachRow line (the
     * one topic whose values are not Envelopes). Written exactly once with the checkpoint.
     */
    public static final String CLICKHOUSE_ROWS = "riskplane.v1.clickhouse-rows";

    /** The topics the plane reads. */
    public static final List<String> INPUTS =
            List.of(ORDERS, FILLS, QUOTES, SIGNALS, CURSORS, HEALTH, LANE_RUNS, INSTRUMENTS, POLICIES, OPERATOR);

    /** The topics the plane writes. */
    public static final List<String> OUTPUTS =
            List.of(CONTROL, CONTROL_EARLY, ALERTS, HALT_STATE, HEARTBEAT, DEAD_LETTER, CLICKHOUSE_ROWS);

    /** The topics kept by key (cleanup.policy compact): the latest record per key is the state. */
    public static final List<String> COMPACTED = List.of(HALT_STATE);

    private Topics() {}

    /** The topic an envelope with this payload belongs on. */
    public static String forPayload(Envelope.PayloadCase payload) {
        switch (payload) {
            case ORDER:
                return ORDERS;
            case FILL:
                return FILLS;
            case QUOTE:
                return QUOTES;
            case SIGNAL:
                return SIGNALS;
            case CURSOR_COMMIT:
                return CURSORS;
            case HEALTH_PROBE:
                return HEALTH;
            case LANE_RUN:
                return LANE_RUNS;
            case INSTRUMENT:
                return INSTRUMENTS;
            case RISK_POLICY:
                return POLICIES;
            case OPERATOR_COMMAND:
                return OPERATOR;
            case CONTROL:
                return CONTROL; // confirmed; CONTROL_EARLY carries the same payload kind
            case ALERT:
                return ALERTS;
            case HEARTBEAT:
                return HEARTBEAT;
            case DEAD_LETTER:
                return DEAD_LETTER;
            case HALT_STATE:
                return HALT_STATE;
            default:
                throw new IllegalArgumentException("envelope has no payload");
        }
    }

    /** Stable lower-case name of a payload kind, used as `kind` in ClickHouse and Iceberg. */
    public static String kindName(Envelope.PayloadCase payload) {
        return payload.name().toLowerCase(java.util.Locale.ROOT);
    }
}
