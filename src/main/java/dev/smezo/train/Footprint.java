package dev.smezo.train;

import dev.smezo.ggml.Ggml;

/**
 * The process's own memory, as Linux counts it: the runtime's footprint before a model is loaded
 * (the JVM, the native libraries, the CLI) and the peak resident set size (VmHWM).
 */
public final class Footprint {
    /**
     * What a run adds to the runtime on top of the weights, the compute buffer and the graph's host
     * inputs: JIT-compiled code and metaspace of the classes a run loads, heap growth, ggml graph
     * metadata, thread stacks and malloc arenas of the compute threads. Estimated from smezo bench on
     * stories260K (where nothing else is large) with the benchmark JVM flags (benchmarks/README.md).
     */
    public static final long RUNTIME_GROWTH_BYTES = 12L << 20;

    /**
     * What {@code smezo train} adds to the runtime beyond {@link #RUNTIME_GROWTH_BYTES}: the classes and
     * JIT code of the data, trajectory, metrics and checkpoint paths. Estimated as the runtime growth was,
     * on stories260K with the benchmark JVM flags: 40-step train runs peaked 1.4 MiB (JSONL) and 3.3 MiB
     * (task) over a plan with the bench allowance alone.
     */
    public static final long TRAIN_EXTRA_GROWTH_BYTES = 4L << 20;

    private Footprint() {}

    /**
     * The footprint before a model is loaded: loads the native libraries first (every run needs
     * them), then reads VmRSS.
     */
    public static long baseline() {
        Ggml.init();
        return Memory.rss();
    }
}
