package dev.smezo.cli;

import dev.smezo.bench.BenchReport;
import dev.smezo.bench.ForwardBench;
import dev.smezo.bench.TrainBench;
import dev.smezo.forward.Placement;
import dev.smezo.model.Model;
import dev.smezo.model.Synth;
import dev.smezo.perturb.Method;
import dev.smezo.train.Footprint;
import dev.smezo.train.Memory;
import dev.smezo.train.MemoryPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench",
        description = {
            "Run forwards and training steps on B sequences of T random tokens (logits at the last --scored "
                    + "positions of each, cross-entropy of a label token: a classification-like objective) and print one "
                    + "table: weights, compute buffer, the predicted peak RSS (as `smezo info` predicts it), the process's "
                    + "footprint before the model is loaded, peak RSS (VmHWM), forward and step time, their ratio, "
                    + "tokens/s. --llama adds libllama's llama_decode on the same tokens (all positions), after the peak "
                    + "is read. --json for machines.",
            "",
            "Instead of a file, --shape builds a synthetic model in memory (the values `smezo synth` would write), "
                    + "for shapes larger than the disk. --device cuda runs on a GPU and adds the device memory.",
            "",
            "Examples:",
            "  smezo bench model.gguf --batch 4 --seq 128 --steps 3 --llama",
            "  smezo bench --shape llama-30b --type f16 --batch 16 --seq 128 --device cuda"},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "GGUF model (or --shape).")
    Path model;

    @Mixin
    ShapeOptions shape;

    @Mixin
    DeviceOption device;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--scored", defaultValue = "4", description = "Scored positions per sequence (default: ${DEFAULT-VALUE}).")
    int scored;

    @Option(names = "--runs", defaultValue = "5", description = "Timed forwards; the median is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--steps", defaultValue = "5", description = "Timed training steps; the median is kept (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Untimed forwards and steps before the timed ones (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--llama", description = "Also time libllama's llama_decode against an all-position forward.")
    boolean llama;

    @Option(names = "--method", defaultValue = "smezo",
            description = "Step to run: smezo, mezo, rmezo, smezo-large, or none (forwards only). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--sparsity", defaultValue = "0.8", description = "S-MeZO/R-MeZO sparsity (default: ${DEFAULT-VALUE}).")
    double sparsity;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Mixin
    MemoryLimitOption memoryLimit;

    @Override
    public Integer call() throws Exception {
        shape.checkExclusive(model);
        if (llama && model == null) {
            throw new CliException(Main.EXIT_USAGE, "--llama needs a MODEL file (libllama loads models from files)");
        }
        boolean cuda = Placement.onCuda(device.device);   // a bad --device fails before a large model is built
        long baseline = Footprint.baseline();
        Method m = method.equalsIgnoreCase("none") ? null : TrainCommand.parseMethod(method);
        int t = threads.resolve();
        TrainBench.Config config = new TrainBench.Config(batch, seq, scored, t, m, sparsity, warmup, runs, steps);
        Memory.Limit limit = memoryLimit.resolve();
        BenchReport report;
        Synth synth = model == null ? shape.synth(null) : null;
        try (Model lm = model != null ? Model.open(model) : Model.shapeOnly(synth)) {
            MemoryPlan plan = MemoryPlan.of(lm, model != null ? Files.size(model) : 0, config.shape(), m, baseline);
            if (cuda) plan = plan.computeOnDevice();
            // Planned before a shape's values are built: building a model that cannot fit would end in the OOM killer.
            plan.requireWithin(limit, "lower --batch or --seq, or pass --memory-limit none to run anyway");
            if (synth != null) {
                Progress progress = new Progress("synthesizing " + synth.describe(), synth.tensorBytes());
                synth.fill(lm.weights(), done -> progress.update(done, ""));
            }
            TrainBench.Result r = TrainBench.run(lm, config, device.device);
            long peak = Memory.peakRss();
            ForwardBench.Result fr = llama ? ForwardBench.run(model, lm, batch, seq, t, runs, true) : null;
            report = new BenchReport(lm.source(), plan, baseline, peak, r, fr);
        }
        System.out.print(json ? report.json() + System.lineSeparator() : report.table());
        return Main.EXIT_OK;
    }

}
