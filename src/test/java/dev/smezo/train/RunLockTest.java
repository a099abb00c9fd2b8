package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.GgmlType;
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
 * One writer per run directory: while a run (a separate JVM) trains, a second `train --out` or
 * `--resume` on its directory is refused at once (exit 3) naming the holder's pid, and leaves the
 * run's files alone; once that run is killed with SIGKILL, the kernel has dropped its lock and the
 * run resumes to the end.
 */
@Tag("native")
class RunLockTest {
    static List<String> args(Path model, Path out, int steps) {
        return new ArrayList<>(List.of("train", model.toString(), "--task", "synthetic-keywords", "--method", "smezo",
                "--lr", "1e-3", "--steps", String.valueOf(steps), "--eval-every", "1000", "--n-train", "64",
                "--n-dev", "16", "--n-test", "16", "--seed", "5", "-t", "1", "--out", out.toString()));
    }

    @Test
    void aSecondWriterIsRefusedWithTheHoldersPidAndAKilledRunResumes(@TempDir Path dir) throws Exception {
        Path model = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 8);
        Path run = dir.resolve("run");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dsmezo.native.dir=" + System.getProperty("smezo.native.dir"), "dev.smezo.cli.Main"));
        cmd.addAll(args(model, run, 100_000));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            Path traj = run.resolve(Trajectory.FILE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (ResumeAndReplayTest.lines(traj) < 5 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(p.isAlive(), "the run ended early: " + Files.readString(dir.resolve("run.log")));
            String pid = "pid " + p.pid();

            CliRunner.Result resume = CliRunner.run("train", model.toString(), "--resume", run.toString());
            assertEquals(3, resume.exitCode(), resume.err());
            assertTrue(resume.err().contains("in use by another smezo run") && resume.err().contains(pid), resume.err());

            List<String> over = args(model, run, 10);
            over.add("--overwrite");
            CliRunner.Result second = CliRunner.run(over.toArray(String[]::new));
            assertEquals(3, second.exitCode(), second.err());
            assertTrue(second.err().contains(pid), second.err());
            assertTrue(p.isAlive(), "the running run is untouched");
        } finally {
            p.destroyForcibly().waitFor();
        }
        // SIGKILL: no cleanup ran, the lock file is still there, but the kernel released the lock
        assertTrue(Files.exists(run.resolve(RunLock.FILE)));
        List<String> resume = args(model, run, ResumeAndReplayTest.lines(run.resolve(Trajectory.FILE)) + 5);
        resume.addAll(List.of("--resume", run.toString()));
        CliRunner.Result r = CliRunner.run(resume.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("resumed"), r.err());
        assertTrue(Files.exists(run.resolve(RunFiles.MODEL)), "the resumed run finished");
    }
}
