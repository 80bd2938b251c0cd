package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static io.riskplane.testing.PlaneDrills.count;
import static io.riskplane.testing.PlaneDrills.poll;
import static io.riskplane.testing.PlaneDrills.rawEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.testing.CommittedClickHouseRows;
import io.riskplane.testing.DemoSession;
import io.riskplane.testing.PlaneDrills;
import io.riskplane.v1.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash-and-recover drill: the plane is killed three times at random points of the demo session and restarted from
 * its latest checkpoint each time. The control topic (read_committed) and ClickHouse (after FINAL) must end up with
 * exactly what a run without crashes gives (replay of the same session): no control event lost, none doubled.
 */
class CrashRecoveryIT {
    static final int CRASHES = 3;

    @TempDir
    Path dir;

    @Test
    void killedThreeTimesTheControlTopicAndClickHouseMatchARunWithoutCrashes() throws Exception {
        DemoSession demo = DemoSession.withExpectedControls(dir);
        List<TradingSession.Item> items = demo.items();
        long malformed = demo.malformed();
        long valid = demo.valid();
        List<Envelope> expected = demo.controls();
        assertThat(expected).hasSize(11);

        Random rnd = new Random(7);
        try (LocalPlane plane = PlaneDrills.start(dir, "crash")) {
            // The session arrives in four parts, with a crash somewhere in each of the first three: a watermark is
            // not part of a checkpoint, so after a restart it moves on with new input, as it does in production.
            int parts = CRASHES + 1;
            long stored = 0;
            for (int part = 0; part < parts; part++) {
                int from = items.size() * part / parts;
                int to = items.size() * (part + 1) / parts;
                demo.publish(plane.kafka.bootstrapServers(), from, to);
                if (part == parts - 1) {
                    break;
                }
                long target = stored + (long) ((valid * (part + 1) / parts - stored) * (0.3 + 0.6 * rnd.nextDouble()));
                awaitTrue("raw events past " + target, () -> rawEvents(plane) >= target);
                Path before = LocalPlane.latestCheckpoint(checkpoints(plane));
                awaitTrue("a checkpoint of this run", () -> {
                    try {
                        Path now = LocalPlane.latestCheckpoint(checkpoints(plane));
                        return now != null && !now.equals(before);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                stored = rawEvents(plane);
                Path restored = plane.restartFromLatestCheckpoint();
                System.out.println(
                        "[crash] crash " + (part + 1) + " at " + stored + " stored events; restarted from " + restored);
            }

            try (CommittedTopicReader control = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
                awaitTrue("every control event", () -> poll(control).size() >= expected.size());
                awaitTrue(
                        "every valid event and dead letter in ClickHouse",
                        () -> rawEvents(plane) == valid
                                && count(plane, "SELECT count() FROM riskplane.dead_letters FINAL") == malformed);
                // Two more checkpoints: a doubled control event would be committed by then.
                Path last = LocalPlane.latestCheckpoint(checkpoints(plane));
                awaitTrue("two more checkpoints", () -> checkpointsAfter(plane, last) >= 2);
                List<Envelope> seen = poll(control);
                assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
            }
            // The early topic is at least once: a crash may write an early event again, with the same bytes, and
            // none may be lost or differ from the run without crashes.
            assertThat(demo.earlyControls()).hasSize(TradingSession.RUNAWAY_BURSTS);
            PlaneDrills.awaitEarlyControls(plane, demo, "every early control event");
            // ClickHouse gets its rows through the loader, a poll behind the committed topic.
            awaitTrue(
                    "every control event and alert in ClickHouse",
                    () -> count(plane, "SELECT count() FROM riskplane.control_events FINAL")
                                    == demo.allControlIds().size()
                            && count(plane, "SELECT count() FROM riskplane.alerts FINAL") == expected.size());
            // And every table holds exactly the rows the plane committed: none from an attempt that crashed.
            CommittedClickHouseRows.awaitLoaded(plane);
            assertThat(plane.clickhouse
                            .query("SELECT control_id FROM riskplane.control_events FINAL ORDER BY " + "control_id")
                            .lines()
                            .toList())
                    .isEqualTo(demo.allControlIds());
        }
    }

    static Path checkpoints(LocalPlane plane) {
        return Path.of(java.net.URI.create(plane.config.flink().checkpointDir()));
    }

    static long checkpointsAfter(LocalPlane plane, Path last) {
        try (var all = Files.walk(checkpoints(plane), 3)) {
            long lastTime = last.resolve("_metadata").toFile().lastModified();
            return all.filter(p -> p.getFileName().toString().equals("_metadata")
                            && p.toFile().lastModified() > lastTime)
                    .count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
