package io.riskplane.sinks.kafka;

import io.riskplane.model.DetectorOutput;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a record of riskplane.v1.clickhouse-rows besides its table (the key): the row's format. Records that
 * jobs before RowBinary wrote carry no format header (the value is a JSONEachRow line) and, on a detector's row, its
 * keys (detector, output id, scope key, event time) and the output's replay JSON; records of jobs between RowBinary
 * and 2026-12-06 (session 4) carry the keys without the JSON. The plane writes neither now: the archive job reads a
 * detector's keys from the row itself (io.riskplane.outputs.PlaneOutput#detectorOutput). The keys are read, and
 * written by tests that stand for older jobs, here.
 */
public final class DetectorOutputHeaders {
    /** The value's format: {@link #ROW_BINARY}; absent on a JSONEachRow line. */
    public static final String ROW_FORMAT = "riskplane.row_format";

    public static final String ROW_BINARY = "RowBinary";
    public static final String DETECTOR = "riskplane.detector";
    public static final String OUTPUT_ID = "riskplane.output_id";
    public static final String SCOPE_KEY = "riskplane.scope_key";
    public static final String EVENT_TIME_MS = "riskplane.event_time_ms";
    /** The output's JSON, as in the replay file of its detector: only on records of jobs before RowBinary. */
    public static final String JSON = "riskplane.json";

    private DetectorOutputHeaders() {}

    /** Marks the value as a RowBinary row. */
    public static void writeRowBinary(Headers headers) {
        headers.add(ROW_FORMAT, utf8(ROW_BINARY));
    }

    /** True when the value is a RowBinary row, false for a JSONEachRow line. */
    public static boolean isRowBinary(Headers headers) {
        return ROW_BINARY.equals(text(headers, ROW_FORMAT));
    }

    /** The detector output's keys; its json too when it has one (how jobs before RowBinary wrote it). */
    public static void write(Headers headers, DetectorOutput o) {
        headers.add(DETECTOR, utf8(o.detector()));
        headers.add(OUTPUT_ID, utf8(o.outputId()));
        headers.add(SCOPE_KEY, utf8(o.scopeKey()));
        headers.add(EVENT_TIME_MS, utf8(Long.toString(o.eventTimeMillis())));
        if (o.json() != null) {
            headers.add(JSON, utf8(o.json()));
        }
    }

    /**
     * The detector output these headers carry, with its json (records of jobs before RowBinary) or with a null json
     * (the archive job prints it from the row); null when they carry none (or only part of one).
     */
    public static DetectorOutput read(Headers headers) {
        String detector = text(headers, DETECTOR);
        String id = text(headers, OUTPUT_ID);
        String scope = text(headers, SCOPE_KEY);
        String time = text(headers, EVENT_TIME_MS);
        if (detector == null || id == null || scope == null || time == null) {
            return null;
        }
        try {
            return new DetectorOutput(id, detector, scope, Long.parseLong(time), text(headers, JSON));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
