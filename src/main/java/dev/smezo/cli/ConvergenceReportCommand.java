package dev.smezo.cli;

import dev.smezo.json.Json;
import dev.smezo.train.Plot;
import dev.smezo.train.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * benchmarks/convergence.sh's report: from its run directories (WORK/TASK/ARM/lr-LR-sSEED) a markdown
 * table per task and an SVG of test accuracy against steps with seed bands. Hidden: a benchmark's tool.
 */
@Command(name = "convergence-report", hidden = true, mixinStandardHelpOptions = true,
        description = "Tables and a picture from benchmarks/convergence.sh's run directories.")
final class ConvergenceReportCommand implements Callable<Integer> {
    static final String[] COLOURS = {"#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#17becf", "#9467bd", "#8c564b", "#e377c2"};

    @Parameters(paramLabel = "TASK", description = "Tasks, in the order of the report.")
    List<String> tasks;

    @Option(names = "--work", required = true, description = "The benchmark's WORK directory.")
    Path work;

    @Option(names = "--out", required = true, description = "The markdown file; the picture goes beside it (.svg).")
    Path out;

    @Option(names = "--steps", required = true, description = "Steps of every run.")
    long steps;

    @Option(names = "--command", defaultValue = "", description = "The command that made the runs, for the report.")
    String command;

    /** One finished run: its evaluations as (step, test accuracy, dev loss, trained fraction). */
    record Run(String lr, long seed, List<double[]> evals) {
        double finalDevLoss() {
            return evals.isEmpty() ? Double.POSITIVE_INFINITY : evals.get(evals.size() - 1)[2];
        }
    }

    /** An arm's runs: its seed-0 grid (lr -> final dev loss, +inf when diverged) and its seeds at the best lr. */
    record Arm(String name, Map<Double, Double> grid, String bestLr, List<Run> seeds) {}

    @Override
    public Integer call() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Convergence on stories260K: MeZO, S-MeZO, R-MeZO and the large-weights control\n\n");
        md.append("- Machine: ").append(machine()).append(" (steps, not seconds, are the measure here).\n");
        md.append("- Command: `").append(command).append("`; every arm at its best lr (lowest final dev loss of the seed-0 grid), ")
                .append("then every seed at that lr. ").append(steps).append(" steps, batch 16, eps 1e-3, 200 dev / 500 test examples, ")
                .append("evaluated every ").append(steps / 10).append(" steps.\n");
        md.append("- Accuracy: test, mean ± sample standard deviation over the seeds (n: seeds finished); best: the highest ")
                .append("test accuracy of any evaluation; steps to X: the first evaluation at or above X, mean over the seeds ")
                .append("that reach it (k/n reach it).\n\n");
        List<Plot.Panel> panels = new ArrayList<>();
        for (String task : tasks) {
            List<Arm> arms = arms(work.resolve(task));
            if (arms.isEmpty()) continue;
            double top = 0;
            for (Arm a : arms) top = Math.max(top, mean(a.seeds.stream().map(r -> last(r)[1]).toList()));
            double target = Math.floor(top * 0.95 * 100) / 100;
            md.append("## ").append(task).append("\n\n");
            md.append(String.format(Locale.ROOT, "| arm | lr | final test acc | best test acc | steps to %.0f%% | trained fraction (start -> end) | n |%n",
                    100 * target));
            md.append("|---|---|---|---|---|---|---|\n");
            for (Arm a : arms) {
                List<Double> fin = a.seeds.stream().map(r -> last(r)[1]).toList();
                List<Double> best = a.seeds.stream().map(r -> r.evals.stream().mapToDouble(e -> e[1]).max().orElse(Double.NaN)).toList();
                List<Double> reach = new ArrayList<>();
                for (Run r : a.seeds) {
                    for (double[] e : r.evals) {
                        if (e[1] >= target) {
                            reach.add(e[0]);
                            break;
                        }
                    }
                }
                double f0 = mean(a.seeds.stream().map(r -> r.evals.get(0)[3]).toList()), f1 = mean(a.seeds.stream().map(r -> last(r)[3]).toList());
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s (%d/%d) | %.3f -> %.3f | %d |%n", a.name, a.bestLr,
                        pm(fin), pm(best), reach.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", mean(reach)), reach.size(),
                        a.seeds.size(), f0, f1, a.seeds.size()));
            }
            md.append("\nThe lr grid (seed 0, final dev loss; `div`: diverged):\n\n| arm |");
            TreeMap<Double, Boolean> lrs = new TreeMap<>();
            for (Arm a : arms) for (double lr : a.grid.keySet()) lrs.put(lr, true);
            for (double lr : lrs.keySet()) md.append(' ').append(SweepCommand.num(lr)).append(" |");
            md.append("\n|---|").append("---|".repeat(lrs.size())).append('\n');
            for (Arm a : arms) {
                md.append("| ").append(a.name).append(" |");
                for (double lr : lrs.keySet()) {
                    Double v = a.grid.get(lr);
                    String cell = v == null ? "" : v.isInfinite() ? "div" : String.format(Locale.ROOT, "%.4f", v);
                    if (v != null && SweepCommand.num(lr).equals(a.bestLr)) cell = "**" + cell + "**";
                    md.append(' ').append(cell).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
            panels.add(panel(task, arms));
        }
        Path svg = Path.of(out.toString().replaceFirst("\\.md$", "") + ".svg");
        md.append("![test accuracy against steps, mean over the seeds with their range](").append(svg.getFileName()).append(")\n");
        RunFiles.writeAtomically(svg, Plot.svg("test accuracy (mean over seeds, band: min to max)", panels));
        RunFiles.writeAtomically(out, md.toString());
        System.out.print(md);
        return Main.EXIT_OK;
    }

    private static Plot.Panel panel(String task, List<Arm> arms) {
        List<Plot.Series> series = new ArrayList<>();
        List<Plot.Band> bands = new ArrayList<>();
        for (int i = 0; i < arms.size(); i++) {
            Arm a = arms.get(i);
            String c = COLOURS[i % COLOURS.length];
            int n = a.seeds.stream().mapToInt(r -> r.evals.size()).min().orElse(0);
            List<double[]> mean = new ArrayList<>(), lo = new ArrayList<>(), hi = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                final int kk = k;
                List<Double> v = a.seeds.stream().map(r -> r.evals.get(kk)[1]).toList();
                double step = a.seeds.get(0).evals.get(k)[0];
                mean.add(new double[] {step, mean(v)});
                lo.add(new double[] {step, v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)});
                hi.add(new double[] {step, v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)});
            }
            series.add(new Plot.Series(a.name + " (lr " + a.bestLr + ")", c, mean));
            if (a.seeds.size() > 1) bands.add(new Plot.Band(c, lo, hi));
        }
        return new Plot.Panel(task + ": test accuracy", true, series, bands);
    }

    private List<Arm> arms(Path taskDir) throws IOException {
        List<Arm> arms = new ArrayList<>();
        if (!Files.isDirectory(taskDir)) return arms;
        List<Path> dirs;
        try (Stream<Path> s = Files.list(taskDir)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (String name : ARM_ORDER) {
            for (Path d : dirs) if (d.getFileName().toString().equals(name)) arms.add(arm(d));
        }
        for (Path d : dirs) if (!ARM_ORDER.contains(d.getFileName().toString())) arms.add(arm(d));
        arms.removeIf(a -> a.seeds.isEmpty());
        return arms;
    }

    static final List<String> ARM_ORDER = List.of("mezo", "smezo-0.5", "smezo-0.5-refresh", "smezo-0.8", "smezo-0.8-refresh",
            "rmezo-0.8", "large-0.8");

    private static Arm arm(Path dir) throws IOException {
        Map<Double, Double> grid = new TreeMap<>();
        Map<String, Map<Long, Run>> byLr = new LinkedHashMap<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            String f = p.getFileName().toString();
            var m = java.util.regex.Pattern.compile("lr-(.+)-s(\\d+)(\\.failed)?").matcher(f);
            if (!m.matches()) continue;
            String lr = m.group(1);
            long seed = Long.parseLong(m.group(2));
            if (m.group(3) != null) {
                if (seed == 0) grid.put(Double.parseDouble(lr), Double.POSITIVE_INFINITY);
                continue;
            }
            if (!Files.exists(p.resolve(RunFiles.SUMMARY))) continue;
            Run r = new Run(lr, seed, evals(p.resolve(RunFiles.METRICS)));
            byLr.computeIfAbsent(lr, k -> new TreeMap<>()).put(seed, r);
            if (seed == 0) grid.put(Double.parseDouble(lr), r.finalDevLoss());
        }
        String best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (var e : byLr.entrySet()) {
            Run r0 = e.getValue().get(0L);
            if (r0 != null && r0.finalDevLoss() < bestLoss) {
                bestLoss = r0.finalDevLoss();
                best = e.getKey();
            }
        }
        List<Run> seeds = best == null ? List.of() : new ArrayList<>(byLr.get(best).values());
        return new Arm(dir.getFileName().toString(), grid, best == null ? "-" : SweepCommand.num(Double.parseDouble(best)), seeds);
    }

    private static List<double[]> evals(Path metrics) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            if (line.isBlank()) continue;
            if (Json.parse(line) instanceof Map<?, ?> m && "eval".equals(m.get("type"))) {
                out.add(new double[] {n(m.get("step")), n(m.get("test_accuracy")), n(m.get("dev_loss")), n(m.get("trained_fraction"))});
            }
        }
        return out;
    }

    /** The CPU model and core count, from /proc/cpuinfo where there is one. */
    static String machine() {
        String cpu = System.getProperty("os.arch");
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException none) {
            // not Linux: the architecture will do
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }

    private static double n(Object o) {
        return o instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    private static double[] last(Run r) {
        return r.evals.get(r.evals.size() - 1);
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** "97.2% ± 1.3" (percent points), or "97.2%" for one value. */
    static String pm(List<Double> v) {
        double m = mean(v);
        if (v.size() < 2) return String.format(Locale.ROOT, "%.1f%%", 100 * m);
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return String.format(Locale.ROOT, "%.1f%% ± %.1f", 100 * m, 100 * Math.sqrt(ss / (v.size() - 1)));
    }
}
