package dev.smezo.bindings;

import dev.smezo.nativelib.NativeLibraries;
import java.lang.foreign.MemorySegment;

/** Symbol resolution shared by the generated bindings (jextract's SYMBOL_LOOKUP). */
final class Symbols {
    private Symbols() {}

    static MemorySegment find(String name) {
        return NativeLibraries.lookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("native symbol not found: " + name
                        + " (libraries in " + NativeLibraries.directory() + ")"));
    }

    static RuntimeException rethrow(String function, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call " + function + " failed", t);
    }
}
