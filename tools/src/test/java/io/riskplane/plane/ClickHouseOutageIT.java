package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static io.riskplane.testing.PlaneDrills.countOrMinusOne;
import static io.riskplane.testing.PlaneDrills.poll;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.testing.CommittedClickHouseRows;
import io.riskplane.testing.DemoSession;
import io.riskplane.testing.PlaneDrills;
import io.riskplane.v1.Envelope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sink-outage drill: ClickHouse is stopped while the second half of the demo session arrives. The control path must
 * not notice (every control event of a run without an outage readable on the control and early control topics
 * while ClickHouse is down, no job restart); after ClickHouse comes back the loader catches up, and ClickHouse
 * (FINAL) holds every row the plane committed to riskplane.v1.clickhouse-rows: nothing lost.
 */
class ClickHouseOutageIT {
    @TempDir
    Path dir;

    @Test
    void controlPathCarriesOnWhileClickHouseIsDownAndClickHouseCatchesUpAfterwards() throws Exception {
        DemoSession demo = DemoSession.withExpectedControls(dir);
        List<TradingSession.Item> items = demo.items();
        long malformed = demo.malformed();
        long valid = demo.valid();
        List<Envelope> expected = demo.controls();
        assertThat(expected).hasSize(11);

        try (LocalPlane plane = PlaneDrills.start(dir, "outage")) {
            int half = items.size() / 2;
            demo.publish(plane.kafka.bootstrapServers(), 0, half);
            awaitTrue("the loader writes rows", () -> rawEvents(plane) > 0);

            plane.clickhouseServer.stop();
            long outageStart = System.nanoTime();
            demo.publish(plane.kafka.bootstrapServers(), half, items.size());
            long published = System.nanoTime();
            try (CommittedTopicReader control = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
                awaitTrue(
                        "every control event while ClickHouse is down",
                        () -> poll(control).size() >= expected.size());
                System.out.printf(
                        "[outage] all %d control events readable %.1f s after the last input, " + "ClickHouse down%n",
                        expected.size(), (System.nanoTime() - published) / 1e9);
                assertThat(poll(control)).containsExactlyInAnyOrderElementsOf(expected);
            }
            // The early decisions too (at least once: compared as sets).
            PlaneDrills.awaitEarlyControls(plane, demo, "every early control event while ClickHouse is down");
            awaitTrue("the loader has met the outage", () -> plane.loader.failedAttempts() >= 4);
            assertThat(PrometheusScrape.sum(plane.metricsUrl(), "_job_numRestarts"))
                    .isZero();
            assertThat(plane.job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);

            plane.clickhouseServer.restart();
            System.out.printf(
                    "[outage] ClickHouse down for %.1f s; %d failed inserts retried%n",
                    (System.nanoTime() - outageStart) / 1e9, plane.loader.failedAttempts());
            awaitTrue(
                    "ClickHouse caught up",
                    () -> rawEvents(plane) == valid
                            && countOrMinusOne(plane, "SELECT count() FROM riskplane.dead_letters FINAL") == malformed
                            && countOrMinusOne(plane, "SELECT count() FROM riskplane.control_events FINAL")
                                    == demo.allControlIds().size());

            // Every row the plane committed for ClickHouse is there, table by table, and nothing else: the sets of
            // row ids (each table's first column) on the topic and in ClickHouse are equal.
            Map<String, Set<String>> committed = CommittedClickHouseRows.awaitLoaded(plane);
            assertThat(committed.keySet())
                    .contains(
                            "raw_events",
                            "control_events",
                            "alerts",
                            "execution_telemetry",
                            "pnl_bars",
                            "dead_letters");
            assertThat(plane.clickhouse
                            .query("SELECT control_id FROM riskplane.control_events FINAL ORDER BY " + "control_id")
                            .lines()
                            .toList())
                    .isEqualTo(demo.allControlIds());
            assertThat(plane.loader.skipped()).isZero();
        }
    }

    static long rawEvents(LocalPlane plane) {
        return countOrMinusOne(plane, "SELECT count() FROM riskplane.raw_events FINAL");
    }
}
