package dev.smezo.model;

import static dev.smezo.bindings.llama_h.smezo_llama_last_error;
import static dev.smezo.bindings.llama_h.smezo_llama_quantize;

import dev.smezo.ggml.Ggml;
import dev.smezo.io.AtomicFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libllama's own quantizer ({@code llama_model_quantize} with its default parameters, what
 * {@code llama-quantize IN OUT TYPE} does): the reference for smezo's mixes, and a way to get the
 * quantized files users download from a float one.
 */
public final class Quantizer {
    /** llama-quantize's names and their llama_ftype values (include/llama.h at the pinned llama.cpp). */
    private static final Map<String, Integer> FTYPES = new LinkedHashMap<>();

    static {
        String[] names = {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_K", "q3_K_S", "q3_K_M",
            "q3_K_L", "q4_K_S", "q4_K_M", "q5_K_S", "q5_K_M", "q6_K"};
        int[] ftypes = {0, 1, 32, 7, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
        for (int i = 0; i < names.length; i++) FTYPES.put(names[i], ftypes[i]);
    }

    private Quantizer() {}

    /** The names {@link #quantize} takes, in llama-quantize's spelling (any case is accepted). */
    public static List<String> names() {
        return List.copyOf(FTYPES.keySet());
    }

    /** The llama_ftype of a name (case-insensitive). */
    public static int ftype(String typeName) {
        for (Map.Entry<String, Integer> e : FTYPES.entrySet()) if (e.getKey().equalsIgnoreCase(typeName)) return e.getValue();
        throw new IllegalArgumentException("unknown quantization type '" + typeName + "' (" + String.join(", ", names()) + ")");
    }

    /**
     * Quantizes GGUF {@code in} into {@code out} (atomically: a failure leaves {@code out} as it was
     * and no temp file). {@code pure}: every matrix gets the type's base type (llama-quantize
     * --pure), not the per-tensor mix; {@code threads} <= 0: every core.
     *
     * @throws IllegalArgumentException for an unknown type name
     * @throws IOException naming both files and libllama's reason when it fails
     */
    public static void quantize(Path in, Path out, String typeName, boolean pure, int threads) throws IOException {
        int ftype = ftype(typeName);
        Ggml.init();   // routes libllama's log through smezo's filter, which keeps the last error
        AtomicFile.write(out, tmp -> {
            int rc;
            String reason;
            try (Arena a = Arena.ofConfined()) {
                rc = smezo_llama_quantize(a.allocateFrom(in.toString()), a.allocateFrom(tmp.toString()), ftype, pure ? 1 : 0,
                        threads);
                reason = smezo_llama_last_error().reinterpret(1024).getString(0).strip();
            }
            if (rc != 0) {
                throw new IOException("quantizing " + in + " to " + typeName + " as " + out + " failed"
                        + (reason.isEmpty() ? "" : ": " + reason));
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);   // libllama's ofstream does not sync; the rename must not outrun the data
            }
        });
    }
}
