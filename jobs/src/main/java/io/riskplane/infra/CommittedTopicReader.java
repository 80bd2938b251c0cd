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
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : topics) {
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic,
                    p.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
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
