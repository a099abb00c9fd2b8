package dev.smezo.cli;

import dev.smezo.model.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "quantize",
        description = {
            "Quantize a GGUF with llama.cpp's own quantizer (llama_model_quantize, what llama-quantize runs, from "
                    + "the same pinned source): a fine-tuned F16 checkpoint into the Q4_K_M file you serve, or a float "
                    + "model into the quantized file smezo then fine-tunes in place.",
            "",
            "Examples:",
            "  smezo quantize runs/my-run/model.gguf --type q4_K_M -o my-model-q4_K_M.gguf",
            "  smezo quantize stories260K.gguf --type q8_0 -o stories-q8_0.gguf"},
        mixinStandardHelpOptions = true)
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file to quantize.")
    Path model;

    @Option(names = "--type", required = true, description = "llama-quantize's type name: q8_0, q4_0, q4_1, q5_0, q5_1, "
            + "q2_K, q3_K_S/M/L, q4_K_S, q4_K_M, q5_K_S, q5_K_M, q6_K, iq4_nl, f16, bf16, f32 (any case).")
    String type;

    @Option(names = "--pure", description = "Every quantizable tensor in --type (no mix rules, no fallbacks for other tensors).")
    boolean pure;

    @Option(names = {"-o", "--output"}, required = true, description = "GGUF file to write (atomically).")
    Path output;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(output) && Files.isSameFile(output, model)) {
            throw new IllegalArgumentException("-o " + output + " is the input; write the quantized file elsewhere");
        }
        Quantizer.quantize(model, output, type, pure, threads.resolve());
        System.err.printf(Locale.ROOT, "wrote %s: %s%s, %.1f MiB (from %.1f MiB)%n", output, type, pure ? " (pure)" : "",
                Files.size(output) / 1048576.0, Files.size(model) / 1048576.0);
        return Main.EXIT_OK;
    }
}
