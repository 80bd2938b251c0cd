package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.RawEvent;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every table descriptor's columns, names and declared ClickHouse types, against the schema the migrations create
 * in a real ClickHouse server (system.columns): RowBinary carries neither, so a column bound under a wrong name or
 * written as a wrong type must fail here, not in production.
 */
class DescriptorColumnsClickHouseIT {
    @TempDir
    Path dir;

    @Test
    void everyDescriptorWritesTheColumnsAndTypesOfItsTable() throws Exception {
        try (LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"))) {
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);
            for (ClickHouseTable<?> t : ClickHouseRows.TABLES) {
                Map<String, String> actual = ch.columnTypes(t.name());
                assertThat(actual).as("table %s exists", t.name()).isNotEmpty();
                assertThat(t.differences(actual))
                        .as("%s: descriptor against system.columns", t.name())
                        .isEmpty();
                assertThat(t.columns())
                        .as("%s: descriptor columns in table order", t.name())
                        .containsExactlyElementsOf(actual.keySet());
            }

            // The check can fail: a descriptor that writes source_partition as Int64, or names a column the table
            // lacks, differs from the real table.
            ClickHouseTable<RawEvent> wrong = ClickHouseTable.builder("raw_events", RawEvent.class)
                    .text("event_id", RawEvent::eventId)
                    .int64("source_partition", RawEvent::partition)
                    .text("no_such_column", RawEvent::kind)
                    .build();
            assertThat(wrong.differences(ch.columnTypes("raw_events")))
                    .contains("raw_events.source_partition is Int32 in the table, written as Int64")
                    .contains("raw_events.no_such_column is not in the table")
                    .contains("raw_events.envelope_json is filled by no column of the descriptor");
        }
    }
}
