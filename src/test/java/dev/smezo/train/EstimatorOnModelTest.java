package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;

import dev.smezo.perturb.Method;
import dev.smezo.perturb.NativeKernels;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.testing.TestModels;
import dev.smezo.zo.Estimator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The estimator on a real (tiny, synthetic) model: the mean of g*z*m over many seeds must point
 * along the masked true gradient, which is computed independently by central finite differences
 * of the loss (in double, from the plain forward) one element at a time.
 */
@Tag("native")
class EstimatorOnModelTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(Method.class)
    void meanOfGzmConvergesToMaskedFiniteDifferenceGradient(Method method) throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 31);
        // Train two norm vectors (128 elements), so a few thousand directions resolve the gradient.
        Trainables.Selection sel = new Trainables.Selection(true, Pattern.compile("^(blk\\.1\\.ffn_norm|output_norm)"), null);
        int samples = 3000;
        float eps = 1e-3f;
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights bw = new BackendWeights(m.weights())) {
            Trainables t = Trainables.select(m.weights(), sel, method, 0.5, 77, 1, arena);
            assertEquals(2, t.trained().size());
            Random r = new Random(8);
            TokenObjective obj = TokenObjective.nextTokens(new int[][] {r.ints(24, 3, 512).toArray(), r.ints(24, 3, 512).toArray()}, 512);
            int d = (int) t.elements();
            double[] trueGrad = new double[d], estimate;
            boolean[] mask = new boolean[d];
            try (PerturbedModel pm = new PerturbedModel(m.config(), bw, t, backend)) {
                ModelZo zo = new ModelZo(pm);
                zo.objective(obj);
                // Finite differences on the stored weights (h = 1e-2: the loss is smooth in norm weights).
                int k = 0;
                for (Trainables.Trained tr : t.trained()) {
                    MemorySegment w = m.weights().data(tr.entry());
                    for (long i = 0; i < tr.entry().elements(); i++, k++) {
                        float orig = w.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                        mask[k] = tr.perturbation().keeps(orig, i);
                        float h = 1e-2f;
                        w.setAtIndex(ValueLayout.JAVA_FLOAT, i, orig + h);
                        double lp = zo.loss(0, 0f);
                        w.setAtIndex(ValueLayout.JAVA_FLOAT, i, orig - h);
                        double lm = zo.loss(0, 0f);
                        w.setAtIndex(ValueLayout.JAVA_FLOAT, i, orig);
                        trueGrad[k] = (lp - lm) / (2.0 * h);
                    }
                }
                estimate = meanGzm(zo, t, mask, samples, eps, arena);
            }
            double cos = maskedCosine(trueGrad, estimate, mask);
            int kept = 0;
            for (boolean k : mask) if (k) kept++;
            System.out.printf("%s: %d of %d elements masked in, %d samples, cosine %.4f%n", method, kept, d, samples, cos);
            assertTrue(cos > 0.9, method + ": cosine(mean g*z*m, masked FD gradient) = " + cos);
            if (method != Method.MEZO) assertTrue(kept < d * 0.7 && kept > d * 0.3, "mask keeps " + kept + " of " + d);
        }
    }


    /** cos(masked true gradient, estimate); fails when the masked gradient vanishes. */
    static double maskedCosine(double[] trueGrad, double[] estimate, boolean[] mask) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < trueGrad.length; i++) {
            double masked = mask[i] ? trueGrad[i] : 0;
            dot += masked * estimate[i];
            na += masked * masked;
            nb += estimate[i] * estimate[i];
        }
        assertTrue(na > 0, "the gradient must not vanish");
        return dot / Math.sqrt(na * nb);
    }

    /** The estimator: the mean of g*z*m over {@code samples} seeds, z of every trained parameter from the native noise. */
    static double[] meanGzm(ModelZo zo, Trainables t, boolean[] mask, int samples, float eps, Arena arena) {
        int d = (int) t.elements();
        double[] estimate = new double[d];
        float[] z = new float[d];
        MemorySegment zs = arena.allocate(4L * 4096);
        for (int s = 0; s < samples; s++) {
            long seed = Estimator.seed(123, s, 0);
            double g = (zo.loss(seed, eps) - zo.loss(seed, -eps)) / (2.0 * eps);
            int off = 0;
            for (Trainables.Trained tr : t.trained()) {
                int n = (int) tr.parameters();
                NativeKernels.noise(seed, tr.entry().id(), 0, n, zs);
                for (int i = 0; i < n; i++) z[off + i] = zs.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                off += n;
            }
            for (int i = 0; i < d; i++) if (mask[i]) estimate[i] += g * z[i] / samples;
        }
        return estimate;
    }
}
