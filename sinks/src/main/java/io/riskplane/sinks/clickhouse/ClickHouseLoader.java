package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.Topics;
import io.riskplane.sinks.kafka.Relay;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Inserts the plane's rows (topic riskplane.v1.clickhouse-rows, read_committed: only rows of completed checkpoints)
 * into ClickHouse, one JSONEachRow insert per table per poll. It runs beside the Flink job, not in it: a ClickHouse
 * outage stops this loader, never the control path. Nothing is lost: offsets are committed only after every insert
 * of the batch succeeded, and a failed insert is retried with exponential backoff until it does. A repeat after a
 * crash collapses in the ReplacingMergeTrees (read with FINAL).
 */
public final class ClickHouseLoader implements AutoCloseable {
    public static final String DEFAULT_GROUP_ID = "riskplane-clickhouse-loader";

    private final Relay relay;
    private final ClickHouseHttp clickhouse;
    private final Duration pollTimeout;
    private final Consumer<String> log;
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public ClickHouseLoader(String bootstrap, Properties client, String groupId, ClickHouseHttp clickhouse,
            int maxRowsPerPoll, Duration pollTimeout, Duration initialBackoff, Duration maxBackoff,
            Consumer<String> log) {
        Properties p = Relay.consumerProperties(bootstrap, client, groupId);
        p.putIfAbsent("max.poll.records", String.valueOf(maxRowsPerPoll));
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(8 << 20));
        // A long outage holds one batch for minutes: stay in the group meanwhile.
        p.putIfAbsent("max.poll.interval.ms", String.valueOf(Integer.MAX_VALUE));
        this.relay = new Relay(p, initialBackoff, maxBackoff, log);
        this.clickhouse = clickhouse;
        this.pollTimeout = pollTimeout;
        this.log = log;
    }

    /** Rows ClickHouse has accepted (a row inserted again after a crash counts again). */
    public long inserted() {
        return inserted.get();
    }

    /** Inserts that failed and were retried. */
    public long failedAttempts() {
        return relay.failedAttempts();
    }

    /** Records that name no table of the plane (never written by the plane; they stay in Kafka). */
    public long skipped() {
        return skipped.get();
    }

    /** Loads until {@link #stop()}; call on a thread of its own. */
    public void run() {
        relay.run(Topics.CLICKHOUSE_ROWS, pollTimeout, this::insert);
    }

    /** One insert per table of the batch; true once ClickHouse accepted them all. */
    private boolean insert(ConsumerRecords<byte[], byte[]> records) {
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
            byte[] body = e.getValue().toByteArray();
            if (!relay.untilAccepted("clickhouse loader: insert into " + e.getKey(),
                    () -> clickhouse.insertJsonEachRow(e.getKey(), body))) {
                return false;
            }
        }
        inserted.addAndGet(rows);
        return true;
    }

    public void stop() {
        relay.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
