package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * {@code llama} (src/models/llama.cpp): LLaMA 1/2/3, Mistral, SmolLM2, TinyLlama. Pre-norm blocks,
 * RMSNorm, SwiGLU, NORM RoPE with Llama 3.1's rope_freqs factors when present, optional biases.
 * <pre>
 *   x = get_rows(token_embd, tokens)
 *   per layer:  h = x + wo * attn(rope(wq * norm(x)), rope(wk * norm(x)), wv * norm(x))
 *               x = h + w_down * (silu(w_gate * norm(h)) * (w_up * norm(h)))
 *   logits = output * norm(x[out_ids])
 * </pre>
 */
final class Llama implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        long e = c.nEmbd(), q = c.qDim(), kv = c.kvDim(), ff = c.nFf();
        TensorLayout t = new TensorLayout(c, present).embeddings(e, c.nVocab(), true);
        // with LongRoPE scaling llama.cpp reads the long/short factors instead; either is a constant
        t.constant(ROPE_FREQS, c.nRot() / 2).constant(ROPE_FACTORS_LONG, c.nRot() / 2).constant(ROPE_FACTORS_SHORT, c.nRot() / 2);
        for (int i = 0; i < c.nLayer(); i++) {
            t.tensor(blk(i, "attn_norm"), true, e).qkv(i, e, q, kv).withBias(blk(i, "attn_output"), q, e);
            t.tensor(blk(i, "ffn_norm"), true, e);
            t.withBias(blk(i, "ffn_gate"), e, ff).withBias(blk(i, "ffn_down"), ff, e).withBias(blk(i, "ffn_up"), e, ff);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        var c = b.c;
        Tensor factors = b.ropeFactors();
        Tensor x = b.embed();                                                // [n_embd, T*B]
        for (int il = 0; il < c.nLayer(); il++) {
            Blocks.Qkv qkv = b.rope(il, b.qkv(il, b.norm(x, blk(il, "attn_norm"))), factors);
            Tensor cur = b.outputRows(il, b.attention(il, qkv, Blocks.invSqrt(c.headDim())));
            Tensor h = b.g.add(cur, b.outputRows(il, x));
            x = b.g.add(b.ffn(il, b.norm(h, blk(il, "ffn_norm")), Blocks.Act.SILU), h);
        }
        return b.logits(x);
    }

    @Override
    public String particulars(ModelConfig c) {
        return "pre-norm RMSNorm, SwiGLU, rope NORM (adjacent pairs)";
    }
}
