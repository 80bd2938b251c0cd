package io.riskplane.infra;

import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes records to the plane's input topics, idempotently and with acks=all. Events of one instrument share a
 * key, so they stay in order on one partition.
 */
public final class EnvelopePublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;

    public EnvelopePublisher(String bootstrap, Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record; envelope may be null for raw bytes that are not an envelope. */
    public void send(String topic, Envelope envelope, byte[] value) {
        Exception f = failure.get();
        if (f != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + f.getMessage(), f);
        }
        byte[] key = envelope == null ? null : partitionKey(envelope).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent++;
    }

    public long sent() {
        return sent;
    }

    /** Waits until every record is acknowledged; throws if any failed. */
    public void flush() {
        producer.flush();
        Exception f = failure.get();
        if (f != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + f.getMessage(), f);
        }
    }

    static String partitionKey(Envelope e) {
        switch (e.getPayloadCase()) {
            case ORDER:
                return e.getOrder().getInstrument();
            case FILL:
                return e.getFill().getInstrument();
            case QUOTE:
                return e.getQuote().getInstrument();
            case SIGNAL:
                return e.getSignal().getSource();
            case CURSOR_COMMIT:
                return e.getCursorCommit().getConsumerId();
            case RISK_POLICY:
                return e.getRiskPolicy().getPolicyId();
            // One registry entry per venue: a compacted topic must keep each venue's entry.
            case INSTRUMENT:
                return e.getInstrument().getInstrument() + "|"
                        + e.getInstrument().getVenue();
            default:
                return e.getEventId();
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
