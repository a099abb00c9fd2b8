// Text generation through libllama: its KV cache, its decoder and its samplers, as llama-cli uses
// them. Every call that takes a struct by value (context params, sampler chain params, llama_batch)
// stays in here; Java sees an opaque smezo_gen and passes pointers and scalars.
//
// The sampler chain mirrors common/sampling.cpp's common_sampler_init with llama-cli's defaults
// (common/common.h, common_params_sampling), minus the stages those defaults switch off:
//   logit bias  the model's suppress tokens at -inf (tokenizer.ggml.suppress_tokens), as common does
//   top-k 40    (common default; not exposed: top-p and min-p already bound the tail)
//   top-p       --top-p, default 0.95, min_keep 0 (common default)
//   min-p 0.05  (common default; not exposed, for the same reason)
//   temperature --temperature, default 0.8 (temp_ext with dynatemp range 0: plain temperature)
//   dist(seed)  the final draw, seeded (llama-cli's default seed is random; ours is explicit)
// Off by default in llama-cli and so left out: penalties (repeat 1.0, freq 0, present 0), DRY
// (multiplier 0), top-n-sigma (-1), typical (1.0), XTC (probability 0), mirostat (0).
// temperature <= 0 is greedy: llama-cli's chain then keeps only the argmax (temp_impl sets every
// other logit to -inf before dist); llama_sampler_init_greedy gives that token directly.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "llama.h"

enum {
    SMEZO_GEN_TOKEN = 0,       // *token is the next generated token
    SMEZO_GEN_EOG = 1,         // *token is an end-of-generation token (not part of the text)
    SMEZO_GEN_CONTEXT = 2,     // the sequence fills the context: nothing more can follow
    SMEZO_GEN_TOO_LONG = -1,   // the prompt does not leave room for one generated token
    SMEZO_GEN_NO_SAMPLER = -2, // smezo_gen_next before a successful smezo_gen_start
    SMEZO_GEN_BAD_TOKEN = -3,  // a prompt token outside the vocabulary (libllama would abort)
    // a llama_decode failure is its status moved away from these: 100 + status when positive
    // (101: no KV cache slot), -100 + status when negative
};

struct smezo_gen {
    struct llama_model * model;   // not owned
    const struct llama_vocab * vocab;
    struct llama_context * ctx;
    struct llama_sampler * smpl;
    int32_t n_ctx;                // the asked length (libllama pads its own up to a multiple of 256)
    int32_t n_past;               // tokens in the KV cache
    int32_t pending;              // the last sampled token, decoded at the next step (-1: none)
};

// A generation context over a loaded model (smezo_llama_load, which keeps extra buffer types off).
// libllama's defaults otherwise (F16 KV cache, flash attention auto, n_batch 2048, n_ubatch 512), as
// llama-cli; exact != 0 gives the reference forward's settings instead (F32 KV, no flash attention)
// so that greedy output is comparable with smezo_llama_context's logits. n_ctx <= 0: the model's
// training context, at most 4096 (llama-cli takes the whole training context, but a 128K-token F16
// KV cache is tens of GiB; a longer one is asked for explicitly). NULL when libllama refuses.
struct smezo_gen * smezo_gen_new(struct llama_model * model, int32_t n_ctx, int32_t n_threads, int32_t exact) {
    if (n_ctx <= 0) {
        n_ctx = llama_model_n_ctx_train(model);
        if (n_ctx <= 0 || n_ctx > 4096) n_ctx = 4096;
    }
    struct llama_context_params p = llama_context_default_params();
    p.n_ctx = (uint32_t) n_ctx;
    p.n_seq_max = 1;
    p.n_threads = n_threads;
    p.n_threads_batch = n_threads;
    p.no_perf = true;
    if (exact) {
        p.type_k = GGML_TYPE_F32;
        p.type_v = GGML_TYPE_F32;
        p.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    }
    struct llama_context * ctx = llama_init_from_model(model, p);
    if (!ctx) return NULL;
    struct smezo_gen * g = calloc(1, sizeof *g);
    if (!g) { llama_free(ctx); return NULL; }
    g->model = model;
    g->vocab = llama_model_get_vocab(model);
    g->ctx = ctx;
    g->n_ctx = n_ctx;
    g->pending = -1;
    return g;
}

static struct llama_sampler * smezo_gen_chain(const struct llama_vocab * vocab, float temp, float top_p,
                                              int32_t top_k, float min_p, uint32_t seed) {
    struct llama_sampler_chain_params cp = llama_sampler_chain_default_params();
    cp.no_perf = true;
    struct llama_sampler * chain = llama_sampler_chain_init(cp);
    int32_t n_suppress = 0;
    const llama_token * suppress = llama_vocab_get_suppress_tokens(vocab, &n_suppress);
    if (n_suppress > 0) {
        llama_logit_bias * bias = malloc(sizeof *bias * (size_t) n_suppress);
        for (int32_t i = 0; i < n_suppress; i++) bias[i] = (llama_logit_bias) {suppress[i], -INFINITY};
        llama_sampler_chain_add(chain, llama_sampler_init_logit_bias(llama_vocab_n_tokens(vocab), n_suppress, bias));
        free(bias);   // the sampler keeps its own copy
    }
    if (temp <= 0.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());
        return chain;
    }
    llama_sampler_chain_add(chain, llama_sampler_init_top_k(top_k));
    llama_sampler_chain_add(chain, llama_sampler_init_top_p(top_p, 0));
    llama_sampler_chain_add(chain, llama_sampler_init_min_p(min_p, 0));
    llama_sampler_chain_add(chain, llama_sampler_init_temp_ext(temp, 0.0f, 1.0f));
    llama_sampler_chain_add(chain, llama_sampler_init_dist(seed));
    return chain;
}

// Decodes tokens[0..n) at positions n_past.., in chunks of n_batch, with logits for the last only.
static int32_t smezo_gen_decode(struct smezo_gen * g, const int32_t * tokens, int32_t n) {
    int32_t n_batch = (int32_t) llama_n_batch(g->ctx);
    struct llama_batch b = llama_batch_init(n_batch, 0, 1);
    int32_t rc = 0;
    for (int32_t start = 0; start < n && rc == 0; start += n_batch) {
        int32_t m = n - start < n_batch ? n - start : n_batch;
        for (int32_t i = 0; i < m; i++) {
            b.token[i] = tokens[start + i];
            b.pos[i] = g->n_past + i;
            b.n_seq_id[i] = 1;
            b.seq_id[i][0] = 0;
            b.logits[i] = start + i == n - 1;
        }
        b.n_tokens = m;
        rc = llama_decode(g->ctx, b);
        if (rc == 0) g->n_past += m;
    }
    llama_batch_free(b);
    return rc == 0 ? 0 : (rc > 0 ? 100 + rc : -100 + rc);
}

// Starts a generation: forgets the previous one, builds the sampler chain (see the top of this
// file), decodes the prompt (n >= 1 tokens, shorter than n_ctx). Returns 0, or a SMEZO_GEN_* error.
int32_t smezo_gen_start(struct smezo_gen * g, const int32_t * prompt, int32_t n, float temp, float top_p,
                        int32_t top_k, float min_p, uint32_t seed) {
    if (g->smpl) { llama_sampler_free(g->smpl); g->smpl = NULL; }
    llama_memory_clear(llama_get_memory(g->ctx), true);
    g->n_past = 0;
    g->pending = -1;
    if (n < 1 || n >= g->n_ctx) return SMEZO_GEN_TOO_LONG;
    int32_t n_vocab = llama_vocab_n_tokens(g->vocab);
    for (int32_t i = 0; i < n; i++) if (prompt[i] < 0 || prompt[i] >= n_vocab) return SMEZO_GEN_BAD_TOKEN;
    int32_t rc = smezo_gen_decode(g, prompt, n);
    if (rc != 0) return rc;
    g->smpl = smezo_gen_chain(g->vocab, temp, top_p, top_k, min_p, seed);
    return 0;
}

// One step: decodes the token the previous step gave (so a generation stopped by the caller never
// pays for a decode it does not use), then samples and accepts the next one. Stops (SMEZO_GEN_CONTEXT)
// once the sequence, prompt and generated tokens, is n_ctx long.
int32_t smezo_gen_next(struct smezo_gen * g, int32_t * token) {
    if (!g->smpl) return SMEZO_GEN_NO_SAMPLER;
    if (g->pending >= 0) {
        if (g->n_past + 1 >= g->n_ctx) return SMEZO_GEN_CONTEXT;
        int32_t rc = smezo_gen_decode(g, &g->pending, 1);
        g->pending = -1;
        if (rc != 0) return rc;
    }
    llama_token t = llama_sampler_sample(g->smpl, g->ctx, -1);   // also accepts t into the chain
    *token = t;
    if (llama_vocab_is_eog(g->vocab, t)) return SMEZO_GEN_EOG;
    g->pending = t;
    return SMEZO_GEN_TOKEN;
}

// The context length generations are bounded by (n_ctx as asked, or the default it resolved to).
int32_t smezo_gen_n_ctx(const struct smezo_gen * g) {
    return g->n_ctx;
}

void smezo_gen_free(struct smezo_gen * g) {
    if (!g) return;
    if (g->smpl) llama_sampler_free(g->smpl);
    llama_free(g->ctx);
    free(g);
}
