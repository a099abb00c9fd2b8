package dev.smezo.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Finds smezo's native libraries and loads each exactly once, from one directory.
 *
 * <p>Where they come from, first match wins:
 * <ol>
 *   <li>the directory in the system property {@code smezo.native.dir} (tests, development);</li>
 *   <li>the jar's {@code /native/linux-x86_64/} resources, extracted once into a content-addressed
 *       cache {@code ~/.cache/smezo/lib/<key>/}, the key being the libraries' sha256 that
 *       native/build.sh wrote into libraries.txt (so a later run reads only that index).</li>
 * </ol>
 * ggml keeps global state (backend registry, CPU feature detection), so loading it twice from two
 * paths breaks it: every caller goes through this class.
 */
public final class NativeLibraries {
    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    /** Dependency order: each library's needs come before it (libllama-common: llama.cpp's chat templates). */
    private static final List<String> ORDER = List.of("libggml-base.so", "libggml-cpu.so", "libggml.so", "libllama.so",
            "libllama-common.so", "libsmezo.so");
    private static final List<String> REQUIRED = List.of("libggml.so", "libllama.so", "libllama-common.so", "libsmezo.so");

    private static volatile Loaded loaded;

    private record Loaded(Path dir, SymbolLookup lookup, List<String> optional) {}

    private NativeLibraries() {}

    /** One lookup over ggml, libllama, libllama-common and libsmezo, loaded on first use. */
    public static SymbolLookup lookup() {
        return load().lookup;
    }

    /** The directory the libraries were loaded from. */
    public static Path directory() {
        return load().dir;
    }

    /**
     * Loads an optional library of the same directory (after the required ones) and adds its symbols to
     * {@link #lookup()}: libggml-cuda.so and libsmezo_cuda.so exist only in a CUDA build. Idempotent.
     *
     * @return false when the directory holds no such library
     * @throws NativeLibraryException when it is there but cannot be loaded (a missing CUDA runtime, say)
     */
    public static boolean loadOptional(String name) {
        synchronized (NativeLibraries.class) {
            Loaded l = load();
            if (l.optional.contains(name)) return true;
            Path lib = resolve(l.dir, name);
            if (lib == null) return false;
            SymbolLookup one;
            try {
                one = SymbolLookup.libraryLookup(lib, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new NativeLibraryException("cannot load " + lib + ": " + e.getMessage()
                        + " (are its dependencies, e.g. the CUDA runtime, on the library path?)");
            }
            List<String> optional = new java.util.ArrayList<>(l.optional);
            optional.add(name);
            loaded = new Loaded(l.dir, l.lookup.or(one), List.copyOf(optional));
            return true;
        }
    }

    private static Loaded load() {
        Loaded l = loaded;
        if (l != null) return l;
        synchronized (NativeLibraries.class) {
            if (loaded == null) loaded = doLoad();
            return loaded;
        }
    }

    private static Loaded doLoad() {
        String prop = System.getProperty("smezo.native.dir");
        Path dir = prop != null ? Path.of(prop) : extractFromJar();
        SymbolLookup lookup = null;
        Arena global = Arena.global();
        for (String name : ORDER) {
            Path lib = resolve(dir, name);
            if (lib == null) {
                if (REQUIRED.contains(name)) {
                    throw new NativeLibraryException("missing " + name + " in " + dir
                            + " (build the native layer: native/build.sh, or mvn package)");
                }
                continue;
            }
            SymbolLookup one = SymbolLookup.libraryLookup(lib, global);
            lookup = lookup == null ? one : lookup.or(one);
        }
        return new Loaded(dir, lookup, List.of());
    }

    /** A library by its plain name or by a versioned soname (libggml.so.0, libllama.so.0...). */
    private static Path resolve(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(name + "."))
                    .sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new NativeLibraryException("cannot list native directory " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The jar's libraries in the cache directory named by the content key that native/build.sh
     * wrote into libraries.txt: a run whose copy is already there reads nothing but the index.
     */
    private static Path extractFromJar() {
        try (InputStream index = NativeLibraries.class.getResourceAsStream(RESOURCE_DIR + "libraries.txt")) {
            if (index == null) {
                throw new NativeLibraryException("no native libraries in the jar and -Dsmezo.native.dir is unset; "
                        + "build with `mvn package` (or run ./smezo, which builds)");
            }
            List<String> lines = new String(index.readAllBytes()).lines().map(String::strip).toList();
            String key = lines.stream().filter(l -> l.startsWith("key ")).map(l -> l.substring(4)).findFirst()
                    .orElseThrow(() -> new NativeLibraryException("the jar's libraries.txt has no key line: rebuild it"));
            List<String> names = lines.stream().filter(s -> s.endsWith(".so") || s.contains(".so.")).toList();
            Path cache = cacheRoot().resolve("lib").resolve(key);
            if (Files.isRegularFile(cache.resolve(".complete"))) return cache;
            Path tmp = Files.createDirectories(cache.getParent()).resolve(key + ".tmp-" + ProcessHandle.current().pid());
            Files.createDirectories(tmp);
            for (String n : names) {
                try (InputStream in = NativeLibraries.class.getResourceAsStream(RESOURCE_DIR + n)) {
                    if (in == null) throw new NativeLibraryException("jar lists " + n + " but does not hold it");
                    Files.copy(in, tmp.resolve(n));
                }
            }
            Files.writeString(tmp.resolve(".complete"), key);
            try {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process extracted the same libraries first; theirs are identical.
                deleteTree(tmp);
            }
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting native libraries", e);
        }
    }

    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("smezo");
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    /** A native library could not be found or loaded. */
    public static final class NativeLibraryException extends RuntimeException {
        public NativeLibraryException(String message) {
            super(message);
        }
    }
}
