package dev.smezo.perturb;

import dev.smezo.model.TensorNames;
import dev.smezo.model.Weights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tensors a run trains and how each is perturbed: its noise id (the tensor's index in the
 * file, so ids do not depend on the selection) and its mask, held in native memory as the ops'
 * userdata. S-MeZO thresholds are computed once here, from the weights before training, as the
 * paper does; {@link #refreshThresholds} recomputes them on request.
 */
public final class Trainables {
    /**
     * Which tensors train: every matrix by default, the vectors (norm weights and biases) on request,
     * and name filters. Constants (RoPE factors) never train.
     */
    public record Selection(boolean norms, Pattern include, Pattern exclude) {
        public static final Selection MATRICES = new Selection(false, null, null);

        public boolean accepts(Weights.Entry e) {
            if (TensorNames.isConstant(e.name())) return false;
            if (e.dims() == 1 && !norms) return false;
            if (include != null && !include.matcher(e.name()).find()) return false;
            return exclude == null || !exclude.matcher(e.name()).find();
        }
    }

    /** One trained tensor: the weights entry, its element type and its perturbation (native cfg). */
    public record Trained(Weights.Entry entry, WeightType type, MemorySegment cfg) {
        public TensorPerturbation perturbation() {
            return TensorPerturbation.readFrom(cfg);
        }
    }

    private final Method method;
    private final double sparsity;
    private final List<Trained> trained;
    private final List<String> frozenQuantized;

    private Trainables(Method method, double sparsity, List<Trained> trained, List<String> frozenQuantized) {
        this.method = method;
        this.sparsity = sparsity;
        this.trained = Collections.unmodifiableList(trained);
        this.frozenQuantized = Collections.unmodifiableList(frozenQuantized);
    }

    /**
     * @param sparsity fraction left out: 0.8 trains the 20% smallest |w| (S-MeZO) or a random 20%
     *                 (R-MeZO); ignored by MeZO
     * @param maskSeed R-MeZO's keep-mask seed
     */
    public static Trainables select(Weights w, Selection sel, Method method, double sparsity, long maskSeed,
                                    int threads, Arena arena) {
        if (!(sparsity >= 0 && sparsity < 1)) throw new IllegalArgumentException("sparsity " + sparsity + " outside [0, 1)");
        List<Trained> out = new ArrayList<>();
        List<String> frozen = new ArrayList<>();
        for (Weights.Entry e : w.entries()) {
            if (!sel.accepts(e)) continue;
            if (!e.type().isFloat()) {
                frozen.add(e.name());
                continue;
            }
            WeightType type = WeightType.ofGgml(e.type().id());
            TensorPerturbation p = switch (method) {
                case MEZO -> TensorPerturbation.dense(e.id());
                case RMEZO -> TensorPerturbation.random(e.id(), (float) (1 - sparsity), maskSeed);
                case SMEZO -> Thresholds.magnitude(e.id(), w.data(e), type, e.elements(), sparsity, threads);
            };
            out.add(new Trained(e, type, p.allocate(arena)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no tensor selected for training (matrices must be F32, F16 or BF16;"
                    + (frozen.isEmpty() ? "" : " quantized and frozen: " + frozen.size() + " tensors;")
                    + " check --train-norms / --only / --exclude)");
        }
        return new Trainables(method, sparsity, out, frozen);
    }

    public Method method() {
        return method;
    }

    public double sparsity() {
        return sparsity;
    }

    public List<Trained> trained() {
        return trained;
    }

    /** Selected tensors left frozen because they are quantized. */
    public List<String> frozenQuantized() {
        return frozenQuantized;
    }

    public Optional<Trained> find(String name) {
        for (Trained t : trained) if (t.entry().name().equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    public long elements() {
        long n = 0;
        for (Trained t : trained) n += t.entry().elements();
        return n;
    }

    /**
     * S-MeZO: recomputes each threshold from the current weights so the trained fraction is
     * 1 - sparsity again (the noise pushes small weights past a fixed threshold, and the realized
     * fraction drifts down). The ops read the thresholds from native memory, so the graphs need
     * no rebuild. No effect for MeZO and R-MeZO.
     */
    public void refreshThresholds(Weights w, int threads) {
        if (method != Method.SMEZO) return;
        for (Trained t : trained) {
            float h = Thresholds.forSparsity(w.data(t.entry()), t.type(), t.entry().elements(), sparsity, threads);
            TensorPerturbation.magnitude(t.entry().id(), h).writeTo(t.cfg());
        }
    }

    /** Per trained tensor, the fraction of its elements the mask currently selects. */
    public double[] realizedFractions(Weights w) {
        double[] f = new double[trained.size()];
        for (int i = 0; i < f.length; i++) {
            Trained t = trained.get(i);
            long n = t.entry().elements();
            f[i] = (double) NativeKernels.countMask(w.data(t.entry()), t.type(), n, t.cfg()) / n;
        }
        return f;
    }

    /** The element-weighted overall fraction. */
    public double realizedFraction(Weights w) {
        return overallFraction(realizedFractions(w));
    }

    /** The element-weighted overall fraction of per-tensor fractions from {@link #realizedFractions}. */
    public double overallFraction(double[] f) {
        double kept = 0, total = 0;
        for (int i = 0; i < f.length; i++) {
            long n = trained.get(i).entry().elements();
            kept += f[i] * n;
            total += n;
        }
        return kept / total;
    }
}
