package io.riskplane.infra;

import io.riskplane.contract.Topics;
import io.riskplane.v1.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning as the execution service does: read_committed, so only control events of
 * committed checkpoints are seen.
 */
public final class CommittedTopicReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Envelope> seen = new ArrayList<>();

    public CommittedTopicReader(String bootstrap, String topic) {
        consumer = fromBeginning(bootstrap, topic);
    }

    /**
     * A read_committed consumer without a group, assigned every partition of the topics at their beginning: for
     * callers that need the records themselves (headers, offsets), not only the envelopes.
     */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrap, String... topics) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : topics) {
            c.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /**
     * Reads every partition of a topic from its beginning to its end as it is now (read_committed: the last stable
     * offset), handing each record to {@code each}; for tools that read a topic once (a compacted state, a range of
     * history). Fails when the topic does not exist, or when its end is not reached within {@code timeout}.
     */
    public static void readToEnd(
            String bootstrap,
            java.util.Properties client,
            String topic,
            Duration timeout,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<String, Object> props = new java.util.HashMap<>();
        client.forEach((k, v) -> props.put((String) k, v));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            if (parts.isEmpty()) {
                // Not "nothing there": a missing topic must not read as "nothing is halted".
                throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    each.accept(r);
                }
            }
        }
    }

    public static CommittedTopicReader control(String bootstrap) {
        return new CommittedTopicReader(bootstrap, Topics.CONTROL);
    }

    /** Polls once and returns everything seen so far. */
    public List<Envelope> poll(Duration wait) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            seen.add(Envelope.parseFrom(r.value()));
        }
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
