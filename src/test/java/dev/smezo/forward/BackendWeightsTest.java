package dev.smezo.forward;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.model.Weights;
import dev.smezo.testing.TestModels;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the CPU backend the ggml tensors point into the memory Java owns: no copy, and writes there are what ggml reads. */
@Tag("native")
class BackendWeightsTest {
    @Test
    void tensorsPointIntoJavaMemoryAndSeeItsWrites(@TempDir Path dir) throws Exception {
        Path path = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 61);
        byte[] before = Files.readAllBytes(path);
        try (Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(1);
             BackendWeights w = new BackendWeights(m.weights())) {
            for (Weights.Entry e : m.weights().entries()) {
                assertEquals(m.weights().memory().address() + e.offset(), w.tensor(e.name()).data().address(), e.name());
            }
            int[] tokens = new Random(1).ints(12, 3, 512).toArray();
            Batch batch = Batch.allPositions(tokens);
            try (Forward f = new Forward(m.config(), w.plain(), backend, batch.shape())) {
                float[] a = f.logits(batch);
                var norm = m.weights().data(m.weights().get("output_norm.weight"));
                norm.setAtIndex(ValueLayout.JAVA_FLOAT, 0, norm.getAtIndex(ValueLayout.JAVA_FLOAT, 0) * 3f);
                float[] b = f.logits(batch);
                assertFalse(java.util.Arrays.equals(a, b), "a write to the Java-owned weights must change the next forward");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(path), "the private mapping must never write the file");
    }
}
