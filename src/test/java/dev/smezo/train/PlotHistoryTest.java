package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A long run's plot history stays bounded and still spans the run (the soak benchmark's 100,000 steps). */
class PlotHistoryTest {
    @Test
    void aHundredThousandStepsKeepABoundedHistorySpanningTheRun() {
        List<Map<String, Object>> history = new ArrayList<>();
        int max = 0;
        for (long step = 10; step <= 100_000; step += 10) {
            Map<String, Object> train = new LinkedHashMap<>(Map.of("type", "train", "step", step, "loss", 1.0 / step,
                    "steps_per_s", 7.0, "rss_bytes", 1L << 27));
            Plot.remember(history, train);
            if (step % 1000 == 0) {
                Plot.remember(history, new LinkedHashMap<>(Map.of("type", "eval", "step", step, "dev_loss", 0.5,
                        "dev_accuracy", 0.75, "trained_fraction_per_tensor", Map.of("a", 0.2))));
            }
            max = Math.max(max, history.size());
        }
        assertTrue(max < 2 * Plot.MAX_POINTS, "history reached " + max);
        List<Map<String, Object>> train = history.stream().filter(m -> m.get("type").equals("train")).toList();
        List<Map<String, Object>> eval = history.stream().filter(m -> m.get("type").equals("eval")).toList();
        assertTrue(train.size() >= Plot.MAX_POINTS / 2, "too few training points: " + train.size());
        assertEquals(100, eval.size(), "100 evaluations are fewer than the bound: all kept");
        assertEquals(100_000L, train.getLast().get("step"), "the last step is kept");
        assertEquals(10L, train.getFirst().get("step"), "the first step is kept");
        long widest = 0;
        for (int i = 1; i < train.size(); i++) widest = Math.max(widest, (Long) train.get(i).get("step") - (Long) train.get(i - 1).get("step"));
        assertTrue(widest <= 4 * 100_000 / train.size(), "evenly spread: a gap of " + widest + " steps");
        for (int i = 1; i < train.size(); i++) {
            assertTrue((Long) train.get(i).get("step") > (Long) train.get(i - 1).get("step"), "steps in order");
        }
        assertFalse(eval.getFirst().containsKey("trained_fraction_per_tensor"), "only plotted keys are held");
        assertEquals(0.75, eval.getFirst().get("dev_accuracy"));
    }
}
