package dev.smezo.forward;

import static dev.smezo.model.LlamaTensors.*;

import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.LlamaConfig;

/**
 * The llama forward pass as a ggml graph, op for op as llama.cpp builds it (src/models/llama.cpp
 * and llm_graph_context::build_attn_mha without flash attention), for a padded batch of
 * independent sequences:
 *
 * <pre>
 *   x = get_rows(token_embd, tokens)                          // [n_embd, T*B]
 *   per layer:  h = x + wo * attn(rope(wq * norm(x)), rope(wk * norm(x)), wv * norm(x))
 *               x = h + w_down * (silu(w_gate * norm(h)) * (w_up * norm(h)))
 *   logits = output * norm(x[out_ids])                          // [n_vocab, n_out]
 * </pre>
 * Attention runs per sequence: [head_dim, T, n_head, B] with a mask [T, T, 1, B] that is causal
 * and hides each sequence's padding. Rows are selected ({@code out_ids}) in the last layer right
 * after attention, as llama.cpp does, so the last FFN and the output matmul see only those rows.
 */
public final class LlamaGraph {
    /** llama.cpp's LLAMA_ROPE_TYPE_NORM: adjacent pairs rotate (the llama architecture). */
    private static final int ROPE_TYPE_NORM = 0;

    /** The graph's inputs, written before each compute. */
    public record Inputs(Tensor tokens, Tensor positions, Tensor mask, Tensor outIds) {}

    private LlamaGraph() {}

    /** Tensors a graph of {@code layers} layers creates, with room to spare (for context sizing). */
    public static int tensorBudget(int layers) {
        return 64 + 80 * layers;
    }

    public static Inputs inputs(GraphBuilder g, ForwardShape s) {
        return new Inputs(
                g.input("inp_tokens", GgmlType.I32, s.tokens()),
                g.input("inp_pos", GgmlType.I32, s.tokens()),
                g.input("kq_mask", GgmlType.F32, s.length(), s.length(), 1, s.sequences()),
                g.input("inp_out_ids", GgmlType.I32, s.outputs()));
    }

    /** Builds the forward; returns the logits tensor [n_vocab, n_out]. */
    public static Tensor build(GraphBuilder g, LlamaConfig c, WeightSource w, ForwardShape s, Inputs in) {
        final int nTok = s.tokens(), T = s.length(), B = s.sequences();
        final int hd = c.headDim();
        final float kqScale = (float) (1.0 / Math.sqrt(hd));
        Tensor ropeFreqs = w.has(ROPE_FREQS) ? w.weight(g, ROPE_FREQS, in.positions()) : null;

        Tensor x = w.embeddingRows(g, TOKEN_EMBD, in.tokens());                  // [n_embd, T*B]
        for (int il = 0; il < c.nLayer(); il++) {
            Tensor residual = x;
            Tensor normed = g.rmsNorm(x, c.rmsEps());
            Tensor cur = g.mul(normed, w.weight(g, blk(il, "attn_norm"), normed));

            Tensor q = linear(g, w, il, "attn_q", cur);                          // [q_dim, T*B]
            Tensor k = linear(g, w, il, "attn_k", cur);                          // [kv_dim, T*B]
            Tensor v = linear(g, w, il, "attn_v", cur);
            q = rope(g, c, g.reshape(q, hd, c.nHead(), nTok), in.positions(), ropeFreqs);
            k = rope(g, c, g.reshape(k, hd, c.nHeadKv(), nTok), in.positions(), ropeFreqs);

            // [hd, n_head, T, B] -> [hd, T, n_head, B]
            q = g.permute(g.reshape(q, hd, c.nHead(), T, B), 0, 2, 1, 3);
            k = g.permute(g.reshape(k, hd, c.nHeadKv(), T, B), 0, 2, 1, 3);
            // V transposed for the second matmul: [T, hd, n_head_kv, B]
            Tensor vt = g.cont(g.permute(g.reshape(v, hd, c.nHeadKv(), T, B), 1, 2, 0, 3));

            Tensor kq = g.mulMat(k, q);                                          // [T_kv, T_q, n_head, B]
            kq = g.softMaxExt(kq, in.mask(), kqScale, 0f);
            Tensor kqv = g.mulMat(vt, kq);                                       // [hd, T_q, n_head, B]
            cur = g.cont(g.permute(kqv, 0, 2, 1, 3));                            // [hd, n_head, T, B]
            cur = g.reshape(cur, c.qDim(), nTok);
            cur = linear(g, w, il, "attn_output", cur);                          // [n_embd, T*B]

            if (il == c.nLayer() - 1) {
                cur = g.getRows(cur, in.outIds());                               // [n_embd, n_out]
                residual = g.getRows(residual, in.outIds());
            }
            Tensor h = g.add(cur, residual);

            normed = g.rmsNorm(h, c.rmsEps());
            cur = g.mul(normed, w.weight(g, blk(il, "ffn_norm"), normed));
            Tensor up = g.mulMat(w.weight(g, blk(il, "ffn_up"), cur), cur);
            Tensor gate = g.mulMat(w.weight(g, blk(il, "ffn_gate"), up), cur);    // after up: one scratch at a time
            cur = g.swigluSplit(gate, up);
            cur = g.mulMat(w.weight(g, blk(il, "ffn_down"), cur), cur);
            x = g.add(cur, h);
        }
        Tensor normed = g.rmsNorm(x, c.rmsEps());
        x = g.mul(normed, w.weight(g, OUTPUT_NORM, normed));
        Tensor out = w.weight(g, w.has(OUTPUT) ? OUTPUT : TOKEN_EMBD, x);
        return g.output(g.name(g.mulMat(out, x), "result_output"));               // [n_vocab, n_out]
    }

    private static Tensor linear(GraphBuilder g, WeightSource w, int il, String name, Tensor x) {
        Tensor y = g.mulMat(w.weight(g, blk(il, name), x), x);
        String b = bias(il, name);
        return w.has(b) ? g.add(y, w.weight(g, b, y)) : y;
    }

    private static Tensor rope(GraphBuilder g, LlamaConfig c, Tensor x, Tensor pos, Tensor freqs) {
        // ext_factor 0 (no YaRN), attn_factor 1, beta_fast 32, beta_slow 1: llama.cpp's values for
        // rope scaling none/linear; n_ctx_orig only matters with YaRN.
        return g.ropeExt(x, pos, freqs, c.headDim(), ROPE_TYPE_NORM, c.nCtxTrain(),
                c.ropeFreqBase(), c.ropeFreqScale(), 0f, 1f, 32f, 1f);
    }
}
