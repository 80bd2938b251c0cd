package io.riskplane.rules;

import io.riskplane.model.ControlRecord;
import java.io.Serializable;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * A rule whose pattern is one evaluation that meets a condition: a predicate chained to the evaluator that judged
 * it, with no keyed exchange and no event-time buffer of its own. Each evaluator emits its scope's evaluations in
 * event-time order, so this is what a one-event CEP pattern computed, without the exchange and the buffer.
 * An evaluation of input that was late (judged on arrival, counted in the evaluator's late_events) fires too: a
 * breach is never dropped for arriving late (fail closed).
 */
public final class OneEventRule<E> implements FlatMapFunction<E, ControlRecord> {
    private static final long serialVersionUID = 1L;

    /** The rule's condition. */
    @FunctionalInterface
    public interface Condition<E> extends Serializable {
        boolean fires(E evaluation);
    }

    /** The rule's control event for an evaluation that meets the condition. */
    @FunctionalInterface
    public interface Emit<E> extends Serializable {
        ControlRecord control(E evaluation);
    }

    private final Condition<E> condition;
    private final Emit<E> emit;

    private OneEventRule(Condition<E> condition, Emit<E> emit) {
        this.condition = condition;
        this.emit = emit;
    }

    /** The rule's control events, chained to {@code evaluations}' operator; {@code uid} names the rule's operator. */
    public static <E> SingleOutputStreamOperator<ControlRecord> apply(
            DataStream<E> evaluations, Condition<E> condition, Emit<E> emit, String name, String uid) {
        return evaluations
                .flatMap(new OneEventRule<>(condition, emit))
                .returns(ControlRecord.class)
                .name(name)
                .uid(uid);
    }

    @Override
    public void flatMap(E evaluation, Collector<ControlRecord> out) {
        if (condition.fires(evaluation)) {
            out.collect(emit.control(evaluation));
        }
    }
}
