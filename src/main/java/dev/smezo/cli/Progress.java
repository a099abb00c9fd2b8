package dev.smezo.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar on a terminal, otherwise a plain line at most every
 * {@code plainEveryMillis} (so logs of non-interactive runs stay readable).
 */
public final class Progress {
    private final PrintStream err;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private final long plainEveryMillis;
    private long lastDraw;

    public Progress(String label, long total) {
        this(System.err, label, total, isTerminal(), 10_000);
    }

    Progress(PrintStream err, String label, long total, boolean terminal, long plainEveryMillis) {
        this.err = err;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = terminal;
        this.plainEveryMillis = plainEveryMillis;
    }

    /** Is stderr a terminal? (JDK 22's Console.isTerminal; System.console() alone is not enough.) */
    public static boolean isTerminal() {
        var c = System.console();
        return c != null && c.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    public boolean terminal() {
        return terminal;
    }

    /** Reports {@code done} of total, with an extra status text (loss, accuracy...). */
    public synchronized void update(long done, String status) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (terminal) {
            if (!last && now - lastDraw < 100_000_000L) return;
        } else if (!last && now - lastDraw < plainEveryMillis * 1_000_000L) {
            return;
        }
        lastDraw = now;
        double secs = (now - started) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        String eta = done > 0 && !last ? " eta " + duration((total - done) / rate) : "";
        String pct = String.format(Locale.ROOT, "%3d%%", (int) (100.0 * done / total));
        if (terminal) {
            int width = 24;
            int filled = (int) (width * Math.min(1.0, (double) done / total));
            String bar = "#".repeat(filled) + "-".repeat(width - filled);
            err.print("\r\033[K" + label + " [" + bar + "] " + pct + " " + done + "/" + total + " "
                    + status + " " + duration(secs) + eta);
            if (last) err.println();
        } else {
            err.println(label + " " + pct + " " + done + "/" + total + " " + status + " " + duration(secs) + eta);
        }
        err.flush();
    }

    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
