package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.RawEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The rows of the tables that are no output of the plane (raw_events, from the input topics; pnl_snapshots, from
 * rows topics of jobs before schema v6), byte for byte as they were before columns were bound by name.
 */
class LoaderOwnRowsTest {
    @Test
    void rawEventRow() {
        RawEvent e = new RawEvent(
                "ev-1",
                "quote",
                "feed",
                1_795_000_000_123L,
                "riskplane.v1.quotes",
                3,
                42L,
                1_795_000_000_500L,
                "{\"eventId\":\"ev-1\"}");
        assertThat(ClickHouseRows.RAW_EVENTS.json(
                        ClickHouseRows.RAW_EVENTS.row(e).bytes()))
                .as("the RowBinary row read back")
                .isEqualTo(new String(ClickHouseRows.RAW_EVENTS.jsonRow(e), StandardCharsets.UTF_8));
        assertThat(new String(ClickHouseRows.RAW_EVENTS.jsonRow(e), StandardCharsets.UTF_8))
                .isEqualTo("{\"event_id\":\"ev-1\",\"kind\":\"quote\",\"source\":\"feed\",\"event_time\":1795000000,"
                        + "\"event_time_ms\":1795000000123,\"source_topic\":\"riskplane.v1.quotes\",\"source_partition\":3,"
                        + "\"source_offset\":42,\"ingest_time_ms\":1795000000500,"
                        + "\"envelope_json\":\"{\\\"eventId\\\":\\\"ev-1\\\"}\"}");
    }

    @Test
    void pnlSnapshotRow() {
        PnlSnapshot s = new PnlSnapshot(
                "snap-1",
                "strategy",
                "acme",
                "m",
                1_795_000_000_999L,
                "2026-11-20",
                1.5,
                0.25,
                -3.0,
                100_000.0,
                100_010.0,
                1_794_999_999_000L,
                10.0,
                null,
                -2.5,
                99_000.0,
                new String[] {"a", "b"},
                "");
        assertThat(ClickHouseRows.PNL_SNAPSHOTS.json(
                        ClickHouseRows.PNL_SNAPSHOTS.row(s).bytes()))
                .as("read back")
                .isEqualTo(new String(ClickHouseRows.PNL_SNAPSHOTS.jsonRow(s), StandardCharsets.UTF_8));
        assertThat(new String(ClickHouseRows.PNL_SNAPSHOTS.jsonRow(s), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"snapshot_id\":\"snap-1\",\"scope_type\":\"strategy\",\"org\":\"acme\",\"strategy\":\"m\","
                                + "\"event_time\":1795000000,\"event_time_ms\":1795000000999,\"trading_day\":\"2026-11-20\","
                                + "\"realized_pnl\":1.5,\"fees\":0.25,\"unrealized_pnl\":-3.0,\"equity\":100000.0,"
                                + "\"peak_equity\":100010.0,\"peak_time_ms\":1794999999000,\"drawdown\":10.0,"
                                + "\"drawdown_fraction\":null,\"daily_pnl\":-2.5,\"day_start_equity\":99000.0,"
                                + "\"trigger_event_ids\":\"a,b\"}");
    }
}
