package dev.smezo.model;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.GgufValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Random-weight models of a given {@link ModelShape} and {@link Flavor} (a supported family as its
 * files come): the metadata and tensor list of a GGUF that llama.cpp loads (a synthetic
 * SentencePiece-style vocabulary, or a byte-level BPE one as Llama 3 and Qwen ship), and seeded values.
 *
 * <p>Values: matrices ~ N(0, 1/fan_in) so activations stay O(1) through the layers (random logits
 * are then informative enough to compare forwards), the untied token embedding ~ N(0, 1), norms
 * 1 + 0.1 N(0,1), biases 0.5 N(0,1), RoPE factors in [1, 4). Each tensor's values depend only on
 * (seed, tensor name, element index), in 1 Mi-element chunks generated in parallel, whatever the
 * type: a quantized model holds the F32 model's values quantized (by ggml's quantizer, as
 * llama-quantize does), and a mix ({@link QuantMix}) types each tensor as llama-quantize would.
 */
public final class Synth {
    private static final int CHUNK = 1 << 20;
    /** One chunk's values per worker thread, reused: a 61 GiB model would otherwise leave 4 MiB of garbage a chunk. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * A family as its files come. Each sets what tests should exercise: Qwen3 a head size that is not
     * n_embd / n_head, Gemma a window shorter than the test sequences and soft-caps low enough to bend
     * random logits, Phi-3 fused tensors and LongRoPE factors with a context past the original one.
     */
    public enum Flavor {
        LLAMA("llama", Arch.LLAMA, "LLaMA 1/2, Mistral: SentencePiece vocabulary"),
        LLAMA3("llama3", Arch.LLAMA, "Llama 3.1: BPE vocabulary (llama-bpe), rope_freqs factors, rope base 500000"),
        SMOLLM2("smollm2", Arch.LLAMA, "SmolLM2: BPE vocabulary (smollm pre-tokenizer), no BOS"),
        NEMO("nemo", Arch.LLAMA, "Mistral-Nemo: head size 2 x n_embd/n_head, from attention.key_length"),
        QWEN2("qwen2", Arch.QWEN2, "Qwen2.5: BPE vocabulary (qwen2, no BOS), Q/K/V biases"),
        QWEN3("qwen3", Arch.QWEN3, "Qwen3: BPE vocabulary, head size 2 x n_embd/n_head, Q/K norms"),
        GEMMA2("gemma2", Arch.GEMMA2, "Gemma 2: window 16 on even layers, soft-caps 5 (attention) and 4 (final), tied"),
        GEMMA3("gemma3", Arch.GEMMA3, "Gemma 3: window 16 on even layers, local rope base 10000, global 1e6 x8 linear, Q/K norms"),
        PHI3("phi3", Arch.PHI3, "Phi-3: fused attn_qkv and gate+up, LongRoPE factors (context 1024, original 256)");

        public final String cliName;
        public final Arch arch;
        public final String description;

        Flavor(String cliName, Arch arch, String description) {
            this.cliName = cliName;
            this.arch = arch;
            this.description = description;
        }

        public static Flavor named(String name) {
            for (Flavor f : values()) if (f.cliName.equalsIgnoreCase(name)) return f;
            throw new IllegalArgumentException("unknown --arch '" + name + "' (" + String.join(", ",
                    java.util.Arrays.stream(values()).map(f -> f.cliName).toList()) + ")");
        }

        boolean bpe() {
            return this == LLAMA3 || this == SMOLLM2 || this == QWEN2 || this == QWEN3;
        }
    }

    /** The window of the synthetic Gemmas: shorter than the sequences tests run. */
    public static final int GEMMA_WINDOW = 16;
    /**
     * Phi-3's original context; the synthetic file's context is 4 times as long, so long factors apply
     * at llama.cpp's default context and short ones at 256 (llama.cpp pads contexts to 256).
     */
    public static final int PHI3_ORIGINAL_CONTEXT = 256;

    /** The matrix types synth writes uniformly: floats, and what ggml quantizes without an importance matrix. */
    private static final List<GgmlType> UNIFORM = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K);

    /** Every name {@link #named} takes: the uniform types, then llama-quantize's mixes. */
    public static final List<String> TYPE_NAMES = Stream.concat(UNIFORM.stream().map(GgmlType::ggmlName),
            Stream.of(QuantMix.values()).map(m -> m.cliName)).toList();

    private final Flavor flavor;
    private final ModelShape shape;
    /** Every matrix's type, or the base type of {@link #mix}. */
    private final GgmlType type;
    /** A llama-quantize mix that types each tensor, or null when every matrix is {@link #type}. */
    private final QuantMix mix;
    private final boolean tied;
    private final long seed;
    /** Jinja text for tokenizer.chat_template, or null for none. */
    private final String chatTemplate;

    static final int MAX_LAYERS = 1024;
    static final int MAX_VOCAB = 1 << 22;

    public Synth(ModelShape shape, GgmlType type, boolean tied, long seed) {
        this(Flavor.LLAMA, shape, type, tied, seed);
    }

    public Synth(Flavor flavor, ModelShape shape, GgmlType type, boolean tied, long seed) {
        this(flavor, shape, type, null, tied, seed);
    }

    /**
     * Matrices typed by a llama-quantize mix: the values are those of the F32 model of the same seed,
     * so the file is that model as llama-quantize would quantize it.
     */
    public Synth(Flavor flavor, ModelShape shape, QuantMix mix, boolean tied, long seed) {
        this(flavor, shape, mix.base, mix, tied, seed);
    }

    /** The model with matrices of type {@code typeName}: one of {@link #TYPE_NAMES}, case-insensitive. */
    public static Synth named(Flavor flavor, ModelShape shape, String typeName, boolean tied, long seed) {
        QuantMix mix = QuantMix.named(typeName);
        if (mix != null) return new Synth(flavor, shape, mix, tied, seed);
        for (GgmlType t : UNIFORM) {
            if (t.ggmlName().equalsIgnoreCase(typeName)) return new Synth(flavor, shape, t, tied, seed);
        }
        throw new IllegalArgumentException("unknown tensor type '" + typeName + "' (" + String.join(", ", TYPE_NAMES) + ")");
    }

    private Synth(Flavor flavor, ModelShape shape, GgmlType type, QuantMix mix, boolean tied, long seed) {
        this(flavor, shape, type, mix, tied, seed, null);
    }

    private Synth(Flavor flavor, ModelShape shape, GgmlType type, QuantMix mix, boolean tied, long seed, String chatTemplate) {
        if (!UNIFORM.contains(type)) {
            throw new IllegalArgumentException("synth writes " + String.join(", ", TYPE_NAMES) + "; not " + type.ggmlName());
        }
        if (shape.nEmbd() % shape.nHead() != 0 || shape.nHead() % shape.nHeadKv() != 0) {
            throw new IllegalArgumentException("inconsistent heads in shape " + shape);
        }
        if (shape.nVocab() < 300) throw new IllegalArgumentException("vocabulary must be >= 300 tokens (259 are special and bytes)");
        // Far past any real model (LLaMA-65B: 80 layers, Llama 3: 128k tokens); beyond, the tensor list alone fills the heap.
        if (shape.nLayer() < 1 || shape.nLayer() > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be 1 to " + MAX_LAYERS + ": " + shape.nLayer());
        }
        if (shape.nVocab() > MAX_VOCAB) throw new IllegalArgumentException("vocabulary must be <= " + MAX_VOCAB + ": " + shape.nVocab());
        if (flavor.bpe() && shape.nVocab() < BpeVocabulary.MIN_VOCAB) {
            throw new IllegalArgumentException("a BPE vocabulary must be >= " + BpeVocabulary.MIN_VOCAB + " tokens");
        }
        if (flavor == Flavor.GEMMA2 && !tied) throw new IllegalArgumentException("gemma2 always ties its output (use --tied)");
        this.flavor = flavor;
        this.shape = shape;
        this.type = type;
        this.mix = mix;
        this.tied = tied;
        this.seed = seed;
        this.chatTemplate = chatTemplate;
        // A mix falls back per tensor as llama-quantize does; one type for every matrix must fit every row.
        int block = type.blockSize();
        if (mix == null && block > 1 && tensors().stream().anyMatch(t -> t.ne().length > 1 && t.ne()[0] % block != 0)) {
            throw new IllegalArgumentException(type.ggmlName() + " needs widths that are multiples of " + block
                    + "; shape " + shape.name() + " has n_embd " + shape.nEmbd() + ", n_ff " + shape.nFf()
                    + (block == 256 ? " (q4_K_M and q5_K_M fall back per tensor, as llama-quantize does)" : ""));
        }
    }

    /** The same model with {@code tokenizer.chat_template} set to {@code jinja} (null: none). */
    public Synth withChatTemplate(String jinja) {
        return new Synth(flavor, shape, type, mix, tied, seed, jinja);
    }

    public ModelShape shape() {
        return shape;
    }

    /** The --type name: a ggml type ({@code q4_K}) or a mix ({@code q4_K_M}). */
    public String typeName() {
        return mix != null ? mix.cliName : type.ggmlName();
    }

    public Flavor flavor() {
        return flavor;
    }

    /** The hyperparameters that {@link ModelConfig#from} reads back from this model's metadata. */
    public ModelConfig config() {
        return ModelConfig.from(describe(), metadata(), shape.nVocab());
    }

    /** A short name, e.g. {@code synth:llama-30b:60l:f16}, {@code synth:qwen3:tiny:2l:f32}. */
    public String describe() {
        return "synth:" + (flavor == Flavor.LLAMA ? "" : flavor.cliName + ":") + shape.name() + ":" + shape.nLayer() + "l:"
                + typeName() + (tied ? ":tied" : "");
    }

    /** Parameters (elements of every tensor). */
    public long parameters() {
        long n = 0;
        for (Weights.TensorSpec t : tensors()) {
            long e = 1;
            for (long d : t.ne()) e *= d;
            n += e;
        }
        return n;
    }

    /**
     * Tensors in llama.cpp's order (the family's layout); vectors are F32, matrices of the chosen type
     * or, for a mix, those of the F32 model retyped by the mix's rules.
     */
    public List<Weights.TensorSpec> tensors() {
        TensorLayout layout = dev.smezo.arch.Architecture.of(flavor.arch).layout(config(), this::wants);
        GgmlType matrices = mix != null ? GgmlType.F32 : type;
        List<Weights.TensorSpec> t = new ArrayList<>();
        for (TensorLayout.Spec s : layout.specs()) {
            if (s.required() || wants(s.name())) t.add(new Weights.TensorSpec(s.name(), s.vector() ? GgmlType.F32 : matrices, s.ne()));
        }
        return mix != null ? mix.apply(t, config()) : t;
    }

    /** Which optional tensors this flavour's files carry. */
    private boolean wants(String name) {
        if (name.equals(TensorNames.OUTPUT)) return !tied;
        return switch (flavor) {
            case LLAMA3 -> name.equals(TensorNames.ROPE_FREQS);
            case QWEN2 -> name.matches("blk\\.\\d+\\.attn_[qkv]\\.bias");
            case PHI3 -> name.equals(TensorNames.ROPE_FACTORS_LONG) || name.equals(TensorNames.ROPE_FACTORS_SHORT)
                    || name.endsWith(".attn_qkv.weight");
            default -> false;
        };
    }

    /** GGUF metadata: hyperparameters and a synthetic vocabulary that libllama accepts. */
    public Map<String, GgufValue> metadata() {
        String a = flavor.arch.ggmlName(), p = a + ".";
        int headDim = flavor == Flavor.QWEN3 || flavor == Flavor.NEMO ? 2 * shape.headDim() : shape.headDim();
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.ofString(a));
        m.put("general.name", GgufValue.ofString("smezo-synth-" + (flavor == Flavor.LLAMA ? "" : flavor.cliName + "-")
                + shape.name() + "-" + shape.nLayer() + "l"));
        int nCtx = flavor == Flavor.PHI3 ? 4 * PHI3_ORIGINAL_CONTEXT : shape.nCtx();
        m.put(p + "context_length", GgufValue.ofU32(nCtx));
        m.put(p + "embedding_length", GgufValue.ofU32(shape.nEmbd()));
        m.put(p + "block_count", GgufValue.ofU32(shape.nLayer()));
        m.put(p + "feed_forward_length", GgufValue.ofU32(shape.nFf()));
        m.put(p + "attention.head_count", GgufValue.ofU32(shape.nHead()));
        m.put(p + "attention.head_count_kv", GgufValue.ofU32(shape.nHeadKv()));
        m.put(p + "attention.layer_norm_rms_epsilon", GgufValue.ofF32(shape.rmsEps()));
        m.put(p + "rope.freq_base", GgufValue.ofF32(flavor == Flavor.LLAMA3 ? 500000f : flavor == Flavor.GEMMA3 ? 1e6f
                : shape.ropeBase()));
        m.put(p + "rope.dimension_count", GgufValue.ofU32(headDim));
        if (headDim != shape.headDim() || flavor.arch == Arch.GEMMA2 || flavor.arch == Arch.GEMMA3) {
            m.put(p + "attention.key_length", GgufValue.ofU32(headDim));
            m.put(p + "attention.value_length", GgufValue.ofU32(headDim));
        }
        switch (flavor) {
            case GEMMA2 -> {
                m.put(p + "attention.sliding_window", GgufValue.ofU32(GEMMA_WINDOW));
                m.put(p + "rope.freq_base_swa", GgufValue.ofF32(5000f));
                m.put(p + "attn_logit_softcapping", GgufValue.ofF32(5f));
                m.put(p + "final_logit_softcapping", GgufValue.ofF32(4f));
            }
            case GEMMA3 -> {
                m.put(p + "attention.sliding_window", GgufValue.ofU32(GEMMA_WINDOW));
                m.put(p + "attention.sliding_window_pattern", GgufValue.ofU32(2));   // so 2 layers hold a global one
                m.put(p + "rope.freq_base_swa", GgufValue.ofF32(10000f));
                m.put(p + "rope.scaling.type", GgufValue.ofString("linear"));
                m.put(p + "rope.scaling.factor", GgufValue.ofF32(8f));
                m.put(p + "final_logit_softcapping", GgufValue.ofF32(4f));
            }
            case PHI3 -> {
                m.put(p + "rope.scaling.original_context_length", GgufValue.ofU32(PHI3_ORIGINAL_CONTEXT));
                m.put(p + "rope.scaling.attn_factor", GgufValue.ofF32(
                        (float) Math.sqrt(1 + Math.log((double) nCtx / PHI3_ORIGINAL_CONTEXT) / Math.log(PHI3_ORIGINAL_CONTEXT))));
            }
            default -> { }
        }
        m.put(p + "vocab_size", GgufValue.ofU32(shape.nVocab()));
        m.put("smezo.synth.seed", GgufValue.ofU64(seed));
        if (flavor.bpe()) {
            String pre = switch (flavor) {
                case LLAMA3 -> "llama-bpe";
                case SMOLLM2 -> "smollm";
                default -> "qwen2";
            };
            m.putAll(BpeVocabulary.metadata(shape.nVocab(), pre, flavor == Flavor.LLAMA3));
            if (chatTemplate != null) m.put("tokenizer.chat_template", GgufValue.ofString(chatTemplate));
            return m;
        }
        List<String> tokens = new ArrayList<>(vocabulary(shape.nVocab()));
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            scores[i] = -i;
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;  // UNKNOWN, CONTROL, BYTE, NORMAL
        }
        if (flavor == Flavor.PHI3) {
            // libllama sets attributes on Phi-3's <|endoftext|> by name (for a general.name with "phi3")
            tokens.set(tokens.size() - 1, "<|endoftext|>");
            types[tokens.size() - 1] = 3;
        }
        m.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(tokens));
        m.put("tokenizer.ggml.scores", GgufValue.ofF32Array(scores));
        m.put("tokenizer.ggml.token_type", GgufValue.ofI32Array(types));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofU32(1));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(2));
        m.put("tokenizer.ggml.unknown_token_id", GgufValue.ofU32(0));
        m.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        if (chatTemplate != null) m.put("tokenizer.chat_template", GgufValue.ofString(chatTemplate));
        return m;
    }

    /** <unk>, <s>, </s>, the 256 byte tokens, then single characters and letter strings. */
    static List<String> vocabulary(int n) {
        LinkedHashSet<String> v = new LinkedHashSet<>();
        v.add("<unk>");
        v.add("<s>");
        v.add("</s>");
        for (int b = 0; b < 256; b++) v.add(String.format("<0x%02X>", b));
        v.add("\u2581");
        for (char c = 'a'; c <= 'z' && v.size() < n; c++) v.add("\u2581" + c);
        for (char c = 33; c < 127 && v.size() < n; c++) v.add(String.valueOf(c));
        for (int len = 2; v.size() < n; len++) {
            int[] idx = new int[len];
            while (v.size() < n) {
                StringBuilder sb = new StringBuilder("\u2581");
                for (int k : idx) sb.append((char) ('a' + k));
                v.add(sb.toString());
                if (v.size() < n) v.add(sb.substring(1));
                int k = len - 1;
                while (k >= 0 && ++idx[k] == 26) idx[k--] = 0;
                if (k < 0) break;
            }
        }
        return new ArrayList<>(v).subList(0, n);
    }

    /** Writes the seeded values of {@code spec} into {@code dst} (its exact byte size). */
    public void fill(Weights.TensorSpec spec, MemorySegment dst) {
        long n = 1;
        for (long d : spec.ne()) n *= d;
        boolean vector = spec.ne().length == 1, bias = spec.name().endsWith(".bias");
        boolean constant = TensorNames.isConstant(spec.name());
        double std = constant ? 0 : bias ? 0.5 : vector ? 0.1
                : spec.name().equals(TensorNames.TOKEN_EMBD) && !tied ? 1.0 : 1.0 / Math.sqrt(spec.ne()[0]);
        double mean = vector && !bias ? 1.0 : 0.0;
        long tensorSeed = mix(seed ^ spec.name().hashCode() * 0x9E3779B97F4A7C15L);
        long chunks = (n + CHUNK - 1) / CHUNK;
        // CHUNK is a multiple of every block size, so chunks start on quantization blocks.
        final long total = n;
        IntStream.range(0, (int) chunks).parallel().forEach(c -> {
            long start = (long) c * CHUNK;
            int len = (int) Math.min(CHUNK, total - start);
            float[] vals = SCRATCH.get();
            SplittableRandom r = new SplittableRandom(mix(tensorSeed + c));
            for (int i = 0; i < len; i++) vals[i] = (float) (constant ? 1 + 3 * r.nextDouble() : mean + std * fastNormal(r));
            Encode.write(spec.type(), vals, len, dst, start);
        });
    }

    /** Approximately normal (Irwin-Hall of four uniforms, variance-matched): fast and plenty for weights. */
    private static double fastNormal(SplittableRandom r) {
        long bits = r.nextLong();
        double s = (bits & 0xFFFF) + ((bits >>> 16) & 0xFFFF) + ((bits >>> 32) & 0xFFFF) + (bits >>> 48);
        return (s / 65536.0 - 2.0) * 1.7320508075688772;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes the model as a GGUF (atomically); {@code progress} hears the bytes written so far
     * after each tensor (may be null).
     */
    public void write(java.nio.file.Path out, java.util.function.LongConsumer progress) throws java.io.IOException {
        dev.smezo.gguf.GgufWriter w = new dev.smezo.gguf.GgufWriter();
        w.putAll(metadata());
        Map<String, Weights.TensorSpec> specs = new java.util.HashMap<>();
        for (Weights.TensorSpec t : tensors()) {
            w.addTensor(t.name(), t.type(), t.ne());
            specs.put(t.name(), t);
        }
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        w.write(out, (info, dst) -> {
            fill(specs.get(info.name()), dst);
            long d = done.addAndGet(dst.byteSize());
            if (progress != null) progress.accept(d);
        });
    }

    /** Bytes of tensor data in a model of this shape and type. */
    public long tensorBytes() {
        long n = 0;
        for (Weights.TensorSpec t : tensors()) n += t.type().bytes(t.ne());
        return n;
    }

    /** Fills every tensor of in-memory weights (for shapes too large for the disk). */
    public void fill(Weights w) {
        fill(w, null);
    }

    /** The same, telling {@code progress} the bytes filled so far after each tensor (may be null). */
    public void fill(Weights w, java.util.function.LongConsumer progress) {
        long done = 0;
        for (Weights.TensorSpec s : tensors()) {
            MemorySegment dst = w.data(w.get(s.name()));
            fill(s, dst);
            done += dst.byteSize();
            if (progress != null) progress.accept(done);
        }
    }
}
