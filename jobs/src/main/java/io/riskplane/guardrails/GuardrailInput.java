package io.riskplane.guardrails;

/**
 * What the guardrails look at, at one scope level: a new order sent to market (counts toward the order rate; its
 * limit price against the decision price gives the spread cross) or a fill (its price against the decision price,
 * against the side, gives the adverse selection). Exits and reduce-only orders are exempt: they can never be
 * blocked, so they never trip anything. Unknown numbers are NaN.
 */
public record GuardrailInput(
        String kind,
        String level,
        String org,
        String strategy,
        String instrument,
        String eventId,
        long atMillis,
        double spreadCrossBps,
        double adverseSelectionBps) {

    public static final String ORDER = "order";
    public static final String FILL = "fill";

    public static final String ORG = "org";
    public static final String STRATEGY = "strategy";
    public static final String INSTRUMENT = "instrument";

    public String scopeKey() {
        return String.join("|", level, org, strategy, instrument);
    }
}
