package dev.smezo.gguf;

import static dev.smezo.gguf.GgufValue.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Shared fixtures: a synthetic GGUF using every feature, and the stories260K model when present. */
final class Samples {
    private Samples() {}

    /** Metadata of every value type, nested and empty arrays, non-ASCII strings. */
    static GgufWriter everything() {
        GgufWriter w = new GgufWriter()
                .put("general.architecture", ofString("llama"))
                .put("general.name", ofString("héllo wörld ✓ 日本語 🦙 \u0000 nul inside"))
                .put("test.u8", ofU8(200))
                .put("test.i8", ofI8(-5))
                .put("test.u16", ofU16(65000))
                .put("test.i16", ofI16(-300))
                .put("test.u32", ofU32(4_000_000_000L))
                .put("test.i32", ofI32(-7))
                .put("test.f32", ofF32(1.5f))
                .put("test.f32.nan", ofF32(Float.NaN))
                .put("test.bool.true", ofBool(true))
                .put("test.bool.false", ofBool(false))
                .put("test.string.empty", ofString(""))
                .put("test.u64", ofU64(-1L))
                .put("test.i64", ofI64(Long.MIN_VALUE))
                .put("test.f64", ofF64(-0.0))
                .put("test.arr.u8", ofU8Array(new byte[] {0, 1, (byte) 255}))
                .put("test.arr.i8", ofI8Array(new byte[] {-128, 127}))
                .put("test.arr.u16", ofU16Array(new short[] {(short) 65535, 1}))
                .put("test.arr.i16", ofI16Array(new short[] {-1, 2, -3}))
                .put("test.arr.u32", ofU32Array(new int[] {-1, 0, 42}))
                .put("test.arr.i32", ofI32Array(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}))
                .put("test.arr.f32", ofF32Array(new float[] {0.5f, -2f, Float.POSITIVE_INFINITY}))
                .put("test.arr.bool", ofBoolArray(new boolean[] {true, false, true}))
                .put("test.arr.u64", ofU64Array(new long[] {-1L, 7}))
                .put("test.arr.i64", ofI64Array(new long[] {Long.MAX_VALUE, -9}))
                .put("test.arr.f64", ofF64Array(new double[] {Math.PI, -1e300}))
                .put("test.arr.string", ofStringArray(List.of("<unk>", "", "▁the", "Ω≈ç√", "🦙🦙")))
                .put("test.arr.string.list", ofArray(GgufValueType.STRING, List.of(ofString("a"), ofString("ü"))))
                .put("test.arr.u32.list", ofArray(GgufValueType.UINT32, List.of(ofU32(1), ofU32(4294967295L))))
                .put("test.arr.empty.f32", ofF32Array(new float[0]))
                .put("test.arr.empty.string", ofStringArray(List.of()))
                .put("test.arr.empty.nested", ofArray(GgufValueType.ARRAY, List.of()))
                .put("test.arr.nested", ofArray(GgufValueType.ARRAY, List.of(
                        ofI32Array(new int[] {1, 2}), ofI32Array(new int[] {3}), ofI32Array(new int[0]))))
                .put("test.arr.nested.strings", ofArray(GgufValueType.ARRAY, List.of(
                        ofStringArray(List.of("x", "ÿ")), ofStringArray(List.of()))))
                .put("test.arr.nested3", ofArray(GgufValueType.ARRAY, List.of(
                        ofArray(GgufValueType.ARRAY, List.of(ofF64Array(new double[] {1, 2}), ofBoolArray(new boolean[] {true}))),
                        ofArray(GgufValueType.ARRAY, List.of()))));
        return w.addTensor("token_embd.weight", GgmlType.F32, 3, 5)
                .addTensor("odd.f16", GgmlType.F16, 7)
                .addTensor("odd.bf16", GgmlType.BF16, 5, 3, 2)
                .addTensor("blk.0.q4_0", GgmlType.Q4_0, 64, 3)
                .addTensor("blk.0.q8_0", GgmlType.Q8_0, 32, 1, 3)
                .addTensor("four.dims", GgmlType.F32, 2, 3, 1, 2)
                .addTensor("ünïcode.tensor", GgmlType.I8, 1)
                .addTensor("last.q8_0", GgmlType.Q8_0, 96);
    }

    /** Fills each tensor with bytes drawn from a generator seeded by the tensor's name. */
    static GgufWriter.TensorFiller randomFiller() {
        return (t, dst) -> fillRandom(dst, t.name().hashCode());
    }

    static void fillRandom(MemorySegment dst, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < dst.byteSize(); i++) dst.set(Le.I8, i, (byte) r.nextInt(256));
    }

    static byte[] expectedBytes(GgufTensorInfo t) {
        byte[] b = new byte[(int) t.bytes()];
        fillRandom(MemorySegment.ofArray(b), t.name().hashCode());
        return b;
    }

    /** stories260K.gguf under the shared directory (system property smezo.shared), if there. */
    static Optional<Path> stories() {
        String shared = System.getProperty("smezo.shared", "../shared");
        Path p = Path.of(shared, "models", "stories260K.gguf");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    static final String NO_STORIES = "stories260K.gguf not found under ${smezo.shared}/models (set -Dsmezo.shared)";
}
