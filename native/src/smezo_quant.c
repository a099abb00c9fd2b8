/*
 * The kernels of quantized tensors (spec in smezo.h, "QUANTIZED TENSORS"): the trained parameters
 * are the F16 scales inside the blocks, so a perturbation copies the blocks and rewrites their
 * scales, and an update rewrites the scales in place. Parameter p (scale p % n_s of block
 * p / n_s) draws the noise, keep and rounding words of element index p, one 64-parameter chunk at a
 * time as the float kernels do. Scales are 1/32 to 1/256 of the weights: plain scalar code.
 */
#include "smezo_impl.h"

int32_t smezo_q_layout(int32_t type, int32_t * elems, int32_t * bytes, int32_t * n_scales, int32_t offs[2]) {
    int32_t e, b, n, o0 = 0, o1 = 0;
    switch (type) {
    case 2:  e = 32;  b = 18;  n = 1; break;                     /* Q4_0 */
    case 3:  e = 32;  b = 20;  n = 2; o1 = 2; break;             /* Q4_1 */
    case 6:  e = 32;  b = 22;  n = 1; break;                     /* Q5_0 */
    case 7:  e = 32;  b = 24;  n = 2; o1 = 2; break;             /* Q5_1 */
    case 8:  e = 32;  b = 34;  n = 1; break;                     /* Q8_0 */
    case 10: e = 256; b = 84;  n = 2; o0 = 80; o1 = 82; break;   /* Q2_K */
    case 11: e = 256; b = 110; n = 1; o0 = 108; break;           /* Q3_K */
    case 12: e = 256; b = 144; n = 2; o1 = 2; break;             /* Q4_K */
    case 13: e = 256; b = 176; n = 2; o1 = 2; break;             /* Q5_K */
    case 14: e = 256; b = 210; n = 1; o0 = 208; break;           /* Q6_K */
    default: return 0;
    }
    if (elems) *elems = e;
    if (bytes) *bytes = b;
    if (n_scales) *n_scales = n;
    if (offs) { offs[0] = o0; offs[1] = o1; }
    return 1;
}

typedef struct { int32_t elems, bytes, ns, off[2]; } smz_qlayout;

static int smz_qlayout_of(int32_t type, smz_qlayout * L) {
    return smezo_q_layout(type, &L->elems, &L->bytes, &L->ns, L->off);
}

SMZ_INLINE uint16_t smz_get16(const char * p) { uint16_t h; memcpy(&h, p, 2); return h; }
SMZ_INLINE void smz_put16(char * p, uint16_t h) { memcpy(p, &h, 2); }

/* The scales of the nblocks blocks at `blocks` (block index block0 of the tensor), perturbed
 * (update = 0) or updated (update = 1) in place. */
static void smz_q_scales(char * blocks, const smz_qlayout * L, int64_t block0, int64_t nblocks,
                         const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b, int update) {
    const int64_t p0 = block0 * L->ns, n = nblocks * L->ns;
    const float k = c * cfg->scale_gain;
    const int relative = cfg->scale_mode == SMEZO_SCALE_RELATIVE, mode = cfg->mask_mode;
    float z[SMZ_CHUNK];
    uint32_t v[SMZ_CHUNK] = {0}, rnd[SMZ_CHUNK] = {0};
    for (int64_t done = 0; done < n;) {
        uint64_t i = (uint64_t)(p0 + done);
        int off = (int)(i & 3u);
        int64_t cnt = n - done < SMZ_CHUNK - off ? n - done : SMZ_CHUNK - off;
        smz_noise_chunk(seed, cfg->tensor_id, i >> 2, z);
        if (mode == SMEZO_MASK_RANDOM) smz_uniform24_chunk(cfg->mask_seed, cfg->tensor_id, SMEZO_STREAM_MASK, i >> 2, v);
        if (update) smz_uniform24_chunk(seed, cfg->tensor_id, SMEZO_STREAM_ROUND, i >> 2, rnd);
        int64_t blk = done / L->ns;   /* block and scale of the chunk's first parameter in this range */
        int sc = (int)(done % L->ns);
        for (int j = off; j < off + (int)cnt; j++) {
            char * sp = blocks + blk * L->bytes + L->off[sc];
            if (++sc == L->ns) { sc = 0; blk++; }
            float x0 = smz_f16_to_f32(smz_get16(sp));
            int m = smz_keep(mode, x0, v[j], cfg->threshold, cfg->keep_rate);
            float a = relative ? __builtin_fabsf(x0) : 1.0f;
            float step = k * (z[j] * a);
            if (!update) {
                if (m) smz_put16(sp, smz_f32_to_f16(x0 + step));
                continue;
            }
            float t = x0 - b * x0;
            float x = m ? t + step : t;
            if ((x0 > 0.0f && !(x > 0.0f)) || (x0 < 0.0f && !(x < 0.0f))) x = t;   /* keep the sign */
            uint16_t h = smz_f32_to_f16_sr(x, rnd[j]);
            if ((h & 0x7FFFu) == 0 && x0 != 0.0f) h = (uint16_t)((x0 < 0.0f ? 0x8000u : 0u) | 1u);   /* never 0 */
            smz_put16(sp, h);
        }
        done += cnt;
    }
}

static int smz_q_args(int32_t type, const smezo_tensor_cfg * cfg, int64_t bs, int64_t be, smz_qlayout * L) {
    return smz_qlayout_of(type, L) && smezo_cfg_ok(cfg) && bs >= 0 && be > bs;
}

/* Blocks [block0, block0 + nblocks) copied from src to dst (both pointing at that first block), scales perturbed. */
static void smz_q_copy_perturb(const char * src, char * dst, const smz_qlayout * L, int64_t block0, int64_t nblocks,
                               const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    memcpy(dst, src, (size_t)(nblocks * L->bytes));
    smz_q_scales(dst, L, block0, nblocks, cfg, seed, c, 0.0f, 0);
}

void smezo_q_perturb_range(const void * w, void * out, int32_t type, int64_t bs, int64_t be,
                           const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    smz_qlayout L;
    if (w == NULL || out == NULL || !smz_q_args(type, cfg, bs, be, &L)) return;
    smz_q_copy_perturb((const char *)w + bs * L.bytes, (char *)out + bs * L.bytes, &L, bs, be - bs, cfg, seed, c);
}

void smezo_q_update_range(void * w, int32_t type, int64_t bs, int64_t be, const smezo_tensor_cfg * cfg,
                          uint64_t seed, float c, float b) {
    smz_qlayout L;
    if (w == NULL || !smz_q_args(type, cfg, bs, be, &L)) return;
    smz_q_scales((char *)w + bs * L.bytes, &L, bs, be - bs, cfg, seed, c, b, 1);
}

/* The embedding-rows op's piece: blocks [block0, block0 + nblocks) of w, perturbed, into buf. */
void smz_q_perturb_piece(const void * w, char * buf, int32_t type, int64_t block0, int64_t nblocks,
                         const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    smz_qlayout L;
    if (smz_qlayout_of(type, &L)) smz_q_copy_perturb((const char *)w + block0 * L.bytes, buf, &L, block0, nblocks, cfg, seed, c);
}

void smezo_q_gather_scales(const void * w, int32_t type, int64_t n_blocks, uint16_t * out) {
    smz_qlayout L;
    if (w == NULL || out == NULL || n_blocks <= 0 || !smz_qlayout_of(type, &L)) return;
    const char * base = w;
    for (int64_t bl = 0; bl < n_blocks; bl++)
        for (int s = 0; s < L.ns; s++) out[bl * L.ns + s] = smz_get16(base + bl * L.bytes + L.off[s]);
}

int64_t smezo_q_first_nonfinite(const void * w, int32_t type, int64_t n_blocks) {
    smz_qlayout L;
    if (w == NULL || n_blocks <= 0 || !smz_qlayout_of(type, &L)) return -1;
    const char * base = w;
    for (int64_t bl = 0; bl < n_blocks; bl++)
        for (int s = 0; s < L.ns; s++)
            if ((smz_get16(base + bl * L.bytes + L.off[s]) & 0x7C00u) == 0x7C00u) return bl * L.ns + s;
    return -1;
}
