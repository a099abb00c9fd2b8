package dev.smezo.ggml;

/**
 * A model's weights as ggml tensors on some backend: on the CPU they alias the memory Java owns
 * ({@code forward.BackendWeights}); on a device they are an uploaded copy ({@link DeviceWeights}).
 */
public interface WeightTensors {
    boolean has(String name);

    /** The tensor of weight {@code name}; throws when the model has none. */
    Tensor tensor(String name);
}
