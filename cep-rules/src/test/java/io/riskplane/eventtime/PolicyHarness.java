package io.riskplane.eventtime;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Feeding a policy-versioned function under Flink's keyed-broadcast harness: every input at its own time, then both
 * watermarks (input and policies) to the latest, so that everything buffered is judged. Shared with the jobs
 * module's harness tests through this module's test jar.
 */
public final class PolicyHarness {
    private PolicyHarness() {}

    @SafeVarargs
    public static <K, IN, P, OUT> List<OUT> feed(
            KeyedBroadcastOperatorTestHarness<K, IN, P, OUT> h, ToLongFunction<IN> timeOf, IN... inputs)
            throws Exception {
        return feed(h, timeOf, Arrays.asList(inputs));
    }

    public static <K, IN, P, OUT> List<OUT> feed(
            KeyedBroadcastOperatorTestHarness<K, IN, P, OUT> h, ToLongFunction<IN> timeOf, List<IN> inputs)
            throws Exception {
        long last = 0;
        for (IN in : inputs) {
            long t = timeOf.applyAsLong(in);
            h.processElement(in, t);
            last = Math.max(last, t);
        }
        h.processWatermark(last);
        h.processBroadcastWatermark(last);
        return h.extractOutputValues();
    }
}
