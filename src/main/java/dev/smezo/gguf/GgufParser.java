package dev.smezo.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a GGUF held in a MemorySegment, trusting nothing in it.
 *
 * <p>The format, from ggml/include/gguf.h (llama.cpp de3ff81):
 * <pre>
 * // 1. File magic "GGUF" (4 bytes).
 * // 2. File version (uint32_t).
 * // 3. Number of ggml tensors in file (int64_t).
 * // 4. Number of key-value-pairs in file (int64_t).
 * // 5. For each KV pair:
 * //   1. The key (string).
 * //   2. The value type (gguf_type).
 * //   3a. If the value type is GGUF_TYPE_ARRAY:
 * //     1. The type of the array (gguf_type).
 * //     2. The number of elements in the array (uint64_t).
 * //     3. The binary representation of each element in the array.
 * //   3b. Otherwise:
 * //     1. The binary representation of the value.
 * // 6. For each ggml tensor:
 * //   1. The tensor name (string).
 * //   2. The number of dimensions of the tensor (uint32_t).
 * //   3. For each dimension:
 * //     1. The size of the tensor in the dimension (int64_t).
 * //   4. The tensor data type (ggml_type).
 * //   5. The tensor data offset in the tensor data binary blob (uint64_t).
 * // 7. The tensor data binary blob (optional, aligned).
 * //
 * // Strings are serialized as the string length (uint64_t) followed by the C string without the null terminator.
 * // All enums are stored as int32_t.
 * // All bool values are stored as int8_t.
 * // If the special key "general.alignment" (uint32_t) is defined it is used for alignment,
 * //   otherwise GGUF_DEFAULT_ALIGNMENT is used.
 * </pre>
 * Everything is little-endian. Where gguf.cpp's reader checks something this parser checks the
 * same (version 2 or 3, non-empty unique keys, strings and arrays of at most 2^30 bytes/elements,
 * general.alignment a u32 power of two, tensor names under 64 bytes and unique, non-negative
 * extents whose product fits, known types, whole blocks per row, any non-zero BOOL is true, the
 * data section at the tensor infos' end rounded up to the alignment when there are tensors).
 *
 * <p>It differs from gguf.cpp in: n_dims 0 is refused (ggml reads it as a scalar; no ggml writer
 * produces it); arrays of arrays are read, up to {@link GgufArray#MAX_DEPTH} (ggml refuses them,
 * the spec allows them); strings must be valid UTF-8 (ggml does not look); and tensor offsets
 * need only be aligned, inside the file and not overlapping (ggml demands exactly its own packed
 * layout), so files from other writers read too.
 *
 * <p>Every count and length is checked against the bytes left before anything is allocated, so
 * hostile input costs at most memory proportional to the file's metadata, never more.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** gguf.cpp's GGUF_MAX_STRING_LENGTH. */
    static final long MAX_STRING_BYTES = 1L << 30;

    private final MemorySegment seg;
    private final String source;
    private final long size;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long pos;

    private GgufParser(MemorySegment seg, String source) {
        this.seg = seg;
        this.source = source;
        this.size = seg.byteSize();
    }

    static Gguf parse(MemorySegment seg, String source) {
        return new GgufParser(seg, source).parse();
    }

    private Gguf parse() {
        need(4, "magic");
        int magic = seg.get(Le.I32, 0);
        if (magic != MAGIC) {
            throw fail(0, "bad magic " + describeMagic(magic) + ", expected 'GGUF'");
        }
        pos = 4;
        int version = u32("version");
        if (version != 2 && version != 3) {
            String why = version == 1 ? "GGUF version 1 is no longer supported"
                    : (version & 0xFFFF) == 0 && version != 0
                            ? "GGUF version " + Integer.toUnsignedString(version) + " (0x" + Integer.toHexString(version)
                              + ") looks byte-swapped: big-endian GGUF files are not supported"
                            : "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)";
            throw fail(4, why);
        }
        long nTensors = i64("n_tensors");
        // Each tensor info takes at least 32 bytes (name length, n_dims, one ne, type, offset),
        // each KV at least 13 (key length, type, one-byte value): bound both before looping.
        if (nTensors < 0 || nTensors > (size - pos) / 32) {
            throw fail(8, "n_tensors " + nTensors + " is impossible with " + (size - pos) + " bytes left in the file");
        }
        long nKv = i64("n_kv");
        if (nKv < 0 || nKv > (size - pos) / 13) {
            throw fail(16, "n_kv " + nKv + " is impossible with " + (size - pos) + " bytes left in the file");
        }

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        Map<String, Long> keyOffsets = new HashMap<>();
        for (long i = 0; i < nKv; i++) {
            long at = pos;
            String key = string("key of metadata entry " + i);
            if (key.isEmpty()) throw fail(at, "metadata entry " + i + " has an empty key");
            Long first = keyOffsets.putIfAbsent(key, at);
            if (first != null) throw fail(at, "duplicate key '" + key + "' (first at offset " + first + ")");
            long typeAt = pos;
            int typeId = u32("value type of key '" + key + "'");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw fail(typeAt, "unknown value type id " + Integer.toUnsignedString(typeId) + " for key '" + key + "'");
            metadata.put(key, value(type, key, 0));
        }

        int alignment = DEFAULT_ALIGNMENT;
        GgufValue a = metadata.get(ALIGNMENT_KEY);
        if (a != null) {
            long at = keyOffsets.get(ALIGNMENT_KEY);
            if (a.type() != GgufValueType.UINT32) {
                throw fail(at, "key '" + ALIGNMENT_KEY + "' must be of type UINT32 but is " + a.type());
            }
            long al = a.asLong();
            if (al == 0 || (al & (al - 1)) != 0 || al > 1 << 30) {
                throw fail(at, "key '" + ALIGNMENT_KEY + "' = " + al + " is not a power of two (up to 2^30)");
            }
            alignment = (int) al;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) nTensors);
        long[] infoOffsets = new long[(int) nTensors]; // where each tensor's offset field is, for messages
        Map<String, Long> names = new HashMap<>();
        for (int i = 0; i < nTensors; i++) {
            long at = pos;
            String name = string("name of tensor " + i);
            int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (nameBytes > GgufTensorInfo.MAX_NAME_BYTES) {
                throw fail(at, "tensor " + i + " name '" + name + "' is " + nameBytes + " bytes, more than "
                        + GgufTensorInfo.MAX_NAME_BYTES);
            }
            Long first = names.putIfAbsent(name, at);
            if (first != null) throw fail(at, "duplicate tensor name '" + name + "' (first at offset " + first + ")");
            long dimsAt = pos;
            int nDims = u32("n_dims of tensor '" + name + "'");
            if (nDims < 1 || nDims > GgufTensorInfo.MAX_DIMS) {
                throw fail(dimsAt, "tensor '" + name + "' has n_dims " + Integer.toUnsignedString(nDims) + ", must be 1.."
                        + GgufTensorInfo.MAX_DIMS);
            }
            long[] ne = new long[nDims];
            long[] neAt = new long[nDims];
            boolean empty = false;
            for (int j = 0; j < nDims; j++) {
                neAt[j] = pos;
                ne[j] = i64("ne[" + j + "] of tensor '" + name + "'");
                if (ne[j] < 0) throw fail(neAt[j], "tensor '" + name + "' has negative ne[" + j + "] = " + ne[j]);
                empty |= ne[j] == 0;
            }
            long elements = 1;
            for (int j = 0; j < nDims && !empty; j++) { // as gguf.cpp: a tensor without elements cannot overflow
                try {
                    elements = Math.multiplyExact(elements, ne[j]);
                } catch (ArithmeticException e) {
                    throw fail(neAt[j], "tensor '" + name + "' shape " + Arrays.toString(Arrays.copyOf(ne, j + 1))
                            + " has more than 2^63-1 elements");
                }
            }
            if (empty) elements = 0;
            long typeAt = pos;
            int typeId = u32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw fail(typeAt, "tensor '" + name + "' has unknown ggml type id " + typeId
                        + (typeId >= 0 && typeId < GgmlType.COUNT ? " (a type ggml removed)" : ""));
            }
            if (ne[0] % type.blockSize() != 0) {
                throw fail(typeAt, "tensor '" + name + "' of type " + type.ggmlName() + " has ne[0] = " + ne[0]
                        + " elements per row, not a multiple of the block size " + type.blockSize());
            }
            // elements fit in a long, and typeSize/blockSize <= 1.2: bytes can still overflow for 8-byte types.
            if (elements / type.blockSize() > Long.MAX_VALUE / type.typeSize()) {
                throw fail(typeAt, "tensor '" + name + "' " + type.ggmlName() + Arrays.toString(ne) + " has more than 2^63-1 bytes");
            }
            infoOffsets[i] = pos;
            long offset = i64("data offset of tensor '" + name + "'");
            if (offset < 0) {
                throw fail(infoOffsets[i], "tensor '" + name + "' has data offset " + Long.toUnsignedString(offset) + ", past any file");
            }
            if (offset % alignment != 0) {
                throw fail(infoOffsets[i], "tensor '" + name + "' data offset " + offset
                        + " is not a multiple of the alignment " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, type, ne, offset));
        }

        // As gguf.cpp: with tensors the data section starts at the next multiple of the alignment.
        long dataOffset = pos;
        if (nTensors > 0) {
            dataOffset = alignUp(pos, alignment);
            if (dataOffset > size) {
                throw fail(pos, "unexpected end of file while reading the padding before the data section (data at "
                        + dataOffset + ", file size " + size + ")");
            }
        }
        checkData(tensors, infoOffsets, dataOffset);
        return new Gguf(source, seg, version, alignment, dataOffset, metadata, tensors, keyOffsets);
    }

    private void checkData(List<GgufTensorInfo> tensors, long[] infoOffsets, long dataOffset) {
        long room = size - dataOffset;
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) {
            GgufTensorInfo t = tensors.get(i);
            if (t.offset() > room || t.bytes() > room - t.offset()) {
                throw fail(infoOffsets[i], "tensor '" + t.name() + "' data [" + (dataOffset + t.offset()) + ", "
                        + (dataOffset + t.offset() + t.bytes()) + ") extends past the end of the file (size " + size + ")");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> tensors.get(i).offset()));
        GgufTensorInfo prev = null;
        for (int i : order) {
            GgufTensorInfo t = tensors.get(i);
            if (t.bytes() == 0) continue; // empty tensors occupy nothing
            if (prev != null && t.offset() < prev.offset() + prev.bytes()) {
                throw fail(infoOffsets[i], "tensor '" + t.name() + "' data [" + t.offset() + ", " + (t.offset() + t.bytes())
                        + ") overlaps tensor '" + prev.name() + "' [" + prev.offset() + ", " + (prev.offset() + prev.bytes())
                        + ") (offsets in the data section)");
            }
            prev = t;
        }
    }

    /** One value of {@code type}; {@code depth} counts the arrays around it. */
    private GgufValue value(GgufValueType type, String key, int depth) {
        String what = "value of key '" + key + "'";
        if (type == GgufValueType.STRING) return new GgufValue(type, string(what));
        if (type == GgufValueType.ARRAY) return new GgufValue(type, array(key, depth + 1));
        need(type.fixedSize(), what);
        Object v = switch (type) {
            case UINT8, INT8 -> seg.get(Le.I8, pos);
            case UINT16, INT16 -> seg.get(Le.I16, pos);
            case UINT32, INT32 -> seg.get(Le.I32, pos);
            case UINT64, INT64 -> seg.get(Le.I64, pos);
            case FLOAT32 -> seg.get(Le.F32, pos);
            case FLOAT64 -> seg.get(Le.F64, pos);
            case BOOL -> seg.get(Le.I8, pos) != 0; // as gguf.cpp: any non-zero byte is true
            case STRING, ARRAY -> throw new IllegalStateException();
        };
        pos += type.fixedSize();
        return new GgufValue(type, v);
    }

    private GgufArray array(String key, int depth) {
        long at = pos;
        if (depth > GgufArray.MAX_DEPTH) {
            throw fail(at, "arrays nested deeper than " + GgufArray.MAX_DEPTH + " levels in key '" + key + "'");
        }
        int typeId = u32("array element type of key '" + key + "'");
        GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
        if (type == null) throw fail(at, "unknown array element type id " + Integer.toUnsignedString(typeId) + " for key '" + key + "'");
        long countAt = pos;
        long n = i64("array length of key '" + key + "'");
        if (n < 0 || n > GgufArray.MAX_ELEMENTS) {
            throw fail(countAt, "array length " + Long.toUnsignedString(n) + " of key '" + key + "' exceeds the GGUF maximum "
                    + GgufArray.MAX_ELEMENTS);
        }
        long minBytes = switch (type) {
            case STRING -> 8;  // the length of an empty string
            case ARRAY -> 12;  // element type and count of an empty array
            default -> type.fixedSize();
        };
        if (n > (size - pos) / minBytes) {
            throw fail(countAt, "unexpected end of file while reading array of key '" + key + "': " + n + " " + type
                    + " elements need at least " + n * minBytes + " bytes, only " + (size - pos) + " left");
        }
        return switch (type) {
            case STRING -> {
                long start = pos;
                long[] starts = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    starts[i] = pos - start;
                    skipString("element " + i + " of key '" + key + "'");
                }
                yield new GgufArray(type, new StringArray(Le.copy(seg.asSlice(start, pos - start)), starts));
            }
            case ARRAY -> {
                List<GgufValue> values = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) values.add(new GgufValue(type, array(key, depth + 1)));
                yield new GgufArray(type, values);
            }
            default -> {
                MemorySegment data = Le.copy(seg.asSlice(pos, n * type.fixedSize()));
                pos += n * type.fixedSize();
                if (type == GgufValueType.BOOL) { // normalise as gguf.cpp does, so the copy writes back 0/1
                    for (long i = 0; i < n; i++) if (data.get(Le.I8, i) != 0) data.set(Le.I8, i, (byte) 1);
                }
                yield new GgufArray(type, new PackedArray(type, data));
            }
        };
    }

    private String string(String what) {
        long len = stringLength(what);
        String s = decode(len, what);
        pos += len;
        return s;
    }

    private void skipString(String what) {
        long len = stringLength(what);
        decode(len, what);
        pos += len;
    }

    private long stringLength(String what) {
        long at = pos;
        long len = i64("length of " + what);
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw fail(at, "string length " + Long.toUnsignedString(len) + " of " + what + " exceeds the GGUF maximum "
                    + MAX_STRING_BYTES);
        }
        if (len > size - pos) {
            throw fail(pos, "unexpected end of file while reading " + what + ": string of " + len + " bytes, only "
                    + (size - pos) + " left");
        }
        return len;
    }

    private String decode(long len, String what) {
        if (len == 0) return "";
        try {
            CharBuffer chars = utf8.reset().decode(seg.asSlice(pos, len).asByteBuffer());
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw fail(pos, "invalid UTF-8 in " + what);
        }
    }

    private void need(long n, String what) {
        if (n > size - pos) throw fail(pos, "unexpected end of file while reading " + what);
    }

    private int u32(String what) {
        need(4, what);
        int v = seg.get(Le.I32, pos);
        pos += 4;
        return v;
    }

    private long i64(String what) {
        need(8, what);
        long v = seg.get(Le.I64, pos);
        pos += 8;
        return v;
    }

    static long alignUp(long x, long alignment) {
        return Math.addExact(x, alignment - 1) & -alignment;
    }

    private GgufException fail(long offset, String problem) {
        return new GgufException(source, offset, problem);
    }

    private static String describeMagic(int magic) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < 4; i++) {
            int c = (magic >>> (8 * i)) & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.append("' (0x").append(String.format("%08x", Integer.reverseBytes(magic))).append(")").toString();
    }
}
