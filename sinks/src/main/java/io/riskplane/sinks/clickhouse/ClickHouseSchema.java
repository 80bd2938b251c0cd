package io.riskplane.sinks.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the versioned DDL in src/main/resources/clickhouse at start. Idempotent: every statement is
 * IF NOT EXISTS, and each applied version is recorded in riskplane.schema_migrations.
 */
public final class ClickHouseSchema {
    /** In order; append new versions, never edit an applied one. */
    public static final List<String> MIGRATIONS = List.of("V001__create_tables.sql", "V002__telemetry_and_slo.sql",
            "V003__dislocations.sql", "V004__staleness_guardrails_rollbacks.sql",
            "V005__alerts.sql");

    private ClickHouseSchema() {}

    /** Returns how many migrations were newly applied. */
    public static int apply(ClickHouseHttp ch) throws IOException, InterruptedException {
        int applied = 0;
        for (String name : MIGRATIONS) {
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            boolean tableExists = ch.count("EXISTS TABLE riskplane.schema_migrations") == 1;
            if (tableExists && ch.count("SELECT count() FROM riskplane.schema_migrations WHERE version = " + version) > 0) {
                continue;
            }
            for (String statement : statements(name)) {
                ch.query(statement);
            }
            ch.query("INSERT INTO riskplane.schema_migrations VALUES (" + version + ", '" + name + "', now())");
            applied++;
        }
        return applied;
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
