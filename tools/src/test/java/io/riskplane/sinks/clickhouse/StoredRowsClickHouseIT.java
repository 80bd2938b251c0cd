package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.StoreOnChange;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.pnl.PnlBarBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema v6 on the real ClickHouse server: it upgrades a v5 database (pnl_snapshots kept, store_reason added with ''
 * for older rows), applies again harmlessly, and the pnl_bars, slo_evaluations and cursor_staleness rows the plane
 * writes load and read back, a bar inserted twice collapsing into one.
 */
class StoredRowsClickHouseIT {
    static final long T0 = 1_795_000_000_000L; // a whole second, 2026-11-18T11:06:40Z

    @TempDir
    Path dir;

    @Test
    void schemaSixUpgradesAndItsRowsLoad() throws Exception {
        try (LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"))) {
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            // A database of schema v5 with a row of every evaluation, as jobs before v6 wrote them.
            for (String migration : ClickHouseSchema.MIGRATIONS.subList(0, 5)) {
                for (String statement : ClickHouseSchema.statements(migration)) {
                    ch.query(statement);
                }
                int version = Integer.parseInt(migration.substring(1, 4));
                ch.query(
                        "INSERT INTO riskplane.schema_migrations VALUES (" + version + ", '" + migration + "', now())");
            }
            ch.query("INSERT INTO riskplane.slo_evaluations (evaluation_id, slo, evaluated_at, evaluated_at_ms, status)"
                    + " VALUES ('sle-old', 'quote_freshness', toDateTime(1795000000), 1795000000000, 'HEALTHY')");
            // v6 half applied before (the process stopped after one ALTER): the rest applies, the column is kept.
            ch.query("ALTER TABLE riskplane.cursor_staleness ADD COLUMN store_reason String DEFAULT ''");
            assertThat(ClickHouseSchema.apply(ch)).as("v6, v7 and v8").isEqualTo(3);
            assertThat(ClickHouseSchema.apply(ch)).isZero();
            assertThat(ch.query("SELECT evaluation_id, store_reason = '' FROM riskplane.slo_evaluations"))
                    .isEqualTo("sle-old\t1\n");
            // v7's columns on a row loaded before it: the defaults.
            assertThat(ch.query("SELECT measurement_id = '', streak_measurement_ids = '', auto_resume "
                            + "FROM riskplane.slo_evaluations"))
                    .isEqualTo("1\t1\t0\n");
            assertThat(ch.count("EXISTS TABLE riskplane.pnl_snapshots")).isEqualTo(1);
            // v8: the halt states, their view and the operator commands' view, empty on an upgraded database.
            assertThat(ch.count("SELECT count() FROM riskplane.halts")).isZero();
            assertThat(ch.count("SELECT count() FROM riskplane.operator_commands"))
                    .isZero();
            assertThat(ch.count("SELECT count() FROM system.columns WHERE database = 'riskplane' AND table = 'alerts' "
                            + "AND name IN ('ends_at_ms', 'resolved_by')"))
                    .isEqualTo(2);

            // Two seconds of acme/s1: a fill at 0.1 s, marks down to 4 and up to 12, close 11; a mark at 1.2 s.
            PnlBarBuilder b = new PnlBarBuilder();
            List<PnlBar> rows = new ArrayList<>(b.add(snap(T0 + 100, 10, 10, 1.0), true));
            rows.addAll(b.add(snap(T0 + 400, 4, 10, 1.0), false));
            rows.addAll(b.add(snap(T0 + 700, 12, 12, 1.0), false));
            rows.addAll(b.add(snap(T0 + 999, 11, 12, 1.0), false));
            rows.addAll(b.add(snap(T0 + 1200, 9, 12, 1.0), false));
            rows.add(b.closeBefore(Long.MAX_VALUE).orElseThrow());
            assertThat(rows).hasSize(3);
            byte[] json = lines(rows.stream()
                    .map(r -> PlaneOutputs.PNL_BARS.clickhouse().jsonRow(r))
                    .toList());
            ch.insertJsonEachRow("pnl_bars", json);
            ch.insertJsonEachRow("pnl_bars", json); // delivered twice
            assertThat(ch.count("SELECT count() FROM riskplane.pnl_bars FINAL")).isEqualTo(3);
            assertThat(
                            ch.query(
                                    "SELECT toUInt32(bar_start) - 1795000000, fill_row, open_equity, high_equity, low_equity, "
                                            + "close_equity, max_drawdown, max_drawdown_fraction, drawdown, snapshot_count, trading_day, "
                                            + "trigger_event_ids FROM riskplane.pnl_bars FINAL ORDER BY bar_start_ms, fill_row DESC"))
                    .isEqualTo("""
                            0\t1\t10\t10\t10\t10\t0\t0\t0\t1\t2026-11-18\te100
                            0\t0\t10\t12\t4\t11\t6\t0.6\t1\t4\t2026-11-18\te100,e400,e700,e999
                            1\t0\t9\t9\t9\t9\t3\t0.25\t3\t1\t2026-11-18\te1200
                            """);

            SloMeasurement m = new SloMeasurement(
                    "m1",
                    SloMeasurement.QUOTE_FRESHNESS,
                    SloMeasurement.VENUE_INSTRUMENT,
                    "kraken",
                    "ETH",
                    "",
                    T0,
                    T0 - 900,
                    900.0,
                    1,
                    Map.of(),
                    new String[] {"q1"});
            SloEvaluation slo = new SloEvaluation(
                    "sle-1",
                    m,
                    SloEvaluation.HEALTHY,
                    "quote_freshness_ms",
                    10_000,
                    0,
                    1,
                    false,
                    false,
                    false,
                    "p",
                    1,
                    3,
                    2,
                    true,
                    Map.of(),
                    new String[] {"m1"},
                    StoreOnChange.PERIODIC);
            ch.insertJsonEachRow(
                    "slo_evaluations", PlaneOutputs.SLO_EVALUATIONS.clickhouse().jsonRow(slo));
            assertThat(ch.query("SELECT store_reason FROM riskplane.slo_evaluations FINAL "
                            + "WHERE evaluation_id = 'sle-1'"))
                    .isEqualTo("PERIODIC\n");

            CursorStaleness c = new CursorStaleness(
                    "cst-1",
                    T0,
                    "alpha",
                    "momo",
                    "momo",
                    "24x7",
                    true,
                    3,
                    T0 - 500,
                    T0 - 400,
                    3,
                    T0 - 500,
                    0.5,
                    0.0,
                    false,
                    false,
                    false,
                    0,
                    0,
                    0,
                    CursorStaleness.OK,
                    new String[] {"s3", "c1"},
                    StoreOnChange.STATUS_CHANGE);
            ch.insertJsonEachRow(
                    "cursor_staleness",
                    PlaneOutputs.CURSOR_STALENESS.clickhouse().jsonRow(c));
            assertThat(ch.query("SELECT status, store_reason FROM riskplane.cursor_staleness FINAL"))
                    .isEqualTo("OK\tSTATUS_CHANGE\n");
        }
    }

    static PnlSnapshot snap(long t, double equity, double peak, double fees) {
        double drawdown = peak - equity;
        String scope = "strategy|acme|s1";
        return new PnlSnapshot(
                DeterministicId.of("pnl-", scope, t),
                PnlSnapshot.STRATEGY,
                "acme",
                "s1",
                t,
                "2026-11-18",
                0,
                fees,
                equity,
                equity,
                peak,
                T0,
                drawdown,
                peak > 0 ? drawdown / peak : null,
                equity,
                0,
                new String[] {"e" + (t - T0)});
    }

    private static byte[] lines(List<byte[]> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : rows) {
            out.writeBytes(r);
            out.write('\n');
        }
        return out.toByteArray();
    }
}
