package dev.smezo.parallel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.GgmlType;
import dev.smezo.json.Json;
import dev.smezo.testing.TestData;
import dev.smezo.testing.TestModels;
import dev.smezo.train.RunFiles;
import dev.smezo.train.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `smezo train --parallel` under Open MPI's mpirun (2 and 4 ranks on this machine, oversubscribed),
 * against the one-process run as the reference: the run directory must come out the same, byte for
 * byte (trajectory, final and best checkpoints, and metrics but for their timings), for data parallel
 * (task and JSONL data, float and quantized weights) and for perturbation parallel. A rank that
 * differs is refused before step 1, and a killed rank leaves a run that a one-process --resume
 * completes into the uninterrupted run's bytes. Skipped where mpirun is absent (.ci/run installs it).
 */
@Tag("native")
class MpiTrainingTest {
    @TempDir
    static Path dir;
    static String mpirun;

    @BeforeAll
    static void needsMpirun() throws Exception {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            // by name: Open MPI takes an absolute /usr/bin/mpirun as --prefix /, and refuses that
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mpirun"))) mpirun = "mpirun";
        }
        assumeTrue(mpirun != null, "skipped: Open MPI's mpirun is not on PATH (apt-get install openmpi-bin; .ci/run installs it)");
        Process v = new ProcessBuilder(mpirun, "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes());
        v.waitFor();
        assumeTrue(version.contains("Open MPI"), "skipped: the mpirun on PATH is not Open MPI's (smezo binds Open MPI): " + version.strip());
    }

    static List<String> feelings(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--task", "tinystories-feelings", "--lr", "3e-4", "--batch", "8", "--steps", "16",
                "--eval-every", "8", "--n-train", "64", "--n-dev", "20", "--n-test", "20", "--max-length", "64", "--seed", "3",
                "-t", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void dataParallelOverTwoAndFourRanksIsTheOneProcessRun() throws Exception {
        Path model = TestModels.stories260K();
        Path one = dir.resolve("data-one");
        single(model, feelings(one));
        for (int ranks : new int[] {2, 4}) {
            Path run = dir.resolve("data-" + ranks);
            Launch l = mpi(ranks, model, feelings(run, "--parallel", "data"));
            assertEquals(0, l.exitCode, l.log);
            assertTrue(l.log.contains("parallel: data over " + ranks + " ranks"), l.log);
            assertSameRun(one, run);
        }
    }

    @Test
    void directionsOverTwoAndFourRanksIsTheOneProcessRun() throws Exception {
        Path model = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 12);
        List<String> task = List.of("--task", "synthetic-keywords", "--lr", "1e-3", "--batch", "8", "--steps", "12",
                "--eval-every", "6", "--n-train", "64", "--n-dev", "16", "--n-test", "16", "--directions", "4", "--seed", "5", "-t", "1");
        Path one = dir.resolve("dirs-one");
        single(model, with(task, "--out", one.toString()));
        for (int ranks : new int[] {2, 4}) {
            Path run = dir.resolve("dirs-" + ranks);
            Launch l = mpi(ranks, model, with(task, "--out", run.toString(), "--parallel", "directions"));
            assertEquals(0, l.exitCode, l.log);
            assertSameRun(one, run);
        }
    }

    @Test
    void dataParallelOnQuantizedWeightsAndJsonlMicroBatchesIsTheOneProcessRun() throws Exception {
        Path q8 = TestModels.synth(dir, "tiny", 2, GgmlType.Q8_0, false, 21);
        List<String> task = List.of("--task", "synthetic-keywords", "--lr", "1e-3", "--batch", "6", "--steps", "10",
                "--eval-every", "5", "--n-train", "48", "--n-dev", "14", "--n-test", "14", "--seed", "2", "-t", "1");
        Path one = dir.resolve("q8-one"), two = dir.resolve("q8-2");
        single(q8, with(task, "--out", one.toString()));
        Launch l = mpi(2, q8, with(task, "--out", two.toString(), "--parallel", "data"));
        assertEquals(0, l.exitCode, l.log);
        assertSameRun(one, two);

        Path model = TestModels.stories260K();
        Path data = TestData.promptCompletions(dir);
        List<String> jsonl = List.of("--data", data.toString(), "--lr", "3e-4", "--batch", "8", "--micro-batch", "3",
                "--steps", "8", "--eval-every", "4", "-t", "1");
        Path jOne = dir.resolve("jsonl-one"), jTwo = dir.resolve("jsonl-2");
        single(model, with(jsonl, "--out", jOne.toString()));
        l = mpi(2, model, with(jsonl, "--out", jTwo.toString(), "--parallel", "data"));
        assertEquals(0, l.exitCode, l.log);
        assertSameRun(jOne, jTwo);
    }

    @Test
    void aRankWithAnotherOptionOrModelIsRefusedBeforeStepOne() throws Exception {
        Path model = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 31);
        Path other = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 32);   // same shape, other weights
        Path run = dir.resolve("mismatch");
        List<String> base = List.of("--task", "synthetic-keywords", "--batch", "8", "--steps", "10", "--n-train", "64",
                "--n-dev", "16", "--n-test", "16", "-t", "1", "--parallel", "data", "--out", run.toString());
        Launch lr = mpmd(List.of(with(List.of("train", model.toString()), with(base, "--lr", "1e-3")),
                with(List.of("train", model.toString()), with(base, "--lr", "3e-4"))));
        assertEquals(3, lr.exitCode, lr.log);
        assertTrue(lr.log.contains("rank 1 of 2 is not running what rank 0 is: option lr: 0.001 on rank 0, 3.0E-4 there")
                || lr.log.contains("rank 1 of 2 is not running what rank 0 is: option lr: 1.0E-3 on rank 0, 3.0E-4 there"), lr.log);
        assertFalse(Files.exists(run.resolve(Trajectory.FILE)), "nothing is written before every rank agrees");

        Launch m = mpmd(List.of(with(List.of("train", model.toString()), with(base, "--lr", "1e-3")),
                with(List.of("train", other.toString()), with(base, "--lr", "1e-3"))));
        assertEquals(3, m.exitCode, m.log);
        assertTrue(m.log.contains("rank 1 of 2 is not running what rank 0 is: base model fingerprint"), m.log);
        assertFalse(Files.exists(run.resolve(Trajectory.FILE)));
    }

    @Test
    void aKilledRankLeavesARunThatResumesIntoTheUninterruptedOne() throws Exception {
        Path model = TestModels.stories260K();
        List<String> task = List.of("--task", "tinystories-feelings", "--lr", "3e-4", "--batch", "16", "--steps", "60",
                "--eval-every", "20", "--n-train", "200", "--n-dev", "40", "--n-test", "40", "--max-length", "64", "--seed", "3", "-t", "1");
        Path whole = dir.resolve("kill-whole"), killed = dir.resolve("kill-killed");
        single(model, with(task, "--out", whole.toString()));

        Process p = start(List.of(mpirun, "--oversubscribe", "-np", "2"), with(List.of("train", model.toString()),
                with(task, "--out", killed.toString(), "--parallel", "data")), dir.resolve("killed.log"));
        Path traj = killed.resolve(Trajectory.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (lines(traj) < 25 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(p.isAlive(), "the job ended before a rank could be killed: " + Files.readString(dir.resolve("killed.log")));
        ProcessHandle rank1 = ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(killed.toString()) && rankOf(h) == 1)
                .findFirst().orElseThrow(() -> new AssertionError("rank 1's process not found"));
        rank1.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mpirun must end the job when a rank dies");
        String log = Files.readString(dir.resolve("killed.log"));
        assertNotEquals(0, p.exitValue(), log);
        assertTrue(log.contains("the MPI job ended before the run finished") && log.contains("--resume " + killed), log);
        int logged = lines(traj) - 1;
        assertTrue(logged >= 24 && logged < 60, "killed after " + logged + " steps");
        assertFalse(Files.exists(killed.resolve(RunFiles.MODEL)), "no final checkpoint yet");

        // one process continues what two began
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--resume", killed.toString(), "-t", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(-1, Files.mismatch(whole.resolve(RunFiles.MODEL), killed.resolve(RunFiles.MODEL)));
        assertEquals(Files.readString(whole.resolve(Trajectory.FILE)), Files.readString(traj));
        System.out.printf("rank 1 killed after %d of 60 steps; the one-process resume ends in the uninterrupted run's bytes%n", logged);
    }

    // --- helpers

    record Launch(int exitCode, String log) {}

    static List<String> with(List<String> a, String... more) {
        return with(a, List.of(more));
    }

    static List<String> with(List<String> a, List<String> more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(more);
        return out;
    }

    static void single(Path model, List<String> args) {
        CliRunner.Result r = CliRunner.run(with(List.of("train", model.toString()), args.toArray(String[]::new)).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    /** The JVM command a rank runs: this test's java, class path and native libraries. */
    static List<String> java() {
        return List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "-Dsmezo.native.dir=" + System.getProperty("smezo.native.dir"),
                "dev.smezo.cli.Main");
    }

    static Launch mpi(int ranks, Path model, List<String> args) throws Exception {
        return finish(start(List.of(mpirun, "--oversubscribe", "-np", String.valueOf(ranks)),
                with(List.of("train", model.toString()), args.toArray(String[]::new)), dir.resolve("mpi.log")), dir.resolve("mpi.log"));
    }

    /** One rank per argument list (mpirun's MPMD form: -np 1 A : -np 1 B). */
    static Launch mpmd(List<List<String>> perRank) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(mpirun, "--oversubscribe"));
        for (int r = 0; r < perRank.size(); r++) {
            if (r > 0) cmd.add(":");
            cmd.addAll(List.of("-np", "1"));
            cmd.addAll(java());
            cmd.addAll(perRank.get(r));
        }
        Path log = dir.resolve("mpmd.log");
        return finish(process(cmd, log), log);
    }

    static Process start(List<String> launcher, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(java());
        cmd.addAll(args);
        return process(cmd, log);
    }

    static Process process(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");   // CI runs as root
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        return pb.start();
    }

    static Launch finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mpirun did not finish");
        return new Launch(p.exitValue(), Files.readString(log));
    }

    static int rankOf(ProcessHandle h) {
        try {
            for (String kv : Files.readString(Path.of("/proc", String.valueOf(h.pid()), "environ")).split("\0")) {
                if (kv.startsWith("OMPI_COMM_WORLD_RANK=")) return Integer.parseInt(kv.substring(21));
            }
        } catch (IOException | RuntimeException e) {
            // a process that ended or is not ours
        }
        return -1;
    }

    static int lines(Path f) throws IOException {
        return Files.exists(f) ? (int) Files.readString(f).chars().filter(c -> c == '\n').count() : 0;
    }

    /** The same trajectory, checkpoints and metrics (but for the measured timings and memory). */
    static void assertSameRun(Path one, Path other) throws IOException {
        assertEquals(Files.readString(one.resolve(Trajectory.FILE)), Files.readString(other.resolve(Trajectory.FILE)), other + ": trajectory");
        assertEquals(-1, Files.mismatch(one.resolve(RunFiles.MODEL), other.resolve(RunFiles.MODEL)), other + ": model.gguf");
        if (Files.exists(one.resolve(RunFiles.BEST))) {
            assertEquals(-1, Files.mismatch(one.resolve(RunFiles.BEST), other.resolve(RunFiles.BEST)), other + ": best.gguf");
        }
        assertEquals(metrics(one), metrics(other), other + ": metrics.jsonl");
        assertEquals(Files.readString(one.resolve(RunFiles.CONFIG)), Files.readString(other.resolve(RunFiles.CONFIG)));
    }

    static List<Map<String, Object>> metrics(Path run) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunFiles.METRICS))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) Json.parse(line));
            for (String k : List.of("steps_per_s", "rss_bytes", "c_heap_bytes")) m.remove(k);
            out.add(m);
        }
        return out;
    }
}
