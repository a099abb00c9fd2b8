package dev.smezo.cli;

import dev.smezo.data.DataFiles;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.generate.Generator;
import dev.smezo.generate.Sampling;
import dev.smezo.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate",
        description = {
            "Generate text from MODEL after a prompt, streamed to stdout as it comes; a one-line summary (tokens, "
                    + "tokens/s, why it stopped) goes to stderr. Decoding and sampling are libllama's (its KV cache, "
                    + "its sampler chain with llama-cli's defaults: top-k 40, top-p, min-p 0.05, temperature), so a "
                    + "base model and its fine-tune compare exactly as llama.cpp would run them.",
            "",
            "Generation stops at the model's end-of-generation token, after --max-tokens tokens, or when prompt "
                    + "and generated text fill the context. The same model, prompt, options and --seed give the same "
                    + "text; --temperature 0 always takes the most likely token (greedy).",
            "",
            "Examples:",
            "  smezo generate stories260K.gguf --prompt 'Once upon a time'",
            "  smezo generate base.gguf --prompt 'Lily was sad because' --seed 7",
            "  smezo generate runs/x/model.gguf --prompt 'Lily was sad because' --seed 7   (its fine-tune)",
            "  smezo generate model.gguf --prompt 'The cat' --temperature 0 --max-tokens 32 --echo",
            "  smezo generate runs/x/model.gguf --chat dev.jsonl --temperature 0   (answer each conversation)"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model (any architecture libllama runs).")
    Path model;

    /** Where the prompt comes from: one option per source, each ending in {@link #generateFor}. */
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT",
                description = "Plain text to continue (tokenized with the model's tokenizer, BOS added if it wants one).")
        String prompt;

        @Option(names = "--chat", paramLabel = "FILE.jsonl",
                description = "Conversations (any format `train --data` reads): each is rendered with the chat template up "
                        + "to its last assistant turn, with the generation prompt, and answered; that turn, if any, is shown "
                        + "on stderr as the reference.")
        Path chat;
    }

    @Option(names = "--chat-template", paramLabel = "NAME|FILE",
            description = "With --chat: a llama.cpp built-in template NAME or a Jinja FILE instead of the GGUF's.")
    String chatTemplate;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + Sampling.DEFAULT_MAX_TOKENS,
            description = "Generate at most N tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "" + Sampling.DEFAULT_TEMPERATURE,
            description = "Sampling temperature, >= 0; 0 is greedy (default: ${DEFAULT-VALUE}, llama-cli's).")
    double temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "" + Sampling.DEFAULT_TOP_P,
            description = "Nucleus sampling: keep the likeliest tokens up to this total probability, in (0, 1]; "
                    + "1 is off (default: ${DEFAULT-VALUE}, llama-cli's).")
    double topP;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "Seed of the draw, 0 to " + Sampling.MAX_SEED + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ctx", paramLabel = "N",
            description = "Context length in tokens, prompt included (default: the model's training context, at most 4096).")
    Integer ctx;

    @Option(names = "--echo", description = "Print the prompt before the generated text.")
    boolean echo;

    @Mixin
    ThreadsOption threads;

    private Generator generator;
    private Sampling sampling;

    @Override
    public Integer call() throws IOException {
        sampling = new Sampling(maxTokens, temperature, topP, seed);   // bad values fail before anything loads
        if (ctx != null) OptionChecks.atLeast("--ctx", ctx, 2);
        if (chatTemplate != null && input.chat == null) throw new CliException(Main.EXIT_USAGE, "--chat-template goes with --chat FILE.jsonl");
        int nThreads = threads.resolve();
        try (Generator g = Generator.open(model, ctx == null ? 0 : ctx, nThreads);
             Tokenizer tok = Tokenizer.load(model)) {
            generator = g;
            if (input.chat == null) {
                generateFor(input.prompt, tok.encode(input.prompt, true));
                return Main.EXIT_OK;
            }
            List<SequenceEncoder.Prompt> prompts = Prompts.of(model, chatTemplate, DataFiles.read(input.chat).records());
            if (prompts.isEmpty()) throw new IllegalArgumentException(input.chat + ": no prompts (plain text records have none)");
            for (SequenceEncoder.Prompt p : prompts) {
                System.err.println("== " + p.where() + (p.expected() == null ? "" : " (reference: " + p.expected().strip() + ")"));
                generateFor(p.text(), p.tokens());
            }
        }
        return Main.EXIT_OK;
    }

    /**
     * One generation after {@code promptTokens}: the text streams to stdout (after {@code shownPrompt}
     * with --echo) and ends with a newline; the summary goes to stderr.
     */
    Generator.Result generateFor(String shownPrompt, int[] promptTokens) {
        PrintStream out = System.out;
        if (echo) write(out, shownPrompt);
        Generator.Result r = generator.generate(promptTokens, sampling, piece -> write(out, piece));
        write(out, "\n");
        System.err.printf(Locale.ROOT, "smezo: %d tokens in %.2f s (%.1f tokens/s) after a %d-token prompt (%.2f s); "
                        + "stopped: %s%n", r.tokens().length, r.generateSeconds(), r.tokensPerSecond(),
                promptTokens.length, r.promptSeconds(), r.stop().label);
        return r;
    }

    /** UTF-8 whatever the platform's encoding, flushed so the text appears token by token. */
    private static void write(PrintStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.flush();
    }
}
