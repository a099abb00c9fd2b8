package dev.smezo.train;

import dev.smezo.model.Weights;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Which base model a run was made on, cheaply: SHA-256 over every tensor's name, type and shape and
 * the first and last 64 KiB of its data. Updates replayed onto another model (a fine-tune of the
 * same shape, say) would not rebuild the run's weights; any fine-tune changes weights in those
 * windows (S-MeZO trains a fifth of every matrix), so its fingerprint differs. Reads well under a
 * megabyte per tensor, so it costs nothing next to loading the model.
 */
final class BaseFingerprint {
    private static final long WINDOW = 64 << 10;

    private BaseFingerprint() {}

    /** The fingerprint of {@code w} as it is now (call it before any update). */
    static String of(Weights w) {
        MessageDigest sha = RunFiles.sha256();
        for (Weights.Entry e : w.entries()) {
            sha.update((e.name() + "|" + e.type().ggmlName() + "|" + java.util.Arrays.toString(e.ne()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            MemorySegment data = w.data(e);
            long n = data.byteSize();
            sha.update(data.asSlice(0, Math.min(n, WINDOW)).asByteBuffer());
            if (n > WINDOW) sha.update(data.asSlice(Math.max(WINDOW, n - WINDOW)).asByteBuffer());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
