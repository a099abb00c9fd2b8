package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pictures' axes: round ticks covering the data, percent for accuracy, legends below the curves. */
class PlotAxesTest {
    @Test
    void ticksAreRoundAndCoverTheData() {
        assertArrayEquals(new double[] {0, 200, 400, 600, 800, 1000}, Plot.ticks(0, 1000, 5), 1e-9);
        assertArrayEquals(new double[] {0.4, 0.6, 0.8, 1.0}, Plot.ticks(0.413, 0.97, 5), 1e-9);
        for (double[] range : new double[][] {{0.0123, 0.0789}, {3, 20001}, {-1.7, 2.2}, {0.69, 0.7}}) {
            double[] t = Plot.ticks(range[0], range[1], 5);
            assertTrue(t[0] <= range[0] && t[t.length - 1] >= range[1], java.util.Arrays.toString(t));
            double step = t[1] - t[0];
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
            assertTrue(List.of(1.0, 2.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-6), "step " + step);
            assertTrue(t.length >= 3 && t.length <= 12, java.util.Arrays.toString(t));
        }
    }

    @Test
    void percentAxisAndALegendBelowThePanel() {
        List<double[]> acc = List.of(new double[] {0, 0.5}, new double[] {500, 0.83}, new double[] {1000, 0.97});
        String svg = Plot.svg("t", List.of(new Plot.Panel("accuracy", true,
                List.of(new Plot.Series("mezo", "#1f77b4", acc), new Plot.Series("smezo", "#d62728", acc)),
                List.of(new Plot.Band("#1f77b4", acc, acc)))));
        assertTrue(svg.contains(">50%<") && svg.contains(">100%<"), svg);
        assertTrue(svg.contains(">1000<") && svg.contains("<polygon"), svg);
        Matcher frame = Pattern.compile("<rect x=\"\\d+\" y=\"(\\d+)\" width=\"\\d+\" height=\"(\\d+)\" fill=\"none\"").matcher(svg);
        assertTrue(frame.find(), svg);
        int bottom = Integer.parseInt(frame.group(1)) + Integer.parseInt(frame.group(2));
        for (String name : List.of("mezo", "smezo")) {
            Matcher m = Pattern.compile("<text x=\"\\d+\" y=\"(\\d+)\">" + name + "</text>").matcher(svg);
            assertTrue(m.find(), name + " in the legend");
            assertTrue(Integer.parseInt(m.group(1)) > bottom + 30, "legend below the x axis labels: " + name);
        }
    }
}
