package io.riskplane.pnl;

/**
 * One part of a scope's equity as of an event time: a strategy's position in one instrument (for a strategy
 * scope), or a strategy's totals (for an org scope). Values are cumulative, so the latest component replaces the
 * previous one.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(EquityComponentSerializer.Factory.class)
public record EquityComponent(
        String scopeType,
        String org,
        String strategy,
        String componentId,
        long eventTimeMillis,
        double realizedNet,
        double fees,
        double unrealized,
        String[] triggerEventIds,
        boolean fromFill,
        String scopeKey) {

    /**
     * The key every keyed exchange of this record uses, built once per instance (on construction, and so once on
     * deserialization) rather than on every call of the key selector, which Flink makes more than once per record.
     * It is derived from the other fields: the value passed for it is ignored.
     */
    public EquityComponent {
        scopeKey = scopeType + "|" + org + "|" + strategy;
    }

    public EquityComponent(
            String scopeType,
            String org,
            String strategy,
            String componentId,
            long eventTimeMillis,
            double realizedNet,
            double fees,
            double unrealized,
            String[] triggerEventIds) {
        this(
                scopeType,
                org,
                strategy,
                componentId,
                eventTimeMillis,
                realizedNet,
                fees,
                unrealized,
                triggerEventIds,
                false,
                null);
    }

    /** @param fromFill a fill moved it (storage keeps a PnL row per fill: PnlBarBuilder) */
    public EquityComponent(
            String scopeType,
            String org,
            String strategy,
            String componentId,
            long eventTimeMillis,
            double realizedNet,
            double fees,
            double unrealized,
            String[] triggerEventIds,
            boolean fromFill) {
        this(
                scopeType,
                org,
                strategy,
                componentId,
                eventTimeMillis,
                realizedNet,
                fees,
                unrealized,
                triggerEventIds,
                fromFill,
                null);
    }
}
