package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufTensorInfo;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libllama's quantizer through smezo's binding: the files users download, made here. */
@Tag("model")
class QuantizerTest {
    @TempDir
    Path dir;

    static Map<String, GgmlType> types(Path p) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            Map<String, GgmlType> m = new TreeMap<>();
            for (GgufTensorInfo t : Gguf.open(p, a).tensors()) m.put(t.name(), t.type());
            return m;
        }
    }

    @Test
    void storiesInQ8_0AndQ4_K_MHaveLlamaCppsTypes() throws IOException {
        Map<String, GgmlType> q8 = types(TestModels.quantizedStories(dir, "q8_0"));
        Map<String, GgmlType> km = types(TestModels.quantizedStories(dir, "Q4_K_M"));
        System.out.println("q8_0: " + q8 + "\nq4_K_M: " + km);
        for (var e : q8.entrySet()) {
            String n = e.getKey();
            // vectors stay F32; ffn_down's rows are 172 wide, not whole 32-blocks: llama.cpp keeps F16
            GgmlType want = n.endsWith("norm.weight") ? GgmlType.F32 : n.contains("ffn_down") ? GgmlType.F16 : GgmlType.Q8_0;
            assertEquals(want, e.getValue(), "q8_0 " + n);
        }
        // 64-wide rows are not whole 256-blocks: Q4_K falls back to Q5_0, Q6_K (output, "more bits" attn_v) to Q8_0
        assertEquals(GgmlType.Q8_0, km.get("output.weight"));
        assertEquals(GgmlType.Q5_0, km.get("token_embd.weight"));
        assertEquals(GgmlType.Q5_0, km.get("blk.1.attn_q.weight"));
        assertEquals(GgmlType.F16, km.get("blk.0.ffn_down.weight"));
        assertTrue(km.values().contains(GgmlType.Q8_0) && km.values().contains(GgmlType.Q5_0));
    }

    @Test
    void badNamesAndFilesAreClear() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(dir.resolve("a.gguf"), dir.resolve("b.gguf"), "q4_k_xl", false, 1));
        assertTrue(e.getMessage().contains("q4_k_xl") && e.getMessage().contains("q4_k_m"), e.getMessage());
        var io = assertThrows(IOException.class,
                () -> Quantizer.quantize(dir.resolve("missing.gguf"), dir.resolve("b.gguf"), "q8_0", false, 1));
        assertTrue(io.getMessage().contains("missing.gguf"), io.getMessage());
        assertFalse(Files.exists(dir.resolve("b.gguf")));
    }
}
