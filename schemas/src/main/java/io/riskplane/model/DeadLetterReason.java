package io.riskplane.model;

/** Stable dead-letter reason codes: part of the public contract. */
public final class DeadLetterReason {
    public static final String UNDECODABLE = "UNDECODABLE";
    public static final String EMPTY_PAYLOAD = "EMPTY_PAYLOAD";
    public static final String MISSING_FIELD = "MISSING_FIELD";
    public static final String INVALID_VALUE = "INVALID_VALUE";
    public static final String UNKNOWN_ENUM = "UNKNOWN_ENUM";
    public static final String FUTURE_TIMESTAMP = "FUTURE_TIMESTAMP";
    public static final String WRONG_TOPIC = "WRONG_TOPIC";
    public static final String NOT_AN_INPUT = "NOT_AN_INPUT";
    public static final String DUPLICATE_EVENT = "DUPLICATE_EVENT";
    /** An event time further behind the watermark than the stale horizon (PlaneOptions.staleHorizon). */
    public static final String STALE_TIMESTAMP = "STALE_TIMESTAMP";
    /** A risk policy id and version seen before with other content: the first copy stays in force. */
    public static final String CONFLICTING_VERSION = "CONFLICTING_VERSION";
    /** An output the plane could not write even cut to its size bound (the writer's refusal, as a dead letter). */
    public static final String OUTPUT_REJECTED = "OUTPUT_REJECTED";
    /** A ClickHouse row the warehouse refused as data (dead-lettered by the loader, not the job). */
    public static final String WAREHOUSE_REJECTED = "WAREHOUSE_REJECTED";
    /** An alert Alertmanager refused as data (dead-lettered by the alerts forwarder, not the job). */
    public static final String ALERT_REJECTED = "ALERT_REJECTED";

    /** An operator command without a signature. */
    public static final String UNSIGNED_COMMAND = "UNSIGNED_COMMAND";
    /** An operator command of an operator the plane has no key for. */
    public static final String UNKNOWN_OPERATOR = "UNKNOWN_OPERATOR";
    /** An operator command whose signature does not verify under its operator's key (forged or altered). */
    public static final String BAD_SIGNATURE = "BAD_SIGNATURE";
    /** An operator command with a command_id the plane has accepted before (a replayed command). */
    public static final String REPLAYED_COMMAND = "REPLAYED_COMMAND";

    /** A risk policy without a signature, where the plane requires the risk desk's (security.require_signed_policies). */
    public static final String UNSIGNED_POLICY = "UNSIGNED_POLICY";
    /** A risk policy signed by a signer the plane has no key for (security.policy_keys), where signatures are required. */
    public static final String UNKNOWN_POLICY_SIGNER = "UNKNOWN_POLICY_SIGNER";
    /** A risk policy whose signature does not verify under its signer's key (forged or altered): always refused. */
    public static final String BAD_POLICY_SIGNATURE = "BAD_POLICY_SIGNATURE";

    private DeadLetterReason() {}
}
