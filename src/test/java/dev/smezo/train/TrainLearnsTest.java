package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.perturb.Method;
import dev.smezo.testing.TestModels;
import dev.smezo.zo.Schedule;
import dev.smezo.zo.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole training path on a real model: S-MeZO on stories260K with tinystories-feelings lifts
 * held-out (test) accuracy clearly above its zero-shot value, and the run directory holds what it
 * promises.
 */
@Tag("native")
@Tag("model")
class TrainLearnsTest {
    @Test
    void smezoLiftsHeldOutAccuracyAboveZeroShot(@TempDir Path run) throws Exception {
        Path model = TestModels.stories260K();
        TrainConfig config = new TrainConfig("tinystories-feelings", Method.SMEZO, 0.8, 3e-4, 1e-3, 0, 1,
                Schedule.CONSTANT, 16, 150, 150, 0, 64, 1000, 100, 300, false, null, null, 0, "accuracy");
        Trainer.Summary s = new Trainer(model, TestModels.shared().resolve("data/superglue"), config, run, 2, new Quiet())
                .run(false);
        List<Map<String, Object>> evals = MetricsLog.read(run.resolve(RunFiles.METRICS)).stream()
                .filter(m -> "eval".equals(m.get("type"))).toList();
        double zeroShot = ((Number) evals.getFirst().get("test_accuracy")).doubleValue();
        double trained = ((Number) evals.getLast().get("test_accuracy")).doubleValue();
        System.out.printf("tinystories-feelings test accuracy: zero-shot %.3f -> %.3f after 150 S-MeZO steps%n", zeroShot, trained);
        assertTrue(trained >= zeroShot + 0.12, "test accuracy " + zeroShot + " -> " + trained);
        for (String f : List.of(RunFiles.MODEL, RunFiles.BEST, Trajectory.FILE, RunFiles.METRICS, RunFiles.PLOT,
                RunFiles.CONFIG, RunFiles.SUMMARY)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f);
        }
        assertEquals(150, Trajectory.read(run.resolve(Trajectory.FILE)).steps().size());
        assertEquals(0L, ((Number) s.values().get("skipped_steps")).longValue());
    }

    /** A listener that stays quiet. */
    static final class Quiet implements Trainer.Listener {
        @Override
        public void message(String line) {}

        @Override
        public void step(long done, long total, StepResult r, double dev, double test) {}

        @Override
        public void eval(long done, Evaluator.Result dev, Evaluator.Result test, double fraction) {}
    }
}
