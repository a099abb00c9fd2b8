package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Synth;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

        int[] tokens;
        try (Tokenizer t = Tokenizer.load(model)) {
            tokens = t.encode(TEXT, true);
        }
        double expected = libllamaMeanLogLikelihood(model, tokens, tokens.length);
        assertEquals(tokens.length, (int) number(r.out(), "tokens"));
        assertEquals(expected, ours, 1e-4, "smezo " + ours + " vs libllama " + expected);
        assertTrue(expected < -0.01 && expected > -5, "a plausible TinyStories likelihood: " + expected);
    }

    /**
     * Llama 3 style (llama, BPE llama-bpe vocabulary, rope_freqs) and Qwen style (BPE qwen2, no BOS)
     * files: tokenized by libllama with their merges, scored as libllama scores them.
     */
    @ParameterizedTest
    @EnumSource(value = Synth.Flavor.class, names = {"LLAMA3", "QWEN2"})
    void bpeFileTokenizesAndScoresAsLibllama(Synth.Flavor flavor, @TempDir Path dir) throws Exception {
        Path model = TestModels.synth(dir, flavor, "tiny", 2, GgmlType.F32, false, 3);
        String text = "the cat sat on the mat and the dog ran to the park";
        CliRunner.Result r = CliRunner.run("score", model.toString(), "--text", text, "--json", "-t", "2");
        assertEquals(0, r.exitCode(), r.err());
        int[] tokens;
        boolean bos;
        try (Tokenizer t = Tokenizer.load(model)) {
            tokens = t.encode(text, true);
            bos = t.addsBos();
            assertEquals(text, t.decode(bos ? java.util.Arrays.copyOfRange(tokens, 1, tokens.length) : tokens));
        }
        assertEquals(flavor == Synth.Flavor.LLAMA3, bos, "llama-bpe adds BOS, qwen2 does not");
        assertTrue(tokens.length < text.length() / 2, "BPE merges apply: " + tokens.length + " tokens for "
                + text.length() + " bytes");
        assertEquals(tokens.length, (int) number(r.out(), "tokens"));
        int ctx;
        try (dev.smezo.model.Model m = dev.smezo.model.Model.open(model)) {
            ctx = m.config().nCtxTrain();
        }
        double expected = libllamaMeanLogLikelihood(model, tokens, ctx);
        double ours = number(r.out(), "mean_log_likelihood");
        assertEquals(expected, ours, 1e-4, "smezo " + ours + " vs libllama " + expected);
    }

    /** Independent: libllama's logits for the tokens, log-softmax in double here, mean over the predicted tokens. */
    static double libllamaMeanLogLikelihood(Path model, int[] tokens, int ctx) {
        double sum = 0;
        try (LlamaCppReference ref = new LlamaCppReference(model, ctx, 1, 2)) {
            float[] logits = ref.logits(tokens);
            int nv = ref.vocabSize();
            for (int p = 0; p + 1 < tokens.length; p++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int v = 0; v < nv; v++) max = Math.max(max, logits[p * nv + v]);
                for (int v = 0; v < nv; v++) z += Math.exp(logits[p * nv + v] - max);
                sum += logits[p * nv + tokens[p + 1]] - max - Math.log(z);
            }
        }
        return sum / (tokens.length - 1);
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
