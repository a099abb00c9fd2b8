package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.GraphInputs;
import dev.smezo.forward.WeightSource;
import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;

/**
 * The block builders the families share, op for op as llama.cpp's llm_graph_context builds them
 * (build_norm, build_qkv, build_attn_mha without flash attention, build_ffn), for a padded batch of
 * independent sequences. Attention runs per sequence: [head_dim, T, n_head, B] under a mask
 * [T, T, 1, B] that is causal (windowed for sliding layers) and hides each sequence's padding.
 *
 * <p>Every weight is fetched through the {@link WeightSource} with the tensor it is applied to, so a
 * perturbed weight is computed right before its use and its scratch is freed right after.
 */
public final class Blocks {
    public final GraphBuilder g;
    public final ModelConfig c;
    public final WeightSource w;
    public final ForwardShape s;
    public final GraphInputs in;

    /** Q, K and V of a layer, each [head_dim, heads, T*B]. */
    public record Qkv(Tensor q, Tensor k, Tensor v) {}

    /** The FFN's activation on gate and up (LLM_FFN_SILU / LLM_FFN_GELU with LLM_FFN_PAR). */
    public enum Act { SILU, GELU }

    public Blocks(GraphBuilder g, ModelConfig c, WeightSource w, ForwardShape s, GraphInputs in) {
        this.g = g;
        this.c = c;
        this.w = w;
        this.s = s;
        this.in = in;
    }

    /** The token embedding rows [n_embd, T*B] (only the looked-up rows are perturbed). */
    public Tensor embed() {
        return w.embeddingRows(g, TOKEN_EMBD, in.tokens());
    }

    /** rms_norm(x) * weight (Gemma's +1 is baked into the stored weights by the converter). */
    public Tensor norm(Tensor x, String weight) {
        Tensor normed = g.rmsNorm(x, c.rmsEps());
        return g.mul(normed, w.weight(g, weight, normed));
    }

    /** weight * x, plus the weight's bias when the file has one. */
    public Tensor linear(String weight, Tensor x) {
        return linear(weight, x, x);
    }

    /** The same, with the weight computed after {@code after} (orders one perturbed scratch at a time). */
    public Tensor linear(String weight, Tensor x, Tensor after) {
        Tensor y = g.mulMat(w.weight(g, weight, after), x);
        String b = biasOf(weight);
        return w.has(b) ? g.add(y, w.weight(g, b, y)) : y;
    }

    /** build_qkv: separate projections, or views into a fused attn_qkv; biases where the file has them. */
    public Qkv qkv(int il, Tensor x) {
        final int hd = c.headDim(), nTok = s.tokens();
        String fused = blk(il, "attn_qkv");
        if (w.has(fused)) {
            Tensor qkv = linear(fused, x);                                   // [q_dim + 2 kv_dim, T*B]
            long es = qkv.nb(0), row = qkv.nb(1);
            Tensor q = g.view(qkv, hd, c.nHead(), nTok, hd * es, row, 0);
            Tensor k = g.view(qkv, hd, c.nHeadKv(), nTok, hd * es, row, c.qDim() * es);
            Tensor v = g.view(qkv, hd, c.nHeadKv(), nTok, hd * es, row, (long) (c.qDim() + c.kvDim()) * es);
            return new Qkv(q, k, g.cont(v));
        }
        Tensor q = linear(blk(il, "attn_q"), x);
        Tensor k = linear(blk(il, "attn_k"), x);
        Tensor v = linear(blk(il, "attn_v"), x);
        return new Qkv(g.reshape(q, hd, c.nHead(), nTok), g.reshape(k, hd, c.nHeadKv(), nTok),
                g.reshape(v, hd, c.nHeadKv(), nTok));
    }

    /** Per-head RMSNorm of Q or K before RoPE (Qwen3, Gemma 3): the weight [head_dim] broadcasts over heads. */
    public Qkv headNorms(int il, Qkv x) {
        return new Qkv(norm(x.q(), blk(il, "attn_q_norm")), norm(x.k(), blk(il, "attn_k_norm")), x.v());
    }

    /** RoPE on Q and K with the layer's base and scale (sliding layers may have their own). */
    public Qkv rope(int il, Qkv x, Tensor factors) {
        return new Qkv(rope(il, x.q(), factors), rope(il, x.k(), factors), x.v());
    }

    private Tensor rope(int il, Tensor x, Tensor factors) {
        boolean swa = c.isSwa(il);
        // ext_factor 0 (no YaRN), beta_fast 32, beta_slow 1: llama.cpp's values without YaRN.
        return g.ropeExt(x, in.positions(), factors, c.nRot(), c.arch().ropeMode(), c.nCtxOrig(),
                swa ? c.ropeFreqBaseSwa() : c.ropeFreqBase(), swa ? c.ropeFreqScaleSwa() : c.ropeFreqScale(),
                0f, c.ropeAttnFactor(), 32f, 1f);
    }

    /**
     * llama_model::get_rope_factors: rope_freqs (Llama 3.1) when the file has it, else Phi-3's LongRoPE
     * factors, long when the inference context exceeds the original one; null without any.
     */
    public Tensor ropeFactors() {
        String name = w.has(ROPE_FREQS) ? ROPE_FREQS : c.nCtx() > c.nCtxOrig() ? ROPE_FACTORS_LONG : ROPE_FACTORS_SHORT;
        return w.has(name) ? w.weight(g, name, in.positions()) : null;
    }

    /**
     * Attention over each sequence and the output projection: softmax(kq_scale * cap(K^T Q) + mask) V,
     * then attn_output [n_embd, T*B]. {@code kqScale} is 1/sqrt(head_dim), or 1 where Q was scaled first.
     */
    public Tensor attention(int il, Qkv x, float kqScale) {
        final int hd = c.headDim(), T = s.length(), B = s.sequences();
        // [hd, n_head, T, B] -> [hd, T, n_head, B]
        Tensor q = g.permute(g.reshape(x.q(), hd, c.nHead(), T, B), 0, 2, 1, 3);
        Tensor k = g.permute(g.reshape(x.k(), hd, c.nHeadKv(), T, B), 0, 2, 1, 3);
        // V transposed for the second matmul: [T, hd, n_head_kv, B]
        Tensor vt = g.cont(g.permute(g.reshape(x.v(), hd, c.nHeadKv(), T, B), 1, 2, 0, 3));

        Tensor kq = g.mulMat(k, q);                                          // [T_kv, T_q, n_head, B]
        if (c.attnSoftcap() > 0) kq = softcap(kq, c.attnSoftcap());
        kq = g.softMaxExt(kq, c.isSwa(il) ? in.maskSwa() : in.mask(), kqScale, 0f);
        Tensor kqv = g.mulMat(vt, kq);                                       // [hd, T_q, n_head, B]
        Tensor cur = g.cont(g.permute(kqv, 0, 2, 1, 3));                     // [hd, n_head, T, B]
        cur = g.reshape(cur, c.qDim(), s.tokens());
        return linear(blk(il, "attn_output"), cur);                          // [n_embd, T*B]
    }

    /** 1.0f / sqrtf(v), in float as llama.cpp computes its scales (sqrt of a float is exact in double, then rounded). */
    public static float invSqrt(float v) {
        return 1.0f / (float) Math.sqrt(v);
    }

    /** c * tanh(x / c), as llama.cpp writes it (scale, tanh, scale). */
    public Tensor softcap(Tensor x, float cap) {
        return g.scale(g.tanh(g.scale(x, 1.0f / cap)), cap);
    }

    /** In the last layer, only the rows whose logits are wanted go on (llama.cpp's inp_out_ids). */
    public Tensor outputRows(int il, Tensor x) {
        return il == c.nLayer() - 1 ? g.getRows(x, in.outIds()) : x;
    }

    /** build_ffn with separate gate and up: down(act(gate x) * (up x)). */
    public Tensor ffn(int il, Tensor x, Act act) {
        Tensor up = linear(blk(il, "ffn_up"), x);
        Tensor gate = linear(blk(il, "ffn_gate"), x, up);                    // after up: one scratch at a time
        Tensor cur = act == Act.SILU ? g.swigluSplit(gate, up) : g.gegluSplit(gate, up);
        return linear(blk(il, "ffn_down"), cur);
    }

    /** build_ffn with gate and up fused in ffn_up [n_embd, 2 n_ff], gate first (Phi-3): down(swiglu(up x)). */
    public Tensor ffnFused(int il, Tensor x) {
        return linear(blk(il, "ffn_down"), g.swiglu(linear(blk(il, "ffn_up"), x)));
    }

    /**
     * The llama block over every layer, then the LM head: pre-norm RMSNorm, attention scaled by
     * 1/sqrt(head dim) (with per-head Q/K norms before RoPE when {@code headNorms}), SwiGLU FFN.
     * <pre>
     *   x = get_rows(token_embd, tokens)
     *   per layer:  h = x + wo * attn(rope(wq * norm(x)), rope(wk * norm(x)), wv * norm(x))
     *               x = h + w_down * (silu(w_gate * norm(h)) * (w_up * norm(h)))
     *   logits = output * norm(x[out_ids])
     * </pre>
     */
    public Tensor llamaDecoder(boolean headNorms, Tensor ropeFactors) {
        Tensor x = embed();                                                  // [n_embd, T*B]
        for (int il = 0; il < c.nLayer(); il++) {
            Qkv qkv = qkv(il, norm(x, blk(il, "attn_norm")));
            if (headNorms) qkv = headNorms(il, qkv);
            Tensor cur = outputRows(il, attention(il, rope(il, qkv, ropeFactors), invSqrt(c.headDim())));
            Tensor h = g.add(cur, outputRows(il, x));
            x = g.add(ffn(il, norm(h, blk(il, "ffn_norm")), Act.SILU), h);
        }
        return logits(x);
    }

    /** Output norm, the LM head (the token embedding when tied), its bias, and the final soft-cap. */
    public Tensor logits(Tensor x) {
        x = norm(x, OUTPUT_NORM);
        Tensor out = g.mulMat(w.weight(g, w.has(OUTPUT) ? OUTPUT : TOKEN_EMBD, x), x);
        if (w.has(OUTPUT_BIAS)) out = g.add(out, w.weight(g, OUTPUT_BIAS, out));
        if (c.finalSoftcap() > 0) out = softcap(out, c.finalSoftcap());
        return g.output(g.name(out, "result_output"));                       // [n_vocab, n_out]
    }
}
