package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufValue;
import dev.smezo.gguf.GgufWriter;
import dev.smezo.testing.TestModels;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A GGUF smezo cannot run is a ModelException naming the file and the key or tensor, before any native call. */
class LlamaModelErrorsTest {
    @TempDir
    Path dir;

    /** A copy of a valid tiny model with its metadata or tensor list changed. */
    Path variant(String name, Consumer<GgufWriter> change, String dropTensor) throws Exception {
        return TestModels.variant(dir, TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 5), name, change, dropTensor);
    }

    ModelException open(Path p) {
        return assertThrows(ModelException.class, () -> {
            try (Model m = Model.open(p)) {
                fail("opened " + m);
            }
        });
    }

    @Test
    void unknownArchitectureNamesTheKeyAndValue() throws Exception {
        ModelException e = open(variant("gpt2", w -> w.put("general.architecture", GgufValue.ofString("gpt2")), null));
        assertTrue(e.getMessage().contains("gpt2.gguf") && e.getMessage().contains("general.architecture")
                && e.getMessage().contains("\"gpt2\""), e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        ModelException e = open(variant("no-ffn", w -> {}, "blk.0.ffn_up.weight"));
        assertTrue(e.getMessage().contains("missing tensor blk.0.ffn_up.weight"), e.getMessage());
    }

    @Test
    void missingRequiredKeyIsNamed() throws Exception {
        ModelException e = open(variant("no-eps", w -> w.remove("llama.attention.layer_norm_rms_epsilon"), null));
        assertTrue(e.getMessage().contains("llama.attention.layer_norm_rms_epsilon"), e.getMessage());
    }

    @Test
    void headsThatDoNotDivideAreRejected() throws Exception {
        ModelException e = open(variant("heads", w -> w.put("llama.attention.head_count_kv", GgufValue.ofU32(3)), null));
        assertTrue(e.getMessage().contains("heads.gguf") && e.getMessage().contains("head_count_kv"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTensorAndShapes() throws Exception {
        ModelException e = open(variant("ff", w -> w.put("llama.feed_forward_length", GgufValue.ofU32(100)), null));
        assertTrue(e.getMessage().contains("blk.0.ffn_gate.weight") && e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void unusedTensorIsNamedAsLlamaCppRefusesIt() throws Exception {
        Path two = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 5);
        ModelException e = open(TestModels.variant(dir, two, "extra", w -> w.put("llama.block_count", GgufValue.ofU32(1)), null));
        assertTrue(e.getMessage().contains("extra.gguf: tensor blk.1.") && e.getMessage().contains("not part of a 1-layer"),
                e.getMessage());
    }

    @Test
    void blockCountBeyondTheTensorsIsNamedBeforeTheLayoutIsBuilt() throws Exception {
        // a billion layers once made the layout name every layer's tensors and exhaust the heap
        for (long n : new long[] {3, 1_000_000_000L}) {
            ModelException e = open(variant("layers-" + n, w -> w.put("llama.block_count", GgufValue.ofU32(n)), null));
            assertTrue(e.getMessage().endsWith("layers-" + n + ".gguf: llama.block_count is " + n
                    + " but the file has tensors for 1 layer(s) (blk.N.*)"), e.getMessage());
        }
    }

    @Test
    void missingBlockCountIsNamedOnce() throws Exception {
        ModelException e = open(variant("no-blocks", w -> w.remove("llama.block_count"), null));
        assertTrue(e.getMessage().endsWith("no-blocks.gguf: missing or out-of-range key llama.block_count"), e.getMessage());
    }

    @Test
    void rmsEpsilonAndRopeBaseOutOfRangeAreNamed() throws Exception {
        // ggml asserts eps >= 0 (aborting the JVM); NaN or 0 would make every logit NaN.
        for (double eps : new double[] {Double.NaN, -1, 0}) {
            ModelException e = open(variant("eps", w -> w.put("llama.attention.layer_norm_rms_epsilon",
                    GgufValue.ofF32((float) eps)), null));
            assertTrue(e.getMessage().contains("eps.gguf") && e.getMessage().contains("layer_norm_rms_epsilon"), e.getMessage());
        }
        for (double base : new double[] {Double.NaN, 0, Double.POSITIVE_INFINITY}) {
            ModelException e = open(variant("rope", w -> w.put("llama.rope.freq_base", GgufValue.ofF32((float) base)), null));
            assertTrue(e.getMessage().contains("rope.gguf") && e.getMessage().contains("llama.rope.freq_base"), e.getMessage());
        }
    }

    @Test
    void unsupportedRopeScalingIsNamed() throws Exception {
        ModelException e = open(variant("yarn", w -> w.put("llama.rope.scaling.type", GgufValue.ofString("yarn")), null));
        assertTrue(e.getMessage().contains("rope.scaling.type") && e.getMessage().contains("yarn"), e.getMessage());
    }
}
