package io.riskplane.testing;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.v1.Envelope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** What the tests that run a {@link LocalPlane} share: starting it, reading its committed topics and ClickHouse. */
public final class PlaneDrills {
    private PlaneDrills() {}

    /** A plane at parallelism 2 under dir/plane, its progress printed with {@code [tag]}. */
    public static LocalPlane start(Path dir, String tag) throws Exception {
        return LocalPlane.start(dir.resolve("plane"), null, 2, line -> System.out.println("[" + tag + "] " + line));
    }

    /** What a committed topic holds since the reader's last poll (one poll of 200 ms). */
    public static List<Envelope> poll(CommittedTopicReader r) {
        try {
            return r.poll(Duration.ofMillis(200));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ClickHouse count; a failed query fails the test. */
    public static long count(LocalPlane plane, String sql) {
        try {
            return plane.clickhouse.count(sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ClickHouse count, or -1 while ClickHouse is down or starting: an awaited condition is not met yet. */
    public static long countOrMinusOne(LocalPlane plane, String sql) {
        try {
            return plane.clickhouse.count(sql);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The valid events ClickHouse holds. */
    public static long rawEvents(LocalPlane plane) {
        return count(plane, "SELECT count() FROM riskplane.raw_events FINAL");
    }

    /**
     * Waits for the demo's early control events on the early control topic, then asserts that it holds exactly them:
     * compared as sets, since that topic is at least once.
     */
    public static void awaitEarlyControls(LocalPlane plane, DemoSession demo, String what) throws Exception {
        try (CommittedTopicReader early =
                new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.CONTROL_EARLY)) {
            awaitTrue(what, () -> Set.copyOf(poll(early)).containsAll(demo.earlyControls()));
            assertThat(Set.copyOf(poll(early))).isEqualTo(Set.copyOf(demo.earlyControls()));
        }
    }
}
