package dev.smezo.train;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.Model;
import dev.smezo.model.Weights;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import java.lang.foreign.Arena;
import java.util.Locale;

/**
 * The peak resident memory a training run should reach, predicted without running anything:
 * the model file once (a private mapping: every page is read by the thresholds and the forwards,
 * written pages become private copies, still 1x), the compute buffer of the training graph (the
 * perturbed one, whose buffer holds the scratch of perturbed weights; sized exactly by ggml's
 * gallocr reserve, which mallocs the buffer but does not touch it), the graph's host-side inputs
 * and logits, and the runtime (JVM and libraries: measured before the model is loaded, plus
 * {@link Footprint#RUNTIME_GROWTH_BYTES}).
 *
 * @param fileBytes    the GGUF file (header and weights), all of it resident during training; 0 for a
 *                     model built in memory ({@link Model#synthesize}), whose weights are resident instead
 * @param weightsBytes the tensors alone
 * @param computeBytes the compute buffer of the training graph (of the plain forward for method none)
 * @param hostBytes    tokens, positions, mask, output ids and logits kept on the Java side
 * @param runtimeBytes the runtime baseline plus its growth during a run
 * @param checkpointBytes a training run's checkpoint write: the largest tensor (the writer maps one
 *                     tensor of the new file at a time); 0 where nothing is written
 * @param workBytes    the CPU backend's work buffer for the graph (ggml_graph_plan's work_size, e.g.
 *                     the F16 copy of a matmul's activations): small per token, but it grows with the batch
 */
public record MemoryPlan(long fileBytes, long weightsBytes, long computeBytes, long hostBytes, long runtimeBytes,
                         long checkpointBytes, long workBytes) {
    public MemoryPlan(long fileBytes, long weightsBytes, long computeBytes, long hostBytes, long runtimeBytes) {
        this(fileBytes, weightsBytes, computeBytes, hostBytes, runtimeBytes, 0, 0);
    }

    /** Predicted peak RSS, bytes. */
    public long total() {
        return residentModelBytes() + computeBytes + hostBytes + runtimeBytes + checkpointBytes + workBytes;
    }

    /**
     * With {@code bytes} more runtime: a training run's, for what its tokenizer (libllama's vocabulary)
     * took as it loaded, measured, and {@link Footprint#TRAIN_EXTRA_GROWTH_BYTES}.
     */
    public MemoryPlan withRuntime(long bytes) {
        return new MemoryPlan(fileBytes, weightsBytes, computeBytes, hostBytes, runtimeBytes + bytes, checkpointBytes, workBytes);
    }

    /** The plan of a run that writes checkpoints of this model (its largest tensor mapped at a time). */
    public MemoryPlan withCheckpoints(Model model) {
        long largest = 0;
        for (Weights.Entry e : model.weights().entries()) largest = Math.max(largest, e.bytes());
        return new MemoryPlan(fileBytes, weightsBytes, computeBytes, hostBytes, runtimeBytes, largest, workBytes);
    }

    /** The model's own resident memory: the file, or the weights of a model built in memory. */
    public long residentModelBytes() {
        return fileBytes > 0 ? fileBytes : weightsBytes;
    }

    /**
     * The host's part when the graphs run on a GPU: the compute buffer lives on the device. (The CUDA
     * runtime's own host memory is not in the runtime baseline, so this is a lower bound there.)
     */
    public MemoryPlan computeOnDevice() {
        return new MemoryPlan(fileBytes, weightsBytes, 0, hostBytes, runtimeBytes, checkpointBytes, 0);
    }

    /**
     * Fails a run whose predicted peak is over {@code limit} before it allocates anything large: past
     * the machine's memory the kernel's OOM killer would end it mid-run instead.
     *
     * @param limit  null: no check
     * @param advice what the user can change (a smaller batch, say), for the message, where the model itself fits
     * @throws OverLimitException naming every part of the prediction and the limit's source
     */
    public void requireWithin(Memory.Limit limit, String advice) {
        if (limit == null || total() <= limit.bytes()) return;
        if (residentModelBytes() + runtimeBytes > limit.bytes()) advice = "the model and the runtime alone do not fit: "
                + "a smaller model, or a machine with more memory (--memory-limit none runs anyway)";
        throw new OverLimitException(String.format(Locale.ROOT,
                "predicted peak memory %s (model %s + compute buffer %s + host buffers %s + runtime %s%s%s) is over %s, %s; %s",
                mib(total()), mib(residentModelBytes()), mib(computeBytes), mib(hostBytes), mib(runtimeBytes),
                workBytes == 0 ? "" : " + CPU work buffer " + mib(workBytes),
                checkpointBytes == 0 ? "" : " + checkpoint writing " + mib(checkpointBytes),
                mib(limit.bytes()), limit.source(), advice));
    }

    /** A run that would not fit in memory: bad input (exit 3), reported before any work. */
    public static final class OverLimitException extends IllegalArgumentException {
        OverLimitException(String message) {
            super(message);
        }
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }

    public boolean inMemory() {
        return fileBytes == 0;
    }

    /** {@link #of(Model, long, ForwardShape, Method, Trainables.Selection, long)} for the default selection, the matrices. */
    public static MemoryPlan of(Model model, long fileBytes, ForwardShape shape, Method method, long runtimeBaseline) {
        return of(model, fileBytes, shape, method, Trainables.Selection.MATRICES, runtimeBaseline);
    }

    /**
     * Builds the graph a run of {@code method} over the tensors {@code selection} trains would use
     * (the perturbed graph; the mask mode does not change its buffer, so no weight is read; the plain
     * forward for method none or when nothing selected can train) and reserves it.
     *
     * @param runtimeBaseline the process's footprint before the model was loaded ({@link Footprint#baseline()})
     */
    public static MemoryPlan of(Model model, long fileBytes, ForwardShape shape, Method method,
                                Trainables.Selection selection, long runtimeBaseline) {
        boolean trains = method != null
                && model.weights().entries().stream().anyMatch(e -> selection.accepts(e) && e.type().isFloat());
        long compute, host, work;
        int threads = Runtime.getRuntime().availableProcessors();   // work_size grows a little with the threads
        try (Arena arena = Arena.ofConfined();
             CpuBackend backend = new CpuBackend(1);
             BackendWeights w = new BackendWeights(model.weights())) {
            if (!trains) {
                try (Forward f = new Forward(model.config(), w.plain(), backend, shape)) {
                    compute = f.computeBytes();
                    host = f.hostBytes();
                    work = f.workBytes(threads);
                }
            } else {
                Trainables t = Trainables.select(model.weights(), selection, Method.MEZO, 0.0, 1, 1, arena);
                try (PerturbedModel pm = new PerturbedModel(model.config(), w, t, backend)) {
                    Forward f = pm.forward(shape);
                    compute = f.computeBytes();
                    host = f.hostBytes();
                    work = f.workBytes(threads);
                }
            }
        }
        return new MemoryPlan(fileBytes, model.weights().totalBytes(), compute, host,
                runtimeBaseline + Footprint.RUNTIME_GROWTH_BYTES, 0, work);
    }
}
