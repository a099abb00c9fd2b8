package dev.smezo.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
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
 *
 * <p>ggml's CPU backend comes in one of two shapes. A developer build links it
 * ({@code libggml-cpu.so}, built for this machine). A portable build (native/build.sh with
 * SMEZO_PORTABLE=1, the one {@code smezo dist} ships) holds every x86-64 variant as a backend that is
 * loaded at run time, {@code libggml-cpu-<variant>.so}, as llama.cpp's release binaries do: each
 * variant's {@code ggml_backend_score} says whether the running CPU has its instructions and how good
 * it is, the best is loaded and registered with ggml ({@code ggml_backend_load}), and
 * {@code SMEZO_CPU_VARIANT=<variant>} asks for another one the CPU runs.
 */
public final class NativeLibraries {
    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    /** Dependency order: each library's needs come before it (libllama-common: llama.cpp's chat templates). */
    private static final List<String> ORDER = List.of("libggml-base.so", "libggml-cpu.so", "libggml.so", "libllama.so",
            "libllama-common.so", "libsmezo.so");
    private static final List<String> REQUIRED = List.of("libggml.so", "libllama.so", "libllama-common.so", "libsmezo.so");
    /** The file the build writes beside the libraries: the llama.cpp commit, the flavour (native.build-info). */
    public static final String BUILD_INFO = "build-info.txt";

    private static volatile Loaded loaded;

    /** cpu: the CPU backend's own lookup; cpuVariant: its variant name, or "native" for a linked one. */
    private record Loaded(Path dir, SymbolLookup lookup, List<String> optional, SymbolLookup cpu, String cpuVariant) {}

    private NativeLibraries() {}

    /** One lookup over ggml, libllama, libllama-common and libsmezo, loaded on first use. */
    public static SymbolLookup lookup() {
        return load().lookup;
    }

    /** The directory the libraries were loaded from. */
    public static Path directory() {
        return load().dir;
    }

    /** The CPU backend in use: a portable build's variant (haswell, skylakex, ...) or "native". */
    public static String cpuVariant() {
        return load().cpuVariant;
    }

    /** The address of a function of the loaded CPU backend (ggml_graph_plan, ...). */
    public static MemorySegment cpuSymbol(String name) {
        return load().cpu.find(name).orElseThrow(() -> new NativeLibraryException(
                "the CPU backend (" + load().cpuVariant + ") has no symbol " + name));
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
            loaded = new Loaded(l.dir, l.lookup.or(one), List.copyOf(optional), l.cpu, l.cpuVariant);
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
        SymbolLookup cpu = null;
        String variant = "native";
        Path toRegister = null;
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
            if (name.equals("libggml-cpu.so")) cpu = one;
            lookup = lookup == null ? one : lookup.or(one);
            if (name.equals("libggml.so") && cpu == null) {
                // A portable build: ggml links no CPU backend; load the best variant and register it.
                CpuVariants.Choice best = CpuVariants.choose(dir, System.getenv("SMEZO_CPU_VARIANT"));
                cpu = SymbolLookup.libraryLookup(best.path(), global);
                toRegister = best.path();
                variant = best.name();
                lookup = lookup.or(cpu);
            }
        }
        if (toRegister != null) {
            // Quiet first: ggml_backend_load logs each library it loads at INFO level.
            downcall(lookup, "smezo_log_level", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT), ggmlLogLevel());
            register(lookup, toRegister);
        }
        return new Loaded(dir, lookup, List.of(), cpu, variant);
    }

    /** ggml_log_level values (ggml.h). */
    public static final int LOG_DEBUG = 1, LOG_INFO = 2, LOG_WARN = 3, LOG_ERROR = 4;

    /** ggml_log_level below which ggml's and libllama's messages are dropped: SMEZO_GGML_LOG, else errors only. */
    public static int ggmlLogLevel() {
        String level = System.getenv("SMEZO_GGML_LOG");
        return level == null ? LOG_ERROR : switch (level) {
            case "debug" -> LOG_DEBUG;
            case "info" -> LOG_INFO;
            case "warn" -> LOG_WARN;
            default -> LOG_ERROR;
        };
    }

    private static void downcall(SymbolLookup lib, String name, FunctionDescriptor fd, int arg) {
        MemorySegment fn = lib.find(name).orElseThrow(() -> new NativeLibraryException("no symbol " + name));
        try {
            Linker.nativeLinker().downcallHandle(fn, fd).invoke(arg);
        } catch (Throwable t) {
            throw new NativeLibraryException(name + " failed: " + t);
        }
    }

    /** ggml_backend_load(path): adds a backend library to ggml's registry (where libllama finds its devices). */
    private static void register(SymbolLookup ggml, Path lib) {
        MemorySegment fn = ggml.find("ggml_backend_load")
                .orElseThrow(() -> new NativeLibraryException("libggml.so has no ggml_backend_load: not a portable build"));
        var handle = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MemorySegment reg;
        try (Arena a = Arena.ofConfined()) {
            reg = (MemorySegment) handle.invokeExact(a.allocateFrom(lib.toString()));
        } catch (Throwable t) {
            throw new NativeLibraryException("ggml_backend_load(" + lib + ") failed: " + t);
        }
        if (reg.equals(MemorySegment.NULL)) throw new NativeLibraryException("ggml could not load the CPU backend " + lib);
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
            List<String> names = lines.stream()
                    .filter(s -> s.endsWith(".so") || s.contains(".so.") || s.equals(BUILD_INFO)).toList();
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
