package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.reference.LlamaCppReference;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("native")
class ScoreCommandTest {
    static final String TEXT = "Tom and his mom went to the store. They bought apples and milk. "
            + "Tom was happy because he liked apples very much.";

    @Test
    @Tag("model")
    void meanLogLikelihoodMatchesLibllamaLogits() {
        Path model = TestModels.stories260K();
        CliRunner.Result r = CliRunner.run("score", model.toString(), "--text", TEXT, "--json", "-t", "2");
        assertEquals(0, r.exitCode(), r.err());
        double ours = number(r.out(), "mean_log_likelihood");

        // Independent: libllama's logits for the same tokens, log-softmax in double here.
        int[] tokens;
        try (Tokenizer t = Tokenizer.load(model)) {
            tokens = t.encode(TEXT, true);
        }
        double sum = 0;
        try (LlamaCppReference ref = new LlamaCppReference(model, tokens.length, 1, 2)) {
            float[] logits = ref.logits(tokens);
            int nv = ref.vocabSize();
            for (int p = 0; p + 1 < tokens.length; p++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int v = 0; v < nv; v++) max = Math.max(max, logits[p * nv + v]);
                for (int v = 0; v < nv; v++) z += Math.exp(logits[p * nv + v] - max);
                sum += logits[p * nv + tokens[p + 1]] - max - Math.log(z);
            }
        }
        double expected = sum / (tokens.length - 1);
        assertEquals(tokens.length, (int) number(r.out(), "tokens"));
        assertEquals(expected, ours, 1e-4, "smezo " + ours + " vs libllama " + expected);
        assertTrue(expected < -0.01 && expected > -5, "a plausible TinyStories likelihood: " + expected);
    }

    @Test
    @Tag("model")
    void windowedScoringPredictsEveryTokenOnce() {
        Path model = TestModels.stories260K();
        CliRunner.Result r = CliRunner.run("score", model.toString(), "--text", TEXT + " " + TEXT, "--window", "16", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals((int) number(r.out(), "tokens") - 1, (int) number(r.out(), "predicted"));
    }

    @Test
    void missingModelIsABadInputError(@TempDir Path dir) {
        CliRunner.Result r = CliRunner.run("score", dir.resolve("nope.gguf").toString(), "--text", "hi");
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("nope.gguf"), r.err());
    }

    @Test
    void corruptModelIsABadInputErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        CliRunner.Result r = CliRunner.run("info", bad.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("bad.gguf") && r.err().contains("offset"), r.err());
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), "no " + key + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
