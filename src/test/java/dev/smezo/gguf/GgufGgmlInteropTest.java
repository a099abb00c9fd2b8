package dev.smezo.gguf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.nativelib.NativeLibraries;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
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
    /** struct gguf_init_params { bool no_alloc; struct ggml_context ** ctx; } */
    static final MemoryLayout PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN, MemoryLayout.paddingLayout(7), ADDRESS);

    static MethodHandle initFromFile, initFromBuffer, initEmpty, setKv, nTensors, tensorName, getTensor, addTensor,
            writeToFile, ggufFree, ggmlFree, logSet;
    static Arena upcalls;

    @TempDir Path dir;

    @BeforeAll
    static void bind() {
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
        Linker linker = Linker.nativeLinker();
        var lookup = NativeLibraries.lookup();
        java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> bind =
                (name, fd) -> linker.downcallHandle(lookup.find(name).orElseThrow(), fd);
        initFromFile = bind.apply("gguf_init_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS));
        initFromBuffer = bind.apply("gguf_init_from_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, PARAMS));
        initEmpty = bind.apply("gguf_init_empty", FunctionDescriptor.of(ADDRESS));
        setKv = bind.apply("gguf_set_kv", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        nTensors = bind.apply("gguf_get_n_tensors", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        tensorName = bind.apply("gguf_get_tensor_name", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        getTensor = bind.apply("ggml_get_tensor", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        addTensor = bind.apply("gguf_add_tensor", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        writeToFile = bind.apply("gguf_write_to_file", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, JAVA_BOOLEAN));
        ggufFree = bind.apply("gguf_free", FunctionDescriptor.ofVoid(ADDRESS));
        ggmlFree = bind.apply("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        logSet = bind.apply("ggml_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        // The differential fuzz makes gguf.cpp log hundreds of refusals to stderr: silence it meanwhile.
        try {
            upcalls = Arena.ofShared();
            MethodHandle quiet = java.lang.invoke.MethodHandles.lookup().findStatic(GgufGgmlInteropTest.class, "quiet",
                    java.lang.invoke.MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(quiet,
                    FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.JAVA_INT, ADDRESS, ADDRESS), upcalls);
            logSet.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void quiet(int level, MemorySegment text, MemorySegment userData) {}

    @org.junit.jupiter.api.AfterAll
    static void restoreLogging() throws Throwable {
        if (logSet != null) logSet.invokeExact(MemorySegment.NULL, MemorySegment.NULL); // ggml's default logger
        if (upcalls != null) upcalls.close();
    }

    /**
     * ggml reads {@code in} with its data and writes the same content to {@code out} as llama.cpp's
     * tools do (gguf_init_empty, gguf_set_kv, gguf_add_tensor, gguf_write_to_file).
     */
    static void ggmlRewrite(Path in, Path out) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctxOut = arena.allocate(ADDRESS);
            MemorySegment params = arena.allocate(PARAMS);
            params.set(JAVA_BOOLEAN, 0, false);
            params.set(ADDRESS, 8, ctxOut);
            MemorySegment src = (MemorySegment) initFromFile.invokeExact(arena.allocateFrom(in.toString()), params);
            assertNotEquals(0, src.address(), "ggml refused " + in);
            MemorySegment data = ctxOut.get(ADDRESS, 0);
            MemorySegment dst = (MemorySegment) initEmpty.invokeExact();
            setKv.invokeExact(dst, src);
            long n = (long) nTensors.invokeExact(src);
            for (long i = 0; i < n; i++) {
                MemorySegment name = (MemorySegment) tensorName.invokeExact(src, i);
                addTensor.invokeExact(dst, (MemorySegment) getTensor.invokeExact(data, name));
            }
            assertTrue((boolean) writeToFile.invokeExact(dst, arena.allocateFrom(out.toString()), false));
            ggufFree.invokeExact(dst);
            ggufFree.invokeExact(src);
            ggmlFree.invokeExact(data);
        }
    }

    /** Whether ggml accepts {@code bytes} as a whole GGUF, tensor data loaded. */
    static boolean ggmlAccepts(byte[] bytes) throws Throwable {
        if (bytes.length == 0) return false; // gguf_init_from_buffer refuses size 0 outright
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes);
            MemorySegment ctxOut = arena.allocate(ADDRESS);
            MemorySegment params = arena.allocate(PARAMS);
            params.set(JAVA_BOOLEAN, 0, false);
            params.set(ADDRESS, 8, ctxOut);
            MemorySegment ctx = (MemorySegment) initFromBuffer.invokeExact(buf, (long) bytes.length, params);
            if (ctx.address() == 0) return false;
            ggufFree.invokeExact(ctx);
            ggmlFree.invokeExact(ctxOut.get(ADDRESS, 0));
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
