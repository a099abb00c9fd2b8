package dev.smezo.cli;

import dev.smezo.chat.Templates;
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
            "Write a random-weight GGUF that llama.cpp loads: tiny shapes for tests, or a real LLaMA shape "
                    + "(models/llama-shapes.tsv) with as many layers as you like. The shape defaults to tiny. For shapes "
                    + "larger than the disk, `smezo bench --shape` builds the same model in memory instead.",
            "",
            "--arch picks the family, written as its files come:",
            "  llama   LLaMA 1/2, Mistral: SentencePiece vocabulary (the default)",
            "  llama3  Llama 3.1: BPE vocabulary (llama-bpe), rope_freqs factors, rope base 500000",
            "  smollm2 SmolLM2: BPE vocabulary (smollm pre-tokenizer), no BOS",
            "  nemo    Mistral-Nemo: head size 2 x n_embd/n_head, from attention.key_length",
            "  qwen2   Qwen2.5: BPE vocabulary (qwen2, no BOS), Q/K/V biases",
            "  qwen3   Qwen3: BPE vocabulary, head size 2 x n_embd/n_head, per-head Q/K norms",
            "  gemma2  Gemma 2: window 16 on even layers, soft-caps 5 (attention) and 4 (final), always tied",
            "  gemma3  Gemma 3: window 16 on even layers, local rope base 1e4, global 1e6 with linear x8, Q/K norms",
            "  phi3    Phi-3: fused attn_qkv and gate+up, LongRoPE factors (context 1024, original 256)",
            "",
            "--type picks the matrices' type: f32 (the default), f16, bf16; q8_0, q4_0, q4_1, q5_0, q5_1 (blocks of 32);",
            "q2_K, q3_K, q4_K, q5_K, q6_K (blocks of 256: every width a multiple of 256, as in shape tiny-k), quantized by",
            "ggml's own quantizer; or q4_K_M, q5_K_M, llama-quantize's mixes: each tensor gets the type llama-quantize",
            "would give it (Q6_K output and more-bits attn_v/ffn_down, fallbacks for widths not a multiple of 256), and",
            "the values are those of --type f32 with the same seed, so the file is the f32 model quantized.",
            "",
            "--chat-template writes tokenizer.chat_template: a shipped template by NAME (chatml: plain ChatML; qwen2.5:",
            "ChatML with Qwen2.5's default system prompt; llama3: Llama-3-Instruct's, with <|start_header_id|> headers",
            "and <|eot_id|>), or the Jinja text of FILE. The BPE families (qwen2, qwen3: ChatML's tokens; llama3, smollm2:",
            "Llama 3's) have those templates' control tokens.",
            "",
            "Examples:",
            "  smezo synth --shape tiny -o tiny.gguf",
            "  smezo synth --arch qwen2 --chat-template qwen2.5 -o qwen2-chat.gguf",
            "  smezo synth --arch qwen3 --type q8_0 -o qwen3-tiny.gguf",
            "  smezo synth --shape tiny-k --layers 8 --type q4_K_M -o tiny-k-q4_K_M.gguf",
            "  smezo synth --shape llama-7b --layers 2 --type f16 -o 7b-2l.gguf"},
        mixinStandardHelpOptions = true)
final class SynthCommand implements Callable<Integer> {
    @Mixin
    ShapeOptions shape;

    @Option(names = {"-o", "--output"}, required = true, description = "GGUF file to write (atomically).")
    Path output;

    @Option(names = "--chat-template", paramLabel = "NAME|FILE",
            description = "Write tokenizer.chat_template: chatml, qwen2.5, llama3 (shipped), or a Jinja FILE.")
    String chatTemplate;

    @Override
    public Integer call() throws Exception {
        Synth synth = shape.synth("tiny");
        if (chatTemplate != null) synth = synth.withChatTemplate(Templates.resolve(chatTemplate));
        ModelShape s = synth.shape();
        long totalBytes = synth.tensorBytes();
        Progress progress = new Progress("synth", totalBytes);
        synth.write(output, done -> progress.update(done, ""));
        System.err.printf(Locale.ROOT, "wrote %s: %s, shape %s, %d layers, %s, %,d parameters, %.1f MiB%n",
                output, synth.flavor().cliName, s.name(), s.nLayer(), synth.typeName(), synth.parameters(),
                totalBytes / 1048576.0);
        return Main.EXIT_OK;
    }
}
