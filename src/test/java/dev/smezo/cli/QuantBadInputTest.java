package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufTensorInfo;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or unsupported quantized files: a NaN or infinite block scale, a quant type whose scales
 * smezo does not train, a type whose block does not fit the row. Each is exit 3 naming the tensor,
 * before any training (no JVM abort, no run files).
 */
@Tag("native")
class QuantBadInputTest {
    @TempDir
    Path dir;

    static List<String> train(Path model, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", model.toString(), "--task", "synthetic-keywords", "--steps", "2",
                "--n-train", "16", "--n-dev", "4", "--n-test", "4", "-t", "2", "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    /** A copy of model with the 16-bit value at byte `at` of tensor `name`'s data replaced. */
    Path withHalf(Path model, String name, long at, short bits, String copyName) throws IOException {
        long pos;
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            GgufTensorInfo t = g.tensor(name).orElseThrow();
            pos = g.dataOffset() + t.offset() + at;
        }
        Path copy = dir.resolve(copyName);
        Files.copy(model, copy, StandardCopyOption.REPLACE_EXISTING);
        byte[] b = Files.readAllBytes(copy);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) pos, bits);
        Files.write(copy, b);
        return copy;
    }

    /** A copy of model whose tensor `name` is declared as another ggml type (its info's type field rewritten). */
    Path withType(Path model, String name, GgmlType type, String copyName) throws IOException {
        byte[] b = Files.readAllBytes(model);
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 8; i + key.length < b.length; i++) {
            // a tensor info: u64 name length, the name, u32 n_dims, n_dims u64 extents, u32 type
            if (buf.getLong(i - 8) != key.length || !java.util.Arrays.equals(b, i, i + key.length, key, 0, key.length)) continue;
            int dims = buf.getInt(i + key.length);
            if (dims < 1 || dims > 4) continue;
            buf.putInt(i + key.length + 4 + 8 * dims, type.id());
            Path copy = dir.resolve(copyName);
            Files.write(copy, b);
            return copy;
        }
        throw new IllegalStateException("no tensor info for " + name);
    }

    void assertRefused(CliRunner.Result r, Path out, String... mentions) {
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        for (String m : mentions) assertTrue(r.err().contains(m), "'" + m + "' in: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(out.resolve("model.gguf")), "no checkpoint for a refused run");
    }

    @Test
    void nanOrInfiniteScalesAreNamed() throws IOException {
        Path q8 = TestModels.synth(dir, "tiny", 1, GgmlType.Q8_0, false, 5);
        // Q8_0 block = 34 bytes, d first: block 3 of blk.0.attn_q
        Path nan = withHalf(q8, "blk.0.attn_q.weight", 3 * 34, (short) 0x7E00, "nan.gguf");
        Path out = dir.resolve("r1");
        assertRefused(CliRunner.run(train(nan, out).toArray(String[]::new)), out, "blk.0.attn_q.weight", "block 3", "NaN");
        // an infinite scale in a tensor that is not trained is refused too (every forward would be NaN)
        Path inf = withHalf(q8, "token_embd.weight", 7 * 34, (short) 0xFC00, "inf.gguf");
        Path out2 = dir.resolve("r2");
        assertRefused(CliRunner.run(train(inf, out2, "--only", "attn").toArray(String[]::new)), out2,
                "token_embd.weight", "block 7", "Infinity");
        Path q4 = TestModels.synth(dir, "tiny", 1, GgmlType.Q4_0, false, 5);
        Path nan4 = withHalf(q4, "blk.0.ffn_down.weight", 18 * 5, (short) 0x7C01, "nan4.gguf");
        Path out3 = dir.resolve("r3");
        assertRefused(CliRunner.run(train(nan4, out3).toArray(String[]::new)), out3, "blk.0.ffn_down.weight", "block 5");
    }

    @Test
    void aQuantTypeWhoseScalesDoNotTrainIsNamed() throws IOException {
        // IQ4_NL has Q4_0's block geometry (32 weights, 18 bytes, one F16 d) but a non-linear grid
        Path q4 = TestModels.synth(dir, "tiny", 1, GgmlType.Q4_0, false, 6);
        Path iq = withType(q4, "blk.0.ffn_up.weight", GgmlType.IQ4_NL, "iq4nl.gguf");
        Path out = dir.resolve("r4");
        assertRefused(CliRunner.run(train(iq, out).toArray(String[]::new)), out, "blk.0.ffn_up.weight", "iq4_nl", "--exclude");
        // left out, the rest trains
        CliRunner.Result ok = CliRunner.run(train(iq, dir.resolve("r5"), "--exclude", "ffn_up").toArray(String[]::new));
        assertEquals(Main.EXIT_OK, ok.exitCode(), ok.err());
    }

    @Test
    void aBlockThatDoesNotFitTheRowIsNamed() throws IOException {
        // Q4_K blocks hold 256 weights; the tiny model's rows are 64 wide
        Path q4 = TestModels.synth(dir, "tiny", 1, GgmlType.Q4_0, false, 7);
        Path k = withType(q4, "blk.0.attn_k.weight", GgmlType.Q4_K, "q4k.gguf");
        Path out = dir.resolve("r6");
        assertRefused(CliRunner.run(train(k, out).toArray(String[]::new)), out, "blk.0.attn_k.weight", "256");
        CliRunner.Result score = CliRunner.run("score", k.toString(), "--text", "hello");
        assertEquals(Main.EXIT_BAD_INPUT, score.exitCode(), score.err());
    }
}
