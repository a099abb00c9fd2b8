package dev.smezo.train;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.Model;
import dev.smezo.model.Weights;
import dev.smezo.perturb.UpdateGraph;
import dev.smezo.perturb.Trainables;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.StepResult;
import dev.smezo.zo.ZoConfig;
import dev.smezo.zo.ZoModel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Rebuilds fine-tuned weights from the base model and a trajectory alone: every logged update
 * W += -lr/q * g * z(seed) * m is applied again, in order, with the masks and threshold refreshes
 * the run had. No forward pass runs, so a replay costs one noise pass per step.
 */
public final class Replay {
    private Replay() {}

    /**
     * Applies logged steps onto weights whose trainables were selected as the run did.
     *
     * @param toHost brings the current weights into {@code weights} before a threshold refresh reads
     *               them (they may live on a device)
     */
    public static void apply(List<StepResult> steps, TrainConfig config, ZoModel model, ZoConfig zc, Trainables trainables,
                             Weights weights, int threads, Runnable toHost, LongConsumer progress) {
        for (StepResult r : steps) {
            if (config.refreshesAt(r.step())) {
                toHost.run();
                trainables.refreshThresholds(weights, threads);
            }
            Estimator.apply(model, zc, r);
            progress.accept(r.step() + 1);
        }
    }

    /**
     * Base + trajectory ({@code log}, read from the file {@code trajectory}) -> a checkpoint GGUF
     * identical to the one the run wrote after the same steps.
     */
    public static long toFile(Path base, Path trajectory, Trajectory.Log log, Path out, int threads, LongConsumer progress)
            throws IOException {
        for (Path input : new Path[] {base, trajectory}) {   // the rename would replace the input it reads
            if (Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input)) {
                throw new IllegalArgumentException("-o " + out + " is the input " + input + "; write the replay elsewhere");
            }
        }
        TrainConfig config = log.config();
        try (Arena arena = Arena.ofShared();
             Model model = Model.open(base);
             CpuBackend backend = new CpuBackend(threads);
             BackendWeights weights = new BackendWeights(model.weights())) {
            log.requireBase(model.weights(), base, trajectory);
            Trainables.requireFiniteScales(model.weights());
            Trainables t = Trainables.select(model.weights(), Trainer.selection(config), config.method(), config.sparsity(),
                    config.maskSeed(), config.scales(), threads, arena);
            try (UpdateGraph update = new UpdateGraph(weights, t, backend)) {
                ZoModel updateOnly = new ZoModel() {
                    @Override
                    public double loss(long seed, float scale) {
                        throw new UnsupportedOperationException("replay runs no forward");
                    }

                    @Override
                    public void update(long seed, float coeff, float decay) {
                        update.apply(seed, coeff, decay);
                    }
                };
                apply(log.steps(), config, updateOnly, Trainer.zoConfig(config), t, model.weights(), threads, () -> {},
                        progress);
            }
            String baseName = String.valueOf(log.header().get("base_model"));
            Checkpoint.write(out, model, Checkpoint.keys(config, log.steps().size(), baseName));
            return log.steps().size();
        }
    }
}
