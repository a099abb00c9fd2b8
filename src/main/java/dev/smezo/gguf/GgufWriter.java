package dev.smezo.gguf;

import dev.smezo.io.AtomicFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a GGUF and writes it atomically: to a temporary file in the target's directory, sized up
 * front and filled through a memory mapping (so a 13 GB model never passes through the Java heap),
 * forced to disk, then renamed over the target. On any failure the temporary file is deleted and
 * an existing target is left as it was.
 *
 * <p>The bytes are those gguf.cpp's {@code gguf_write_to_file} writes for the same content: version
 * 3, metadata in insertion order, tensor infos with n_dims trimmed of trailing extents of 1 as
 * {@code ggml_n_dims} does, zero padding to the alignment after the tensor infos and after each
 * tensor's data (the last included), offsets packed in order. Not thread-safe.
 */
public final class GgufWriter {

    /** Fills one tensor's bytes. */
    @FunctionalInterface
    public interface TensorFiller {
        /**
         * Writes all of {@code tensor}'s data into {@code destination}, exactly
         * {@code tensor.bytes()} long and valid only during this call.
         */
        void fill(GgufTensorInfo tensor, MemorySegment destination) throws IOException;

        /**
         * Copies each tensor's bytes from the same-named tensor of {@code source}, which must have the
         * same type and element count (the shape may differ by trailing 1s, which the writer trims).
         */
        static TensorFiller copyFrom(Gguf source) {
            return (t, dst) -> {
                GgufTensorInfo s = source.tensor(t.name()).orElseThrow(
                        () -> new IllegalArgumentException(source.source() + " has no tensor '" + t.name() + "'"));
                if (s.type() != t.type() || s.elements() != t.elements() || s.bytes() != t.bytes()) {
                    throw new IllegalArgumentException("tensor " + t + " does not match " + s + " of " + source.source());
                }
                dst.copyFrom(source.tensorData(s));
            };
        }
    }

    private record Pending(String name, GgmlType type, long[] ne) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** An empty GGUF; alignment 32 unless general.alignment is put. */
    public GgufWriter() {}

    /** A writer holding {@code source}'s metadata and tensors, in order, ready to {@link #write} with {@link TensorFiller#copyFrom}. */
    public static GgufWriter from(Gguf source) {
        GgufWriter w = new GgufWriter().putAll(source.metadata());
        for (GgufTensorInfo t : source.tensors()) w.addTensor(t.name(), t.type(), t.ne());
        return w;
    }

    /**
     * Sets {@code key}; a key already present keeps its place and takes the new value.
     *
     * @throws IllegalArgumentException for an empty key, a key or string without a UTF-8 form, or a
     *     general.alignment that is not a UINT32 power of two (as gguf.cpp asserts)
     */
    public GgufWriter put(String key, GgufValue v) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(v, "value");
        if (key.isEmpty()) throw new IllegalArgumentException("empty metadata key");
        GgufValue.utf8(key);
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            if (v.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(key + " must be a UINT32, not a " + v.type());
            }
            long a = v.asLong();
            if (a == 0 || (a & (a - 1)) != 0 || a > 1 << 30) {
                throw new IllegalArgumentException(key + " = " + a + " is not a power of two (up to 2^30)");
            }
        }
        metadata.put(key, v);
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> m) {
        m.forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** The metadata so far, in order (unmodifiable view). */
    public Map<String, GgufValue> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    /**
     * Appends a tensor of shape {@code ne} (ggml order).
     *
     * @throws IllegalArgumentException for an already used name, a name over 63 UTF-8 bytes
     *     (GGML_MAX_NAME is 64 with the NUL), not 1..4 extents, a negative extent, a row that is
     *     not whole blocks, or a byte size beyond a long
     */
    public GgufWriter addTensor(String name, GgmlType type, long... ne) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        int bytes = GgufValue.utf8(name).length;
        if (bytes > GgufTensorInfo.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is " + bytes + " bytes, more than "
                    + GgufTensorInfo.MAX_NAME_BYTES);
        }
        if (names.contains(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        long[] trimmed = nDimsTrimmed(ne);
        new GgufTensorInfo(name, type, trimmed, 0); // validates the shape
        names.add(name);
        tensors.add(new Pending(name, type, trimmed));
        return this;
    }

    /**
     * ggml writes n_dims = ggml_n_dims(t): the last dimension with an extent above 1. A 0 extent
     * is kept, though, where ggml would drop it and describe data it did not write.
     */
    private static long[] nDimsTrimmed(long[] ne) {
        int n = ne.length;
        while (n > 1 && ne[n - 1] == 1) n--;
        return Arrays.copyOf(ne, n);
    }

    public int alignment() {
        GgufValue a = metadata.get(GgufParser.ALIGNMENT_KEY);
        return a == null ? GgufParser.DEFAULT_ALIGNMENT : (int) a.asLong();
    }

    /** The tensors with the offsets they will have: packed in order, each padded to the alignment, as gguf_add_tensor does. */
    public List<GgufTensorInfo> layout() {
        long alignment = alignment();
        List<GgufTensorInfo> out = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Pending p : tensors) {
            GgufTensorInfo t = new GgufTensorInfo(p.name, p.type, p.ne, offset);
            out.add(t);
            offset = Math.addExact(offset, GgufParser.alignUp(t.bytes(), alignment));
        }
        return out;
    }

    /**
     * Writes the GGUF to {@code out}, calling {@code filler} once per tensor, in order, with the
     * tensor's exact slice of the new file. Atomic: {@code out} is either the complete new file
     * or, if anything fails (including the filler), what it was before.
     */
    public void write(Path out, TensorFiller filler) throws IOException {
        Objects.requireNonNull(filler, "filler");
        long total = fileSize();
        checkSpace(AtomicFile.target(out).getParent(), total);
        AtomicFile.write(out, tmp -> {
            // Shared, so a filler may write its destination from several threads (synth does).
            // One mapping per tensor, unmapped once written: the written pages stay in the page cache
            // but leave the process, so its resident memory grows by one tensor, not by the file (a
            // 7B checkpoint would otherwise double a training run's peak RSS).
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                writeTo((offset, bytes) -> {
                    Arena arena = Arena.ofShared();
                    return new Window(ch.map(FileChannel.MapMode.READ_WRITE, offset, bytes, arena), arena);
                }, filler);
                ch.force(true);
            }
        });
    }

    /** Bytes of the whole file {@link #write} produces. */
    public long fileSize() {
        List<GgufTensorInfo> layout = layout();
        long alignment = alignment();
        long dataBytes = layout.isEmpty() ? 0
                : GgufParser.alignUp(layout.getLast().offset() + layout.getLast().bytes(), alignment);
        return Math.addExact(GgufParser.alignUp(GgufEncoder.size(metadata, layout), alignment), dataBytes);
    }

    /** Writes the whole file into {@code file}, exactly {@link #fileSize()} bytes: {@link #write} without the file. */
    void writeTo(MemorySegment file, TensorFiller filler) throws IOException {
        writeTo((offset, bytes) -> new Window(file.asSlice(offset, bytes), null), filler);
    }

    /** A writable region of the output; {@code arena} (may be null) unmaps it, after forcing it to disk. */
    private record Window(MemorySegment segment, Arena arena) implements AutoCloseable {
        @Override
        public void close() {
            if (arena == null) return;
            segment.force();
            arena.close();
        }
    }

    @FunctionalInterface
    private interface Windows {
        Window open(long offset, long bytes) throws IOException;
    }

    /** The header, then each tensor and its alignment padding, each through its own window. */
    private void writeTo(Windows windows, TensorFiller filler) throws IOException {
        List<GgufTensorInfo> layout = layout();
        long alignment = alignment();
        long headerBytes = GgufParser.alignUp(GgufEncoder.size(metadata, layout), alignment);
        try (Window w = windows.open(0, headerBytes)) {
            long metaBytes = GgufEncoder.write(w.segment(), metadata, layout);
            w.segment().asSlice(metaBytes).fill((byte) 0);
        }
        for (GgufTensorInfo t : layout) {
            long start = headerBytes + t.offset();
            long padded = GgufParser.alignUp(t.bytes(), alignment);   // offsets are aligned, so the padding is the tail's
            try (Window w = windows.open(start, padded)) {
                filler.fill(t, w.segment().asSlice(0, t.bytes()));
                w.segment().asSlice(t.bytes()).fill((byte) 0);
            }
        }
    }

    /** Mapped writes to a file the disk cannot hold fault (SIGBUS) instead of failing: refuse early. */
    private static void checkSpace(Path dir, long bytes) throws IOException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < bytes) {
            throw new IOException("not enough space in " + dir + " for a " + bytes + "-byte GGUF (" + usable + " usable)");
        }
    }
}
