package dev.smezo.cli;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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
        long totalBytes = synth.tensorBytes();
        Progress progress = new Progress("synth", totalBytes);
        synth.write(output, done -> progress.update(done, ""));
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
