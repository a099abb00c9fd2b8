package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile files: each must fail with a GgufException whose message names the file,
 * the offset of the field at fault and the problem, and must never allocate what a count claims.
 */
class GgufCorruptionTest {
    static final String FILE = "bad.gguf";
    static final int F32 = GgmlType.F32.id();

    /** Parses {@code b}, expecting failure at {@code offset} with a message containing {@code problem}. */
    static GgufException fails(GgufBytes b, long offset, String problem) {
        return fails(b.bytes(), offset, problem);
    }

    static GgufException fails(byte[] bytes, long offset, String problem) {
        GgufException e = assertThrows(GgufException.class, () -> Gguf.read(MemorySegment.ofArray(bytes), FILE));
        String m = e.getMessage();
        assertEquals(FILE, e.source(), m);
        assertEquals(offset, e.offset(), m);
        assertTrue(m.startsWith(FILE + ": offset " + offset + ": "), m);
        assertTrue(m.contains(problem), "expected '" + problem + "' in: " + m);
        return e;
    }

    /** A valid one-tensor file to corrupt field by field. */
    static GgufBytes oneTensor(long offset, int type, long... ne) {
        GgufBytes b = GgufBytes.header(3, 1, 1).kvString("general.architecture", "llama")
                .tensor("t", type, offset, ne).pad(32);
        return b.zeros(256);
    }

    @Test
    void validBaselineReads() {
        Gguf g = Gguf.read(oneTensor(0, F32, 8, 2).segment(), FILE);
        assertEquals(1, g.tensors().size());
    }

    @Test
    void badMagic() {
        byte[] b = oneTensor(0, F32, 8).bytes();
        b[3] = 'L'; // "GGUL"
        fails(b, 0, "bad magic 'GGUL' (0x4747554c), expected 'GGUF'");
        fails(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}, 0, "bad magic '????'");
    }

    @Test
    void unsupportedVersions() {
        fails(GgufBytes.header(1, 0, 0), 4, "GGUF version 1 is no longer supported");
        fails(GgufBytes.header(4, 0, 0), 4, "unsupported GGUF version 4 (supported: 2, 3)");
        fails(GgufBytes.header(0, 0, 0), 4, "unsupported GGUF version 0");
        fails(GgufBytes.header(0x03000000, 0, 0), 4, "looks byte-swapped");
        assertEquals(2, Gguf.read(GgufBytes.header(2, 0, 0).segment(), FILE).version(), "v2 has v3's layout");
    }

    @Test
    void truncatedHeader() {
        fails(new byte[] {'G', 'G'}, 0, "unexpected end of file while reading magic");
        fails(new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).raw((byte) 3, (byte) 0), 4,
                "unexpected end of file while reading version");
        byte[] full = GgufBytes.header(3, 0, 0).bytes();
        fails(java.util.Arrays.copyOf(full, 20), 16, "unexpected end of file while reading n_kv");
        fails(java.util.Arrays.copyOf(full, 12), 8, "unexpected end of file while reading n_tensors");
    }

    @Test
    void hostileCountsInTheHeader() {
        fails(GgufBytes.header(3, 1L << 62, 0), 8, "n_tensors 4611686018427387904 is impossible with 8 bytes left");
        fails(GgufBytes.header(3, -1, 0), 8, "n_tensors -1");
        fails(GgufBytes.header(3, 0, Long.MAX_VALUE), 16, "n_kv 9223372036854775807 is impossible");
        fails(GgufBytes.header(3, 0, 1), 16, "n_kv 1 is impossible with 0 bytes left");
    }

    @Test
    void truncatedInsideAMetadataString() {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("general.name").u32(GgufValueType.STRING.id()).i64(10).raw("abc".getBytes());
        int at = 24 + 8 + 12 + 4 + 8;
        fails(b, at, "unexpected end of file while reading value of key 'general.name': string of 10 bytes, only 3 left");
        fails(GgufBytes.header(3, 0, 1).i64(50).raw("abcde".getBytes()), 32,
                "unexpected end of file while reading key of metadata entry 0: string of 50 bytes, only 5 left");
        fails(GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.UINT32.id()).raw((byte) 1, (byte) 2), 24 + 9 + 4,
                "unexpected end of file while reading value of key 'k'");
    }

    @Test
    void hostileStringLength() {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).i64(Long.MAX_VALUE).zeros(16);
        fails(b, 24 + 9 + 4, "string length 9223372036854775807 of value of key 'k' exceeds the GGUF maximum 1073741824");
        fails(GgufBytes.header(3, 0, 1).i64(-1).zeros(16), 24, "string length 18446744073709551615 of key of metadata entry 0");
        GgufBytes justUnder = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).i64(1L << 30).zeros(16);
        fails(justUnder, 24 + 9 + 4 + 8, "string of 1073741824 bytes, only 16 left");
    }

    @Test
    void hostileArrayCount() {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.UINT8.id())
                .i64(1L << 60).zeros(64);
        fails(b, 24 + 9 + 4 + 4, "array length 1152921504606846976 of key 'k' exceeds the GGUF maximum 1073741824");
        GgufBytes strings = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id())
                .i64(1_000_000).zeros(64);
        fails(strings, 24 + 9 + 4 + 4, "unexpected end of file while reading array of key 'k': 1000000 STRING elements need at least 8000000 bytes, only 64 left");
        GgufBytes nested = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.ARRAY.id())
                .i64(3).u32(GgufValueType.INT32.id()).i64(1L << 29).zeros(40);
        fails(nested, 24 + 9 + 4 + 4 + 8 + 4, "unexpected end of file while reading array of key 'k': 536870912 INT32 elements");
    }

    @Test
    void unknownValueTypes() {
        fails(GgufBytes.header(3, 0, 1).str("k").u32(13).u32(0), 24 + 9, "unknown value type id 13 for key 'k'");
        fails(GgufBytes.header(3, 0, 1).str("k").u32(-1).u32(0), 24 + 9, "unknown value type id 4294967295 for key 'k'");
        fails(GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id()).u32(77).i64(0), 24 + 9 + 4,
                "unknown array element type id 77 for key 'k'");
    }

    @Test
    void badKeys() {
        GgufBytes dup = GgufBytes.header(3, 0, 2).kvU32("a.b", 1).kvU32("a.b", 2);
        fails(dup, 24 + 11 + 4 + 4, "duplicate key 'a.b' (first at offset 24)");
        fails(GgufBytes.header(3, 0, 1).str("").u32(GgufValueType.UINT32.id()).u32(0), 24, "metadata entry 0 has an empty key");
        GgufBytes badUtf8 = GgufBytes.header(3, 0, 1).i64(2).raw((byte) 0xC3, (byte) 0x28).u32(GgufValueType.UINT32.id()).u32(0);
        fails(badUtf8, 32, "invalid UTF-8 in key of metadata entry 0");
        GgufBytes surrogate = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).i64(3)
                .raw((byte) 0xED, (byte) 0xA0, (byte) 0x80); // a UTF-16 surrogate encoded in UTF-8 (CESU)
        fails(surrogate, 24 + 9 + 4 + 8, "invalid UTF-8 in value of key 'k'");
    }

    @Test
    void badAlignment() {
        fails(GgufBytes.header(3, 0, 1).kvU32("general.alignment", 0), 24, "'general.alignment' = 0 is not a power of two");
        fails(GgufBytes.header(3, 0, 1).kvU32("general.alignment", 48), 24, "'general.alignment' = 48 is not a power of two");
        GgufBytes signed = GgufBytes.header(3, 0, 1).str("general.alignment").u32(GgufValueType.INT32.id()).u32(32);
        fails(signed, 24, "key 'general.alignment' must be of type UINT32 but is INT32");
        Gguf ok = Gguf.read(GgufBytes.header(3, 0, 1).kvU32("general.alignment", 64).segment(), FILE);
        assertEquals(64, ok.alignment());
    }

    @Test
    void tooDeeplyNestedArrays() {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id());
        for (int depth = 1; depth <= GgufArray.MAX_DEPTH; depth++) b.u32(GgufValueType.ARRAY.id()).i64(1);
        int at = b.size();
        b.u32(GgufValueType.UINT8.id()).i64(0);
        fails(b, at, "arrays nested deeper than 8 levels in key 'k'");
    }

    static final int INFO = 24 + 8 + 20 + 4 + 8 + 5; // header + the general.architecture KV: the first tensor info

    @Test
    void unknownTensorType() {
        fails(oneTensor(0, 4, 32), INFO + 9 + 4 + 8, "tensor 't' has unknown ggml type id 4 (a type ggml removed)");
        fails(oneTensor(0, 99, 32), INFO + 9 + 4 + 8, "tensor 't' has unknown ggml type id 99");
        fails(oneTensor(0, -2, 32), INFO + 9 + 4 + 8, "unknown ggml type id -2");
    }

    @Test
    void nDimsOutOfRange() {
        GgufBytes zero = GgufBytes.header(3, 1, 0).str("t").u32(0).u32(F32).i64(0).pad(32).zeros(32);
        fails(zero, 24 + 9, "tensor 't' has n_dims 0, must be 1..4");
        fails(oneTensor(0, F32, 1, 1, 1, 1, 1), 24 + 8 + 20 + 4 + 8 + 5 + 9, "tensor 't' has n_dims 5, must be 1..4");
        GgufBytes huge = GgufBytes.header(3, 1, 0).str("t").u32(Integer.MIN_VALUE).zeros(64);
        fails(huge, 24 + 9, "n_dims 2147483648");
    }

    @Test
    void badExtents() {
        fails(oneTensor(0, F32, 8, -3), INFO + 9 + 4 + 8, "tensor 't' has negative ne[1] = -3");
        fails(oneTensor(0, F32, 1L << 32, 1L << 32), INFO + 9 + 4 + 8, "tensor 't' shape [4294967296, 4294967296] has more than 2^63-1 elements");
        fails(oneTensor(0, GgmlType.F64.id(), 1L << 31, 1L << 31), INFO + 9 + 4 + 16, "tensor 't' f64[2147483648, 2147483648] has more than 2^63-1 bytes");
        fails(oneTensor(0, GgmlType.Q4_0.id(), 33, 2), INFO + 9 + 4 + 16,
                "tensor 't' of type q4_0 has ne[0] = 33 elements per row, not a multiple of the block size 32");
    }

    @Test
    void badTensorNames() {
        GgufBytes dup = GgufBytes.header(3, 2, 0).tensor("w", F32, 0, 8).tensor("w", F32, 32, 8).pad(32).zeros(64);
        fails(dup, 24 + 33, "duplicate tensor name 'w' (first at offset 24)");
        String long64 = "n".repeat(64);
        fails(GgufBytes.header(3, 1, 0).tensor(long64, F32, 0, 8).pad(32).zeros(32), 24, "name '" + long64 + "' is 64 bytes, more than 63");
        Gguf ok = Gguf.read(GgufBytes.header(3, 1, 0).tensor("n".repeat(63), F32, 0, 8).pad(32).zeros(32).segment(), FILE);
        assertEquals(63, ok.tensors().getFirst().name().length());
    }

    @Test
    void misalignedOffset() {
        fails(oneTensor(4, F32, 8), INFO + 9 + 4 + 8 + 4, "tensor 't' data offset 4 is not a multiple of the alignment 32");
        fails(oneTensor(-32, F32, 8), INFO + 9 + 4 + 8 + 4, "tensor 't' has data offset 18446744073709551584");
    }

    @Test
    void tensorDataPastEndOfFile() {
        // data starts at 128; the file has 256 bytes of data: [128+224, 128+224+64) ends past 384
        fails(oneTensor(224, F32, 16), INFO + 9 + 4 + 8 + 4, "tensor 't' data [352, 416) extends past the end of the file (size 384)");
        fails(oneTensor(Long.MAX_VALUE - 31, F32, 16), INFO + 9 + 4 + 8 + 4, "extends past the end of the file");
        GgufBytes noData = GgufBytes.header(3, 1, 0).tensor("t", F32, 0, 8); // ends before the data section
        fails(noData, noData.size(), "unexpected end of file while reading the padding before the data section");
    }

    @Test
    void overlappingTensors() {
        GgufBytes b = GgufBytes.header(3, 2, 0).tensor("a", F32, 0, 16).tensor("b", F32, 32, 8).pad(32).zeros(128);
        fails(b, 24 + 33 + 33 - 8, "tensor 'b' data [32, 64) overlaps tensor 'a' [0, 64)");
        // Gaps and out-of-order offsets are fine, as long as nothing overlaps.
        GgufBytes gaps = GgufBytes.header(3, 2, 0).tensor("a", F32, 96, 8).tensor("b", F32, 0, 8).pad(32).zeros(128);
        assertEquals(96, Gguf.read(gaps.segment(), FILE).tensor("a").orElseThrow().offset());
    }

    @Test
    void nonZeroBoolIsTrueAsInGgml() {
        Gguf g = Gguf.read(GgufBytes.header(3, 0, 1).str("b").u32(GgufValueType.BOOL.id()).u8(7).segment(), FILE);
        assertTrue(g.getBoolean("b"));
    }
}
