package dev.smezo.bench;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.LlamaModel;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.train.ModelZo;
import dev.smezo.train.Objective;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.ZoConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One zeroth-order step (two perturbed forwards and the in-place update) beside two plain forwards
 * of the same batch, on the same backend: the overhead of perturbing inside the graph.
 */
public final class StepBench {
    public record Result(int sequences, int length, int outputs, int threads, Method method, double sparsity,
                         double forwardSeconds, double stepSeconds, long plainComputeBytes, long stepComputeBytes,
                         long trainedElements) {
        /** Step time over the time of two plain forwards (1.0 = the perturbation is free). */
        public double ratio() {
            return stepSeconds / (2 * forwardSeconds);
        }
    }

    private StepBench() {}

    /** Batch of {@code sequences} x {@code length} random tokens, logits at the last position of each. */
    public static Result run(LlamaModel model, Method method, double sparsity, int sequences, int length, int threads,
                             int runs) {
        int[][] seqs = ForwardBench.tokens(model.config().nVocab(), sequences, length);
        int[] os = new int[sequences], op = new int[sequences];
        for (int s = 0; s < sequences; s++) {
            os[s] = s;
            op[s] = length - 1;
        }
        Batch batch = new Batch(seqs, os, op);
        ForwardShape shape = batch.shape();
        Objective objective = new Objective() {
            @Override
            public Batch batch() {
                return batch;
            }

            @Override
            public ForwardShape shape() {
                return shape;
            }

            @Override
            public double loss(MemorySegment logits) {
                return logits.get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0);
            }
        };
        try (Arena arena = Arena.ofShared();
             CpuBackend backend = new CpuBackend(threads);
             BackendWeights w = new BackendWeights(model.weights())) {
            double fwd;
            long plainBytes;
            try (Forward f = new Forward(model.config(), w.plain(), backend, shape)) {
                fwd = Timer.median(1, runs, () -> f.run(batch));
                plainBytes = f.computeBytes();
            }
            Trainables t = Trainables.select(model.weights(), Trainables.Selection.MATRICES, method, sparsity, 1, threads, arena);
            try (PerturbedModel pm = new PerturbedModel(model.config(), w, t, backend)) {
                ModelZo zo = new ModelZo(pm);
                zo.objective(objective);
                // lr 0 would skip the update: a tiny lr keeps its cost in the timing.
                Estimator est = new Estimator(zo, ZoConfig.of(1e-12, 1));
                long[] step = {0};
                double stepSeconds = Timer.median(1, runs, () -> est.step(step[0]++));
                return new Result(sequences, length, sequences, threads, method, sparsity, fwd, stepSeconds, plainBytes,
                        pm.computeBytes(), t.elements());
            }
        }
    }
}
