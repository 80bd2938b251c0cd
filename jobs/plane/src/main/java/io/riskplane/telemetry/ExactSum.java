package io.riskplane.telemetry;

import java.util.Arrays;

/**
 * A sum of doubles kept exact until it is read, then rounded once: the non-overlapping partials of Shewchuk's
 * algorithm, read as Python's {@code math.fsum} reads them. Its value does not depend on the order of the terms, which
 * a plain {@code +=} does in its last bits; telemetry buckets take facts in arrival order (no event-time buffer), and
 * replay must still write the same bytes as the live plane.
 *
 * <p>Non-finite terms (input validation lets none through today) are summed apart, in IEEE arithmetic, which is
 * order-free for them: the value is then that infinity or NaN. A sum beyond double's range is infinite.
 */
public final class ExactSum {
    private static final double[] NONE = new double[0];

    private double[] partials = NONE;
    private int size;
    /** 0.0, an infinity or NaN. */
    private double special;

    public static ExactSum of(double... terms) {
        ExactSum s = new ExactSum();
        for (double t : terms) {
            s.add(t);
        }
        return s;
    }

    /** A sum from the terms {@link #terms()} gave, taken as they are (they are its partials already). */
    public static ExactSum ofTerms(double[] terms) {
        ExactSum s = new ExactSum();
        for (double t : terms) {
            if (!Double.isFinite(t)) {
                s.special += t;
            } else if (t != 0.0) {
                s.append(t);
            }
        }
        return s;
    }

    public void add(double x) {
        if (!Double.isFinite(x)) {
            special += x;
            return;
        }
        if (x == 0.0) {
            return; // a sum starts at +0.0, as a double does: a zero term never changes it
        }
        int kept = 0;
        for (int j = 0; j < size; j++) {
            double y = partials[j];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            if (Double.isInfinite(hi)) {
                special += hi;
                size = 0;
                return;
            }
            double lo = y - (hi - x);
            if (lo != 0.0) {
                partials[kept++] = lo;
            }
            x = hi;
        }
        size = kept;
        if (x != 0.0) {
            append(x);
        }
    }

    public void add(ExactSum other) {
        for (int i = 0; i < other.size; i++) {
            add(other.partials[i]);
        }
        special += other.special;
    }

    /** The exact sum rounded to the nearest double (ties to even). */
    public double value() {
        if (special != 0.0 || Double.isNaN(special)) {
            return special;
        }
        int n = size;
        if (n == 0) {
            return 0.0;
        }
        double hi = partials[--n];
        double lo = 0.0;
        while (n > 0) {
            double x = hi;
            double y = partials[--n];
            hi = x + y;
            lo = y - (hi - x);
            if (lo != 0.0) {
                break;
            }
        }
        // Half-way case: the partials below decide the direction of the rounding.
        if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))) {
            double y = lo * 2.0;
            double x = hi + y;
            if (y == x - hi) {
                hi = x;
            }
        }
        return hi;
    }

    public boolean isZero() {
        return size == 0 && special == 0.0;
    }

    /** What to store: the partials, or the one non-finite value the sum has become. */
    public double[] terms() {
        return special != 0.0 || Double.isNaN(special) ? new double[] {special} : Arrays.copyOf(partials, size);
    }

    public ExactSum copy() {
        return ofTerms(terms());
    }

    private void append(double x) {
        if (size == partials.length) {
            partials = Arrays.copyOf(partials, Math.max(4, size * 2));
        }
        partials[size++] = x;
    }

    /** Equal when the stored terms are, bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ExactSum s && Arrays.equals(terms(), s.terms());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(terms());
    }

    @Override
    public String toString() {
        return Double.toString(value());
    }
}
