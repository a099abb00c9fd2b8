package dev.smezo.task;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code shared/data/superglue} from the {@code smezo.shared} property; skips the test when absent. */
final class SharedData {
    private SharedData() {}

    static Path superglue() {
        String shared = System.getProperty("smezo.shared");
        assumeTrue(shared != null, "system property smezo.shared is not set (the pom sets it to ../shared)");
        Path dir = Path.of(shared, "data", "superglue");
        assumeTrue(Files.isDirectory(dir), "no SuperGLUE data at " + dir.toAbsolutePath() + ": data tests skipped");
        return dir;
    }
}
