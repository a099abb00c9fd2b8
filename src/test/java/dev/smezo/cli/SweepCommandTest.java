package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.json.Json;
import dev.smezo.testing.TestModels;
import dev.smezo.train.Trajectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `smezo sweep` on stories260K: a grid of a far too small, a good and a far too large lr (the same three
 * LearningCheckTest measures), each probe a run directory that a second sweep reuses and `train --resume`
 * continues.
 */
@Tag("native")
@Tag("model")
class SweepCommandTest {
    @TempDir
    Path dir;

    @Test
    void ranksByDevLossStopsTheRisingProbeAndItsProbesResume() throws Exception {
        Path model = TestModels.stories260K();
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", model.toString(), "--task", "tinystories-feelings", "--lr", "3e-6,3e-4,3", "--steps", "12",
                "--run-steps", "48", "--out", out.toString(), "-t", "2", "--", "--n-train", "200", "--n-dev", "64", "--n-test", "64"};
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(Main.EXIT_OK, r.exitCode(), r.err());
        Map<?, ?> sweep = (Map<?, ?>) Json.parse(Files.readString(out.resolve("sweep.json")));
        List<?> probes = (List<?>) sweep.get("probes");
        assertEquals(3, probes.size());
        Map<?, ?> best = (Map<?, ?>) sweep.get("best");
        assertEquals(3e-4, ((Number) best.get("lr")).doubleValue(), 0, r.out());
        Map<?, ?> huge = probes.stream().map(p -> (Map<?, ?>) p).filter(p -> ((Number) p.get("lr")).doubleValue() == 3).findFirst().orElseThrow();
        assertNotEquals("ok", huge.get("status"), "lr 3 raises the dev loss at once: " + huge);
        assertTrue(((Number) huge.get("steps")).longValue() < 12, "the rising probe stops early: " + huge);
        assertTrue(((Number) best.get("dev_loss")).doubleValue() < ((Number) best.get("dev_loss_start")).doubleValue(), best.toString());
        // for a run 4x longer, SGD's horizon rule halves the lr: 1.5e-4, on the 1-3 series 1e-4
        assertTrue(r.out().contains("the best probe's lr, 3e-4 over 12 steps, scaled by sqrt(12 / 48) for a 48-step run: 1e-4"), r.out());
        assertTrue(r.out().contains("recommended: smezo train " + model + " --task tinystories-feelings --method smezo --lr 1e-4 --eps 1e-3 --steps 48"),
                r.out());
        assertEquals(1e-4, ((Number) sweep.get("recommended_lr")).doubleValue(), 0);

        // a second sweep reuses every probe: no trajectory grows
        Path chosen = Path.of((String) best.get("run_dir"));
        long lines = Files.readAllLines(chosen.resolve(Trajectory.FILE)).size();
        CliRunner.Result again = CliRunner.run(args);
        assertEquals(Main.EXIT_OK, again.exitCode(), again.err());
        assertEquals(lines, Files.readAllLines(chosen.resolve(Trajectory.FILE)).size());
        assertEquals(sweep, Json.parse(Files.readString(out.resolve("sweep.json"))));

        // the chosen probe continues into a longer run, evaluated less often
        CliRunner.Result longer = CliRunner.run("train", model.toString(), "--resume", chosen.toString(), "--steps", "16",
                "--eval-every", "8", "-t", "2");
        assertEquals(Main.EXIT_OK, longer.exitCode(), longer.err());
        assertTrue(longer.err().contains("resumed " + chosen + " after step 12"), longer.err());
        assertEquals(lines + 4, Files.readAllLines(chosen.resolve(Trajectory.FILE)).size());
        java.util.List<Long> evals = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(chosen.resolve("metrics.jsonl"))) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(l);
            if ("eval".equals(m.get("type"))) evals.add(((Number) m.get("step")).longValue());
        }
        // the log reads as the run continued: the probe's evaluations before 12, then every 8 (the one at 12 is not on it)
        assertEquals(List.of(0L, 3L, 6L, 9L, 16L), evals);
        assertEquals(16L, ((Number) Trajectory.read(chosen.resolve(Trajectory.FILE)).config().steps()).longValue(),
                "the header holds the config the run continued with");
    }

    @Test
    void needsATaskOrData() {
        CliRunner.Result r = CliRunner.run("sweep", "model.gguf");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("--task or --data"), r.err());
    }
}
