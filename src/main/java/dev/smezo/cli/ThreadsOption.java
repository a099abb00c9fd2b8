package dev.smezo.cli;

import picocli.CommandLine.Option;

/** {@code --threads}, shared by every command that computes. */
final class ThreadsOption {
    @Option(names = {"-t", "--threads"},
            description = "CPU threads for ggml (default: all cores, ${sys:smezo.defaultThreads}).")
    Integer threads;

    int resolve() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    static {
        System.setProperty("smezo.defaultThreads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
}
