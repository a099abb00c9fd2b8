package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufValue;
import dev.smezo.model.Synth.Flavor;
import dev.smezo.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files smezo cannot train end with exit 3 naming what is wrong: an architecture it does not support
 * (named, with the supported list), a family tensor missing or misshaped (named, with both shapes).
 */
class FamilyErrorsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "qwen35,     hybrid",
        "qwen3moe,   mixture-of-experts",
        "gemma4,     hybrid",
        "falcon-h9,  unsupported architecture",
    })
    void unsupportedArchitectureIsExit3WithTheSupportedList(String arch, String kind) throws Exception {
        Path base = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 5);
        Path p = TestModels.variant(dir, base, arch, w -> w.put("general.architecture", GgufValue.ofString(arch)), null);
        CliRunner.Result r = CliRunner.run("info", p.toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("\"" + arch + "\"") && r.err().contains(kind)
                && r.err().contains("llama, qwen2, qwen3, gemma2, gemma3, phi3"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"LLAMA", "QWEN3", "GEMMA2"})
    void mixtureOfExpertsKeyIsRefused(Flavor flavor) throws Exception {
        Path base = TestModels.synth(dir, flavor, "tiny", 1, GgmlType.F32, false, 5);
        String key = flavor.arch.ggmlName() + ".expert_count";
        Path p = TestModels.variant(dir, base, flavor + "-moe", w -> w.put(key, GgufValue.ofU32(8)), null);
        CliRunner.Result r = CliRunner.run("info", p.toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains(key) && r.err().contains("mixture-of-experts"), r.err());
    }

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
        "QWEN2,  blk.0.attn_output.weight",
        "QWEN3,  blk.0.attn_q_norm.weight",
        "GEMMA2, blk.0.post_ffw_norm.weight",
        "GEMMA3, blk.0.attn_k_norm.weight",
        "PHI3,   blk.0.ffn_up.weight",
    })
    void missingFamilyTensorIsNamed(Flavor flavor, String tensor) throws Exception {
        Path base = TestModels.synth(dir, flavor, "tiny", 1, GgmlType.F32, false, 6);
        Path p = TestModels.variant(dir, base, flavor + "-no-" + tensor, w -> {}, tensor);
        CliRunner.Result r = CliRunner.run("info", p.toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("missing tensor " + tensor), r.err());
    }

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource({
        "QWEN3,  qwen3.attention.key_length,  8,  blk.0.attn_q.weight",
        "GEMMA3, gemma3.feed_forward_length,  96, blk.0.ffn_gate.weight",
        "PHI3,   phi3.feed_forward_length,    96, blk.0.ffn_down.weight",
        "QWEN2,  qwen2.attention.head_count_kv, 4, blk.0.attn_k.weight",
    })
    void misshapedFamilyTensorIsNamed(Flavor flavor, String key, int value, String tensor) throws Exception {
        Path base = TestModels.synth(dir, flavor, "tiny", 1, GgmlType.F32, false, 7);
        Path p = TestModels.variant(dir, base, flavor + "-" + key, w -> {
            w.put(key, GgufValue.ofU32(value));
            if (key.endsWith("key_length")) {
                w.put(key.replace("key_length", "value_length"), GgufValue.ofU32(value));
                w.put(key.replace("attention.key_length", "rope.dimension_count"), GgufValue.ofU32(value));
            }
        }, null);
        CliRunner.Result r = CliRunner.run("info", p.toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("tensor " + tensor + " has shape") && r.err().contains("expected"), r.err());
    }
}
