package io.riskplane.bench;

import io.riskplane.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the decision job wrote to its output topics, per topic: records and their bytes as a reader gets them
 * (key, value and headers, uncompressed; read_committed, so aborted transactions do not count) and the partitions'
 * size in the broker's log (batches, compressed where the producer compresses, transaction markers).
 */
final class OutputVolume {
    private OutputVolume() {}

    /** topic -> {records, bytes, log bytes}, for every topic of Topics.OUTPUTS, up to its last stable offset now. */
    static Map<String, long[]> measure(String bootstrap) throws Exception {
        Map<String, long[]> out = new LinkedHashMap<>();
        Topics.OUTPUTS.forEach(t -> out.put(t, new long[3]));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream()
                    .map(n -> n.id())
                    .toList();
            for (var dirs :
                    admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    dir.replicaInfos().forEach((tp, info) -> {
                        long[] v = out.get(tp.topic());
                        if (v != null) {
                            v[2] += info.size();
                        }
                    });
                }
            }
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : Topics.OUTPUTS) {
                c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps); // read_committed: the last stable offsets
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the output topics within 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the snapshot (heartbeats)
                    }
                    long[] v = out.get(r.topic());
                    v[0]++;
                    v[1] += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    for (Header h : r.headers()) {
                        v[1] += h.key().length() + (h.value() == null ? 0 : h.value().length);
                    }
                }
            }
        }
        return out;
    }
}
