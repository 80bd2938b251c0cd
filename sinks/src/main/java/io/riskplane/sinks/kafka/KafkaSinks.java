package io.riskplane.sinks.kafka;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.OutputBounds;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.v1.DeadLetter;
import io.riskplane.v1.Envelope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The plane's Kafka outputs. Every record value is one serialized Envelope (docs/contracts.md). */
public final class KafkaSinks {
    /** Below the broker's default transaction.max.timeout.ms (15 min), above any sane checkpoint interval. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaSinks() {}

    /**
     * What the plane's Kafka sinks are built from (io.riskplane.plane.ExternalSinks): the alerts and rows sinks take
     * their transactional ids from the prefix with a suffix of their own.
     */
    public record Settings(
            String bootstrap,
            Properties client,
            String transactionalIdPrefix,
            SigningKey signing,
            boolean controlExactlyOnce) {}

    /**
     * Control events with exactly-once delivery: written in a Kafka transaction committed with each checkpoint, so a
     * read_committed consumer sees every control event once. Keyed by scope so that one scope's events stay ordered.
     */
    public static KafkaSink<ControlRecord> control(
            String bootstrap,
            Properties clientProperties,
            String transactionalIdPrefix,
            SigningKey signing,
            boolean exactlyOnce) {
        return exactlyOnce
                ? exactlyOnce(
                        bootstrap, clientProperties, transactionalIdPrefix, controlSerializer(Topics.CONTROL, signing))
                : atOnce(bootstrap, clientProperties, controlSerializer(Topics.CONTROL, signing));
    }

    /**
     * Early control events (decided on arrival), at least once and right away on their own topic, signed like the
     * confirmed ones: they are worth something only if they arrive before the checkpoint would release them.
     */
    public static KafkaSink<ControlRecord> earlyControl(
            String bootstrap, Properties clientProperties, SigningKey signing) {
        return atOnce(bootstrap, clientProperties, controlSerializer(Topics.CONTROL_EARLY, signing));
    }

    /**
     * At least once and right away: a record is readable as soon as the broker has it, not when the checkpoint
     * completes; after a recovery it may be written again (same id).
     */
    private static <T> KafkaSink<T> atOnce(
            String bootstrap, Properties clientProperties, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent("linger.ms", "0");
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Plane heartbeats, at least once and right away (not with the checkpoint): their point is to say, in wall-clock
     * time, that the plane is alive and how far its event time has got. Signed like control events.
     */
    public static KafkaSink<HeartbeatRecord> heartbeats(
            String bootstrap, Properties clientProperties, SigningKey signing) {
        return KafkaSink.<HeartbeatRecord>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(clientProperties)
                .setRecordSerializer(new EnvelopeSerializer<>(
                        Topics.HEARTBEAT, HeartbeatRecord::planeId, HeartbeatRecord::envelope, signing))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Alerts, exactly once as control events (their own transactional ids), keyed by scope. The alerts forwarder
     * reads them read_committed and posts them to Alertmanager.
     */
    public static KafkaSink<AlertRecord> alerts(
            String bootstrap, Properties clientProperties, String transactionalIdPrefix, boolean exactlyOnce) {
        return exactlyOnce
                ? exactlyOnce(bootstrap, clientProperties, transactionalIdPrefix, alertSerializer())
                : atOnce(bootstrap, clientProperties, alertSerializer());
    }

    /**
     * The halt state of each scope (riskplane.v1.halt-state, compacted, key = scope key), exactly once with the
     * checkpoint as the control topic, and signed with the control key when one is configured: execution's verifier
     * bootstraps from it (ControlVerifier#accept).
     */
    public static KafkaSink<HaltStateRecord> haltStates(
            String bootstrap,
            Properties clientProperties,
            String transactionalIdPrefix,
            SigningKey signing,
            boolean exactlyOnce) {
        EnvelopeSerializer<HaltStateRecord> serializer = new EnvelopeSerializer<>(
                Topics.HALT_STATE, HaltStateRecord::scopeKey, HaltStateRecord::envelope, signing);
        return exactlyOnce
                ? exactlyOnce(bootstrap, clientProperties, transactionalIdPrefix, serializer)
                : atOnce(bootstrap, clientProperties, serializer);
    }

    private static EnvelopeSerializer<ControlRecord> controlSerializer(String topic, SigningKey signing) {
        return new EnvelopeSerializer<>(topic, ControlRecord::scopeKey, ControlRecord::envelope, signing);
    }

    private static EnvelopeSerializer<AlertRecord> alertSerializer() {
        return new EnvelopeSerializer<>(Topics.ALERTS, AlertRecord::scopeKey, AlertRecord::envelope, null);
    }

    private static <T> KafkaSink<T> exactlyOnce(
            String bootstrap,
            Properties clientProperties,
            String transactionalIdPrefix,
            KafkaRecordSerializationSchema<T> serializer) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * ClickHouse rows (key = table, value = one RowBinary row, header riskplane.row_format; nothing else: the archive
     * job reads a detector's keys from its row), exactly once with the checkpoint so that the
     * loader, reading read_committed, inserts only what a completed checkpoint covers: after a crash ClickHouse holds
     * the same rows as a run without one.
     */
    public static KafkaSink<WarehouseRow> clickhouseRows(
            String bootstrap, Properties clientProperties, String transactionalIdPrefix) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        // Rows are many and small: batch them (the control path has sinks of its own and does not wait on these).
        props.putIfAbsent("linger.ms", "20");
        props.putIfAbsent("batch.size", String.valueOf(256 * 1024));
        props.putIfAbsent("compression.type", "lz4");
        return exactlyOnce(bootstrap, props, transactionalIdPrefix, new WarehouseRowSerializer());
    }

    public static final class WarehouseRowSerializer implements KafkaRecordSerializationSchema<WarehouseRow> {
        private static final long serialVersionUID = 1L;

        private transient org.apache.flink.metrics.Counter rejected;

        @Override
        public void open(
                org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext context,
                KafkaSinkContext sinkContext) {
            rejected = context.getMetricGroup()
                    .addGroup("reason", DeadLetterReason.OUTPUT_REJECTED)
                    .counter("dead_letters");
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(WarehouseRow row, KafkaSinkContext ctx, Long timestamp) {
            if (row.bytes().length > OutputBounds.MAX_RECORD_BYTES) {
                if (rejected != null) {
                    rejected.inc();
                }
                return deadLetterRecord(oversized(row));
            }
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                    Topics.CLICKHOUSE_ROWS, row.table().getBytes(StandardCharsets.UTF_8), row.bytes());
            if (row.binary()) {
                DetectorOutputHeaders.writeRowBinary(r.headers());
            }
            return r;
        }
    }

    /**
     * A row over the record bound even after its text columns were cut (ClickHouseTable): it goes to the dead letters,
     * within the same transaction, instead of failing the writer, which would restart the job into the same row.
     */
    static DeadLetterRecord oversized(WarehouseRow row) {
        String reason = DeadLetterReason.OUTPUT_REJECTED;
        return new DeadLetterRecord(
                DeterministicId.ofBytes("dl-", row.bytes(), Topics.CLICKHOUSE_ROWS, 0, 0, reason),
                reason,
                "a " + row.table() + " row of " + row.bytes().length + " bytes exceeds the "
                        + OutputBounds.MAX_RECORD_BYTES + "-byte bound of the plane's records; it was not written",
                row.bytes(),
                Topics.CLICKHOUSE_ROWS,
                -1,
                -1,
                "",
                0);
    }

    /** Dead letters at least once: their ids are deterministic, so a consumer can drop a repeat. */
    public static KafkaSink<DeadLetterRecord> deadLetters(String bootstrap, Properties clientProperties) {
        return KafkaSink.<DeadLetterRecord>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(clientProperties)
                .setRecordSerializer(new DeadLetterSerializer())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The dead letter's Kafka record, keyed by reason code: the job's dead-letter sink and the loader publish this. */
    public static ProducerRecord<byte[], byte[]> deadLetterRecord(DeadLetterRecord d) {
        return new ProducerRecord<>(
                Topics.DEAD_LETTER,
                d.reasonCode().getBytes(StandardCharsets.UTF_8),
                envelope(d).toByteArray());
    }

    /** The dead letter as published: an Envelope whose event id is the dead letter's id. */
    public static Envelope envelope(DeadLetterRecord d) {
        return Envelope.newBuilder()
                .setEventId(d.id())
                .setSource("riskplane")
                .setEventTime(ProtoTime.fromMillis(d.observedMillis()))
                .setDeadLetter(DeadLetter.newBuilder()
                        .setReasonCode(d.reasonCode())
                        .setDetail(d.detail())
                        .setOriginal(com.google.protobuf.ByteString.copyFrom(d.original()))
                        .setSourceTopic(d.sourceTopic())
                        .setSourcePartition(d.sourcePartition())
                        .setSourceOffset(d.sourceOffset())
                        .setOriginalEventId(d.originalEventId()))
                .build();
    }

    /**
     * A record whose value is an envelope the plane already serialized, keyed so that one scope's records stay in
     * order, with the HMAC signature headers (io.riskplane.verify.ControlSigner) when a signing key is configured.
     */
    static final class EnvelopeSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableFunction<T, String> keyOf;
        private final SerializableFunction<T, byte[]> envelopeOf;
        private final SigningKey signing;
        private transient ControlSigner signer;

        EnvelopeSerializer(
                String topic,
                SerializableFunction<T, String> keyOf,
                SerializableFunction<T, byte[]> envelopeOf,
                SigningKey signing) {
            this.topic = topic;
            this.keyOf = keyOf;
            this.envelopeOf = envelopeOf;
            this.signing = signing;
        }

        @Override
        public void open(
                org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext context,
                KafkaSinkContext sinkContext)
                throws Exception {
            // Read here, on the task manager, so the key never travels in the job graph.
            signer = signing == null ? null : signing.load();
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext ctx, Long timestamp) {
            byte[] value = envelopeOf.apply(element);
            ProducerRecord<byte[], byte[]> r =
                    new ProducerRecord<>(topic, keyOf.apply(element).getBytes(StandardCharsets.UTF_8), value);
            if (signer != null) {
                r.headers().add(ControlSigner.SIGNATURE_HEADER, signer.signatureHeader(value));
                r.headers().add(ControlSigner.KEY_ID_HEADER, signer.keyId().getBytes(StandardCharsets.UTF_8));
            }
            return r;
        }
    }

    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetterRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetterRecord d, KafkaSinkContext ctx, Long timestamp) {
            return deadLetterRecord(d);
        }
    }
}
