package io.riskplane.rules;

import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The inputs of a rule whose pattern is one event that meets {@code condition}. The others cannot match, so they
 * are dropped before the keyed exchange and the CEP operator's event-time buffer, which they would otherwise cross
 * on every tick: most of the plane's PnL and SLO evaluations enter no breach. The matches are the same.
 */
public final class RuleCandidates {
    private RuleCandidates() {}

    public static <T> DataStream<T> of(DataStream<T> evaluations, SimpleCondition<T> condition) {
        return evaluations.filter(condition::filter).name("rule candidates");
    }
}
