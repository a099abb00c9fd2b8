package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufWriter.write either produces the whole new file or leaves everything as it was. */
class GgufWriterAtomicityTest {
    @TempDir Path dir;

    private static GgufWriter.TensorFiller failingAt(String name, Exception e) {
        return (t, dst) -> {
            if (t.name().equals(name)) {
                if (e instanceof IOException io) throw io;
                throw (RuntimeException) e;
            }
            Samples.fillRandom(dst, 1);
        };
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void failingFillerLeavesNoFileAndNoTempFile() throws IOException {
        Path out = dir.resolve("new.gguf");
        IOException thrown = new IOException("disk on fire");
        IOException e = assertThrows(IOException.class, () -> Samples.everything().write(out, failingAt("blk.0.q4_0", thrown)));
        assertSame(thrown, e, "the filler's exception comes through unchanged");
        assertEquals(List.of(), files(), "neither the target nor a temporary file");
        assertThrows(IllegalStateException.class,
                () -> Samples.everything().write(out, failingAt("token_embd.weight", new IllegalStateException("bug"))));
        assertEquals(List.of(), files());
    }

    @Test
    void failingFillerLeavesAnExistingFileUnchanged() throws IOException {
        Path out = dir.resolve("model.gguf");
        Files.writeString(out, "the previous model");
        Object inode = Files.readAttributes(out, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertThrows(IOException.class, () -> Samples.everything().write(out, failingAt("last.q8_0", new IOException("late failure"))));
        assertEquals("the previous model", Files.readString(out));
        assertEquals(inode, Files.readAttributes(out, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertEquals(List.of(out), files());
    }

    @Test
    void successReplacesTheTargetWithDefaultPermissions() throws IOException {
        Path out = dir.resolve("model.gguf");
        Files.writeString(out, "old");
        GgufWriter w = Samples.everything();
        w.write(out, Samples.randomFiller());
        assertEquals(w.fileSize(), Files.size(out));
        assertEquals(List.of(out), files(), "the temporary file was renamed, not left behind");
        Path reference = Files.createFile(dir.resolve("reference"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), "umask defaults, not createTempFile's 0600");
    }

    /** The usual fine-tuning flow: read a model, write the result over the same path while still mapped. */
    @Test
    void overwritingTheFileBeingReadIsSafe() throws IOException {
        Path model = dir.resolve("model.gguf");
        Samples.everything().write(model, Samples.randomFiller());
        byte[] before = Files.readAllBytes(model);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Gguf g = Gguf.open(model, arena);
            GgufWriter.from(g).put("general.name", GgufValue.ofString("tuned")).write(model, GgufWriter.TensorFiller.copyFrom(g));
            GgufTensorInfo t = g.tensors().getFirst();
            assertArrayEquals(Samples.expectedBytes(t), g.tensorData(t).toArray(Le.I8), "the old mapping still reads the old file");
            Gguf tuned = Gguf.open(model, arena);
            assertEquals("tuned", tuned.getString("general.name"));
            assertArrayEquals(Samples.expectedBytes(t), tuned.tensorData(t).toArray(Le.I8));
        }
        assertNotEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(model)));
        assertEquals(List.of(model), files());
    }

    @Test
    void missingDirectoryFailsCleanly() {
        Path out = dir.resolve("no/such/dir/model.gguf");
        assertThrows(IOException.class, () -> Samples.everything().write(out, Samples.randomFiller()));
        assertFalse(Files.exists(dir.resolve("no")));
    }

    @Test
    void fillerGetsExactSlicesInOrder() throws IOException {
        GgufWriter w = Samples.everything();
        List<GgufTensorInfo> layout = w.layout();
        java.util.ArrayList<GgufTensorInfo> seen = new java.util.ArrayList<>();
        w.write(dir.resolve("x.gguf"), (t, dst) -> {
            assertEquals(t.bytes(), dst.byteSize());
            seen.add(t);
        });
        assertEquals(layout, seen);
    }
}
