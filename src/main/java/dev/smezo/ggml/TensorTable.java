package dev.smezo.ggml;

import java.util.HashMap;
import java.util.Map;

/** Weight tensors by GGUF name: the lookup shared by the host-aliasing and the device-copy weights. */
public abstract class TensorTable implements WeightTensors {
    private final Map<String, Tensor> tensors = new HashMap<>();

    protected void put(String name, Tensor t) {
        tensors.put(name, t);
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor " + name);
        return t;
    }
}
