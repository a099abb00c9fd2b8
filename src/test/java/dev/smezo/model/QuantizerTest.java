package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufTensorInfo;
import dev.smezo.testing.LlamaCppComparison;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libllama's quantizer through smezo's binding: stories260K quantized as users quantize it loads in
 * smezo, gives llama_decode's logits, and holds the types llama-quant.cpp's rules give it (worked
 * out by hand below); bad names and failures are clear and leave no file.
 */
@Tag("native")
class QuantizerTest {
    @TempDir
    static Path dir;

    /**
     * stories260K's tensor types per llama-quantize type, by role. It is 64 wide (no multiple of 256:
     * Q4_K falls back to Q5_0, Q6_K to Q8_0) with an untied output and 5 layers (more-bits layers 2
     * and 4); ffn_down is 172 wide, which no 32-block divides, so every type falls back to F16 there.
     * The output of a q4_0 file gets Q6_K (any ftype but q8_0 does), hence Q8_0.
     */
    private static final Map<String, Map<String, String>> EXPECTED = Map.of(
            "q8_0", Map.of("token_embd", "q8_0", "output", "q8_0", "attn_v", "q8_0", "attn_v+", "q8_0", "matrix", "q8_0"),
            "q4_0", Map.of("token_embd", "q4_0", "output", "q8_0", "attn_v", "q4_0", "attn_v+", "q4_0", "matrix", "q4_0"),
            "q4_K_M", Map.of("token_embd", "q5_0", "output", "q8_0", "attn_v", "q5_0", "attn_v+", "q8_0", "matrix", "q5_0"));

    private static String role(String name) {
        if (name.endsWith("_norm.weight")) return "norm";
        if (name.contains("ffn_down")) return "ffn_down";
        if (name.equals("token_embd.weight")) return "token_embd";
        if (name.equals("output.weight")) return "output";
        if (name.contains("attn_v.")) return name.startsWith("blk.2.") || name.startsWith("blk.4.") ? "attn_v+" : "attn_v";
        return "matrix";
    }

    @Tag("model")
    @ParameterizedTest
    @ValueSource(strings = {"q8_0", "q4_0", "q4_K_M"})
    void quantizedStoriesHasLlamaQuantsTypesAndLlamaDecodesLogits(String type) throws Exception {
        Path q = TestModels.quantizedStories(dir, type);
        try (Arena a = Arena.ofConfined()) {
            List<GgufTensorInfo> tensors = Gguf.open(q, a).tensors();
            assertEquals(48, tensors.size());
            for (GgufTensorInfo t : tensors) {
                String role = role(t.name());
                String want = role.equals("norm") ? "f32" : role.equals("ffn_down") ? "f16" : EXPECTED.get(type).get(role);
                assertEquals(want, t.type().ggmlName(), t.name());
            }
        }
        int[] tokens = new Random(8).ints(16, 3, 500).toArray();
        tokens[0] = 1;
        LlamaCppComparison.Diff d = LlamaCppComparison.compare(q, new int[][] {tokens}, 2);
        System.out.printf("stories260K %s: max |smezo - llama.cpp| %.3g, max |logit| %.3f, relative %.3g%n",
                type, d.max(), d.scale(), d.relative());
        assertTrue(d.relative() <= 1e-3, "max |smezo - llama.cpp| / max |logit| = " + d.relative());
    }

    @Test
    void namesAreLlamaQuantizesAnyCase() {
        assertEquals(15, Quantizer.ftype("q4_K_M"));   // LLAMA_FTYPE_MOSTLY_Q4_K_M
        assertEquals(15, Quantizer.ftype("Q4_K_M"));
        assertEquals(7, Quantizer.ftype("q8_0"));
        assertEquals(32, Quantizer.ftype("BF16"));
    }

    @Test
    void unknownNameIsRefusedListingTheNames() {
        Path out = dir.resolve("never.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(dir.resolve("in.gguf"), out, "q7_0", false, 1));
        assertTrue(e.getMessage().contains("'q7_0'"), e.getMessage());
        for (String n : Quantizer.names()) assertTrue(e.getMessage().contains(n), e.getMessage() + " lacks " + n);
        assertFalse(Files.exists(out));
    }

    @Test
    void failureNamesBothFilesAndLeavesNothing() throws Exception {
        Path in = Files.writeString(dir.resolve("not-a-model.gguf"), "not a GGUF file at all");
        Path fresh = dir.resolve("fresh-out.gguf"), kept = Files.writeString(dir.resolve("kept-out.gguf"), "old");
        for (Path out : new Path[] {fresh, kept}) {
            IOException e = assertThrows(IOException.class, () -> Quantizer.quantize(in, out, "q8_0", false, 1));
            assertTrue(e.getMessage().contains(in.toString()) && e.getMessage().contains(out.toString()), e.getMessage());
            System.out.println(e.getMessage());
        }
        assertFalse(Files.exists(fresh));
        assertEquals("old", Files.readString(kept));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "temp files left");
        }
    }

    @Test
    void synthRefusesTypesItDoesNotWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Synth.named(Synth.Flavor.LLAMA, ModelShape.named("tiny"), "q4_K_S", false, 1));
        for (String n : Synth.TYPE_NAMES) assertTrue(e.getMessage().contains(n), e.getMessage() + " lacks " + n);

        CliRunner.Result r = CliRunner.run("synth", "--type", "q7_K", "-o", dir.resolve("q7.gguf").toString());
        assertEquals(3, r.exitCode(), r.err());   // bad input
        assertTrue(r.err().contains("unknown tensor type 'q7_K'") && r.err().contains("q4_K_M"), r.err());

        // a K-quant on the 64-wide shape: its blocks of 256 do not fit
        CliRunner.Result k = CliRunner.run("synth", "--type", "q4_K", "-o", dir.resolve("q4k.gguf").toString());
        assertEquals(3, k.exitCode(), k.err());
        assertTrue(k.err().contains("q4_K needs widths that are multiples of 256"), k.err());
        assertFalse(Files.exists(dir.resolve("q7.gguf")) || Files.exists(dir.resolve("q4k.gguf")));
    }

    /** To a float type a quantized file is dequantized (the all-weights route); to another quantized type it is refused. */
    @Test
    void quantizeCommandDequantizesButDoesNotRequantize() throws Exception {
        Path q8 = TestModels.quantizedStories(dir, "q8_0");
        Path f16 = dir.resolve("dequantized-f16.gguf");
        CliRunner.Result r = CliRunner.run("quantize", q8.toString(), "--type", "f16", "-o", f16.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (Arena a = Arena.ofConfined()) {
            for (GgufTensorInfo t : Gguf.open(f16, a).tensors()) {
                assertTrue(t.type() == dev.smezo.gguf.GgmlType.F16 || t.type() == dev.smezo.gguf.GgmlType.F32, t.name() + " " + t.type());
            }
        }
        Path q4 = dir.resolve("requantized.gguf");
        CliRunner.Result again = CliRunner.run("quantize", q8.toString(), "--type", "q4_0", "-o", q4.toString());
        assertEquals(3, again.exitCode(), again.err());
        assertTrue(again.err().contains("requantizing"), again.err());
        assertFalse(Files.exists(q4));
    }
}
