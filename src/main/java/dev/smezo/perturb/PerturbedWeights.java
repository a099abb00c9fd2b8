package dev.smezo.perturb;

import dev.smezo.forward.WeightSource;
import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.ggml.WeightTensors;
import dev.smezo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * The weights of one forward graph with the perturbation op in front of every trained tensor:
 * {@code W_eff = W + c*z*m} is computed into a scratch tensor of the graph (freed by the allocator
 * right after its matmul), so the stored W is never modified by a forward, no perturbed copy and
 * no mask are kept. The token embedding perturbs only the rows it looks up. The step's seed and c
 * live in a small input tensor of the graph ({@link #setStep}), so the graph is built once.
 */
public final class PerturbedWeights implements WeightSource {
    private final GraphBuilder g;
    private final WeightTensors weights;
    private final Trainables trainables;
    private final Tensor params;
    private final Map<String, Tensor> perturbed = new HashMap<>();
    private final MemorySegment host = Arena.ofAuto().allocate(NativeKernels.PARAMS_BYTES, 16);

    public PerturbedWeights(GraphBuilder g, WeightTensors weights, Trainables trainables) {
        this.g = g;
        this.weights = weights;
        this.trainables = trainables;
        this.params = g.input("smezo_params", GgmlType.I32, 8);
    }

    /** Sets the perturbation of the next compute: noise seed and scale c (+eps, -eps; 0 = none). */
    public void setStep(long seed, float c) {
        NativeKernels.writeParams(host, seed, c, 0f);
        params.set(host, 0);
    }

    @Override
    public Tensor weight(GraphBuilder builder, String name, Tensor input) {
        check(builder);
        Tensor w = weights.tensor(name);
        var trained = trainables.find(name);
        if (trained.isEmpty()) return w;
        // src[2] = input: not read by the kernel; it orders the op right before the weight's use.
        // A quantized W's copy keeps its type: ggml's own quantized matmul reads it.
        var op = trained.get().quantized() ? NativeKernels.perturbQuantOp() : NativeKernels.perturbOp();
        return perturbed.computeIfAbsent(name, n -> g.name(
                g.custom(w.type(), w.shape(), new Tensor[] {w, params, input}, op, trained.get().cfg()),
                "perturbed." + n));
    }

    @Override
    public Tensor embeddingRows(GraphBuilder builder, String name, Tensor ids) {
        check(builder);
        Tensor w = weights.tensor(name);
        var trained = trainables.find(name);
        if (trained.isPresent() && trained.get().quantized()) {   // the rows' blocks perturbed, then dequantized
            return g.name(g.custom(GgmlType.F32, new long[] {w.ne(0), ids.ne(0)}, new Tensor[] {w, ids, params},
                    NativeKernels.perturbRowsQuantOp(), trained.get().cfg()), "perturbed_rows." + name);
        }
        Tensor rows = g.getRows(w, ids);                                          // F32 [n_embd, n_ids]
        if (trained.isEmpty()) return rows;
        return g.name(g.custom(GgmlType.F32, new long[] {rows.ne(0), rows.ne(1)}, new Tensor[] {rows, ids, params},
                NativeKernels.perturbRowsOp(), trained.get().cfg()), "perturbed_rows." + name);
    }

    @Override
    public boolean has(String name) {
        return weights.has(name);
    }

    private void check(GraphBuilder builder) {
        if (builder != g) throw new IllegalStateException("perturbed weights belong to another graph");
    }
}
