package dev.smezo.cli;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufWriter;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import dev.smezo.model.Weights;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth",
        description = {
            "Write a random-weight GGUF of the llama architecture that llama.cpp loads: tiny shapes for tests, "
                    + "or a real LLaMA shape (models/llama-shapes.tsv) with as many layers as you like.",
            "",
            "Examples:",
            "  smezo synth --shape tiny -o tiny.gguf",
            "  smezo synth --shape llama-7b --layers 2 --type f16 -o 7b-2l.gguf"},
        mixinStandardHelpOptions = true)
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "tiny",
            description = "Shape name: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ShapeNames.class)
    String shape;

    @Option(names = "--layers", description = "Number of layers (default: the shape's).")
    Integer layers;

    @Option(names = "--vocab", description = "Vocabulary size (default: the shape's; >= 300).")
    Integer vocab;

    @Option(names = "--type", defaultValue = "f32",
            description = "Matrix type: f32, f16, bf16, q8_0, q4_0 (vectors are always f32). Default: ${DEFAULT-VALUE}.")
    String type;

    @Option(names = "--tied", description = "No output.weight: the token embedding doubles as the output matrix.")
    boolean tied;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weight values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output"}, required = true, description = "GGUF file to write (atomically).")
    Path output;

    @Override
    public Integer call() throws Exception {
        ModelShape s = ModelShape.named(shape);
        if (layers != null) s = s.withLayers(layers);
        if (vocab != null) s = s.withVocab(vocab);
        GgmlType t = parseType(type);
        Synth synth = new Synth(s, t, tied, seed);
        GgufWriter w = new GgufWriter();
        w.putAll(synth.metadata());
        Map<String, Weights.TensorSpec> specs = new HashMap<>();
        long totalBytes = 0;
        for (Weights.TensorSpec spec : synth.tensors()) {
            w.addTensor(spec.name(), spec.type(), spec.ne());
            specs.put(spec.name(), spec);
            totalBytes += spec.type().bytes(spec.ne());
        }
        Progress progress = new Progress("synth", totalBytes);
        AtomicLong done = new AtomicLong();
        w.write(output, (info, dst) -> {
            synth.fill(specs.get(info.name()), dst);
            progress.update(done.addAndGet(dst.byteSize()), info.name());
        });
        System.err.printf(Locale.ROOT, "wrote %s: shape %s, %d layers, %s, %,d parameters, %.1f MiB%n",
                output, s.name(), s.nLayer(), t.ggmlName(), s.parameters(tied), totalBytes / 1048576.0);
        return Main.EXIT_OK;
    }

    static GgmlType parseType(String name) {
        for (GgmlType g : GgmlType.values()) {
            if (g.ggmlName().equalsIgnoreCase(name) || g.name().equalsIgnoreCase(name)) return g;
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "'");
    }

    static final class ShapeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelShape.known().stream().map(ModelShape::name).iterator();
        }
    }
}
