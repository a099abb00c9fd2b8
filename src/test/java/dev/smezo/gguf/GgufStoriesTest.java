package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real model: llama.cpp's conversion of Karpathy's stories260K (see shared/models/SOURCES.md). */
@Tag("model")
class GgufStoriesTest {
    @TempDir Path dir;
    Path model;

    @BeforeEach
    void findModel() {
        model = Samples.stories().orElse(null);
        Assumptions.assumeTrue(model != null, Samples.NO_STORIES);
    }

    @Test
    void knownFacts() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            assertEquals(3, g.version());
            assertEquals(32, g.alignment());
            assertEquals(14176, g.dataOffset());
            assertEquals(19, g.metadata().size());
            assertEquals(48, g.tensors().size());
            assertEquals("llama", g.getString("general.architecture"));
            assertEquals(64, g.getInt("llama.embedding_length"));
            assertEquals(5, g.getInt("llama.block_count"));
            assertEquals(8, g.getInt("llama.attention.head_count"));
            assertEquals(4, g.getInt("llama.attention.head_count_kv"));
            assertEquals(172, g.getInt("llama.feed_forward_length"));
            assertEquals(1e-5f, g.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(4294967295L, g.getLong("tokenizer.ggml.padding_token_id"), "u32 -1 means unset");
            List<String> tokens = g.getStringArray("tokenizer.ggml.tokens");
            assertEquals(512, tokens.size());
            assertEquals(List.of("<unk>", "<s>", "</s>", "<0x00>"), tokens.subList(0, 4));
            assertEquals(512, g.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(512, g.getIntArray("tokenizer.ggml.token_type").length);

            assertEquals(292_800, g.parameterCount());
            assertEquals(292_800, g.tensors().stream().mapToLong(GgufTensorInfo::elements).sum());
            assertTrue(g.tensors().stream().allMatch(t -> t.type() == GgmlType.F32));
            GgufTensorInfo q = g.tensor("blk.0.attn_q.weight").orElseThrow();
            assertArrayEquals(new long[] {64, 64}, q.ne());
            assertArrayEquals(new long[] {64, 32}, g.tensor("blk.4.attn_k.weight").orElseThrow().ne());
            assertArrayEquals(new long[] {172, 64}, g.tensor("blk.2.ffn_down.weight").orElseThrow().ne());
            assertArrayEquals(new long[] {64}, g.tensor("output_norm.weight").orElseThrow().ne());
            GgufTensorInfo last = g.tensors().getLast();
            assertEquals(Files.size(model), g.dataOffset() + last.offset() + last.bytes(), "data ends at end of file");
            float norm0 = g.tensorData(g.tensor("output_norm.weight").orElseThrow()).get(Le.F32, 0);
            assertTrue(Float.isFinite(norm0) && norm0 != 0, "real trained weights");
        }
    }

    /** ggml wrote the original (llama.cpp's llama2c converter), so writing the same content reproduces it. */
    @Test
    void rewriteIsByteIdentical() throws IOException {
        Path copy = dir.resolve("stories-copy.gguf");
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            GgufWriter.from(g).write(copy, GgufWriter.TensorFiller.copyFrom(g));
        }
        assertEquals(-1, Files.mismatch(model, copy));
    }

    @Test
    void privateMappingIsWritableAndLeavesTheFileAlone() throws IOException {
        byte[] before = Files.readAllBytes(model);
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.openPrivate(model, arena);
            assertFalse(g.segment().isReadOnly());
            MemorySegment w = g.tensorData(g.tensor("blk.0.attn_q.weight").orElseThrow());
            w.set(Le.F32, 0, 12345f);
            assertEquals(12345f, w.get(Le.F32, 0));
            // The libc path, which FileChannel cannot do for files without write permission.
            Gguf p = Gguf.read(PrivateMapping.map(model, arena), model.toString());
            MemorySegment w2 = p.tensorData(p.tensor("blk.0.attn_q.weight").orElseThrow());
            assertNotEquals(12345f, w2.get(Le.F32, 0), "each private mapping has its own copy");
            w2.set(Le.F32, 0, 54321f);
            assertEquals(54321f, w2.get(Le.F32, 0));
        }
        assertArrayEquals(before, Files.readAllBytes(model), "the file is untouched");
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            assertTrue(g.segment().isReadOnly(), "open maps READ_ONLY");
            assertThrows(IllegalArgumentException.class, () -> g.segment().set(Le.I8, 0, (byte) 0));
        }
    }

    /** Prints the metadata keys with their types and the tensor list (surefire-reports/*-output.txt). */
    @Test
    void describe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            StringBuilder sb = new StringBuilder(g + ", data offset " + g.dataOffset() + "\n");
            for (Map.Entry<String, GgufValue> e : g.metadata().entrySet()) {
                GgufValue v = e.getValue();
                String type = v.type() == GgufValueType.ARRAY ? "ARRAY[" + v.asArray().elementType() + "]" : v.type().toString();
                String shown = v.type() == GgufValueType.ARRAY ? v.asArray().toString() : v.toString().substring(v.type().toString().length() + 1);
                sb.append(String.format("  %-40s %-16s %s%n", e.getKey(), type, shown));
            }
            for (GgufTensorInfo t : g.tensors()) {
                sb.append(String.format("  %-24s %-4s %-12s offset %d%n", t.name(), t.type().ggmlName(),
                        java.util.Arrays.toString(t.ne()), t.offset()));
            }
            System.out.print(sb);
        }
    }
}
