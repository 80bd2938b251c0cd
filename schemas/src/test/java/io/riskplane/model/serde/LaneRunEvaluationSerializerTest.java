package io.riskplane.model.serde;

import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class LaneRunEvaluationSerializerTest extends CompactSerializerTestBase<LaneRunEvaluation> {
    @Override
    protected TypeSerializer<LaneRunEvaluation> createSerializer() {
        return LaneRunEvaluationSerializer.INSTANCE;
    }

    @Override
    protected Class<LaneRunEvaluation> getTypeClass() {
        return LaneRunEvaluation.class;
    }

    @Override
    protected LaneRunEvaluation fixtureValue() {
        return new LaneRunEvaluation(
                "lane-eval-1",
                new LaneRunRecord(
                        "run-e-1",
                        1_765_000_000_000L,
                        "lane-1",
                        "run-1",
                        "FAILED",
                        "v7",
                        "acme",
                        "momentum-btc",
                        new ArrayList<>(List.of("latency", "fills"))),
                3,
                3,
                3_600_000,
                1_764_996_400_000L,
                true,
                "v6",
                "policy-1",
                2,
                new String[] {"run-e-0", "run-e-1"});
    }

    @Override
    protected LaneRunEvaluation[] getTestData() {
        return new LaneRunEvaluation[] {
            fixtureValue(),
            new LaneRunEvaluation("lane-eval-2", null, 0, 0, 0, 0, false, "", "", 0, new String[0]),
            // A run without gates, and one with an empty gate list.
            new LaneRunEvaluation(
                    null,
                    new LaneRunRecord(null, Long.MIN_VALUE, "ö", "策略", null, "\uD800", "", null, null),
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE,
                    Long.MAX_VALUE,
                    -1,
                    false,
                    null,
                    "é",
                    Long.MIN_VALUE,
                    null),
            new LaneRunEvaluation(
                    "lane-eval-3",
                    new LaneRunRecord(
                            "e",
                            1,
                            "l",
                            "r",
                            "ABORTED",
                            "v",
                            "o",
                            "s",
                            new ArrayList<>(Arrays.asList("", null, "\uD83D\uDE00"))),
                    1,
                    2,
                    3,
                    4,
                    false,
                    "t",
                    "p",
                    5,
                    new String[] {"", null}),
            new LaneRunEvaluation(
                    "lane-eval-4",
                    new LaneRunRecord("e", 1, "l", "r", "FAILED", "v", "o", "s", new ArrayList<>()),
                    1,
                    2,
                    3,
                    4,
                    false,
                    "t",
                    "p",
                    5,
                    new String[0]),
        };
    }
}
