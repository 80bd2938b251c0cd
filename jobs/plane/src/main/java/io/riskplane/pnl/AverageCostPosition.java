package io.riskplane.pnl;

/**
 * One strategy's position in one instrument on an average-cost basis. quantity is signed (long > 0, short < 0);
 * averageCost is the average entry price of the open quantity; realizedGross is PnL closed so far before fees;
 * fees is the sum of fees paid (rebates negative). Immutable: apply returns the next position.
 */
public record AverageCostPosition(double quantity, double averageCost, double realizedGross, double fees) {

    public static final AverageCostPosition FLAT = new AverageCostPosition(0, 0, 0, 0);

    /**
     * Applies a fill. Adding to a position (or opening one) moves the average cost; reducing one realizes
     * (price - averageCost) per unit closed, signed by the direction of the position; a fill larger than the open
     * quantity closes it and opens the remainder on the other side at the fill price.
     *
     * @param side +1 buy, -1 sell
     */
    public AverageCostPosition apply(int side, double fillQuantity, double price, double fee) {
        double signed = side * fillQuantity;
        double newFees = fees + fee;
        if (quantity == 0 || Math.signum(quantity) == Math.signum(signed)) {
            double open = Math.abs(quantity) + fillQuantity;
            double avg = (Math.abs(quantity) * averageCost + fillQuantity * price) / open;
            return new AverageCostPosition(quantity + signed, avg, realizedGross, newFees);
        }
        double closing = Math.min(fillQuantity, Math.abs(quantity));
        double realized = realizedGross + closing * (price - averageCost) * Math.signum(quantity);
        double remaining = quantity + signed;
        if (Math.abs(fillQuantity - Math.abs(quantity)) < 1e-12 * Math.max(1.0, fillQuantity)) {
            return new AverageCostPosition(0, 0, realized, newFees);
        }
        if (Math.signum(remaining) == Math.signum(quantity)) {
            return new AverageCostPosition(remaining, averageCost, realized, newFees);
        }
        return new AverageCostPosition(remaining, price, realized, newFees);
    }

    /** Realized PnL net of fees. */
    public double realizedNet() {
        return realizedGross - fees;
    }

    /** Unrealized PnL of the open quantity at a mark price. */
    public double unrealized(double mark) {
        return quantity == 0 ? 0 : quantity * (mark - averageCost);
    }
}
