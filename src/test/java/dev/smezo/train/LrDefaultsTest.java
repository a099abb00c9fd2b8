package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.perturb.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default learning rates, pinned: the measured best on stories260K (benchmarks/results/convergence.md)
 * at the small end, MeZO's 1e-6 for LLaMA-7B at the large end (PROTOCOL.md), log-log in between.
 */
class LrDefaultsTest {
    @Test
    void measuredEndsAndTheLineBetween() {
        assertEquals(3e-5, LrDefaults.forModel(Method.MEZO, 292_800));
        assertEquals(3e-4, LrDefaults.forModel(Method.SMEZO, 292_800));
        assertEquals(3e-4, LrDefaults.forModel(Method.RMEZO, 292_800));
        assertEquals(1e-6, LrDefaults.forModel(Method.MEZO, 6_738_415_616L));
        assertEquals(1e-5, LrDefaults.forModel(Method.SMEZO, 6_738_415_616L), "S-MeZO's measured 10x over MeZO, at 7B too");
        assertEquals(1e-6, LrDefaults.forModel(Method.MEZO, 30_000_000_000L), "clamped beyond the measured end");
        double mid = LrDefaults.forModel(Method.MEZO, 494_000_000L);   // Qwen2.5-0.5B: between the ends, on the series
        assertTrue(mid < 1e-4 && mid > 1e-6, "" + mid);
        assertEquals(mid, LrDefaults.roundToSeries(mid));
    }

    @Test
    void theOneThreeSeries() {
        assertEquals(List.of(3e-5, 1e-4, 3e-4, 1e-3, 3e-3), LrDefaults.grid(3e-4, 5));
        assertEquals(List.of(1e-6, 3e-6, 1e-5), LrDefaults.grid(3e-6, 3));
        assertEquals(3e-4, LrDefaults.roundToSeries(2.2e-4));
        assertEquals(1e-4, LrDefaults.roundToSeries(1.6e-4));
        assertEquals(1e-3, LrDefaults.roundToSeries(1e-3));
    }
}
