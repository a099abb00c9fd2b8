package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.ModelException;
import dev.smezo.model.TensorLayout;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * {@code phi3} (src/models/phi3.cpp): Phi-3, Phi-3.5 and Phi-4 (dense). A fused attn_qkv (Q, then K,
 * then V rows) and a fused ffn_up holding gate then up [n_embd, 2 n_ff], NEOX RoPE with LongRoPE's
 * factor tensors (long ones when the inference context exceeds the original context), Q scaled
 * before attention. llama.cpp ignores Phi's sliding window, and so does smezo.
 */
final class Phi3 implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        long e = c.nEmbd(), kv = c.kvDim(), ff = c.nFf();
        if (c.qDim() != c.nEmbd()) {
            throw new ModelException("phi3 needs head_count x head size = embedding_length: "
                    + c.nHead() + " x " + c.headDim() + " != " + c.nEmbd());
        }
        TensorLayout t = new TensorLayout(c, present).embeddings(e, c.nVocab(), true);
        t.constant(ROPE_FACTORS_LONG, c.nRot() / 2).constant(ROPE_FACTORS_SHORT, c.nRot() / 2);
        for (int i = 0; i < c.nLayer(); i++) {
            t.tensor(blk(i, "attn_norm"), true, e).qkv(i, e, e, kv).tensor(blk(i, "attn_output"), true, e, e);
            t.tensor(blk(i, "ffn_norm"), true, e);
            t.tensor(blk(i, "ffn_down"), true, ff, e).tensor(blk(i, "ffn_up"), true, e, 2 * ff);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        var c = b.c;
        Tensor factors = b.ropeFactors();
        Tensor x = b.embed();
        for (int il = 0; il < c.nLayer(); il++) {
            Blocks.Qkv qkv = b.rope(il, b.qkv(il, b.norm(x, blk(il, "attn_norm"))), factors);
            qkv = new Blocks.Qkv(b.g.scale(qkv.q(), Blocks.invSqrt(c.headDim())), qkv.k(), qkv.v());
            Tensor cur = b.outputRows(il, b.attention(il, qkv, 1.0f));
            Tensor h = b.g.add(cur, b.outputRows(il, x));
            x = b.g.add(h, b.ffnFused(il, b.norm(h, blk(il, "ffn_norm"))));
        }
        return b.logits(x);
    }

    @Override
    public String particulars(ModelConfig c) {
        return String.format(Locale.ROOT, "pre-norm RMSNorm, fused QKV and gate+up (SwiGLU), rope NEOX%s",
                c.nCtxOrig() < c.nCtxTrain() ? ", LongRoPE (original context " + c.nCtxOrig() + ", attn factor "
                        + c.ropeAttnFactor() + ")" : "");
    }
}
