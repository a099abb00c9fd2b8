package dev.smezo.zo;

import dev.smezo.parallel.Group;
import java.util.ArrayList;
import java.util.List;

/**
 * The MeZO / S-MeZO step (SPSA with seeded noise): for each of the q directions j, with seed s_j,
 * <pre>
 *   L+ = loss(s_j, +eps),  L- = loss(s_j, -eps),  g_j = (L+ - L-) / (2 eps)
 * </pre>
 * then, when every loss and g is finite, the updates W &lt;- W - lr/q * g_j * z(s_j) * m, one per direction,
 * in order; the decay lr * weightDecay * W is applied once per step, with the first direction's update
 * (so it acts on the step's starting W, as in W &lt;- W - lr * (mean_j g_j z_j m + wd W)). eps is used
 * as the float the model perturbs with, and g divides by that same float; with a clip, g is clipped to
 * [-clip, clip] before use and the clipped g is the one logged. A step with a NaN or
 * infinite loss or g applies nothing and is counted ({@link #skippedSteps}); a step with lr 0 and no
 * decay applies nothing either.
 */
public final class Estimator {
    private final ZoModel model;
    private final ZoConfig config;
    private Group group = Group.single();
    private long skipped;

    public Estimator(ZoModel model, ZoConfig config) {
        if (model == null || config == null) throw new IllegalArgumentException("model and config are needed");
        this.model = model;
        this.config = config;
    }

    /**
     * Spreads each step's directions over a group's ranks (perturbation parallel): direction j's two
     * losses are measured on rank j mod ranks, every rank gets every direction's losses, and every rank
     * applies all the updates, so each ends with the weights and the record one process would have.
     */
    public Estimator withGroup(Group group) {
        this.group = group;
        return this;
    }

    /**
     * The seed of direction j of a step: {@code mix(mix(mix(runSeed) + step) + j)} where mix is
     * splitmix64's output function of a state x: {@code z = x + 0x9E3779B97F4A7C15;
     * z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >>> 27)) * 0x94D049BB133111EB; z ^ (z >>> 31)}.
     */
    public static long seed(long runSeed, long step, int direction) {
        return mix(mix(mix(runSeed) + step) + direction);
    }

    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Runs one step. */
    public StepResult step(long step) {
        float eps = (float) config.eps();
        int q = config.directions();
        double lr = config.lr(step);
        List<StepResult.Direction> dirs = new ArrayList<>(q);
        double[] losses = group.size() > 1 ? parallelLosses(step, eps, q) : null;
        for (int j = 0; j < q; j++) {
            long s = seed(config.runSeed(), step, j);
            double plus = losses != null ? losses[2 * j] : model.loss(s, eps);
            double minus = losses != null ? losses[2 * j + 1] : model.loss(s, -eps);
            double g = config.clip((plus - minus) / (2.0 * eps));   // the g applied (and logged)
            dirs.add(new StepResult.Direction(s, g, plus, minus));
            if (!Double.isFinite(plus) || !Double.isFinite(minus) || !Double.isFinite(g)) {
                skipped++;
                return new StepResult(step, dirs, lr, true);
            }
        }
        StepResult r = new StepResult(step, dirs, lr, false);
        apply(model, config, r);
        return r;
    }

    /**
     * (L+, L-) of every direction of a step, in direction order: this rank measures its own (j mod
     * ranks = rank), then all are gathered. A direction after a non-finite one is measured too, but the
     * step's record stops at the first, as one process's does.
     */
    private double[] parallelLosses(long step, float eps, int q) {
        int k = group.size(), r = group.rank();
        double[] mine = new double[2 * ((q - r + k - 1) / k)];
        for (int j = r, i = 0; j < q; j += k, i += 2) {
            long s = seed(config.runSeed(), step, j);
            mine[i] = model.loss(s, eps);
            mine[i + 1] = model.loss(s, -eps);
        }
        double[] all = group.allGatherDoubles(mine);   // rank 0's directions, then rank 1's, ...
        int[] first = new int[k];
        for (int p = 1; p < k; p++) first[p] = first[p - 1] + 2 * ((q - (p - 1) + k - 1) / k);
        double[] out = new double[2 * q];
        for (int j = 0; j < q; j++) {
            out[2 * j] = all[first[j % k] + 2 * (j / k)];
            out[2 * j + 1] = all[first[j % k] + 2 * (j / k) + 1];
        }
        return out;
    }

    /**
     * Applies a measured step's updates: direction j moves W by -lr/q * g_j * z(s_j) * m, and the
     * first also decays W by lr * wd. Replay uses this on logged steps to rebuild the weights.
     */
    public static void apply(ZoModel model, ZoConfig config, StepResult r) {
        if (r.skipped()) return;
        int q = r.directions().size();
        for (int j = 0; j < q; j++) {
            StepResult.Direction d = r.directions().get(j);
            float coeff = (float) (-r.lr() * d.g() / q);
            float decay = j == 0 ? (float) (r.lr() * config.weightDecay()) : 0f;
            if (coeff != 0f || decay != 0f) model.update(d.seed(), coeff, decay);
        }
    }

    /** Steps skipped so far for a non-finite loss. */
    public long skippedSteps() {
        return skipped;
    }

    public ZoConfig config() {
        return config;
    }
}
