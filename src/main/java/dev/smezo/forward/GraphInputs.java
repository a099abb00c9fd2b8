package dev.smezo.forward;

import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.gguf.GgmlType;

/**
 * The forward graph's inputs, written before each compute: tokens and positions [T*B], the causal
 * masks [T, T, 1, B] (the sliding-window one only for families with windowed layers) and the rows
 * whose logits are wanted.
 */
public record GraphInputs(Tensor tokens, Tensor positions, Tensor mask, Tensor maskSwa, Tensor outIds) {
    public static GraphInputs create(GraphBuilder g, ForwardShape s, boolean slidingWindow) {
        return new GraphInputs(
                g.input("inp_tokens", GgmlType.I32, s.tokens()),
                g.input("inp_pos", GgmlType.I32, s.tokens()),
                g.input("kq_mask", GgmlType.F32, s.length(), s.length(), 1, s.sequences()),
                slidingWindow ? g.input("kq_mask_swa", GgmlType.F32, s.length(), s.length(), 1, s.sequences()) : null,
                g.input("inp_out_ids", GgmlType.I32, s.outputs()));
    }
}
