package dev.smezo.model;

import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufTensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every tensor's data in one block of memory that Java owns and may write: a private
 * (copy-on-write) mapping of a GGUF file, or an allocation. ggml tensors on the CPU backend point
 * straight into it, so an in-place update here is what the next forward sees.
 *
 * <p>Each tensor has an id: its index in the file's tensor order. The noise generator keys on it,
 * so it must not depend on which tensors are trained.
 */
public final class Weights {
    /** ggml's CPU backend wants tensor data on 32-byte boundaries. */
    public static final int ALIGNMENT = 32;

    /** One tensor: name and shape as in GGUF (ggml {@code ne} order), place in {@link #memory()}. */
    public record Entry(int id, String name, GgmlType type, long[] ne, long offset, long bytes) {
        public long elements() {
            long n = 1;
            for (long d : ne) n *= d;
            return n;
        }

        public int dims() {
            return ne.length;
        }
    }

    private final MemorySegment memory;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;

    private Weights(MemorySegment memory, List<Entry> entries) {
        this.memory = memory;
        this.entries = Collections.unmodifiableList(entries);
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.name(), e);
        this.byName = Collections.unmodifiableMap(m);
    }

    /**
     * The tensors of a GGUF, in place when its data section is suitably aligned (the usual case;
     * open it with {@link Gguf#openPrivate} so writes stay private), otherwise copied into an
     * aligned allocation of {@code arena}.
     */
    public static Weights of(Gguf g, Arena arena) {
        MemorySegment data = g.segment().asSlice(g.dataOffset());
        boolean aligned = data.address() % ALIGNMENT == 0;
        for (GgufTensorInfo t : g.tensors()) aligned &= t.offset() % ALIGNMENT == 0;
        List<Entry> entries = new ArrayList<>();
        int id = 0;
        if (aligned) {
            for (GgufTensorInfo t : g.tensors()) {
                entries.add(new Entry(id++, t.name(), t.type(), t.ne().clone(), t.offset(), t.bytes()));
            }
            return new Weights(data, entries);
        }
        long offset = 0;
        for (GgufTensorInfo t : g.tensors()) {
            entries.add(new Entry(id++, t.name(), t.type(), t.ne().clone(), offset, t.bytes()));
            offset = align(offset + t.bytes());
        }
        MemorySegment copy = arena.allocate(Math.max(offset, 1), 4096);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            MemorySegment.copy(g.tensorData(g.tensors().get(i)), 0, copy, e.offset(), e.bytes());
        }
        return new Weights(copy, entries);
    }

    /** Zeroed memory for the given tensors (synthetic models built in memory). */
    public static Weights allocate(List<TensorSpec> specs, Arena arena) {
        List<Entry> entries = layout(specs);
        return new Weights(arena.allocate(Math.max(end(entries), 1), 4096), entries);
    }

    /**
     * Zero anonymous memory for the given tensors, committed page by page as it is written (see
     * {@link dev.smezo.gguf.PrivateMapping#reserve}): filled, it is a model built in memory without a
     * zeroing pass; left unwritten, a model whose graphs can be built and sized (ggml's allocator never
     * reads weights) at no memory cost.
     */
    public static Weights reserve(List<TensorSpec> specs, Arena arena) {
        List<Entry> entries = layout(specs);
        return new Weights(dev.smezo.gguf.PrivateMapping.reserve(Math.max(end(entries), 1), arena), entries);
    }

    private static List<Entry> layout(List<TensorSpec> specs) {
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        int id = 0;
        for (TensorSpec s : specs) {
            long bytes = s.type().bytes(s.ne());
            entries.add(new Entry(id++, s.name(), s.type(), s.ne().clone(), offset, bytes));
            offset = align(offset + bytes);
        }
        return entries;
    }

    private static long end(List<Entry> entries) {
        return entries.isEmpty() ? 0 : align(entries.getLast().offset() + entries.getLast().bytes());
    }

    /** A tensor to create: name, type and shape. */
    public record TensorSpec(String name, GgmlType type, long... ne) {}

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    public MemorySegment memory() {
        return memory;
    }

    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) throw new ModelException("missing tensor " + name);
        return e;
    }

    /** The bytes of one tensor (a writable slice when the memory is). */
    public MemorySegment data(Entry e) {
        return memory.asSlice(e.offset(), e.bytes());
    }

    public long totalBytes() {
        long n = 0;
        for (Entry e : entries) n += e.bytes();
        return n;
    }

    public long totalElements() {
        long n = 0;
        for (Entry e : entries) n += e.elements();
        return n;
    }
}
