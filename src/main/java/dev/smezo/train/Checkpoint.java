package dev.smezo.train;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufWriter;
import dev.smezo.model.Model;
import dev.smezo.perturb.NativeKernels;
import dev.smezo.perturb.QuantScales;
import dev.smezo.model.Weights;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A fine-tuned model as a GGUF that llama.cpp loads: the base model's metadata kept, smezo.* keys
 * added (what made it), every tensor in the base's order and type with the current weights.
 * Written atomically (temp file, fsync, rename), so a crash never leaves half a checkpoint. No
 * timestamps or paths go in, so the same run gives the same bytes.
 */
public final class Checkpoint {
    private static final ValueLayout.OfInt F32_BITS = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF_BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Checkpoint() {}

    /**
     * @throws Trainer.DivergedException when a float tensor holds an infinity or a NaN (an update
     *         overflowed, or the base had them): such a file is not written
     */
    public static void write(Path out, Model model, Map<String, GgufValue> smezoKeys) throws IOException {
        GgufWriter w = new GgufWriter();
        Map<String, GgufValue> meta = new LinkedHashMap<>(model.metadata());
        meta.putAll(smezoKeys);
        w.putAll(meta);
        Weights weights = model.weights();
        Map<String, Weights.Entry> byName = new LinkedHashMap<>();
        for (Weights.Entry e : weights.entries()) {
            w.addTensor(e.name(), e.type(), e.ne());
            byName.put(e.name(), e);
        }
        // Checked tensor by tensor as it is copied: a throw here leaves no file (the writer deletes its temp file).
        w.write(out, (info, dst) -> {
            MemorySegment.copy(weights.data(byName.get(info.name())), 0, dst, 0, dst.byteSize());
            QuantScales q = QuantScales.of(info.type());
            long bad = q == null ? nonFinite(dst, info.type()) : NativeKernels.firstNonFiniteScale(dst, q, dst.byteSize() / q.blockBytes());
            if (q == null ? bad > 0 : bad >= 0) {
                throw new Trainer.DivergedException(String.format(Locale.ROOT, "tensor %s holds %s; %s not written (lower --lr or --eps)",
                        info.name(), q == null ? String.format(Locale.ROOT, "%,d non-finite values", bad)
                                : String.format(Locale.ROOT, "a non-finite scale (block %,d)", bad / q.scalesPerBlock()), out));
            }
        });
    }

    /** Infinities and NaNs in F32, F16 or BF16 data (all-ones exponent); 0 for other types (quantized scales: NativeKernels). */
    static long nonFinite(MemorySegment data, GgmlType type) {
        long count = 0;
        switch (type) {
            case F32 -> {
                for (long i = 0, n = data.byteSize() / 4; i < n; i++) {
                    if ((data.getAtIndex(F32_BITS, i) & 0x7f800000) == 0x7f800000) count++;
                }
            }
            case F16, BF16 -> {
                int exp = type == GgmlType.F16 ? 0x7c00 : 0x7f80;
                for (long i = 0, n = data.byteSize() / 2; i < n; i++) {
                    if ((data.getAtIndex(HALF_BITS, i) & exp) == exp) count++;
                }
            }
            default -> { }
        }
        return count;
    }

    /** The smezo.* keys of a checkpoint after {@code steps} steps of {@code config}. */
    public static Map<String, GgufValue> keys(TrainConfig config, long steps, String baseName) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("smezo.base_model", GgufValue.ofString(baseName));
        m.put("smezo.task", GgufValue.ofString(config.task()));
        m.put("smezo.method", GgufValue.ofString(config.method().cliName()));
        m.put("smezo.sparsity", GgufValue.ofF64(config.sparsity()));
        m.put("smezo.lr", GgufValue.ofF64(config.lr()));
        m.put("smezo.eps", GgufValue.ofF64(config.eps()));
        m.put("smezo.seed", GgufValue.ofU64(config.seed()));
        m.put("smezo.steps", GgufValue.ofU64(steps));
        return m;
    }
}
