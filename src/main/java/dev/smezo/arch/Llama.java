package dev.smezo.arch;

import static dev.smezo.model.TensorNames.*;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * {@code llama} (src/models/llama.cpp): LLaMA 1/2/3, Mistral, SmolLM2, TinyLlama. Pre-norm blocks,
 * RMSNorm, SwiGLU ({@link Blocks#llamaDecoder}), NORM RoPE with Llama 3.1's rope_freqs factors when
 * present, optional biases on the attention output and the FFN.
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
        return b.llamaDecoder(false, b.ropeFactors());
    }

    @Override
    public String particulars(ModelConfig c) {
        return "pre-norm RMSNorm, SwiGLU, rope NORM (adjacent pairs)";
    }
}
