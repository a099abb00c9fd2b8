package dev.smezo.generate;

/**
 * How {@link Generator} picks tokens: llama.cpp's sampler chain with llama-cli's defaults for what is
 * not here (top-k 40, min-p 0.05; native/src/smezo_sample.c lists the chain and why).
 *
 * @param maxTokens   generated tokens at most (an end-of-generation token or the context's end stops sooner)
 * @param temperature 0 samples greedily (the most likely token every step); higher flattens the distribution
 * @param topP        nucleus: keep the most likely tokens whose probabilities add up to topP (1 = off)
 * @param seed        the draw's seed (llama.cpp's dist sampler, a 32-bit mt19937): same seed, same tokens
 */
public record Sampling(int maxTokens, double temperature, double topP, long seed) {
    public static final int DEFAULT_MAX_TOKENS = 128;
    public static final double DEFAULT_TEMPERATURE = 0.8, DEFAULT_TOP_P = 0.95;   // llama-cli's
    /** llama.cpp's LLAMA_DEFAULT_SEED (0xFFFFFFFF) asks for a random seed; smezo's seeds are always explicit. */
    public static final long MAX_SEED = 0xFFFFFFFEL;

    public Sampling {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1: " + maxTokens);
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be finite and >= 0 (0: greedy): " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1] (1: off): " + topP);
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("--seed must be 0 to " + MAX_SEED
                    + " (llama.cpp takes 4294967295 for a random seed): " + seed);
        }
    }

    /** The most likely token at every step. */
    public static Sampling greedy(int maxTokens) {
        return new Sampling(maxTokens, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
