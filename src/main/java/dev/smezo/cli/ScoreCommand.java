package dev.smezo.cli;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.TextScorer;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.io.TextFile;
import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "score",
        description = {
            "Tokenize a text with the model's own tokenizer (llama.cpp's) and report its mean log-likelihood per "
                    + "predicted token and its perplexity, from smezo's forward pass. Texts longer than --window "
                    + "tokens are scored in windows that overlap by one token.",
            "",
            "Example:  smezo score model.gguf --text 'Once upon a time, there was a little girl.'"},
        mixinStandardHelpOptions = true)
final class ScoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model (llama architecture).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "The text to score.")
        String text;

        @Option(names = "--file", description = "A UTF-8 text file to score.")
        Path file;
    }

    @Option(names = "--window", description = "Tokens per window (default: the model's context, at most 512).")
    Integer window;

    @Option(names = "--no-bos", description = "Do not prepend the BOS token.")
    boolean noBos;

    @Option(names = "--tokens", description = "Also print the token ids.")
    boolean showTokens;

    @Option(names = "--json", description = "One JSON object on stdout instead of text.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        String text = input.text != null ? input.text : TextFile.read(input.file);
        try (Model m = Model.open(model);
             Tokenizer tok = Tokenizer.load(model, m.metadata());
             CpuBackend backend = new CpuBackend(threads.resolve());
             BackendWeights weights = new BackendWeights(m.weights())) {
            int[] tokens = tok.encode(text, !noBos);
            int w = window != null ? window : Math.min(512, m.config().nCtxTrain());
            TextScorer.Score s = TextScorer.score(m.config(), weights.plain(), backend, tokens, w, 4);
            var out = System.out;
            if (json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("model", model.toString());
                j.put("tokens", (long) tokens.length);
                j.put("predicted", (long) s.predicted());
                j.put("mean_log_likelihood", Json.finiteOrNull(s.mean()));   // null: the model gives non-finite logits
                j.put("perplexity", Json.finiteOrNull(s.perplexity()));
                if (showTokens) j.put("token_ids", Arrays.stream(tokens).mapToObj(t -> (Object) (long) t).toList());
                out.println(Json.write(j));
            } else {
                out.printf(Locale.ROOT, "tokens              %d%n", tokens.length);
                out.printf(Locale.ROOT, "predicted           %d%n", s.predicted());
                out.printf(Locale.ROOT, "mean log-likelihood %.6f%n", s.mean());
                out.printf(Locale.ROOT, "perplexity          %.4f%n", s.perplexity());
                if (showTokens) out.println("token ids           " + Arrays.toString(tokens));
            }
        }
        return Main.EXIT_OK;
    }
}
