package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.GgmlType;
import dev.smezo.json.Json;
import dev.smezo.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's device path (weights uploaded once, updated on the device copy, brought back to the
 * Java memory for threshold refreshes, trained-fraction counts and checkpoints, and replayed onto the
 * device copy on --resume) checked without a GPU: {@code --device cpu-copy} holds the copy in a
 * separate CPU buffer. A missed download or upload anywhere would change the checkpoint; it must be
 * byte-identical to the plain CPU run's, as must the trajectory and every evaluation.
 */
@Tag("native")
class DevicePathOnCpuTest {
    static List<String> args(Path model, Path out, int steps, String device) {
        return new ArrayList<>(List.of("train", model.toString(), "--task", "synthetic-keywords", "--method", "smezo",
                "--lr", "1e-3", "--steps", String.valueOf(steps), "--eval-every", "10", "--refresh-every", "15",
                "--n-train", "64", "--n-dev", "16", "--n-test", "16", "--seed", "5", "-t", "2", "--device", device,
                "--out", out.toString()));
    }

    @Test
    void deviceCopyTrainsAndResumesBitForBitAsTheCpu(@TempDir Path dir) throws Exception {
        Path model = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 8);
        Path cpu = dir.resolve("cpu"), copy = dir.resolve("copy"), resumed = dir.resolve("resumed");
        run(args(model, cpu, 40, "cpu"));
        run(args(model, copy, 40, "cpu-copy"));
        run(args(model, resumed, 25, "cpu-copy"));
        List<String> resume = args(model, resumed, 40, "cpu-copy");
        resume.addAll(List.of("--resume", resumed.toString()));
        run(resume);

        for (Path other : List.of(copy, resumed)) {
            assertEquals(-1, Files.mismatch(cpu.resolve(RunFiles.MODEL), other.resolve(RunFiles.MODEL)),
                    other.getFileName() + ": checkpoint differs from the CPU run's");
            assertEquals(steps(cpu), steps(other), other.getFileName() + ": trajectory");
            assertEquals(evaluations(cpu), evaluations(other), other.getFileName() + ": evaluations");
        }
        Map<?, ?> summary = (Map<?, ?>) Json.parse(Files.readString(copy.resolve(RunFiles.SUMMARY)));
        assertTrue(String.valueOf(summary.get("device")).startsWith("cpu-copy"), String.valueOf(summary.get("device")));
        assertTrue(((Number) summary.get("device_weights_bytes")).longValue() > 0, "a separate copy was made");
        assertEquals(5, evaluations(cpu).size(), "evaluations at steps 0, 10, 20, 30, 40");
    }

    private static void run(List<String> args) {
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    /** The trajectory's step records (its header holds the --steps the run was started with). */
    private static List<String> steps(Path run) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve(Trajectory.FILE));
        assertEquals(41, lines.size(), run + ": a header and 40 steps");
        return lines.subList(1, lines.size());
    }

    /** The eval records of metrics.jsonl (accuracies, losses, trained fractions: no timings). */
    private static List<Object> evaluations(Path run) throws Exception {
        List<Object> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunFiles.METRICS))) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if ("eval".equals(m.get("type"))) out.add(m);
        }
        return out;
    }
}
