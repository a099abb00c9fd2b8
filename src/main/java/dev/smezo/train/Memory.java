package dev.smezo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory as Linux reports it (/proc/self/status). */
public final class Memory {
    private Memory() {}

    /** Peak resident set size (VmHWM), bytes; -1 where unavailable. */
    public static long peakRss() {
        return field("VmHWM:");
    }

    /** Current resident set size (VmRSS), bytes. */
    public static long rss() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
