package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import java.lang.foreign.MemorySegment;

/**
 * ggml's graph allocator: one buffer for a graph's inputs and intermediates, sized once by
 * {@link #reserve} and reused by every compute of that graph (and of graphs of the same shape).
 */
public final class ComputeBuffer implements AutoCloseable {
    private final MemorySegment galloc;

    public ComputeBuffer(MemorySegment bufferType) {
        Ggml.init();
        this.galloc = ggml_gallocr_new(bufferType);
    }

    /** A graph whose buffer the memory could not hold: the request's size, not a bug (exit 3). */
    public static final class TooLargeException extends IllegalArgumentException {
        TooLargeException(String what) {
            super(what + ": ggml could not allocate the compute buffer for this graph (more than the free memory); "
                    + "fewer sequences per batch or fewer tokens per sequence need less");
        }
    }

    /** Sizes the buffer for {@code graph} (and allocates it). */
    public void reserve(MemorySegment graph) {
        if (!ggml_gallocr_reserve(galloc, graph)) throw new TooLargeException("ggml_gallocr_reserve");
    }

    /** Assigns addresses to the graph's tensors; no allocation when already reserved for it. */
    public void allocate(MemorySegment graph) {
        if (!ggml_gallocr_alloc_graph(galloc, graph)) throw new TooLargeException("ggml_gallocr_alloc_graph");
    }

    public long bytes() {
        return ggml_gallocr_get_buffer_size(galloc, 0);
    }

    @Override
    public void close() {
        ggml_gallocr_free(galloc);
    }
}
