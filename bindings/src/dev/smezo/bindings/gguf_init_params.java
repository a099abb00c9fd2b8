package dev.smezo.bindings;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/** {@code struct gguf_init_params { bool no_alloc; struct ggml_context ** ctx; }} */
public final class gguf_init_params {
    private gguf_init_params() {}

    private static final GroupLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("ctx")).withName("gguf_init_params");

    public static GroupLayout layout() {
        return LAYOUT;
    }

    public static MemorySegment allocate(SegmentAllocator allocator, boolean noAlloc, MemorySegment ctxOut) {
        MemorySegment s = allocator.allocate(LAYOUT);
        s.set(JAVA_BOOLEAN, 0, noAlloc);
        s.set(ADDRESS, 8, ctxOut);
        return s;
    }
}
