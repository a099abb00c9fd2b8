package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.chat.ChatTemplate;
import dev.smezo.chat.Message;
import dev.smezo.cli.CliRunner;
import dev.smezo.forward.LogProbs;
import dev.smezo.gguf.GgufValue;
import dev.smezo.json.Json;
import dev.smezo.reference.LlamaCppReference;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chat path on a real model: stories260K with a chat template added, S-MeZO on generated
 * TinyStories-style questions ("How did Tom feel?") with their answers ("Tom was happy."), through
 * the CLI. The step-0 dev loss equals the loss computed here from libllama's logits over the
 * template's tokens with the answer tokens found independently (the single-turn prompt's tokens are
 * a prefix of the conversation's); training lowers the held-out answer loss; and `--show-samples`
 * (greedy, through libllama) shows the learned answers where the base model tells a story.
 */
@Tag("native")
@Tag("model")
class ChatTrainingTest {
    @TempDir
    Path dir;

    static final String TEMPLATE = "{%- for m in messages -%}{%- if m.role == 'user' -%}{{ m.content + '\\n' }}"
            + "{%- elif m.role == 'assistant' -%}{{ 'Answer: ' + m.content + eos_token }}{%- endif -%}{%- endfor -%}"
            + "{%- if add_generation_prompt -%}{{ 'Answer:' }}{%- endif -%}";
    static final String[] NAMES = {"Lily", "Tom", "Ben", "Sue", "Max", "Anna", "Tim", "Mia"};
    static final String[] FEELINGS = {"happy", "sad"};
    static final int STEPS = 300;

    static List<Message> conversation(Random r) {
        String name = NAMES[r.nextInt(NAMES.length)], feeling = FEELINGS[r.nextInt(FEELINGS.length)];
        return List.of(new Message("user", name + " played in the park. " + name + " was very " + feeling
                + ".\nQuestion: How did " + name + " feel?"), new Message("assistant", name + " was " + feeling + "."));
    }

    static Path jsonl(Path file, List<List<Message>> conversations) throws Exception {
        List<String> lines = new ArrayList<>();
        for (List<Message> c : conversations) {
            List<Object> ms = new ArrayList<>();
            for (Message m : c) ms.add(Map.of("role", m.role(), "content", m.content()));
            lines.add(Json.write(Map.of("messages", ms)));
        }
        Files.write(file, lines);
        return file;
    }

    @Test
    void answersAreLearnedAndTheStartingLossIsLibllamas() throws Exception {
        Path model = TestModels.variant(dir, TestModels.stories260K(), "stories-chat",
                w -> w.put("tokenizer.chat_template", GgufValue.ofString(TEMPLATE)), null);
        Random r = new Random(5);
        List<List<Message>> train = new ArrayList<>(), dev = new ArrayList<>();
        for (int i = 0; i < 400; i++) train.add(conversation(r));
        for (int i = 0; i < 24; i++) dev.add(conversation(r));
        Path trainFile = jsonl(dir.resolve("train.jsonl"), train), devFile = jsonl(dir.resolve("dev.jsonl"), dev);
        Path run = dir.resolve("run");

        CliRunner.Result res = CliRunner.run("train", model.toString(), "--data", trainFile.toString(), "--dev", devFile.toString(),
                "--lr", "1e-3", "--steps", "" + STEPS, "--batch", "16", "--micro-batch", "8", "--eval-every", "100",
                "--show-samples", "4", "-t", "2", "--out", run.toString());
        assertEquals(0, res.exitCode(), res.err());
        assertTrue(res.err().contains("chat template: jinja from the GGUF's tokenizer.chat_template"), res.err());

        List<Map<?, ?>> evals = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunFiles.METRICS))) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if ("eval".equals(m.get("type"))) evals.add(m);
        }
        double start = ((Number) evals.getFirst().get("dev_loss")).doubleValue();
        double end = ((Number) evals.getLast().get("dev_loss")).doubleValue();
        assertEquals(0L, evals.getFirst().get("step"));
        assertEquals((long) STEPS, evals.getLast().get("step"));
        assertEquals(independentDevLoss(model, dev), start, 1e-4, "step-0 dev loss vs libllama's logits");
        // measured (seed 0): 5.48 at step 0, about 3.3 at step 300
        System.err.printf("chat training: dev answer loss %.4f -> %.4f in %d steps%n", start, end, STEPS);
        assertTrue(end < start - 1.5, "dev answer loss " + start + " -> " + end);

        // the base model tells a story; the fine-tune answers "<Name> was ..." to most held-out questions
        int learned = 0, base = 0;
        for (String line : Files.readAllLines(run.resolve("samples.jsonl"))) {
            Map<?, ?> s = (Map<?, ?>) Json.parse(line);
            String name = ((String) s.get("reference")).split(" ")[0];
            if (((String) s.get("fine_tuned")).strip().startsWith(name + " was")) learned++;
            if (((String) s.get("base")).strip().startsWith(name + " was")) base++;
        }
        System.err.printf("chat training: %d/4 samples answer \"<Name> was\" (base: %d/4)%n%s%n", learned, base, res.out());
        assertTrue(learned >= 3 && base == 0, "fine-tuned " + learned + "/4, base " + base + "/4:\n" + res.out());
        assertTrue(res.out().contains("fine-tuned"), res.out());
    }

    /** Mean NLL of the answer tokens under libllama's logits, the answer tokens found from the prompt's own tokens. */
    static double independentDevLoss(Path model, List<List<Message>> dev) {
        double nll = 0;
        int n = 0;
        try (ChatTemplate t = ChatTemplate.open(model, null);
             LlamaCppReference ref = new LlamaCppReference(model, 256, 1, 2)) {
            Tokenizer tok = t.tokenizer();
            for (List<Message> c : dev) {
                int[] prompt = t.tokens(c.subList(0, 1), true), full = t.tokens(c, false);
                assertArrayEquals(prompt, Arrays.copyOf(full, prompt.length), "the prompt's tokens start the conversation's");
                assertEquals(tok.eos(), full[full.length - 1], "the answer ends with EOS, parsed from the template's eos_token");
                float[] logits = ref.logits(full);
                for (int i = prompt.length; i < full.length; i++, n++) nll -= LogProbs.of(logits, i - 1, tok.vocabSize(), full[i]);
            }
        }
        return nll / n;
    }
}
