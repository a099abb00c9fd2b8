/*
 * The perturbation, update, noise and mask-count kernels over element ranges (spec in smezo.h).
 *
 * Work goes by chunks of 64 elements that start on a Philox block (4 elements): noise for the chunk
 * into a small array, then one element-wise loop. A chunk fully inside the range runs the loop with a
 * constant trip count, which gcc vectorizes; partial chunks (range ends, rows) run the same code on
 * a sub-range. Each element's value depends only on its index, so any split gives the same bits.
 */
#include "smezo_impl.h"

#include <math.h>

#if defined(__x86_64__) && defined(__AVX512F__)
/* gcc's default tuning uses 256-bit vectors; the Philox and Box-Muller loops gain from 512. */
#define SMZ_WIDE __attribute__((target("prefer-vector-width=512")))
#else
#define SMZ_WIDE
#endif

SMZ_INLINE float smz_load(const void * w, int32_t type, int64_t i) {
    if (type == SMEZO_TYPE_F32) return ((const float *)w)[i];
    uint16_t h = ((const uint16_t *)w)[i];
    return type == SMEZO_TYPE_F16 ? smz_f16_to_f32(h) : smz_bf16_to_f32(h);
}

SMZ_INLINE uint32_t smz_load_bits(const void * w, int32_t type, int64_t i) {
    if (type == SMEZO_TYPE_F32) return smz_fbits(((const float *)w)[i]);
    return ((const uint16_t *)w)[i];
}

SMZ_INLINE void smz_store_bits(void * out, int32_t type, int64_t i, uint32_t bits) {
    if (type == SMEZO_TYPE_F32) ((float *)out)[i] = smz_bitsf(bits);
    else ((uint16_t *)out)[i] = (uint16_t)bits;
}

/* Round to nearest even into the storage type, as bits. */
SMZ_INLINE uint32_t smz_round_bits(float f, int32_t type) {
    if (type == SMEZO_TYPE_F32) return smz_fbits(f);
    return type == SMEZO_TYPE_F16 ? smz_f32_to_f16(f) : smz_f32_to_bf16(f);
}

#ifdef SMZ_AVX512
/* Full-chunk versions of the element loops below: the same operations, 16 lanes at a time. */

SMZ_INLINE __m512 smz_load16(const void * w, int32_t type, int k, __m256i * raw) {
    if (type == SMEZO_TYPE_F32) return _mm512_loadu_ps((const float *)w + k);
    *raw = _mm256_loadu_si256((const __m256i *)((const uint16_t *)w + k));
    if (type == SMEZO_TYPE_F16) return _mm512_cvtph_ps(*raw);   /* exact */
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(*raw), 16));
}

SMZ_INLINE __mmask16 smz_keep16(int mode, __m512 w, const uint32_t * v, float threshold, float keep_rate) {
    if (mode == SMEZO_MASK_MAGNITUDE)
        return _mm512_cmp_ps_mask(_mm512_abs_ps(w), _mm512_set1_ps(threshold), _CMP_LT_OQ);
    if (mode == SMEZO_MASK_LARGE)
        return _mm512_cmp_ps_mask(_mm512_abs_ps(w), _mm512_set1_ps(threshold), _CMP_GE_OQ);
    if (mode == SMEZO_MASK_RANDOM) {
        __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(v)), _mm512_set1_ps(0x1p-24f));
        return _mm512_cmp_ps_mask(u, _mm512_set1_ps(keep_rate), _CMP_LT_OQ);
    }
    return 0xFFFF;
}

/* BF16 bits (in 32-bit lanes) of x rounded to nearest even; NaN -> quiet. */
SMZ_INLINE __m512i smz_bf16_rne16(__m512 x) {
    __m512i b = _mm512_castps_si512(x);
    __m512i hi = _mm512_srli_epi32(b, 16);
    __m512i rne = _mm512_srli_epi32(_mm512_add_epi32(b, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF),
                                                     _mm512_and_si512(hi, _mm512_set1_epi32(1)))), 16);
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm512_mask_or_epi32(rne, nan, hi, _mm512_set1_epi32(0x40));
}

SMZ_INLINE void smz_perturb_full(const void * w, void * out, int32_t type, int mode, const float * z,
                                 const uint32_t * v, float threshold, float keep_rate, float c) {
    const __m512 cv = _mm512_set1_ps(c);
    for (int k = 0; k < SMZ_CHUNK; k += 16) {
        __m256i raw = _mm256_setzero_si256();
        __m512 wf = smz_load16(w, type, k, &raw);
        __mmask16 m = smz_keep16(mode, wf, v + k, threshold, keep_rate);
        __m512 p = _mm512_add_ps(wf, _mm512_mul_ps(cv, _mm512_loadu_ps(z + k)));
        if (type == SMEZO_TYPE_F32) {
            _mm512_storeu_ps((float *)out + k, _mm512_mask_blend_ps(m, wf, p));
        } else {
            __m256i h = type == SMEZO_TYPE_F16 ? _mm512_cvtps_ph(p, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
                                               : _mm512_cvtepi32_epi16(smz_bf16_rne16(p));
            _mm256_storeu_si256((__m256i *)((uint16_t *)out + k), _mm256_mask_blend_epi16(m, raw, h));
        }
    }
}

/* F16 stochastic rounding of x with 24-bit uniforms v (smz_f32_to_f16_sr on 16 lanes). The rare
 * lanes (F16 subnormal results, overflow, NaN) are handled only when a vector holds one. */
SMZ_INLINE __m256i smz_f16_sr16(__m512 x, __m512i v) {
    __m512i xb = _mm512_castps_si512(x);
    __m512i sign = _mm512_and_si512(_mm512_srli_epi32(xb, 16), _mm512_set1_epi32(0x8000));
    __m512i ax = _mm512_and_si512(xb, _mm512_set1_epi32(0x7FFFFFFF));
    /* normal: truncate 13 bits, up iff v < rem << 11 */
    __m512i h = _mm512_srli_epi32(_mm512_sub_epi32(ax, _mm512_set1_epi32(0x38000000)), 13);
    __mmask16 up = _mm512_cmplt_epu32_mask(v, _mm512_slli_epi32(_mm512_and_si512(ax, _mm512_set1_epi32(0x1FFF)), 11));
    h = _mm512_mask_add_epi32(h, up, h, _mm512_set1_epi32(1));
    __mmask16 small = _mm512_cmplt_epu32_mask(ax, _mm512_set1_epi32(0x38800000));
    if (small) {
        __m512 s = _mm512_mul_ps(_mm512_castsi512_ps(_mm512_maskz_mov_epi32(small, ax)), _mm512_set1_ps(0x1p24f));
        __m512i skept = _mm512_cvttps_epi32(s);
        __m512 frac = _mm512_sub_ps(s, _mm512_cvtepi32_ps(skept));
        __mmask16 sup = _mm512_cmp_ps_mask(_mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(0x1p-24f)), frac, _CMP_LT_OQ);
        h = _mm512_mask_blend_epi32(small, h, _mm512_mask_add_epi32(skept, sup, skept, _mm512_set1_epi32(1)));
    }
    __mmask16 big = _mm512_cmpge_epu32_mask(ax, _mm512_set1_epi32(0x47800000));
    if (big) {
        __mmask16 nan = _mm512_cmpgt_epu32_mask(ax, _mm512_set1_epi32(0x7F800000));
        __m512i b = _mm512_mask_or_epi32(_mm512_set1_epi32(0x7C00), nan, _mm512_set1_epi32(0x7E00),
                                         _mm512_and_si512(_mm512_srli_epi32(ax, 13), _mm512_set1_epi32(0x3FF)));
        h = _mm512_mask_blend_epi32(big, h, b);
    }
    return _mm512_cvtepi32_epi16(_mm512_or_si512(h, sign));
}

SMZ_INLINE __m256i smz_bf16_sr16(__m512 x, __m512i v) {
    __m512i xb = _mm512_castps_si512(x);
    __m512i hi = _mm512_srli_epi32(xb, 16);
    __mmask16 up = _mm512_cmplt_epu32_mask(v, _mm512_slli_epi32(_mm512_and_si512(xb, _mm512_set1_epi32(0xFFFF)), 8));
    __m512i r = _mm512_mask_add_epi32(hi, up, hi, _mm512_set1_epi32(1));
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm512_cvtepi32_epi16(_mm512_mask_or_epi32(r, nan, hi, _mm512_set1_epi32(0x40)));
}

SMZ_INLINE void smz_update_full(void * w, int32_t type, int mode, const float * z, const uint32_t * v,
                                const uint32_t * rnd, float threshold, float keep_rate, float c, float b) {
    const __m512 cv = _mm512_set1_ps(c), bv = _mm512_set1_ps(b);
    for (int k = 0; k < SMZ_CHUNK; k += 16) {
        __m256i raw = _mm256_setzero_si256();
        __m512 wf = smz_load16(w, type, k, &raw);
        __mmask16 m = smz_keep16(mode, wf, v + k, threshold, keep_rate);
        __m512 t = _mm512_sub_ps(wf, _mm512_mul_ps(bv, wf));
        __m512 x = _mm512_mask_add_ps(t, m, t, _mm512_mul_ps(cv, _mm512_loadu_ps(z + k)));
        if (type == SMEZO_TYPE_F32) {
            _mm512_storeu_ps((float *)w + k, x);
        } else {
            __m512i r = _mm512_loadu_si512(rnd + k);
            __m256i h = type == SMEZO_TYPE_F16 ? smz_f16_sr16(x, r) : smz_bf16_sr16(x, r);
            _mm256_storeu_si256((__m256i *)((uint16_t *)w + k), h);
        }
    }
}
#endif

/* ---- perturb ---- */

/* Elements [k0, k1) of one chunk; w and out point to the chunk's first element. */
SMZ_INLINE void smz_perturb_apply(const void * w, void * out, int32_t type, int mode, int k0, int k1,
                                  const float * z, const uint32_t * v, float threshold, float keep_rate,
                                  float c) {
    SMZ_SIMD
    for (int k = k0; k < k1; k++) {
        uint32_t wb = smz_load_bits(w, type, k);
        float wf = smz_load(w, type, k);
        int m = smz_keep(mode, wf, v[k], threshold, keep_rate);
        uint32_t pb = smz_round_bits(wf + c * z[k], type);
        smz_store_bits(out, type, k, m ? pb : wb);
    }
}

/* n elements of flat indices idx .. idx+n-1; w and out point to element idx. */
SMZ_INLINE void smz_perturb_piece(const void * w, void * out, int32_t type, int mode, uint64_t idx, int64_t n,
                                  const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    const size_t esz = type == SMEZO_TYPE_F32 ? 4 : 2;
    float z[SMZ_CHUNK];
    uint32_t v[SMZ_CHUNK] = {0};
    int64_t done = 0;
    while (done < n) {
        uint64_t i = idx + (uint64_t)done;
        int off = (int)(i & 3u);
        int64_t cnt = n - done < SMZ_CHUNK - off ? n - done : SMZ_CHUNK - off;
        smz_noise_chunk(seed, cfg->tensor_id, i >> 2, z);
        if (mode == SMEZO_MASK_RANDOM) smz_uniform24_chunk(cfg->mask_seed, cfg->tensor_id, SMEZO_STREAM_MASK, i >> 2, v);
        /* shift so that index k of the chunk arrays meets element k of these pointers */
        const char * wp = (const char *)w + (done - off) * (int64_t)esz;
        char * op = (char *)out + (done - off) * (int64_t)esz;
        if (off == 0 && cnt == SMZ_CHUNK) {
#ifdef SMZ_AVX512
            smz_perturb_full(wp, op, type, mode, z, v, cfg->threshold, cfg->keep_rate, c);
#else
            smz_perturb_apply(wp, op, type, mode, 0, SMZ_CHUNK, z, v, cfg->threshold, cfg->keep_rate, c);
#endif
        } else {
            smz_perturb_apply(wp, op, type, mode, off, off + (int)cnt, z, v, cfg->threshold, cfg->keep_rate, c);
        }
        done += cnt;
    }
}

/* One specialization per (type, mode) so each inner loop is branch-free. */
#define SMZ_DISPATCH(FN, type, mode, ...)                                                        \
    do {                                                                                         \
        if ((type) == SMEZO_TYPE_F32) {                                                          \
            if ((mode) == SMEZO_MASK_DENSE) FN(SMEZO_TYPE_F32, SMEZO_MASK_DENSE, __VA_ARGS__);   \
            else if ((mode) == SMEZO_MASK_MAGNITUDE) FN(SMEZO_TYPE_F32, SMEZO_MASK_MAGNITUDE, __VA_ARGS__); \
            else if ((mode) == SMEZO_MASK_LARGE) FN(SMEZO_TYPE_F32, SMEZO_MASK_LARGE, __VA_ARGS__); \
            else FN(SMEZO_TYPE_F32, SMEZO_MASK_RANDOM, __VA_ARGS__);                             \
        } else if ((type) == SMEZO_TYPE_F16) {                                                   \
            if ((mode) == SMEZO_MASK_DENSE) FN(SMEZO_TYPE_F16, SMEZO_MASK_DENSE, __VA_ARGS__);   \
            else if ((mode) == SMEZO_MASK_MAGNITUDE) FN(SMEZO_TYPE_F16, SMEZO_MASK_MAGNITUDE, __VA_ARGS__); \
            else if ((mode) == SMEZO_MASK_LARGE) FN(SMEZO_TYPE_F16, SMEZO_MASK_LARGE, __VA_ARGS__); \
            else FN(SMEZO_TYPE_F16, SMEZO_MASK_RANDOM, __VA_ARGS__);                             \
        } else {                                                                                 \
            if ((mode) == SMEZO_MASK_DENSE) FN(SMEZO_TYPE_BF16, SMEZO_MASK_DENSE, __VA_ARGS__);  \
            else if ((mode) == SMEZO_MASK_MAGNITUDE) FN(SMEZO_TYPE_BF16, SMEZO_MASK_MAGNITUDE, __VA_ARGS__); \
            else if ((mode) == SMEZO_MASK_LARGE) FN(SMEZO_TYPE_BF16, SMEZO_MASK_LARGE, __VA_ARGS__); \
            else FN(SMEZO_TYPE_BF16, SMEZO_MASK_RANDOM, __VA_ARGS__);                            \
        }                                                                                        \
    } while (0)

#define SMZ_PERTURB(T, M, w, out, idx, n, cfg, seed, c) smz_perturb_piece(w, out, T, M, idx, n, cfg, seed, c)

SMZ_WIDE
void smezo_perturb_range(const void * w, void * out, int32_t ggml_type, int64_t start, int64_t end,
                         const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    if (!smezo_type_ok(ggml_type) || !smezo_cfg_ok(cfg) || w == NULL || out == NULL || start < 0 || end <= start) return;
    const size_t esz = ggml_type == SMEZO_TYPE_F32 ? 4 : 2;
    const char * wp = (const char *)w + start * (int64_t)esz;
    char * op = (char *)out + start * (int64_t)esz;
    SMZ_DISPATCH(SMZ_PERTURB, ggml_type, cfg->mask_mode, wp, op, (uint64_t)start, end - start, cfg, seed, c);
}

SMZ_WIDE
void smezo_perturb_rows_range(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                              int64_t row_start, int64_t row_end, const smezo_tensor_cfg * cfg,
                              uint64_t seed, float c) {
    if (!smezo_cfg_ok(cfg) || rows == NULL || ids == NULL || out == NULL || ne0 <= 0 || row_start < 0) return;
    for (int64_t r = row_start; r < row_end; r++) {
        uint64_t idx = (uint64_t)((int64_t)ids[r] * ne0);
        SMZ_DISPATCH(SMZ_PERTURB, SMEZO_TYPE_F32, cfg->mask_mode, rows + r * ne0, out + r * ne0, idx, ne0, cfg, seed, c);
    }
}

/* ---- update ---- */

SMZ_INLINE void smz_update_apply(void * w, int32_t type, int mode, int k0, int k1, const float * z,
                                 const uint32_t * v, const uint32_t * rnd, float threshold, float keep_rate,
                                 float c, float b) {
    SMZ_SIMD
    for (int k = k0; k < k1; k++) {
        float wf = smz_load(w, type, k);
        int m = smz_keep(mode, wf, v[k], threshold, keep_rate);
        float t = wf - b * wf;
        float tp = t + c * z[k];
        float x = m ? tp : t;
        uint32_t bits;
        if (type == SMEZO_TYPE_F32) bits = smz_fbits(x);
        else if (type == SMEZO_TYPE_F16) bits = smz_f32_to_f16_sr(x, rnd[k]);
        else bits = smz_f32_to_bf16_sr(x, rnd[k]);
        smz_store_bits(w, type, k, bits);
    }
}

SMZ_INLINE void smz_update_piece(void * w, int32_t type, int mode, uint64_t idx, int64_t n,
                                 const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b) {
    const size_t esz = type == SMEZO_TYPE_F32 ? 4 : 2;
    float z[SMZ_CHUNK];
    uint32_t v[SMZ_CHUNK] = {0}, rnd[SMZ_CHUNK] = {0};
    int64_t done = 0;
    while (done < n) {
        uint64_t i = idx + (uint64_t)done;
        int off = (int)(i & 3u);
        int64_t cnt = n - done < SMZ_CHUNK - off ? n - done : SMZ_CHUNK - off;
        smz_noise_chunk(seed, cfg->tensor_id, i >> 2, z);
        if (mode == SMEZO_MASK_RANDOM) smz_uniform24_chunk(cfg->mask_seed, cfg->tensor_id, SMEZO_STREAM_MASK, i >> 2, v);
        if (type != SMEZO_TYPE_F32) smz_uniform24_chunk(seed, cfg->tensor_id, SMEZO_STREAM_ROUND, i >> 2, rnd);
        char * wp = (char *)w + (done - off) * (int64_t)esz;
        if (off == 0 && cnt == SMZ_CHUNK) {
#ifdef SMZ_AVX512
            smz_update_full(wp, type, mode, z, v, rnd, cfg->threshold, cfg->keep_rate, c, b);
#else
            smz_update_apply(wp, type, mode, 0, SMZ_CHUNK, z, v, rnd, cfg->threshold, cfg->keep_rate, c, b);
#endif
        } else {
            smz_update_apply(wp, type, mode, off, off + (int)cnt, z, v, rnd, cfg->threshold, cfg->keep_rate, c, b);
        }
        done += cnt;
    }
}

#define SMZ_UPDATE(T, M, w, idx, n, cfg, seed, c, b) smz_update_piece(w, T, M, idx, n, cfg, seed, c, b)

SMZ_WIDE
void smezo_update_range(void * w, int32_t ggml_type, int64_t start, int64_t end, const smezo_tensor_cfg * cfg,
                        uint64_t seed, float c, float b) {
    if (!smezo_type_ok(ggml_type) || !smezo_cfg_ok(cfg) || w == NULL || start < 0 || end <= start) return;
    const size_t esz = ggml_type == SMEZO_TYPE_F32 ? 4 : 2;
    char * wp = (char *)w + start * (int64_t)esz;
    SMZ_DISPATCH(SMZ_UPDATE, ggml_type, cfg->mask_mode, wp, (uint64_t)start, end - start, cfg, seed, c, b);
}

/* ---- noise and mask count ---- */

SMZ_WIDE
void smezo_noise_range(uint64_t seed, uint32_t tensor_id, int64_t start, int64_t end, float * out) {
    if (out == NULL || start < 0 || end <= start) return;
    float z[SMZ_CHUNK];
    for (int64_t i = start; i < end;) {
        int off = (int)(i & 3);
        int64_t cnt = end - i < SMZ_CHUNK - off ? end - i : SMZ_CHUNK - off;
        smz_noise_chunk(seed, tensor_id, (uint64_t)i >> 2, z);
        memcpy(out + (i - start), z + off, (size_t)cnt * sizeof(float));
        i += cnt;
    }
}

/* Elements with |w| < threshold (large: false, as S-MeZO's mask) or |w| >= threshold (large: true, the control's). */
SMZ_INLINE int64_t smz_count_magnitude(const void * w, int32_t type, int64_t n, float threshold, int large) {
    int64_t count = 0;
    SMZ_SIMD
    for (int64_t i = 0; i < n; i++) {
        float a = fabsf(smz_load(w, type, i));
        count += large ? a >= threshold : a < threshold;
    }
    return count;
}

SMZ_WIDE
int64_t smezo_count_mask(const void * w, int32_t ggml_type, int64_t n, const smezo_tensor_cfg * cfg) {
    if (!smezo_type_ok(ggml_type) || !smezo_cfg_ok(cfg) || n < 0) return -1;
    switch (cfg->mask_mode) {
    case SMEZO_MASK_DENSE:
        return n;
    case SMEZO_MASK_MAGNITUDE:
    case SMEZO_MASK_LARGE: {
        if (w == NULL) return -1;
        const int large = cfg->mask_mode == SMEZO_MASK_LARGE;
        if (ggml_type == SMEZO_TYPE_F32) return smz_count_magnitude(w, SMEZO_TYPE_F32, n, cfg->threshold, large);
        if (ggml_type == SMEZO_TYPE_F16) return smz_count_magnitude(w, SMEZO_TYPE_F16, n, cfg->threshold, large);
        return smz_count_magnitude(w, SMEZO_TYPE_BF16, n, cfg->threshold, large);
    }
    default: {
        int64_t count = 0;
        uint32_t v[SMZ_CHUNK];
        for (int64_t i = 0; i < n; i += SMZ_CHUNK) {
            smz_uniform24_chunk(cfg->mask_seed, cfg->tensor_id, SMEZO_STREAM_MASK, (uint64_t)i >> 2, v);
            int cnt = n - i < SMZ_CHUNK ? (int)(n - i) : SMZ_CHUNK;
            for (int k = 0; k < cnt; k++) count += (float)(int32_t)v[k] * 0x1p-24f < cfg->keep_rate;
        }
        return count;
    }
    }
}
