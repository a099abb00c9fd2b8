package dev.smezo.forward;

import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.HostBuffer;
import dev.smezo.ggml.Tensor;
import dev.smezo.ggml.TensorTable;
import dev.smezo.model.Weights;

/**
 * The model's weights as ggml tensors. On the CPU backend each tensor points into the memory
 * that Java owns ({@link Weights#memory()}) through one {@link HostBuffer}: no copy, and in-place
 * updates there are what the next forward reads.
 */
public final class BackendWeights extends TensorTable implements AutoCloseable {
    private final Weights weights;
    private final GraphBuilder context;
    private final HostBuffer buffer;

    public BackendWeights(Weights weights) {
        this.weights = weights;
        this.context = new GraphBuilder(weights.entries().size() + 1, 16);
        this.buffer = new HostBuffer(weights.memory());
        for (Weights.Entry e : weights.entries()) {
            Tensor t = context.name(context.newTensor(e.type(), e.ne()), e.name());
            buffer.place(t, e.offset());
            put(e.name(), t);
        }
    }

    public Weights weights() {
        return weights;
    }

    /** The weights exactly as stored: what inference and the reference forward use. */
    public WeightSource plain() {
        return WeightSource.plain(this);
    }

    @Override
    public void close() {
        buffer.close();
        context.close();
    }
}
