package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import java.lang.foreign.MemorySegment;

/**
 * A CPU backend buffer over memory that Java owns (a mapped GGUF or an allocation): ggml tensors
 * placed in it read and write that memory directly, with no copy. Freeing the buffer leaves the
 * memory alone; the owner of the segment frees it.
 */
public final class HostBuffer implements AutoCloseable {
    /** ggml's CPU tensors must start on this alignment (TENSOR_ALIGNMENT). */
    public static final int ALIGNMENT = 32;
    private static final int USAGE_WEIGHTS = 1; // GGML_BACKEND_BUFFER_USAGE_WEIGHTS

    private final MemorySegment memory;
    private final MemorySegment buffer;

    public HostBuffer(MemorySegment memory) {
        Ggml.init();
        if (memory.address() % ALIGNMENT != 0) {
            throw new IllegalArgumentException("host buffer at 0x" + Long.toHexString(memory.address())
                    + " is not " + ALIGNMENT + "-byte aligned");
        }
        this.memory = memory;
        this.buffer = ggml_backend_cpu_buffer_from_ptr(memory, memory.byteSize());
        ggml_backend_buffer_set_usage(buffer, USAGE_WEIGHTS);
    }

    /** Places {@code t} at {@code offset} bytes into this buffer (checked here, not by ggml's asserts). */
    public void place(Tensor t, long offset) {
        long n = t.bytes();
        if (offset < 0 || offset % ALIGNMENT != 0 || offset + n > memory.byteSize()) {
            throw new IllegalArgumentException("tensor of " + n + " bytes at offset " + offset
                    + " does not fit an aligned place in a buffer of " + memory.byteSize() + " bytes");
        }
        int status = ggml_backend_tensor_alloc(buffer, t.address(), MemorySegment.ofAddress(memory.address() + offset));
        if (status != 0) throw new IllegalStateException("ggml_backend_tensor_alloc failed: " + status);
    }

    public MemorySegment memory() {
        return memory;
    }

    @Override
    public void close() {
        ggml_backend_buffer_free(buffer);
    }
}
