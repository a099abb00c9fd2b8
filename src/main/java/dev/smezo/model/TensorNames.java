package dev.smezo.model;

/** GGUF tensor names (llama.cpp's LLM_TENSOR_* names, src/llama-arch.cpp). */
public final class TensorNames {
    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    public static final String OUTPUT = "output.weight";
    public static final String OUTPUT_BIAS = "output.bias";
    public static final String ROPE_FREQS = "rope_freqs.weight";
    public static final String ROPE_FACTORS_LONG = "rope_factors_long.weight";
    public static final String ROPE_FACTORS_SHORT = "rope_factors_short.weight";

    private TensorNames() {}

    public static String blk(int layer, String name) {
        return "blk." + layer + "." + name + ".weight";
    }

    public static String bias(int layer, String name) {
        return "blk." + layer + "." + name + ".bias";
    }

    /** The bias of a weight named {@code ...X.weight}: {@code ...X.bias}. */
    public static String biasOf(String weight) {
        return weight.substring(0, weight.length() - ".weight".length()) + ".bias";
    }

    /**
     * Constant tensors: RoPE frequency factors (Llama 3.1's rope_freqs, Phi-3's LongRoPE factors) are
     * inputs of the graph computed by the converter, never trained.
     */
    public static boolean isConstant(String name) {
        return name.equals(ROPE_FREQS) || name.equals(ROPE_FACTORS_LONG) || name.equals(ROPE_FACTORS_SHORT);
    }
}
