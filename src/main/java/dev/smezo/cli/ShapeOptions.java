package dev.smezo.cli;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import picocli.CommandLine.Option;

/**
 * A synthetic llama model described by shape instead of a file: {@code synth} writes it, {@code bench}
 * builds it in memory (for shapes larger than the disk: LLaMA-30B in F16 is 61 GiB).
 */
final class ShapeOptions {
    @Option(names = "--shape", completionCandidates = ShapeNames.class,
            description = "Shape name (models/llama-shapes.tsv): ${COMPLETION-CANDIDATES}.")
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

    boolean given() {
        return shape != null;
    }

    /** The model these options describe, with {@code fallbackShape} when --shape is absent. */
    Synth synth(String fallbackShape) {
        ModelShape s = ModelShape.named(shape != null ? shape : fallbackShape);
        if (layers != null) s = s.withLayers(layers);
        if (vocab != null) s = s.withVocab(vocab);
        return new Synth(s, parseType(type), tied, seed);
    }

    static GgmlType parseType(String name) {
        for (GgmlType g : GgmlType.values()) {
            if (g.ggmlName().equalsIgnoreCase(name) || g.name().equalsIgnoreCase(name)) return g;
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "' (f32, f16, bf16, q8_0, q4_0)");
    }

    static final class ShapeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelShape.known().stream().map(ModelShape::name).iterator();
        }
    }
}
