package dev.smezo.perturb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * How one tensor is perturbed: its noise id and its mask. Written into native memory as the C
 * {@code smezo_tensor_cfg} (24 bytes, 8-aligned: tensor_id u32 @0, mask_mode i32 @4, threshold f32 @8,
 * keep_rate f32 @12, mask_seed u64 @16), the userdata of the ggml ops.
 *
 * @param tensorId  counter word c2 of the noise (unsigned 32 bits); distinct per trained tensor
 * @param mode      the mask
 * @param threshold MAGNITUDE: an element is perturbed iff |w| &lt; threshold (as float); +inf keeps all
 * @param keepRate  RANDOM: the kept fraction, in [0, 1]
 * @param maskSeed  RANDOM: the seed of the keep mask (fixed for a run)
 */
public record TensorPerturbation(int tensorId, MaskMode mode, float threshold, float keepRate, long maskSeed) {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("tensor_id"),
            ValueLayout.JAVA_INT.withName("mask_mode"),
            ValueLayout.JAVA_FLOAT.withName("threshold"),
            ValueLayout.JAVA_FLOAT.withName("keep_rate"),
            ValueLayout.JAVA_LONG.withName("mask_seed")).withName("smezo_tensor_cfg");

    public TensorPerturbation {
        if (mode == null) throw new IllegalArgumentException("tensor " + tensorId + ": mask mode is null");
        if (Float.isNaN(threshold)) throw new IllegalArgumentException("tensor " + tensorId + ": threshold is NaN");
        if (!(keepRate >= 0f && keepRate <= 1f)) {
            throw new IllegalArgumentException("tensor " + tensorId + ": keep rate " + keepRate + " outside [0, 1]");
        }
    }

    public static TensorPerturbation dense(int tensorId) {
        return new TensorPerturbation(tensorId, MaskMode.DENSE, Float.POSITIVE_INFINITY, 1f, 0L);
    }

    public static TensorPerturbation magnitude(int tensorId, float threshold) {
        return new TensorPerturbation(tensorId, MaskMode.MAGNITUDE, threshold, 1f, 0L);
    }

    public static TensorPerturbation random(int tensorId, float keepRate, long maskSeed) {
        return new TensorPerturbation(tensorId, MaskMode.RANDOM, Float.POSITIVE_INFINITY, keepRate, maskSeed);
    }

    /** Whether element {@code index} with value w is perturbed. */
    public boolean keeps(float w, long index) {
        return switch (mode) {
            case DENSE -> true;
            case MAGNITUDE -> Math.abs(w) < threshold;
            case RANDOM -> keepsUniform(Noise.uniform24(maskSeed, tensorId, Noise.STREAM_MASK, index));
        };
    }

    /** RANDOM: whether the 24-bit uniform v of stream 1 keeps its element. */
    boolean keepsUniform(int v) {
        return (float) v * 0x1p-24f < keepRate;
    }

    /** A native smezo_tensor_cfg holding this configuration, alive as long as the arena. */
    public MemorySegment allocate(Arena arena) {
        MemorySegment seg = arena.allocate(LAYOUT);
        writeTo(seg);
        return seg;
    }

    /** Writes the 24-byte smezo_tensor_cfg into seg (at offset 0). */
    public void writeTo(MemorySegment seg) {
        seg.set(ValueLayout.JAVA_INT, 0, tensorId);
        seg.set(ValueLayout.JAVA_INT, 4, mode.code());
        seg.set(ValueLayout.JAVA_FLOAT, 8, threshold);
        seg.set(ValueLayout.JAVA_FLOAT, 12, keepRate);
        seg.set(ValueLayout.JAVA_LONG, 16, maskSeed);
    }

    /** Reads a smezo_tensor_cfg back. */
    public static TensorPerturbation readFrom(MemorySegment seg) {
        int mode = seg.get(ValueLayout.JAVA_INT, 4);
        if (mode < 0 || mode >= MaskMode.values().length) throw new IllegalArgumentException("bad mask_mode " + mode);
        return new TensorPerturbation(seg.get(ValueLayout.JAVA_INT, 0), MaskMode.values()[mode],
                seg.get(ValueLayout.JAVA_FLOAT, 8), seg.get(ValueLayout.JAVA_FLOAT, 12), seg.get(ValueLayout.JAVA_LONG, 16));
    }
}
