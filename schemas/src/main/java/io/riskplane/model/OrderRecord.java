package io.riskplane.model;

/**
 * One order state transition as the execution telemetry uses it. Times are epoch ms UTC, 0 when the producer did
 * not set them; side is +1 buy, -1 sell; state and errorCategory are the enum names.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.OrderRecordSerializer.Factory.class)
public record OrderRecord(
        String eventId,
        long eventTimeMillis,
        String orderId,
        String org,
        String strategy,
        String instrument,
        String venue,
        int side,
        String state,
        double quantity,
        double filledQuantity,
        double decisionPrice,
        double limitPrice,
        double confidence,
        String expectedAdapter,
        String actualAdapter,
        String fallbackReason,
        String errorCategory,
        long decisionTimeMillis,
        long ackTimeMillis,
        boolean reduceOnly,
        boolean exit,
        String lane) {

    /** States after which an order changes no more. */
    public boolean isTerminal() {
        switch (state) {
            case "FILLED":
            case "CANCELED":
            case "REJECTED":
            case "EXPIRED":
            case "ERRORED":
                return true;
            default:
                return false;
        }
    }
}
