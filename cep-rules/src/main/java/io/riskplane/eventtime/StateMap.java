package io.riskplane.eventtime;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * The map-shaped state of a detector, as the detector sees it: a Flink host hands it keyed {@link MapState} of the
 * current key, a unit test an in-memory map. Detectors stay plain Java; the host owns the state.
 */
public interface StateMap<K, V> {
    V get(K key) throws Exception;

    void put(K key, V value) throws Exception;

    void remove(K key) throws Exception;

    /** In no particular order: a detector that sums or picks must sort first. */
    Iterable<Map.Entry<K, V>> entries() throws Exception;

    boolean isEmpty() throws Exception;

    static <K, V> StateMap<K, V> of(MapState<K, V> state) {
        return new StateMap<>() {
            @Override
            public V get(K key) throws Exception {
                return state.get(key);
            }

            @Override
            public void put(K key, V value) throws Exception {
                state.put(key, value);
            }

            @Override
            public void remove(K key) throws Exception {
                state.remove(key);
            }

            @Override
            public Iterable<Map.Entry<K, V>> entries() throws Exception {
                return state.entries();
            }

            @Override
            public boolean isEmpty() throws Exception {
                return state.isEmpty();
            }
        };
    }

    /** For tests and tools: one map, no key. */
    static <K, V> StateMap<K, V> inMemory() {
        Map<K, V> map = new HashMap<>();
        return new StateMap<>() {
            @Override
            public V get(K key) {
                return map.get(key);
            }

            @Override
            public void put(K key, V value) {
                map.put(key, value);
            }

            @Override
            public void remove(K key) {
                map.remove(key);
            }

            @Override
            public Iterable<Map.Entry<K, V>> entries() {
                return map.entrySet();
            }

            @Override
            public boolean isEmpty() {
                return map.isEmpty();
            }
        };
    }
}
