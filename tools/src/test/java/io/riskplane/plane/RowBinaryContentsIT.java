package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.clickhouse.LocalClickHouseServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key acceptance test of RowBinary rows: for every row of the demo session, the table contents a real ClickHouse
 * server holds after loading the RowBinary rows (as the loader does: the descriptor's columns named in the INSERT)
 * are identical to those after loading the JSONEachRow lines the plane wrote before (ClickHouseTable.jsonRow, the
 * code of main that WarehouseRowsGoldenIT pinned), every column the JSON rows had, every row; the columns of V007
 * are filled only by the RowBinary rows. And every RowBinary row reads back (ClickHouseTable.json, the json of
 * Iceberg detector_outputs) as exactly the JSON line.
 */
class RowBinaryContentsIT {
    /** Columns added by V007, which the JSON rows of jobs before it do not fill. */
    static final Set<String> NEW_COLUMNS = Set.of(
            "measurement_id",
            "enters_halt",
            "enters_resume",
            "confirm_evaluations",
            "resume_evaluations",
            "auto_resume",
            "streak_measurement_ids",
            "sample_id",
            "duration_name",
            "run_sample_ids",
            "run_event_id",
            "failed_run_event_ids");
    /** Columns added by V007 whose names exist in other tables before it. */
    static final Map<String, Set<String>> NEW_IN = Map.of(
            "slo_evaluations",
            Set.of("trigger_event_ids"),
            "condition_evaluations",
            Set.of("trigger_event_ids"),
            "lane_runs",
            Set.of("window_start_ms"));

    @TempDir
    Path dir;

    @Test
    void clickHouseHoldsTheSameRowsFromRowBinaryAsFromJson() throws Exception {
        Map<String, List<String[]>> byTable = rowsOfTheDemoSession();
        Map<String, Integer> offByAnUlp = new TreeMap<>();
        assertThat(byTable.keySet()).as("every output table has rows").hasSize(12);
        try (LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"))) {
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);
            for (Map.Entry<String, List<String[]>> e : byTable.entrySet()) {
                ClickHouseTable<?> table = ClickHouseRows.TABLES_BY_NAME.get(e.getKey());
                ByteArrayOutputStream json = new ByteArrayOutputStream();
                ByteArrayOutputStream binary = new ByteArrayOutputStream();
                for (String[] row : e.getValue()) {
                    byte[] b = Base64.getDecoder().decode(row[0]);
                    assertThat(table.json(b))
                            .as("a %s row read back", e.getKey())
                            .isEqualTo(row[1]);
                    binary.writeBytes(b);
                    json.writeBytes(row[1].getBytes(StandardCharsets.UTF_8));
                    json.write('\n');
                }
                java.util.Set<String> floats = new java.util.HashSet<>();
                java.util.Set<String> dateTimes = new java.util.HashSet<>();
                for (ClickHouseTable.ColumnType c : table.columnTypes()) {
                    if (c.type() == ClickHouseTable.Type.FLOAT64 || c.type() == ClickHouseTable.Type.NULLABLE_FLOAT64) {
                        floats.add(e.getKey() + "." + c.name());
                    } else if (c.type() == ClickHouseTable.Type.DATE_TIME) {
                        dateTimes.add(e.getKey() + "." + c.name());
                    }
                }
                List<String> old = table.columns().stream()
                        .filter(c -> !NEW_COLUMNS.contains(c)
                                && !NEW_IN.getOrDefault(e.getKey(), Set.of()).contains(c))
                        .toList();
                String select = "SELECT " + String.join(", ", old) + " FROM riskplane." + e.getKey() + " ORDER BY "
                        + String.join(", ", old) + " FORMAT TabSeparated";

                ch.insertJsonEachRow(e.getKey(), json.toByteArray());
                List<String[]> fromJson = cells(ch.query(select));
                ch.query("TRUNCATE TABLE riskplane." + e.getKey());
                ch.insertRowBinary(e.getKey(), table.columns(), binary.toByteArray());
                List<String[]> fromBinary = cells(ch.query(select));

                assertThat(fromJson)
                        .as("%s rows from JSON", e.getKey())
                        .hasSize(e.getValue().size());
                assertThat(fromBinary).as("%s rows from RowBinary", e.getKey()).hasSize(fromJson.size());
                for (int i = 0; i < fromJson.size(); i++) {
                    String[] j = fromJson.get(i);
                    String[] b = fromBinary.get(i);
                    for (int c = 0; c < old.size(); c++) {
                        if (!j[c].equals(b[c])) {
                            // ClickHouse 18.16 parses some decimal text 1 ulp off the nearest double (1.9549 is
                            // stored as 1.9548999999999999); RowBinary carries the plane's double itself.
                            assertThat(floats)
                                    .as(
                                            "%s.%s differs (%s from JSON, %s from RowBinary)",
                                            e.getKey(), old.get(c), j[c], b[c])
                                    .contains(e.getKey() + "." + old.get(c));
                            double dj = Double.parseDouble(j[c]);
                            double db = Double.parseDouble(b[c]);
                            assertThat(Math.abs(dj - db))
                                    .as("%s.%s: %s from JSON, %s from RowBinary", e.getKey(), old.get(c), j[c], b[c])
                                    .isLessThanOrEqualTo(Math.ulp(db));
                            offByAnUlp.merge(e.getKey(), 1, Integer::sum);
                        }
                    }
                }
                // RowBinary holds exactly the values the plane wrote: ClickHouse prints each back as the JSON line
                // has it (numbers compared as the doubles Java reads from the text).
                assertThat(normalized(
                                table,
                                ch.query("SELECT "
                                                + String.join(
                                                        ", ",
                                                        table.columns().stream()
                                                                .map(c -> dateTimes.contains(e.getKey() + "." + c)
                                                                        ? "toUInt32(" + c + ") AS " + c
                                                                        : c)
                                                                .toList())
                                                + " FROM riskplane." + e.getKey() + " FORMAT JSONEachRow")
                                        .split("\n")))
                        .as("%s: RowBinary rows read back from ClickHouse", e.getKey())
                        .isEqualTo(normalized(
                                table, e.getValue().stream().map(r -> r[1]).toArray(String[]::new)));
            }
            System.out.println("float cells ClickHouse parsed 1 ulp off from JSON, per table: " + offByAnUlp);
            // The new columns hold what the replay JSON has (they were defaults from the JSON rows).
            assertThat(ch.count("SELECT count() FROM riskplane.slo_evaluations WHERE measurement_id LIKE 'slo-%' "
                            + "AND confirm_evaluations > 0"))
                    .isEqualTo(byTable.get("slo_evaluations").size());
            assertThat(ch.count("SELECT count() FROM riskplane.slo_evaluations WHERE trigger_event_ids LIKE 'evt-%' "
                            + "AND streak_measurement_ids LIKE 'slo-%'"))
                    .isPositive();
            assertThat(ch.count("SELECT count() FROM riskplane.condition_evaluations WHERE sample_id LIKE 'cs-%'"))
                    .isEqualTo(byTable.get("condition_evaluations").size());
            assertThat(ch.count("SELECT count() FROM riskplane.condition_evaluations WHERE run_sample_ids LIKE 'cs-%' "
                            + "AND duration_name != '' AND trigger_event_ids != ''"))
                    .isPositive();
            assertThat(ch.count("SELECT count() FROM riskplane.lane_runs WHERE run_event_id LIKE 'evt-%' "
                            + "AND window_start_ms > 0 AND window_start_ms < run_at_ms"))
                    .isEqualTo(byTable.get("lane_runs").size());
        }
    }

    private static List<String[]> cells(String tsv) {
        return tsv.isEmpty()
                ? List.of()
                : java.util.Arrays.stream(tsv.split("\n"))
                        .map(l -> l.split("\t", -1))
                        .toList();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * JSON rows as sorted lists of typed cells: numbers of Float64 columns as the double Java reads from their text
     * ("nan", "inf" too), other numbers as their decimal text (ClickHouse quotes 64-bit integers), the rest as text.
     */
    private static List<String> normalized(ClickHouseTable<?> table, String[] lines) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode row = JSON.readTree(line);
            StringBuilder sb = new StringBuilder();
            for (ClickHouseTable.ColumnType c : table.columnTypes()) {
                com.fasterxml.jackson.databind.JsonNode v = row.get(c.name());
                assertThat(v).as("%s.%s in %s", table.name(), c.name(), line).isNotNull();
                String cell;
                if (v.isNull()) {
                    cell = "NULL";
                } else if (c.type() == ClickHouseTable.Type.FLOAT64
                        || c.type() == ClickHouseTable.Type.NULLABLE_FLOAT64) {
                    String t = v.asText();
                    double d = t.equals("nan")
                            ? Double.NaN
                            : t.equals("inf")
                                    ? Double.POSITIVE_INFINITY
                                    : t.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(t);
                    cell = Double.toString(d);
                } else {
                    cell = v.asText();
                }
                sb.append(c.name()).append('=').append(cell).append('\t');
            }
            out.add(sb.toString());
        }
        out.sort(null);
        return out;
    }

    /** Per table, each row as [RowBinary in base64, JSON line], from the production descriptors. */
    private Map<String, List<String[]>> rowsOfTheDemoSession() throws Exception {
        Path input = dir.resolve("session.pb");
        TradingSession.export(TradingSession.demo().generate(), input);
        Map<String, List<String[]>> byTable = new TreeMap<>();
        RowsOfASession.run(input, dir, 2, "row binary contents", new BothForms())
                .forEach((table, rows) -> byTable.put(
                        table,
                        rows.stream()
                                .map(r -> r.split("\t", 2))
                                .collect(java.util.stream.Collectors.toCollection(ArrayList::new))));
        return byTable;
    }

    /** A value's row in both forms: RowBinary (base64), tab, the JSON line. */
    static final class BothForms implements RowsOfASession.RowText {
        @Override
        public <T> String of(PlaneOutput<T> output, T value) {
            return Base64.getEncoder().encodeToString(output.warehouseRow(value).bytes()) + "\t"
                    + new String(output.clickhouse().jsonRow(value), StandardCharsets.UTF_8);
        }
    }
}
