package io.riskplane.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every alert's runbook link lands on a section: each rule id and each plane-health alert has its anchor. */
class RunbookLinksTest {
    @Test
    void everyRuleAndPlaneAlertHasARunbookSection() throws Exception {
        Path root = io.riskplane.testing.RepoRoot.path();
        Set<String> targets = new LinkedHashSet<>();
        // Rule ids: the first column of the summary table in docs/rules.md.
        Matcher rule = Pattern.compile("(?m)^\\| `([a-z]+(?:\\.[a-z-]+)+)` \\| \\d+ \\|")
                .matcher(Files.readString(root.resolve("docs/rules.md")));
        while (rule.find()) {
            targets.add(rule.group(1));
        }
        assertThat(targets).as("rule ids in docs/rules.md").hasSize(12);
        // Plane-health alerts: their runbook_url annotations.
        Matcher plane = Pattern.compile("runbook_url:\\s*\"?[^\"#\\s]*runbooks\\.md#([\\w.-]+)")
                .matcher(Files.readString(root.resolve("dashboards/prometheus/rules/riskplane-plane.rules.yml")));
        int planeAlerts = 0;
        while (plane.find()) {
            targets.add(plane.group(1));
            planeAlerts++;
        }
        assertThat(planeAlerts).as("runbook links in the plane-health rules").isGreaterThanOrEqualTo(7);

        String runbooks = Files.readString(root.resolve("docs/runbooks.md"));
        for (String t : targets) {
            assertThat(runbooks).as("anchor for " + t + " in docs/runbooks.md").contains("<a id=\"" + t + "\"></a>");
        }
    }
}
