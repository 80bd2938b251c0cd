package io.riskplane.sinks.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the versioned DDL in src/main/resources/clickhouse at start. Idempotent: every statement is
 * IF NOT EXISTS, or an {@code ALTER TABLE db.t ADD COLUMN c ...} that is skipped when the column exists (ClickHouse
 * 18.16 has no ADD COLUMN IF NOT EXISTS), and each applied version is recorded in riskplane.schema_migrations.
 */
public final class ClickHouseSchema {
    /** In order; append new versions, never edit an applied one. */
    public static final List<String> MIGRATIONS = List.of(
            "V001__create_tables.sql",
            "V002__telemetry_and_slo.sql",
            "V003__dislocations.sql",
            "V004__staleness_guardrails_rollbacks.sql",
            "V005__alerts.sql",
            "V006__pnl_bars_and_stored_rows.sql",
            "V007__json_only_fields.sql",
            "V008__halts_and_operator_commands.sql");

    private ClickHouseSchema() {}

    /** Returns how many migrations were newly applied. */
    public static int apply(ClickHouseHttp ch) throws IOException, InterruptedException {
        int applied = 0;
        for (String name : MIGRATIONS) {
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            boolean tableExists = ch.count("EXISTS TABLE riskplane.schema_migrations") == 1;
            if (tableExists
                    && ch.count("SELECT count() FROM riskplane.schema_migrations WHERE version = " + version) > 0) {
                continue;
            }
            for (String statement : statements(name)) {
                if (!columnExists(ch, statement)) {
                    ch.query(statement);
                }
            }
            ch.query("INSERT INTO riskplane.schema_migrations VALUES (" + version + ", '" + name + "', now())");
            applied++;
        }
        return applied;
    }

    private static final java.util.regex.Pattern ADD_COLUMN = java.util.regex.Pattern.compile(
            "ALTER\\s+TABLE\\s+(\\w+)\\.(\\w+)\\s+ADD\\s+COLUMN\\s+(\\w+)\\s.*",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.DOTALL);

    /** True when the statement adds a column that is already there (a migration applied before it was recorded). */
    private static boolean columnExists(ClickHouseHttp ch, String statement) throws IOException, InterruptedException {
        java.util.regex.Matcher m = ADD_COLUMN.matcher(statement.trim());
        if (!m.matches()) {
            return false;
        }
        return ch.count("SELECT count() FROM system.columns WHERE database = '" + m.group(1) + "' AND table = '"
                        + m.group(2) + "' AND name = '" + m.group(3) + "'")
                > 0;
    }

    static List<String> statements(String resource) throws IOException {
        String sql;
        try (InputStream in = ClickHouseSchema.class.getResourceAsStream("/clickhouse/" + resource)) {
            if (in == null) {
                throw new IOException("missing migration resource clickhouse/" + resource);
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String s = current.toString().trim();
                out.add(s.substring(0, s.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }
}
