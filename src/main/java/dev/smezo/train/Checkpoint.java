package dev.smezo.train;

import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufWriter;
import dev.smezo.model.LlamaModel;
import dev.smezo.model.Weights;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fine-tuned model as a GGUF that llama.cpp loads: the base model's metadata kept, smezo.* keys
 * added (what made it), every tensor in the base's order and type with the current weights.
 * Written atomically (temp file, fsync, rename), so a crash never leaves half a checkpoint. No
 * timestamps or paths go in, so the same run gives the same bytes.
 */
public final class Checkpoint {
    private Checkpoint() {}

    public static void write(Path out, LlamaModel model, Map<String, GgufValue> smezoKeys) throws IOException {
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
        w.write(out, (info, dst) -> MemorySegment.copy(weights.data(byName.get(info.name())), 0, dst, 0, dst.byteSize()));
    }

    /** The smezo.* keys of a checkpoint after {@code steps} steps of {@code config}. */
    public static Map<String, GgufValue> keys(TrainConfig config, long steps, String baseName) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("smezo.base_model", GgufValue.ofString(baseName));
        m.put("smezo.task", GgufValue.ofString(config.task()));
        m.put("smezo.method", GgufValue.ofString(config.method().name().toLowerCase()));
        m.put("smezo.sparsity", GgufValue.ofF64(config.sparsity()));
        m.put("smezo.lr", GgufValue.ofF64(config.lr()));
        m.put("smezo.eps", GgufValue.ofF64(config.eps()));
        m.put("smezo.seed", GgufValue.ofU64(config.seed()));
        m.put("smezo.steps", GgufValue.ofU64(steps));
        return m;
    }
}
