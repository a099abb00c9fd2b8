package dev.smezo.ggml;

import dev.smezo.bindings.ggml_tensor;
import dev.smezo.bindings.llama_h;
import dev.smezo.nativelib.NativeLibraries;

/**
 * Process-wide ggml setup: loads the native libraries (once), checks that the bindings' view of
 * {@code struct ggml_tensor} matches the build, and quiets ggml's and libllama's logging.
 */
public final class Ggml {
    /** ggml_log_level values. */
    public static final int LOG_DEBUG = NativeLibraries.LOG_DEBUG, LOG_INFO = NativeLibraries.LOG_INFO,
            LOG_WARN = NativeLibraries.LOG_WARN, LOG_ERROR = NativeLibraries.LOG_ERROR;

    private static volatile boolean ready;

    private Ggml() {}

    /** Idempotent; every facade entry point calls it first. */
    public static void init() {
        if (ready) return;
        synchronized (Ggml.class) {
            if (ready) return;
            checkLayout();
            llama_h.smezo_log_level(NativeLibraries.ggmlLogLevel());
            ready = true;
        }
    }

    /** Re-routes ggml/libllama logging: messages below {@code minLevel} are dropped. */
    public static void logLevel(int minLevel) {
        init();
        llama_h.smezo_log_level(minLevel);
    }

    private static void checkLayout() {
        long[][] expected = {
            {0, ggml_tensor.SIZE}, {1, ggml_tensor.NE}, {2, ggml_tensor.NB}, {3, ggml_tensor.DATA},
            {4, ggml_tensor.NAME}, {5, ggml_tensor.OP_PARAMS}, {6, ggml_tensor.SRC},
        };
        for (long[] e : expected) {
            long actual = llama_h.smezo_abi_ggml_tensor((int) e[0]);
            if (actual != e[1]) {
                throw new IllegalStateException("struct ggml_tensor layout mismatch (field " + e[0] + ": native "
                        + actual + ", bindings " + e[1] + "): rebuild the bindings for this ggml version");
            }
        }
    }
}
