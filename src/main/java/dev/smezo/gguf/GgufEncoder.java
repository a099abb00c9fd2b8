package dev.smezo.gguf;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * Serialises header, metadata and tensor infos exactly as gguf.cpp's {@code gguf_write_out} does,
 * in two passes over the same rules: {@link #size} to size the file before mapping it, then
 * {@link #write} into the mapping.
 */
final class GgufEncoder {
    static final int VERSION = 3;

    private final MemorySegment seg; // null in the sizing pass
    private long pos;

    private GgufEncoder(MemorySegment seg) {
        this.seg = seg;
    }

    /** Bytes of the header, metadata and tensor infos, before the padding to the data section. */
    static long size(Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        GgufEncoder e = new GgufEncoder(null);
        e.all(metadata, tensors);
        return e.pos;
    }

    /** Writes them at the start of {@code seg}; returns the bytes written. */
    static long write(MemorySegment seg, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        GgufEncoder e = new GgufEncoder(seg);
        e.all(metadata, tensors);
        return e.pos;
    }

    private void all(Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        u32(GgufParser.MAGIC);
        u32(VERSION);
        i64(tensors.size());
        i64(metadata.size());
        for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
            string(GgufValue.utf8(kv.getKey()));
            GgufValue v = kv.getValue();
            u32(v.type().id());
            value(v);
        }
        for (GgufTensorInfo t : tensors) {
            string(GgufValue.utf8(t.name()));
            u32(t.nDims());
            for (long n : t.ne()) i64(n);
            u32(t.type().id());
            i64(t.offset());
        }
    }

    private void value(GgufValue v) {
        Object o = v.value();
        switch (v.type()) {
            case UINT8, INT8 -> { if (seg != null) seg.set(Le.I8, pos, (Byte) o); pos += 1; }
            case UINT16, INT16 -> { if (seg != null) seg.set(Le.I16, pos, (Short) o); pos += 2; }
            case UINT32, INT32 -> u32((Integer) o);
            case UINT64, INT64 -> i64((Long) o);
            case FLOAT32 -> { if (seg != null) seg.set(Le.F32, pos, (Float) o); pos += 4; }
            case FLOAT64 -> { if (seg != null) seg.set(Le.F64, pos, (Double) o); pos += 8; }
            case BOOL -> { if (seg != null) seg.set(Le.I8, pos, (byte) ((Boolean) o ? 1 : 0)); pos += 1; }
            case STRING -> string(GgufValue.utf8((String) o));
            case ARRAY -> array((GgufArray) o);
        }
    }

    private void array(GgufArray a) {
        u32(a.elementType().id());
        i64(a.size());
        switch (a.values()) {
            case PackedArray p -> bytes(p.data());
            case StringArray s -> bytes(s.data());
            case List<GgufValue> list -> {
                for (GgufValue v : list) {
                    if (v.type() == GgufValueType.ARRAY) array((GgufArray) v.value()); // no type: the array has it
                    else value(v);
                }
            }
        }
    }

    private void string(byte[] utf8) {
        if (utf8.length > GgufParser.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes exceeds the GGUF maximum "
                    + GgufParser.MAX_STRING_BYTES);
        }
        i64(utf8.length);
        bytes(MemorySegment.ofArray(utf8));
    }

    private void bytes(MemorySegment src) {
        if (seg != null) MemorySegment.copy(src, 0, seg, pos, src.byteSize());
        pos = Math.addExact(pos, src.byteSize());
    }

    private void u32(int v) {
        if (seg != null) seg.set(Le.I32, pos, v);
        pos += 4;
    }

    private void i64(long v) {
        if (seg != null) seg.set(Le.I64, pos, v);
        pos += 8;
    }
}
