package io.riskplane.ingest;

/** A record the plane cannot use; carries the dead-letter reason code. Thrown only inside the decoder. */
final class InvalidInput extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    InvalidInput(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }
}
