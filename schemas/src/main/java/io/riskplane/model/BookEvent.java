package io.riskplane.model;

/**
 * A fill or a quote, flattened for the position book, which is keyed by canonical instrument. One flat value
 * rather than a class hierarchy. Flink serializes it with its compact serializer (model.serde), found through the
 * annotation wherever a job resolves its type.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.BookEventSerializer.Factory.class)
public record BookEvent(
        int type,
        String eventId,
        String fillId,
        String orderId,
        String adapter,
        long eventTimeMillis,
        String org,
        String strategy,
        String instrument,
        String venue,
        int side,
        double quantity,
        double price,
        double fee,
        double bid,
        double ask) {

    public static final int QUOTE = 0;
    public static final int FILL = 1;

    public static BookEvent fill(
            String eventId,
            String fillId,
            long t,
            String org,
            String strategy,
            String instrument,
            String venue,
            int side,
            double quantity,
            double price,
            double fee) {
        return fill(eventId, fillId, "", "", t, org, strategy, instrument, venue, side, quantity, price, fee);
    }

    public static BookEvent fill(
            String eventId,
            String fillId,
            String orderId,
            String adapter,
            long t,
            String org,
            String strategy,
            String instrument,
            String venue,
            int side,
            double quantity,
            double price,
            double fee) {
        return new BookEvent(
                FILL,
                eventId,
                fillId,
                orderId,
                adapter,
                t,
                org,
                strategy,
                instrument,
                venue,
                side,
                quantity,
                price,
                fee,
                0,
                0);
    }

    public static BookEvent quote(String eventId, long t, String instrument, String venue, double bid, double ask) {
        return new BookEvent(QUOTE, eventId, "", "", "", t, "", "", instrument, venue, 0, 0, 0, 0, bid, ask);
    }

    public boolean isFill() {
        return type == FILL;
    }

    public double mid() {
        return (bid + ask) / 2.0;
    }
}
