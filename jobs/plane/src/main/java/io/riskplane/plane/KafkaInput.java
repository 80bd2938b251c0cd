package io.riskplane.plane;

import io.riskplane.contract.Topics;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.KafkaEnvelopeDeserializer;
import io.riskplane.model.Decoded;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/** The plane's Kafka source over every input topic, decoding at the source (per-partition watermarks). */
public final class KafkaInput {
    static final int MAX_PARTITION_FETCH_BYTES = 64 * 1024;

    private KafkaInput() {}

    /** The consumer group of {@link #arrivals}: the plane's group id with this suffix. */
    public static final String ARRIVALS_GROUP_SUFFIX = "-early";

    /** The consumer group of {@link #operatorCommands}: the plane's group id with this suffix. */
    public static final String OPERATOR_GROUP_SUFFIX = "-operator";

    /** Every input topic but the operator commands' (see {@link #operatorCommands}). */
    public static KafkaSource<Decoded> source(
            String bootstrap, Properties client, String groupId, PlaneOptions options) {
        return builder(
                        bootstrap,
                        client,
                        groupId,
                        options,
                        Topics.INPUTS.stream()
                                .filter(t -> !t.equals(Topics.OPERATOR))
                                .toList())
                .build();
    }

    /**
     * The operator commands, a source of their own: their topic is nearly always empty, and in the main source an
     * empty partition holds event time back for the startup grace at every start (SplitIdleness); here it is idle
     * until a command arrives. Own consumer group (groupId + {@value #OPERATOR_GROUP_SUFFIX}).
     */
    public static KafkaSource<Decoded> operatorCommands(
            String bootstrap, Properties client, String groupId, PlaneOptions options) {
        return builder(bootstrap, client, groupId + OPERATOR_GROUP_SUFFIX, options, java.util.List.of(Topics.OPERATOR))
                .build();
    }

    /** The plane's source, bounded by the offsets at start: for measurements of what Flink reads (`bench`). */
    public static KafkaSource<Decoded> bounded(String bootstrap, String groupId, PlaneOptions options) {
        return builder(bootstrap, new Properties(), groupId, options, Topics.INPUTS)
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    /**
     * The orders and policies once more, for the early decisions (docs/rules.md, "guardrail.order-rate.early"): a
     * source of their own keeps them off the main source thread, which decodes and routes every input event, so an
     * order is judged within milliseconds whatever the rest of the input costs. Own consumer group
     * (groupId + {@value #ARRIVALS_GROUP_SUFFIX}): a start without a checkpoint resumes where it left off.
     */
    public static KafkaSource<Decoded> arrivals(
            String bootstrap, Properties client, String groupId, PlaneOptions options) {
        return builder(
                        bootstrap,
                        client,
                        groupId + ARRIVALS_GROUP_SUFFIX,
                        options,
                        java.util.List.of(Topics.ORDERS, Topics.POLICIES))
                .build();
    }

    private static KafkaSourceBuilder<Decoded> builder(
            String bootstrap, Properties client, String groupId, PlaneOptions options, java.util.List<String> topics) {
        // A reader serves several partitions and drains one partition's fetched bytes before the next. With the
        // default 1 MB per partition, a partition can wait seconds behind another while a backlog is read, and be
        // declared idle although it has data; small fetches keep partitions interleaved (see SplitIdleness).
        return committed(
                bootstrap,
                client,
                groupId,
                topics,
                new KafkaEnvelopeDeserializer(
                        new EnvelopeDecoder(options.maxFutureSkew().toMillis())),
                MAX_PARTITION_FETCH_BYTES);
    }

    /**
     * A source of topics as every riskplane job reads them: read_committed (never a producer's aborted writes),
     * from the group's committed offsets, else the earliest; {@code maxPartitionFetchBytes} unless the client
     * properties set it.
     */
    public static <T> KafkaSourceBuilder<T> committed(
            String bootstrap,
            Properties client,
            String groupId,
            java.util.List<String> topics,
            KafkaRecordDeserializationSchema<T> deserializer,
            int maxPartitionFetchBytes) {
        Properties props = new Properties();
        props.putAll(client);
        props.put("isolation.level", "read_committed");
        props.putIfAbsent("max.partition.fetch.bytes", String.valueOf(maxPartitionFetchBytes));
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topics)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperties(props);
    }
}
