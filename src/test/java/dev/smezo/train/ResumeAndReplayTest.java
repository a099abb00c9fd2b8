package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.testing.TestModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed mid-way (SIGKILL to a separate JVM) and resumed ends with a GGUF byte-identical to an
 * uninterrupted run, and replaying its trajectory onto the base gives the same bytes again.
 */
@Tag("native")
@Tag("model")
class ResumeAndReplayTest {
    static final int STEPS = 60;

    static List<String> trainArgs(Path model, Path out) {
        return List.of("train", model.toString(), "--task", "tinystories-feelings", "--method", "smezo", "--lr", "3e-4",
                "--steps", String.valueOf(STEPS), "--eval-every", "20", "--n-train", "200", "--n-dev", "40",
                "--n-test", "40", "--max-length", "64", "--refresh-every", "25", "--seed", "3", "-t", "2",
                "--out", out.toString());
    }

    @Test
    void killedAndResumedRunEqualsUninterruptedRunAndReplay(@TempDir Path dir) throws Exception {
        Path model = TestModels.stories260K();
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");

        CliRunner.Result r = CliRunner.run(trainArgs(model, whole).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());

        // The same run in another JVM, killed once it has logged a few steps past a threshold refresh.
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dsmezo.native.dir=" + System.getProperty("smezo.native.dir"), "dev.smezo.cli.Main"));
        cmd.addAll(trainArgs(model, killed));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path traj = killed.resolve(Trajectory.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (lines(traj) < 32 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(dir.resolve("killed.log")));
        p.destroyForcibly().waitFor();
        int logged = lines(traj) - 1;
        assertTrue(logged > 25 && logged < STEPS, "killed after " + logged + " steps");
        assertFalse(Files.exists(killed.resolve(RunFiles.MODEL)), "no final checkpoint yet");

        CliRunner.Result resumed = CliRunner.run("train", model.toString(), "--resume", killed.toString(), "-t", "1");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("resumed"), resumed.err());
        assertEquals(-1, Files.mismatch(whole.resolve(RunFiles.MODEL), killed.resolve(RunFiles.MODEL)),
                "resumed run's model.gguf differs from the uninterrupted run's");
        assertEquals(Files.readString(whole.resolve(Trajectory.FILE)), Files.readString(killed.resolve(Trajectory.FILE)));

        Path replayed = dir.resolve("replayed.gguf");
        CliRunner.Result rep = CliRunner.run("replay", model.toString(), traj.toString(), "-o", replayed.toString());
        assertEquals(0, rep.exitCode(), rep.err());
        assertEquals(-1, Files.mismatch(whole.resolve(RunFiles.MODEL), replayed), "replay differs from the run");
        assertNotEquals(-1, Files.mismatch(model, replayed), "training must have changed the weights");
        System.out.printf("killed after %d of %d steps; resumed and replayed checkpoints are byte-identical (%d bytes)%n",
                logged, STEPS, Files.size(replayed));
    }

    static int lines(Path f) throws Exception {
        if (!Files.exists(f)) return 0;
        String s = Files.readString(f);
        return (int) s.chars().filter(c -> c == '\n').count();
    }

}
