// Thin C wrappers over the parts of llama.h that pass structs by value (model and context params,
// llama_batch). Keeping them in C means Java never has to mirror those large, version-specific
// struct layouts; everything that crosses FFM here is pointers and scalars.
//
// libllama is used for three things only: the tokenizer (vocab-only load), its quantizer (the code
// llama-quantize runs), and, in tests and benchmarks, the reference forward pass (llama_decode) that
// smezo's own graph must match.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml.h"
#include "llama.h"

static int smezo_log_min_level = GGML_LOG_LEVEL_ERROR;
// The last error line logged: libllama reports why a call failed only there (llama_model_quantize
// catches its exceptions, logs what() and returns 1), and Java puts it into its exception.
static char smezo_last_error[1024];   // Java reads at most these 1024 bytes

static void smezo_log_filter(enum ggml_log_level level, const char * text, void * user_data) {
    (void) user_data;
    if (level == GGML_LOG_LEVEL_ERROR) snprintf(smezo_last_error, sizeof smezo_last_error, "%s", text);
    // CONT lines continue the previous message; keep them only when that level is shown.
    static int last_shown = 0;
    if (level == GGML_LOG_LEVEL_CONT) {
        if (last_shown) fputs(text, stderr);
        return;
    }
    last_shown = (int) level >= smezo_log_min_level;
    if (last_shown) fputs(text, stderr);
}

// Routes ggml's and libllama's logging through a level filter (default: errors only).
void smezo_log_level(int32_t min_level) {
    smezo_log_min_level = min_level;
    ggml_log_set(smezo_log_filter, NULL);
    llama_log_set(smezo_log_filter, NULL);
}

// Loads a model with libllama. vocab_only: tokenizer only (no tensor data is read).
struct llama_model * smezo_llama_load(const char * path, int32_t vocab_only, int32_t n_gpu_layers) {
    static int backend_ready = 0;
    if (!backend_ready) { llama_backend_init(); backend_ready = 1; }
    struct llama_model_params p = llama_model_default_params();
    p.vocab_only = vocab_only != 0;
    p.n_gpu_layers = n_gpu_layers;
    p.use_extra_bufts = false; // no weight repacking: the reference runs the same kernels as smezo
    return llama_model_load_from_file(path, p);
}

// A reference inference context: F32 KV cache (no F16 rounding of K and V), flash attention off,
// one sequence per slot, so its logits are comparable with smezo's graph to float precision.
struct llama_context * smezo_llama_context(struct llama_model * model, int32_t n_ctx, int32_t n_batch,
                                           int32_t n_seq_max, int32_t n_threads) {
    struct llama_context_params p = llama_context_default_params();
    p.n_ctx = (uint32_t) n_ctx;
    p.n_batch = (uint32_t) n_batch;
    p.n_ubatch = (uint32_t) n_batch;
    p.n_seq_max = (uint32_t) n_seq_max;
    p.n_threads = n_threads;
    p.n_threads_batch = n_threads;
    p.type_k = GGML_TYPE_F32;
    p.type_v = GGML_TYPE_F32;
    p.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    p.no_perf = true;
    p.kv_unified = true;
    return llama_init_from_model(model, p);
}

// Decodes n tokens (each with its sequence id and position); logits[i] != 0 asks for the logits
// of token i. Returns llama_decode's status.
int32_t smezo_llama_decode(struct llama_context * ctx, const int32_t * tokens, const int32_t * seq_ids,
                           const int32_t * positions, const int8_t * logits, int32_t n) {
    struct llama_batch b = llama_batch_init(n, 0, 1);
    for (int32_t i = 0; i < n; i++) {
        b.token[i] = tokens[i];
        b.pos[i] = positions[i];
        b.n_seq_id[i] = 1;
        b.seq_id[i][0] = seq_ids[i];
        b.logits[i] = logits[i];
    }
    b.n_tokens = n;
    int32_t rc = llama_decode(ctx, b);
    llama_batch_free(b);
    return rc;
}

// Forgets every sequence, so the next decode starts from an empty cache.
void smezo_llama_clear(struct llama_context * ctx) {
    llama_memory_clear(llama_get_memory(ctx), true);
}

// The last error line ggml or libllama logged since smezo_log_level ("" when none).
const char * smezo_llama_last_error(void) {
    return smezo_last_error;
}

// Quantizes GGUF `in` into `out` with libllama's own quantizer, as llama-quantize does with default
// options: ftype is a llama_ftype; pure != 0 gives every matrix the ftype's default type instead of
// llama-quant.cpp's per-tensor mix; n_threads <= 0 uses every core. Returns 0 on success, else the
// reason is in smezo_llama_last_error(). The quantizer reads tensors through its own mmap-backed
// loader and never allocates backend buffers, so the extra buffer types (AMX repacking, which dies
// with SIGILL on this machine) that smezo_llama_load turns off are not involved.
int32_t smezo_llama_quantize(const char * in, const char * out, int32_t ftype, int32_t pure, int32_t n_threads) {
    smezo_last_error[0] = '\0';
    struct llama_model_quantize_params p = llama_model_quantize_default_params();
    p.ftype = (enum llama_ftype) ftype;
    p.pure = pure != 0;
    p.nthread = n_threads;
    // to a float type this dequantizes a quantized file (the other way to fine-tune it: all weights);
    // requantizing to another quantized type loses precision and stays refused, as llama-quantize does
    p.allow_requantize = ftype == LLAMA_FTYPE_ALL_F32 || ftype == LLAMA_FTYPE_MOSTLY_F16 || ftype == LLAMA_FTYPE_MOSTLY_BF16;
    return (int32_t) llama_model_quantize(in, out, &p);
}
