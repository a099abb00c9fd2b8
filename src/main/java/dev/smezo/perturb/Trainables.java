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

    /**
     * How quantized tensors' scales are perturbed and updated: RELATIVE with gain 10 moves a scale
     * by eps * 10 * |v| * z (1% at eps 1e-3: about 10 F16 ulps, so a perturbation survives rounding).
     */
    public record Scales(ScaleMode mode, float gain) {
        public static final Scales DEFAULT = new Scales(ScaleMode.RELATIVE, 10f);

        public Scales {
            if (mode == null) throw new IllegalArgumentException("scale mode is null");
            if (!(gain > 0f) || Float.isInfinite(gain)) throw new IllegalArgumentException("--scale-gain must be finite and > 0: " + gain);
        }
    }

    /**
     * One trained tensor: the weights entry, its element type (float tensors) or the layout of its
     * scales (quantized tensors: exactly one of the two is set), and its perturbation (native cfg).
     */
    public record Trained(Weights.Entry entry, WeightType type, QuantScales quant, MemorySegment cfg) {
        public TensorPerturbation perturbation() {
            return TensorPerturbation.readFrom(cfg);
        }

        public boolean quantized() {
            return quant != null;
        }

        /** Trained parameters: the weights of a float tensor, the scales of a quantized one. */
        public long parameters() {
            return quant == null ? entry.elements() : quant.parameters(entry.elements());
        }
    }

    private final Method method;
    private final double sparsity;
    private final List<Trained> trained;

    private Trainables(Method method, double sparsity, List<Trained> trained) {
        this.method = method;
        this.sparsity = sparsity;
        this.trained = Collections.unmodifiableList(trained);
    }

    /** {@link #select(Weights, Selection, Method, double, long, Scales, int, Arena)} with the default scale settings. */
    public static Trainables select(Weights w, Selection sel, Method method, double sparsity, long maskSeed,
                                    int threads, Arena arena) {
        return select(w, sel, method, sparsity, maskSeed, Scales.DEFAULT, threads, arena);
    }

    /**
     * @param sparsity fraction left out: 0.8 trains the 20% smallest |w| (S-MeZO) or a random 20%
     *                 (R-MeZO); ignored by MeZO. For quantized tensors, over their scales.
     * @param maskSeed R-MeZO's keep-mask seed
     * @throws IllegalArgumentException for a selected tensor of a quantized type whose scales are not
     *     trained (IQ*, TQ*, MXFP4...), naming it, or when nothing is selected
     */
    public static Trainables select(Weights w, Selection sel, Method method, double sparsity, long maskSeed,
                                    Scales scales, int threads, Arena arena) {
        if (!(sparsity >= 0 && sparsity < 1)) throw new IllegalArgumentException("sparsity " + sparsity + " outside [0, 1)");
        List<Trained> out = new ArrayList<>();
        for (Weights.Entry e : w.entries()) {
            if (!sel.accepts(e)) continue;
            WeightType type = WeightType.ofGgml(e.type().id());
            QuantScales quant = type == null ? QuantScales.of(e.type()) : null;
            if (type == null && quant == null) {
                throw new IllegalArgumentException("tensor " + e.name() + " is " + e.type().ggmlName()
                        + ", a type whose scales smezo does not train (it trains f32, f16, bf16 and "
                        + String.join(", ", java.util.Arrays.stream(QuantScales.values()).map(q -> q.type.ggmlName()).toList())
                        + "); leave it out with --exclude, or requantize the file");
            }
            TensorPerturbation p = switch (method) {
                case MEZO -> TensorPerturbation.dense(e.id());
                case RMEZO -> TensorPerturbation.random(e.id(), (float) (1 - sparsity), maskSeed);
                case SMEZO -> TensorPerturbation.magnitude(e.id(), threshold(w, e, type, quant, sparsity, false, threads));
                case SMEZO_LARGE -> TensorPerturbation.large(e.id(), threshold(w, e, type, quant, sparsity, true, threads));
            };
            if (quant != null) p = p.withScale(scales.mode(), scales.gain());
            out.add(new Trained(e, type, quant, p.allocate(arena)));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no tensor selected for training (check --train-norms / --only / --exclude)");
        return new Trainables(method, sparsity, out);
    }

    /**
     * Every quantized tensor's scales are finite (a NaN or infinite scale makes every forward NaN):
     * checked once when a run or a replay opens its base, before any planning or step.
     *
     * @throws IllegalArgumentException naming the tensor, the block and the scale
     */
    public static void requireFiniteScales(Weights w) {
        for (Weights.Entry e : w.entries()) {
            QuantScales q = QuantScales.of(e.type());
            if (q == null) continue;
            long p = NativeKernels.firstNonFiniteScale(w.data(e), q, q.blocks(e.elements()));
            if (p < 0) continue;
            float v = Fp16.f16ToFloat(w.data(e).get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, q.byteOffset(p)));
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "tensor %s (%s): block %,d has scale %s = %s (byte %,d of the tensor's data); the file is damaged",
                    e.name(), q.type.ggmlName(), p / q.scalesPerBlock(), q.names.split(", ")[(int) (p % q.scalesPerBlock())],
                    v, q.byteOffset(p)));
        }
    }

    /**
     * The magnitude threshold over a tensor's trained parameters (its weights, or its scales, gathered):
     * S-MeZO's, below which the smallest (1 - sparsity) lie, or the large-weights control's, at and
     * above which the largest do.
     */
    private static float threshold(Weights w, Weights.Entry e, WeightType type, QuantScales quant, double sparsity,
                                   boolean largest, int threads) {
        if (quant == null) {
            return largest ? Thresholds.forLargest(w.data(e), type, e.elements(), sparsity, threads)
                    : Thresholds.forSparsity(w.data(e), type, e.elements(), sparsity, threads);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = gather(w, e, quant, a);
            long n = quant.parameters(e.elements());
            return largest ? Thresholds.forLargest(s, WeightType.F16, n, sparsity, threads)
                    : Thresholds.forSparsity(s, WeightType.F16, n, sparsity, threads);
        }
    }

    /** A quantized tensor's scales as an F16 array (parameter order). */
    private static MemorySegment gather(Weights w, Weights.Entry e, QuantScales quant, Arena a) {
        long n = quant.parameters(e.elements());
        MemorySegment s = a.allocate(Math.max(2, 2 * n), 8);
        NativeKernels.gatherScales(w.data(e), quant, quant.blocks(e.elements()), s);
        return s;
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

    public Optional<Trained> find(String name) {
        for (Trained t : trained) if (t.entry().name().equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    /** Trained parameters: weights of float tensors plus scales of quantized ones. */
    public long elements() {
        long n = 0;
        for (Trained t : trained) n += t.parameters();
        return n;
    }

    /**
     * What trains, by kind: "q4_K (d, dmin): 7 tensors, 1,792 scales of 229,376 weights; f32: 2 tensors,
     * 128 weights", float kinds after quantized ones, each in file order of first appearance.
     */
    public String summary() {
        return summary(trained.stream().map(Trained::entry).toList());
    }

    /**
     * {@link #summary()} of any tensors: quantized ones by the scales they would train, float ones by
     * their weights, and types whose scales smezo does not train as "(not trained)".
     */
    public static String summary(List<Weights.Entry> entries) {
        java.util.Map<String, long[]> kinds = new java.util.LinkedHashMap<>();
        for (int pass = 0; pass < 3; pass++) {   // trainable quantized, float, then the rest
            for (Weights.Entry e : entries) {
                QuantScales q = QuantScales.of(e.type());
                int kind = q != null ? 0 : WeightType.ofGgml(e.type().id()) != null ? 1 : 2;
                if (kind != pass) continue;
                String k = switch (kind) {
                    case 0 -> e.type().ggmlName() + " (" + q.names + ")";
                    case 1 -> e.type().ggmlName();
                    default -> e.type().ggmlName() + " (not trained)";
                };
                long[] n = kinds.computeIfAbsent(k, x -> new long[3]);
                n[0]++;
                n[1] += q != null ? q.parameters(e.elements()) : e.elements();
                n[2] += e.elements();
            }
        }
        List<String> parts = new ArrayList<>();
        kinds.forEach((k, n) -> parts.add(n[1] == n[2]
                ? String.format("%s: %d tensor%s, %,d weights", k, n[0], n[0] == 1 ? "" : "s", n[1])
                : String.format("%s: %d tensor%s, %,d scales of %,d weights", k, n[0], n[0] == 1 ? "" : "s", n[1], n[2])));
        return String.join("; ", parts);
    }

    /** Whether any trained tensor is quantized. */
    public boolean anyQuantized() {
        for (Trained t : trained) if (t.quantized()) return true;
        return false;
    }

    /**
     * S-MeZO: recomputes each threshold from the current weights so the trained fraction is
     * 1 - sparsity again (the noise pushes small weights past a fixed threshold, and the realized
     * fraction drifts down). The ops read the thresholds from native memory, so the graphs need
     * no rebuild. The large-weights control likewise keeps its largest fraction. No effect for MeZO and R-MeZO.
     */
    public void refreshThresholds(Weights w, int threads) {
        if (!method.mask.byMagnitude()) return;
        for (Trained t : trained) {
            float h = threshold(w, t.entry(), t.type(), t.quant(), sparsity, method == Method.SMEZO_LARGE, threads);
            t.perturbation().withThreshold(h).writeTo(t.cfg());
        }
    }

    /** Per trained tensor, the fraction of its elements the mask currently selects. */
    public double[] realizedFractions(Weights w) {
        double[] f = new double[trained.size()];
        for (int i = 0; i < f.length; i++) {
            Trained t = trained.get(i);
            long n = t.parameters();
            if (t.quant() == null) {
                f[i] = (double) NativeKernels.countMask(w.data(t.entry()), t.type(), n, t.cfg()) / n;
            } else {
                try (Arena a = Arena.ofConfined()) {
                    f[i] = (double) NativeKernels.countMask(gather(w, t.entry(), t.quant(), a), WeightType.F16, n, t.cfg()) / n;
                }
            }
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
            long n = trained.get(i).parameters();
            kept += f[i] * n;
            total += n;
        }
        return kept / total;
    }
}
