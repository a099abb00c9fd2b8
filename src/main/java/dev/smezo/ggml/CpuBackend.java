package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import java.lang.foreign.MemorySegment;

/** ggml's CPU backend with a fixed thread count. */
public final class CpuBackend implements Backend {
    private final MemorySegment backend;
    private final int threads;

    public CpuBackend(int threads) {
        Ggml.init();
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.backend = ggml_backend_cpu_init();
        if (backend.equals(MemorySegment.NULL)) throw new IllegalStateException("ggml_backend_cpu_init failed");
        this.threads = threads;
        ggml_backend_cpu_set_n_threads(backend, threads);
    }

    public int threads() {
        return threads;
    }

    @Override
    public MemorySegment handle() {
        return backend;
    }

    /** Runs an allocated graph; throws if ggml reports a failure. */
    @Override
    public void compute(MemorySegment graph) {
        int status = ggml_backend_graph_compute(backend, graph);
        if (status != 0) throw new IllegalStateException("ggml_backend_graph_compute failed with status " + status);
    }

    @Override
    public MemorySegment bufferType() {
        return ggml_backend_cpu_buffer_type();
    }

    @Override
    public void close() {
        ggml_backend_free(backend);
    }
}
