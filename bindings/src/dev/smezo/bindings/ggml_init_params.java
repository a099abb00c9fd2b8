package dev.smezo.bindings;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;

/** {@code struct ggml_init_params { size_t mem_size; void * mem_buffer; bool no_alloc; }} */
public final class ggml_init_params {
    private ggml_init_params() {}

    private static final GroupLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7)).withName("ggml_init_params");

    public static GroupLayout layout() {
        return LAYOUT;
    }

    public static MemorySegment allocate(SegmentAllocator allocator, long memSize, MemorySegment memBuffer, boolean noAlloc) {
        MemorySegment s = allocator.allocate(LAYOUT);
        s.set(JAVA_LONG, 0, memSize);
        s.set(ADDRESS, 8, memBuffer);
        s.set(JAVA_BOOLEAN, 16, noAlloc);
        return s;
    }
}
