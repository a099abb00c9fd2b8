package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.perturb.Method;
import dev.smezo.testing.TestModels;
import dev.smezo.zo.Schedule;
import dev.smezo.zo.StepResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "not learning" diagnostic on real runs (stories260K, tinystories-feelings, S-MeZO, whose good
 * lr is 3e-4: TrainLearnsTest): 100x smaller and 100x larger get their hint on stderr and their
 * verdict in metrics.jsonl after a fifth of the steps; the good lr gets neither hint.
 */
@Tag("native")
@Tag("model")
class LearningCheckTest {
    static final double GOOD_LR = 3e-4;

    @TempDir Path tmp;

    @Test
    void lrHundredTimesTooSmallIsCalledTooSmall() throws Exception {
        Run r = run(GOOD_LR / 100, "small");
        assertEquals("lr_too_small", r.verdict.get("verdict"), r.verdict.toString());
        assertTrue(r.hint != null && r.hint.contains("is likely too small; try 3.00000e-05"), String.valueOf(r.hint));
    }

    @Test
    void lrHundredTimesTooLargeIsCalledTooLarge() throws Exception {
        Run r = run(GOOD_LR * 100, "large");
        assertEquals("lr_too_large", r.verdict.get("verdict"), r.verdict.toString());
        assertTrue(r.hint != null && r.hint.contains("is likely too large; try 0.00300000"), String.valueOf(r.hint));
    }

    @Test
    void aGoodLrStaysQuiet() throws Exception {
        Run r = run(GOOD_LR, "good");
        assertEquals("ok", r.verdict.get("verdict"), r.verdict.toString());
        assertNull(r.hint);
        assertEquals(20L, ((Number) r.verdict.get("step")).longValue(), "a fifth of 100 steps");
    }

    record Run(Map<String, Object> verdict, String hint) {}

    private Run run(double lr, String name) throws Exception {
        TrainConfig config = new TrainConfig("tinystories-feelings", Method.SMEZO, 0.8, lr, 1e-3, 0, 1,
                Schedule.CONSTANT, 16, 100, 100, 0, 64, 1000, 32, 32, false, null, null, 0, "loss");
        List<String> messages = new ArrayList<>();
        Path dir = tmp.resolve(name);
        try {
            new Trainer(TestModels.stories260K(), TestModels.shared().resolve("data/superglue"), config, dir, 2, new Collect(messages))
                    .run(false);
        } catch (Trainer.DivergedException e) {
            // a 100x lr may end the run after the check: the verdict was written before
        }
        List<Map<String, Object>> d = MetricsLog.read(dir.resolve(RunFiles.METRICS)).stream()
                .filter(m -> "diagnostic".equals(m.get("type"))).toList();
        assertEquals(1, d.size(), "one verdict per run: " + d);
        String hint = messages.stream().filter(m -> m.startsWith("hint: ")).findFirst().orElse(null);
        System.out.printf("lr %g: %s%n  %s%n", lr, d.getFirst(), hint);
        return new Run(d.getFirst(), hint);
    }

    static final class Collect implements Trainer.Listener {
        final List<String> messages;

        Collect(List<String> messages) {
            this.messages = messages;
        }

        @Override
        public void message(String line) {
            messages.add(line);
        }

        @Override
        public void step(long done, long total, StepResult r, double dev, double test) {}

        @Override
        public void eval(long done, Evaluator.Result dev, Evaluator.Result test, double fraction) {}
    }
}
