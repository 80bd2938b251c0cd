package io.riskplane.sinks.kafka;

import io.riskplane.model.DetectorOutput;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A detector's lakehouse row (Iceberg detector_outputs) in the headers of its ClickHouse row on
 * riskplane.v1.clickhouse-rows: the archive job reads it from there, so that the decision job writes only to Kafka.
 * The loader ignores headers. A record without them is not a detector's row.
 */
public final class DetectorOutputHeaders {
    public static final String DETECTOR = "riskplane.detector";
    public static final String OUTPUT_ID = "riskplane.output_id";
    public static final String SCOPE_KEY = "riskplane.scope_key";
    public static final String EVENT_TIME_MS = "riskplane.event_time_ms";
    /** The output's JSON, as in the replay file of its detector. */
    public static final String JSON = "riskplane.json";

    private DetectorOutputHeaders() {}

    public static void write(Headers headers, DetectorOutput o) {
        headers.add(DETECTOR, utf8(o.detector()));
        headers.add(OUTPUT_ID, utf8(o.outputId()));
        headers.add(SCOPE_KEY, utf8(o.scopeKey()));
        headers.add(EVENT_TIME_MS, utf8(Long.toString(o.eventTimeMillis())));
        headers.add(JSON, utf8(o.json()));
    }

    /** Bytes the headers add to a record (about: Kafka's own framing is a few bytes more). */
    public static int size(DetectorOutput o) {
        return o.detector().length() + o.outputId().length() + o.scopeKey().length() + 20
                + o.json().getBytes(StandardCharsets.UTF_8).length + 96;
    }

    /** The detector output these headers carry, or null when they carry none (or only part of one). */
    public static DetectorOutput read(Headers headers) {
        String detector = text(headers, DETECTOR);
        String id = text(headers, OUTPUT_ID);
        String scope = text(headers, SCOPE_KEY);
        String time = text(headers, EVENT_TIME_MS);
        String json = text(headers, JSON);
        if (detector == null || id == null || scope == null || time == null || json == null) {
            return null;
        }
        try {
            return new DetectorOutput(id, detector, scope, Long.parseLong(time), json);
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
