package io.riskplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.lake.LakeReplayIT;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `riskplane replay --from-lake` as a user runs it, on a real Iceberg warehouse: its exit codes (0 replayed, 2 bad
 * arguments or a refused what-if policy, 3 an archive that misses records or holds none of the range) and what it
 * says.
 */
class ReplayFromLakeCommandIT {
    @TempDir
    static Path dir;

    static Path warehouse;
    static final long DAY = TradingSession.DEFAULT_START.toEpochMilli();

    @BeforeAll
    static void archiveTenQuotesLessOne() throws Exception {
        warehouse = dir.resolve("warehouse");
        IcebergLakehouse lake = IcebergLakehouse.localWarehouse(warehouse.toString());
        lake.ensureTables();
        Path records = dir.resolve("holed.records");
        LakeReplayIT.quotes(records, DAY, 10, java.util.Set.of(4L));
        LakeReplayIT.writeRowsOnly(lake, records); // offset 4's row lost
    }

    record Run(int code, String err) {}

    static Run replay(String... args) {
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = RiskPlaneCli.commandLine().setErr(new PrintWriter(err, true)).execute(all);
        return new Run(code, err.toString());
    }

    @Test
    void aGapIsRefusedWithExitThreeAndNamed() {
        Run r = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--day",
                "2026-11-20",
                "--out",
                dir.resolve("gap").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err())
                .contains("refused")
                .contains(Topics.QUOTES + " partition 0: offsets 4 (1 record) are not " + "in the archive");
        assertThat(dir.resolve("gap").resolve("control-events.jsonl")).doesNotExist();
    }

    @Test
    void aRangeTheArchiveDoesNotHoldIsRefusedNotReplayedIntoNothing() {
        Run r = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--day",
                "2026-11-10",
                "--out",
                dir.resolve("none").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err())
                .contains("the archive holds no event between 2026-11-10T05:00:00Z and " + "2026-11-11T05:00:00Z");
    }

    @Test
    void aGapJustAfterTheRangeCountsToo() throws Exception {
        // Offsets 0-3 are the range's and follow one another, but the record after offset 3 is lost: it might have
        // belonged to the range (event times are not in offset order).
        Path out = dir.resolve("before-gap");
        Run r = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--from",
                java.time.Instant.ofEpochMilli(DAY).toString(),
                "--to",
                java.time.Instant.ofEpochMilli(DAY + 3_500).toString(),
                "--out",
                out.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("offsets 4 (1 record)");
    }

    @Test
    void badArgumentsAndARefusedPolicyExitTwo() throws Exception {
        assertThat(replay(
                                "--from-lake",
                                "--day",
                                "2026-11-20",
                                "--out",
                                dir.resolve("x").toString())
                        .code())
                .isEqualTo(2);
        assertThat(replay(
                                "--from-lake",
                                "--warehouse",
                                warehouse.toString(),
                                "--out",
                                dir.resolve("x").toString())
                        .err())
                .contains("needs a range");
        Path nan = dir.resolve("nan.jsonl");
        Files.writeString(
                nan,
                "{\"policyId\":\"p\",\"scope\":{\"org\":\"acme\"},\"currency\":\"USD\","
                        + "\"maxDrawdown\":\"NaN\"}\n");
        Run r = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--day",
                "2026-11-20",
                "--policies",
                nan.toString(),
                "--out",
                dir.resolve("nan").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(nan + ":1: refused");
        assertThat(replay(
                                "--input",
                                nan.toString(),
                                "--org",
                                "acme",
                                "--out",
                                dir.resolve("y").toString())
                        .err())
                .contains("--org goes with --from-lake");
        // A bound Iceberg's microseconds cannot hold, and an empty range.
        Run far = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--from",
                "2026-11-20T00:00:00Z",
                "--to",
                "+300000-01-01T00:00:00Z",
                "--out",
                dir.resolve("far").toString());
        assertThat(far.code()).isEqualTo(2);
        assertThat(far.err()).contains("a range bound no timestamp can hold");
        Run empty = replay(
                "--from-lake",
                "--warehouse",
                warehouse.toString(),
                "--from",
                "2026-11-20T00:00:00Z",
                "--to",
                "2026-11-20T00:00:00Z",
                "--out",
                dir.resolve("empty").toString());
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("an empty range");
    }
}
