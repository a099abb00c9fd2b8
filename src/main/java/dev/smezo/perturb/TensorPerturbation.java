package dev.smezo.perturb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * How one tensor is perturbed: its noise id and its mask. Written into native memory as the C
 * {@code smezo_tensor_cfg} (32 bytes, 8-aligned: tensor_id u32 @0, mask_mode i32 @4, threshold f32 @8,
 * keep_rate f32 @12, mask_seed u64 @16, scale_mode i32 @24, scale_gain f32 @28), the userdata of the ggml ops.
 *
 * @param tensorId  counter word c2 of the noise (unsigned 32 bits); distinct per trained tensor
 * @param mode      the mask
 * @param threshold MAGNITUDE: an element is perturbed iff |w| &lt; threshold (as float); +inf keeps all
 * @param keepRate  RANDOM: the kept fraction, in [0, 1]
 * @param maskSeed  RANDOM: the seed of the keep mask (fixed for a run)
 * @param scaleMode quantized tensors: how a scale's step is sized (float tensors ignore it)
 * @param scaleGain quantized tensors: the factor on c (the scales' own eps and lr); finite, &gt; 0
 */
public record TensorPerturbation(int tensorId, MaskMode mode, float threshold, float keepRate, long maskSeed,
                                 ScaleMode scaleMode, float scaleGain) {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("tensor_id"),
            ValueLayout.JAVA_INT.withName("mask_mode"),
            ValueLayout.JAVA_FLOAT.withName("threshold"),
            ValueLayout.JAVA_FLOAT.withName("keep_rate"),
            ValueLayout.JAVA_LONG.withName("mask_seed"),
            ValueLayout.JAVA_INT.withName("scale_mode"),
            ValueLayout.JAVA_FLOAT.withName("scale_gain")).withName("smezo_tensor_cfg");

    public TensorPerturbation {
        if (mode == null) throw new IllegalArgumentException("tensor " + tensorId + ": mask mode is null");
        if (Float.isNaN(threshold)) throw new IllegalArgumentException("tensor " + tensorId + ": threshold is NaN");
        if (!(keepRate >= 0f && keepRate <= 1f)) {
            throw new IllegalArgumentException("tensor " + tensorId + ": keep rate " + keepRate + " outside [0, 1]");
        }
        if (scaleMode == null) throw new IllegalArgumentException("tensor " + tensorId + ": scale mode is null");
        if (!(scaleGain > 0f) || Float.isInfinite(scaleGain)) {
            throw new IllegalArgumentException("tensor " + tensorId + ": scale gain " + scaleGain + " must be finite and > 0");
        }
    }

    /** A float tensor's configuration (the scale fields at their neutral values). */
    public TensorPerturbation(int tensorId, MaskMode mode, float threshold, float keepRate, long maskSeed) {
        this(tensorId, mode, threshold, keepRate, maskSeed, ScaleMode.ABSOLUTE, 1f);
    }

    /** The same configuration with a quantized tensor's scale settings. */
    public TensorPerturbation withScale(ScaleMode m, float gain) {
        return new TensorPerturbation(tensorId, mode, threshold, keepRate, maskSeed, m, gain);
    }

    /** The same configuration with another magnitude threshold. */
    public TensorPerturbation withThreshold(float h) {
        return new TensorPerturbation(tensorId, mode, h, keepRate, maskSeed, scaleMode, scaleGain);
    }

    public static TensorPerturbation dense(int tensorId) {
        return new TensorPerturbation(tensorId, MaskMode.DENSE, Float.POSITIVE_INFINITY, 1f, 0L);
    }

    public static TensorPerturbation magnitude(int tensorId, float threshold) {
        return new TensorPerturbation(tensorId, MaskMode.MAGNITUDE, threshold, 1f, 0L);
    }

    /** The largest weights: |w| &gt;= threshold. */
    public static TensorPerturbation large(int tensorId, float threshold) {
        return new TensorPerturbation(tensorId, MaskMode.LARGE, threshold, 1f, 0L);
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
            case LARGE -> Math.abs(w) >= threshold;
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

    /** Writes the 32-byte smezo_tensor_cfg into seg (at offset 0). */
    public void writeTo(MemorySegment seg) {
        seg.set(ValueLayout.JAVA_INT, 0, tensorId);
        seg.set(ValueLayout.JAVA_INT, 4, mode.code());
        seg.set(ValueLayout.JAVA_FLOAT, 8, threshold);
        seg.set(ValueLayout.JAVA_FLOAT, 12, keepRate);
        seg.set(ValueLayout.JAVA_LONG, 16, maskSeed);
        seg.set(ValueLayout.JAVA_INT, 24, scaleMode.code());
        seg.set(ValueLayout.JAVA_FLOAT, 28, scaleGain);
    }

    /** Reads a smezo_tensor_cfg back. */
    public static TensorPerturbation readFrom(MemorySegment seg) {
        int mode = seg.get(ValueLayout.JAVA_INT, 4);
        if (mode < 0 || mode >= MaskMode.values().length) throw new IllegalArgumentException("bad mask_mode " + mode);
        int scale = seg.get(ValueLayout.JAVA_INT, 24);
        if (scale < 0 || scale >= ScaleMode.values().length) throw new IllegalArgumentException("bad scale_mode " + scale);
        return new TensorPerturbation(seg.get(ValueLayout.JAVA_INT, 0), MaskMode.values()[mode],
                seg.get(ValueLayout.JAVA_FLOAT, 8), seg.get(ValueLayout.JAVA_FLOAT, 12), seg.get(ValueLayout.JAVA_LONG, 16),
                ScaleMode.values()[scale], seg.get(ValueLayout.JAVA_FLOAT, 28));
    }
}
