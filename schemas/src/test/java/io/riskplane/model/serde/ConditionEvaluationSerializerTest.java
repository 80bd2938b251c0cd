package io.riskplane.model.serde;

import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class ConditionEvaluationSerializerTest extends CompactSerializerTestBase<ConditionEvaluation> {
    @Override
    protected TypeSerializer<ConditionEvaluation> createSerializer() {
        return ConditionEvaluationSerializer.INSTANCE;
    }

    @Override
    protected Class<ConditionEvaluation> getTypeClass() {
        return ConditionEvaluation.class;
    }

    @Override
    protected ConditionEvaluation fixtureValue() {
        return new ConditionEvaluation(
                "cond-eval-1",
                new ConditionSample(
                        "sample-1",
                        ConditionSample.ROUTE_FALLBACK,
                        "acme",
                        "momentum-btc",
                        "kraken-rest",
                        "",
                        "",
                        1_765_000_060_000L,
                        1_765_000_000_000L,
                        0.35,
                        20,
                        "fallbacks=7",
                        new String[] {"o-1", "o-2"}),
                ConditionEvaluation.BREACH,
                "max_ratio",
                0.3,
                "for",
                300_000,
                5,
                1_765_000_000_000L,
                true,
                true,
                "policy-1",
                4,
                new String[] {"sample-0", "sample-1"});
    }

    @Override
    protected ConditionEvaluation[] getTestData() {
        return new ConditionEvaluation[] {
            fixtureValue(),
            new ConditionEvaluation(
                    "cond-eval-2",
                    null,
                    ConditionEvaluation.NO_POLICY,
                    "",
                    0,
                    "",
                    0,
                    0,
                    0,
                    false,
                    false,
                    "",
                    0,
                    new String[0]),
            new ConditionEvaluation(
                    null,
                    new ConditionSample(
                            null,
                            null,
                            "ö",
                            "策略",
                            "\uD800",
                            null,
                            "",
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            Double.NaN,
                            -1,
                            null,
                            null),
                    null,
                    "é",
                    Double.NEGATIVE_INFINITY,
                    null,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    -1,
                    true,
                    false,
                    null,
                    Long.MIN_VALUE,
                    new String[] {"", null, "\uD83D\uDE00"}),
            new ConditionEvaluation(
                    "cond-eval-3",
                    new ConditionSample(
                            "s",
                            ConditionSample.SIGNAL_LAG,
                            "",
                            "",
                            "",
                            "lane",
                            "src",
                            0,
                            0,
                            -0.0,
                            0,
                            "",
                            new String[0]),
                    ConditionEvaluation.HEALTHY,
                    "l",
                    1,
                    "d",
                    1,
                    1,
                    1,
                    false,
                    false,
                    "p",
                    1,
                    null),
        };
    }
}
