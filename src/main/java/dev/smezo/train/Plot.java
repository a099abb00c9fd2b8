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
    private static final int W = 960, H = 360, PANEL = 400, PAD = 60;

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

    /** Two panels: left series share one y axis, right series another. */
    public static String svg(String title, List<Series> left, List<Series> right) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                W / 2, escape(title)));
        panel(sb, PAD, left, "loss");
        panel(sb, PAD + PANEL + PAD, right, "accuracy");
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void panel(StringBuilder sb, int x0, List<Series> series, String yLabel) {
        int y0 = 40, h = H - 90;
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
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
        double span = maxY - minY;
        if (span == 0) span = Math.max(1e-3, Math.abs(maxY) * 0.1);
        minY -= 0.05 * span;
        maxY += 0.05 * span;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                x0, y0, PANEL, h));
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            int y = y0 + h - h * i / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>%n", x0 - 4, y + 4, v));
            double sx = minX + (maxX - minX) * i / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    x0 + PANEL * i / 4, y0 + h + 16, sx));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n", x0 + PANEL / 2, y0 + h + 32));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>%n",
                x0 - 50, y0 + h / 2, x0 - 50, y0 + h / 2, yLabel));
        int legend = 0;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                double x = x0 + (p[0] - minX) / (maxX - minX) * PANEL;
                double y = y0 + h - (p[1] - minY) / (maxY - minY) * h;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.colour(), pts.toString().trim()));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    x0 + 8, y0 + 16 + 16 * legend++, s.colour(), escape(s.name())));
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
