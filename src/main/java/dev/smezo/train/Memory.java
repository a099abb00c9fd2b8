package dev.smezo.train;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The process's memory as Linux reports it (/proc/self/status, /proc/meminfo, the memory cgroup). */
public final class Memory {
    private Memory() {}

    /** How much memory a run may take, and where that figure comes from (for messages). */
    public record Limit(long bytes, String source) {
        /**
         * Parses a user's size: a number of bytes with an optional binary suffix K, M, G or T
         * ({@code 20G}, {@code 512M}, {@code 1.5T}).
         *
         * @throws IllegalArgumentException naming {@code option} for anything else
         */
        public static Limit parse(String text, String option) {
            String s = text.strip().toUpperCase(Locale.ROOT);
            if (s.endsWith("IB") || s.endsWith("B")) s = s.substring(0, s.length() - (s.endsWith("IB") ? 2 : 1));
            int shift = s.isEmpty() ? 0 : switch (s.charAt(s.length() - 1)) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (shift > 0) s = s.substring(0, s.length() - 1);
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0) || Double.isInfinite(v) || v * (1L << shift) >= 0x1p62) {
                throw new IllegalArgumentException(option + " '" + text + "': expected a size such as 20G, 512M or 1.5T, "
                        + "'auto' or 'none'");
            }
            return new Limit((long) (v * (1L << shift)), option + " " + text);
        }
    }

    /** Peak resident set size (VmHWM), bytes; -1 where unavailable. */
    public static long peakRss() {
        return field(lines(Path.of("/proc/self/status")), "VmHWM:");
    }

    /** glibc's mallinfo2(), or null on a C library without it (musl). */
    private static final MethodHandle MALLINFO2 = Linker.nativeLinker().defaultLookup().find("mallinfo2")
            .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(
                    MemoryLayout.structLayout(MemoryLayout.sequenceLayout(10, ValueLayout.JAVA_LONG)))))
            .orElse(null);

    /**
     * Bytes of the C heap in use, the JVM's own mallocs included: glibc mallinfo2's uordblks (small
     * blocks) plus hblkhd (mmapped blocks); -1 without glibc. A read walks the arenas, no allocation.
     */
    public static long cHeapInUse() {
        if (MALLINFO2 == null) return -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
            return m.getAtIndex(ValueLayout.JAVA_LONG, 4) + m.getAtIndex(ValueLayout.JAVA_LONG, 7);
        } catch (Throwable t) {
            throw new IllegalStateException("mallinfo2", t);
        }
    }

    /** Current resident set size (VmRSS), bytes. */
    public static long rss() {
        return field(lines(Path.of("/proc/self/status")), "VmRSS:");
    }

    /**
     * What this machine lets the process hold: physical memory plus swap, or the memory cgroup's
     * limit where that is lower (a container's). Null where neither can be read.
     */
    public static Limit machineLimit() {
        List<String> meminfo = lines(Path.of("/proc/meminfo"));
        long total = field(meminfo, "MemTotal:");
        long swap = field(meminfo, "SwapTotal:");
        Limit limit = total <= 0 ? null : new Limit(total + Math.max(swap, 0), swap > 0
                ? "this machine's memory plus swap" : "this machine's memory");
        long cgroup = cgroupLimit();
        if (cgroup > 0 && (limit == null || cgroup < limit.bytes())) limit = new Limit(cgroup, "the memory cgroup's limit");
        return limit;
    }

    /** cgroup v2 memory.max, else v1 memory.limit_in_bytes; -1 when unlimited or unreadable. */
    private static long cgroupLimit() {
        for (String file : new String[] {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
            try {
                long v = Long.parseLong(Files.readString(Path.of(file)).strip());
                return v >= 1L << 60 ? -1 : v;   // v1 writes a page-rounded Long.MAX_VALUE for "no limit"
            } catch (IOException | NumberFormatException e) {
                // absent, or "max" (v2's no limit): try the next
            }
        }
        return -1;
    }

    /** A /proc file's lines; none where it cannot be read. */
    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A "Name:   123 kB" line, in bytes; -1 where absent. */
    private static long field(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name)) {
                try {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
