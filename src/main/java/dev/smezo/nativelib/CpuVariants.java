package dev.smezo.nativelib;

import dev.smezo.nativelib.NativeLibraries.NativeLibraryException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU variants of a portable build ({@code libggml-cpu-<variant>.so}) and the choice among them,
 * made as ggml's own {@code ggml_backend_load_best} makes it: each variant is opened on its own, asked
 * for {@code ggml_backend_score()} (0 when the running CPU lacks one of its instructions, else higher
 * for better ones) and closed again; the highest score wins, the first in name order on a tie.
 */
final class CpuVariants {
    private static final String PREFIX = "libggml-cpu-";
    private static final String SUFFIX = ".so";

    private CpuVariants() {}

    record Scored(String name, Path path, int score) {}

    record Choice(String name, Path path) {}

    /** Every variant in dir with its score on this CPU, in name order. */
    static List<Scored> score(Path dir) {
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
            }).sorted().toList();
        } catch (IOException e) {
            throw new NativeLibraryException("cannot list native directory " + dir + ": " + e.getMessage());
        }
        List<Scored> out = new ArrayList<>();
        for (Path f : files) {
            String n = f.getFileName().toString();
            out.add(new Scored(n.substring(PREFIX.length(), n.length() - SUFFIX.length()), f, scoreOf(f)));
        }
        return out;
    }

    private static int scoreOf(Path lib) {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup one = SymbolLookup.libraryLookup(lib, a);
            var fn = one.find("ggml_backend_score").orElse(null);
            if (fn == null) return 0;
            var h = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_INT));
            return (int) h.invokeExact();
        } catch (IllegalArgumentException e) {
            return 0;   // does not load here (a missing dependency): not a candidate
        } catch (Throwable t) {
            throw new NativeLibraryException("scoring " + lib + " failed: " + t);
        }
    }

    /** The best variant, or the one {@code want} names (it must be there and run on this CPU). */
    static Choice choose(Path dir, String want) {
        List<Scored> all = score(dir);
        if (all.isEmpty()) {
            throw new NativeLibraryException("no CPU backend in " + dir
                    + ": neither libggml-cpu.so nor libggml-cpu-<variant>.so (rebuild the native layer)");
        }
        List<String> usable = all.stream().filter(s -> s.score() > 0).map(Scored::name).toList();
        if (want != null && !want.isBlank()) {
            for (Scored s : all) {
                if (s.name().equals(want.strip())) {
                    if (s.score() > 0) return new Choice(s.name(), s.path());
                    throw new NativeLibraryException("SMEZO_CPU_VARIANT=" + want + ": this CPU lacks instructions that "
                            + "variant needs; it runs " + String.join(", ", usable));
                }
            }
            throw new NativeLibraryException("SMEZO_CPU_VARIANT=" + want + ": no such CPU variant in " + dir
                    + " (there are " + String.join(", ", all.stream().map(Scored::name).toList()) + ")");
        }
        Scored best = null;
        for (Scored s : all) if (s.score() > 0 && (best == null || s.score() > best.score())) best = s;
        if (best == null) {
            throw new NativeLibraryException("none of the CPU variants in " + dir + " runs on this CPU");
        }
        return new Choice(best.name(), best.path());
    }
}
