package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import java.lang.foreign.MemorySegment;

/**
 * ggml's graph allocator: one buffer for a graph's inputs and intermediates, sized once by
 * {@link #reserve} and reused by every compute of that graph (and of graphs of the same shape).
 */
public final class ComputeBuffer implements AutoCloseable {
    private final MemorySegment galloc;
    private MemorySegment current;   // the graph whose tensors the buffer holds now
    private int generation;          // counts the times the buffer moved (grew)

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
        current = null;
        generation++;
    }

    /**
     * Assigns addresses to the graph's tensors; nothing to do when it was the last graph allocated.
     * Graphs of several shapes may share the buffer, one at a time, when it was reserved for the
     * largest: ggml re-plans a graph it did not allocate last, and the plan (a function of the graph
     * alone) puts every tensor where it was, so graphs keep their addresses. Growing would move the
     * buffer under the other graphs' tensors: then {@link #generation()} changes, and graphs
     * allocated before must be rebuilt.
     */
    public void allocate(MemorySegment graph) {
        if (graph.equals(current)) return;
        long before = bytes();
        if (!ggml_gallocr_alloc_graph(galloc, graph)) throw new TooLargeException("ggml_gallocr_alloc_graph");
        if (bytes() != before) generation++;
        current = graph;
    }

    /** Changes whenever the buffer moved: tensors allocated before then point into freed memory. */
    public int generation() {
        return generation;
    }

    public long bytes() {
        return ggml_gallocr_get_buffer_size(galloc, 0);
    }

    @Override
    public void close() {
        ggml_gallocr_free(galloc);
    }
}
