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
        String[] triggerEventIds) {

    public String scopeKey() {
        return scopeType + "|" + org + "|" + strategy;
    }
}
