package dev.smezo.arch;

import dev.smezo.ggml.Tensor;
import dev.smezo.model.Arch;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.TensorLayout;
import java.util.function.Predicate;

/**
 * One model family as llama.cpp builds it (src/models/NAME.cpp): the tensors its files hold and its
 * forward graph, written on the shared {@link Blocks}. A new dense family is a small file here.
 */
public interface Architecture {
    /** The tensors of a file of this family; {@code present} says which optional ones the file has. */
    TensorLayout layout(ModelConfig c, Predicate<String> present);

    /** The forward pass; returns the logits [n_vocab, n_out]. */
    Tensor build(Blocks b);

    /** What sets the family apart, for {@code smezo info}: biases, norms, RoPE, window, soft-caps. */
    String particulars(ModelConfig c);

    static Architecture of(Arch a) {
        return switch (a) {
            case LLAMA -> new Llama();
            case QWEN2 -> new Qwen2();
            case QWEN3 -> new Qwen3();
            case GEMMA2 -> new Gemma2();
            case GEMMA3 -> new Gemma3();
            case PHI3 -> new Phi3();
        };
    }
}
