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
            t.tensor(blk(i, "ffn_norm"), true, e);
            t.tensor(blk(i, "ffn_gate"), true, e, ff).tensor(blk(i, "ffn_down"), true, ff, e).tensor(blk(i, "ffn_up"), true, e, ff);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        var c = b.c;
        Tensor x = b.embed();
        for (int il = 0; il < c.nLayer(); il++) {
            Blocks.Qkv qkv = b.rope(il, b.headNorms(il, b.qkv(il, b.norm(x, blk(il, "attn_norm")))), null);
            Tensor cur = b.outputRows(il, b.attention(il, qkv, Blocks.invSqrt(c.headDim())));
            Tensor h = b.g.add(cur, b.outputRows(il, x));
            x = b.g.add(b.ffn(il, b.norm(h, blk(il, "ffn_norm")), Blocks.Act.SILU), h);
        }
        return b.logits(x);
    }

    @Override
    public String particulars(ModelConfig c) {
        return "pre-norm RMSNorm, SwiGLU, rope NEOX, per-head Q/K RMSNorm, head size " + c.headDim();
    }
}
