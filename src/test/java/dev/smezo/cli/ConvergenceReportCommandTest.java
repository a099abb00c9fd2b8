package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** benchmarks/convergence.sh's report over hand-made run directories, against values worked out by hand. */
class ConvergenceReportCommandTest {
    @TempDir
    Path dir;

    /** A finished run: evaluations at steps 0, 50, 100 with these test accuracies and dev losses. */
    void run(String arm, String lr, int seed, double[] acc, double[] devLoss) throws Exception {
        Path d = Files.createDirectories(dir.resolve("t").resolve(arm).resolve("lr-" + lr + "-s" + seed));
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < acc.length; i++) {
            m.append(String.format(java.util.Locale.ROOT,
                    "{\"type\": \"eval\", \"step\": %d, \"dev_loss\": %s, \"test_accuracy\": %s, \"trained_fraction\": %s}%n",
                    50 * i, devLoss[i], acc[i], 0.2 - 0.01 * i));
        }
        Files.writeString(d.resolve("metrics.jsonl"), m);
        Files.writeString(d.resolve("summary.json"), "{}\n");
    }

    @Test
    void bestLrBySeedZeroDevLossThenTheSeedsStatistics() throws Exception {
        run("mezo", "1e-4", 0, new double[] {0.5, 0.7, 0.8}, new double[] {1, 0.6, 0.5});
        run("mezo", "3e-4", 0, new double[] {0.5, 0.9, 0.9}, new double[] {1, 0.4, 0.3});   // the best lr
        Files.writeString(dir.resolve("t/mezo/lr-1e-3-s0.failed"), "diverged\n");
        run("mezo", "3e-4", 1, new double[] {0.5, 0.8, 1.0}, new double[] {1, 0.5, 0.2});
        run("mezo", "3e-4", 2, new double[] {0.5, 0.6, 0.8}, new double[] {1, 0.7, 0.6});
        run("mezo", "1e-4", 1, new double[] {0.5, 0.5, 0.5}, new double[] {1, 1, 1});        // not at the best lr: left out
        Path out = dir.resolve("report.md");
        CliRunner.Result r = CliRunner.run("convergence-report", "--work", dir.toString(), "--out", out.toString(),
                "--steps", "100", "t");
        assertEquals(Main.EXIT_OK, r.exitCode(), r.err());
        String md = Files.readString(out);
        // final 0.9, 1.0, 0.8: mean 90.0%, sd 10.0; best 0.9, 1.0, 0.8 the same; target floor(0.95 * 0.9) = 85%:
        // reached at steps 50, 100, never -> mean 75 (2/3); trained fraction 0.2 -> 0.18
        assertTrue(md.contains("| mezo | 3e-4 | 90.0% ± 10.0 | 90.0% ± 10.0 | 75 (2/3) | 0.200 -> 0.180 | 3 |"), md);
        assertTrue(md.contains("steps to 85%"), md);
        assertTrue(md.contains("| mezo | 0.5000 | **0.3000** | div |"), md);
        String svg = Files.readString(dir.resolve("report.svg"));
        assertTrue(svg.contains("mezo (lr 3e-4)") && svg.contains("<polygon"), svg);
    }
}
