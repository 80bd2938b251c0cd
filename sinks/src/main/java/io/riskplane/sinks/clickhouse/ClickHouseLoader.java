package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.sinks.kafka.DetectorOutputHeaders;
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
 * into ClickHouse, one insert per table per poll: RowBinary rows (the record's riskplane.row_format header) in one,
 * JSONEachRow lines (rows written before RowBinary, without that header) in another. With input topics and an {@link InputRows}, it also
 * reads the plane's input topics itself and inserts each valid input event as a {@code raw_events} row (the decision
 * job writes no raw events): in the same polls, under the same commits and retries. It runs beside the Flink job, not in it: a ClickHouse
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

    /**
     * The raw_events row of a record of an input topic, or null when the record is not a valid input event (the
     * plane dead-letters it, with its reason). Never throws on bad input.
     */
    @FunctionalInterface
    public interface InputRows {
        WarehouseRow rowOf(ConsumerRecord<byte[], byte[]> record);
    }

    private final Relay relay;
    private final ClickHouseHttp clickhouse;
    private final Duration pollTimeout;
    private final Consumer<String> log;
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong notRaw = new AtomicLong();
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final List<String> topics;
    private final InputRows inputRows;
    /** Tables whose columns were found to have the types the RowBinary rows write (reset when an insert fails). */
    private final java.util.Set<String> checkedTables = new java.util.HashSet<>();

    /** The rows topic only. */
    public ClickHouseLoader(
            String bootstrap,
            Properties client,
            String groupId,
            ClickHouseHttp clickhouse,
            int maxRowsPerPoll,
            Duration pollTimeout,
            Duration initialBackoff,
            Duration maxBackoff,
            Consumer<String> log) {
        this(
                bootstrap,
                client,
                groupId,
                clickhouse,
                maxRowsPerPoll,
                pollTimeout,
                initialBackoff,
                maxBackoff,
                log,
                List.of(),
                null);
    }

    /**
     * The rows topic and the input topics, whose records become raw_events rows by inputRows.
     */
    public ClickHouseLoader(
            String bootstrap,
            Properties client,
            String groupId,
            ClickHouseHttp clickhouse,
            int maxRowsPerPoll,
            Duration pollTimeout,
            Duration initialBackoff,
            Duration maxBackoff,
            Consumer<String> log,
            List<String> inputTopics,
            InputRows inputRows) {
        if (!inputTopics.isEmpty() && inputRows == null) {
            throw new IllegalArgumentException("input topics need a way to turn their records into rows");
        }
        List<String> all = new ArrayList<>(List.of(Topics.CLICKHOUSE_ROWS));
        all.addAll(inputTopics);
        this.topics = List.copyOf(all);
        this.inputRows = inputRows;
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

    /** Records of the input topics that are not valid input events (the plane's dead letters): no raw_events row. */
    public long notRawEvents() {
        return notRaw.get();
    }

    /** Loads until {@link #stop()}; call on a thread of its own. */
    public void run() {
        try {
            relay.run(topics, pollTimeout, this::insert);
        } finally {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /** One insert per table of the batch; true once ClickHouse accepted them all (refused rows dead-lettered). */
    private boolean insert(ConsumerRecords<byte[], byte[]> records) {
        // Binary rows of a table before its JSON lines, tables by name: a stable order of inserts.
        Map<Batch, List<Pending>> byTable =
                new TreeMap<>(java.util.Comparator.comparing(Batch::table).thenComparing(b -> !b.binary()));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (!r.topic().equals(Topics.CLICKHOUSE_ROWS)) {
                WarehouseRow row = inputRows.rowOf(r);
                if (row == null) {
                    notRaw.incrementAndGet();
                } else {
                    byTable.computeIfAbsent(new Batch(row.table(), row.binary()), t -> new ArrayList<>())
                            .add(new Pending(r, row.binary(), row.bytes()));
                }
                continue;
            }
            String table = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (!ClickHouseRows.TABLE_NAMES.contains(table) || r.value() == null) {
                skipped.incrementAndGet();
                log.accept("clickhouse loader: record " + r.partition() + "/" + r.offset()
                        + " names no table of the plane (`" + table + "`); skipped");
                continue;
            }
            // A record without the format header is a JSONEachRow line of a job before RowBinary: loaded as before.
            boolean binary = DetectorOutputHeaders.isRowBinary(r.headers());
            byTable.computeIfAbsent(new Batch(table, binary), t -> new ArrayList<>())
                    .add(new Pending(r, binary, r.value()));
        }
        for (Map.Entry<Batch, List<Pending>> e : byTable.entrySet()) {
            String table = e.getKey().table();
            List<Pending> rows = e.getValue();
            if (e.getKey().binary()) {
                // A record whose bytes are no row of its table never reaches ClickHouse: it is refused here.
                ClickHouseTable<?> descriptor = ClickHouseRows.TABLES_BY_NAME.get(table);
                List<Pending> whole = new ArrayList<>(rows.size());
                for (Pending p : rows) {
                    if (descriptor.isRow(p.bytes())) {
                        whole.add(p);
                    } else if (!deadLetter(
                            table,
                            p.record(),
                            new ClickHouseHttp.Rejected(
                                    0, "not a RowBinary row of " + table + " (" + p.bytes().length + " bytes)"))) {
                        return false;
                    }
                }
                rows = whole;
            }
            if (!rows.isEmpty() && !load(table, rows)) {
                return false;
            }
        }
        return true;
    }

    /** One insert per table and format: RowBinary rows, or JSONEachRow lines. */
    private record Batch(String table, boolean binary) {}

    /**
     * Inserts rows into table, retrying while ClickHouse is unreachable; rows it refuses as data are split off and
     * dead-lettered. False when the loader was stopped first.
     */
    private boolean load(String table, List<Pending> rows) {
        boolean binary = rows.get(0).binary();
        byte[] body = body(rows, binary);
        ClickHouseHttp.Rejected[] refused = new ClickHouseHttp.Rejected[1];
        boolean done = relay.untilAccepted("clickhouse loader: insert into " + table, () -> {
            try {
                insert(table, binary, body);
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
            return deadLetter(table, rows.get(0).record(), refused[0]);
        }
        int half = rows.size() / 2;
        return load(table, rows.subList(0, half)) && load(table, rows.subList(half, rows.size()));
    }

    private boolean deadLetter(String table, ConsumerRecord<byte[], byte[]> row, ClickHouseHttp.Rejected why) {
        DeadLetterRecord d = Relay.refused(
                row,
                DeadLetterReason.WAREHOUSE_REJECTED,
                (why.code() == 0
                                ? "The loader refused this row of " + table + ": "
                                : "ClickHouse refused this row of " + table + " (code " + why.code() + "): ")
                        + why.getMessage(),
                "");
        log.accept("clickhouse loader: row " + row.partition() + "/" + row.offset() + " of " + table + " refused (code "
                + why.code() + "); published as a dead letter");
        WarehouseRow deadLetterRow = PlaneOutputs.DEAD_LETTERS.clickhouse().row(d);
        boolean published = relay.publishUntilAccepted(deadLetters, d, "clickhouse loader: dead letter for " + table)
                && relay.untilAccepted(
                        "clickhouse loader: insert into " + deadLetterRow.table(),
                        () -> insert(deadLetterRow.table(), true, deadLetterRow.bytes()));
        if (published) {
            rejected.incrementAndGet();
        }
        return published;
    }

    /**
     * One insert of RowBinary rows or JSONEachRow lines. RowBinary carries no names or types, and ClickHouse 18.16
     * has no RowBinaryWithNamesAndTypes input: the rows name their columns in the INSERT (ClickHouse refuses an
     * unknown one), and their types are checked against system.columns first, so that a row is never stored as
     * another type's bytes. A type that differs is refused as data (code 53, TYPE_MISMATCH, as ClickHouse's own
     * check would be: the rows are dead-lettered); a column the table lacks is retried (a migration not yet applied).
     */
    private void insert(String table, boolean binary, byte[] body) throws IOException, InterruptedException {
        if (!binary) {
            clickhouse.insertJsonEachRow(table, body);
            return;
        }
        ClickHouseTable<?> descriptor = ClickHouseRows.TABLES_BY_NAME.get(table);
        if (!checkedTables.contains(table)) {
            Map<String, String> actual = clickhouse.columnTypes(table);
            for (ClickHouseTable.ColumnType c : descriptor.columnTypes()) {
                String type = actual.get(c.name());
                if (type == null) {
                    throw new IOException("riskplane." + table + " has no column " + c.name() + " ("
                            + c.type().clickhouse() + "): are the migrations applied (ClickHouseSchema)?");
                }
                if (!type.equals(c.type().clickhouse())) {
                    throw new ClickHouseHttp.Rejected(
                            TYPE_MISMATCH,
                            "riskplane." + table + "." + c.name() + " is " + type + ", the row writes it as "
                                    + c.type().clickhouse());
                }
            }
            checkedTables.add(table);
        }
        try {
            clickhouse.insertRowBinary(table, descriptor.columns(), body);
        } catch (IOException e) {
            checkedTables.remove(table); // the schema may have moved: check it again before the next insert
            throw e;
        }
    }

    /** ClickHouse's TYPE_MISMATCH. */
    static final int TYPE_MISMATCH = 53;

    /** A row to insert, its format, and the record it came from (the row itself, or an input event). */
    private record Pending(ConsumerRecord<byte[], byte[]> record, boolean binary, byte[] bytes) {}

    /** An insert's body: RowBinary rows one after another, JSONEachRow lines each ended by a newline. */
    private static byte[] body(List<Pending> rows, boolean binary) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Pending r : rows) {
            body.writeBytes(r.bytes());
            if (!binary) {
                body.write('\n');
            }
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
