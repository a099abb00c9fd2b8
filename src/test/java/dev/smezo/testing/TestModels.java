package dev.smezo.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Models for tests: the shared stories260K (skipping when absent) and synthesized GGUFs. */
public final class TestModels {
    private TestModels() {}

    /** ../shared (CI and our machines have it beside the repository). */
    public static Path shared() {
        return Path.of(System.getProperty("smezo.shared", "../shared"));
    }

    /** stories260K.gguf, or the test is skipped with the reason. */
    public static Path stories260K() {
        Path p = shared().resolve("models/stories260K.gguf");
        assumeTrue(Files.isRegularFile(p), "skipped: " + p.toAbsolutePath() + " is absent (../shared not beside the repo)");
        return p;
    }

    /** A synthetic model written into {@code dir} (cached by its parameters within the directory). */
    public static Path synth(Path dir, String shape, int layers, GgmlType type, boolean tied, long seed) {
        Path out = dir.resolve(shape + "-" + layers + "l-" + type.ggmlName() + (tied ? "-tied" : "") + "-" + seed + ".gguf");
        if (Files.isRegularFile(out)) return out;
        try {
            new Synth(ModelShape.named(shape).withLayers(layers), type, tied, seed).write(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
