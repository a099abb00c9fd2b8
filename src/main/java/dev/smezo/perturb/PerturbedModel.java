package dev.smezo.perturb;

import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.Backend;
import dev.smezo.ggml.ComputeBuffer;
import dev.smezo.ggml.WeightTensors;
import dev.smezo.model.ModelConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model as a zeroth-order optimizer sees it: forwards at W + c*z(seed)*m for any seed and c, and
 * the in-place update. Graphs are built once per batch shape and reused for every step; after
 * {@link #reserveFor} the graphs of every shape share one compute buffer, sized for the largest.
 */
public final class PerturbedModel implements AutoCloseable {
    private final ModelConfig config;
    private final WeightTensors weights;
    private final Trainables trainables;
    private final Backend backend;
    private final UpdateGraph update;
    /** Graphs kept on shared buffers (each holds its graph metadata and masks): the recent shapes. */
    private static final int MAX_SHARED_GRAPHS = 16;
    private final Map<ForwardShape, Graph> graphs = new LinkedHashMap<>(16, 0.75f, true);   // access order
    private Forward.Shared shared;
    private final Arena logitsArena = Arena.ofShared();

    private record Graph(Forward forward, PerturbedWeights weights) {}

    public PerturbedModel(ModelConfig config, WeightTensors weights, Trainables trainables, Backend backend) {
        this.config = config;
        this.weights = weights;
        this.trainables = trainables;
        this.backend = backend;
        this.update = new UpdateGraph(weights, trainables, backend);
    }

    public Trainables trainables() {
        return trainables;
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * From now on every graph shares one compute buffer, reserved for {@code largest} (the largest
     * shape any batch will have: a batch of another shape must not need more). For data whose
     * batches vary in shape (sequences bucketed by length), so a step holds one buffer, not one
     * per shape.
     */
    public void reserveFor(ForwardShape largest) {
        if (shared != null) throw new IllegalStateException("already reserved");
        for (Graph gr : graphs.values()) gr.forward.close();
        graphs.clear();
        shared = new Forward.Shared(new ComputeBuffer(backend.bufferType()),
                logitsArena.allocate(4L * largest.outputs() * config.nVocab(), 64));
        graph(largest);   // its allocation sizes the shared buffer
    }

    /** Runs {@code batch} (in a graph of {@code shape}) at W + c*z(seed)*m; returns its logits buffer. */
    public MemorySegment logits(Batch batch, ForwardShape shape, long seed, float c) {
        Graph gr = graph(shape);
        gr.weights.setStep(seed, c);
        gr.forward.run(batch);
        return gr.forward.logitsSegment();
    }

    /** W <- W - b*W + c*z(seed)*m, in place. */
    public void update(long seed, float c, float b) {
        update.apply(seed, c, b);
    }

    /** Bytes of the compute buffers of the graphs built so far (the largest is what a step holds). */
    public long computeBytes() {
        if (shared != null) return shared.compute().bytes();
        long max = 0;
        for (Graph gr : graphs.values()) max = Math.max(max, gr.forward.computeBytes());
        return max;
    }

    public Forward forward(ForwardShape shape) {
        return graph(shape).forward;
    }

    private Graph graph(ForwardShape shape) {
        Graph gr = graphs.get(shape);
        if (gr != null && gr.forward.stale()) {   // another shape grew the shared buffer: rebuild on it
            gr.forward.close();
            gr = null;
        }
        if (gr == null) {
            PerturbedWeights[] pw = new PerturbedWeights[1];
            Forward f = new Forward(config, g -> pw[0] = new PerturbedWeights(g, weights, trainables), backend, shape, shared);
            gr = new Graph(f, pw[0]);
            graphs.put(shape, gr);
            if (shared != null && graphs.size() > MAX_SHARED_GRAPHS) {   // the least recently used goes
                var eldest = graphs.entrySet().iterator().next();
                eldest.getValue().forward.close();
                graphs.remove(eldest.getKey());
            }
        }
        return gr;
    }

    private static void close(Graph gr) {
        if (gr != null) gr.forward.close();
    }

    @Override
    public void close() {
        for (Graph gr : graphs.values()) gr.forward.close();
        graphs.clear();
        if (shared != null) shared.compute().close();
        logitsArena.close();
        update.close();
    }
}
