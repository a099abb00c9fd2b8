package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * {@code gemma2} (src/models/gemma2.cpp): embeddings scaled by sqrt(n_embd), "sandwich" norms (a norm
 * after attention and after the FFN too), GeGLU, Q scaled before attention, attention and final
 * logit soft-capping, even layers attending through a sliding window, and always a tied output.
 * <pre>
 *   x = sqrt(n_embd) * get_rows(token_embd, tokens)
 *   per layer:  h = x + post_norm(wo * attn(q_scale * rope(wq * norm(x)), ...))
 *               x = h + post_ffw_norm(w_down * (gelu(w_gate * norm(h)) * (w_up * norm(h))))
 *   logits = softcap(token_embd * norm(x[out_ids]))
 * </pre>
 */
final class Gemma2 implements Architecture {
    @Override
    public TensorLayout layout(ModelConfig c, Predicate<String> present) {
        return layout(c, present, false, false);
    }

    /** Gemma 2's tensors; Gemma 3 adds per-head Q/K norms and may have its own output matrix. */
    static TensorLayout layout(ModelConfig c, Predicate<String> present, boolean headNorms, boolean outputAllowed) {
        long e = c.nEmbd(), q = c.qDim(), kv = c.kvDim(), ff = c.nFf();
        TensorLayout t = new TensorLayout(c, present).embeddings(e, c.nVocab(), outputAllowed);
        for (int i = 0; i < c.nLayer(); i++) {
            t.tensor(blk(i, "attn_norm"), true, e).qkv(i, e, q, kv).tensor(blk(i, "attn_output"), true, q, e);
            t.tensor(blk(i, "post_attention_norm"), true, e);
            if (headNorms) t.tensor(blk(i, "attn_k_norm"), true, c.headDim()).tensor(blk(i, "attn_q_norm"), true, c.headDim());
            t.tensor(blk(i, "ffn_norm"), true, e);
            t.ffn(i, e, ff);
            t.tensor(blk(i, "post_ffw_norm"), true, e);
        }
        return t;
    }

    @Override
    public Tensor build(Blocks b) {
        return build(b, false);
    }

    /** The Gemma 2 graph; with {@code headNorms}, Gemma 3's (the soft-caps come from the config). */
    static Tensor build(Blocks b, boolean headNorms) {
        var c = b.c;
        Tensor x = b.g.scale(b.embed(), (float) Math.sqrt((float) c.nEmbd()));
        for (int il = 0; il < c.nLayer(); il++) {
            Blocks.Qkv qkv = b.qkv(il, b.norm(x, blk(il, "attn_norm")));
            if (headNorms) qkv = b.headNorms(il, qkv);
            qkv = b.rope(il, qkv, null);
            qkv = new Blocks.Qkv(b.g.scale(qkv.q(), c.queryScale()), qkv.k(), qkv.v());
            Tensor cur = b.outputRows(il, b.attention(il, qkv, 1.0f));
            Tensor h = b.g.add(b.norm(cur, blk(il, "post_attention_norm")), b.outputRows(il, x));
            cur = b.ffn(il, b.norm(h, blk(il, "ffn_norm")), Blocks.Act.GELU);
            x = b.g.add(b.norm(cur, blk(il, "post_ffw_norm")), h);
        }
        return b.logits(x);
    }

    @Override
    public String particulars(ModelConfig c) {
        return describe(c);
    }

    static String describe(ModelConfig c) {
        StringBuilder sb = new StringBuilder("sandwich RMSNorm, GeGLU, rope NEOX, embeddings x sqrt(n_embd)");
        sb.append(String.format(Locale.ROOT, ", Q x %.6g", c.queryScale()));
        if (c.attnSoftcap() > 0) sb.append(String.format(Locale.ROOT, ", attention soft-cap %g", c.attnSoftcap()));
        if (c.finalSoftcap() > 0) sb.append(String.format(Locale.ROOT, ", final soft-cap %g", c.finalSoftcap()));
        if (c.hasSwa()) {
            int n = 0;
            for (int il = 0; il < c.nLayer(); il++) if (c.isSwa(il)) n++;
            sb.append(String.format(Locale.ROOT, ", sliding window %d on %d of %d layers (rope base %g there)",
                    c.slidingWindow(), n, c.nLayer(), c.ropeFreqBaseSwa()));
        }
        return sb.toString();
    }
}
