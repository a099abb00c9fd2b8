package dev.smezo.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufWriter;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Quantizer;
import dev.smezo.model.Synth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

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
        return synth(dir, Synth.Flavor.LLAMA, shape, layers, type, tied, seed);
    }

    /** The same for a family (Gemma 2 is always tied, whatever {@code tied} says). */
    public static Path synth(Path dir, Synth.Flavor flavor, String shape, int layers, GgmlType type, boolean tied, long seed) {
        return synth(dir, flavor, shape, layers, type.ggmlName(), tied, seed);
    }

    /** The same with a --type name: a ggml type or a mix such as q4_K_M. */
    public static Path synth(Path dir, Synth.Flavor flavor, String shape, int layers, String typeName, boolean tied, long seed) {
        boolean tie = tied || flavor == Synth.Flavor.GEMMA2;
        Path out = dir.resolve((flavor == Synth.Flavor.LLAMA ? "" : flavor.cliName + "-") + shape + "-" + layers + "l-"
                + typeName + (tie ? "-tied" : "") + "-" + seed + ".gguf");
        if (Files.isRegularFile(out)) return out;
        try {
            Synth.named(flavor, ModelShape.named(shape).withLayers(layers), typeName, tie, seed).write(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * A tiny one-layer model of {@code flavor} with {@code tokenizer.chat_template} set to {@code jinja}
     * (none when null), cached within {@code dir} by the template's hash.
     */
    public static Path withChatTemplate(Path dir, Synth.Flavor flavor, String jinja) {
        Path out = dir.resolve(flavor.cliName + "-chat-" + (jinja == null ? "none" : Integer.toHexString(jinja.hashCode())) + ".gguf");
        if (Files.isRegularFile(out)) return out;
        try {
            new Synth(flavor, ModelShape.named("tiny").withLayers(1), GgmlType.F32, true, 1).withChatTemplate(jinja).write(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * stories260K quantized by libllama's own quantizer (llama-quantize's mix for {@code typeName},
     * e.g. q8_0, q4_K_M) into {@code dir}, cached by name; skipped when stories260K is absent.
     */
    public static Path quantizedStories(Path dir, String typeName) {
        Path out = dir.resolve("stories260K-" + typeName + ".gguf");
        if (Files.isRegularFile(out)) return out;
        try {
            Quantizer.quantize(stories260K(), out, typeName, false, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * A copy of {@code base} named {@code name}.gguf in {@code dir} with its metadata changed by
     * {@code change} (tensors as they are, minus {@code dropTensor} when not null).
     */
    public static Path variant(Path dir, Path base, String name, Consumer<GgufWriter> change, String dropTensor)
            throws IOException {
        Path out = dir.resolve(name + ".gguf");
        try (Arena a = Arena.ofConfined()) {
            Gguf g = Gguf.open(base, a);
            GgufWriter w = new GgufWriter();
            w.putAll(g.metadata());
            change.accept(w);
            for (var t : g.tensors()) if (!t.name().equals(dropTensor)) w.addTensor(t.name(), t.type(), t.ne());
            w.write(out, (info, dst) -> MemorySegment.copy(g.tensorData(g.tensor(info.name()).orElseThrow()), 0, dst, 0,
                    dst.byteSize()));
        }
        return out;
    }

    /** A copy of {@code base} named {@code name}.gguf whose output norm's first weight is NaN: every logit is NaN. */
    public static Path withNanOutputNorm(Path dir, Path base, String name) throws IOException {
        Path out = Files.copy(base, dir.resolve(name + ".gguf"));
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(out, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            Gguf g = Gguf.open(out, a);
            long at = g.dataOffset() + g.tensor("output_norm.weight").orElseThrow().offset();
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), at);
        }
        return out;
    }
}
