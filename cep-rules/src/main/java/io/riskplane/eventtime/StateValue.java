package io.riskplane.eventtime;

import org.apache.flink.api.common.state.ValueState;

/** One value of a detector's state: keyed {@link ValueState} in a Flink host, a field in a unit test. */
public interface StateValue<V> {
    V get() throws Exception;

    void set(V value) throws Exception;

    default void clear() throws Exception {
        set(null);
    }

    static <V> StateValue<V> of(ValueState<V> state) {
        return new StateValue<>() {
            @Override
            public V get() throws Exception {
                return state.value();
            }

            @Override
            public void set(V value) throws Exception {
                if (value == null) {
                    state.clear();
                } else {
                    state.update(value);
                }
            }
        };
    }

    static <V> StateValue<V> inMemory() {
        return new StateValue<>() {
            private V value;

            @Override
            public V get() {
                return value;
            }

            @Override
            public void set(V v) {
                value = v;
            }
        };
    }
}
