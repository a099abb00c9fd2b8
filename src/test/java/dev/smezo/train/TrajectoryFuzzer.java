package dev.smezo.train;

import dev.smezo.testing.Fuzzing;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target: any bytes as a run's trajectory.jsonl, read as `smezo replay` and `train --resume`
 * read it (header, config, every step checked).
 */
public final class TrajectoryFuzzer {
    private TrajectoryFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Path file = Fuzzing.file(Trajectory.FILE, data);
        try {
            Trajectory.Log log = Trajectory.read(file);
            log.config().toMap().toString();
            log.steps().toString();
        } catch (IllegalArgumentException | IOException e) {   // IOException: not UTF-8 text
            Fuzzing.requireNamed(e, file.toString());
        }
    }
}
