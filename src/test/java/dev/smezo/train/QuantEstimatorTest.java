package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.perturb.Fp16;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.QuantScales;
import dev.smezo.perturb.ScaleMode;
import dev.smezo.perturb.Trainables;
import dev.smezo.testing.TestModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The estimator on a quantized model, where the trained parameters are the block scales: the mean
 * of g*z*m over many seeds must point along the masked gradient of the loss with respect to the
 * scales in the estimator's own coordinates (a scale v moves by eps * gain * a(v) * z, a(v) = |v|
 * or 1), which is computed independently by central finite differences of the plain forward, one
 * F16 scale at a time.
 *
 * <p>ggml's quantized matmuls quantize their inputs too (to Q8_0 blocks), so a layer's loss is a
 * step function of an earlier layer's outputs at about 1% of their size: there the derivative only
 * exists at the scale of larger steps. The LM head's scales (its input does not depend on them) are
 * smooth at the default 1% step; K and V of the last layer are measured with 10% steps.
 */
@Tag("native")
class QuantEstimatorTest {
    @TempDir
    static Path dir;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    @ParameterizedTest(name = "{0} {1} {2} {3} gain {5}")
    @CsvSource({
        // type, method, scale mode, tensors, sparsity, gain (relative 10 = a 1% step at eps 1e-3; absolute:
        // the scales here are about 3e-3 (Q8_0) and 3e-2 (Q4_0), so 0.03 and 0.3 are 1%), cosine bound.
        // The head: smooth, the bound of the float estimator test. K, V: the FD gradient itself is noisy
        // (requantized activations downstream); measured 0.57-0.66, a random direction gives ~0.
        "q8_0, smezo, relative, ^output\\.,          0.9, 10,  0.9",
        "q4_0, rmezo, absolute, ^output\\.,          0.9, 0.3, 0.9",
        "q8_0, mezo,  relative, ^blk\\.1\\.attn_[kv]\\., 0.5, 100, 0.45",
        "q4_0, mezo,  absolute, ^blk\\.1\\.attn_[kv]\\., 0.5, 3,   0.45",
        "q8_0, smezo, absolute, ^blk\\.1\\.attn_[kv]\\., 0.5, 0.3, 0.45",
    })
    void meanOfGzmConvergesToTheScalesFiniteDifferenceGradient(String typeName, String methodName, String modeName,
                                                                String tensors, double sparsity, float gain, double bound)
            throws Exception {
        GgmlType type = typeName.equals("q8_0") ? GgmlType.Q8_0 : GgmlType.Q4_0;
        Method method = Method.valueOf(methodName.toUpperCase());
        ScaleMode mode = ScaleMode.valueOf(modeName.toUpperCase());
        Path path = TestModels.synth(dir, "tiny", 2, type, false, 31);
        // About 100 scales masked in, so a few thousand directions resolve the gradient.
        Trainables.Selection sel = new Trainables.Selection(false, Pattern.compile(tensors), null);
        int samples = 3000;
        float eps = 1e-3f;
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights bw = new BackendWeights(m.weights())) {
            Trainables t = Trainables.select(m.weights(), sel, method, sparsity, 77, new Trainables.Scales(mode, gain), 1, arena);
            Random r = new Random(8);
            TokenObjective obj = TokenObjective.nextTokens(new int[][] {r.ints(24, 3, 512).toArray(), r.ints(24, 3, 512).toArray()}, 512);
            int d = (int) t.elements();
            double[] trueGrad = new double[d], estimate;
            boolean[] mask = new boolean[d];
            try (PerturbedModel pm = new PerturbedModel(m.config(), bw, t, backend)) {
                ModelZo zo = new ModelZo(pm);
                zo.objective(obj);
                int k = 0;
                for (Trainables.Trained tr : t.trained()) {
                    QuantScales q = tr.quant();
                    MemorySegment w = m.weights().data(tr.entry());
                    for (long p = 0; p < tr.parameters(); p++, k++) {
                        long at = q.byteOffset(p);
                        short orig = w.get(U16, at);
                        float v = Fp16.f16ToFloat(orig);
                        mask[k] = tr.perturbation().keeps(v, p);
                        // +-5% of the scale (10% for 10% steps), as F16 values; the slope over the F16 values stored,
                        // times the estimator's coordinate a(v) * gain
                        float h = eps * gain * (mode == ScaleMode.RELATIVE ? 1f : 1f / Math.max(Math.abs(v), 1e-6f)) > 0.05f ? 0.1f : 0.05f;
                        float vp = Fp16.f16ToFloat(Fp16.floatToF16(v * (1 + h))), vm = Fp16.f16ToFloat(Fp16.floatToF16(v * (1 - h)));
                        w.set(U16, at, Fp16.floatToF16(vp));
                        double lp = zo.loss(0, 0f);
                        w.set(U16, at, Fp16.floatToF16(vm));
                        double lm = zo.loss(0, 0f);
                        w.set(U16, at, orig);
                        double a = (mode == ScaleMode.RELATIVE ? Math.abs(v) : 1.0) * gain;
                        trueGrad[k] = (lp - lm) / ((double) vp - vm) * a;
                    }
                }
                estimate = EstimatorOnModelTest.meanGzm(zo, t, mask, samples, eps, arena);
            }
            double cos = EstimatorOnModelTest.maskedCosine(trueGrad, estimate, mask);
            int kept = 0;
            for (boolean k : mask) if (k) kept++;
            System.out.printf("%s %s %s: %d of %d scales masked in, %d samples, cosine %.4f%n", type, method, mode, kept, d,
                    samples, cos);
            assertTrue(cos > bound, type + " " + method + " " + mode + ": cosine(mean g*z*m, masked FD gradient) = " + cos);
            if (method != Method.MEZO) {
                assertTrue(kept < d * (1.2 * (1 - sparsity)) && kept > d * (0.8 * (1 - sparsity)), "mask keeps " + kept + " of " + d);
            }
        }
    }
}
