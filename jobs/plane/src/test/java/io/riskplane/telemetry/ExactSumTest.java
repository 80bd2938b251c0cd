package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Against BigDecimal: every double is a finite decimal, so BigDecimal sums them exactly and rounds once. */
class ExactSumTest {

    static double exact(List<Double> terms) {
        BigDecimal s = BigDecimal.ZERO;
        for (double t : terms) {
            s = s.add(new BigDecimal(t));
        }
        return s.doubleValue(); // the exact sum, rounded once to the nearest double
    }

    static List<Double> terms(Random r, int n) {
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> t.add(r.nextGaussian() * 1e-3);
                case 1 -> t.add(r.nextGaussian() * 1e6);
                case 2 -> t.add((double) Math.round(r.nextGaussian() * 1e4) / 100); // prices in cents
                default -> t.add(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
            }
        }
        return t;
    }

    @Test
    void equalsBigDecimalsCorrectlyRoundedSumInAnyOrder() {
        Random r = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<Double> t = terms(r, 1 + r.nextInt(60));
            double expected = exact(t);
            for (int perm = 0; perm < 4; perm++) {
                Collections.shuffle(t, r);
                ExactSum s = new ExactSum();
                t.forEach(s::add);
                assertThat(s.value()).as("terms %s", t).isEqualTo(expected);
            }
        }
    }

    @Test
    void aPlainDoubleSumDependsOnOrderWhereTheExactOneDoesNot() {
        // 1e16 + 1 + 1 = 1e16 with +=, left to right; 1 + 1 + 1e16 = 1e16 + 2.
        assertThat(1e16 + 1.0 + 1.0).isNotEqualTo(1.0 + 1.0 + 1e16);
        assertThat(ExactSum.of(1e16, 1.0, 1.0).value())
                .isEqualTo(ExactSum.of(1.0, 1.0, 1e16).value())
                .isEqualTo(1e16 + 2);
    }

    @Test
    void mergingSumsIsAddingTheirTerms() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Double> a = terms(r, r.nextInt(20));
            List<Double> b = terms(r, r.nextInt(20));
            ExactSum x = new ExactSum();
            a.forEach(x::add);
            ExactSum y = new ExactSum();
            b.forEach(y::add);
            x.add(y);
            List<Double> all = new ArrayList<>(a);
            all.addAll(b);
            assertThat(x.value()).isEqualTo(exact(all));
        }
    }

    @Test
    void storedTermsReadBackToTheSameSum() {
        ExactSum s = ExactSum.of(1e16, 1.0, 0.1, -3e-20);
        ExactSum back = ExactSum.ofTerms(s.terms());
        assertThat(back).isEqualTo(s);
        assertThat(back.value()).isEqualTo(s.value());
        back.add(5.0);
        s.add(5.0);
        assertThat(back.value()).isEqualTo(s.value());
    }

    @Test
    void zerosAndNonFiniteTermsBehaveAsADoubleSumStartingAtZero() {
        assertThat(ExactSum.of().value()).isEqualTo(0.0);
        assertThat(Double.doubleToRawLongBits(ExactSum.of(-0.0).value())).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(ExactSum.of(-0.0).isZero()).isTrue();
        assertThat(ExactSum.of(1.0, Double.POSITIVE_INFINITY, 2.0).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ExactSum.of(Double.POSITIVE_INFINITY, 1.0, Double.NEGATIVE_INFINITY)
                        .value())
                .isNaN();
        assertThat(ExactSum.of(Double.MAX_VALUE, Double.MAX_VALUE).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ExactSum.ofTerms(ExactSum.of(Double.NaN).terms()).value()).isNaN();
    }
}
