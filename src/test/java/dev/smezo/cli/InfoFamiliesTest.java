package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Synth.Flavor;
import dev.smezo.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `smezo info` names each family's particulars, what trains, and plans its training memory. */
@Tag("native")
class InfoFamiliesTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "LLAMA3 | llama  | rope NORM         | rope_freqs factors",
        "QWEN2  | qwen2  | Q/K/V biases      | rope NEOX",
        "QWEN3  | qwen3  | per-head Q/K RMSNorm, head size 32 | rope NEOX",
        "GEMMA2 | gemma2 | attention soft-cap 5 | sliding window 16 on 1 of 2 layers",
        "GEMMA3 | gemma3 | final soft-cap 4  | rope base 10000",
        "PHI3   | phi3   | fused QKV and gate+up | LongRoPE factors (long at context 1024)",
    })
    void infoShowsTheFamily(Flavor flavor, String arch, String particular, String other) {
        Path model = TestModels.synth(dir, flavor, "tiny", 2, GgmlType.F32, false, 4);
        CliRunner.Result r = CliRunner.run("info", model.toString(), "--no-tensors", "--batch", "2", "--seq", "32");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("architecture     " + arch), r.out());
        assertTrue(r.out().contains(particular) && r.out().contains(other), r.out());
        assertTrue(r.out().contains("trains           ") && r.out().contains("compute buffer"), r.out());
    }
}
