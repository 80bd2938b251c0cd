package io.riskplane.sinks.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the plane's relays beside the job (alerts forwarder, ClickHouse loader) share: a read_committed consumer that
 * commits offsets only by hand, a poll loop that commits a batch only after its delivery was accepted, and delivery
 * retried with exponential backoff until it is accepted or the relay stops. Nothing is lost: a batch not accepted is
 * read again after a restart.
 */
public final class Relay implements AutoCloseable {
    /** One delivery attempt; throws IOException (logged and retried) unless the far side accepted it. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws IOException, InterruptedException;
    }

    /** Delivers one polled batch; false when the relay was stopped before the batch was accepted. */
    @FunctionalInterface
    public interface Delivery {
        boolean deliver(ConsumerRecords<byte[], byte[]> batch);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong failedAttempts = new AtomicLong();

    /** @param consumerProperties from {@link #consumerProperties}, plus any tuning of the relay's own */
    public Relay(Properties consumerProperties, Duration initialBackoff, Duration maxBackoff, Consumer<String> log) {
        this.consumer =
                new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.log = log;
    }

    /** Consumer properties: the client's own, plus read_committed, manual commits, the group, no poll deadline. */
    public static Properties consumerProperties(String bootstrap, Properties client, String groupId) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", groupId);
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.putIfAbsent("auto.offset.reset", "earliest");
        // A relay holds one batch for as long as its destination is down (retried, never skipped): stay in the
        // group meanwhile, or the commit after a long outage would fail and end the relay.
        p.putIfAbsent("max.poll.interval.ms", String.valueOf(Integer.MAX_VALUE));
        return p;
    }

    /**
     * The producer a relay publishes its dead letters with (what its destination refused as data): every send
     * acknowledged by all replicas and idempotent, so that a dead letter is durable before the batch is committed.
     */
    public static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> deadLetterProducer(
            String bootstrap, Properties client) {
        Properties producer = new Properties();
        producer.putAll(client);
        producer.put("bootstrap.servers", bootstrap);
        producer.put("acks", "all");
        producer.put("enable.idempotence", "true");
        return new org.apache.kafka.clients.producer.KafkaProducer<>(
                producer,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** Polls topic and delivers each batch, committing it once accepted, until {@link #stop()}; on its own thread. */
    public void run(String topic, Duration pollTimeout, Delivery delivery) {
        run(List.of(topic), pollTimeout, delivery);
    }

    /** As {@link #run(String, Duration, Delivery)}, over several topics: one batch may hold records of each. */
    public void run(java.util.Collection<String> topics, Duration pollTimeout, Delivery delivery) {
        consumer.subscribe(List.copyOf(topics));
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                if (!delivery.deliver(records)) {
                    return; // stopped while retrying: nothing committed, the batch is read again next time
                }
                consumer.commitSync();
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // stop() while polling or committing
        } finally {
            consumer.close();
        }
    }

    /**
     * The dead letter of a relayed record that its destination refused as data: id over the reason and the record's
     * place on the relayed topic, the record itself as the original.
     */
    public static io.riskplane.model.DeadLetterRecord refused(
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
            String reason,
            String detail,
            String originalEventId) {
        return new io.riskplane.model.DeadLetterRecord(
                io.riskplane.contract.DeterministicId.of(
                        "dl-", reason, record.topic(), record.partition(), record.offset()),
                reason,
                detail,
                record.value(),
                record.topic(),
                record.partition(),
                record.offset(),
                originalEventId,
                record.timestamp());
    }

    /** Publishes a dead letter, retrying until the broker has it; false when the relay was stopped first. */
    public boolean publishUntilAccepted(
            org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer,
            io.riskplane.model.DeadLetterRecord d,
            String what) {
        return untilAccepted(what, () -> {
            try {
                producer.send(KafkaSinks.deadLetterRecord(d)).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        });
    }

    /** Runs the attempt until it succeeds (true) or the relay is stopped or interrupted (false). */
    public boolean untilAccepted(String what, Attempt attempt) {
        long backoff = initialBackoff.toMillis();
        while (running.get()) {
            String failure;
            try {
                attempt.run();
                return true;
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            failedAttempts.incrementAndGet();
            log.accept(what + " failed (" + failure + "); retrying in " + backoff + " ms");
            try {
                Thread.sleep(backoff); // backoff between retries, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
        }
        return false;
    }

    /** Deliveries that failed and were retried. */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    @Override
    public void close() {
        stop();
    }
}
