package dev.smezo.cli;

import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import picocli.CommandLine.Option;

/**
 * A synthetic model described by family and shape instead of a file: {@code synth} writes it, {@code bench}
 * builds it in memory (for shapes larger than the disk: LLaMA-30B in F16 is 61 GiB).
 */
final class ShapeOptions {
    @Option(names = "--shape", completionCandidates = ShapeNames.class,
            description = "Shape name (models/llama-shapes.tsv): ${COMPLETION-CANDIDATES}.")
    String shape;

    @Option(names = "--arch", description = "Family of the synthetic model (default: llama): "
            + "llama, llama3, smollm2, nemo, qwen2, qwen3, gemma2, gemma3, phi3. Each writes what that family's files carry "
            + "(`smezo synth --help` lists them).")
    String arch;

    @Option(names = "--layers", description = "Number of layers (default: the shape's).")
    Integer layers;

    @Option(names = "--vocab", description = "Vocabulary size (default: the shape's; >= 300).")
    Integer vocab;

    @Option(names = "--type",
            description = "Matrix type: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1 (widths multiples of 32), "
                    + "q2_K, q3_K, q4_K, q5_K, q6_K (multiples of 256; shape tiny-k), or llama-quantize's mixes q4_K_M, q5_K_M "
                    + "(each tensor's type as llama-quantize picks it, the values those of f32). Vectors are always f32. "
                    + "Default: f32.")
    String type;

    @Option(names = "--tied", description = "No output.weight: the token embedding doubles as the output matrix.")
    boolean tied;

    @Option(names = "--seed", description = "Seed of the weight values (default: 1).")
    Long seed;

    /**
     * For commands that take a MODEL file or a shape: exactly one, and the shape's options only with
     * --shape (they would silently do nothing with a file).
     */
    void checkExclusive(Object modelFile) {
        if ((modelFile == null) == (shape == null)) {
            throw new CliException(Main.EXIT_USAGE, "give exactly one of MODEL or --shape");
        }
        if (modelFile != null && (arch != null || layers != null || vocab != null || type != null || tied || seed != null)) {
            throw new CliException(Main.EXIT_USAGE, "--arch, --layers, --vocab, --type, --tied and --seed describe a --shape; "
                    + "they do nothing with a MODEL file");
        }
    }

    /** The model these options describe, with {@code fallbackShape} when --shape is absent. */
    Synth synth(String fallbackShape) {
        ModelShape s = ModelShape.named(shape != null ? shape : fallbackShape);
        if (layers != null) s = s.withLayers(layers);
        if (vocab != null) s = s.withVocab(vocab);
        Synth.Flavor flavor = Synth.Flavor.named(arch != null ? arch : "llama");
        // Gemma 2 files never hold an output matrix: tied is what the family is, not an option
        boolean tie = tied || flavor == Synth.Flavor.GEMMA2;
        return Synth.named(flavor, s, type != null ? type : "f32", tie, seed != null ? seed : 1);
    }

    static final class ShapeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelShape.known().stream().map(ModelShape::name).iterator();
        }
    }
}
