package dev.smezo.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The GGUF architectures smezo trains ({@code general.architecture}), with the RoPE flavour llama.cpp
 * gives each (llama_model_rope_type): NORM rotates adjacent pairs (the converter permuted llama's Q/K
 * rows), NEOX rotates element i with i + n_rot/2.
 */
public enum Arch {
    LLAMA("llama", Arch.ROPE_NORM),
    QWEN2("qwen2", Arch.ROPE_NEOX),
    QWEN3("qwen3", Arch.ROPE_NEOX),
    GEMMA2("gemma2", Arch.ROPE_NEOX),
    GEMMA3("gemma3", Arch.ROPE_NEOX),
    PHI3("phi3", Arch.ROPE_NEOX);

    /** ggml's rope modes (GGML_ROPE_TYPE_NEOX = 2). */
    public static final int ROPE_NORM = 0, ROPE_NEOX = 2;

    /**
     * Families a user is likely to hold that are not dense decoders of the kinds above: named in the
     * refusal so the message says what the file is, not only that it is unknown.
     */
    private static final Map<String, String> NOT_SUPPORTED = Map.ofEntries(
            Map.entry("qwen2moe", "mixture-of-experts"), Map.entry("qwen3moe", "mixture-of-experts"),
            Map.entry("qwen35moe", "mixture-of-experts"), Map.entry("qwen35", "hybrid (linear + full attention)"),
            Map.entry("qwen3next", "hybrid mixture-of-experts"), Map.entry("phimoe", "mixture-of-experts"),
            Map.entry("llama4", "mixture-of-experts"), Map.entry("gemma3n", "per-layer-embedding (MatFormer)"),
            Map.entry("gemma4", "hybrid / mixture-of-experts"), Map.entry("mamba", "state-space"),
            Map.entry("mamba2", "state-space"), Map.entry("jamba", "hybrid state-space"),
            Map.entry("deepseek2", "mixture-of-experts"), Map.entry("mixtral", "mixture-of-experts"));

    private final String ggmlName;
    private final int ropeMode;

    Arch(String ggmlName, int ropeMode) {
        this.ggmlName = ggmlName;
        this.ropeMode = ropeMode;
    }

    public String ggmlName() {
        return ggmlName;
    }

    public int ropeMode() {
        return ropeMode;
    }

    /** "llama, qwen2, qwen3, gemma2, gemma3, phi3". */
    public static String supportedList() {
        return Arrays.stream(values()).map(Arch::ggmlName).collect(Collectors.joining(", "));
    }

    /** The architecture named {@code name}, or a ModelException naming it and what is supported. */
    public static Arch named(String source, String name) {
        for (Arch a : values()) if (a.ggmlName.equals(name)) return a;
        String kind = NOT_SUPPORTED.get(name.toLowerCase(Locale.ROOT));
        throw new ModelException(source + ": key general.architecture = \"" + name + "\": "
                + (kind != null ? "a " + kind + " architecture, not supported" : "unsupported architecture")
                + " (smezo supports " + supportedList() + ")");
    }
}
