package dev.smezo.gguf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.*;

import static dev.smezo.bindings.ggml_h.ggml_free;
import static dev.smezo.bindings.ggml_h.ggml_get_tensor;
import static dev.smezo.bindings.gguf_h.*;

import dev.smezo.bindings.gguf_init_params;
import dev.smezo.ggml.Ggml;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smezo's GGUF code against ggml's own gguf.cpp, called through FFM: ggml must read what smezo
 * writes, write the same content back byte for byte, and every mutated file ggml accepts smezo
 * must accept too. Needs the native build (skipped with -Dsmezo.native.skip=true on a clean tree).
 */
@Tag("native")
class GgufGgmlInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void needsNative() {
        String nativeDir = System.getProperty("smezo.native.dir");
        boolean present = false;
        if (nativeDir != null && Files.isDirectory(Path.of(nativeDir))) {
            try (var files = Files.list(Path.of(nativeDir))) {
                present = files.anyMatch(p -> p.getFileName().toString().startsWith("libggml-base.so"));
            } catch (IOException e) {
                present = false;
            }
        }
        Assumptions.assumeTrue(present, "no native ggml build in -Dsmezo.native.dir (built by mvn without -Dsmezo.native.skip)");
        // The differential fuzz makes gguf.cpp log hundreds of refusals: silence ggml meanwhile.
        Ggml.logLevel(Ggml.LOG_ERROR + 1);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreLogging() {
        Ggml.logLevel(Ggml.LOG_ERROR);
    }

    /**
     * ggml reads {@code in} with its data and writes the same content to {@code out} as llama.cpp's
     * tools do (gguf_init_empty, gguf_set_kv, gguf_add_tensor, gguf_write_to_file).
     */
    static void ggmlRewrite(Path in, Path out) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxOut = arena.allocate(ADDRESS);
            MemorySegment params = gguf_init_params.allocate(arena, false, ctxOut);
            MemorySegment src = gguf_init_from_file(arena.allocateFrom(in.toString()), params);
            assertNotEquals(0, src.address(), "ggml refused " + in);
            MemorySegment data = ctxOut.get(ADDRESS, 0);
            MemorySegment dst = gguf_init_empty();
            gguf_set_kv(dst, src);
            long n = gguf_get_n_tensors(src);
            for (long i = 0; i < n; i++) {
                MemorySegment name = gguf_get_tensor_name(src, i);
                gguf_add_tensor(dst, ggml_get_tensor(data, name));
            }
            assertTrue(gguf_write_to_file(dst, arena.allocateFrom(out.toString()), false));
            gguf_free(dst);
            gguf_free(src);
            ggml_free(data);
        }
    }

    /** Whether ggml accepts {@code bytes} as a whole GGUF, tensor data loaded. */
    static boolean ggmlAccepts(byte[] bytes) throws Throwable {
        if (bytes.length == 0) return false; // gguf_init_from_buffer refuses size 0 outright
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes);
            MemorySegment ctxOut = arena.allocate(ADDRESS);
            MemorySegment params = gguf_init_params.allocate(arena, false, ctxOut);
            MemorySegment ctx = gguf_init_from_buffer(buf, bytes.length, params);
            if (ctx.address() == 0) return false;
            gguf_free(ctx);
            ggml_free(ctxOut.get(ADDRESS, 0));
            return true;
        }
    }

    /** Samples.everything() less what ggml cannot hold: nested arrays, and NULs in strings (gguf_set_kv copies C strings). */
    static GgufWriter ggmlCompatible() {
        GgufWriter w = Samples.everything();
        for (String k : List.copyOf(w.metadata().keySet())) if (k.contains("nested")) w.remove(k);
        return w.put("general.name", GgufValue.ofString("héllo wörld ✓ 日本語 🦙"));
    }

    @Test
    void ggmlRewritesOurFileByteForByte() throws Throwable {
        Path ours = dir.resolve("ours.gguf"), theirs = dir.resolve("theirs.gguf");
        ggmlCompatible().write(ours, Samples.randomFiller());
        ggmlRewrite(ours, theirs);
        assertEquals(-1, Files.mismatch(ours, theirs));
    }

    @Test
    void ggmlRewritesAMetadataOnlyFileByteForByte() throws Throwable {
        Path ours = dir.resolve("ours.gguf"), theirs = dir.resolve("theirs.gguf");
        new GgufWriter().put("general.architecture", GgufValue.ofString("llama")).write(ours, (t, d) -> fail());
        ggmlRewrite(ours, theirs);
        assertEquals(-1, Files.mismatch(ours, theirs));
    }

    @Test
    @Tag("model")
    void ggmlRewritesStoriesByteForByte() throws Throwable {
        Path model = Samples.stories().orElse(null);
        Assumptions.assumeTrue(model != null, Samples.NO_STORIES);
        Path theirs = dir.resolve("theirs.gguf");
        ggmlRewrite(model, theirs);
        assertEquals(-1, Files.mismatch(model, theirs));
    }

    /**
     * Whatever ggml accepts, smezo accepts, except where smezo is stricter on purpose: invalid UTF-8
     * and n_dims 0. (smezo is more lenient on tensor layout, so the converse does not hold.)
     */
    @Test
    void everyMutationGgmlAcceptsWeAcceptToo() throws Throwable {
        Path file = dir.resolve("base.gguf");
        ggmlCompatible().write(file, Samples.randomFiller());
        byte[] base = Files.readAllBytes(file);
        long headerEnd = Gguf.read(MemorySegment.ofArray(base), "base").dataOffset();
        int both = 0;
        List<String> disagreements = new ArrayList<>();
        for (long seed = 3_000_000; seed < 3_001_000; seed++) {
            List<String> log = new ArrayList<>();
            byte[] b = GgufFuzzTest.mutate(base, headerEnd, new SplittableRandom(seed), log);
            if (!ggmlAccepts(b)) continue;
            try {
                Gguf.read(MemorySegment.ofArray(b), "m");
                both++;
            } catch (GgufException e) {
                if (e.getMessage().contains("invalid UTF-8") || e.getMessage().contains("n_dims 0")) continue;
                disagreements.add("seed " + seed + " " + log + ": " + e.getMessage());
            }
        }
        System.out.printf("ggml and smezo both accepted %d of %d mutated files%n", both, 1000);
        assertEquals(List.of(), disagreements);
        assertTrue(both > 0);
    }
}
