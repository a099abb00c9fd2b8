package dev.smezo.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A parsed GGUF file: version, metadata in file order, tensor infos in file order, alignment, where
 * the data section starts, and the memory it was read from.
 *
 * <p>Metadata values are copied out of the file and outlive it. Tensor data is never copied:
 * {@link #tensorData} slices the segment, which lives as long as the arena it was mapped in.
 * Instances are immutable and safe to share between threads (the segment's own rules aside).
 */
public final class Gguf {
    private final String source;
    private final MemorySegment segment;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;
    private final Map<String, Long> keyOffsets;

    Gguf(String source, MemorySegment segment, int version, int alignment, long dataOffset,
         Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, Map<String, Long> keyOffsets) {
        this.source = source;
        this.segment = segment;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = List.copyOf(tensors);
        this.byName = new HashMap<>();
        for (GgufTensorInfo t : tensors) byName.put(t.name(), t);
        this.keyOffsets = Map.copyOf(keyOffsets);
    }

    /**
     * Parses the GGUF in {@code file}; {@code sourceName} names it in error messages. Reads only the
     * header, metadata and tensor infos, and checks every tensor's data lies inside {@code file}.
     *
     * @throws GgufException if the content is malformed, whatever the content: hostile counts and
     *     lengths are refused before anything is allocated for them
     */
    public static Gguf read(MemorySegment file, String sourceName) throws GgufException {
        return GgufParser.parse(file, sourceName == null ? "<memory>" : sourceName);
    }

    /** Maps {@code path} read-only in {@code arena} and parses it. */
    public static Gguf open(Path path, Arena arena) throws IOException, GgufException {
        requireFile(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena), path.toString());
        }
    }

    /**
     * Maps {@code path} copy-on-write in {@code arena} and parses it: the segment, tensor data
     * included, is writable, and writes stay in this process's memory; the file is never modified.
     * For perturbing weights in place without first copying a model into memory.
     *
     * <p>FileChannel only maps privately a channel open for writing, so a file this process may
     * not write (read-only permissions or file system) is mapped with libc's mmap instead.
     */
    public static Gguf openPrivate(Path path, Arena arena) throws IOException, GgufException {
        requireFile(path);
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            seg = ch.map(FileChannel.MapMode.PRIVATE, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) { // permission denied, read-only file system
            seg = PrivateMapping.map(path, arena);
        }
        return read(seg, path.toString());
    }

    /** A directory, device or FIFO would fail in mmap with an errno that names no cause. */
    private static void requireFile(Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IOException(path + ": " + (Files.isDirectory(path) ? "a directory" : "not a regular file")
                    + ", not a GGUF file");
        }
    }

    public int version() {
        return version;
    }

    /** general.alignment, or 32 when the file has no such key. */
    public int alignment() {
        return alignment;
    }

    /** Where the data section starts in the file; tensor offsets count from here. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The name given to {@link #read}, or the path. */
    public String source() {
        return source;
    }

    /** The metadata, unmodifiable, in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** The tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Total elements of all tensors. */
    public long parameterCount() {
        long n = 0;
        for (GgufTensorInfo t : tensors) n = Math.addExact(n, t.elements());
        return n;
    }

    /**
     * The bytes of {@code t}, a slice of {@link #segment()} (writable when opened privately).
     *
     * @throws IllegalArgumentException if {@code t} is not one of this file's tensors
     */
    public MemorySegment tensorData(GgufTensorInfo t) {
        if (!t.equals(byName.get(t.name()))) {
            throw new IllegalArgumentException(source + ": no tensor " + t + " in this file");
        }
        return segment.asSlice(dataOffset + t.offset(), t.bytes());
    }

    /** The whole file. */
    public MemorySegment segment() {
        return segment;
    }

    // ---- metadata lookups: errors name the file, the key and, for a wrong type, where it is ----

    /** The value of {@code key}; GgufException if absent. */
    public GgufValue get(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) throw new GgufException(source, -1, "missing metadata key '" + key + "'");
        return v;
    }

    public Optional<GgufValue> opt(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public String getString(String key) {
        return string(key, get(key));
    }

    public Optional<String> optString(String key) {
        return opt(key).map(v -> string(key, v));
    }

    /** An integer of any integer type, unsigned ones widened correctly. */
    public long getLong(String key) {
        return integer(key, get(key));
    }

    public OptionalLong optLong(String key) {
        GgufValue v = metadata.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(integer(key, v));
    }

    /** {@link #getLong} that must fit an int. */
    public int getInt(String key) {
        return toInt(key, getLong(key));
    }

    public OptionalInt optInt(String key) {
        OptionalLong v = optLong(key);
        return v.isEmpty() ? OptionalInt.empty() : OptionalInt.of(toInt(key, v.getAsLong()));
    }

    /** A FLOAT32, FLOAT64 or integer value as a float. */
    public float getFloat(String key) {
        return (float) number(key, get(key));
    }

    public Optional<Float> optFloat(String key) {
        return opt(key).map(v -> (float) number(key, v));
    }

    /** A FLOAT32, FLOAT64 or integer value as a double. */
    public double getDouble(String key) {
        return number(key, get(key));
    }

    public OptionalDouble optDouble(String key) {
        GgufValue v = metadata.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(number(key, v));
    }

    public boolean getBoolean(String key) {
        GgufValue v = get(key);
        if (v.type() != GgufValueType.BOOL) throw wrongType(key, v, "a BOOL");
        return v.asBoolean();
    }

    /** The elements of an ARRAY of STRING. */
    public List<String> getStringArray(String key) {
        return array(key, GgufValueType.STRING).toStringList();
    }

    /** The elements of an ARRAY of FLOAT32 (or another numeric type, converted). */
    public float[] getFloatArray(String key) {
        GgufArray a = array(key, null);
        if (a.elementType().fixedSize() == 0 || a.elementType() == GgufValueType.BOOL) {
            throw wrongType(key, get(key), "an array of numbers");
        }
        return a.toFloatArray();
    }

    /** The elements of an ARRAY of an integer type, each of which must fit an int. */
    public int[] getIntArray(String key) {
        GgufArray a = array(key, null);
        if (!a.elementType().isInteger()) throw wrongType(key, get(key), "an array of integers");
        try {
            return a.toIntArray();
        } catch (ArithmeticException e) {
            throw new GgufException(source, offsetOf(key), "key '" + key + "' has an element beyond the int range");
        }
    }

    private GgufArray array(String key, GgufValueType elementType) {
        GgufValue v = get(key);
        if (v.type() != GgufValueType.ARRAY || (elementType != null && v.asArray().elementType() != elementType)) {
            throw wrongType(key, v, elementType == null ? "an ARRAY" : "an ARRAY of " + elementType);
        }
        return v.asArray();
    }

    private String string(String key, GgufValue v) {
        if (v.type() != GgufValueType.STRING) throw wrongType(key, v, "a STRING");
        return v.asString();
    }

    private long integer(String key, GgufValue v) {
        if (!v.type().isInteger()) throw wrongType(key, v, "an integer");
        try {
            return v.asLong();
        } catch (ArithmeticException e) {
            throw new GgufException(source, offsetOf(key), "key '" + key + "' = " + v + " does not fit in a long");
        }
    }

    private int toInt(String key, long v) {
        if (v != (int) v) throw new GgufException(source, offsetOf(key), "key '" + key + "' = " + v + " does not fit in an int");
        return (int) v;
    }

    private double number(String key, GgufValue v) {
        if (!v.type().isInteger() && v.type() != GgufValueType.FLOAT32 && v.type() != GgufValueType.FLOAT64) {
            throw wrongType(key, v, "a number");
        }
        return v.asDouble();
    }

    private GgufException wrongType(String key, GgufValue v, String expected) {
        String actual = v.type() == GgufValueType.ARRAY ? "an ARRAY of " + v.asArray().elementType() : "a " + v.type();
        return new GgufException(source, offsetOf(key), "key '" + key + "' is " + actual + ", expected " + expected);
    }

    private long offsetOf(String key) {
        return keyOffsets.getOrDefault(key, -1L);
    }

    @Override
    public String toString() {
        return "Gguf[" + source + ": v" + version + ", " + metadata.size() + " keys, " + tensors.size() + " tensors]";
    }
}
