package io.riskplane.alerting;

import java.io.Serializable;
import java.util.Map;

/**
 * How control events become alerts: the team an org's alerts route to (Alertmanager routes on the `team` label), the
 * team when the org has none (or the scope has no org), and the base of the runbook links: an alert's runbook is
 * {@code runbookBaseUrl + "#" + rule_id}, the anchors of docs/runbooks.md.
 */
public record AlertSettings(String runbookBaseUrl, String defaultTeam, Map<String, String> teamByOrg)
        implements Serializable {
    public static final String DEFAULT_RUNBOOK_BASE_URL =
            io.riskplane.plane.PlaneConfigOptions.ALERTING_RUNBOOK_BASE_URL.defaultValue();
    public static final String DEFAULT_TEAM =
            io.riskplane.plane.PlaneConfigOptions.ALERTING_DEFAULT_TEAM.defaultValue();

    public static AlertSettings defaults() {
        return new AlertSettings(DEFAULT_RUNBOOK_BASE_URL, DEFAULT_TEAM, Map.of());
    }

    public String teamOf(String org) {
        return teamByOrg.getOrDefault(org, defaultTeam);
    }

    public String runbookOf(String ruleId) {
        return runbookBaseUrl + "#" + ruleId;
    }
}
