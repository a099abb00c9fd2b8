package dev.smezo.model;

import dev.smezo.arch.Architecture;
import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufValue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A model of one of the supported families ({@link Arch}): hyperparameters, the GGUF metadata it came with (kept for
 * checkpoints), and its weights in memory that Java owns.
 */
public final class Model implements AutoCloseable {
    private final String source;
    private final ModelConfig config;
    private final Map<String, GgufValue> metadata;
    private final Weights weights;
    private final Arena arena;

    public Model(String source, ModelConfig config, Map<String, GgufValue> metadata, Weights weights, Arena arena) {
        this.source = source;
        this.config = config;
        this.metadata = metadata;
        this.weights = weights;
        this.arena = arena;
        try {
            requireLayerTensors(config, weights);
            Architecture.of(config.arch()).layout(config, n -> weights.find(n).isPresent()).validate(source, weights);
        } catch (ModelException e) {
            if (e.getMessage().startsWith(source + ": ")) throw e;
            throw new ModelException(source + ": " + e.getMessage());
        }
    }

    /**
     * block_count must not exceed the layers the file has tensors for: checked before the layout
     * names every layer's tensors, which for a corrupt count in the billions would exhaust the heap
     * (found by the GGUF fuzzer).
     */
    private static void requireLayerTensors(ModelConfig config, Weights weights) {
        long layers = weights.entries().stream().map(e -> layerOf(e.name())).filter(i -> i >= 0).distinct().count();
        if (config.nLayer() > layers)
            throw new ModelException(config.arch().ggmlName() + ".block_count is " + config.nLayer()
                    + " but the file has tensors for " + layers + " layer(s) (blk.N.*)");
    }

    /** N of a tensor named {@code blk.N.*}, or -1. */
    private static long layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = name.indexOf('.', 4);
        if (end <= 4 || end - 4 > 9) return -1;
        for (int i = 4; i < end; i++) if (name.charAt(i) < '0' || name.charAt(i) > '9') return -1;
        return Long.parseLong(name, 4, end, 10);
    }

    /**
     * Opens a GGUF file: a private copy-on-write mapping, so training writes never reach the file
     * and untouched pages cost no memory beyond the page cache.
     */
    public static Model open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            Gguf g = Gguf.openPrivate(path, arena);
            ModelConfig config = ModelConfig.from(g);
            return new Model(path.toString(), config, g.metadata(), Weights.of(g, arena), arena);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A synthetic model built in memory, without a file (for shapes larger than the disk, such as
     * LLaMA-30B on a 64 GiB disk): the same tensors, values, metadata and hyperparameters that
     * {@link Synth#write} puts in a GGUF. {@code progress} hears the bytes filled (may be null).
     */
    public static Model synthesize(Synth synth, java.util.function.LongConsumer progress) {
        Model m = shapeOnly(synth);
        try {
            // Anonymous memory is already zero and committed only as fill writes it: no zeroing pass.
            synth.fill(m.weights(), progress);
            return m;
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    /**
     * The same model with no values: its tensors sit in reserved, uncommitted memory, so graphs over
     * it can be built and sized (what {@code smezo info --shape} predicts from) for any shape, even
     * one larger than this machine's memory. Its weights must not be read until {@link Synth#fill}
     * has written them (which {@link #synthesize} does).
     */
    public static Model shapeOnly(Synth synth) {
        Arena arena = Arena.ofShared();
        try {
            Weights w = Weights.reserve(synth.tensors(), arena);
            return new Model(synth.describe(), synth.config(), synth.metadata(), w, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public String source() {
        return source;
    }

    public ModelConfig config() {
        return config;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Weights weights() {
        return weights;
    }

    /** Is {@code output.weight} absent, so the token embedding doubles as the output matrix? */
    public boolean tiedOutput() {
        return weights.find(TensorNames.OUTPUT).isEmpty();
    }

    /** Weight types by parameter count, e.g. {F32=292800}. */
    public Map<GgmlType, Long> parameterTypes() {
        Map<GgmlType, Long> m = new java.util.TreeMap<>();
        for (Weights.Entry e : weights.entries()) m.merge(e.type(), e.elements(), Long::sum);
        return m;
    }

    @Override
    public String toString() {
        return source + " " + config + " tensors=" + weights.entries().size()
                + " types=" + Arrays.toString(parameterTypes().entrySet().toArray());
    }

    @Override
    public void close() {
        arena.close();
    }
}
