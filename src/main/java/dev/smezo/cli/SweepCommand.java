package dev.smezo.cli;

import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.train.Evaluator;
import dev.smezo.train.LrDefaults;
import dev.smezo.train.RunFiles;
import dev.smezo.train.Trainer;
import dev.smezo.train.TrainConfig;
import dev.smezo.train.Trajectory;
import dev.smezo.zo.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep",
        description = {
            "Find the learning rate (and eps) for MODEL on a task without a full grid search: one short probe run "
                    + "per value, each stopped early when its dev loss rises above the start or its losses stop being "
                    + "finite, ranked by dev loss after --steps. Prints the table and the `smezo train` command it "
                    + "recommends. Every probe is a normal run directory (OUT/lr-LR-eps-EPS), so the chosen one "
                    + "continues into the full run with --resume; a sweep run again reuses its finished probes.",
            "",
            "The default grid is five values of the 1-3 series (1e-4, 3e-4, 1e-3, ...) around the lr smezo would "
                    + "start from for this model's size and method (`smezo train --lr auto`; README, \"Choosing the learning rate\").",
            "",
            "Examples:",
            "  smezo sweep stories260K.gguf --task tinystories-feelings",
            "  smezo sweep model.gguf --task rte --lr 1e-7,3e-7,1e-6 --eps 1e-3,1e-4 --steps 200",
            "  smezo sweep model.gguf --data chats.jsonl -- --micro-batch 4 --max-length 512   (after --: options of every probe's train)"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class SweepCommand implements Callable<Integer> {
    /** A probe stops when its dev loss is this much above the loss before training. */
    static final double RISE = 0.02;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Base GGUF model.")
    Path model;

    @Parameters(index = "1..*", paramLabel = "TRAIN_OPTION", description = "After --: more `smezo train` options for every probe.")
    List<String> trainOptions = new ArrayList<>();

    @Option(names = "--task", description = "Built-in task (see `smezo tasks`) or a task JSON file.")
    String task;

    @Option(names = "--data", paramLabel = "FILE.jsonl", description = "Your JSONL data instead of a task (see `smezo train --help`).")
    Path data;

    @Option(names = "--method", defaultValue = "smezo", description = "smezo, mezo, rmezo or smezo-large (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--lr", split = ",", paramLabel = "LR,LR,...", hideParamSyntax = true, description = "Learning rates to probe (default: five "
            + "around the model's default).")
    List<Double> lrs;

    @Option(names = "--eps", split = ",", paramLabel = "EPS,EPS,...", hideParamSyntax = true, defaultValue = "1e-3",
            description = "Perturbation scales to probe (default: ${DEFAULT-VALUE}).")
    List<Double> epss;

    @Option(names = "--steps", defaultValue = "100", description = "Steps per probe (default: ${DEFAULT-VALUE}); the dev "
            + "loss is measured 4 times on the way.")
    long steps;

    @Option(names = "--run-steps", defaultValue = "20000", description = "Steps of the run the lr is for (default: "
            + "${DEFAULT-VALUE}, train's). A probe ranks lrs over its own --steps; the lr for a run T times longer is "
            + "smaller: the best probe's lr is scaled by sqrt(steps / run-steps), the step size of SGD for a fixed horizon "
            + "(in benchmarks/results/sweep.md it lands within a factor of 3 of a full grid's best).")
    long runSteps;

    @Option(names = "--out", description = "Directory of the probes (default: runs/sweep-MODEL-TASK-METHOD).")
    Path out;

    @Option(names = {"-t", "--threads"}, description = "CPU threads for ggml (default: all cores).")
    Integer threads;

    /** The task's name, or the --data file's. */
    private String name;

    @Override
    public Integer call() throws Exception {
        if ((task == null) == (data == null)) throw new CliException(Main.EXIT_USAGE, "sweep needs --task or --data FILE.jsonl (one of them)");
        Method m = TrainCommand.parseMethod(method);
        if (steps < 4) throw new CliException(Main.EXIT_USAGE, "--steps must be >= 4 (the dev loss is measured every steps/4): " + steps);
        if (lrs == null) {
            long parameters;
            try (Model opened = Model.open(model)) {
                parameters = opened.weights().totalElements();
            }
            lrs = LrDefaults.grid(LrDefaults.forModel(m, parameters), 5);
        }
        for (double lr : lrs) if (!(lr > 0) || !Double.isFinite(lr)) throw new CliException(Main.EXIT_USAGE, "--lr values must be > 0: " + lr);
        for (double e : epss) if (!(e > 0) || !Double.isFinite(e)) throw new CliException(Main.EXIT_USAGE, "--eps values must be > 0: " + e);
        for (List<Double> v : List.of(lrs, epss)) {
            if (v.stream().map(SweepCommand::num).distinct().count() < v.size()) {
                throw new CliException(Main.EXIT_USAGE, "--lr and --eps values must differ in their first 3 digits "
                        + "(they name the probes' directories): " + join(v));
            }
        }
        name = task != null ? task : TrainConfig.nameOf(data);
        String stem = model.getFileName().toString().replaceFirst("\\.gguf$", "");
        Path dir = out != null ? out : Path.of("runs", ("sweep-" + stem + "-" + name + "-" + m.cliName()).replaceAll("[^A-Za-z0-9_.-]", "_"));
        Files.createDirectories(dir);
        System.err.printf(Locale.ROOT, "smezo sweep: %s on %s, %s, lr %s x eps %s, %d steps each -> %s%n", model, name,
                m.cliName(), join(lrs), join(epss), steps, dir);
        List<Probe> probes = new ArrayList<>();
        for (double eps : epss) {
            for (double lr : lrs) {
                Probe p = run(new Probe(lr, eps, dir.resolve(String.format(Locale.ROOT, "lr-%s-eps-%s", num(lr), num(eps)))), m);
                probes.add(p);
                System.err.println(p.line());
            }
        }
        List<Probe> ranked = new ArrayList<>(probes);
        ranked.sort(Comparator.comparingInt((Probe p) -> p.status.equals("ok") ? 0 : 1).thenComparingDouble(Probe::rankLoss));
        System.out.print(table(ranked));
        Probe best = ranked.get(0);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) rows.add(ranked.get(i).toMap(i + 1));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.toString());
        json.put("task", name);
        json.put("method", m.cliName());
        json.put("steps", steps);
        json.put("probes", rows);
        json.put("best", best.status.equals("ok") ? best.toMap(1) : null);
        double lr = best.status.equals("ok") ? forRun(best.lr) : Double.NaN;
        json.put("run_steps", runSteps);
        json.put("recommended_lr", Json.finiteOrNull(lr));
        RunFiles.writeJson(dir.resolve("sweep.json"), json);
        if (!best.status.equals("ok")) {
            System.out.printf(Locale.ROOT, "%nno probe lowered the dev loss: every lr diverged or made it rise; try smaller "
                    + "ones (--lr %s) or more --steps%n", num(lrs.stream().mapToDouble(Double::doubleValue).min().orElse(1e-6) / 10));
            return Main.EXIT_DIVERGED;
        }
        if (best.lr == lrs.stream().mapToDouble(Double::doubleValue).max().orElseThrow() && lrs.size() > 1) {
            System.out.println("\nnote: the best lr is the largest probed; a larger one may be better still (--lr to extend the grid)");
        } else if (best.lr == lrs.stream().mapToDouble(Double::doubleValue).min().orElseThrow() && lrs.size() > 1
                && probes.stream().allMatch(p -> p.status.equals("ok"))) {   // larger ones learned, only slower
            System.out.println("\nnote: the best lr is the smallest probed; a smaller one may be better still (--lr to extend the grid)");
        }
        if (lr != best.lr) {
            System.out.printf(Locale.ROOT, "%nthe best probe's lr, %s over %d steps, scaled by sqrt(%d / %d) for a %d-step run: %s%n",
                    num(best.lr), steps, steps, runSteps, runSteps, num(lr));
        }
        System.out.printf(Locale.ROOT, "%nrecommended: smezo train %s %s --method %s --lr %s --eps %s --steps %d%s%n",
                model, task != null ? "--task " + task : "--data " + data, m.cliName(), num(lr), num(best.eps), runSteps, extra());
        for (Probe p : probes) {
            if (p.lr == lr && p.eps == best.eps && !p.status.equals("diverged")) {
                System.out.printf(Locale.ROOT, "or continue its probe: smezo train %s --resume %s --steps %d --eval-every %d%n",
                        model, p.dir, runSteps, Math.max(1, runSteps / 5));
            }
        }
        System.out.printf(Locale.ROOT, "(%s)%n", dir.resolve("sweep.json"));
        return Main.EXIT_OK;
    }

    /**
     * The lr for a run of --run-steps: SGD's best constant step for a horizon of T steps shrinks as
     * 1/sqrt(T) (Ghadimi and Lan 2013 for zeroth-order SGD), so the best lr over the probes' horizon is
     * scaled by sqrt(steps / run-steps), rounded to the 1-3 series, never above the probe's own.
     */
    double forRun(double probeLr) {
        if (runSteps <= steps) return probeLr;
        return Math.min(probeLr, LrDefaults.roundToSeries(probeLr * Math.sqrt((double) steps / runSteps)));
    }

    private String extra() {
        return trainOptions.isEmpty() ? "" : " " + String.join(" ", trainOptions);
    }

    /** One probe: a normal `smezo train` run directory, resumed or reused when it is there already. */
    private Probe run(Probe p, Method m) throws IOException {
        List<String> args = new ArrayList<>(List.of(model.toString(), "--method", m.cliName(), "--lr", num(p.lr), "--eps", num(p.eps),
                "--steps", String.valueOf(steps), "--eval-every", String.valueOf(steps / 4), "--out", p.dir.toString(), "--overwrite"));
        if (task != null) args.addAll(List.of("--task", task));
        else args.addAll(List.of("--data", data.toString()));
        if (threads != null) args.addAll(List.of("-t", String.valueOf(threads)));
        args.addAll(trainOptions);
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args.toArray(String[]::new));
        TrainConfig config = train.configFromOptions(name);
        Path traj = p.dir.resolve(Trajectory.FILE);
        boolean resume = Files.exists(traj);
        boolean finished = false;
        if (resume) {   // a probe of an earlier sweep: reused when it is this one, continued when it is shorter
            Trajectory.Log log = Trajectory.read(traj);
            TrainConfig saved = log.config();
            if (!config.continues(saved)) {
                throw new CliException(Main.EXIT_USAGE, p.dir + " holds a probe with other options (" + saved
                        + "); use another --out");
            }
            try (Model opened = Model.open(model)) {
                log.requireBase(opened.weights(), model, traj);   // another base model: refused, naming both
            }
            if (log.steps().size() > steps) {
                throw new CliException(Main.EXIT_USAGE, p.dir + " holds a probe of " + log.steps().size() + " steps, more than --steps "
                        + steps + "; use another --out, or --steps " + log.steps().size());
            }
            finished = saved.steps() == steps && Files.exists(p.dir.resolve(RunFiles.SUMMARY));
        }
        ProbeListener listener = new ProbeListener(p, readEvals(p.dir));
        if (Files.exists(p.dir.resolve(DIVERGED))) {
            p.status = "diverged";
        } else if (!listener.rose() && !finished) {
            try {
                new Trainer(model, train.data.resolve(), config, p.dir, train.threads.resolve(), listener, train.device.device)
                        .memoryLimit(train.memoryLimit.resolve()).withoutTestEvaluations().run(resume);
            } catch (Stop stop) {
                // the listener's early stop: the probe's files stand as they were at that evaluation
            } catch (Trainer.DivergedException e) {
                p.status = "diverged";
                Files.writeString(p.dir.resolve(DIVERGED), e.getMessage() + "\n");   // a later sweep does not rerun it
            }
        }
        if (p.status.equals("ok") && !(p.last() < p.first())) p.status = "no gain";   // learned nothing: never recommended
        return p;
    }

    /** Marks a probe whose losses stopped being finite. */
    static final String DIVERGED = "diverged.txt";

    /** A probe's evaluations logged so far, as (step, dev loss, dev accuracy); the first is before training. */
    private static List<double[]> readEvals(Path dir) throws IOException {
        List<double[]> out = new ArrayList<>();
        Path f = dir.resolve(RunFiles.METRICS);
        if (!Files.exists(f)) return out;
        for (String line : Files.readAllLines(f)) {
            if (line.isBlank()) continue;
            Object o = Json.parse(line);
            if (o instanceof Map<?, ?> r && "eval".equals(r.get("type"))) {
                out.add(new double[] {number(r.get("step")), number(r.get("dev_loss")), number(r.get("dev_accuracy"))});
            }
        }
        return out;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Thrown by the listener to end a probe at an evaluation. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private static final class ProbeListener implements Trainer.Listener {
        final Probe probe;
        final List<Double> losses;
        long lastEval = -1;

        ProbeListener(Probe probe, List<double[]> logged) {
            this.probe = probe;
            this.losses = probe.devLosses;
            for (double[] e : logged) {
                losses.add(e[1]);
                probe.stepsDone = (long) e[0];
                probe.devAccuracy = e[2];
                lastEval = (long) e[0];
            }
            probe.update(rose());
        }

        boolean rose() {
            if (losses.size() < 2) return false;
            double first = losses.get(0), last = losses.get(losses.size() - 1);
            return !Double.isFinite(last) || last > first * (1 + RISE);
        }

        @Override
        public void message(String line) {
            if (line.startsWith("hint:")) System.err.println("  " + line);
        }

        @Override
        public void step(long stepsDone, long total, StepResult r, double dev, double test) {
            probe.stepsDone = stepsDone;
        }

        @Override
        public void eval(long stepsDone, Evaluator.Result dev, Evaluator.Result test, double fraction) {
            if (dev == null) {
                throw new CliException(Main.EXIT_USAGE, "sweep ranks its probes by dev loss, and this run has no dev set "
                        + "(with --data: give -- --dev FILE.jsonl, or more records; with a task: -- --n-dev N)");
            }
            if (stepsDone == lastEval) return;   // a resume redoing the last logged evaluation
            lastEval = stepsDone;
            if (losses.isEmpty() || stepsDone > 0) losses.add(dev == null ? Double.NaN : dev.loss());
            probe.stepsDone = stepsDone;
            probe.devAccuracy = dev == null ? Double.NaN : dev.accuracy();
            probe.update(rose());
            if (rose()) throw new Stop();
        }
    }

    /** A probe's result. */
    private static final class Probe {
        final double lr, eps;
        final Path dir;
        final List<Double> devLosses = new ArrayList<>();
        long stepsDone;
        double devAccuracy = Double.NaN;
        String status = "ok";

        Probe(double lr, double eps, Path dir) {
            this.lr = lr;
            this.eps = eps;
            this.dir = dir;
        }

        void update(boolean rose) {
            if (rose) status = Double.isFinite(last()) ? "stopped: dev loss rose" : "diverged";
        }

        double first() {
            return devLosses.isEmpty() ? Double.NaN : devLosses.get(0);
        }

        double last() {
            return devLosses.isEmpty() ? Double.NaN : devLosses.get(devLosses.size() - 1);
        }

        double rankLoss() {
            return Double.isFinite(last()) ? last() : Double.MAX_VALUE;
        }

        String line() {
            return String.format(Locale.ROOT, "  lr %-6s eps %-6s %4d steps  dev loss %s -> %s  %s", num(lr), num(eps), stepsDone,
                    f4(first()), f4(last()), status);
        }

        Map<String, Object> toMap(int rank) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank);
            m.put("lr", lr);
            m.put("eps", eps);
            m.put("steps", stepsDone);
            m.put("dev_loss_start", Json.finiteOrNull(first()));
            m.put("dev_loss", Json.finiteOrNull(last()));
            m.put("dev_accuracy", Json.finiteOrNull(devAccuracy));
            m.put("status", status);
            m.put("run_dir", dir.toString());
            return m;
        }
    }

    private static String table(List<Probe> ranked) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%nrank  lr      eps     steps  dev loss start -> end  dev acc  status%n"));
        for (int i = 0; i < ranked.size(); i++) {
            Probe p = ranked.get(i);
            b.append(String.format(Locale.ROOT, "%4d  %-6s  %-6s  %5d  %8s -> %-8s    %6s  %s%n", i + 1, num(p.lr), num(p.eps), p.stepsDone,
                    f4(p.first()), f4(p.last()), Double.isNaN(p.devAccuracy) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * p.devAccuracy),
                    p.status));
        }
        return b.toString();
    }

    private static String f4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : Double.isNaN(v) ? "-" : "inf";
    }

    /** 3e-4, 1e-3, 2.5e-5, 0.5: short and exact for the values a grid holds. */
    static String num(double v) {
        if (v == 0 || Math.abs(v) >= 0.1) return String.format(Locale.ROOT, "%.3g", v).replaceFirst("(\\.\\d*?)0+$", "$1").replaceFirst("\\.$", "");
        String e = String.format(Locale.ROOT, "%.2e", v);   // d.dde-XX
        String mant = e.substring(0, e.indexOf('e')).replaceFirst("\\.?0+$", "");
        int exp = Integer.parseInt(e.substring(e.indexOf('e') + 1));
        return mant + "e" + exp;
    }

    private static String join(List<Double> vs) {
        return String.join(",", vs.stream().map(SweepCommand::num).toList());
    }
}
