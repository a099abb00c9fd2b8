package dev.smezo.arch;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * {@code gemma3} (src/models/gemma3.cpp): Gemma 2's block with per-head Q/K RMSNorm before RoPE, no
 * attention soft-cap, a final soft-cap only when the file names one, five of six layers windowed
 * (when the file has a window) with their own RoPE base, and linear RoPE scaling on the global
 * layers only. The output matrix is optional (tied when absent).
 */
final class Gemma3 implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        return Gemma2.layout(c, present, true, true);
    }

    @Override
    public Tensor build(Blocks b) {
        return Gemma2.build(b, true);
    }

    @Override
    public String particulars(ModelConfig c) {
        return Gemma2.describe(c) + ", per-head Q/K RMSNorm";
    }
}
