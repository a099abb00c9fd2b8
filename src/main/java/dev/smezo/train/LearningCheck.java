package dev.smezo.train;

import dev.smezo.zo.StepResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * "Is this run learning?", asked once, after a fifth of the steps, from what the steps measured
 * (MeZO's users most often lose runs to an lr off by orders of magnitude: princeton-nlp/MeZO #7, #24).
 *
 * <p>The signal: a step's update W -= lr/q g_j z_j m lowers the loss, to first order, by lr/q g_j^2
 * (g_j estimates the directional derivative along z_j m), so the sum of lr/q g_j^2 over the steps is
 * the decrease the updates imply. Where it is a tiny part of the loss, the lr is too small to move
 * it; where the loss rose instead (or steps were skipped as non-finite), the lr is too large. The
 * loss is the steps' own (L+ + L-)/2, averaged over the first and the last twentieth of the steps
 * checked, at least 5 (a window of batches, so one hard batch does not decide). The implied decrease,
 * not the measured change, calls an lr too small: at such an lr the change is the batches' noise.
 */
final class LearningCheck {
    /** Under this implied decrease, relative to the starting loss, the lr is called too small. */
    static final double TOO_SMALL = 0.02;
    /** Over this rise of the loss (relative) or implied decrease per step, or any skipped step, the lr is called too large. */
    static final double TOO_LARGE = 0.05;

    /** The step after which the check runs: a fifth of the run, at least 20 steps. */
    private final long at;
    private final int window;
    private final double[] first, last;   // the windows' losses (last: a ring)
    private int nFirst, nLast, skipped;
    private double implied;
    private boolean done;

    /** The steps done when the verdict comes (its metrics record's "step"). */
    long at() {
        return at;
    }

    LearningCheck(long steps) {
        this.at = Math.max(20, steps / 5);
        this.window = (int) Math.min(at / 2, Math.max(5, at / 20));
        this.first = new double[window];
        this.last = new double[window];
    }

    /**
     * Hears step {@code r} (in order, replayed ones too); returns the verdict once, after the step
     * that completes the checked fifth, else null. Runs shorter than that are never judged.
     */
    Map<String, Object> step(StepResult r) {
        if (done || r.step() >= at) return null;
        if (r.skipped()) {
            skipped++;
        } else {
            double loss = r.loss();
            if (nFirst < window) first[nFirst++] = loss;
            last[nLast++ % window] = loss;
            for (StepResult.Direction d : r.directions()) implied += r.lr() / r.directions().size() * d.g() * d.g();
        }
        if (r.step() != at - 1) return null;
        done = true;
        return verdict();
    }

    private Map<String, Object> verdict() {
        double start = mean(first, nFirst), end = mean(last, Math.min(nLast, window));
        double change = (end - start) / Math.abs(start), impliedRel = implied / Math.abs(start);
        // an update whose first-order decrease is over TOO_LARGE of the loss per step is past where the
        // linear picture holds (measured: 100x the good lr implies 12% per step, the good lr 2.2%)
        double perStep = impliedRel / Math.max(1, at - skipped);
        String v = skipped > 0 || change > TOO_LARGE || perStep > TOO_LARGE ? "lr_too_large"
                : impliedRel < TOO_SMALL ? "lr_too_small" : "ok";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "diagnostic");
        m.put("step", at);
        m.put("verdict", v);
        m.put("loss_start", start);
        m.put("loss_now", end);
        m.put("loss_change", change);
        m.put("implied_decrease", impliedRel);
        m.put("skipped_steps", skipped);
        return m;
    }

    /** The plain hint for a verdict other than ok, or null. */
    static String hint(Map<String, Object> d, double lr) {
        String v = (String) d.get("verdict");
        if (v.equals("ok")) return null;
        String losses = String.format(Locale.ROOT, "the loss went from %.4f to %.4f over the first %s steps", d.get("loss_start"),
                d.get("loss_now"), d.get("step"));
        if (v.equals("lr_too_large")) {
            return String.format(Locale.ROOT, "hint: %s%s: --lr %g is likely too large; try %g (or `smezo sweep`)", losses,
                    ((Number) d.get("skipped_steps")).longValue() > 0 ? " with " + d.get("skipped_steps") + " non-finite steps" : "",
                    lr, lr / 10);
        }
        return String.format(Locale.ROOT, "hint: %s; the updates imply a decrease of %.2f%% of it: --lr %g is likely too small; "
                + "try %g (or `smezo sweep`)", losses, 100 * ((Number) d.get("implied_decrease")).doubleValue(), lr, lr * 10);
    }

    private static double mean(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[i];
        return n == 0 ? Double.NaN : s / n;
    }
}
