package dev.smezo.forward;

import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.ggml.WeightTensors;

/**
 * How the forward graph reaches each weight. The plain source hands out the stored tensors; the
 * perturbed source puts the perturbation op (W + c*z*m) between each trainable weight and its use.
 */
public interface WeightSource {
    /**
     * The tensor to use for weight {@code name} (a matrix, a norm or a bias) applied to
     * {@code input}. A source that computes the weight inside the graph makes it depend on
     * {@code input}, so ggml schedules it right before its use and its scratch is freed right
     * after; otherwise ggml's depth-first order would compute every perturbed weight at the start
     * of the graph and hold them all at once (gigabytes at 7B).
     */
    Tensor weight(GraphBuilder g, String name, Tensor input);

    /** The token embedding rows of {@code ids}, as F32 [n_embd, n_ids]. */
    Tensor embeddingRows(GraphBuilder g, String name, Tensor ids);

    /** Is the optional tensor present in the model? */
    boolean has(String name);

    /** The stored weights, unperturbed: what inference and evaluation use. */
    static WeightSource plain(WeightTensors weights) {
        return new WeightSource() {
            @Override
            public Tensor weight(GraphBuilder g, String name, Tensor input) {
                return weights.tensor(name);
            }

            @Override
            public Tensor embeddingRows(GraphBuilder g, String name, Tensor ids) {
                return g.getRows(weights.tensor(name), ids);
            }

            @Override
            public boolean has(String name) {
                return weights.has(name);
            }
        };
    }
}
