package dev.smezo.cli;

import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "synth",
        description = {
            "Write a random-weight GGUF of the llama architecture that llama.cpp loads: tiny shapes for tests, "
                    + "or a real LLaMA shape (models/llama-shapes.tsv) with as many layers as you like. "
                    + "The shape defaults to tiny. For shapes larger than the disk, `smezo bench --shape` builds "
                    + "the same model in memory instead.",
            "",
            "Examples:",
            "  smezo synth --shape tiny -o tiny.gguf",
            "  smezo synth --shape llama-7b --layers 2 --type f16 -o 7b-2l.gguf"},
        mixinStandardHelpOptions = true)
final class SynthCommand implements Callable<Integer> {
    @Mixin
    ShapeOptions shape;

    @Option(names = {"-o", "--output"}, required = true, description = "GGUF file to write (atomically).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Synth synth = shape.synth("tiny");
        ModelShape s = synth.shape();
        long totalBytes = synth.tensorBytes();
        Progress progress = new Progress("synth", totalBytes);
        synth.write(output, done -> progress.update(done, ""));
        System.err.printf(Locale.ROOT, "wrote %s: shape %s, %d layers, %s, %,d parameters, %.1f MiB%n",
                output, s.name(), s.nLayer(), synth.type().ggmlName(), s.parameters(shape.tied), totalBytes / 1048576.0);
        return Main.EXIT_OK;
    }
}
