package dev.smezo.train;

import dev.smezo.chat.ChatTemplate;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.io.AtomicFile;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.Placement;
import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.parallel.Group;
import dev.smezo.parallel.Parallel;
import dev.smezo.parallel.StartupCheck;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.task.Splits;
import dev.smezo.task.Task;
import dev.smezo.task.Tasks;
import dev.smezo.tokenizer.Tokenizer;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.StepResult;
import dev.smezo.zo.ZoConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fine-tuning run, start to end: sample the task's splits, encode them, pick the trained tensors
 * and their masks, then step (two perturbed forwards and an in-place update per direction), log
 * every step to the trajectory, evaluate every {@code evalEvery} steps, keep the best checkpoint
 * and write the final one. A run is a function of (base model, data, config): batches, noise and
 * masks all derive from the config's seed, so {@code resume} replays the logged updates onto the
 * base model and continues exactly where the run stopped.
 */
public final class Trainer {
    /** Stop after this many consecutive steps with a non-finite loss (the run has diverged). */
    public static final int MAX_CONSECUTIVE_SKIPS = 20;

    /** What the run reports as it goes (the CLI draws progress from it). */
    public interface Listener {
        void message(String line);

        void step(long stepsDone, long total, StepResult r, double lastDevAccuracy, double lastTestAccuracy);

        void eval(long stepsDone, Evaluator.Result dev, Evaluator.Result test, double trainedFraction);

        /** Reports nothing (the ranks other than 0 of a parallel run). */
        Listener QUIET = new Listener() {
            @Override
            public void message(String line) {}

            @Override
            public void step(long stepsDone, long total, StepResult r, double lastDevAccuracy, double lastTestAccuracy) {}

            @Override
            public void eval(long stepsDone, Evaluator.Result dev, Evaluator.Result test, double trainedFraction) {}
        };
    }

    /** The run's outcome (also written as summary.json). */
    public record Summary(Map<String, Object> values) {}

    /** A run stopped because its losses stopped being finite. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    private final Path base;
    private final Path dataDir;
    private final TrainConfig config;
    private final Path runDir;
    private final int threads;
    private Listener listener;
    private final String device;
    private Parallel parallel = Parallel.none();
    private Memory.Limit memoryLimit = Memory.machineLimit();
    private boolean testEvaluations = true;

    public Trainer(Path base, Path dataDir, TrainConfig config, Path runDir, int threads, Listener listener) {
        this(base, dataDir, config, runDir, threads, listener, "cpu");
    }

    /** @param device cpu, cuda or auto (see {@link Placement#open}); the run's result does not depend on it */
    public Trainer(Path base, Path dataDir, TrainConfig config, Path runDir, int threads, Listener listener, String device) {
        this.base = base;
        this.dataDir = dataDir;
        this.config = config;
        this.runDir = runDir;
        this.threads = threads;
        this.listener = listener;
        this.device = device;
    }

    /**
     * Refuse to start a run whose predicted peak memory ({@link MemoryPlan}) is over {@code limit};
     * null: no check. The default is {@link Memory#machineLimit()}.
     */
    public Trainer memoryLimit(Memory.Limit limit) {
        this.memoryLimit = limit;
        return this;
    }

    /**
     * Evaluations of dev only (`smezo sweep`'s probes rank by dev loss): the config, and so the run
     * directory, stays the full run's, which a resume then evaluates on test too.
     */
    public Trainer withoutTestEvaluations() {
        this.testEvaluations = false;
        return this;
    }

    /**
     * Spread the run over an MPI job's ranks ({@link Parallel}): every rank runs this with the same
     * arguments; rank 0 alone reports and writes the run directory, which comes out as one process's.
     */
    public Trainer parallel(Parallel p) {
        this.parallel = p;
        if (!p.group().leader()) this.listener = Listener.QUIET;
        return this;
    }

    public Summary run(boolean resume) throws IOException {
        long started = System.nanoTime();
        long baseline = Footprint.baseline();
        Task task = null;
        Splits splits = null;
        if (config.jsonl() == null) {   // a task's splits are sampled before the model is opened
            task = Tasks.byName(config.task());
            splits = Splits.sample(task, dataDir, config.seed(), config.nTrain(), config.nDev(), config.nTest());
            listener.message(splits.note());
            if (splits.train().isEmpty()) throw new IllegalArgumentException("task " + task.name() + ": no training examples");
            if (config.batch() > splits.train().size()) {
                throw new IllegalArgumentException("--batch " + config.batch() + " is more than the " + splits.train().size()
                        + " training examples: every step would repeat them (lower --batch or raise --n-train)");
            }
        }
        long[] tokenizerBytes = {0};
        try (Arena arena = Arena.ofShared();
             Model model = Model.open(base);
             Tokenizer tok = loadTokenizer(model, tokenizerBytes);
             Templates templates = new Templates(tok)) {
            Trainables.requireFiniteScales(model.weights());
            int nVocab = model.config().nVocab();
            RunData data;
            if (task != null) {
                data = new TaskData(task, EncodedExample.encodeAll(tok, splits.train(), "", config.maxLength()),
                        EncodedExample.encodeAll(tok, splits.dev(), "", config.maxLength()),
                        EncodedExample.encodeAll(tok, splits.test(), "", config.maxLength()), config.batch(), config.seed(), nVocab,
                        parallel);
            } else {
                data = SequenceData.open(config, tok, templates::open, nVocab, listener::message, parallel);
            }
            if (config.directions() < parallel.directions().size()) {
                throw new IllegalArgumentException("--parallel directions over " + parallel.directions().size() + " ranks needs "
                        + "--directions " + parallel.directions().size() + " or more (each rank measures its share of a step's "
                        + "directions): --directions is " + config.directions());
            }
            StartupCheck.require(parallel.group(), () -> startupFacts(model, resume));
            ForwardShape shape = data.largest();
            MemoryPlan plan = MemoryPlan.of(model, Files.size(base), shape, config.method(), selection(config), baseline)
                    .withCheckpoints(model).withRuntime(tokenizerBytes[0] + Footprint.TRAIN_EXTRA_GROWTH_BYTES);
            if (Placement.onCuda(device)) plan = plan.computeOnDevice();
            plan.requireWithin(memoryLimit, "lower --batch"
                    + (config.jsonl() != null ? ", --micro-batch" : "") + " or --max-length, or pass --memory-limit none to run anyway");
            Trainables trainables = Trainables.select(model.weights(), selection(config), config.method(), config.sparsity(),
                    config.maskSeed(), config.scales(), threads, arena);
            listener.message(String.format("training %d tensors, %,d parameters (model: %,d weights), %s, sparsity %s: %s",
                    trainables.trained().size(), trainables.elements(), model.weights().totalElements(),
                    config.method().cliName(), config.sparsity(), trainables.summary()));
            if (Placement.onCuda(device) && trainables.anyQuantized()) {
                throw new IllegalArgumentException("--device " + device + ": the kernels that train quantized tensors' scales "
                        + "run on the CPU only so far; use --device cpu, or leave the quantized tensors out with --exclude");
            }
            ZoConfig zc = zoConfig(config);
            try (Placement placement = Placement.open(device, model.weights(), threads);
                 PerturbedModel pm = new PerturbedModel(model.config(), placement.weights(), trainables, placement.backend())) {
                listener.message("device: " + placement.description());
                if (data.variableShapes()) pm.reserveFor(shape);
                ModelZo zo = new ModelZo(pm);
                Estimator est = new Estimator(zo, zc).withGroup(parallel.directions());
                Run run = new Run(data, model, trainables, placement, pm, zo, est, zc, plan);
                return run.execute(resume, started);
            }
        }
    }

    /**
     * What every rank must agree on before step 1: the code, the base model (its fingerprint, taken
     * before any update), the config, the layout and, on a resume, the trajectory it continues.
     */
    private Map<String, String> startupFacts(Model model, boolean resume) throws IOException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("smezo", RunFiles.codeVersion());
        f.put("base model fingerprint", BaseFingerprint.of(model.weights()));   // not its path: nodes may keep it elsewhere
        for (var e : config.toMap().entrySet()) f.put("option " + e.getKey(), Json.write(e.getValue()));
        f.put("parallel", parallel.mode().cliName() + " over " + parallel.group().size() + " ranks");
        Path traj = runDir.resolve(Trajectory.FILE);
        f.put("resumed trajectory", resume && Files.exists(traj) ? RunFiles.sha256(traj) : "none");
        return f;
    }

    /**
     * Loads libllama's vocabulary of the base and measures the resident memory it took (several MiB
     * for a 32k vocabulary: after the plan's runtime baseline, so the plan adds it).
     */
    private Tokenizer loadTokenizer(Model model, long[] bytes) {
        long before = Memory.rss();
        Tokenizer t = Tokenizer.load(base, model.metadata());
        bytes[0] = Math.max(0, Memory.rss() - before);
        return t;
    }

    /**
     * The chat template, opened when the data holds conversations (text records need none), on the
     * run's own tokenizer (a second vocabulary load would cost its memory again, outside the plan).
     */
    private final class Templates implements AutoCloseable {
        final Tokenizer tok;
        ChatTemplate template;

        Templates(Tokenizer tok) {
            this.tok = tok;
        }

        SequenceEncoder.Renderer open() {
            if (template == null) {
                template = ChatTemplate.open(tok, config.jsonl().chatTemplate(), java.util.Map.of());
                listener.message("chat template: " + template.description());
            }
            return template::render;
        }

        @Override
        public void close() {
            if (template != null) template.close();
        }
    }

    static Trainables.Selection selection(TrainConfig config) {
        return new Trainables.Selection(config.trainNorms(),
                config.only() == null ? null : Pattern.compile(config.only()),
                config.exclude() == null ? null : Pattern.compile(config.exclude()));
    }

    static ZoConfig zoConfig(TrainConfig config) {
        return ZoConfig.of(config.lr(), config.seed()).withEps(config.eps())
                .withWeightDecay(config.weightDecay()).withDirections(config.directions())
                .withSchedule(config.schedule(), config.steps()).withClip(config.clipG());
    }

    /** The loop and its state. */
    private final class Run {
        final RunData data;
        final Model model;
        final Trainables trainables;
        final Placement placement;
        final PerturbedModel pm;
        final ModelZo zo;
        final Estimator est;
        final ZoConfig zc;
        final MemoryPlan plan;
        double best = Double.NaN, bestValue = Double.NaN;
        long bestStep = -1;
        double bestTest = Double.NaN, lastDev = Double.NaN, lastTest = Double.NaN;
        int consecutiveSkips;
        final StepExchange exchange = new StepExchange(parallel);
        final List<Map<String, Object>> history = new ArrayList<>();
        final LearningCheck check = new LearningCheck(config.steps());

        Run(RunData data, Model model, Trainables trainables, Placement placement, PerturbedModel pm, ModelZo zo,
            Estimator est, ZoConfig zc, MemoryPlan plan) {
            this.data = data;
            this.model = model;
            this.trainables = trainables;
            this.placement = placement;
            this.pm = pm;
            this.zo = zo;
            this.est = est;
            this.zc = zc;
            this.plan = plan;
        }

        /** The run, holding the directory's {@link RunLock} throughout: one writer per run directory. */
        Summary execute(boolean resume, long started) throws IOException {
            if (!parallel.group().leader()) return executeLocked(resume, started);   // rank 0 holds the lock and writes
            Files.createDirectories(runDir);   // only now: a run refused before its first step leaves nothing
            try (RunLock lock = RunLock.acquire(runDir)) {
                int stale = AtomicFile.removeStaleTemps(runDir);   // a killed run's half-written checkpoint
                if (stale > 0) listener.message("removed " + stale + " temp file(s) a killed run left in " + runDir);
                return executeLocked(resume, started);
            }
        }

        /** Rank 0's run writes the run directory; the other ranks' runs compute alongside and write nothing. */
        private Summary executeLocked(boolean resume, long started) throws IOException {
            boolean writes = parallel.group().leader();
            Path trajFile = runDir.resolve(Trajectory.FILE);
            long done = 0;
            Trajectory traj;
            MetricsLog metrics;
            if (resume && Files.exists(trajFile)) {
                Trajectory.Log log = Trajectory.read(trajFile);
                if (!config.continues(log.config())) {
                    throw new IllegalArgumentException(trajFile + ": the run was made with another config: "
                            + log.config() + " (only --steps and --eval-every may change on --resume)");
                }
                log.requireBase(model.weights(), base, trajFile);
                if (log.steps().size() > config.steps()) {
                    throw new IllegalArgumentException(trajFile + ": the run has " + log.steps().size() + " steps done, more than "
                            + "its " + config.steps() + " (give --steps " + log.steps().size() + " or more to continue it)");
                }
                Replay.apply(log.steps(), config, zo, zc, trainables, model.weights(), threads, placement::toHost, x -> {});
                done = log.steps().size();
                Map<String, Object> verdict = null;
                for (StepResult r : log.steps()) {
                    Map<String, Object> d = check.step(r);
                    if (d != null) verdict = d;
                }
                if (writes) {
                    traj = Trajectory.append(trajFile, log, config);   // the header takes the config it continues with
                    metrics = MetricsLog.resume(runDir.resolve(RunFiles.METRICS), done, history);
                    if (verdict != null && check.at() == done) metrics.write(verdict);   // a record of step `done` is redone
                    for (Map<String, Object> m : history) if ("eval".equals(m.get("type"))) track(m);
                } else {
                    traj = null;
                    metrics = null;
                }
                listener.message("resumed " + runDir + " after step " + done + " (replayed " + done + " logged updates)");
            } else if (writes) {
                traj = Trajectory.create(trajFile, config, base.getFileName().toString(), model.weights());
                metrics = MetricsLog.create(runDir.resolve(RunFiles.METRICS));
            } else {
                traj = null;
                metrics = null;
            }
            if (writes) RunFiles.writeJson(runDir.resolve(RunFiles.CONFIG), config.toMap());
            try (traj; metrics) {
                // the evaluation at `done` is redone when it is due: the log reads as the uninterrupted run's (an
                // evaluation a shorter run or another --eval-every made there is not part of it)
                if (done == 0 || done % config.evalEvery() == 0) evaluate(done, metrics);
                double windowLoss = 0, gAbsSum = 0, gAbsMax = 0;
                int window = 0, gCount = 0;
                long windowStart = System.nanoTime();
                for (long s = done; s < config.steps(); s++) {
                    refreshIfDue(s);
                    zo.objective(data.objective(s));
                    Group.Traffic before = exchange.before();
                    StepResult r = est.step(s);
                    exchange.after(before);
                    if (writes) traj.write(r);
                    consecutiveSkips = r.skipped() ? consecutiveSkips + 1 : 0;
                    if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                        throw new DivergedException("the last " + consecutiveSkips + " steps (up to step " + s
                                + ") had non-finite losses; lower --lr or --eps (run dir " + runDir + ")");
                    }
                    if (!r.skipped()) {
                        windowLoss += r.loss();
                        window++;
                        for (StepResult.Direction d : r.directions()) {
                            gAbsSum += Math.abs(d.g());
                            gAbsMax = Math.max(gAbsMax, Math.abs(d.g()));
                            gCount++;
                        }
                    }
                    Map<String, Object> verdict = check.step(r);
                    if (verdict != null) {
                        if (writes) metrics.write(verdict);
                        String hint = LearningCheck.hint(verdict, r.lr());
                        if (hint != null) listener.message(hint);
                    }
                    long stepsDone = s + 1;
                    listener.step(stepsDone, config.steps(), r, lastDev, lastTest);
                    if (stepsDone % 10 == 0 || stepsDone == config.steps()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("type", "train");
                        m.put("step", stepsDone);
                        m.put("loss", window == 0 ? null : windowLoss / window);
                        m.put("lr", r.lr());
                        m.put("skipped_total", est.skippedSteps());
                        m.put("g_abs_mean", gCount == 0 ? null : gAbsSum / gCount);   // |g| over the window's directions
                        m.put("g_abs_max", gCount == 0 ? null : gAbsMax);
                        m.put("steps_per_s", window / Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9));
                        m.put("rss_bytes", Memory.rss());            // the soak benchmark's samples (flat over a run)
                        m.put("c_heap_bytes", Memory.cHeapInUse());
                        if (writes) metrics.write(m);
                        Plot.remember(history, m);
                        windowLoss = 0;
                        window = 0;
                        gAbsSum = 0;
                        gAbsMax = 0;
                        gCount = 0;
                        windowStart = System.nanoTime();
                    }
                    if (stepsDone % config.evalEvery() == 0 || stepsDone == config.steps()) evaluate(stepsDone, metrics);
                }
            }
            placement.toHost();
            if (!writes) return new Summary(Map.of());
            Checkpoint.write(runDir.resolve(RunFiles.MODEL), model,
                    Checkpoint.keys(config, config.steps(), base.getFileName().toString()));
            Plot.write(runDir.resolve(RunFiles.PLOT), data.name() + " / " + config.method().cliName(), history);
            Map<String, Object> sum = new LinkedHashMap<>();
            sum.put("task", data.name());
            sum.put("method", config.method().cliName());
            sum.put("steps", config.steps());
            sum.put("best_by", config.bestBy());
            sum.put("best_step", bestStep);
            sum.put("best_dev", Double.isNaN(bestValue) ? null : bestValue);
            sum.put("test_accuracy_at_best", Double.isNaN(bestTest) ? null : bestTest);
            sum.put("final_dev_accuracy", Double.isNaN(lastDev) ? null : lastDev);
            sum.put("final_test_accuracy", Double.isNaN(lastTest) ? null : lastTest);
            sum.put("skipped_steps", est.skippedSteps());
            sum.put("trained_fraction", trainables.realizedFraction(model.weights()));
            sum.put("weights_bytes", model.weights().totalBytes());
            sum.put("compute_buffer_bytes", pm.computeBytes());
            sum.put("device", placement.description());
            sum.put("device_weights_bytes", placement.deviceBytes());
            sum.put("predicted_peak_rss_bytes", plan.total());
            sum.put("peak_rss_bytes", Memory.peakRss());
            sum.put("seconds", (System.nanoTime() - started) / 1e9);
            if (exchange.summary() != null) sum.put("parallel", exchange.summary());
            RunFiles.writeJson(runDir.resolve(RunFiles.SUMMARY), sum);
            return new Summary(sum);
        }

        void refreshIfDue(long step) {
            if (!config.refreshesAt(step)) return;
            placement.toHost();
            trainables.refreshThresholds(model.weights(), threads);
        }

        void evaluate(long stepsDone, MetricsLog metrics) throws IOException {
            Evaluator.Result d = data.evaluate(pm, false);
            Evaluator.Result t = testEvaluations ? data.evaluate(pm, true) : null;
            placement.toHost();   // the masks are counted on the host copy
            double[] perTensor = trainables.realizedFractions(model.weights());
            double fraction = trainables.overallFraction(perTensor);
            Map<String, Object> fractions = new LinkedHashMap<>();
            for (int i = 0; i < perTensor.length; i++) fractions.put(trainables.trained().get(i).entry().name(), perTensor[i]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "eval");
            m.put("step", stepsDone);
            if (d != null) {
                m.put("dev_loss", Json.finiteOrNull(d.loss()));
                for (var e : d.metrics().entrySet()) m.put("dev_" + e.getKey(), e.getValue());
            }
            if (t != null) {
                m.put("test_loss", Json.finiteOrNull(t.loss()));
                for (var e : t.metrics().entrySet()) m.put("test_" + e.getKey(), e.getValue());
            }
            m.put("trained_fraction", fraction);
            m.put("trained_fraction_per_tensor", fractions);
            if (metrics == null) return;   // a rank other than 0: it evaluated its share, rank 0 writes
            metrics.write(m);
            Plot.remember(history, m);
            boolean improved = track(m);
            if (improved && stepsDone > 0) {   // the host copy is current: refreshed above for the masks
                Checkpoint.write(runDir.resolve(RunFiles.BEST), model,
                        Checkpoint.keys(config, stepsDone, base.getFileName().toString()));
            }
            listener.eval(stepsDone, d, t, fraction);
        }

        /** Updates the last and best dev figures from an eval record; true when it is a new best. */
        boolean track(Map<String, Object> m) {
            lastDev = num(m.get("dev_accuracy"));
            lastTest = num(m.get("test_accuracy"));
            double score = config.bestBy().equals("loss") ? -num(m.get("dev_loss")) : lastDev;
            if (Double.isNaN(score)) return false;
            if (Double.isNaN(best) || score > best) {
                best = score;
                bestValue = config.bestBy().equals("loss") ? num(m.get("dev_loss")) : lastDev;
                bestStep = ((Number) m.get("step")).longValue();
                bestTest = lastTest;
                return true;
            }
            return false;
        }
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
