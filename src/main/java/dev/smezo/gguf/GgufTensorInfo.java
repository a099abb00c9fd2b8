package dev.smezo.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a GGUF: name, type, shape and where its data starts.
 *
 * @param ne     the extents in ggml order (ne[0] is the contiguous row length), {@code ne.length}
 *               is the file's n_dims, 1..4; copied in and out, the record stays immutable
 * @param offset where the data starts, counted from the start of the data section (a multiple
 *               of the file's alignment)
 */
public record GgufTensorInfo(String name, GgmlType type, long[] ne, long offset) {

    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;
    /** ggml's GGML_MAX_NAME includes the terminating NUL: names are at most 63 UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 63;

    /**
     * @throws IllegalArgumentException if the shape has not 1..4 dimensions, has a negative extent,
     *     a row that is not whole blocks or a byte size beyond a long, or the offset is negative
     */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        ne = ne.clone();
        if (ne.length < 1 || ne.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "': " + ne.length + " dimensions, must be 1.." + MAX_DIMS);
        }
        try {
            type.bytes(ne);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "': size of " + type + Arrays.toString(ne) + " overflows", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
        if (offset < 0) throw new IllegalArgumentException("tensor '" + name + "': negative offset " + offset);
    }

    /** The extents, a copy. */
    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Extent of dimension {@code dim}; 1 past n_dims, as ggml treats every tensor as 4-D. */
    public long ne(int dim) {
        if (dim < 0 || dim >= MAX_DIMS) throw new IndexOutOfBoundsException("dimension " + dim);
        return dim < ne.length ? ne[dim] : 1;
    }

    public int nDims() {
        return ne.length;
    }

    public long elements() {
        for (long e : ne) if (e == 0) return 0; // the product fits whatever the other extents are
        long n = 1;
        for (long e : ne) n = Math.multiplyExact(n, e);
        return n;
    }

    /** Bytes of the data, without the alignment padding that follows it in a file. */
    public long bytes() {
        return type.bytes(ne);
    }

    /** This tensor placed at another offset. */
    public GgufTensorInfo withOffset(long newOffset) {
        return new GgufTensorInfo(name, type, ne, newOffset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && t.type == type
                && Arrays.equals(t.ne, ne) && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(ne), offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(ne) + " @" + offset;
    }
}
