package io.riskplane.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root directory, found above the module a test runs in (docs/, config/, dashboards/, k8s/). */
public final class RepoRoot {
    private RepoRoot() {}

    public static Path path() {
        return above(Path.of("").toAbsolutePath());
    }

    public static Path above(Path start) {
        Path p = start;
        while (p != null && !(Files.isDirectory(p.resolve("dashboards")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("repository root not found above " + start);
        }
        return p;
    }

    public static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
