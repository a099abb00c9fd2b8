package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random corruption of valid files: the parser may accept or throw GgufException, nothing
 * else (no OutOfMemoryError, IndexOutOfBounds, NegativeArraySize, stray IllegalArgument...). What it
 * accepts must be usable: every value readable, every tensor sliceable, and writing it back must
 * give a file that reads back with the same metadata. A failure names the seed to replay.
 */
class GgufFuzzTest {
    static final long[] INTERESTING_64 = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 30, (1L << 30) + 1, 1L << 32,
            0xFFFF_FFFFL, 0x7FFF_FFFFL, 0x8000_0000L, 63, 64, 5, 9, 12, 13, 0x0000_0001_0000_0000L};
    static final byte[] INTERESTING_8 = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1, 9, 12, 13, 64};

    /** -Dsmezo.fuzz.scale=100 for a long hunt. */
    static final int SCALE = Integer.getInteger("smezo.fuzz.scale", 1);

    @TempDir Path dir;

    @Test
    void syntheticFileMutations() throws IOException {
        Path file = dir.resolve("base.gguf");
        Samples.everything().write(file, Samples.randomFiller());
        byte[] base = Files.readAllBytes(file);
        long headerEnd = Gguf.read(MemorySegment.ofArray(base), "base").dataOffset();
        fuzz(base, headerEnd, 600 * SCALE, 1_000_000);
    }

    @Test
    @Tag("model")
    void storiesHeaderMutations() throws IOException {
        Path model = Samples.stories().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(model != null, Samples.NO_STORIES);
        byte[] base = Files.readAllBytes(model);
        fuzz(base, Gguf.read(MemorySegment.ofArray(base), "stories").dataOffset(), 300 * SCALE, 2_000_000);
    }

    private static void fuzz(byte[] base, long headerEnd, int runs, long firstSeed) {
        int accepted = 0;
        for (long seed = firstSeed; seed < firstSeed + runs; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            List<String> log = new ArrayList<>();
            byte[] b = mutate(base, headerEnd, r, log);
            try {
                Gguf g = Gguf.read(MemorySegment.ofArray(b), "fuzz-" + seed);
                exercise(g);
                accepted++;
            } catch (GgufException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz-" + seed + ": "), expected.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (" + String.join(", ", log) + "): " + t, t);
            }
        }
        System.out.printf("%d of %d mutated files accepted%n", accepted, runs);
        assertTrue(accepted > 0 && accepted < runs, "mutations were neither all accepted nor all refused: " + accepted);
    }

    /** Touches everything an accepted file offers, then writes it and reads that back. */
    static void exercise(Gguf g) throws IOException {
        for (GgufValue v : g.metadata().values()) {
            assertNotNull(v.toString());
            if (v.type() == GgufValueType.ARRAY) walk(v.asArray());
        }
        for (GgufTensorInfo t : g.tensors()) assertEquals(t.bytes(), g.tensorData(t).byteSize());
        GgufWriter w = GgufWriter.from(g);
        if (w.fileSize() > 64 << 20) return;
        MemorySegment out = MemorySegment.ofArray(new byte[(int) w.fileSize()]);
        w.writeTo(out, GgufWriter.TensorFiller.copyFrom(g));
        Gguf again = Gguf.read(out, "rewrite");
        assertEquals(g.metadata(), again.metadata());
        assertEquals(g.tensors().size(), again.tensors().size());
        for (int i = 0; i < g.tensors().size(); i++) {
            GgufTensorInfo a = g.tensors().get(i), b = again.tensors().get(i);
            assertEquals(a.name(), b.name());
            assertEquals(a.elements(), b.elements());
            assertEquals(-1, g.tensorData(a).mismatch(again.tensorData(b)));
        }
    }

    private static void walk(GgufArray a) {
        for (GgufValue v : a.values()) {
            if (v.type() == GgufValueType.ARRAY) walk(v.asArray());
            else assertNotNull(v.value());
        }
        assertEquals(a.values().hashCode(), List.copyOf(a.values()).hashCode());
    }

    /** One to four mutations, mostly inside the header and metadata where the parser looks. */
    static byte[] mutate(byte[] base, long headerEnd, SplittableRandom r, List<String> log) {
        byte[] b = base.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            int limit = (int) Math.min(b.length, headerEnd + 64);
            int pos = r.nextInt(10) == 0 ? r.nextInt(b.length) : r.nextInt(limit);
            switch (r.nextInt(6)) {
                case 0 -> {
                    int bit = r.nextInt(8);
                    b[pos] ^= (byte) (1 << bit);
                    log.add("flip " + pos + "." + bit);
                }
                case 1 -> {
                    b[pos] = INTERESTING_8[r.nextInt(INTERESTING_8.length)];
                    log.add("byte " + pos + "=" + b[pos]);
                }
                case 2 -> {
                    long v = INTERESTING_64[r.nextInt(INTERESTING_64.length)];
                    int width = r.nextBoolean() ? 8 : 4;
                    for (int k = 0; k < width && pos + k < b.length; k++) b[pos + k] = (byte) (v >>> (8 * k));
                    log.add("put" + width * 8 + " " + pos + "=" + v);
                }
                case 3 -> {
                    b = Arrays.copyOf(b, pos);
                    log.add("truncate " + pos);
                }
                case 4 -> {
                    int len = 1 + r.nextInt(Math.min(64, b.length - pos));
                    int at = r.nextInt(limit + 1);
                    byte[] grown = new byte[b.length + len];
                    System.arraycopy(b, 0, grown, 0, at);
                    System.arraycopy(b, pos, grown, at, len);
                    System.arraycopy(b, at, grown, at + len, b.length - at);
                    b = grown;
                    log.add("duplicate " + pos + "+" + len + "@" + at);
                }
                default -> {
                    int len = 1 + r.nextInt(Math.min(16, b.length - pos));
                    byte[] shrunk = new byte[b.length - len];
                    System.arraycopy(b, 0, shrunk, 0, pos);
                    System.arraycopy(b, pos + len, shrunk, pos, b.length - pos - len);
                    b = shrunk;
                    log.add("delete " + pos + "+" + len);
                }
            }
        }
        return b;
    }
}
