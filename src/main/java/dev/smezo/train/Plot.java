package dev.smezo.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's curves as one SVG: training loss (left) and dev/test accuracy (right) against steps,
 * drawn from the metrics records. Plain SVG 1.1, viewable in any browser, no dependencies.
 */
public final class Plot {
    private static final int PANEL = 400, PAD = 60;

    /** A named series of (step, value) points with a colour. */
    public record Series(String name, String colour, List<double[]> points) {}

    /**
     * Records of each kind (train, eval) a run keeps for its plot: when the history reaches twice this,
     * every second record of a kind holding this many goes, so a run's memory does not grow with its
     * steps (a 100,000-step run logs 10,000 training records) while a 400-pixel panel still gets more
     * points than pixels. Only the plotted keys are kept.
     */
    static final int MAX_POINTS = 2000;
    private static final List<String> PLOTTED = List.of("type", "step", "loss", "dev_loss", "dev_accuracy", "test_accuracy");

    private Plot() {}

    /** Appends a metrics record's plotted values to a run's history, thinning it as said above. */
    static void remember(List<Map<String, Object>> history, Map<String, Object> record) {
        Map<String, Object> slim = new LinkedHashMap<>();
        for (String k : PLOTTED) if (record.containsKey(k)) slim.put(k, record.get(k));
        history.add(slim);
        if (history.size() < 2 * MAX_POINTS) return;
        Map<Object, Integer> count = new HashMap<>();
        for (Map<String, Object> m : history) count.merge(m.get("type"), 1, Integer::sum);
        Map<Object, Integer> seen = new HashMap<>();
        List<Map<String, Object>> kept = new ArrayList<>(history.size());
        for (Map<String, Object> m : history) {
            int nth = seen.merge(m.get("type"), 1, Integer::sum);
            if (count.get(m.get("type")) < MAX_POINTS || nth % 2 == 1 || m == slim) kept.add(m);   // the first and the newest stay
        }
        history.clear();
        history.addAll(kept);
    }

    public static void write(Path file, String title, List<Map<String, Object>> history) throws IOException {
        List<double[]> loss = new ArrayList<>(), devLoss = new ArrayList<>(), dev = new ArrayList<>(), test = new ArrayList<>();
        for (Map<String, Object> m : history) {
            double step = Trainer.num(m.get("step"));
            if ("train".equals(m.get("type")) && m.get("loss") != null) loss.add(new double[] {step, Trainer.num(m.get("loss"))});
            if ("eval".equals(m.get("type"))) {
                if (m.get("dev_loss") != null) devLoss.add(new double[] {step, Trainer.num(m.get("dev_loss"))});
                if (m.get("dev_accuracy") != null) dev.add(new double[] {step, Trainer.num(m.get("dev_accuracy"))});
                if (m.get("test_accuracy") != null) test.add(new double[] {step, Trainer.num(m.get("test_accuracy"))});
            }
        }
        RunFiles.writeAtomically(file, svg(title,
                List.of(new Series("train loss", "#d62728", loss), new Series("dev loss", "#9467bd", devLoss)),
                List.of(new Series("dev accuracy", "#1f77b4", dev), new Series("test accuracy", "#2ca02c", test))));
    }

    /** Two panels: left series share one y axis, right series another (accuracy: a percent axis). */
    public static String svg(String title, List<Series> left, List<Series> right) {
        return svg(title, List.of(new Panel("loss", false, left, List.of()), new Panel("accuracy", true, right, List.of())));
    }

    /** A band: the area between two curves over the same steps (a seed spread), drawn under the series. */
    public record Band(String colour, List<double[]> low, List<double[]> high) {}

    /** One panel: its y label, whether y is a fraction shown in percent, its series and bands. */
    public record Panel(String yLabel, boolean percent, List<Series> series, List<Band> bands) {}

    /**
     * Panels side by side, each with round tick values and gridlines, and its legend below it, where it
     * cannot cover a curve.
     */
    public static String svg(String title, List<Panel> panels) {
        int legendRows = 0;
        for (Panel p : panels) legendRows = Math.max(legendRows, p.series().size());
        int width = PAD + panels.size() * (PANEL + PAD + 20), height = 40 + PLOT_H + 50 + 16 * legendRows + 10;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                width / 2, escape(title)));
        for (int i = 0; i < panels.size(); i++) panel(sb, PAD + i * (PANEL + PAD + 20), panels.get(i));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static final int PLOT_H = 270;

    /** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about {@code target} of them. */
    static double[] ticks(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double f : new double[] {1, 2, 5, 10}) {
            step = f * mag;
            if (step >= raw) break;
        }
        double first = Math.floor(lo / step + 1e-9) * step, last = Math.ceil(hi / step - 1e-9) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] t = new double[n];
        double scale = Math.pow(10, Math.max(0, 1 - (int) Math.floor(Math.log10(step))));   // 0.69, not 0.6900000000000001
        for (int i = 0; i < n; i++) t[i] = Math.round((first + i * step) * scale) / scale;
        return t;
    }

    private static String tickLabel(double v, double step, boolean percent) {
        if (percent) return String.format(Locale.ROOT, step * 100 >= 1 ? "%.0f%%" : "%.1f%%", v * 100);
        if (Math.abs(v) < step * 1e-6) return "0";
        if (Math.abs(v) >= 10000) return String.format(Locale.ROOT, "%,.0f", v);
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void panel(StringBuilder sb, int x0, Panel panel) {
        int y0 = 40, h = PLOT_H;
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        List<List<double[]>> all = new ArrayList<>();
        for (Series s : panel.series()) all.add(s.points());
        for (Band b : panel.bands()) {
            all.add(b.low());
            all.add(b.high());
        }
        for (List<double[]> pts : all) {
            for (double[] p : pts) {
                if (!Double.isFinite(p[1])) continue;
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (minX > maxX) {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }
        if (maxX == minX) maxX = minX + 1;
        if (maxY == minY) {
            double pad = Math.max(1e-3, Math.abs(maxY) * 0.1);
            minY -= pad;
            maxY += pad;
        }
        if (panel.percent()) {   // accuracy: a round range inside [0, 1]
            minY = Math.max(0, minY);
            maxY = Math.min(1, maxY);
        }
        minX = Math.min(0, minX);
        double[] xt = ticks(minX, maxX, 5), yt = ticks(minY, maxY, 5);
        double x1 = xt[xt.length - 1], ylo = yt[0], yhi = yt[yt.length - 1];
        minX = xt[0];
        double fx = PANEL / (x1 - minX), fy = h / (yhi - ylo);
        sb.append(String.format(Locale.ROOT, "<g>%n"));
        double ystep = yt.length > 1 ? yt[1] - yt[0] : 1, xstep = xt.length > 1 ? xt[1] - xt[0] : 1;
        for (double v : yt) {
            double y = y0 + h - (v - ylo) * fy;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n", x0, y, x0 + PANEL, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 - 5, y + 4,
                    tickLabel(v, ystep, panel.percent())));
        }
        for (double v : xt) {
            double x = x0 + (v - minX) * fx;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n", x, y0, x, y0 + h));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, y0 + h + 16,
                    tickLabel(v, xstep, false)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                x0, y0, PANEL, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n", x0 + PANEL / 2, y0 + h + 32));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>%n",
                x0 - 45, y0 + h / 2, x0 - 45, y0 + h / 2, escape(panel.yLabel())));
        for (Band b : panel.bands()) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : b.low()) pts.append(point(x0, y0, h, minX, fx, ylo, fy, p));
            for (int i = b.high().size() - 1; i >= 0; i--) pts.append(point(x0, y0, h, minX, fx, ylo, fy, b.high().get(i)));
            sb.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" points=\"%s\"/>%n",
                    b.colour(), pts.toString().trim()));
        }
        int legend = 0;
        for (Series s : panel.series()) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) if (Double.isFinite(p[1])) pts.append(point(x0, y0, h, minX, fx, ylo, fy, p));
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.colour(), pts.toString().trim()));
            int ly = y0 + h + 50 + 16 * legend++;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    x0, ly - 4, x0 + 20, ly - 4, s.colour()));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x0 + 26, ly, escape(s.name())));
        }
        sb.append("</g>\n");
    }

    private static String point(int x0, int y0, int h, double minX, double fx, double ylo, double fy, double[] p) {
        return String.format(Locale.ROOT, "%.1f,%.1f ", x0 + (p[0] - minX) * fx, y0 + h - (p[1] - ylo) * fy);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
