package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("native")
class GenerateCommandTest {
    static CliRunner.Result generate(Path model, String... more) {
        List<String> a = new ArrayList<>(List.of("generate", model.toString(), "-t", "2"));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(String[]::new));
    }

    @Test
    @Tag("model")
    void printsTheGenerationToStdoutAndASummaryToStderr() {
        Path model = TestModels.stories260K();
        CliRunner.Result r = generate(model, "--prompt", "Once upon a time", "--max-tokens", "24", "--temperature", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(", there was"), "stories260K's greedy continuation: " + r.out());
        assertTrue(r.out().endsWith("\n"));
        assertTrue(r.err().matches("(?s).*smezo: 24 tokens in [0-9.]+ s \\([0-9.]+ tokens/s\\) after a 5-token prompt.*"
                + "stopped: max_tokens.*"), r.err());

        CliRunner.Result echoed = generate(model, "--prompt", "Once upon a time", "--max-tokens", "24", "--temperature", "0", "--echo");
        assertEquals("Once upon a time" + r.out(), echoed.out(), "--echo prints the prompt, then the same text");

        CliRunner.Result sampled = generate(model, "--prompt", "Once upon a time", "--max-tokens", "24", "--seed", "5");
        assertEquals(0, sampled.exitCode(), sampled.err());
        assertEquals(sampled.out(), generate(model, "--prompt", "Once upon a time", "--max-tokens", "24", "--seed", "5").out());

        CliRunner.Result full = generate(model, "--prompt", "Once upon a time", "--ctx", "9", "--max-tokens", "100");
        assertEquals(0, full.exitCode(), full.err());
        assertTrue(full.err().contains("smezo: 4 tokens") && full.err().contains("stopped: context"), full.err());
    }

    @Test
    @Tag("model")
    void aPromptLongerThanTheContextNamesBothLengths() {
        CliRunner.Result r = generate(TestModels.stories260K(), "--prompt", "Once upon a time there was a cat", "--ctx", "4");
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("the prompt has 10 tokens but the context holds 4"), r.err());
    }

    @Test
    void badArgumentsAreUsageOrInputErrorsWithTheirReason(@TempDir Path dir) {
        Path model = dir.resolve("absent.gguf");   // options are checked before the model is opened
        String[][] cases = {
            {"--temperature", "-0.5", "--temperature must be finite and >= 0"},
            {"--temperature", "NaN", "--temperature must be finite and >= 0"},
            {"--top-p", "0", "--top-p must be in (0, 1]"},
            {"--top-p", "1.5", "--top-p must be in (0, 1]"},
            {"--max-tokens", "0", "--max-tokens must be >= 1"},
            {"--seed", "-1", "--seed must be 0 to 4294967294"},
            {"--seed", "4294967295", "--seed must be 0 to 4294967294"},
            {"--ctx", "1", "--ctx must be >= 2"},
        };
        for (String[] c : cases) {
            CliRunner.Result r = generate(model, "--prompt", "hi", c[0], c[1]);
            assertEquals(3, r.exitCode(), c[0] + " " + c[1] + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
        }
        CliRunner.Result missing = generate(model, "--prompt", "hi");
        assertEquals(3, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("absent.gguf: no such file"), missing.err());

        CliRunner.Result noPrompt = generate(model);
        assertEquals(2, noPrompt.exitCode(), noPrompt.err());
        assertTrue(noPrompt.err().contains("--prompt"), noPrompt.err());
        assertEquals(2, generate(model, "--prompt", "hi", "--max-tokens", "many").exitCode());
    }

    @Test
    void helpTeachesWithExamples() {
        CliRunner.Result r = CliRunner.run("generate", "--help");
        assertEquals(0, r.exitCode());
        for (String s : List.of("--prompt", "--temperature", "--top-p", "--seed", "--max-tokens", "--ctx", "--echo",
                "Examples:", "greedy", "llama-cli")) {
            assertTrue(r.out().contains(s), s + " in:\n" + r.out());
        }
    }
}
