package dev.smezo.forward;

import dev.smezo.arch.Architecture;
import dev.smezo.arch.Blocks;
import dev.smezo.ggml.Backend;
import dev.smezo.ggml.ComputeBuffer;
import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.model.ModelConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One forward graph of a fixed {@link ForwardShape}, built and allocated once, then run for any
 * number of batches: each run writes the inputs and computes, allocating nothing.
 */
public final class Forward implements AutoCloseable {
    /** A compute buffer and a host logits buffer that graphs of several shapes share. */
    public record Shared(ComputeBuffer compute, MemorySegment logits) {}

    private final ModelConfig config;
    private final ForwardShape shape;
    private final Backend backend;
    private final GraphBuilder builder;
    private final ComputeBuffer compute;
    private final boolean ownsCompute;
    private final int generation;   // of the compute buffer when this graph was allocated
    private final GraphInputs inputs;
    private final Tensor logits;
    private final MemorySegment graph;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment tokenBuf, posBuf, maskBuf, maskSwaBuf, outBuf, logitsBuf;

    public Forward(ModelConfig config, WeightSource weights, Backend backend, ForwardShape shape) {
        this(config, g -> weights, backend, shape);
    }

    /**
     * @param weights makes the graph's weight source inside the graph's own builder, for sources
     *                that add inputs or ops of their own (the perturbed weights do)
     */
    public Forward(ModelConfig config, java.util.function.Function<GraphBuilder, WeightSource> weights,
                   Backend backend, ForwardShape shape) {
        this(config, weights, backend, shape, null);
    }

    /**
     * @param shared buffers other graphs use too (graphs of several shapes, run one at a time: a step
     *               holds the largest graph's buffers, not their sum), sized by the caller for the
     *               largest of them; null: this graph's own
     */
    public Forward(ModelConfig config, java.util.function.Function<GraphBuilder, WeightSource> weights,
                   Backend backend, ForwardShape shape, Shared shared) {
        this.config = config;
        this.shape = shape;
        this.backend = backend;
        // tensors and nodes per layer: Gemma's sandwich block with soft-caps is the largest, about 70
        this.builder = new GraphBuilder(64 + 128 * config.nLayer(), 64 + 96 * config.nLayer());
        this.inputs = GraphInputs.create(builder, shape, config.hasSwa());
        this.logits = Architecture.of(config.arch()).build(new Blocks(builder, config, weights.apply(builder), shape, inputs));
        this.graph = builder.graph(logits);
        this.ownsCompute = shared == null;
        this.compute = ownsCompute ? new ComputeBuffer(backend.bufferType()) : shared.compute();
        if (ownsCompute) compute.reserve(graph);
        compute.allocate(graph);
        this.generation = compute.generation();
        int n = shape.tokens();
        tokenBuf = arena.allocate(4L * n, 64);
        posBuf = arena.allocate(4L * n, 64);
        maskBuf = arena.allocate(4L * shape.length() * shape.length() * shape.sequences(), 64);
        maskSwaBuf = inputs.maskSwa() != null ? arena.allocate(maskBuf.byteSize(), 64) : null;
        outBuf = arena.allocate(4L * shape.outputs(), 64);
        long logitsBytes = 4L * shape.outputs() * config.nVocab();
        if (shared != null && shared.logits().byteSize() < logitsBytes) {
            throw new IllegalArgumentException("shape " + shape + " has more outputs than the shared logits buffer holds");
        }
        logitsBuf = shared != null ? shared.logits().asSlice(0, logitsBytes) : arena.allocate(logitsBytes, 64);
    }

    public ForwardShape shape() {
        return shape;
    }

    /** Bytes of the Java-side buffers: tokens, positions, mask, output ids and logits. */
    public long hostBytes() {
        return tokenBuf.byteSize() + posBuf.byteSize() + maskBuf.byteSize() + (maskSwaBuf != null ? maskSwaBuf.byteSize() : 0)
                + outBuf.byteSize() + logitsBuf.byteSize();
    }

    /** Bytes of the compute buffer (activations, inputs, scratch). */
    public long computeBytes() {
        return compute.bytes();
    }

    /**
     * Did the shared compute buffer move since this graph was allocated (another graph needed more)?
     * Then its tensors point into freed memory and it must be rebuilt.
     */
    public boolean stale() {
        return compute.generation() != generation;
    }

    /** Bytes of the CPU backend's work buffer for this graph at {@code threads} threads (allocated beside the compute buffer). */
    public long workBytes(int threads) {
        return dev.smezo.bindings.smezo_plan_h.smezo_graph_work_size(
                dev.smezo.nativelib.NativeLibraries.cpuSymbol("ggml_graph_plan"), graph, threads);
    }

    public int nodes() {
        return GraphBuilder.nodeCount(graph);
    }

    /**
     * Runs the batch and returns its logits: {@code outputs() x n_vocab} floats, row i for the
     * batch's i-th output position. Rows past the batch's outputs (padding) are not returned.
     */
    public float[] logits(Batch batch) {
        run(batch);
        float[] out = new float[batch.outputs() * config.nVocab()];
        MemorySegment.copy(logitsBuf, ValueLayout.JAVA_FLOAT, 0, out, 0, out.length);
        return out;
    }

    /** Runs the batch; the logits stay in native memory ({@link #logitsSegment()}). */
    public void run(Batch batch) {
        if (stale()) throw new IllegalStateException("the shared compute buffer moved: rebuild " + this);
        compute.allocate(graph);   // a no-op unless a graph of another shape used the shared buffer last
        writeInputs(batch);
        backend.compute(graph);
        logits.get(logitsBuf, 0);
    }

    /** The last run's logits, {@code shape.outputs() x n_vocab} floats. */
    public MemorySegment logitsSegment() {
        return logitsBuf;
    }

    private void writeInputs(Batch batch) {
        if (!batch.fits(shape)) {
            throw new IllegalArgumentException("batch (" + batch.shape() + ") does not fit the graph's shape " + shape);
        }
        final int T = shape.length(), B = shape.sequences();
        final int nVocab = config.nVocab();
        for (int s = 0; s < B; s++) {
            int[] seq = s < batch.sequences().length ? batch.sequences()[s] : new int[0];
            for (int p = 0; p < T; p++) {
                int tok = p < seq.length ? seq[p] : 0;
                if (tok < 0 || tok >= nVocab) {
                    throw new IllegalArgumentException("token " + tok + " at sequence " + s + ", position " + p
                            + " is outside the vocabulary [0, " + nVocab + ")");
                }
                tokenBuf.setAtIndex(ValueLayout.JAVA_INT, (long) s * T + p, tok);
                posBuf.setAtIndex(ValueLayout.JAVA_INT, (long) s * T + p, p);
            }
            // mask[s][q][k]: 0 where query q may see key k (k <= q, k inside the sequence), else -inf.
            // A padded query sees key 0 only, so its softmax stays finite; its output is never read.
            // The sliding layers' mask also hides keys a window or more behind the query (llama.cpp's
            // is_masked_swa: p1 - p0 >= n_swa); there a padded query sees only itself.
            int len = seq.length, window = config.slidingWindow();
            long base = (long) s * T * T;
            for (int q = 0; q < T; q++) {
                for (int k = 0; k < T; k++) {
                    boolean visible = k <= q && (k < len || k == 0);
                    maskBuf.setAtIndex(ValueLayout.JAVA_FLOAT, base + (long) q * T + k,
                            visible ? 0f : Float.NEGATIVE_INFINITY);
                    if (maskSwaBuf != null) {
                        boolean inWindow = q < len ? visible && q - k < window : k == q;
                        maskSwaBuf.setAtIndex(ValueLayout.JAVA_FLOAT, base + (long) q * T + k,
                                inWindow ? 0f : Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
        int nOut = batch.outputs();
        for (int i = 0; i < shape.outputs(); i++) {
            int row = i < nOut ? batch.outSequence()[i] * T + batch.outPosition()[i] : 0;
            outBuf.setAtIndex(ValueLayout.JAVA_INT, i, row);
        }
        inputs.tokens().set(tokenBuf, 0);
        inputs.positions().set(posBuf, 0);
        inputs.mask().set(maskBuf, 0);
        if (maskSwaBuf != null) inputs.maskSwa().set(maskSwaBuf, 0);
        inputs.outIds().set(outBuf, 0);
    }

    @Override
    public void close() {
        if (ownsCompute) compute.close();
        builder.close();
        arena.close();
    }

    @Override
    public String toString() {
        return "Forward" + shape + " nodes=" + nodes() + " compute=" + computeBytes() + " B";
    }
}
