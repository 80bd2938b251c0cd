package io.riskplane.outputs;

import io.riskplane.contract.Topics;

/**
 * The table of every output in docs/storage.md, written from {@link PlaneOutputs#ALL} (io.riskplane.outputs
 * .OutputsDocTest fails, printing this, when the doc says otherwise).
 */
public final class OutputsTable {
    /** The marks around the generated section. */
    public static final String BEGIN = "<!-- BEGIN GENERATED outputs: from io.riskplane.outputs.PlaneOutputs.ALL, "
            + "checked by OutputsDocTest; do not edit by hand -->";

    public static final String END = "<!-- END GENERATED outputs -->";

    private OutputsTable() {}

    /** The section between the marks, marks included, each line ending in a newline. */
    public static String markdown() {
        StringBuilder md = new StringBuilder(BEGIN).append('\n');
        md.append("| output | own Kafka topic | replay file | ClickHouse table | Iceberg table "
                + "| replay file sorted by |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (PlaneOutput<?> o : PlaneOutputs.ALL) {
            md.append("| `")
                    .append(o.name())
                    .append("` | ")
                    .append(
                            o.kafkaTopic() == null
                                    ? "none"
                                    : code(o.kafkaTopic().topic()))
                    .append(" | ")
                    .append(code(o.replayFile()))
                    .append(" | ")
                    .append(code(o.clickhouse().name()))
                    .append(" | ")
                    .append(iceberg(o))
                    .append(" | ")
                    .append(escape(o.sortKeyDoc()))
                    .append(" |\n");
        }
        md.append('\n')
                .append("Every output's rows also go to ")
                .append(code(Topics.CLICKHOUSE_ROWS))
                .append(" (key = table, header `riskplane.row_format: RowBinary`), in ClickHouse's RowBinary, for the ")
                .append("loader; the archive job reads a detector's `detector_outputs` row from the same record: its ")
                .append("output id, scope key and event time from the row's columns, its json the row as a JSON ")
                .append("object.\n");
        return md.append(END).append('\n').toString();
    }

    private static String iceberg(PlaneOutput<?> o) {
        if (o.detector() != null) {
            return code(o.icebergTable()) + " (detector " + code(o.detector().name()) + ")";
        }
        return o.icebergTable() == null ? "none" : code(o.icebergTable()) + " (from the topic)";
    }

    private static String code(String s) {
        return "`" + s + "`";
    }

    /** A table cell: a `|` would end it. */
    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
