package io.riskplane.testing;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Kafka record headers as ControlVerifier.accept takes them. */
public final class KafkaHeaders {
    private KafkaHeaders() {}

    public static Map<String, byte[]> of(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> h = new HashMap<>();
        r.headers().forEach(x -> h.put(x.key(), x.value()));
        return h;
    }
}
