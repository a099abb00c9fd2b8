package dev.smezo.bench;

import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.Placement;
import dev.smezo.forward.WeightSource;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.train.ModelZo;
import dev.smezo.train.TokenObjective;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.StepResult;
import dev.smezo.zo.ZoConfig;
import java.lang.foreign.Arena;
import java.util.Random;

/**
 * Forwards and zeroth-order training steps on a classification-like objective: B sequences of T
 * seeded random tokens, logits at the last K positions of each sequence, and the mean cross-entropy
 * of a seeded label token at each. The plain forward runs first (the same batch and graph shape as
 * a step's forwards), then the trained tensors are selected (S-MeZO reads every trained weight for
 * its thresholds) and the steps run: two perturbed forwards and the in-place update each.
 */
public final class TrainBench {
    /** What to run. {@code method} null: forwards only. */
    public record Config(int sequences, int length, int scoredPerSequence, int threads, Method method, double sparsity,
                         int warmup, int forwards, int steps) {
        public Config {
            if (sequences < 1 || length < 1 || scoredPerSequence < 1) {
                throw new IllegalArgumentException("batch, seq and scored positions must be >= 1");
            }
            if (warmup < 0 || forwards < 1 || (method != null && steps < 1)) {
                throw new IllegalArgumentException("warmup must be >= 0, forwards and steps >= 1");
            }
        }

        public int scored() {
            return Math.min(scoredPerSequence, length);
        }

        public ForwardShape shape() {
            return new ForwardShape(sequences, length, sequences * scored());
        }
    }

    /**
     * Where it ran, and on a GPU its memory: the weights uploaded, the device memory in use before the
     * upload (the CUDA context) and after the work (ggml-cuda's pools keep what they took: the peak).
     */
    public record DeviceUse(String description, long weightsBytes, long baselineBytes, long usedBytes) {
        public boolean gpu() {
            return weightsBytes > 0;
        }

        /** Device memory the run added to the context, over the weights (1.0: nothing but the weights). */
        public double usedOverWeights() {
            return (double) (usedBytes - baselineBytes) / weightsBytes;
        }
    }

    /**
     * Median seconds of a plain forward and of a step (NaN without a method), the compute buffers of
     * the plain and the training graph, the trained element count and the last step's loss (L+).
     */
    public record Result(Config config, DeviceUse device, double forwardSeconds, double stepSeconds, double setupSeconds,
                         long plainComputeBytes, long stepComputeBytes, long trainedElements, double loss) {
        public int tokens() {
            return config.sequences() * config.length();
        }

        /** Step time over the time of two plain forwards (1.0: the perturbation and the update are free). */
        public double stepOverTwoForwards() {
            return stepSeconds / (2 * forwardSeconds);
        }

        public double forwardTokensPerSecond() {
            return tokens() / forwardSeconds;
        }

        /** Training throughput: batch tokens per step second. */
        public double trainTokensPerSecond() {
            return tokens() / stepSeconds;
        }
    }

    private TrainBench() {}

    /** @param device cpu, cuda or auto (see {@link Placement#open}) */
    public static Result run(Model model, Config c, String device) {
        TokenObjective objective = scoredObjective(model.config().nVocab(), c);
        Batch batch = objective.batch();
        try (Arena arena = Arena.ofShared();
             Placement place = Placement.open(device, model.weights(), c.threads())) {
            double fwd;
            long plainBytes;
            try (Forward f = new Forward(model.config(), WeightSource.plain(place.weights()), place.backend(), objective.shape())) {
                fwd = Timer.median(c.warmup(), c.forwards(), () -> f.run(batch));
                plainBytes = f.computeBytes();
                // Read while the forward's buffers are alive: closing it gives its compute buffer back.
                if (c.method() == null) return new Result(c, deviceUse(place), fwd, Double.NaN, 0, plainBytes, 0, 0, Double.NaN);
            }
            long t0 = System.nanoTime();
            Trainables t = Trainables.select(model.weights(), Trainables.Selection.MATRICES, c.method(), c.sparsity(), 1,
                    c.threads(), arena);
            double setup = (System.nanoTime() - t0) / 1e9;
            try (PerturbedModel pm = new PerturbedModel(model.config(), place.weights(), t, place.backend())) {
                ModelZo zo = new ModelZo(pm);
                zo.objective(objective);
                // A tiny lr: the update runs (and is timed) but hardly moves the weights.
                Estimator est = new Estimator(zo, ZoConfig.of(1e-9, 1));
                long[] step = {0};
                double[] loss = {Double.NaN};
                double stepSeconds = Timer.median(c.warmup(), c.steps(), () -> {
                    StepResult r = est.step(step[0]++);
                    loss[0] = r.directions().getFirst().lossPlus();
                });
                return new Result(c, deviceUse(place), fwd, stepSeconds, setup, plainBytes, pm.computeBytes(),
                        t.elements(), loss[0]);
            }
        }
    }

    private static DeviceUse deviceUse(Placement p) {
        return p.onGpu() ? new DeviceUse(p.description(), p.deviceBytes(), p.deviceBaselineBytes(), p.deviceUsedBytes())
                : new DeviceUse(p.description(), 0, 0, 0);
    }

    /** Mean cross-entropy of a seeded label token at each scored position (the last K of each sequence). */
    static TokenObjective scoredObjective(int nVocab, Config c) {
        int[][] seqs = ForwardBench.tokens(nVocab, c.sequences(), c.length());
        int k = c.scored(), n = c.sequences() * k;
        int[] os = new int[n], op = new int[n], labels = new int[n];
        Random r = new Random(7);
        for (int s = 0, i = 0; s < c.sequences(); s++) {
            for (int j = 0; j < k; j++, i++) {
                os[i] = s;
                op[i] = c.length() - k + j;
                labels[i] = 3 + r.nextInt(nVocab - 3);
            }
        }
        return new TokenObjective(new Batch(seqs, os, op), c.shape(), labels, nVocab);
    }
}
