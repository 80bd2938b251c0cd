package io.riskplane.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/storage.md lists every output as PlaneOutputs.ALL describes it (the section between OutputsTable's marks), and
 * the descriptors are consistent: one replay file, name and detector name per output.
 */
class OutputsDocTest {
    static final Path DOC = Path.of("docs/storage.md");

    @Test
    void storageDocListsEveryOutputAsDescribed() throws Exception {
        String doc = Files.readString(repoRoot().resolve(DOC));
        int begin = doc.indexOf(OutputsTable.BEGIN);
        int end = doc.indexOf(OutputsTable.END);
        String expected = OutputsTable.markdown();
        assertThat(begin)
                .as("%s has no generated outputs section; add it:%n%n%s", DOC, expected)
                .isNotNegative();
        assertThat(end).as("%s: end mark of the outputs section", DOC).isGreaterThan(begin);
        String actual = doc.substring(begin, end + OutputsTable.END.length()) + "\n";
        assertThat(actual)
                .as("%s is out of date with PlaneOutputs.ALL; replace its section with:%n%n%s", DOC, expected)
                .isEqualTo(expected);
    }

    @Test
    void theSectionNamesEveryOutputAndItsPlaces() {
        // Independent of the renderer: a few cells as the contract says they are.
        String md = OutputsTable.markdown();
        assertThat(md.lines().filter(l -> l.startsWith("| `")).count()).isEqualTo(13);
        assertThat(md)
                .contains("| `pnl_bars` | none | `pnl-bars.jsonl` | `pnl_bars` | `detector_outputs` (detector "
                        + "`pnl`) | `event_time_millis`, then scope key `scope_type\\|org\\|strategy`, then the bar before the "
                        + "fill row |");
        assertThat(md)
                .contains("| `control_events_early` | `riskplane.v1.control-early` | "
                        + "`control-events-early.jsonl` | `control_events` | `control_events` (from the topic) |");
        assertThat(md)
                .contains("| `dead_letters` | `riskplane.v1.deadletter` | `dead-letters.jsonl` | "
                        + "`dead_letters` | none |");
        assertThat(md)
                .contains("| `halt_states` | `riskplane.v1.halt-state` | `halt-states.jsonl` | "
                        + "`halt_states` | none |");
    }

    @Test
    void eachOutputHasItsOwnFileNameAndDetector() {
        Set<String> files = new HashSet<>();
        Set<String> names = new HashSet<>();
        List<String> detectors = new ArrayList<>();
        for (PlaneOutput<?> o : PlaneOutputs.ALL) {
            assertThat(files.add(o.replayFile())).as("replay file of %s", o).isTrue();
            assertThat(names.add(o.name())).as("name of %s", o).isTrue();
            if (o.detector() != null) {
                detectors.add(o.detector().name());
            }
        }
        assertThat(detectors)
                .containsExactly(
                        "pnl",
                        "execution_telemetry",
                        "slo",
                        "dislocation",
                        "cursor_staleness",
                        "guardrails",
                        "sustained_conditions",
                        "lane_runs");
        assertThat(PlaneOutputs.REPLAY_FILES)
                .containsExactly(
                        "control-events.jsonl",
                        "control-events-early.jsonl",
                        "alerts.jsonl",
                        "halt-states.jsonl",
                        "pnl-bars.jsonl",
                        "dead-letters.jsonl",
                        "execution-telemetry.jsonl",
                        "slo-evaluations.jsonl",
                        "dislocations.jsonl",
                        "cursor-staleness.jsonl",
                        "guardrail-trips.jsonl",
                        "condition-evaluations.jsonl",
                        "lane-runs.jsonl");
    }

    static Path repoRoot() {
        return io.riskplane.testing.RepoRoot.path();
    }
}
