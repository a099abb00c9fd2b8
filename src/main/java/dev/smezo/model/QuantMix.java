package dev.smezo.model;

import dev.smezo.gguf.GgmlType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama-quantize's per-tensor mixes Q4_K_M and Q5_K_M: which type each tensor of a model gets, by the
 * rules of the pinned src/llama-quant.cpp (llama_tensor_get_type and llama_tensor_get_type_impl)
 * for a float model without an importance matrix, reduced to what the families smezo knows hold (no
 * experts, no Falcon). The mix tests check these rules tensor by tensor against libllama's own quantizer.
 *
 * <p>In short: vectors stay F32; output.weight, and token_embd when no output.weight ties it, Q6_K
 * (Q8_0 when ne[0] is not a multiple of 256); attn_v (and the fused attn_qkv, which llama-quant counts
 * with it) and ffn_down Q6_K on "more bits" layers; everything else the base type (Q4_K or Q5_K);
 * on a "70B" model (llama with 80 layers and grouped-query attention, qwen2 with 80 layers) Q4_K attn_v
 * becomes Q5_K. Last, a type whose blocks do not divide ne[0] falls back: Q4_K to Q5_0, Q5_K to Q5_1,
 * Q6_K to Q8_0, and a 32-block type that still does not fit to F16.
 */
public enum QuantMix {
    Q4_K_M("q4_K_M", GgmlType.Q4_K),
    Q5_K_M("q5_K_M", GgmlType.Q5_K);

    /** The name llama-quantize gives the mix. */
    public final String cliName;
    /** The type of the tensors no rule singles out (llama_ftype_get_default_type). */
    public final GgmlType base;

    QuantMix(String cliName, GgmlType base) {
        this.cliName = cliName;
        this.base = base;
    }

    /** The mix of that name (case-insensitive), or null. */
    public static QuantMix named(String name) {
        for (QuantMix m : values()) if (m.cliName.equalsIgnoreCase(name)) return m;
        return null;
    }

    /** llama-quant.cpp's tensor_category, the part the rules read. */
    private enum Category { OUTPUT, TOKEN_EMBD, ATTN_V_LIKE, FFN_DOWN, OTHER }

    /**
     * {@code tensors} (a model's, any order; each type is what it holds, F32 for a float model) retyped
     * as llama_model_quantize would write them with this mix, in the same order.
     */
    public List<Weights.TensorSpec> apply(List<Weights.TensorSpec> tensors, ModelConfig config) {
        // llama-quant counts attn_v-like tensors and ffn_downs in the order of llama_model_loader's
        // weights_map (weight_name_comparer: by layer, tensors outside blocks first, then by name), and
        // "more bits" depends on that count, so the walk goes in that order.
        List<Weights.TensorSpec> order = new ArrayList<>(tensors);
        order.sort(Comparator.comparingInt((Weights.TensorSpec t) -> layerOf(t.name())).thenComparing(Weights.TensorSpec::name));
        boolean tied = tensors.stream().noneMatch(t -> t.name().equals(TensorNames.OUTPUT));
        int nAttnV = (int) tensors.stream().filter(t -> category(t.name()) == Category.ATTN_V_LIKE).count();
        boolean is70B = config.nLayer() == 80 && (config.arch() == Arch.QWEN2
                || config.arch() == Arch.LLAMA && config.nHead() != config.nHeadKv());   // src/models/{llama,qwen2}.cpp
        int iAttnV = 0, iFfnDown = 0;
        Map<String, GgmlType> types = new HashMap<>();
        for (Weights.TensorSpec t : order) {
            if (!quantizable(t)) {
                types.put(t.name(), t.type());
                continue;
            }
            long ne0 = t.ne()[0];
            GgmlType type = base;
            switch (category(t.name())) {
                case OUTPUT -> type = ne0 % base.blockSize() != 0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
                case TOKEN_EMBD -> type = tied ? (ne0 % base.blockSize() != 0 ? GgmlType.Q8_0 : GgmlType.Q6_K) : base;
                case ATTN_V_LIKE -> {
                    if (moreBits(iAttnV++, nAttnV)) type = GgmlType.Q6_K;
                    if (is70B && type == GgmlType.Q4_K) type = GgmlType.Q5_K;
                }
                // the layer count is n_layer, not the number of ffn_downs (init_quantize_state_counters)
                case FFN_DOWN -> type = moreBits(iFfnDown++, config.nLayer()) ? GgmlType.Q6_K : base;
                case OTHER -> { }
            }
            types.put(t.name(), fallback(type, ne0));
        }
        return tensors.stream().map(t -> new Weights.TensorSpec(t.name(), types.get(t.name()), t.ne())).toList();
    }

    /** use_more_bits: the first and last eighth of the layers and every third one between. */
    static boolean moreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** tensor_type_fallback: a type whose blocks do not divide the row. */
    static GgmlType fallback(GgmlType type, long ne0) {
        if (ne0 % type.blockSize() == 0) return type;
        GgmlType f = switch (type) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> type;   // a 32-block type has nothing smaller to fall to
        };
        return ne0 % f.blockSize() == 0 ? f : GgmlType.F16;
    }

    /**
     * tensor_allows_quantization for the tensors these families hold: matrices named *weight except
     * norms (its other exclusions name tensors of other families: pos_embd, ssm_conv1d, altup...).
     */
    private static boolean quantizable(Weights.TensorSpec t) {
        return t.ne().length >= 2 && t.name().endsWith("weight") && !t.name().contains("_norm.weight");
    }

    /** tensor_get_category, by substring as there; attn_qkv and attn_v share the attn_v rules (category_is_attn_v). */
    private static Category category(String name) {
        if (name.equals(TensorNames.OUTPUT)) return Category.OUTPUT;
        if (name.equals(TensorNames.TOKEN_EMBD)) return Category.TOKEN_EMBD;
        if (name.contains("attn_qkv.weight") || name.contains("attn_kv_b.weight") || name.contains("attn_v.weight")) {
            return Category.ATTN_V_LIKE;
        }
        // attn_k/q/output and ffn_up/gate have rules only for other mixes and for experts
        if (name.contains("ffn_down")) return Category.FFN_DOWN;
        return Category.OTHER;
    }

    /** sscanf(name, "blk.%d."), -1 outside blocks, as weight_name_comparer reads it. */
    private static int layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = name.indexOf('.', 4);
        try {
            return Integer.parseInt(name.substring(4, end < 0 ? name.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
