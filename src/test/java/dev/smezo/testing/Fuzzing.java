package dev.smezo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every fuzz target shares: a scratch directory for inputs that must be files (readers take
 * paths, as the CLI gives them), and the oracle for a refusal. A reader may refuse an input only with
 * its documented exception and a message that starts with the name of what it read (the file, the
 * task's origin), as a user sees it; anything else (a stray IndexOutOfBounds, NumberFormatException,
 * NullPointerException, an OutOfMemoryError from a size read from the input, a JVM abort in native
 * code) is a finding.
 */
public final class Fuzzing {
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("smezo-fuzz-");
            SCRATCH.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fuzzing() {}

    /** {@code bytes} as the file {@code name} in this process's scratch directory (overwritten each call). */
    public static Path file(String name, byte[] bytes) {
        Path p = SCRATCH.resolve(name);
        try {
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.toFile().deleteOnExit();
        return p;
    }

    public static Path scratch() {
        return SCRATCH;
    }

    /** A refusal is clean when its message names what was read; otherwise the exception itself is the finding. */
    public static void requireNamed(Exception refusal, String source) {
        String m = refusal.getMessage();
        if (m == null || !m.startsWith(source)) {
            throw new AssertionError("a refusal that does not name " + source + ": " + refusal, refusal);
        }
    }
}
