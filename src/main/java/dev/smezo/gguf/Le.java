package dev.smezo.gguf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** GGUF is little-endian and packs its fields without alignment: these are the layouts for it. */
final class Le {
    static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Largest byte[] the JVM reliably allocates. */
    private static final long MAX_HEAP_ARRAY = Integer.MAX_VALUE - 8;

    private Le() {}

    /**
     * A private, GC-managed copy of {@code src}: on the heap when it fits a byte[], off the heap
     * otherwise, so that a metadata array really present in a huge file never meets the byte[]
     * limit. Either way the copy no longer depends on the arena the file was mapped in.
     */
    static MemorySegment copy(MemorySegment src) {
        long n = src.byteSize();
        MemorySegment dst = n <= MAX_HEAP_ARRAY
                ? MemorySegment.ofArray(new byte[(int) n])
                : Arena.ofAuto().allocate(n, 1);
        MemorySegment.copy(src, 0, dst, 0, n);
        return dst;
    }

    static MemorySegment allocate(long n) {
        return n <= MAX_HEAP_ARRAY ? MemorySegment.ofArray(new byte[(int) n]) : Arena.ofAuto().allocate(n, 1);
    }
}
