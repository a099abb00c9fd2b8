package dev.smezo.ggml;

import java.lang.foreign.MemorySegment;

/**
 * A ggml backend that runs whole graphs: what {@code Forward}, {@code UpdateGraph} and the weights
 * need from it: {@link CpuBackend} and {@link CudaBackend}.
 */
public interface Backend extends AutoCloseable {
    /** The {@code ggml_backend_t}. */
    MemorySegment handle();

    /** Where this backend's compute buffers (and, on a device, its weights) are allocated. */
    MemorySegment bufferType();

    /** Runs an allocated graph to completion; throws if ggml reports a failure. */
    void compute(MemorySegment graph);

    @Override
    void close();
}
