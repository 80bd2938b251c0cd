package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.sinks.kafka.Relay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Inserts the plane's rows (topic riskplane.v1.clickhouse-rows, read_committed: only rows of completed checkpoints)
 * into ClickHouse, one JSONEachRow insert per table per poll. It runs beside the Flink job, not in it: a ClickHouse
 * outage stops this loader, never the control path. Nothing is lost: offsets are committed only after every insert
 * of the batch succeeded, and a failed insert is retried with exponential backoff until it does. A repeat after a
 * crash collapses in the ReplacingMergeTrees (read with FINAL).
 *
 * <p>A row ClickHouse refuses as data (a value it cannot parse or store: a bug in a row binder, or a schema that
 * moved) would otherwise be retried forever and hold every row behind it. When an insert is refused, the loader
 * splits it in halves until each refused row stands alone, inserts the rest, and publishes each refused row to the
 * dead-letter topic with reason {@value io.riskplane.model.DeadLetterReason#WAREHOUSE_REJECTED} and ClickHouse's
 * message (also into the {@code dead_letters} table), before it commits the batch.
 */
public final class ClickHouseLoader implements AutoCloseable {
    public static final String DEFAULT_GROUP_ID = "riskplane-clickhouse-loader";

    private final Relay relay;
    private final ClickHouseHttp clickhouse;
    private final Duration pollTimeout;
    private final Consumer<String> log;
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final KafkaProducer<byte[], byte[]> deadLetters;

    public ClickHouseLoader(String bootstrap, Properties client, String groupId, ClickHouseHttp clickhouse,
            int maxRowsPerPoll, Duration pollTimeout, Duration initialBackoff, Duration maxBackoff,
            Consumer<String> log) {
        Properties p = Relay.consumerProperties(bootstrap, client, groupId);
        p.putIfAbsent("max.poll.records", String.valueOf(maxRowsPerPoll));
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(8 << 20));
        this.relay = new Relay(p, initialBackoff, maxBackoff, log);
        this.deadLetters = Relay.deadLetterProducer(bootstrap, client);
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

    /** Rows ClickHouse refused as data, published as dead letters. */
    public long rejected() {
        return rejected.get();
    }

    /** Records that name no table of the plane (never written by the plane; they stay in Kafka). */
    public long skipped() {
        return skipped.get();
    }

    /** Loads until {@link #stop()}; call on a thread of its own. */
    public void run() {
        try {
            relay.run(Topics.CLICKHOUSE_ROWS, pollTimeout, this::insert);
        } finally {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /** One insert per table of the batch; true once ClickHouse accepted them all (refused rows dead-lettered). */
    private boolean insert(ConsumerRecords<byte[], byte[]> records) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTable = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String table = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (!ClickHouseRows.TABLE_NAMES.contains(table) || r.value() == null) {
                skipped.incrementAndGet();
                log.accept("clickhouse loader: record " + r.partition() + "/" + r.offset()
                        + " names no table of the plane (`" + table + "`); skipped");
                continue;
            }
            byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> e : byTable.entrySet()) {
            if (!load(e.getKey(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Inserts rows into table, retrying while ClickHouse is unreachable; rows it refuses as data are split off and
     * dead-lettered. False when the loader was stopped first.
     */
    private boolean load(String table, List<ConsumerRecord<byte[], byte[]>> rows) {
        byte[] body = body(rows);
        ClickHouseHttp.Rejected[] refused = new ClickHouseHttp.Rejected[1];
        boolean done = relay.untilAccepted("clickhouse loader: insert into " + table, () -> {
            try {
                clickhouse.insertJsonEachRow(table, body);
                refused[0] = null;
            } catch (ClickHouseHttp.Rejected r) {
                refused[0] = r; // the same rows would be refused again: split them below
            }
        });
        if (!done) {
            return false;
        }
        if (refused[0] == null) {
            inserted.addAndGet(rows.size());
            return true;
        }
        if (rows.size() == 1) {
            return deadLetter(table, rows.get(0), refused[0]);
        }
        int half = rows.size() / 2;
        return load(table, rows.subList(0, half)) && load(table, rows.subList(half, rows.size()));
    }

    private boolean deadLetter(String table, ConsumerRecord<byte[], byte[]> row, ClickHouseHttp.Rejected why) {
        DeadLetterRecord d = Relay.refused(row, DeadLetterReason.WAREHOUSE_REJECTED,
                "ClickHouse refused this row of " + table + " (code " + why.code() + "): " + why.getMessage(), "");
        log.accept("clickhouse loader: row " + row.partition() + "/" + row.offset() + " of " + table
                + " refused (code " + why.code() + "); published as a dead letter");
        boolean published = relay.publishUntilAccepted(deadLetters, d, "clickhouse loader: dead letter for " + table)
                && relay.untilAccepted("clickhouse loader: insert into dead_letters", () -> clickhouse.insertJsonEachRow(
                        ClickHouseRows.DEAD_LETTERS.name(), ClickHouseRows.DEAD_LETTERS.row(d).json()));
        if (published) {
            rejected.incrementAndGet();
        }
        return published;
    }

    private static byte[] body(List<ConsumerRecord<byte[], byte[]>> rows) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (ConsumerRecord<byte[], byte[]> r : rows) {
            body.writeBytes(r.value());
            body.write('\n');
        }
        return body.toByteArray();
    }

    public void stop() {
        relay.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
