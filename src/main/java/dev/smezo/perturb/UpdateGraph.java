package dev.smezo.perturb;

import dev.smezo.ggml.Backend;
import dev.smezo.ggml.ComputeBuffer;
import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.ggml.WeightTensors;
import dev.smezo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The in-place update of every trained tensor, {@code W <- W - b*W + c*z*m} with c = -lr*g and
 * b = lr*wd, as one ggml graph of in-place custom ops on the stored weights (built once, run on the
 * backend's threads). The mask is computed from W before the update: the same mask both forwards
 * of the step used. F16/BF16 weights, and quantized tensors' F16 scales, round stochastically.
 */
public final class UpdateGraph implements AutoCloseable {
    private final Backend backend;
    private final GraphBuilder g;
    private final ComputeBuffer compute;
    private final Tensor params;
    private final MemorySegment graph;
    private final MemorySegment host = Arena.ofAuto().allocate(NativeKernels.PARAMS_BYTES, 16);

    public UpdateGraph(WeightTensors weights, Trainables trainables, Backend backend) {
        this.backend = backend;
        int n = trainables.trained().size();
        this.g = new GraphBuilder(2 * n + 8, 2 * n + 8);
        this.params = g.input("smezo_update_params", GgmlType.I32, 8);
        Tensor[] updates = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Trainables.Trained t = trainables.trained().get(i);
            Tensor w = weights.tensor(t.entry().name());
            updates[i] = g.customInPlace(w, new Tensor[] {params},
                    t.quantized() ? NativeKernels.updateQuantOp() : NativeKernels.updateOp(), t.cfg());
        }
        this.graph = g.graph(updates);
        this.compute = new ComputeBuffer(backend.bufferType());
        compute.reserve(graph);
        compute.allocate(graph);
    }

    /** Applies one direction's update: W += c*z(seed)*m - b*W. */
    public void apply(long seed, float c, float b) {
        NativeKernels.writeParams(host, seed, c, b);
        params.set(host, 0);
        backend.compute(graph);
    }

    @Override
    public void close() {
        compute.close();
        g.close();
    }
}
