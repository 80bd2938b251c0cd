package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.model.DetectorOutput;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse rows of the demo session (RowBinary) as the production sinks build them, and the detector keys the
 * archive job reads from the detectors' rows, byte for byte: a digest per table of the sorted rows. Any change to them must
 * come with RowBinaryContentsIT still green (the same ClickHouse contents as the JSON rows before RowBinary).
 */
class WarehouseRowsGoldenIT {
    @TempDir
    Path dir;

    @Test
    void rowsAreByteIdenticalToThoseBeforeTheRefactor() throws Exception {
        Path input = dir.resolve("session.pb");
        TradingSession.export(TradingSession.demo().generate(), input);
        Map<String, List<String>> byTable = RowsOfASession.run(input, dir, 2, "warehouse rows", new RowText());
        Map<String, String> digests = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : byTable.entrySet()) {
            List<String> rows = e.getValue();
            rows.sort(null);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String r : rows) {
                sha.update(r.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            digests.put(e.getKey(), rows.size() + " " + HexFormat.of().formatHex(sha.digest()));
        }
        assertThat(digests).as("rows per table and SHA-256 of the sorted rows").isEqualTo(EXPECTED);
    }

    /**
     * The digests of the RowBinary rows (base64) and detector keys. Taken after RowBinaryContentsIT showed that
     * ClickHouse holds the same contents from these rows as from the JSON rows of main (whose digests this test
     * pinned before), and every row reads back as its JSON line. execution_telemetry since 2026-12-06 (session 5):
     * its sums exact (ExactSum) instead of added in event-time order, which moved the last bits of sums, averages and
     * slopes and nothing else (the 600-minute session's replay compared field by field: 19,881 of 32,211 windows,
     * relative differences up to 1e-15, slopes up to 4e-9). alerts and halt_states since 2026-12-06 (session 6,
     * issue 16): alerts gained the columns ends_at_ms and resolved_by, and the session's SLO resume raises the end of
     * its halt's alert (same episode, with its end) instead of an INFO alert of its own (still 11 rows); halt_states
     * is new (HaltLedgerTest and PlaneEndToEndIT check its contents).
     */
    static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("alerts", "11 a50b27f4ce154dbde6c176edbbc28a8cc83a246fd3bfea61df0fcdadba0890eb"),
            Map.entry("condition_evaluations", "958 aa505dcfe953eb28cf835ed6c8a71a3d388d7a6fee52f2cbaedfe21f926a9805"),
            Map.entry("control_events", "14 d5017d6eb3a6cd54f481bbbf2ac72e000f471e13fe5c40660087404cd64ffbb3"),
            Map.entry("cursor_staleness", "128 03c09103804ee18cfac11fd352b1a3732c81e94f051b4265482a9f74d8eb4cb4"),
            Map.entry("dead_letters", "7 0ae6c53be4f17ace0acd44a1ebade8bce1b9d0024ca2e70847597dbaf4a0d304"),
            Map.entry("dislocations", "2 456461041e4d9a44759eb9267af273de148190ce3779c8414c027831ba6e8e63"),
            Map.entry("execution_telemetry", "3203 123f25d4c1c93b240cb8d37044bcdd53e41508293ebfd63fd15e914b467a61ef"),
            Map.entry("guardrail_trips", "4 3e4db7bee02febe047fcb0e33bf49d1ea9975d5b680803d750bafda218623990"),
            Map.entry("halt_states", "14 25930f0497a8ed31e50921374d8095e9e01569050c5588a4da26e07228d14f15"),
            Map.entry("lane_runs", "13 7bbabd7f184c8127cfd78dc4255f7e756b9773c0db0ab893d86e9181cdb56a45"),
            Map.entry("pnl_bars", "22928 a64cd652bf42762eb5ec9fadee2bf8c800fd9f68f5733a09e1e68ee2210b123f"),
            Map.entry("slo_evaluations", "1758 ef02e55e571af611d6c92ab710e2d8ce59aef1f4acb36db0126e6930ef5a0596"));

    /**
     * A row (RowBinary, in base64) and, when a detector's, the detector keys the archive job reads from it, as one
     * line. Until 2026-12-06 (session 4) the keys came from the record and travelled in the row's headers: the same
     * digests show that the row's columns give the same keys for every row of the session.
     */
    static <T> String line(PlaneOutput<T> output, WarehouseRow r) {
        String row = java.util.Base64.getEncoder().encodeToString(r.bytes());
        DetectorOutput keys = output.detectorOutput(r.bytes());
        return keys == null
                ? row
                : row + "\t" + keys.detector() + "\t" + keys.outputId() + "\t" + keys.scopeKey() + "\t"
                        + keys.eventTimeMillis();
    }

    /** A row as ExternalSinks builds it (PlaneOutput.warehouseRow) and the keys the archive job reads from it. */
    static final class RowText implements RowsOfASession.RowText {
        @Override
        public <T> String of(PlaneOutput<T> output, T value) {
            return line(output, output.warehouseRow(value));
        }
    }
}
