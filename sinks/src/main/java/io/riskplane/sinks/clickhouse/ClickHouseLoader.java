package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Inserts the plane's rows (topic riskplane.v1.clickhouse-rows, read_committed: only rows of completed checkpoints)
 * into ClickHouse, one JSONEachRow insert per table per poll. It runs beside the Flink job, not in it: a ClickHouse
 * outage stops this loader, never the control path. Nothing is lost: offsets are committed only after every insert
 * of the batch succeeded, and a failed insert is retried with exponential backoff until it does. A repeat after a
 * crash collapses in the ReplacingMergeTrees (read with FINAL).
 */
public final class ClickHouseLoader implements AutoCloseable {
    public static final String DEFAULT_GROUP_ID = "riskplane-clickhouse-loader";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ClickHouseHttp clickhouse;
    private final Duration pollTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public ClickHouseLoader(String bootstrap, Properties client, String groupId, ClickHouseHttp clickhouse,
            int maxRowsPerPoll, Duration pollTimeout, Duration initialBackoff, Duration maxBackoff,
            Consumer<String> log) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", groupId);
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.putIfAbsent("auto.offset.reset", "earliest");
        p.putIfAbsent("max.poll.records", String.valueOf(maxRowsPerPoll));
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(8 << 20));
        // A long outage holds one batch for minutes: stay in the group meanwhile.
        p.putIfAbsent("max.poll.interval.ms", String.valueOf(Integer.MAX_VALUE));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.clickhouse = clickhouse;
        this.pollTimeout = pollTimeout;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.log = log;
    }

    /** Rows ClickHouse has accepted (a row inserted again after a crash counts again). */
    public long inserted() {
        return inserted.get();
    }

    /** Inserts that failed and were retried. */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Records that name no table of the plane (never written by the plane; they stay in Kafka). */
    public long skipped() {
        return skipped.get();
    }

    /** Loads until {@link #stop()}; call on a thread of its own. */
    public void run() {
        consumer.subscribe(List.of(Topics.CLICKHOUSE_ROWS));
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                Map<String, ByteArrayOutputStream> byTable = new TreeMap<>();
                long rows = 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String table = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (!ClickHouseRows.TABLE_NAMES.contains(table) || r.value() == null) {
                        skipped.incrementAndGet();
                        log.accept("clickhouse loader: record " + r.partition() + "/" + r.offset()
                                + " names no table of the plane (`" + table + "`); skipped");
                        continue;
                    }
                    ByteArrayOutputStream body = byTable.computeIfAbsent(table, t -> new ByteArrayOutputStream());
                    body.writeBytes(r.value());
                    body.write('\n');
                    rows++;
                }
                for (Map.Entry<String, ByteArrayOutputStream> e : byTable.entrySet()) {
                    if (!insertUntilAccepted(e.getKey(), e.getValue().toByteArray())) {
                        return; // stopped while retrying: nothing committed, the batch is read again next time
                    }
                }
                inserted.addAndGet(rows);
                consumer.commitSync();
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // stop() while polling
        } finally {
            consumer.close();
        }
    }

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    @Override
    public void close() {
        stop();
    }

    private boolean insertUntilAccepted(String table, byte[] body) {
        long backoff = initialBackoff.toMillis();
        while (running.get()) {
            String failure;
            try {
                clickhouse.insertJsonEachRow(table, body);
                return true;
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            failedAttempts.incrementAndGet();
            log.accept("clickhouse loader: insert into " + table + " failed (" + failure + "); retrying in "
                    + backoff + " ms");
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
}
