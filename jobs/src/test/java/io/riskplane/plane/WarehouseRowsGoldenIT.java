package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.ingest.DelimitedEnvelopeFormat;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.outputs.OutputLine;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse rows of the demo session, and the lakehouse rows that travel with the detectors' rows, as the
 * production sinks build them, byte for byte: a digest per table of the sorted rows. The digests were taken from the
 * code before the outputs were described once (io.riskplane.outputs); the rows must not change with it.
 */
class WarehouseRowsGoldenIT {
    @TempDir
    Path dir;

    @Test
    void rowsAreByteIdenticalToThoseBeforeTheRefactor() throws Exception {
        Path input = dir.resolve("session.pb");
        TradingSession.export(TradingSession.demo().generate(), input);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        PlaneOptions options = PlaneOptions.replay();
        FileSource<io.riskplane.model.Decoded> source = FileSource.forRecordStreamFormat(
                new DelimitedEnvelopeFormat(new EnvelopeDecoder(options.maxFutureSkew().toMillis())),
                new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri())).build();
        RowCapture capture = new RowCapture();
        new RiskPlaneJob(source, capture, options).build(env);
        Path parts = Files.createDirectories(dir.resolve("parts"));
        capture.rows.sinkTo(new ReplayLineSink(parts));
        env.execute("warehouse rows");

        Map<String, List<String>> byTable = new TreeMap<>();
        ReplayLineSink.readAll(parts, l -> byTable.computeIfAbsent(l.file(), t -> new ArrayList<>()).add(l.json()));
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

    static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("alerts", "11 0618abdb446a07c6e956d72ae6b6e64e39b311501d3b86ae08c04fe5fd86876b"),
            Map.entry("condition_evaluations", "958 79c3e4fea5b0b15ecafc9ca66aab059e724c2961555545c05da8d9acc6327f86"),
            Map.entry("control_events", "14 347ae67874e3fba0b5e1eefdfb5b5bd1e5597ad9612907a5b8fa76ce14499396"),
            Map.entry("cursor_staleness", "128 79ea2a3462adcd1a47c4da32bac6a1a6082d744cdb023bb4c64d14a4bb2d5e26"),
            Map.entry("dead_letters", "7 5776a6076f6f6be5d07c684697c0018848fcfd3a0f8f839fa5be6d3c42d92722"),
            Map.entry("dislocations", "2 6e2c4c075a7fde6c83113b1f46024fd550fa9111a2c1ebbba4d2f62b803cc0c0"),
            Map.entry("execution_telemetry", "3203 6cffd993ced37f7a78752e66b69875dd196ab0a9516409325304ea27ed7b14ce"),
            Map.entry("guardrail_trips", "4 57a3f112bf39b387e820cc55c127d72d4ddfbbbfcfc273dd271a89b1076ec5bd"),
            Map.entry("lane_runs", "13 d16aed96aa5ac36b0f8f5066a1d2978fb4112109e405dd063608d01b3c465e53"),
            Map.entry("pnl_bars", "22928 f170dddfea26dc4a4059fcec541baca70ec7a65144066e894af3f1dcfec68293"),
            Map.entry("slo_evaluations", "1758 445be333d1bebe7497e8d014932fc2e4fff2a485403ce009768d2155ce651d4e"));

    /** A row and the lakehouse form in its headers (when a detector's), as one line. */
    static String line(WarehouseRow r) {
        String json = new String(r.json(), StandardCharsets.UTF_8);
        return r.archive() == null ? json : json + "\t" + r.archive().detector() + "\t" + r.archive().outputId()
                + "\t" + r.archive().scopeKey() + "\t" + r.archive().eventTimeMillis() + "\t" + r.archive().json();
    }

    static OutputLine lineOf(WarehouseRow r) {
        return new OutputLine(r.table(), "", line(r));
    }

    /** Builds each row as ExternalSinks does (PlaneOutput.warehouseRow), into one stream. */
    static final class RowCapture implements PlaneSinks {
        DataStream<OutputLine> rows;

        @Override
        public <T> void output(PlaneOutput<T> output, DataStream<T> stream) {
            DataStream<OutputLine> lines = stream.map(new RowLine<>(output)).returns(OutputLine.class);
            rows = rows == null ? lines : rows.union(lines);
        }
    }

    static final class RowLine<T> implements MapFunction<T, OutputLine> {
        private final PlaneOutput<T> output;

        RowLine(PlaneOutput<T> output) {
            this.output = output;
        }

        @Override
        public OutputLine map(T value) {
            return lineOf(output.warehouseRow(value));
        }
    }
}
