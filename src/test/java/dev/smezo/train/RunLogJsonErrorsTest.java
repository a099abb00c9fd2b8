package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smezo.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's JSON Lines logs that do not parse are named by file, line and column. */
class RunLogJsonErrorsTest {
    @TempDir
    Path dir;

    @Test
    void trajectoryLine() throws IOException {
        Path p = Files.writeString(dir.resolve(Trajectory.FILE), "{smezo_trajectory: 1}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trajectory.read(p));
        assertEquals(p + ": line 1: invalid JSON at column 2: unexpected character 's' (expected a member name in double quotes)",
                e.getMessage());
    }

    @Test
    void metricsLines() throws IOException {
        Path p = Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\": 0}\n\n{\"step\" 1}\n");
        JsonException read = assertThrows(JsonException.class, () -> MetricsLog.read(p));
        assertEquals(p + ":3:9: unexpected character '1' (expected ':')", read.getMessage());
        List<Map<String, Object>> kept = new ArrayList<>();
        JsonException resume = assertThrows(JsonException.class, () -> MetricsLog.resume(p, 5, kept));
        assertEquals(read.getMessage(), resume.getMessage());
    }
}
