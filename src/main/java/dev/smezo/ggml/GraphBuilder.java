package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import dev.smezo.bindings.ggml_init_params;
import dev.smezo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A ggml context holding tensor and graph metadata only (no_alloc): the data of inputs and
 * intermediates comes from a {@link ComputeBuffer}, the data of weights from a {@link HostBuffer}.
 * The methods mirror ggml's op constructors one to one; shapes follow ggml's {@code ne} order.
 */
public final class GraphBuilder implements AutoCloseable {
    private final MemorySegment ctx;
    private final Arena arena = Arena.ofShared();
    private final int maxNodes;

    /**
     * @param maxTensors upper bound on tensors created here (weights, inputs, every op result)
     * @param maxNodes   upper bound on nodes in a graph built from this context
     */
    public GraphBuilder(int maxTensors, int maxNodes) {
        Ggml.init();
        this.maxNodes = maxNodes;
        long size = (long) maxTensors * ggml_tensor_overhead() + ggml_graph_overhead_custom(maxNodes, false);
        MemorySegment params = ggml_init_params.allocate(arena, size, MemorySegment.NULL, true);
        this.ctx = ggml_init(params);
        if (ctx.equals(MemorySegment.NULL)) throw new OutOfMemoryError("ggml_init failed for " + size + " bytes");
    }

    /** Memory for op arguments and userdata that must live as long as the graph. */
    public Arena arena() {
        return arena;
    }

    public Tensor newTensor(GgmlType type, long... ne) {
        if (ne.length < 1 || ne.length > 4) throw new IllegalArgumentException("1..4 dims, got " + ne.length);
        MemorySegment dims = arena.allocateFrom(ValueLayout.JAVA_LONG, ne);
        return new Tensor(ggml_new_tensor(ctx, type.id(), ne.length, dims));
    }

    /** A graph input: created here, allocated by the compute buffer, written before each compute. */
    public Tensor input(String name, GgmlType type, long... ne) {
        Tensor t = newTensor(type, ne);
        name(t, name);
        ggml_set_input(t.address());
        return t;
    }

    public Tensor name(Tensor t, String name) {
        try (Arena a = Arena.ofConfined()) {
            ggml_set_name(t.address(), a.allocateFrom(name));
        }
        return t;
    }

    public Tensor output(Tensor t) {
        ggml_set_output(t.address());
        return t;
    }

    // ---- ops -------------------------------------------------------------------------------

    public Tensor getRows(Tensor a, Tensor rows) {
        return new Tensor(ggml_get_rows(ctx, a.address(), rows.address()));
    }

    public Tensor rmsNorm(Tensor a, float eps) {
        return new Tensor(ggml_rms_norm(ctx, a.address(), eps));
    }

    public Tensor mul(Tensor a, Tensor b) {
        return new Tensor(ggml_mul(ctx, a.address(), b.address()));
    }

    public Tensor add(Tensor a, Tensor b) {
        return new Tensor(ggml_add(ctx, a.address(), b.address()));
    }

    public Tensor scale(Tensor a, float s) {
        return new Tensor(ggml_scale(ctx, a.address(), s));
    }

    /** ggml_mul_mat(a, b): [k, m] x [k, n] -> [m, n] (a's rows dotted with b's rows). */
    public Tensor mulMat(Tensor a, Tensor b) {
        return new Tensor(ggml_mul_mat(ctx, a.address(), b.address()));
    }

    public Tensor silu(Tensor a) {
        return new Tensor(ggml_silu(ctx, a.address()));
    }

    /** silu(a) * b, fused, as llama.cpp's SwiGLU FFN does it. */
    public Tensor swigluSplit(Tensor a, Tensor b) {
        return new Tensor(ggml_swiglu_split(ctx, a.address(), b.address()));
    }

    /** silu(first half of a's rows) * second half, fused (Phi-3's gate+up in one matrix). */
    public Tensor swiglu(Tensor a) {
        return new Tensor(ggml_swiglu(ctx, a.address()));
    }

    /** gelu(a) * b (tanh approximation), fused, as llama.cpp's GeGLU FFN does it. */
    public Tensor gegluSplit(Tensor a, Tensor b) {
        return new Tensor(ggml_geglu_split(ctx, a.address(), b.address()));
    }

    public Tensor tanh(Tensor a) {
        return new Tensor(ggml_tanh(ctx, a.address()));
    }

    /** A view of a: ne0 x ne1 x ne2 elements with row stride nb1, plane stride nb2, from byte offset. */
    public Tensor view(Tensor a, long ne0, long ne1, long ne2, long nb1, long nb2, long offset) {
        return new Tensor(ggml_view_3d(ctx, a.address(), ne0, ne1, ne2, nb1, nb2, offset));
    }

    public Tensor cont(Tensor a) {
        return new Tensor(ggml_cont(ctx, a.address()));
    }

    public Tensor reshape(Tensor a, long... ne) {
        return new Tensor(switch (ne.length) {
            case 2 -> ggml_reshape_2d(ctx, a.address(), ne[0], ne[1]);
            case 3 -> ggml_reshape_3d(ctx, a.address(), ne[0], ne[1], ne[2]);
            case 4 -> ggml_reshape_4d(ctx, a.address(), ne[0], ne[1], ne[2], ne[3]);
            default -> throw new IllegalArgumentException("reshape to " + ne.length + " dims");
        });
    }

    public Tensor permute(Tensor a, int ax0, int ax1, int ax2, int ax3) {
        return new Tensor(ggml_permute(ctx, a.address(), ax0, ax1, ax2, ax3));
    }

    public Tensor softMaxExt(Tensor a, Tensor mask, float scale, float maxBias) {
        return new Tensor(ggml_soft_max_ext(ctx, a.address(), mask == null ? MemorySegment.NULL : mask.address(),
                scale, maxBias));
    }

    public Tensor ropeExt(Tensor a, Tensor pos, Tensor freqFactors, int nDims, int mode, int nCtxOrig,
                          float freqBase, float freqScale, float extFactor, float attnFactor,
                          float betaFast, float betaSlow) {
        return new Tensor(ggml_rope_ext(ctx, a.address(), pos.address(),
                freqFactors == null ? MemorySegment.NULL : freqFactors.address(), nDims, mode, nCtxOrig,
                freqBase, freqScale, extFactor, attnFactor, betaFast, betaSlow));
    }

    /**
     * A custom op computed by a C function of libsmezo: a new tensor of the given type and shape
     * whose {@code src[]} are {@code args}. {@code userdata} must outlive the graph.
     */
    public Tensor custom(GgmlType type, long[] ne, Tensor[] args, MemorySegment fun, MemorySegment userdata) {
        long[] d = {1, 1, 1, 1};
        System.arraycopy(ne, 0, d, 0, ne.length);
        MemorySegment argv = argv(args);
        return new Tensor(ggml_custom_4d(ctx, type.id(), d[0], d[1], d[2], d[3], argv, args.length, fun,
                -1 /* GGML_N_TASKS_MAX */, userdata));
    }

    /** A custom op that writes into {@code a} in place (the result is a view of a). */
    public Tensor customInPlace(Tensor a, Tensor[] args, MemorySegment fun, MemorySegment userdata) {
        return new Tensor(ggml_custom_inplace(ctx, a.address(), argv(args), args.length, fun, -1, userdata));
    }

    private MemorySegment argv(Tensor[] args) {
        MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, Math.max(1, args.length));
        for (int i = 0; i < args.length; i++) argv.setAtIndex(ValueLayout.ADDRESS, i, args[i].address());
        return argv;
    }

    // ---- graphs ----------------------------------------------------------------------------

    /** A graph with room for this builder's node budget, holding everything {@code outputs} need. */
    public MemorySegment graph(Tensor... outputs) {
        MemorySegment g = ggml_new_graph_custom(ctx, maxNodes, false);
        for (Tensor t : outputs) ggml_build_forward_expand(g, t.address());
        return g;
    }

    public static int nodeCount(MemorySegment graph) {
        return ggml_graph_n_nodes(graph);
    }

    @Override
    public void close() {
        ggml_free(ctx);
        arena.close();
    }
}
