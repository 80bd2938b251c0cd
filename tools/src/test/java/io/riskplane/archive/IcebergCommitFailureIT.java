package io.riskplane.archive;

import static io.riskplane.testing.Await.awaitTrue;
import static io.riskplane.testing.PlaneDrills.countOrMinusOne;
import static io.riskplane.testing.PlaneDrills.poll;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.model.DetectorOutput;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.testing.DemoSession;
import io.riskplane.testing.FlakyCommitCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing archive never holds back the control path, and loses nothing. The archive job (Kafka to Iceberg) runs
 * beside the decision job on the real parts: embedded Kafka, a ClickHouse server, an Iceberg catalog on disk whose
 * commits to raw_events fail on demand (FlakyCommitCatalog), each job on its own Flink MiniCluster.
 *
 * <p>First a few failed commits, which Iceberg retries itself (commit.retry.num-retries): the archive does not
 * notice. Then every commit fails: the archive job fails and restarts again and again, and meanwhile the decision job
 * decides and publishes every control event of the session, confirmed and early, without one restart, while the
 * lakehouse stays behind. Then the failure clears: the archive resumes from its checkpoint and catches up, each valid
 * event in raw_events once, each control event in control_events once, each detector row in detector_outputs once.
 */
class IcebergCommitFailureIT {
    @TempDir
    Path dir;

    @Test
    void aFailingArchiveLeavesControlEventsFlowingAndCatchesUpOnceItClears() throws Exception {
        DemoSession demo = DemoSession.withExpectedControls(dir);
        long valid = demo.valid();
        int size = demo.items().size();
        FlakyCommitCatalog.FAIL_NEXT.set(0);
        FlakyCommitCatalog.FAILED.set(0);
        FlakyCommitCatalog.SUCCEEDED_AFTER_FAILURE.set(0);
        // The archive commits every second here, so that its failures come fast.
        try (LocalPlane plane = LocalPlane.start(
                dir.resolve("plane"),
                null,
                2,
                LocalPlane.DEFAULT_CHECKPOINT_INTERVAL_MS,
                true,
                0,
                FlakyCommitCatalog.class.getName(),
                1000,
                line -> System.out.println("[archive] " + line))) {
            int half = size / 2;
            demo.publish(plane.kafka.bootstrapServers(), 0, half);
            awaitTrue("a first Iceberg commit", () -> plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS) > 0);

            FlakyCommitCatalog.FAIL_NEXT.set(3);
            awaitTrue("three failed commits", () -> FlakyCommitCatalog.FAILED.get() >= 3);
            // Whether the retried commit carried rows depends on how much of the first half was committed already:
            // wait for the commit itself, not for the row count to grow.
            awaitTrue("commits again", () -> FlakyCommitCatalog.SUCCEEDED_AFTER_FAILURE.get() > 0);
            assertThat(restarts(plane.archiveMetricsUrl()))
                    .as("retried inside Iceberg")
                    .isZero();

            // From here every commit to raw_events fails: far more than Iceberg's own attempts (1 + 4 retries).
            FlakyCommitCatalog.FAIL_NEXT.set(Integer.MAX_VALUE);
            awaitTrue("the archive failing", () -> restarts(plane.archiveMetricsUrl()) >= 1);
            long lakeBehind = plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS);
            demo.publish(plane.kafka.bootstrapServers(), half, size);
            long published = System.nanoTime();
            try (CommittedTopicReader control = CommittedTopicReader.control(plane.kafka.bootstrapServers());
                    CommittedTopicReader early =
                            new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.CONTROL_EARLY)) {
                awaitTrue(
                        "every control event while the archive fails",
                        () -> poll(control).size() >= demo.controls().size()
                                && Set.copyOf(poll(early)).containsAll(demo.earlyControls()));
                double seconds = (System.nanoTime() - published) / 1e9;
                assertThat(poll(control)).containsExactlyInAnyOrderElementsOf(demo.controls());
                assertThat(Set.copyOf(poll(early))).isEqualTo(Set.copyOf(demo.earlyControls()));
                // Still failing: the control events above did not wait for the archive.
                assertThat(FlakyCommitCatalog.FAIL_NEXT.get()).isPositive();
                assertThat(plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS))
                        .as("the lakehouse stayed behind")
                        .isEqualTo(lakeBehind)
                        .isLessThan(valid);
                System.out.printf(
                        "[archive] all %d control events and %d early ones readable %.1f s after the "
                                + "last input, the archive failing (%d failed commits, %.0f archive restarts)%n",
                        demo.controls().size(),
                        demo.earlyControls().size(),
                        seconds,
                        FlakyCommitCatalog.FAILED.get(),
                        restarts(plane.archiveMetricsUrl()));
            }
            assertThat(restarts(plane.metricsUrl())).as("decision job restarts").isZero();
            assertThat(plane.job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            // The loader reads the input topics itself: ClickHouse has every raw event while Iceberg fails.
            awaitTrue(
                    "every valid event in ClickHouse raw_events",
                    () -> countOrMinusOne(plane, "SELECT count() FROM riskplane.raw_events FINAL") == valid);

            long archiveRestarts = (long) restarts(plane.archiveMetricsUrl());
            FlakyCommitCatalog.FAIL_NEXT.set(0);
            awaitTrue(
                    "the archive caught up: every valid event, control event and detector row in Iceberg",
                    () -> plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS) == valid
                            && plane.lakehouse.rowCount(IcebergLakehouse.CONTROL_EVENTS)
                                    == demo.allControlIds().size()
                            && archivedOnce(plane, committedDetectorOutputIds(plane)));
            System.out.printf("[archive] caught up after %d archive restarts%n", archiveRestarts);
            // Two more archive checkpoints: a commit made twice would show by then.
            long checkpoints = completed(plane.archiveMetricsUrl());
            awaitTrue("two more archive checkpoints", () -> completed(plane.archiveMetricsUrl()) >= checkpoints + 2);
            assertThat(plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS)).isEqualTo(valid);
            assertThat(plane.lakehouse.readAll(IcebergLakehouse.CONTROL_EVENTS).stream()
                            .map(r -> (String) r.getField("control_id"))
                            .sorted()
                            .toList())
                    .isEqualTo(demo.allControlIds());
            // The plane goes on committing rows (ticks), so compare with what it had committed by now: each of those
            // in Iceberg, and nothing there twice.
            List<String> committed = committedDetectorOutputIds(plane);
            assertThat(committed).isNotEmpty();
            awaitTrue("every committed detector row in Iceberg once", () -> archivedOnce(plane, committed));
            assertThat(restarts(plane.metricsUrl())).as("decision job restarts").isZero();
        }
    }

    /**
     * Each committed detector row is in Iceberg detector_outputs as often as on the topic: none missing, none
     * archived twice. (Rows the plane committed after the list was read may be there too.)
     */
    static boolean archivedOnce(LocalPlane plane, List<String> committed) {
        Map<String, Long> archived = detectorOutputIds(plane.lakehouse).stream()
                .collect(java.util.stream.Collectors.groupingBy(id -> id, java.util.stream.Collectors.counting()));
        Map<String, Long> expected = committed.stream()
                .collect(java.util.stream.Collectors.groupingBy(id -> id, java.util.stream.Collectors.counting()));
        return expected.entrySet().stream().allMatch(e -> e.getValue().equals(archived.get(e.getKey())));
    }

    /** Every output id in Iceberg detector_outputs, sorted (a repeat would show twice). */
    static List<String> detectorOutputIds(IcebergLakehouse lakehouse) {
        try {
            return lakehouse.readAll(IcebergLakehouse.DETECTOR_OUTPUTS).stream()
                    .map(r -> r.getField("detector") + "/" + r.getField("output_id"))
                    .sorted()
                    .toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /** The detector outputs the decision job committed to the rows topic (keys read from the rows), sorted. */
    static List<String> committedDetectorOutputIds(LocalPlane plane) {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                CommittedTopicReader.fromBeginning(plane.kafka.bootstrapServers(), Topics.CLICKHOUSE_ROWS)) {
            Set<TopicPartition> parts = c.assignment();
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    var output = r.key() == null
                            ? null
                            : PlaneOutputs.DETECTORS_BY_TABLE.get(new String(r.key(), StandardCharsets.UTF_8));
                    if (output != null && output.detector() != null) {
                        DetectorOutput o = output.detectorOutput(r.value());
                        ids.add(o.detector() + "/" + o.outputId());
                    }
                }
            }
        }
        return ids.stream().sorted().toList();
    }

    /** The job's restarts; NaN while its reporter does not answer (a condition on it is then not met). */
    static double restarts(String metricsUrl) {
        try {
            return PrometheusScrape.sum(metricsUrl, "_job_numRestarts");
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    static long completed(String metricsUrl) {
        return (long) PrometheusScrape.sum(metricsUrl, "_job_numberOfCompletedCheckpoints");
    }
}
