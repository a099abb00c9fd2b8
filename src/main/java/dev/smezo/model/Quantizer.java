package dev.smezo.model;

import static dev.smezo.bindings.llama_h.smezo_llama_quantize;

import dev.smezo.ggml.Ggml;
import dev.smezo.io.AtomicFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * llama.cpp's own quantizer ({@code llama_model_quantize}, what {@code llama-quantize} runs): the
 * reference way to make the quantized files users download, for tests and benchmarks. Names and
 * numbers are {@code enum llama_ftype} of the pinned llama.h.
 */
public final class Quantizer {
    private Quantizer() {}

    /** llama-quantize's type names (lower case) and their llama_ftype values. */
    public static final Map<String, Integer> FTYPES = ftypes();

    private static Map<String, Integer> ftypes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        Object[][] t = {{"f32", 0}, {"f16", 1}, {"q4_0", 2}, {"q4_1", 3}, {"q8_0", 7}, {"q5_0", 8}, {"q5_1", 9},
                        {"q2_k", 10}, {"q3_k_s", 11}, {"q3_k_m", 12}, {"q3_k_l", 13}, {"q4_k_s", 14}, {"q4_k_m", 15},
                        {"q5_k_s", 16}, {"q5_k_m", 17}, {"q6_k", 18}, {"iq4_nl", 25}, {"bf16", 32}};
        for (Object[] e : t) m.put((String) e[0], (Integer) e[1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Quantizes {@code in} into {@code out} (written atomically: a failure leaves nothing).
     *
     * @param typeName a llama-quantize name, any case: q8_0, q4_K_M, ...
     * @param pure     every quantizable tensor of that one type (llama-quantize --pure)
     * @throws IllegalArgumentException for an unknown name (the names are listed)
     * @throws IOException naming both files when libllama fails
     */
    public static void quantize(Path in, Path out, String typeName, boolean pure, int threads) throws IOException {
        Integer ftype = FTYPES.get(typeName.toLowerCase(Locale.ROOT));
        if (ftype == null) throw new IllegalArgumentException("unknown quantization type '" + typeName + "' (" + FTYPES.keySet() + ")");
        if (!Files.isRegularFile(in)) throw new IOException(in + ": no such file");
        Ggml.init();
        AtomicFile.write(out, tmp -> {
            int rc;
            try (Arena a = Arena.ofConfined()) {
                rc = smezo_llama_quantize(a.allocateFrom(in.toString()), a.allocateFrom(tmp.toString()), ftype, pure ? 1 : 0,
                        Math.max(1, threads));
            }
            if (rc != 0) throw new IOException("llama_model_quantize(" + in + " -> " + out + ", " + typeName + ") failed (" + rc + ")");
        });
    }
}
