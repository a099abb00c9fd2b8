package dev.smezo.perturb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Shared helpers of the perturbation tests: native availability, test tensors. */
final class NativeSupport {
    private NativeSupport() {}

    /** Skips the calling test when libsmezo was not built (-Dsmezo.native.skip=true). */
    static void assumeNative() {
        String dir = System.getProperty("smezo.native.dir");
        assumeTrue(dir != null && Files.isRegularFile(Path.of(dir, "libsmezo.so")),
                "native libraries not built (smezo.native.dir=" + dir + ")");
    }

    /** n weights ~ N(0, scale^2) stored as type, with special values sprinkled in when `specials`. */
    static MemorySegment weights(Arena arena, WeightType type, long n, float scale, long seed, boolean specials) {
        Random rnd = new Random(seed);
        MemorySegment w = arena.allocate(Math.max(1, n * type.bytes), 64);
        float[] special = {0f, -0f, Float.MIN_VALUE, -1e-40f, 6e-8f, 3e-5f, 1e-3f, -1e-3f, 65504f, -65519f, 1f, 3.5f,
                           Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (long i = 0; i < n; i++) {
            float v = (float) (rnd.nextGaussian() * scale);
            if (specials && rnd.nextInt(16) == 0) v = special[rnd.nextInt(special.length)];
            Reference.store(w, type, i, v);
        }
        return w;
    }

    static MemorySegment copy(Arena arena, MemorySegment src) {
        MemorySegment dst = arena.allocate(src.byteSize(), 64);
        dst.copyFrom(src);
        return dst;
    }

    /** A heap copy (for the reference). */
    static MemorySegment heap(MemorySegment src) {
        MemorySegment dst = MemorySegment.ofArray(new byte[(int) src.byteSize()]);
        dst.copyFrom(src);
        return dst;
    }

    /** First differing element of two tensors, as a message, or null. */
    static String firstDiff(MemorySegment a, MemorySegment b, WeightType type, long n) {
        for (long i = 0; i < n; i++) {
            long x = type == WeightType.F32 ? a.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) : a.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            long y = type == WeightType.F32 ? b.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) : b.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            if (x != y) {
                return "element " + i + " of " + n + ": native " + Reference.load(a, type, i) + " (0x" + Long.toHexString(x)
                        + "), reference " + Reference.load(b, type, i) + " (0x" + Long.toHexString(y) + ")";
            }
        }
        return null;
    }
}
