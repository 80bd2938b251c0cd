package io.riskplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.riskplane.contract.ProtoTime;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Metric;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Threshold;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What `riskplane diff A B` reports: the control events of two replays, matched by what they halt rather than by
 * control id (ids hash the policy version and decision time, so the same halt under a changed policy has another id).
 * Events match on (rule_id, the six scope fields, kind); within one such key they are paired in time order, as many
 * pairs as the shorter side has, choosing among the order-preserving pairings the one with the least total shift.
 * Each pair or lone event becomes a {@link Row}. Pure logic: no files, no Kafka.
 */
final class ControlDiff {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Above this many candidate pairs in one key, events pair by position instead (keeps the work bounded). */
    private static final long MAX_ALIGN_CELLS = 4_000_000L;

    enum Status {
        SAME,
        MOVED,
        CHANGED,
        ONLY_IN_A,
        ONLY_IN_B
    }

    /** One halt of A, of B, or of both; {@code a} or {@code b} is null when the halt is only on the other side. */
    record Row(Status status, ControlEvent a, ControlEvent b, List<String> differences) {
        ControlEvent any() {
            return a != null ? a : b;
        }

        /** B's decision time minus A's, in milliseconds (0 unless both sides have the halt). */
        long shiftMillis() {
            return a == null || b == null
                    ? 0
                    : ProtoTime.toMillis(b.getDecidedAt()) - ProtoTime.toMillis(a.getDecidedAt());
        }
    }

    private ControlDiff() {}

    /** Every halt of A and B as rows, ordered by rule, scope, kind, then time. */
    static List<Row> diff(List<ControlEvent> a, List<ControlEvent> b) {
        Map<String, List<ControlEvent>> byKeyA = group(a);
        Map<String, List<ControlEvent>> byKeyB = group(b);
        TreeMap<String, Boolean> keys = new TreeMap<>();
        byKeyA.keySet().forEach(k -> keys.put(k, true));
        byKeyB.keySet().forEach(k -> keys.put(k, true));
        List<Row> rows = new ArrayList<>();
        for (String key : keys.keySet()) {
            List<Row> ofKey = pair(byKeyA.getOrDefault(key, List.of()), byKeyB.getOrDefault(key, List.of()));
            ofKey.sort(Comparator.comparingLong(ControlDiff::rowTime)
                    .thenComparing(r -> r.status().ordinal()));
            rows.addAll(ofKey);
        }
        return rows;
    }

    /**
     * Each control id once, the first of its copies kept, in the order given: what a consumer of the early topic
     * (written at least once: a recovery of the plane may write an event again) applies.
     */
    static List<ControlEvent> oncePerControlId(List<ControlEvent> events) {
        Map<String, ControlEvent> byId = new java.util.LinkedHashMap<>();
        for (ControlEvent c : events) {
            byId.putIfAbsent(c.getControlId(), c);
        }
        return byId.size() == events.size() ? events : new ArrayList<>(byId.values());
    }

    /** The matching key: sorts by rule, then scope field by field, then kind (U+0001 sorts below any text). */
    static String key(ControlEvent c) {
        Scope s = c.getScope();
        return String.join(
                "\u0001",
                c.getRuleId(),
                s.getOrg(),
                s.getStrategy(),
                s.getInstrument(),
                s.getVenue(),
                s.getAdapter(),
                s.getLane(),
                c.getKind().name());
    }

    private static Map<String, List<ControlEvent>> group(List<ControlEvent> events) {
        Map<String, List<ControlEvent>> m = new TreeMap<>();
        for (ControlEvent c : events) {
            m.computeIfAbsent(key(c), k -> new ArrayList<>()).add(c);
        }
        m.values()
                .forEach(l -> l.sort(Comparator.comparingLong((ControlEvent c) -> ProtoTime.toMillis(c.getDecidedAt()))
                        .thenComparing(c -> c.getDecidedAt().getNanos())
                        .thenComparing(ControlEvent::getControlId)));
        return m;
    }

    private static long rowTime(Row r) {
        return ProtoTime.toMillis(r.any().getDecidedAt());
    }

    /**
     * Pairs two time-ordered lists of one key: an order-preserving alignment with min(|a|, |b|) pairs and the least
     * total |shift| (dynamic programming, like diff(1) on lines), the rest alone.
     */
    private static List<Row> pair(List<ControlEvent> a, List<ControlEvent> b) {
        int n = a.size();
        int m = b.size();
        List<Row> rows = new ArrayList<>();
        if (n == 0 || m == 0 || (long) n * m > MAX_ALIGN_CELLS) {
            int k = Math.min(n, m);
            for (int i = 0; i < k; i++) {
                rows.add(compare(a.get(i), b.get(i)));
            }
            a.subList(k, n).forEach(c -> rows.add(new Row(Status.ONLY_IN_A, c, null, List.of())));
            b.subList(k, m).forEach(c -> rows.add(new Row(Status.ONLY_IN_B, null, c, List.of())));
            return rows;
        }
        // cost[i][j]: best alignment of a[i..] with b[j..]; skipping an event costs more than any shift.
        long skip = 1L << 50;
        long[][] cost = new long[n + 1][m + 1];
        for (int i = n; i >= 0; i--) {
            for (int j = m; j >= 0; j--) {
                if (i == n || j == m) {
                    cost[i][j] = (long) (n - i + m - j) * skip;
                    continue;
                }
                long both = Math.abs(millis(b.get(j)) - millis(a.get(i))) + cost[i + 1][j + 1];
                cost[i][j] = Math.min(both, Math.min(skip + cost[i + 1][j], skip + cost[i][j + 1]));
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && cost[i][j] == Math.abs(millis(b.get(j)) - millis(a.get(i))) + cost[i + 1][j + 1]) {
                rows.add(compare(a.get(i++), b.get(j++)));
            } else if (i < n && (j == m || cost[i][j] == skip + cost[i + 1][j])) {
                rows.add(new Row(Status.ONLY_IN_A, a.get(i++), null, List.of()));
            } else {
                rows.add(new Row(Status.ONLY_IN_B, null, b.get(j++), List.of()));
            }
        }
        return rows;
    }

    private static long millis(ControlEvent c) {
        return ProtoTime.toMillis(c.getDecidedAt());
    }

    /** A pair: SAME, MOVED (decision time differs) or CHANGED (same time, something else differs). */
    static Row compare(ControlEvent a, ControlEvent b) {
        List<String> d = new ArrayList<>();
        if (!a.getDecidedAt().equals(b.getDecidedAt())) {
            d.add("decided_at");
        }
        if (!a.getPolicyId().equals(b.getPolicyId()) || a.getPolicyVersion() != b.getPolicyVersion()) {
            d.add("policy");
        }
        if (a.getRuleVersion() != b.getRuleVersion()) {
            d.add("rule_version");
        }
        if (!a.getReasonCode().equals(b.getReasonCode())) {
            d.add("reason_code");
        }
        if (a.getAction() != b.getAction()) {
            d.add("action");
        }
        Evidence ea = a.getEvidence();
        Evidence eb = b.getEvidence();
        if (!ea.getMetricsList().equals(eb.getMetricsList())
                || !ea.getThresholdsList().equals(eb.getThresholdsList())) {
            d.add("evidence.values");
        }
        if (!ea.getSummary().equals(eb.getSummary())) {
            d.add("evidence.summary");
        }
        if (!ea.getWindowStart().equals(eb.getWindowStart())
                || !ea.getWindowEnd().equals(eb.getWindowEnd())) {
            d.add("evidence.window");
        }
        if (!ea.getTriggerEventIdsList().equals(eb.getTriggerEventIdsList())) {
            d.add("evidence.triggers");
        }
        if (!a.getExpiresAt().equals(b.getExpiresAt())
                || !a.getRollbackTarget().equals(b.getRollbackTarget())
                || !a.getLiftsRuleId().equals(b.getLiftsRuleId())) {
            d.add("target");
        }
        Status s = d.isEmpty() ? Status.SAME : d.get(0).equals("decided_at") ? Status.MOVED : Status.CHANGED;
        return new Row(s, a, b, List.copyOf(d));
    }

    /** True when every row is SAME: the two replays decided the same halts at the same times on the same evidence. */
    static boolean identical(List<Row> rows) {
        return rows.stream().allMatch(r -> r.status() == Status.SAME);
    }

    // ---- renderings

    /** A shift as text: +2m30s, -45s, +1h, +1.25s, 0s. */
    static String shift(long millis) {
        if (millis == 0) {
            return "0s";
        }
        long abs = Math.abs(millis);
        long h = abs / 3_600_000;
        long m = abs / 60_000 % 60;
        long ms = abs % 60_000;
        StringBuilder sb = new StringBuilder(millis < 0 ? "-" : "+");
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (ms > 0) {
            sb.append(BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString())
                    .append('s');
        }
        return sb.toString();
    }

    /** The scope's non-empty fields, e.g. "org=acme strategy=momentum-btc"; "(all)" when none is set. */
    static String scope(Scope s) {
        List<String> p = new ArrayList<>();
        add(p, "org", s.getOrg());
        add(p, "strategy", s.getStrategy());
        add(p, "instrument", s.getInstrument());
        add(p, "venue", s.getVenue());
        add(p, "adapter", s.getAdapter());
        add(p, "lane", s.getLane());
        return p.isEmpty() ? "(all)" : String.join(" ", p);
    }

    private static void add(List<String> parts, String name, String value) {
        if (!value.isEmpty()) {
            parts.add(name + "=" + value);
        }
    }

    /** The evidence's values in one line: "signal_lag_s=41.54 s, samples=1 vs signal_lag_max_s > 10 s". */
    static String evidence(Evidence e) {
        List<String> metrics = new ArrayList<>();
        for (Metric m : e.getMetricsList()) {
            metrics.add(m.getName() + "=" + number(m.getValue()) + unit(m.getUnit()));
        }
        List<String> limits = new ArrayList<>();
        for (Threshold t : e.getThresholdsList()) {
            limits.add(t.getName() + " " + t.getComparison() + " " + number(t.getLimit()) + unit(t.getUnit()));
        }
        return (metrics.isEmpty() ? "(no metrics)" : String.join(", ", metrics))
                + (limits.isEmpty() ? "" : " vs " + String.join(", ", limits));
    }

    private static String unit(String u) {
        return u.isEmpty() || u.equals("count") ? "" : " " + u;
    }

    /** A value to 6 significant digits, plain: 200.078, 10, 0.07 (the JSON lines keep the exact values). */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return String.valueOf(d);
        }
        return BigDecimal.valueOf(d)
                .round(new java.math.MathContext(6))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String time(Timestamp t) {
        return Timestamps.toString(t);
    }

    private static String policy(ControlEvent c) {
        return c.getPolicyId().isEmpty() ? "(no policy)" : c.getPolicyId() + "@" + c.getPolicyVersion();
    }

    /**
     * The rows as a table: one line per row (status, rule, kind, scope, decided at in A and B, shift), and under
     * each row that is not SAME its A and B sides: reason, policy id@version, evidence values, summary. Then a count
     * of each status.
     */
    static String table(List<Row> rows, int inA, int inB, boolean onlyChanges) {
        String[] head = {"STATUS", "RULE", "KIND", "SCOPE", "DECIDED A", "DECIDED B", "SHIFT"};
        List<String[]> lines = new ArrayList<>();
        List<Row> shown = new ArrayList<>();
        for (Row r : rows) {
            if (onlyChanges && r.status() == Status.SAME) {
                continue;
            }
            ControlEvent c = r.any();
            lines.add(new String[] {
                r.status().name(),
                c.getRuleId(),
                c.getKind().name(),
                scope(c.getScope()),
                r.a() == null ? "-" : time(r.a().getDecidedAt()),
                r.b() == null ? "-" : time(r.b().getDecidedAt()),
                r.a() != null && r.b() != null ? shift(r.shiftMillis()) : ""
            });
            shown.add(r);
        }
        int[] w = new int[head.length];
        for (int k = 0; k < head.length; k++) {
            w[k] = head[k].length();
            for (String[] l : lines) {
                w[k] = Math.max(w[k], l[k].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        cells(sb, head, w);
        for (int i = 0; i < lines.size(); i++) {
            cells(sb, lines.get(i), w);
            Row r = shown.get(i);
            if (r.status() != Status.SAME) {
                if (!r.differences().isEmpty()) {
                    sb.append("    differs: ")
                            .append(String.join(", ", r.differences()))
                            .append('\n');
                }
                side(sb, "A", r.a());
                side(sb, "B", r.b());
            }
        }
        if (lines.isEmpty()) {
            sb.append("(no rows)\n");
        }
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        rows.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        for (Status s : Status.values()) {
            parts.add(counts.getOrDefault(s, 0) + " " + s.name().toLowerCase().replace('_', ' '));
        }
        sb.append('\n')
                .append(inA)
                .append(" control events in A, ")
                .append(inB)
                .append(" in B: ")
                .append(String.join(", ", parts))
                .append(identical(rows) ? " (identical)" : "")
                .append('\n');
        return sb.toString();
    }

    private static void cells(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < cells.length; k++) {
            line.append(cells[k]);
            if (k < cells.length - 1) {
                line.append(" ".repeat(w[k] - cells[k].length() + 2));
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static void side(StringBuilder sb, String label, ControlEvent c) {
        if (c == null) {
            sb.append("    ").append(label).append(": -\n");
            return;
        }
        sb.append("    ")
                .append(label)
                .append(": ")
                .append(c.getReasonCode())
                .append("  ")
                .append(policy(c))
                .append("  ")
                .append(evidence(c.getEvidence()))
                .append('\n');
        if (!c.getEvidence().getSummary().isEmpty()) {
            sb.append("       ").append(c.getEvidence().getSummary()).append('\n');
        }
    }

    /** One JSON object per row, snake_case keys; {@code a} or {@code b} is null on the side without the halt. */
    static List<String> jsonLines(List<Row> rows, boolean onlyChanges) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            if (onlyChanges && r.status() == Status.SAME) {
                continue;
            }
            ControlEvent c = r.any();
            ObjectNode o = JSON.createObjectNode();
            o.put("status", r.status().name());
            o.put("rule_id", c.getRuleId());
            o.put("kind", c.getKind().name());
            ObjectNode s = o.putObject("scope");
            s.put("org", c.getScope().getOrg());
            s.put("strategy", c.getScope().getStrategy());
            s.put("instrument", c.getScope().getInstrument());
            s.put("venue", c.getScope().getVenue());
            s.put("adapter", c.getScope().getAdapter());
            s.put("lane", c.getScope().getLane());
            if (r.a() != null && r.b() != null) {
                o.put("shift_ms", r.shiftMillis());
                o.put("shift", shift(r.shiftMillis()));
            } else {
                o.putNull("shift_ms");
                o.putNull("shift");
            }
            ArrayNode d = o.putArray("differences");
            r.differences().forEach(d::add);
            side(o, "a", r.a());
            side(o, "b", r.b());
            try {
                out.add(JSON.writeValueAsString(o));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static void side(ObjectNode o, String name, ControlEvent c) {
        if (c == null) {
            o.putNull(name);
            return;
        }
        ObjectNode n = o.putObject(name);
        n.put("control_id", c.getControlId());
        n.put("decided_at", time(c.getDecidedAt()));
        n.put("action", c.getAction().name());
        n.put("reason_code", c.getReasonCode());
        n.put("rule_version", c.getRuleVersion());
        n.put("policy_id", c.getPolicyId());
        n.put("policy_version", c.getPolicyVersion());
        n.put("summary", c.getEvidence().getSummary());
        n.put("evidence", evidence(c.getEvidence()));
        ArrayNode metrics = n.putArray("metrics");
        for (Metric m : c.getEvidence().getMetricsList()) {
            metrics.addObject()
                    .put("name", m.getName())
                    .put("value", m.getValue())
                    .put("unit", m.getUnit());
        }
        ArrayNode thresholds = n.putArray("thresholds");
        for (Threshold t : c.getEvidence().getThresholdsList()) {
            thresholds
                    .addObject()
                    .put("name", t.getName())
                    .put("comparison", t.getComparison())
                    .put("limit", t.getLimit())
                    .put("unit", t.getUnit());
        }
    }
}
