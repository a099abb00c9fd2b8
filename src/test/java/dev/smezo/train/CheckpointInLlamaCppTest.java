package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Batch;
import dev.smezo.forward.Forward;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.reference.LlamaCppReference;
import dev.smezo.testing.TestModels;
import dev.smezo.zo.Schedule;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fine-tuned checkpoint is a GGUF that libllama loads, with the base metadata kept and smezo.*
 * keys added, and libllama's logits on it equal smezo's forward on the fine-tuned weights.
 */
@Tag("native")
class CheckpointInLlamaCppTest {
    @ParameterizedTest
    @ValueSource(strings = {"f32", "f16", "bf16"})
    void fineTunedCheckpointRunsInLibllamaWithTheSameLogits(String type, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        GgmlType t = switch (type) {
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            default -> GgmlType.F32;
        };
        Path base = TestModels.synth(dir, "tiny", 2, t, false, 51);
        TrainConfig config = new TrainConfig("tinystories-feelings", Method.SMEZO, 0.8, 1e-2, 1e-3, 0, 1,
                Schedule.CONSTANT, 4, 12, 12, 0, 96, 40, 8, 8, true, null, null, 0, "loss");
        Path run = dir.resolve("run");
        new Trainer(base, dir, config, run, 2, new TrainLearnsTest.Quiet()).run(false);
        Path ckpt = run.resolve(RunFiles.MODEL);
        assertNotEquals(-1, Files.mismatch(base, ckpt), "training must change the weights");

        try (Arena a = Arena.ofConfined()) {
            Gguf b = Gguf.open(base, a), c = Gguf.open(ckpt, a);
            for (var e : b.metadata().entrySet()) assertEquals(e.getValue(), c.metadata().get(e.getKey()), e.getKey());
            assertEquals("smezo", c.getString("smezo.method"));
            assertEquals(12L, c.getLong("smezo.steps"));
        }

        int[] tokens = new Random(2).ints(40, 3, 512).toArray();
        float[] ref;
        try (LlamaCppReference llama = new LlamaCppReference(ckpt, tokens.length, 1, 2)) {
            ref = llama.logits(tokens);
        }
        try (Model m = Model.open(ckpt);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights w = new BackendWeights(m.weights());
             Forward f = new Forward(m.config(), w.plain(), backend, Batch.allPositions(tokens).shape())) {
            float[] ours = f.logits(Batch.allPositions(tokens));
            double worst = 0;
            for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
            System.out.printf("%s checkpoint: max |libllama - smezo| = %.3g%n", type, worst);
            assertTrue(worst <= 1e-4, "max diff " + worst);
        }
    }
}
