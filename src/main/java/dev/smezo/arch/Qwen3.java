package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * {@code qwen3} (src/models/qwen3.cpp): Qwen3 dense. The llama block with NEOX RoPE, an explicit
 * head size (Q is n_head x key_length wide, not n_embd) and per-head RMSNorm of Q and K before RoPE.
 */
final class Qwen3 implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        long e = c.nEmbd(), q = c.qDim(), kv = c.kvDim(), ff = c.nFf();
        TensorLayout t = new TensorLayout(c, present).embeddings(e, c.nVocab(), true);
        for (int i = 0; i < c.nLayer(); i++) {
            t.tensor(blk(i, "attn_norm"), true, e).qkv(i, e, q, kv).tensor(blk(i, "attn_output"), true, q, e);
            t.tensor(blk(i, "attn_k_norm"), true, c.headDim()).tensor(blk(i, "attn_q_norm"), true, c.headDim());
            t.tensor(blk(i, "ffn_norm"), true, e).ffn(i, e, ff);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        return b.llamaDecoder(true, null);
    }

    @Override
    public String particulars(ModelConfig c) {
        return "pre-norm RMSNorm, SwiGLU, rope NEOX, per-head Q/K RMSNorm, head size " + c.headDim();
    }
}
