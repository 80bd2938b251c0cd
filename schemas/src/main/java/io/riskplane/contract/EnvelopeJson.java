package io.riskplane.contract;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.riskplane.v1.Envelope;

/**
 * The canonical text form: Protobuf's JSON mapping, one envelope per line, no insignificant white space. Printed by
 * CanonicalJsonPrinter (the same bytes as JsonFormat, cheaper); parsed by JsonFormat.
 */
public final class EnvelopeJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private EnvelopeJson() {}

    public static String print(MessageOrBuilder message) {
        String fast = CanonicalJsonPrinter.print(message);
        if (fast != null) {
            return fast;
        }
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
        }
    }

    public static Envelope parse(String line) throws InvalidProtocolBufferException {
        Envelope.Builder b = Envelope.newBuilder();
        PARSER.merge(line, b);
        return b.build();
    }
}
