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

/**
 * Random-weight llama models of a given {@link ModelShape}: the metadata and tensor list of a GGUF
 * that llama.cpp loads (with a synthetic SentencePiece-style vocabulary), and seeded weight values.
 *
 * <p>Values: matrices ~ N(0, 1/fan_in) so activations stay O(1) through the layers (random logits
 * are then informative enough to compare forwards), the token embedding ~ N(0, 1), norms 1 + 0.1 N(0,1).
 * Each tensor's values depend only on (seed, tensor name, element index), in 1 Mi-element chunks
 * generated in parallel.
 */
public final class Synth {
    private static final int CHUNK = 1 << 20;
    /** One chunk's values per worker thread, reused: a 61 GiB model would otherwise leave 4 MiB of garbage a chunk. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private final ModelShape shape;
    private final GgmlType type;
    private final boolean tied;
    private final long seed;

    static final int MAX_LAYERS = 1024;
    static final int MAX_VOCAB = 1 << 22;

    public Synth(ModelShape shape, GgmlType type, boolean tied, long seed) {
        if (!(type.isFloat() || type == GgmlType.Q8_0 || type == GgmlType.Q4_0)) {
            throw new IllegalArgumentException("synth writes f32, f16, bf16, q8_0 or q4_0, not " + type);
        }
        if (shape.nEmbd() % shape.nHead() != 0 || shape.nHead() % shape.nHeadKv() != 0) {
            throw new IllegalArgumentException("inconsistent heads in shape " + shape);
        }
        int block = type.blockSize();
        if (shape.nEmbd() % block != 0 || shape.nFf() % block != 0) {
            throw new IllegalArgumentException(type.ggmlName() + " needs widths that are multiples of " + block
                    + "; shape " + shape.name() + " has n_embd " + shape.nEmbd() + ", n_ff " + shape.nFf());
        }
        if (shape.nVocab() < 300) throw new IllegalArgumentException("vocabulary must be >= 300 tokens (259 are special and bytes)");
        // Far past any real model (LLaMA-65B: 80 layers, Llama 3: 128k tokens); beyond, the tensor list alone fills the heap.
        if (shape.nLayer() < 1 || shape.nLayer() > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be 1 to " + MAX_LAYERS + ": " + shape.nLayer());
        }
        if (shape.nVocab() > MAX_VOCAB) throw new IllegalArgumentException("vocabulary must be <= " + MAX_VOCAB + ": " + shape.nVocab());
        this.shape = shape;
        this.type = type;
        this.tied = tied;
        this.seed = seed;
    }

    public ModelShape shape() {
        return shape;
    }

    public GgmlType type() {
        return type;
    }

    /** The hyperparameters that {@link LlamaConfig#from} reads back from this model's metadata. */
    public LlamaConfig config() {
        return new LlamaConfig(shape.nVocab(), shape.nEmbd(), shape.nLayer(), shape.nHead(), shape.nHeadKv(), shape.nFf(),
                shape.headDim(), shape.nCtx(), shape.rmsEps(), shape.ropeBase(), 1f);
    }

    /** A short name, e.g. {@code synth:llama-30b:60l:f16}. */
    public String describe() {
        return "synth:" + shape.name() + ":" + shape.nLayer() + "l:" + type.ggmlName() + (tied ? ":tied" : "");
    }

    /** Tensors in llama.cpp's order; vectors are F32, matrices of the chosen type. */
    public List<Weights.TensorSpec> tensors() {
        long e = shape.nEmbd(), v = shape.nVocab(), ff = shape.nFf(), q = e;
        long kv = (long) shape.nHeadKv() * shape.headDim();
        List<Weights.TensorSpec> t = new ArrayList<>();
        t.add(new Weights.TensorSpec(LlamaTensors.TOKEN_EMBD, type, e, v));
        t.add(new Weights.TensorSpec(LlamaTensors.OUTPUT_NORM, GgmlType.F32, e));
        if (!tied) t.add(new Weights.TensorSpec(LlamaTensors.OUTPUT, type, e, v));
        for (int i = 0; i < shape.nLayer(); i++) {
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "attn_norm"), GgmlType.F32, e));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "attn_q"), type, e, q));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "attn_k"), type, e, kv));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "attn_v"), type, e, kv));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "attn_output"), type, q, e));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "ffn_norm"), GgmlType.F32, e));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "ffn_gate"), type, e, ff));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "ffn_down"), type, ff, e));
            t.add(new Weights.TensorSpec(LlamaTensors.blk(i, "ffn_up"), type, e, ff));
        }
        return t;
    }

    /** GGUF metadata: hyperparameters and a synthetic vocabulary that libllama accepts. */
    public Map<String, GgufValue> metadata() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.ofString("llama"));
        m.put("general.name", GgufValue.ofString("smezo-synth-" + shape.name() + "-" + shape.nLayer() + "l"));
        m.put("llama.context_length", GgufValue.ofU32(shape.nCtx()));
        m.put("llama.embedding_length", GgufValue.ofU32(shape.nEmbd()));
        m.put("llama.block_count", GgufValue.ofU32(shape.nLayer()));
        m.put("llama.feed_forward_length", GgufValue.ofU32(shape.nFf()));
        m.put("llama.attention.head_count", GgufValue.ofU32(shape.nHead()));
        m.put("llama.attention.head_count_kv", GgufValue.ofU32(shape.nHeadKv()));
        m.put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofF32(shape.rmsEps()));
        m.put("llama.rope.freq_base", GgufValue.ofF32(shape.ropeBase()));
        m.put("llama.rope.dimension_count", GgufValue.ofU32(shape.headDim()));
        m.put("llama.vocab_size", GgufValue.ofU32(shape.nVocab()));
        m.put("smezo.synth.seed", GgufValue.ofU64(seed));
        List<String> tokens = vocabulary(shape.nVocab());
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            scores[i] = -i;
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;  // UNKNOWN, CONTROL, BYTE, NORMAL
        }
        m.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(tokens));
        m.put("tokenizer.ggml.scores", GgufValue.ofF32Array(scores));
        m.put("tokenizer.ggml.token_type", GgufValue.ofI32Array(types));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofU32(1));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(2));
        m.put("tokenizer.ggml.unknown_token_id", GgufValue.ofU32(0));
        m.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
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
        double std = spec.ne().length == 1 ? 0.1
                : spec.name().equals(LlamaTensors.TOKEN_EMBD) && !tied ? 1.0 : 1.0 / Math.sqrt(spec.ne()[0]);
        double mean = spec.ne().length == 1 ? 1.0 : 0.0;
        long tensorSeed = mix(seed ^ spec.name().hashCode() * 0x9E3779B97F4A7C15L);
        long chunks = (n + CHUNK - 1) / CHUNK;
        // CHUNK is a multiple of every block size, so chunks start on quantization blocks.
        final long total = n;
        IntStream.range(0, (int) chunks).parallel().forEach(c -> {
            long start = (long) c * CHUNK;
            int len = (int) Math.min(CHUNK, total - start);
            float[] vals = SCRATCH.get();
            SplittableRandom r = new SplittableRandom(mix(tensorSeed + c));
            for (int i = 0; i < len; i++) vals[i] = (float) (mean + std * fastNormal(r));
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
