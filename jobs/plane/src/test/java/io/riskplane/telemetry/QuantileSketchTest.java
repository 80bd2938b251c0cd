package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {
    /** What state restore does: every sketch written to a checkpoint reads back with the same count and quantiles. */
    @Test
    void sketchesSurviveTheirSerializer() throws Exception {
        TypeSerializer<QuantileSketch> serializer = QuantileSketchTypeInfo.typeInfo()
                .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        Random rnd = new Random(3);
        double[][] cases = {{}, {0}, {-1}, {1}, {-1, 0, 1}, {0, 0, 0}, {-5, -3}, {1e-12}, {1e9}};
        for (int k = 0; k < 200 + cases.length; k++) {
            double[] values = k < cases.length
                    ? cases[k]
                    : rnd.doubles(rnd.nextInt(50), -1e4, 1e4)
                            .map(v -> rnd.nextInt(5) == 0 ? 0 : v)
                            .toArray();
            QuantileSketch s = new QuantileSketch();
            Arrays.stream(values).forEach(s::add);
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(s, out);
            QuantileSketch back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back.count()).as(Arrays.toString(values)).isEqualTo(values.length);
            for (double q : new double[] {0, 0.5, 0.95, 1}) {
                assertThat(back.quantile(q))
                        .as(Arrays.toString(values) + " q" + q)
                        .isEqualTo(s.quantile(q));
            }
            if (values.length > 0) {
                // The sketch's 1% relative accuracy, against the exact order statistic computed here.
                double[] sorted = values.clone();
                Arrays.sort(sorted);
                double exactMax = sorted[sorted.length - 1];
                assertThat(back.quantile(1))
                        .isCloseTo(exactMax, org.assertj.core.data.Offset.offset(Math.abs(exactMax) * 0.011 + 1e-9));
            }
        }
    }
}
