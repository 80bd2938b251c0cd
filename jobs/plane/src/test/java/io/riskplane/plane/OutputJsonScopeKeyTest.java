package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.outputs.PlaneOutputs;
import org.junit.jupiter.api.Test;

/** The scope key that records carry for their keyed exchanges stays out of the JSON outputs. */
class OutputJsonScopeKeyTest {
    @Test
    void measurementKeyIsBuiltFromItsFieldsAndNotWritten() {
        SloMeasurement m = new SloMeasurement(
                "m-1",
                SloMeasurement.QUOTE_FRESHNESS,
                SloMeasurement.VENUE_INSTRUMENT,
                "kraken",
                "ETH-USD",
                "",
                5_000L,
                0,
                1.5,
                1,
                null,
                new String[0]);
        assertThat(m.scopeKey()).isEqualTo("quote_freshness|venue_instrument|kraken|ETH-USD|");
        SloEvaluation e = new SloEvaluation(
                "ev-1",
                m,
                SloEvaluation.HEALTHY,
                "max_age_ms",
                10_000,
                0,
                1,
                false,
                false,
                false,
                "p-1",
                1,
                3,
                3,
                true,
                null,
                new String[0],
                "");
        assertThat(PlaneOutputs.SLO_EVALUATIONS.json(e))
                .doesNotContain("scope_key")
                .contains("\"measurement\":{\"measurement_id\":\"m-1\",");
    }
}
