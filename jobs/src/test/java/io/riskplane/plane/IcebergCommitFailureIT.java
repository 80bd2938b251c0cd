package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.testing.DemoSession;
import io.riskplane.testing.FlakyCommitCatalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg commit failures are retried and lose nothing. First a few failed commits, which Iceberg retries itself
 * (commit.retry.num-retries): the job does not notice. Then a burst longer than those retries: the committer fails,
 * Flink restarts the job from its checkpoint, and the pending commits are made again. Either way each valid event is
 * in raw_events exactly once and each control event in control_events once.
 */
class IcebergCommitFailureIT {
    @TempDir
    Path dir;

    @Test
    void failedCommitsAreRetriedWithNothingLostOrDoubled() throws Exception {
        DemoSession demo = DemoSession.withExpectedControls(dir);
        long valid = demo.valid();
        int size = demo.items().size();
        FlakyCommitCatalog.FAIL_NEXT.set(0);
        FlakyCommitCatalog.FAILED.set(0);
        FlakyCommitCatalog.SUCCEEDED_AFTER_FAILURE.set(0);
        try (LocalPlane plane = LocalPlane.start(dir.resolve("plane"), null, 2,
                LocalPlane.DEFAULT_CHECKPOINT_INTERVAL_MS, true, 0, FlakyCommitCatalog.class.getName(),
                line -> System.out.println("[iceberg] " + line))) {
            int half = size / 2;
            demo.publish(plane.kafka.bootstrapServers(), 0, half);
            awaitTrue("a first Iceberg commit", () -> plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS) > 0);

            FlakyCommitCatalog.FAIL_NEXT.set(3);
            awaitTrue("three failed commits", () -> FlakyCommitCatalog.FAILED.get() >= 3);
            // Whether the retried commit carried rows depends on how much of the first half was committed already:
            // wait for the commit itself, not for the row count to grow.
            awaitTrue("commits again", () -> FlakyCommitCatalog.SUCCEEDED_AFTER_FAILURE.get() > 0);
            assertThat(restarts(plane)).as("retried inside Iceberg").isZero();

            // The burst lands on the third quarter; the last quarter is published after the job has restarted, because
            // a watermark is not part of a checkpoint: a restored job decides what is pending when new input arrives.
            // Five failures in a row outlast Iceberg's own attempts (1 + commit.retry.num-retries 4).
            FlakyCommitCatalog.FAIL_NEXT.set(5);
            int threeQuarters = size * 3 / 4;
            demo.publish(plane.kafka.bootstrapServers(), half, threeQuarters);
            awaitTrue("the burst of failed commits and a restart", () -> FlakyCommitCatalog.FAIL_NEXT.get() == 0
                    && restarts(plane) >= 1);
            awaitTrue("the job running again", () -> running(plane));
            demo.publish(plane.kafka.bootstrapServers(), threeQuarters, size);
            awaitTrue("every valid event and control event in Iceberg",
                    () -> plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS) == valid
                            && plane.lakehouse.rowCount(IcebergLakehouse.CONTROL_EVENTS) == demo.allControlIds().size());
            System.out.printf("[iceberg] %d commits failed; job restarts: %.0f%n", FlakyCommitCatalog.FAILED.get(),
                    restarts(plane));
            assertThat(restarts(plane)).as("the burst outlasted Iceberg's retries").isGreaterThanOrEqualTo(1);
            // Two more checkpoints: a commit made twice would show by then.
            long checkpoints = completed(plane);
            awaitTrue("two more checkpoints", () -> completed(plane) >= checkpoints + 2);
            assertThat(plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS)).isEqualTo(valid);
            assertThat(plane.lakehouse.rowCount(IcebergLakehouse.CONTROL_EVENTS)).isEqualTo(demo.allControlIds().size());
        }
    }

    static double restarts(LocalPlane plane) {
        return PrometheusScrape.sum(plane.metricsUrl(), "_job_numRestarts");
    }

    static boolean running(LocalPlane plane) {
        try {
            return plane.job.getJobStatus().get() == org.apache.flink.api.common.JobStatus.RUNNING;
        } catch (Exception e) {
            return false;
        }
    }

    static long completed(LocalPlane plane) {
        return (long) PrometheusScrape.sum(plane.metricsUrl(), "_job_numberOfCompletedCheckpoints");
    }
}
