package io.riskplane.guardrails;

/**
 * What the guardrails look at, at one scope level: a new order sent to market (counts toward the order rate; its
 * limit price against the decision price gives the spread cross) or a fill (its price against the decision price,
 * against the side, gives the adverse selection). Exits and reduce-only orders are exempt: they can never be
 * blocked, so they never trip anything. Unknown numbers are NaN.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(GuardrailInputSerializer.Factory.class)
public record GuardrailInput(
        String kind,
        String level,
        String org,
        String strategy,
        String instrument,
        String eventId,
        long atMillis,
        double spreadCrossBps,
        double adverseSelectionBps,
        String scopeKey) {

    /**
     * The key every keyed exchange of this record uses, built once per instance (on construction, and so once on
     * deserialization) rather than on every call of the key selector, which Flink makes more than once per record.
     * It is derived from the other fields: the value passed for it is ignored.
     */
    public GuardrailInput {
        scopeKey = String.join("|", level, org, strategy, instrument);
    }

    public GuardrailInput(
            String kind,
            String level,
            String org,
            String strategy,
            String instrument,
            String eventId,
            long atMillis,
            double spreadCrossBps,
            double adverseSelectionBps) {
        this(kind, level, org, strategy, instrument, eventId, atMillis, spreadCrossBps, adverseSelectionBps, null);
    }

    public static final String ORDER = "order";
    public static final String FILL = "fill";

    public static final String ORG = "org";
    public static final String STRATEGY = "strategy";
    public static final String INSTRUMENT = "instrument";
}
