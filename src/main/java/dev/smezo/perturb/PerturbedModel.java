package dev.smezo.perturb;

import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.Backend;
import dev.smezo.ggml.WeightTensors;
import dev.smezo.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A model as a zeroth-order optimizer sees it: forwards at W + c*z(seed)*m for any seed and c, and
 * the in-place update. Graphs are built once per batch shape and reused for every step.
 */
public final class PerturbedModel implements AutoCloseable {
    private final ModelConfig config;
    private final WeightTensors weights;
    private final Trainables trainables;
    private final Backend backend;
    private final UpdateGraph update;
    private final Map<ForwardShape, Graph> graphs = new HashMap<>();

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
        long max = 0;
        for (Graph gr : graphs.values()) max = Math.max(max, gr.forward.computeBytes());
        return max;
    }

    public Forward forward(ForwardShape shape) {
        return graph(shape).forward;
    }

    private Graph graph(ForwardShape shape) {
        Graph gr = graphs.get(shape);
        if (gr == null) {
            PerturbedWeights[] pw = new PerturbedWeights[1];
            Forward f = new Forward(config, g -> pw[0] = new PerturbedWeights(g, weights, trainables), backend, shape);
            gr = new Graph(f, pw[0]);
            graphs.put(shape, gr);
        }
        return gr;
    }

    @Override
    public void close() {
        for (Graph gr : graphs.values()) gr.forward.close();
        graphs.clear();
        update.close();
    }
}
