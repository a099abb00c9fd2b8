/*
 * The CUDA kernels' arithmetic, as __host__ __device__ functions of one "group" of 8 elements (two
 * Philox blocks): the same operations, in the same order, as libsmezo's C (native/src/smezo_impl.h,
 * spec in native/src/smezo.h), so that every element gets the same bits on the GPU as on the CPU.
 *
 * This header is compiled twice: by nvcc into the kernels (native/cuda/smezo_cuda.cu), and by a plain
 * C++ compiler into the host emulation test (native/cuda/emulate_test.cpp), which runs the very same
 * group functions on the CPU and compares them with libsmezo bit for bit. Device code spells every
 * float operation with a round-to-nearest intrinsic (__fadd_rn, __fmul_rn, __fdiv_rn, __fsqrt_rn),
 * which nvcc never contracts into FMA (and the file is compiled with --fmad=false besides); host code
 * is compiled with -ffp-contract=off. Integer<->float conversions are exact (values below 2^24).
 */
#ifndef SMEZO_CUDA_IMPL_CUH
#define SMEZO_CUDA_IMPL_CUH

#include <stdint.h>
#include <string.h>

#include "smezo.h"   /* type, mask and stream ids; smezo_tensor_cfg, passed to kernels by value */

#if defined(__CUDACC__)
#define SMZC_HD __host__ __device__ __forceinline__
#else
#define SMZC_HD static inline
#endif

#if defined(__CUDA_ARCH__)
#define SMZC_ADD(a, b) __fadd_rn((a), (b))
#define SMZC_SUB(a, b) __fsub_rn((a), (b))
#define SMZC_MUL(a, b) __fmul_rn((a), (b))
#define SMZC_DIV(a, b) __fdiv_rn((a), (b))
#define SMZC_SQRT(a) __fsqrt_rn(a)
#else
#include <math.h>
#define SMZC_ADD(a, b) ((a) + (b))
#define SMZC_SUB(a, b) ((a) - (b))
#define SMZC_MUL(a, b) ((a) * (b))
#define SMZC_DIV(a, b) ((a) / (b))
#define SMZC_SQRT(a) sqrtf(a)
#endif

SMZC_HD uint32_t smzc_fbits(float f) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    uint32_t u; memcpy(&u, &f, 4); return u;
#endif
}

SMZC_HD float smzc_bitsf(uint32_t u) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    float f; memcpy(&f, &u, 4); return f;
#endif
}

SMZC_HD uint32_t smzc_mulhi(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
    return __umulhi(a, b);
#else
    return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

/* ---- Philox4x32-10: x = words of block `block` (counter (lo, hi, c2, c3)), key = seed. ---- */
SMZC_HD void smzc_philox(uint64_t seed, uint64_t block, uint32_t c2, uint32_t c3, uint32_t x[4]) {
    uint32_t a = (uint32_t)block, b = (uint32_t)(block >> 32), c = c2, d = c3;
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int r = 0; r < 10; r++) {
        uint32_t hi0 = smzc_mulhi(0xD2511F53u, a), lo0 = 0xD2511F53u * a;
        uint32_t hi1 = smzc_mulhi(0xCD9E8D57u, c), lo1 = 0xCD9E8D57u * c;
        a = hi1 ^ b ^ k0;
        b = lo1;
        c = hi0 ^ d ^ k1;
        d = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    x[0] = a; x[1] = b; x[2] = c; x[3] = d;
}

/* ---- the float32 functions of the spec ---- */

SMZC_HD float smzc_log(float u) {
    uint32_t bits = smzc_fbits(u);
    int32_t e = (int32_t)((bits >> 23) & 0xFFu) - 127;
    uint32_t mb = (bits & 0x7FFFFFu) | 0x3F800000u;
    int32_t big = mb > 0x3FB504F3u;
    mb -= big ? 0x00800000u : 0u;
    e += big;
    float m = smzc_bitsf(mb);
    float f = SMZC_SUB(m, 1.0f);
    float s = SMZC_DIV(f, SMZC_ADD(2.0f, f));
    float s2 = SMZC_MUL(s, s);
    float p = SMZC_MUL(s2, 0x1.c71c72p-3f);
    p = SMZC_MUL(s2, SMZC_ADD(0x1.24924ap-2f, p));
    p = SMZC_MUL(s2, SMZC_ADD(0x1.99999ap-2f, p));
    p = SMZC_MUL(s2, SMZC_ADD(0x1.555556p-1f, p));
    float fe = (float)e;
    float lm = SMZC_ADD(SMZC_MUL(2.0f, s), SMZC_MUL(s, p));
    lm = SMZC_ADD(SMZC_MUL(fe, -0x1.bd0106p-13f), lm);
    return SMZC_ADD(SMZC_MUL(fe, 0x1.63p-1f), lm);
}

SMZC_HD float smzc_sin(float a) {
    float a2 = SMZC_MUL(a, a);
    float p = SMZC_MUL(a2, 0x1.71de3ap-19f);
    p = SMZC_MUL(a2, SMZC_ADD(-0x1.a01a02p-13f, p));
    p = SMZC_MUL(a2, SMZC_ADD(0x1.111112p-7f, p));
    p = SMZC_MUL(a2, SMZC_ADD(-0x1.555556p-3f, p));
    return SMZC_ADD(a, SMZC_MUL(a, p));
}

SMZC_HD float smzc_cos(float a) {
    float a2 = SMZC_MUL(a, a);
    float p = SMZC_MUL(a2, -0x1.27e4fcp-22f);
    p = SMZC_MUL(a2, SMZC_ADD(0x1.a01a02p-16f, p));
    p = SMZC_MUL(a2, SMZC_ADD(-0x1.6c16c2p-10f, p));
    p = SMZC_MUL(a2, SMZC_ADD(0x1.555556p-5f, p));
    p = SMZC_MUL(a2, SMZC_ADD(-0x1p-1f, p));
    return SMZC_ADD(1.0f, p);
}

/* Box-Muller of one pair of words: *zf = r cos(theta), *zs = r sin(theta). */
SMZC_HD void smzc_box_muller(uint32_t wa, uint32_t wb, float * zf, float * zs) {
    float u = SMZC_MUL(SMZC_ADD((float)(int32_t)(wa >> 9), 0.5f), 0x1p-23f);
    float r = SMZC_SQRT(SMZC_MUL(-2.0f, smzc_log(u)));
    uint32_t q = wb >> 30;
    uint32_t half = (wb >> 29) & 1u;
    uint32_t t = (wb >> 9) & 0xFFFFFu;
    uint32_t tt = half ? 0xFFFFFu - t : t;
    float a = SMZC_MUL(SMZC_ADD((float)(int32_t)tt, 0.5f), 0x1.921fb6p-21f);
    float P = smzc_sin(a), Q = smzc_cos(a);
    uint32_t swap = half ^ (q & 1u);
    uint32_t sn = smzc_fbits(swap ? Q : P) ^ ((q >> 1) << 31);
    uint32_t cs = smzc_fbits(swap ? P : Q) ^ (((q ^ (q >> 1)) & 1u) << 31);
    *zf = SMZC_MUL(r, smzc_bitsf(cs));
    *zs = SMZC_MUL(r, smzc_bitsf(sn));
}

/* z of the 4 elements of Philox block `block` (element 4*block + l in z[l]). */
SMZC_HD void smzc_noise4(uint64_t seed, uint32_t tensor_id, uint64_t block, float z[4]) {
    uint32_t x[4];
    smzc_philox(seed, block, tensor_id, SMEZO_STREAM_NOISE, x);
    smzc_box_muller(x[0], x[1], &z[0], &z[1]);
    smzc_box_muller(x[2], x[3], &z[2], &z[3]);
}

/* The 24-bit uniform integers (word >> 8) of the 4 elements of a block. */
SMZC_HD void smzc_uniform4(uint64_t seed, uint32_t tensor_id, uint32_t stream, uint64_t block, uint32_t v[4]) {
    uint32_t x[4];
    smzc_philox(seed, block, tensor_id, stream, x);
    v[0] = x[0] >> 8; v[1] = x[1] >> 8; v[2] = x[2] >> 8; v[3] = x[3] >> 8;
}

/* ---- 16-bit floats (bit-identical to smezo_impl.h) ---- */

SMZC_HD float smzc_f16_to_f32(uint32_t h) {
    uint32_t sign = (h & 0x8000u) << 16;
    uint32_t em = h & 0x7FFFu;
    uint32_t norm = (em << 13) + 0x38000000u;
    uint32_t infnan = (em << 13) | (em > 0x7C00u ? 0x7FC00000u : 0x7F800000u);
    uint32_t sub = smzc_fbits(SMZC_MUL((float)(int32_t)em, 0x1p-24f));
    uint32_t bits = em < 0x400u ? sub : (em >= 0x7C00u ? infnan : norm);
    return smzc_bitsf(bits | sign);
}

SMZC_HD uint32_t smzc_f16_big(uint32_t x) {
    return x > 0x7F800000u ? 0x7E00u | ((x >> 13) & 0x3FFu) : 0x7C00u;
}

SMZC_HD uint32_t smzc_f32_to_f16(float f) {
    uint32_t x = smzc_fbits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7FFFFFFFu;
    uint32_t big = smzc_f16_big(x);
    uint32_t sub = smzc_fbits(SMZC_ADD(smzc_bitsf(x), 0.5f)) - 0x3F000000u;
    uint32_t norm = (x - 0x38000000u + 0xFFFu + ((x >> 13) & 1u)) >> 13;
    uint32_t h = x >= 0x47800000u ? big : (x < 0x38800000u ? sub : norm);
    return (h | sign) & 0xFFFFu;
}

SMZC_HD float smzc_bf16_to_f32(uint32_t h) { return smzc_bitsf(h << 16); }

SMZC_HD uint32_t smzc_f32_to_bf16(float f) {
    uint32_t x = smzc_fbits(f);
    uint32_t rne = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
    uint32_t nan = (x >> 16) | 0x40u;
    return ((x & 0x7FFFFFFFu) > 0x7F800000u ? nan : rne) & 0xFFFFu;
}

SMZC_HD uint32_t smzc_f32_to_bf16_sr(float f, uint32_t v) {
    uint32_t x = smzc_fbits(f);
    uint32_t up = v < ((x & 0xFFFFu) << 8) ? 1u : 0u;
    uint32_t r = (x >> 16) + up;
    uint32_t nan = (x >> 16) | 0x40u;
    return ((x & 0x7FFFFFFFu) > 0x7F800000u ? nan : r) & 0xFFFFu;
}

SMZC_HD uint32_t smzc_f32_to_f16_sr(float f, uint32_t v) {
    uint32_t x = smzc_fbits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7FFFFFFFu;
    uint32_t big = smzc_f16_big(x);
    uint32_t nkept = (x - 0x38000000u) >> 13;
    uint32_t nup = v < ((x & 0x1FFFu) << 11) ? 1u : 0u;
    float s = SMZC_MUL(smzc_bitsf(x < 0x38800000u ? x : 0u), 0x1p24f);
    int32_t skept = (int32_t)s;
    float frac = SMZC_SUB(s, (float)skept);
    uint32_t sup = SMZC_MUL((float)(int32_t)v, 0x1p-24f) < frac ? 1u : 0u;
    uint32_t h = x >= 0x47800000u ? big : (x < 0x38800000u ? (uint32_t)skept + sup : nkept + nup);
    return (h | sign) & 0xFFFFu;
}

/* ---- one element: storage bits in, storage bits out (16-bit types in the low half) ---- */

template <int T>
SMZC_HD float smzc_to_float(uint32_t bits) {
    return T == SMEZO_TYPE_F32 ? smzc_bitsf(bits) : (T == SMEZO_TYPE_F16 ? smzc_f16_to_f32(bits) : smzc_bf16_to_f32(bits));
}

template <int M>
SMZC_HD bool smzc_keep(float w, uint32_t v, float threshold, float keep_rate) {
    if (M == SMEZO_MASK_MAGNITUDE) return fabsf(w) < threshold;
    if (M == SMEZO_MASK_LARGE) return fabsf(w) >= threshold;
    if (M == SMEZO_MASK_RANDOM) return SMZC_MUL((float)(int32_t)v, 0x1p-24f) < keep_rate;
    return true;
}

/* out = m ? round(w + c*z) : w (bitwise copy where m = 0). */
template <int T, int M>
SMZC_HD uint32_t smzc_perturb_elem(uint32_t wb, float z, uint32_t v, float threshold, float keep_rate, float c) {
    float wf = smzc_to_float<T>(wb);
    bool m = smzc_keep<M>(wf, v, threshold, keep_rate);
    float p = SMZC_ADD(wf, SMZC_MUL(c, z));
    uint32_t pb = T == SMEZO_TYPE_F32 ? smzc_fbits(p) : (T == SMEZO_TYPE_F16 ? smzc_f32_to_f16(p) : smzc_f32_to_bf16(p));
    return m ? pb : wb;
}

/* t = w - b*w; x = m ? t + c*z : t; F32 stored as is, F16/BF16 rounded stochastically with rnd. */
template <int T, int M>
SMZC_HD uint32_t smzc_update_elem(uint32_t wb, float z, uint32_t v, uint32_t rnd, float threshold, float keep_rate,
                                  float c, float b) {
    float wf = smzc_to_float<T>(wb);
    bool m = smzc_keep<M>(wf, v, threshold, keep_rate);
    float t = SMZC_SUB(wf, SMZC_MUL(b, wf));
    float tp = SMZC_ADD(t, SMZC_MUL(c, z));
    float x = m ? tp : t;
    if (T == SMEZO_TYPE_F32) return smzc_fbits(x);
    return T == SMEZO_TYPE_F16 ? smzc_f32_to_f16_sr(x, rnd) : smzc_f32_to_bf16_sr(x, rnd);
}

/* ---- groups of 8 elements: indices 8g .. 8g+7 (Philox blocks 2g, 2g+1) ---- */

#define SMZC_GROUP 8

/* 16 aligned bytes <-> 4 words. */
SMZC_HD void smzc_load16(const void * p, uint32_t q[4]) {
#if defined(__CUDA_ARCH__)
    uint4 u = *(const uint4 *)p;
    q[0] = u.x; q[1] = u.y; q[2] = u.z; q[3] = u.w;
#else
    memcpy(q, p, 16);
#endif
}

SMZC_HD void smzc_store16(void * p, const uint32_t q[4]) {
#if defined(__CUDA_ARCH__)
    uint4 u; u.x = q[0]; u.y = q[1]; u.z = q[2]; u.w = q[3];
    *(uint4 *)p = u;
#else
    memcpy(p, q, 16);
#endif
}

/* The 8 storage words of a full group (element k in bits[k]), from 16-byte loads. */
template <int T>
SMZC_HD void smzc_load_group(const void * base, int64_t i0, uint32_t bits[8]) {
    if (T == SMEZO_TYPE_F32) {
        smzc_load16((const float *)base + i0, bits);
        smzc_load16((const float *)base + i0 + 4, bits + 4);
    } else {
        uint32_t q[4];
        smzc_load16((const uint16_t *)base + i0, q);
        for (int k = 0; k < 4; k++) { bits[2 * k] = q[k] & 0xFFFFu; bits[2 * k + 1] = q[k] >> 16; }
    }
}

template <int T>
SMZC_HD void smzc_store_group(void * base, int64_t i0, const uint32_t bits[8]) {
    if (T == SMEZO_TYPE_F32) {
        smzc_store16((float *)base + i0, bits);
        smzc_store16((float *)base + i0 + 4, bits + 4);
    } else {
        uint32_t q[4];
        for (int k = 0; k < 4; k++) q[k] = (bits[2 * k] & 0xFFFFu) | (bits[2 * k + 1] << 16);
        smzc_store16((uint16_t *)base + i0, q);
    }
}

template <int T>
SMZC_HD uint32_t smzc_load_one(const void * base, int64_t i) {
    return T == SMEZO_TYPE_F32 ? smzc_fbits(((const float *)base)[i]) : (uint32_t)((const uint16_t *)base)[i];
}

template <int T>
SMZC_HD void smzc_store_one(void * base, int64_t i, uint32_t bits) {
    if (T == SMEZO_TYPE_F32) ((float *)base)[i] = smzc_bitsf(bits);
    else ((uint16_t *)base)[i] = (uint16_t)bits;
}

/* Noise (and mask / rounding words where used) of the group's 8 elements. */
template <int M>
SMZC_HD void smzc_group_streams(int64_t g, const smezo_tensor_cfg & cfg, uint64_t seed, bool rounding, float z[8],
                                uint32_t v[8], uint32_t rnd[8]) {
    const uint64_t b0 = (uint64_t)g * 2u;
    smzc_noise4(seed, cfg.tensor_id, b0, z);
    smzc_noise4(seed, cfg.tensor_id, b0 + 1, z + 4);
    if (M == SMEZO_MASK_RANDOM) {
        smzc_uniform4(cfg.mask_seed, cfg.tensor_id, SMEZO_STREAM_MASK, b0, v);
        smzc_uniform4(cfg.mask_seed, cfg.tensor_id, SMEZO_STREAM_MASK, b0 + 1, v + 4);
    } else {
        for (int k = 0; k < 8; k++) v[k] = 0;
    }
    if (rounding) {
        smzc_uniform4(seed, cfg.tensor_id, SMEZO_STREAM_ROUND, b0, rnd);
        smzc_uniform4(seed, cfg.tensor_id, SMEZO_STREAM_ROUND, b0 + 1, rnd + 4);
    } else {
        for (int k = 0; k < 8; k++) rnd[k] = 0;
    }
}

/* out[i] = perturb(w[i]) for the elements i of group g inside [start, end); w and out are tensor bases.
 * vec: both bases are 16-byte aligned (full groups then use 16-byte accesses). */
template <int T, int M>
SMZC_HD void smzc_perturb_group(const void * w, void * out, int64_t g, int64_t start, int64_t end,
                                const smezo_tensor_cfg & cfg, uint64_t seed, float c, bool vec) {
    float z[8];
    uint32_t v[8], rnd[8];
    smzc_group_streams<M>(g, cfg, seed, false, z, v, rnd);
    const int64_t i0 = g * SMZC_GROUP;
    if (vec && i0 >= start && i0 + SMZC_GROUP <= end) {
        uint32_t bits[8];
        smzc_load_group<T>(w, i0, bits);
        for (int k = 0; k < 8; k++) bits[k] = smzc_perturb_elem<T, M>(bits[k], z[k], v[k], cfg.threshold, cfg.keep_rate, c);
        smzc_store_group<T>(out, i0, bits);
    } else {
        for (int k = 0; k < 8; k++) {
            const int64_t i = i0 + k;
            if (i < start || i >= end) continue;
            uint32_t wb = smzc_load_one<T>(w, i);
            smzc_store_one<T>(out, i, smzc_perturb_elem<T, M>(wb, z[k], v[k], cfg.threshold, cfg.keep_rate, c));
        }
    }
}

/* w[i] = update(w[i]) in place for the elements i of group g inside [start, end). */
template <int T, int M>
SMZC_HD void smzc_update_group(void * w, int64_t g, int64_t start, int64_t end, const smezo_tensor_cfg & cfg,
                               uint64_t seed, float c, float b, bool vec) {
    float z[8];
    uint32_t v[8], rnd[8];
    smzc_group_streams<M>(g, cfg, seed, T != SMEZO_TYPE_F32, z, v, rnd);
    const int64_t i0 = g * SMZC_GROUP;
    if (vec && i0 >= start && i0 + SMZC_GROUP <= end) {
        uint32_t bits[8];
        smzc_load_group<T>(w, i0, bits);
        for (int k = 0; k < 8; k++) {
            bits[k] = smzc_update_elem<T, M>(bits[k], z[k], v[k], rnd[k], cfg.threshold, cfg.keep_rate, c, b);
        }
        smzc_store_group<T>(w, i0, bits);
    } else {
        for (int k = 0; k < 8; k++) {
            const int64_t i = i0 + k;
            if (i < start || i >= end) continue;
            uint32_t wb = smzc_load_one<T>(w, i);
            smzc_store_one<T>(w, i, smzc_update_elem<T, M>(wb, z[k], v[k], rnd[k], cfg.threshold, cfg.keep_rate, c, b));
        }
    }
}

/* Embedding rows: F32 rows/out [ne0, n_rows]; row r's element col has noise index ids[r]*ne0 + col.
 * Unit of work: (row r, j-th Philox block touching the row). vec: ne0 % 4 == 0 and 16-byte aligned bases. */
template <int M>
SMZC_HD void smzc_rows_block(const float * rows, const int32_t * ids, float * out, int64_t ne0, int64_t r, int64_t j,
                             const smezo_tensor_cfg & cfg, uint64_t seed, float c, bool vec) {
    const int64_t base = (int64_t)ids[r] * ne0;      /* noise index of the row's first element */
    const uint64_t blk = ((uint64_t)base >> 2) + (uint64_t)j;
    float z[4];
    uint32_t v[4] = {0, 0, 0, 0};
    smzc_noise4(seed, cfg.tensor_id, blk, z);
    if (M == SMEZO_MASK_RANDOM) smzc_uniform4(cfg.mask_seed, cfg.tensor_id, SMEZO_STREAM_MASK, blk, v);
    const float * src = rows + r * ne0;
    float * dst = out + r * ne0;
    const int64_t col0 = (int64_t)(blk * 4u - (uint64_t)base);   /* column of lane 0 (may be < 0) */
    if (vec && (base & 3) == 0 && col0 + 4 <= ne0) {
        uint32_t q[4];
        smzc_load16(src + col0, q);
        for (int l = 0; l < 4; l++) q[l] = smzc_perturb_elem<SMEZO_TYPE_F32, M>(q[l], z[l], v[l], cfg.threshold, cfg.keep_rate, c);
        smzc_store16(dst + col0, q);
    } else {
        for (int l = 0; l < 4; l++) {
            const int64_t col = col0 + l;
            if (col < 0 || col >= ne0) continue;
            uint32_t wb = smzc_fbits(src[col]);
            dst[col] = smzc_bitsf(smzc_perturb_elem<SMEZO_TYPE_F32, M>(wb, z[l], v[l], cfg.threshold, cfg.keep_rate, c));
        }
    }
}

/* Philox blocks touching a row of ne0 elements starting at noise index base. */
SMZC_HD int64_t smzc_row_blocks(int64_t base, int64_t ne0) {
    return (int64_t)(((uint64_t)(base + ne0 - 1) >> 2) - ((uint64_t)base >> 2) + 1u);
}

#endif /* SMEZO_CUDA_IMPL_CUH */
