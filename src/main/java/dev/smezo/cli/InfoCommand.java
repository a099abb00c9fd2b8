package dev.smezo.cli;

import static dev.smezo.train.MemoryPlan.mib;

import dev.smezo.chat.ChatTemplate;
import dev.smezo.forward.ForwardShape;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.Model;
import dev.smezo.model.TensorNames;
import dev.smezo.model.Weights;
import dev.smezo.arch.Architecture;
import dev.smezo.perturb.Trainables;
import dev.smezo.perturb.Method;
import dev.smezo.train.Footprint;
import dev.smezo.train.Memory;
import dev.smezo.train.MemoryPlan;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info",
        description = {
            "Describe a GGUF model: architecture, hyperparameters, tensors (type, shape), parameter count, and the "
                    + "peak memory (RSS) a training run of --batch sequences of --seq tokens is predicted to reach: the "
                    + "model file once, the compute buffer of the training graph (the perturbed forward, with its scratch "
                    + "of perturbed weights; sized by ggml's graph allocator without running), the graph's host-side "
                    + "inputs and logits, and the runtime (this process's footprint before the model is loaded, plus an "
                    + "estimate of its growth in a run).",
            "",
            "With --shape instead of a file, the same for a synthetic model of that shape (models/llama-shapes.tsv), "
                    + "sized without building it: the weights are reserved, never written, so the LLaMA-65B shape can be "
                    + "planned on a laptop.",
            "",
            "Examples:",
            "  smezo info model.gguf --batch 16 --seq 128",
            "  smezo info --shape llama-30b --type f16 --batch 16 --seq 128 --no-tensors"},
        mixinStandardHelpOptions = true)
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "GGUF model (or --shape).")
    Path model;

    @Mixin
    ShapeOptions shape;

    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--outputs", description = "Scored positions per batch (default: 4 per sequence).")
    Integer outputs;

    @Option(names = "--tensors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "List every tensor (default: on; --no-tensors to hide).")
    boolean tensors;

    @Override
    public Integer call() throws Exception {
        shape.checkExclusive(model);
        OptionChecks.atLeast("--batch", batch, 1);
        OptionChecks.atLeast("--seq", seq, 1);
        if (outputs != null) OptionChecks.atLeast("--outputs", outputs, 1);
        PrintStream out = System.out;
        long baseline = Footprint.baseline();
        try (Model m = model != null ? Model.open(model) : Model.shapeOnly(shape.synth(null))) {
            ModelConfig c = m.config();
            Weights w = m.weights();
            out.printf(Locale.ROOT, "model            %s%s%n", m.source(), model == null ? " (shape only: no values built)" : "");
            out.printf(Locale.ROOT, "architecture     %s%s%n", c.arch().ggmlName(), m.tiedOutput() ? " (tied output)" : "");
            out.printf(Locale.ROOT, "family           %s%n", Architecture.of(c.arch()).particulars(c));
            out.printf(Locale.ROOT, "vocabulary       %d%n", c.nVocab());
            out.printf(Locale.ROOT, "chat template    %s%n", chatTemplate(m));
            out.printf(Locale.ROOT, "embedding        %d%n", c.nEmbd());
            out.printf(Locale.ROOT, "layers           %d%n", c.nLayer());
            out.printf(Locale.ROOT, "heads            %d (kv %d, head dim %d%s)%n", c.nHead(), c.nHeadKv(), c.headDim(),
                    c.nHeadKv() < c.nHead() ? ", grouped-query" : "");
            out.printf(Locale.ROOT, "feed-forward     %d%n", c.nFf());
            out.printf(Locale.ROOT, "context (train)  %d%n", c.nCtxTrain());
            out.printf(Locale.ROOT, "rms eps          %g%n", c.rmsEps());
            out.printf(Locale.ROOT, "rope             base %g, scale %g, %d of %d dims%s%s%n", c.ropeFreqBase(), c.ropeFreqScale(),
                    c.nRot(), c.headDim(), w.find(TensorNames.ROPE_FREQS).isPresent() ? ", rope_freqs factors" : "",
                    w.find(TensorNames.ROPE_FACTORS_LONG).isPresent() ? ", LongRoPE factors ("
                            + (c.nCtx() > c.nCtxOrig() ? "long" : "short") + " at context " + c.nCtx() + ")" : "");
            out.printf(Locale.ROOT, "trains           %s%n", trains(w));
            out.printf(Locale.ROOT, "parameters       %,d %s%n", w.totalElements(), m.parameterTypes());
            out.printf(Locale.ROOT, "weights          %s%n", mib(w.totalBytes()));
            if (tensors) {
                out.println();
                out.printf(Locale.ROOT, "%-4s %-32s %-6s %-20s %14s%n", "id", "tensor", "type", "shape (ne)", "elements");
                for (Weights.Entry e : w.entries()) {
                    out.printf(Locale.ROOT, "%-4d %-32s %-6s %-20s %,14d%n", e.id(), e.name(), e.type().ggmlName(),
                            Arrays.toString(e.ne()), e.elements());
                }
            }
            int outs = outputs != null ? outputs : 4 * batch;
            ForwardShape forward = new ForwardShape(batch, seq, outs);
            MemoryPlan plan = MemoryPlan.of(m, model != null ? Files.size(model) : 0, forward, Method.SMEZO, baseline);
            out.println();
            out.printf(Locale.ROOT, "training memory  batch %d x %d tokens, %d scored positions (predicted peak RSS)%n",
                    batch, seq, outs);
            out.printf(Locale.ROOT, plan.inMemory() ? "  weights        %s (built in memory, as bench --shape does)%n"
                    : "  weights        %s (file %s, mapped privately, resident once)%n", mib(w.totalBytes()), mib(plan.fileBytes()));
            out.printf(Locale.ROOT, "  compute buffer %s (training graph, with perturbed-weight scratch)%n",
                    mib(plan.computeBytes()));
            out.printf(Locale.ROOT, "  work buffer    %s (the CPU backend's, beside the compute buffer: activations converted for matmuls)%n",
                    mib(plan.workBytes()));
            out.printf(Locale.ROOT, "  host buffers   %s (tokens, mask, logits)%n", mib(plan.hostBytes()));
            out.printf(Locale.ROOT, "  runtime        %s (JVM and libraries: %s measured before loading + %s growth)%n",
                    mib(plan.runtimeBytes()), mib(baseline), mib(Footprint.RUNTIME_GROWTH_BYTES));
            out.printf(Locale.ROOT, "  total          %s (no gradients, no optimizer state, no mask)%n", mib(plan.total()));
            Memory.Limit limit = Memory.machineLimit();
            if (limit != null) {
                out.printf(Locale.ROOT, "  here           %s: %s (%s)%n", plan.total() <= limit.bytes() ? "fits" : "does NOT fit",
                        mib(limit.bytes()), limit.source());
            }
        }
        return Main.EXIT_OK;
    }

    /** The GGUF's tokenizer.chat_template in brief: its size and what libllama's built-in heuristic makes of it. */
    private static String chatTemplate(Model m) {
        var v = m.metadata().get("tokenizer.chat_template");
        if (v == null) return "none";
        String t = v.asString(), builtin = ChatTemplate.detectBuiltin(t);
        return String.format(Locale.ROOT, "jinja, %,d chars, libllama detects: %s", t.length(),
                builtin != null ? builtin : "none (only the Jinja renderer can use it)");
    }

    /** What `train` trains by default and with --train-norms: tensors, and parameters of each kind. */
    private static String trains(Weights w) {
        List<Weights.Entry> matrices = new ArrayList<>();
        long[] vectors = new long[2];
        for (Weights.Entry e : w.entries()) {
            boolean def = Trainables.Selection.MATRICES.accepts(e);
            if (def) matrices.add(e);
            if (!def && new Trainables.Selection(true, null, null).accepts(e)) { vectors[0]++; vectors[1] += e.elements(); }
        }
        return String.format(Locale.ROOT, "%d matrices (%s); --train-norms adds %d norms and biases (%,d)",
                matrices.size(), Trainables.summary(matrices), vectors[0], vectors[1]);
    }
}
