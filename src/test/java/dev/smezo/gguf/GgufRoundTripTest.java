package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir Path dir;

    @Test
    void everythingSurvivesWriteThenRead() throws IOException {
        GgufWriter w = Samples.everything();
        Path file = dir.resolve("a.gguf");
        w.write(file, Samples.randomFiller());
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(file, arena);
            assertEquals(3, g.version());
            assertEquals(32, g.alignment());
            assertEquals(w.metadata(), g.metadata(), "metadata, types included");
            assertEquals(List.copyOf(w.metadata().keySet()), List.copyOf(g.metadata().keySet()), "key order");
            assertEquals(w.layout(), g.tensors());
            for (GgufTensorInfo t : g.tensors()) {
                assertArrayEquals(Samples.expectedBytes(t), g.tensorData(t).toArray(Le.I8), t.name());
            }
            // Typed views of what was read.
            assertEquals(200, g.getLong("test.u8"));
            assertEquals(-5, g.getLong("test.i8"));
            assertEquals(65000, g.getLong("test.u16"));
            assertEquals(4_000_000_000L, g.getLong("test.u32"));
            assertEquals(-1, (int) g.get("test.u32").value() >> 31, "bits kept in the signed Java type");
            assertEquals(Long.MIN_VALUE, g.getLong("test.i64"));
            assertThrows(GgufException.class, () -> g.getLong("test.u64"), "u64 max does not fit a long");
            assertEquals(-1L, (long) g.get("test.u64").value());
            assertTrue(Float.isNaN(g.getFloat("test.f32.nan")));
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(g.getDouble("test.f64")));
            assertTrue(g.getBoolean("test.bool.true"));
            assertFalse(g.getBoolean("test.bool.false"));
            assertEquals("héllo wörld ✓ 日本語 🦙 \u0000 nul inside", g.getString("general.name"));
            assertEquals("", g.getString("test.string.empty"));
            assertEquals(List.of("<unk>", "", "▁the", "Ω≈ç√", "🦙🦙"), g.getStringArray("test.arr.string"));
            assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, g.getIntArray("test.arr.i32"));
            assertArrayEquals(new float[] {0.5f, -2f, Float.POSITIVE_INFINITY}, g.getFloatArray("test.arr.f32"));
            assertArrayEquals(new long[] {4294967295L, 0, 42}, g.get("test.arr.u32").asArray().toLongArray());
            assertArrayEquals(new long[] {255, 65535}, new long[] {
                    g.get("test.arr.u8").asArray().get(2).asLong(), g.get("test.arr.u16").asArray().get(0).asLong()});
            GgufArray nested = g.get("test.arr.nested").asArray();
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertArrayEquals(new int[] {3}, nested.get(1).asArray().toIntArray());
            assertEquals(0, nested.get(2).asArray().size());
            assertEquals(0, g.get("test.arr.empty.nested").asArray().size());
            assertEquals(List.of("x", "ÿ"), g.get("test.arr.nested.strings").asArray().get(0).asArray().toStringList());
            assertTrue(g.get("test.arr.nested3").asArray().get(0).asArray().get(1).asArray().get(0).asBoolean());
        }
    }

    @Test
    void rewritingWhatWasReadIsByteIdentical() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Samples.everything().write(a, Samples.randomFiller());
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(a, arena);
            GgufWriter.from(g).write(b, GgufWriter.TensorFiller.copyFrom(g));
        }
        assertEquals(-1, Files.mismatch(a, b), "byte-identical rewrite");
    }

    @Test
    void layoutMatchesGgufCppPadding() throws IOException {
        for (int alignment : new int[] {1, 32, 64, 4096}) {
            GgufWriter w = Samples.everything().put("general.alignment", GgufValue.ofU32(alignment));
            Path file = dir.resolve("al" + alignment + ".gguf");
            w.write(file, Samples.randomFiller());
            byte[] bytes = Files.readAllBytes(file);
            try (Arena arena = Arena.ofConfined()) {
                Gguf g = Gguf.open(file, arena);
                assertEquals(alignment, g.alignment());
                assertEquals(0, g.dataOffset() % alignment);
                long expectedOffset = 0;
                for (GgufTensorInfo t : g.tensors()) {
                    assertEquals(expectedOffset, t.offset(), "packed offsets, as gguf_add_tensor computes them");
                    long end = g.dataOffset() + t.offset() + t.bytes();
                    expectedOffset += (t.bytes() + alignment - 1) / alignment * alignment;
                    for (long i = end; i < g.dataOffset() + expectedOffset; i++) assertEquals(0, bytes[(int) i], "padding zero");
                }
                assertEquals(g.dataOffset() + expectedOffset, bytes.length, "the last tensor is padded too");
                GgufWriter.from(g).write(dir.resolve("re.gguf"), GgufWriter.TensorFiller.copyFrom(g));
                assertEquals(-1, Files.mismatch(file, dir.resolve("re.gguf")));
            }
        }
    }

    @Test
    void noTensorsStillPadsAfterTheHeader() throws IOException {
        // gguf_write_out pads after the (empty) tensor infos; gguf.cpp's reader only seeks past the
        // padding when there are tensors, so the data offset is the unpadded end.
        Path file = dir.resolve("meta.gguf");
        new GgufWriter().put("general.architecture", GgufValue.ofString("llama")).write(file, (t, d) -> fail());
        byte[] b = Files.readAllBytes(file);
        assertEquals(0, b.length % 32);
        Gguf g = Gguf.read(MemorySegment.ofArray(b), "meta");
        assertEquals(24 + 8 + 20 + 4 + 8 + 5, g.dataOffset());
        assertTrue(g.tensors().isEmpty());
        GgufWriter.from(g).write(dir.resolve("re.gguf"), (t, d) -> fail());
        assertEquals(-1, Files.mismatch(file, dir.resolve("re.gguf")));
    }

    @Test
    void trailingUnitExtentsAreTrimmedLikeGgmlNDims() throws IOException {
        GgufWriter w = new GgufWriter().addTensor("a", GgmlType.F32, 4, 1, 1).addTensor("b", GgmlType.F32, 4, 1, 2)
                .addTensor("c", GgmlType.F32, 1, 1).addTensor("z", GgmlType.F32, 4, 0);
        List<GgufTensorInfo> l = w.layout();
        assertArrayEquals(new long[] {4}, l.get(0).ne());
        assertArrayEquals(new long[] {4, 1, 2}, l.get(1).ne());
        assertArrayEquals(new long[] {1}, l.get(2).ne());
        assertArrayEquals(new long[] {4, 0}, l.get(3).ne(), "a zero extent is kept: ggml would drop it and lie about the size");
        assertEquals(0, l.get(3).bytes());
        Path file = dir.resolve("t.gguf");
        w.write(file, Samples.randomFiller());
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(l, Gguf.open(file, arena).tensors());
        }
    }

    /**
     * Offsets and sizes beyond 2^31 (a 7B model is 13 GB): a 3 GB tensor between two small ones.
     * The file is sparse, only a few pages are ever written, so this takes well under a second.
     */
    @Test
    void tensorsBeyondTwoGigabytes() throws IOException {
        long big = 3_000_000_000L;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(dir).getUsableSpace() > 2 * big,
                "the writer refuses to start without room for the whole (here sparse) file");
        GgufWriter w = new GgufWriter().addTensor("small", GgmlType.F32, 8).addTensor("big", GgmlType.I8, big)
                .addTensor("after", GgmlType.F32, 5);
        Path file = dir.resolve("huge.gguf");
        w.write(file, (t, dst) -> {
            if (t.name().equals("big")) {
                dst.set(Le.I8, 0, (byte) 7);
                dst.set(Le.I8, big - 1, (byte) 9);
            } else {
                Samples.fillRandom(dst, t.name().hashCode());
            }
        });
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(file, arena);
            GgufTensorInfo b = g.tensor("big").orElseThrow(), after = g.tensor("after").orElseThrow();
            assertEquals(big, b.bytes());
            assertEquals(32 + (big + 31) / 32 * 32, after.offset());
            assertEquals(g.dataOffset() + after.offset() + 32, Files.size(file));
            assertEquals(7, g.tensorData(b).get(Le.I8, 0));
            assertEquals(9, g.tensorData(b).get(Le.I8, big - 1));
            assertArrayEquals(Samples.expectedBytes(after), g.tensorData(after).toArray(Le.I8));
        }
    }

    @Test
    void writerKeepsOrderReplacesInPlaceAndRemoves() {
        GgufWriter w = new GgufWriter().put("a", GgufValue.ofI32(1)).put("b", GgufValue.ofI32(2)).put("c", GgufValue.ofI32(3));
        w.put("a", GgufValue.ofString("x")).remove("b");
        assertEquals(List.of("a", "c"), new ArrayList<>(w.metadata().keySet()));
        assertEquals(GgufValue.ofString("x"), w.metadata().get("a"));
        w.putAll(Map.of("b", GgufValue.ofBool(true)));
        assertEquals(List.of("a", "c", "b"), new ArrayList<>(w.metadata().keySet()));
    }

    @Test
    void writerRefusesInvalidInput() {
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, 8);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.F32, 8), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x".repeat(64), GgmlType.F32, 8), "64 bytes");
        assertDoesNotThrow(() -> new GgufWriter().addTensor("x".repeat(63), GgmlType.F32, 8));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("é".repeat(32), GgmlType.F32, 8), "64 UTF-8 bytes");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q4_0, 33), "not whole blocks");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.F32), "no dims");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.F32, 1, 2, 3, 4, 5), "5 dims");
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.F32, 4, -1));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.F64, 1L << 40, 1L << 30), "bytes overflow");
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.ofU32(48)));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.ofU32(0)));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.ofI32(32)));
        assertThrows(IllegalArgumentException.class, () -> w.put("", GgufValue.ofI32(32)));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.ofString("bad \uD800 surrogate"));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.ofU8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.ofU32(-1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue(GgufValueType.UINT32, 5L));
        assertThrows(IllegalArgumentException.class,
                () -> GgufValue.ofArray(GgufValueType.INT32, List.of(GgufValue.ofI32(1), GgufValue.ofU32(1))));
        GgufValue deep = GgufValue.ofI32Array(new int[] {1});
        for (int depth = 2; depth <= GgufArray.MAX_DEPTH; depth++) deep = GgufValue.ofArray(GgufValueType.ARRAY, List.of(deep));
        GgufValue tooDeep = deep;
        assertThrows(IllegalArgumentException.class, () -> GgufValue.ofArray(GgufValueType.ARRAY, List.of(tooDeep)));
    }

    @Test
    void valueAccessorsAndEquality() {
        assertEquals(255, GgufValue.ofU8(255).asLong());
        assertEquals(-1, GgufValue.ofI8(-1).asLong());
        assertEquals(4294967295L, GgufValue.ofU32(4294967295L).asLong());
        assertEquals(1.8446744073709552E19, GgufValue.ofU64(-1).asDouble());
        assertThrows(IllegalStateException.class, () -> GgufValue.ofString("x").asLong());
        assertThrows(IllegalStateException.class, () -> GgufValue.ofBool(true).asLong());
        assertNotEquals(GgufValue.ofU32(1), GgufValue.ofI32(1), "the type is part of the value");
        // A packed array equals a plain list of the same values, with the same hash.
        GgufValue packed = GgufValue.ofI32Array(new int[] {1, 2});
        GgufValue plain = GgufValue.ofArray(GgufValueType.INT32, List.of(GgufValue.ofI32(1), GgufValue.ofI32(2)));
        assertEquals(packed, plain);
        assertEquals(plain, packed);
        assertEquals(packed.hashCode(), plain.hashCode());
        GgufValue strings = GgufValue.ofStringArray(List.of("a", "b"));
        assertEquals(strings, GgufValue.ofArray(GgufValueType.STRING, List.of(GgufValue.ofString("a"), GgufValue.ofString("b"))));
        assertEquals("UINT32 4294967295", GgufValue.ofU32(4294967295L).toString());
    }

    @Test
    void typedGettersNameTheKeyAndFile() throws IOException {
        Path file = dir.resolve("g.gguf");
        Samples.everything().write(file, Samples.randomFiller());
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(file, arena);
            GgufException missing = assertThrows(GgufException.class, () -> g.getString("no.such.key"));
            assertTrue(missing.getMessage().contains(file.toString()) && missing.getMessage().contains("'no.such.key'"),
                    missing.getMessage());
            GgufException wrong = assertThrows(GgufException.class, () -> g.getLong("general.name"));
            assertTrue(wrong.getMessage().matches(".*g\\.gguf: offset \\d+: key 'general.name' is a STRING, expected an integer"),
                    wrong.getMessage());
            assertThrows(GgufException.class, () -> g.getStringArray("test.arr.i32"));
            assertThrows(GgufException.class, () -> g.getInt("test.u32"), "4e9 does not fit an int");
            assertTrue(g.optLong("absent").isEmpty());
            assertEquals(-7, g.optLong("test.i32").getAsLong());
            assertEquals(1.5f, g.optFloat("test.f32").orElseThrow());
            assertEquals(65000f, g.getFloat("test.u16"), "floats accept integers");
            assertTrue(g.optString("absent").isEmpty());
            assertThrows(GgufException.class, () -> g.optString("test.u8"), "present with the wrong type is an error");
            assertTrue(g.tensor("odd.f16").isPresent());
            assertTrue(g.tensor("nope").isEmpty());
            GgufTensorInfo foreign = new GgufTensorInfo("odd.f16", GgmlType.F32, new long[] {7}, 0);
            assertThrows(IllegalArgumentException.class, () -> g.tensorData(foreign));
        }
    }
}
