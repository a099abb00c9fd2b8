package dev.smezo.train;

import dev.smezo.perturb.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The learning rate a run starts from when none is given, by method and model size: a straight line
 * in log-log between two points, the best lr of benchmarks/convergence.sh's grid on stories260K
 * (292,800 parameters, tinystories-feelings, 1,000-step runs, batch 16; benchmarks/results/convergence.md)
 * and MeZO's lr for LLaMA-7B (1e-6 in its 20,000-step protocol, PROTOCOL.md; LLaMA-7B diverges at
 * 2e-6), the methods' ratio measured at the small end assumed at the large end. Two points are all
 * the data there is: `smezo sweep` measures the lr for a model instead.
 */
public final class LrDefaults {
    static final double SMALL_PARAMS = 292_800, LARGE_PARAMS = 6.74e9;
    /** MeZO's lr at LLaMA-7B (PROTOCOL.md). */
    static final double MEZO_LARGE = 1e-6;

    private LrDefaults() {}

    /**
     * The best lr of the seed-0 grid on stories260K, by method at the default sparsity 0.8
     * (benchmarks/results/convergence.md, tinystories-feelings: MeZO 3e-5 of 1e-5..1e-3; S-MeZO, with
     * fixed and with refreshed thresholds, R-MeZO and the large-weights control 3e-4 of 3e-5..1e-3).
     */
    static double small(Method m) {
        return switch (m) {
            case MEZO -> 3e-5;
            case SMEZO, RMEZO, SMEZO_LARGE -> 3e-4;
        };
    }

    /** The default lr of {@code m} for a model of {@code parameters} weights (clamped to the two measured ends). */
    public static double forModel(Method m, long parameters) {
        double large = MEZO_LARGE * small(m) / small(Method.MEZO);
        double t = (Math.log(Math.max(SMALL_PARAMS, Math.min(LARGE_PARAMS, parameters))) - Math.log(SMALL_PARAMS))
                / (Math.log(LARGE_PARAMS) - Math.log(SMALL_PARAMS));
        return roundToSeries(Math.exp(Math.log(small(m)) + t * (Math.log(large) - Math.log(small(m)))));
    }

    /** The nearest value of the 1-3 series (..., 1e-4, 3e-4, 1e-3, ...), in log distance. */
    public static double roundToSeries(double v) {
        return seriesValue(nearestIndex(v));
    }

    /** Index k of the 1-3 series: value(2d) = 10^d, value(2d + 1) = 3 * 10^d. */
    static int nearestIndex(double v) {
        double best = Double.MAX_VALUE;
        int bestK = 0;
        int k0 = (int) Math.floor(2 * Math.log10(v)) - 2;
        for (int k = k0; k <= k0 + 4; k++) {
            double d = Math.abs(Math.log(seriesValue(k)) - Math.log(v));
            if (d < best) {
                best = d;
                bestK = k;
            }
        }
        return bestK;
    }

    static double seriesValue(int k) {
        int d = Math.floorDiv(k, 2);
        return Double.parseDouble((Math.floorMod(k, 2) == 1 ? "3e" : "1e") + d);
    }

    /** {@code n} consecutive values of the 1-3 series centred on {@code centre} (n odd: centre in the middle). */
    public static List<Double> grid(double centre, int n) {
        int k = nearestIndex(centre) - (n - 1) / 2;
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(seriesValue(k + i));
        return out;
    }
}
