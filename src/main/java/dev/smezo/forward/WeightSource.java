package dev.smezo.forward;

import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;

/**
 * How the forward graph reaches each weight. The plain source hands out the stored tensors; the
 * perturbed source puts the perturbation op (W + c*z*m) between each trainable weight and its use.
 */
public interface WeightSource {
    /** The tensor to use for weight {@code name} (a matrix, a norm or a bias). */
    Tensor weight(GraphBuilder g, String name);

    /** The token embedding rows of {@code ids}, as F32 [n_embd, n_ids]. */
    Tensor embeddingRows(GraphBuilder g, String name, Tensor ids);

    /** Is the optional tensor present in the model? */
    boolean has(String name);
}
