package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.ModelException;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * {@code qwen2} (src/models/qwen2.cpp): Qwen2 and Qwen2.5. The llama block with NEOX RoPE, Q/K/V
 * biases (optional in the loader, present in every Qwen file) and an optional output bias.
 */
final class Qwen2 implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        long e = c.nEmbd(), kv = c.kvDim(), ff = c.nFf();
        if (c.qDim() != c.nEmbd()) {
            throw new ModelException("qwen2 needs head_count x key_length = embedding_length (llama.cpp sizes Q by it): "
                    + c.nHead() + " x " + c.headDim() + " != " + c.nEmbd());
        }
        TensorLayout t = new TensorLayout(c, present).embeddings(e, c.nVocab(), true).tensor(OUTPUT_BIAS, false, c.nVocab());
        for (int i = 0; i < c.nLayer(); i++) {
            t.tensor(blk(i, "attn_norm"), true, e).qkv(i, e, e, kv).tensor(blk(i, "attn_output"), true, e, e);
            t.tensor(blk(i, "ffn_norm"), true, e).ffn(i, e, ff);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        return b.llamaDecoder(false, null);
    }

    @Override
    public String particulars(ModelConfig c) {
        return "pre-norm RMSNorm, SwiGLU, rope NEOX, Q/K/V biases";
    }
}
