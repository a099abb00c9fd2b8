package dev.smezo.cli;

import dev.smezo.data.DataRecord;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.forward.Placement;
import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.parallel.Parallel;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.ScaleMode;
import dev.smezo.train.Evaluator;
import dev.smezo.train.JsonlSplits;
import dev.smezo.train.LrDefaults;
import dev.smezo.train.Memory;
import dev.smezo.train.MemoryPlan;
import dev.smezo.train.RunFiles;
import dev.smezo.train.Trainer;
import dev.smezo.train.TrainConfig;
import dev.smezo.train.RunLock;
import dev.smezo.train.Trajectory;
import dev.smezo.zo.Schedule;
import dev.smezo.zo.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train",
        description = {
            "Fine-tune MODEL on a task, or on your own JSONL data (--data FILE.jsonl: chat, prompt/completion or text), with Sparse MeZO (or MeZO, R-MeZO): two forward passes per step, "
                    + "no gradients, no optimizer state; memory is the weights plus one forward's activations.",
            "",
            "Writes RUN_DIR/model.gguf (final, loads in llama.cpp), best.gguf (best dev), trajectory.jsonl "
                    + "(enough to rebuild the weights with `smezo replay`), metrics.jsonl, curves.svg, config.json, "
                    + "summary.json. Defaults follow MeZO's protocol (batch 16, eps 1e-3, 20,000 steps, constant lr, "
                    + "1,000 train / 500 dev / 1,000 test examples) with S-MeZO's sparsity 0.8.",
            "",
            "Examples:",
            "  smezo train llama-7b-f16.gguf --task rte --lr 1e-6 --out runs/rte",
            "  smezo train stories260K.gguf --task tinystories-feelings --lr 3e-4 --steps 300",
            "  smezo train qwen2.5-0.5b-instruct-q8_0.gguf --data chats.jsonl --dev dev.jsonl --micro-batch 4 --show-samples 3",
            "  smezo train MODEL --resume runs/rte      (continue a stopped run, bit for bit)"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Base GGUF model (llama, qwen2, qwen3, gemma2, gemma3, phi3; float and quantized tensors train).")
    Path model;

    @Option(names = "--task", description = "Built-in task (see `smezo tasks`) or a task JSON file.")
    String task;

    @picocli.CommandLine.Mixin
    DataOption data;

    @Option(names = "--dev", paramLabel = "FILE.jsonl", description = "With --data FILE.jsonl: the dev file (default: a tenth of "
            + "the training records, at most --n-dev, held out by the seed).")
    Path dev;

    @Option(names = "--chat-template", paramLabel = "NAME|FILE", description = "With --data FILE.jsonl: render conversations with "
            + "a Jinja FILE or a llama.cpp built-in NAME (chatml, llama3, gemma, ...) instead of the GGUF's tokenizer.chat_template.")
    String chatTemplate;

    @Option(names = "--train-on-prompt", description = "With --data FILE.jsonl: the loss covers every token, not only the "
            + "assistant's answers (and the completions).")
    boolean trainOnPrompt;

    @Option(names = "--show-samples", paramLabel = "N", defaultValue = "0", description = "With --data FILE.jsonl: before and "
            + "after the run, print the base model's and the fine-tune's greedy answers (libllama, " + Samples.MAX_TOKENS
            + " tokens) to the first N dev prompts, beside the reference (also RUN_DIR/samples.jsonl).")
    int showSamples;

    @Option(names = "--micro-batch", paramLabel = "N", description = "With --data FILE.jsonl: run each step's batch as forwards "
            + "of N sequences (same perturbation; memory bounded by N; the loss is the whole batch's; default: the whole batch).")
    Integer microBatch;

    @Option(names = "--method", defaultValue = "smezo", description = "smezo, mezo, rmezo, or smezo-large (the paper's control: the same fraction "
            + "of each tensor, its largest weights) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--sparsity", defaultValue = "0.8", description = "Fraction of each tensor left out (S-MeZO/R-MeZO; default: ${DEFAULT-VALUE}).")
    double sparsity;

    @Option(names = "--lr", defaultValue = "auto", description = "Learning rate, or auto: by method and model size, from "
            + "the lr measured best on stories260K (S-MeZO 3e-4, MeZO 3e-5) to MeZO's 1e-6 for LLaMA-7B, log-log between "
            + "(README, \"Choosing the learning rate\"; `smezo sweep` measures it for your model) (default: ${DEFAULT-VALUE}).")
    String lr;

    @Option(names = "--eps", defaultValue = "1e-3", description = "Perturbation scale (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--batch", defaultValue = "16", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "20000", description = "Steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--eval-every", description = "Evaluate dev and test every N steps (default: steps/5).")
    Long evalEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed: data sampling, batches, noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Run directory (default: runs/TASK-METHOD-sSEED).")
    Path out;

    @Option(names = "--overwrite", description = "Write the run into --out even if it holds files (another run's are replaced).")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a stopped run from its trajectory (its config is used; --steps may extend it, --eval-every change it).")
    Path resume;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--directions", defaultValue = "1", description = "n-SPSA: directions averaged per step (default: ${DEFAULT-VALUE}).")
    int directions;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, linear or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--max-length", defaultValue = "256", description = "Tokens per sequence; longer prompts lose their start (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--n-train", defaultValue = "1000", description = "Training examples (default: ${DEFAULT-VALUE}; COPA 300).")
    int nTrain;

    @Option(names = "--n-dev", defaultValue = "500", description = "Dev examples (default: ${DEFAULT-VALUE}; COPA 100).")
    int nDev;

    @Option(names = "--n-test", defaultValue = "1000", description = "Test examples (default: ${DEFAULT-VALUE}).")
    int nTest;

    @Option(names = "--train-norms", description = "Also train the vectors: RMSNorm weights (Q/K and post norms included) and biases (Qwen2's Q/K/V). RoPE factor tensors never train.")
    boolean trainNorms;

    @Option(names = "--only", description = "Train only tensors whose name matches this regex.")
    String only;

    @Option(names = "--exclude", description = "Do not train tensors whose name matches this regex.")
    String exclude;

    @Option(names = "--refresh-every", defaultValue = "0", description = "S-MeZO: recompute thresholds every N steps to hold "
            + "the trained fraction (default: ${DEFAULT-VALUE}, fixed, as in the paper: 100 lifted a classification task from "
            + "90%% to 97%% but made a chat fine-tune's generations collapse; README, \"What trains\").")
    long refreshEvery;

    @Option(names = "--best-by", defaultValue = "loss", description = "Keep the best checkpoint by dev loss or accuracy (default: ${DEFAULT-VALUE}).")
    String bestBy;

    @Option(names = "--scale-mode", defaultValue = "relative", description = "Quantized tensors (their block scales train): "
            + "relative moves a scale v by eps*gain*|v|*z, absolute by eps*gain*z (default: ${DEFAULT-VALUE}).")
    String scaleMode;

    @Option(names = "--scale-gain", defaultValue = "10", description = "Quantized tensors: the factor on eps and lr for their scales "
            + "(default: ${DEFAULT-VALUE}; relative: a 1%% change at eps 1e-3, about 10 F16 steps).")
    double scaleGain;

    @Option(names = "--clip-g", defaultValue = "100", description = "Clip the projected gradient g to [-C, C] (QZO's 100; 0: off; default: ${DEFAULT-VALUE}).")
    double clipG;

    @Option(names = "--parallel", defaultValue = "none", paramLabel = "none|data|directions", description = "Under mpirun or "
            + "srun (Open MPI): data splits each step's batch over the ranks, directions each step's --directions; ranks "
            + "exchange a few numbers per step, never weights, and the run equals the one-process run bit for bit; rank 0 "
            + "writes the run directory (README, \"Many processes\") (default: ${DEFAULT-VALUE}).")
    String parallel;

    @Mixin
    DeviceOption device;

    @Mixin
    ThreadsOption threads;

    @Mixin
    MemoryLimitOption memoryLimit;

    @Spec
    CommandSpec spec;

    /** The run directory once chosen (the notice of a job that ends early names it). */
    private volatile Path chosenRunDir;

    @Override
    public Integer call() throws Exception {
        return ParallelJob.run(parallel, this::train, () -> "smezo train " + model + " --resume "
                + (chosenRunDir != null ? chosenRunDir : "RUN_DIR"), spec.commandLine());
    }

    private int train(Parallel par) throws Exception {
        Placement.onCuda(device.device);   // a bad --device fails before any work
        Memory.Limit limit = memoryLimit.resolve();
        TrainConfig config;
        Path runDir;
        if (resume != null) {
            Path traj = resume.resolve(Trajectory.FILE);
            if (!Files.isRegularFile(traj)) throw new IllegalArgumentException(resume + ": no " + Trajectory.FILE + " to resume from");
            config = Trajectory.read(traj).config();
            if (spec.commandLine().getParseResult().hasMatchedOption("--steps") || config.steps() == 0) {
                config = config.withSteps(steps);   // extended by --steps (a 0-step run takes the default)
            }
            if (evalEvery != null) config = config.withEvalEvery(evalEvery);   // e.g. a sweep's probe grown into the full run
            requireSameConfig(config, traj);
            if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
                throw new CliException(Main.EXIT_USAGE, "--out " + out + " with --resume " + resume + ": a resumed run "
                        + "continues in its own directory");
            }
            RunLock.requireFree(resume);
            runDir = resume;
        } else {
            if (task == null && !data.isFile()) {
                throw new CliException(Main.EXIT_USAGE, "train needs --task (see `smezo tasks`), --data FILE.jsonl or --resume");
            }
            if (task != null && data.isFile()) {
                throw new CliException(Main.EXIT_USAGE, "--task " + task + " with --data " + data.data + " (a file): give one of them");
            }
            config = configFromOptions(task != null ? task : TrainConfig.nameOf(data.data));
            runDir = out != null ? out : Path.of("runs", config.task().replaceAll("[^A-Za-z0-9_.-]", "_") + "-"
                    + config.method().cliName() + "-s" + seed);
            requireNewRunDir(runDir);
        }
        chosenRunDir = runDir;
        Path dataDir = data.resolve();
        if (par.group().leader()) System.err.printf(Locale.ROOT, "smezo train: %s on %s, method %s, sparsity %s, lr %s%s, eps %s, batch %d, %d steps, "
                        + "seed %d, %d threads -> %s%n", model, config.task(), config.method().cliName(),
                config.sparsity(), SweepCommand.num(config.lr()), resume == null && lr.equalsIgnoreCase("auto") ? " (auto: by model size)" : "",
                SweepCommand.num(config.eps()), config.batch(), config.steps(), config.seed(), threads.resolve(), runDir);
        if (par.group().size() > 1 && par.group().leader()) {
            System.err.printf(Locale.ROOT, "parallel: %s over %d ranks%n", par.mode().cliName(), par.group().size());
        }
        List<SequenceEncoder.Prompt> samples = par.group().leader() ? samplePrompts(config) : List.of();
        List<String> before = samples.isEmpty() ? List.of() : Samples.answers(model, samples, threads.resolve());
        ProgressListener listener = new ProgressListener(config.steps());
        Trainer.Summary s = new Trainer(model, dataDir, config, runDir, threads.resolve(), listener, device.device)
                .memoryLimit(limit).parallel(par).run(resume != null);   // a DivergedException is exit 4 (Errors)
        if (!par.group().leader()) return Main.EXIT_OK;
        printSummary(s.values(), runDir);
        if (!samples.isEmpty()) {
            List<String> after = Samples.answers(runDir.resolve(RunFiles.MODEL), samples, threads.resolve());
            System.out.print(Samples.format(samples, before, after));
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("where", samples.get(i).where());
                m.put("prompt", samples.get(i).text());
                m.put("reference", samples.get(i).expected());
                m.put("base", before.get(i));
                m.put("fine_tuned", after.get(i));
                lines.add(Json.write(m));
            }
            RunFiles.writeAtomically(runDir.resolve("samples.jsonl"), String.join("\n", lines) + "\n");
        }
        return Main.EXIT_OK;
    }

    /** The first --show-samples dev prompts (training ones when there is no dev set), rendered as training renders them. */
    private List<SequenceEncoder.Prompt> samplePrompts(TrainConfig config) throws IOException {
        if (showSamples <= 0) return List.of();
        if (config.jsonl() == null) throw new CliException(Main.EXIT_USAGE, "--show-samples goes with --data FILE.jsonl");
        JsonlSplits splits = JsonlSplits.read(config);
        List<DataRecord> from = splits.dev().isEmpty() ? splits.train() : splits.dev();
        List<SequenceEncoder.Prompt> p = Prompts.of(model, config.jsonl().chatTemplate(), from);
        return p.subList(0, Math.min(showSamples, p.size()));
    }

    /** The config the options describe (COPA's smaller default splits as MeZO's protocol has them). */
    TrainConfig configFromOptions(String taskName) {
        Schedule sch;
        try {
            sch = Schedule.valueOf(schedule.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --schedule '" + schedule + "' (constant, linear, cosine)");
        }
        boolean copa = taskName.equalsIgnoreCase("copa");
        TrainConfig.Jsonl jsonl = null;
        boolean defaultSplits = !spec.commandLine().getParseResult().hasMatchedOption("--n-train");
        if (data.isFile()) {
            jsonl = new TrainConfig.Jsonl(data.data.toString(), dev == null ? null : dev.toString(), chatTemplate, trainOnPrompt);
        } else if (dev != null || chatTemplate != null || trainOnPrompt || microBatch != null) {
            throw new CliException(Main.EXIT_USAGE, "--dev, --chat-template, --train-on-prompt and --micro-batch "
                    + "go with --data FILE.jsonl (a task trains on its own splits)");
        }
        Method m = parseMethod(method);
        return new TrainConfig(taskName, m, sparsity, lr(m), eps, weightDecay, directions, sch, batch, steps,
                evalEvery != null ? evalEvery : Math.max(1, steps / 5), seed, maxLength,
                jsonl != null ? (defaultSplits ? 0 : nTrain) : copa && nTrain == 1000 ? 300 : nTrain,
                copa && nDev == 500 ? 100 : nDev, jsonl != null ? 0 : nTest,
                trainNorms, only, exclude, refreshEvery, bestBy, parseScaleMode(scaleMode), scaleGain, clipG,
                jsonl, microBatch == null ? 0 : microBatch);
    }

    /** --lr as a number, auto resolved from the base model's size (its header only: the weights stay unread). */
    private double lr(Method m) {
        if (!lr.equalsIgnoreCase("auto")) {
            try {
                return Double.parseDouble(lr);
            } catch (NumberFormatException e) {
                throw new CliException(Main.EXIT_USAGE, "--lr '" + lr + "' is neither a number nor auto");
            }
        }
        try (Model opened = Model.open(model)) {
            return LrDefaults.forModel(m, opened.weights().totalElements());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ScaleMode parseScaleMode(String m) {
        try {
            return ScaleMode.valueOf(m.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --scale-mode '" + m + "' (relative, absolute)");
        }
    }

    /**
     * --resume continues the run as it was made: an option given again must have the run's value
     * (repeating the original command plus --resume works); only --steps and --eval-every may change.
     */
    private void requireSameConfig(TrainConfig run, Path traj) {
        Map<String, Object> saved = run.toMap();
        Map<String, Object> given = configFromOptions(task != null ? task : run.task()).withSteps(run.steps()).toMap();
        List<String> differ = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String key = o.longestName().replaceFirst("^--", "").replace('-', '_');
            if (saved.containsKey(key) && !key.equals("steps") && !key.equals("eval_every")
                    && !Objects.equals(saved.get(key), given.get(key))) {
                differ.add(o.longestName() + " " + given.get(key) + " (the run has " + saved.get(key) + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new CliException(Main.EXIT_USAGE, "--resume continues the run with its own config (" + traj + "); "
                    + "only --steps and --eval-every may change: " + String.join(", ", differ));
        }
    }

    /** A new run goes into a new or empty directory: never over another run or unrelated files. */
    private void requireNewRunDir(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + ": exists and is not a directory");
        RunLock.requireFree(dir);   // a run writing there now is named by its pid, whatever the options
        if (overwrite) return;
        boolean empty;
        try (var entries = Files.list(dir)) {
            empty = entries.allMatch(f -> f.getFileName().toString().equals(RunLock.FILE));   // a finished run's lock only
        }
        if (empty) return;
        throw new CliException(Main.EXIT_USAGE, "--out " + dir + (Files.exists(dir.resolve(Trajectory.FILE))
                ? ": holds a run already (" + Trajectory.FILE + "); --resume " + dir + " continues it, --overwrite replaces it"
                : ": is not empty; a run goes into a new or empty directory (--overwrite writes into it anyway)"));
    }

    static Method parseMethod(String m) {
        Method method = Method.parse(m);
        if (method == null) throw new IllegalArgumentException("unknown --method '" + m + "' (" + Method.choices() + ")");
        return method;
    }

    static void printSummary(Map<String, Object> v, Path runDir) {
        var o = System.out;
        o.printf(Locale.ROOT, "%nrun            %s%n", runDir);
        o.printf(Locale.ROOT, "task           %s (%s, %s steps)%n", v.get("task"), v.get("method"), v.get("steps"));
        o.printf(Locale.ROOT, "best dev       %s at step %s (by %s)%n", fmt(v.get("best_dev")), v.get("best_step"), v.get("best_by"));
        o.printf(Locale.ROOT, "test accuracy  %s at the best dev step; %s at the end%n", fmt(v.get("test_accuracy_at_best")),
                fmt(v.get("final_test_accuracy")));
        o.printf(Locale.ROOT, "device         %s%n", v.get("device"));
        o.printf(Locale.ROOT, "memory         weights %s, compute buffer %s, peak RSS %s%n", MemoryPlan.mib(n(v.get("weights_bytes"))),
                MemoryPlan.mib(n(v.get("compute_buffer_bytes"))), MemoryPlan.mib(n(v.get("peak_rss_bytes"))));
        o.printf(Locale.ROOT, "trained        %.1f%% of the trained tensors' elements at the end; %s skipped steps%n",
                100 * ((Number) v.get("trained_fraction")).doubleValue(), v.get("skipped_steps"));
        o.printf(Locale.ROOT, "time           %s%n", Progress.duration(((Number) v.get("seconds")).doubleValue()));
        List<String> files = new ArrayList<>();
        for (String f : List.of(RunFiles.MODEL, RunFiles.BEST, Trajectory.FILE, RunFiles.METRICS, RunFiles.PLOT, RunFiles.SUMMARY)) {
            if (Files.exists(runDir.resolve(f))) files.add(f);
        }
        o.printf(Locale.ROOT, "files          %s%n", String.join(" ", files));
    }

    private static long n(Object o) {
        return o instanceof Number x ? x.longValue() : -1;
    }

    private static String fmt(Object o) {
        return o instanceof Number x ? String.format(Locale.ROOT, "%.4f", x.doubleValue()) : "-";
    }

    /** Progress bar on a terminal, a plain line every 10 s otherwise; evaluations always get a line. */
    static final class ProgressListener implements Trainer.Listener {
        private final Progress progress;
        private double loss = Double.NaN;

        ProgressListener(long total) {
            this.progress = new Progress("train", total);
        }

        @Override
        public void message(String line) {
            System.err.println(line);
        }

        @Override
        public void step(long done, long total, StepResult r, double dev, double test) {
            if (!r.skipped()) loss = Double.isNaN(loss) ? r.loss() : 0.95 * loss + 0.05 * r.loss();
            progress.update(done, String.format(Locale.ROOT, "loss %.4f lr %.2g dev %s test %s", loss, r.lr(), pct(dev), pct(test)));
        }

        @Override
        public void eval(long done, Evaluator.Result dev, Evaluator.Result test, double fraction) {
            if (progress.terminal()) System.err.print("\r\033[K");
            if (dev != null && dev.metrics().containsKey("perplexity")) {   // JSONL data: loss over the answer tokens
                System.err.printf(Locale.ROOT, "eval @ %d: dev loss %.4f perplexity %.3f over %s tokens | trained fraction %.4f%n",
                        done, dev.loss(), Math.exp(dev.loss()), dev.metrics().get("tokens"), fraction);
                return;
            }
            System.err.printf(Locale.ROOT, "eval @ %d: dev acc %s loss %s | test acc %s | trained fraction %.4f%n", done,
                    dev == null ? "-" : pct(dev.accuracy()), dev == null ? "-" : String.format(Locale.ROOT, "%.4f", dev.loss()),
                    test == null ? "-" : pct(test.accuracy()), fraction);
        }

        private static String pct(double a) {
            return Double.isNaN(a) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * a);
        }
    }
}
