package dev.smezo.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of STRING values kept in their file form (each a u64 length then UTF-8
 * bytes) plus the offset of each entry, so a 150k-token vocabulary is one byte block and one
 * long[] instead of 300k objects, and writes back as one copy. The bytes are valid UTF-8: the
 * parser checked them and {@link #of} encoded them.
 */
final class StringArray extends AbstractList<GgufValue> implements RandomAccess {
    private final MemorySegment data;
    private final long[] starts;

    /** {@code data}: a private copy of the entries; {@code starts[i]}: where entry i's length is. */
    StringArray(MemorySegment data, long[] starts) {
        this.data = data;
        this.starts = starts;
    }

    static StringArray of(List<String> strings) {
        byte[][] utf8 = new byte[strings.size()][];
        long total = 0;
        for (int i = 0; i < utf8.length; i++) {
            utf8[i] = GgufValue.utf8(strings.get(i));
            total = Math.addExact(total, 8L + utf8[i].length);
        }
        MemorySegment data = Le.allocate(total);
        long[] starts = new long[utf8.length];
        long pos = 0;
        for (int i = 0; i < utf8.length; i++) {
            starts[i] = pos;
            data.set(Le.I64, pos, utf8[i].length);
            MemorySegment.copy(MemorySegment.ofArray(utf8[i]), 0, data, pos + 8, utf8[i].length);
            pos += 8 + utf8[i].length;
        }
        return new StringArray(data, starts);
    }

    /** The entries exactly as a GGUF file stores them. */
    MemorySegment data() {
        return data;
    }

    @Override
    public int size() {
        return starts.length;
    }

    String string(int i) {
        long len = data.get(Le.I64, starts[i]);
        byte[] bytes = data.asSlice(starts[i] + 8, len).toArray(Le.I8);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public GgufValue get(int i) {
        if (i < 0 || i >= starts.length) throw new IndexOutOfBoundsException("index " + i + " of " + starts.length);
        return new GgufValue(GgufValueType.STRING, string(i));
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof StringArray s && s.data.byteSize() == data.byteSize() && s.starts.length == starts.length
                && s.data.mismatch(data) == -1) {
            return true;
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
