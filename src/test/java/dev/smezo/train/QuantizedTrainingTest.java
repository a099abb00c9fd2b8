package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufTensorInfo;
import dev.smezo.json.Json;
import dev.smezo.testing.LlamaCppComparison;
import dev.smezo.testing.TestModels;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * stories260K quantized by libllama's own quantizer, fine-tuned in place: only the quantized tensors
 * train (their block scales; the F16 ffn_down that llama.cpp keeps in these files is excluded), the
 * held-out accuracy of tinystories-feelings rises at least 15 points over zero-shot, the checkpoint has
 * the base's tensors, types and tensor-data size and loads in libllama with logits equal to smezo's,
 * and a stopped-and-resumed run and a replay give the uninterrupted run's checkpoint byte for byte.
 */
@Tag("model")
class QuantizedTrainingTest {
    static final int STEPS = 100;

    static List<String> args(Path model, Path out, int steps) {
        return new ArrayList<>(List.of("train", model.toString(), "--task", "tinystories-feelings", "--method", "smezo",
                "--lr", "3e-4", "--steps", String.valueOf(steps), "--eval-every", "50", "--n-dev", "200", "--n-test", "300",
                "--exclude", "ffn_down", "--seed", "3", "-t", "2", "--out", out.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"q8_0", "q4_K_M"})
    void trainsInPlaceKeepsTheFileAndLoadsInLibllama(String quant, @TempDir Path dir) throws Exception {
        Path base = TestModels.quantizedStories(dir, quant);
        Path whole = dir.resolve("whole"), part = dir.resolve("part");
        CliRunner.Result r = run(args(base, whole, STEPS));
        assertTrue(r.err().contains("scales of"), "quantized tensors train: " + r.err());
        // held-out accuracy: zero-shot (step 0) vs at the best dev loss
        List<Double> test = new ArrayList<>();
        for (String line : Files.readAllLines(whole.resolve(RunFiles.METRICS))) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if ("eval".equals(m.get("type"))) test.add(((Number) m.get("test_accuracy")).doubleValue());
        }
        Map<?, ?> summary = (Map<?, ?>) Json.parse(Files.readString(whole.resolve("summary.json")));
        double best = ((Number) summary.get("test_accuracy_at_best")).doubleValue();
        System.out.printf("%s: test accuracy by evaluation %s, at the best dev loss %.3f%n", quant, test, best);
        assertTrue(best >= test.getFirst() + 0.15, quant + ": zero-shot " + test.getFirst() + ", best " + best);

        Path ckpt = whole.resolve(RunFiles.MODEL);
        sameTensors(base, ckpt);
        run(args(base, part, 60));
        List<String> resume = args(base, part, STEPS);
        resume.addAll(List.of("--resume", part.toString()));
        run(resume);
        assertEquals(-1, Files.mismatch(ckpt, part.resolve(RunFiles.MODEL)), "resumed checkpoint differs");
        Path replayed = dir.resolve("replayed.gguf");
        run(List.of("replay", base.toString(), whole.resolve(Trajectory.FILE).toString(), "-o", replayed.toString()));
        assertEquals(-1, Files.mismatch(ckpt, replayed), "replay differs from the run");

        int[][] tokens = {new Random(2).ints(40, 3, 512).toArray()};
        LlamaCppComparison.Diff d = LlamaCppComparison.compare(ckpt, tokens, 256, c -> c, 2);
        System.out.printf("%s checkpoint: max |logit| %.3f, max |libllama - smezo| = %.3g%n", quant, d.scale(), d.max());
        assertTrue(d.max() <= 1e-4 * Math.max(1, d.scale()), "max diff " + d.max() + " at max |logit| " + d.scale());
    }

    /** The same tensors (names, order, types, shapes) and tensor-data size; metadata: only smezo.* keys added. */
    static void sameTensors(Path base, Path ckpt) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Gguf a = Gguf.open(base, arena), b = Gguf.open(ckpt, arena);
            assertEquals(a.tensors().size(), b.tensors().size());
            long bytesA = 0, bytesB = 0;
            for (int i = 0; i < a.tensors().size(); i++) {
                GgufTensorInfo x = a.tensors().get(i), y = b.tensors().get(i);
                assertEquals(x.name(), y.name());
                assertEquals(x.type(), y.type(), x.name());
                assertTrue(java.util.Arrays.equals(x.ne(), y.ne()), x.name());
                bytesA += x.type().bytes(x.ne());
                bytesB += y.type().bytes(y.ne());
            }
            assertEquals(bytesA, bytesB);
            assertEquals(a.segment().byteSize() - a.dataOffset(), b.segment().byteSize() - b.dataOffset(), "tensor-data size");
            for (String k : b.metadata().keySet()) {
                assertTrue(a.metadata().containsKey(k) || k.startsWith("smezo."), "added key " + k);
            }
            for (String k : a.metadata().keySet()) assertEquals(a.metadata().get(k), b.metadata().get(k), k);
        }
    }

    private static CliRunner.Result run(List<String> args) {
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }
}
