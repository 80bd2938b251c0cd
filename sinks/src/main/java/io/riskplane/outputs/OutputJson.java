package io.riskplane.outputs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.v1.Envelope;

/**
 * The JSON Lines forms of the plane's outputs and the keys that sort them. Control events, alerts and dead letters are
 * envelopes in the canonical Protobuf JSON mapping (as on Kafka); PnL bars and detector rows are their fields in
 * snake_case (docs/contracts.md).
 */
public final class OutputJson {
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.INDENT_OUTPUT)
            // Maps come back from Flink's serializer in no particular order; outputs must not depend on it.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Schubfach: Double.toString's notation with the shortest digits, without FloatingDecimal (PnL bars
            // are mostly doubles).
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            // scopeKey is a record component only so that keyed exchanges build it once; it is not in the JSON form.
            .addMixIn(io.riskplane.model.SloMeasurement.class, WithoutScopeKey.class)
            .build();

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"scope_key", "scopeKey"})
    private abstract static class WithoutScopeKey {}

    private OutputJson() {}

    /** A record's fields as a JSON object with snake_case keys. */
    public static String fields(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An envelope the plane produced, in the canonical JSON form it has on Kafka. */
    public static String envelope(byte[] envelope) {
        try {
            return EnvelopeJson.print(Envelope.parseFrom(envelope));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("plane produced an unreadable envelope", e);
        }
    }

    /** A sort key: the time, then the id. */
    public static String timeKey(long millis, String id) {
        // Offset so that negative times still sort as text.
        return zeroPadded(new StringBuilder(21 + id.length()), millis + Long.MAX_VALUE / 2)
                .append('|')
                .append(id)
                .toString();
    }

    /**
     * A non-negative number in 20 digits, so that keys sort as text, padded by hand: String.format was a tenth of
     * replay's time (every output line has a key).
     */
    static StringBuilder zeroPadded(StringBuilder out, long n) {
        String digits = Long.toString(n);
        for (int i = digits.length(); i < 20; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
