package dev.smezo.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembles GGUF bytes, little-endian, for tests that need files no writer would make. */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static GgufBytes header(int version, long nTensors, long nKv) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).i64(nTensors).i64(nKv);
    }

    GgufBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u32(int v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    GgufBytes i64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    GgufBytes f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return i64(b.length).raw(b);
    }

    /** A key with a scalar u32 value. */
    GgufBytes kvU32(String key, int v) {
        return str(key).u32(GgufValueType.UINT32.id()).u32(v);
    }

    GgufBytes kvString(String key, String v) {
        return str(key).u32(GgufValueType.STRING.id()).str(v);
    }

    /** A tensor info: name, n_dims, ne..., type, offset. */
    GgufBytes tensor(String name, int type, long offset, long... ne) {
        str(name).u32(ne.length);
        for (long n : ne) i64(n);
        return u32(type).i64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    GgufBytes pad(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    GgufBytes zeros(int n) {
        return raw(new byte[n]);
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }
}
