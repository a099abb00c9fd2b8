package dev.smezo.cli;

import picocli.CommandLine.Option;

/** {@code --threads}, shared by every command that computes. */
final class ThreadsOption {
    /** ggml's GGML_MAX_N_THREADS: its CPU thread pool has room for no more. */
    static final int MAX = 512;

    @Option(names = {"-t", "--threads"},
            description = "CPU threads for ggml, 1 to " + MAX + " (default: all cores, ${sys:smezo.defaultThreads}).")
    Integer threads;

    private boolean warned;

    int resolve() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads == null) return cores;
        if (threads < 1 || threads > MAX) {
            throw new IllegalArgumentException("--threads must be 1 to " + MAX + " (ggml's limit): " + threads);
        }
        if (threads > cores && !warned) {
            // ggml's workers wait for each other at every graph node: more threads than cores is much slower.
            System.err.printf("smezo: warning: --threads %d is more than the %d cores this process may use; "
                    + "expect it to be slower than --threads %d%n", threads, cores, cores);
            warned = true;
        }
        return threads;
    }

    static {
        System.setProperty("smezo.defaultThreads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
}
