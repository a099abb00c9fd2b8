/*
 * libsmezo internals: the noise generator, its float32 math and the 16-bit float conversions.
 * Scalar C (the specification in code, used for partial chunks and on CPUs without AVX-512) and an
 * AVX-512 version of the chunk functions doing the same operations in the same order on 16 lanes.
 * Only +, -, *, /, sqrt, bit operations and exact int<->float conversions are used, and
 * -ffp-contract=off forbids fused multiply-add, so every path gives the bits of the Java reference.
 * The specification is in smezo.h.
 */
#ifndef SMEZO_IMPL_H
#define SMEZO_IMPL_H

#include <stdint.h>
#include <string.h>

#include "smezo_isa.h"   /* first: in an instruction set's copy it renames the kernels */
#include "smezo.h"

#if defined(__GNUC__) && !defined(__clang__)
#define SMZ_SIMD _Pragma("GCC ivdep")
#else
#define SMZ_SIMD
#endif
#define SMZ_INLINE static inline __attribute__((always_inline))

/* One chunk = SMZ_SETS x 16 Philox blocks = 64 * SMZ_SETS elements (independent 16-lane Philox
 * chains for the out-of-order core to overlap). */
#ifndef SMZ_SETS
#define SMZ_SETS 2
#endif
#define SMZ_BLOCKS (16 * SMZ_SETS)
#define SMZ_CHUNK  (4 * SMZ_BLOCKS)

#define SMZ_M0 0xD2511F53u
#define SMZ_M1 0xCD9E8D57u
#define SMZ_W0 0x9E3779B9u
#define SMZ_W1 0xBB67AE85u

SMZ_INLINE uint32_t smz_fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
SMZ_INLINE float smz_bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* Philox4x32-10 of the blocks block0 .. block0 + SMZ_BLOCKS - 1: x[lane][j] = word `lane` of block block0 + j. */
SMZ_INLINE void smz_philox_chunk(uint64_t seed, uint64_t block0, uint32_t c2, uint32_t c3,
                                 uint32_t x[4][SMZ_BLOCKS]) {
    uint32_t a[SMZ_BLOCKS], b[SMZ_BLOCKS], c[SMZ_BLOCKS], d[SMZ_BLOCKS];
    for (int j = 0; j < SMZ_BLOCKS; j++) {
        uint64_t blk = block0 + (uint64_t)j;
        a[j] = (uint32_t)blk;
        b[j] = (uint32_t)(blk >> 32);
        c[j] = c2;
        d[j] = c3;
    }
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        SMZ_SIMD
        for (int j = 0; j < SMZ_BLOCKS; j++) {
            uint64_t p0 = (uint64_t)SMZ_M0 * a[j];
            uint64_t p1 = (uint64_t)SMZ_M1 * c[j];
            uint32_t na = (uint32_t)(p1 >> 32) ^ b[j] ^ k0;
            uint32_t nc = (uint32_t)(p0 >> 32) ^ d[j] ^ k1;
            b[j] = (uint32_t)p1;
            d[j] = (uint32_t)p0;
            a[j] = na;
            c[j] = nc;
        }
        k0 += SMZ_W0;
        k1 += SMZ_W1;
    }
    memcpy(x[0], a, sizeof a);
    memcpy(x[1], b, sizeof b);
    memcpy(x[2], c, sizeof c);
    memcpy(x[3], d, sizeof d);
}

/* The float32 log of a positive normal float (see smezo.h). */
SMZ_INLINE float smz_log(float u) {
    uint32_t bits = smz_fbits(u);
    int32_t e = (int32_t)((bits >> 23) & 0xFF) - 127;
    uint32_t mb = (bits & 0x7FFFFFu) | 0x3F800000u;
    int32_t big = mb > 0x3FB504F3u;
    mb -= big ? 0x00800000u : 0u;
    e += big;
    float m = smz_bitsf(mb);
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float s2 = s * s;
    float p = s2 * (0x1.555556p-1f + s2 * (0x1.99999ap-2f + s2 * (0x1.24924ap-2f + s2 * 0x1.c71c72p-3f)));
    float fe = (float)e;
    return fe * 0x1.63p-1f + (fe * -0x1.bd0106p-13f + (2.0f * s + s * p));
}

SMZ_INLINE float smz_sin(float a) {
    float a2 = a * a;
    return a + a * (a2 * (-0x1.555556p-3f + a2 * (0x1.111112p-7f + a2 * (-0x1.a01a02p-13f + a2 * 0x1.71de3ap-19f))));
}

SMZ_INLINE float smz_cos(float a) {
    float a2 = a * a;
    return 1.0f + a2 * (-0x1p-1f + a2 * (0x1.555556p-5f + a2 * (-0x1.6c16c2p-10f
                      + a2 * (0x1.a01a02p-16f + a2 * -0x1.27e4fcp-22f))));
}

/* Box-Muller of one pair of words: *zf = r cos(theta), *zs = r sin(theta). */
SMZ_INLINE void smz_box_muller(uint32_t wa, uint32_t wb, float * zf, float * zs) {
    float u = ((float)(int32_t)(wa >> 9) + 0.5f) * 0x1p-23f;
    float r = __builtin_sqrtf(-2.0f * smz_log(u));
    uint32_t q = wb >> 30;
    uint32_t half = (wb >> 29) & 1u;
    uint32_t t = (wb >> 9) & 0xFFFFFu;
    uint32_t tt = half ? 0xFFFFFu - t : t;
    float a = ((float)(int32_t)tt + 0.5f) * 0x1.921fb6p-21f;
    float P = smz_sin(a), Q = smz_cos(a);
    uint32_t swap = half ^ (q & 1u);
    uint32_t sn = smz_fbits(swap ? Q : P) ^ ((q >> 1) << 31);
    uint32_t cs = smz_fbits(swap ? P : Q) ^ (((q ^ (q >> 1)) & 1u) << 31);
    *zf = r * smz_bitsf(cs);
    *zs = r * smz_bitsf(sn);
}

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && defined(__AVX512VL__) \
    && !defined(SMEZO_NO_AVX512)
/* AVX-512: the same operations, in the same order, on 16 lanes (so the same bits as the scalar code). */
#include <immintrin.h>
#define SMZ_AVX512 1

/* hi, lo of the 32x32 -> 64-bit products a * m on each 32-bit lane: two vpmuludq (even and odd lanes)
 * and two vpermt2d gathering the high and low halves. odd_by_shuffle picks the port of the odd-lane move. */
SMZ_INLINE void smz_mulhilo16(__m512i a, __m512i m, __m512i * hi, __m512i * lo, int odd_by_shuffle) {
    const __m512i ihi = _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
    const __m512i ilo = _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
    __m512i odd = odd_by_shuffle ? _mm512_shuffle_epi32(a, _MM_PERM_CDAB) : _mm512_srli_epi64(a, 32);
    __m512i pe = _mm512_mul_epu32(a, m);     /* products of lanes 0, 2, 4, ... */
    __m512i po = _mm512_mul_epu32(odd, m);   /* products of lanes 1, 3, 5, ... */
    *hi = _mm512_permutex2var_epi32(pe, ihi, po);
    *lo = _mm512_permutex2var_epi32(pe, ilo, po);
}

/* Philox of the blocks block0 .. block0 + SMZ_BLOCKS - 1: x[h][lane] = word `lane` of blocks block0 + 16h + (0..15). */
SMZ_INLINE void smz_philox_sets(uint64_t seed, uint64_t block0, uint32_t c2, uint32_t c3, __m512i x[SMZ_SETS][4]) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i a[SMZ_SETS], b[SMZ_SETS], c[SMZ_SETS], d[SMZ_SETS];
    for (int h = 0; h < SMZ_SETS; h++) {
        uint64_t first = block0 + 16u * (uint64_t)h;
        __m512i lo = _mm512_set1_epi32((int)(uint32_t)first);
        a[h] = _mm512_add_epi32(lo, iota);
        b[h] = _mm512_set1_epi32((int)(uint32_t)(first >> 32));
        b[h] = _mm512_mask_add_epi32(b[h], _mm512_cmplt_epu32_mask(a[h], lo), b[h], _mm512_set1_epi32(1));  /* carry */
        c[h] = _mm512_set1_epi32((int)c2);
        d[h] = _mm512_set1_epi32((int)c3);
    }
    const __m512i m0 = _mm512_set1_epi64(SMZ_M0), m1 = _mm512_set1_epi64(SMZ_M1);
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        const __m512i kv0 = _mm512_set1_epi32((int)k0), kv1 = _mm512_set1_epi32((int)k1);
        for (int h = 0; h < SMZ_SETS; h++) {
            __m512i hi0, lo0, hi1, lo1;
            smz_mulhilo16(a[h], m0, &hi0, &lo0, 0);
            smz_mulhilo16(c[h], m1, &hi1, &lo1, 1);
            a[h] = _mm512_ternarylogic_epi32(hi1, b[h], kv0, 0x96);
            c[h] = _mm512_ternarylogic_epi32(hi0, d[h], kv1, 0x96);
            b[h] = lo1;
            d[h] = lo0;
        }
        k0 += SMZ_W0;
        k1 += SMZ_W1;
    }
    for (int h = 0; h < SMZ_SETS; h++) {
        x[h][0] = a[h]; x[h][1] = b[h]; x[h][2] = c[h]; x[h][3] = d[h];
    }
}

SMZ_INLINE __m512 smz_log16(__m512 u) {
    __m512i bits = _mm512_castps_si512(u);
    __m512i e = _mm512_sub_epi32(_mm512_and_si512(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(0xFF)),
                                 _mm512_set1_epi32(127));
    __m512i mb = _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFF)), _mm512_set1_epi32(0x3F800000));
    __mmask16 big = _mm512_cmpgt_epu32_mask(mb, _mm512_set1_epi32(0x3FB504F3));
    mb = _mm512_mask_sub_epi32(mb, big, mb, _mm512_set1_epi32(0x00800000));
    e = _mm512_mask_add_epi32(e, big, e, _mm512_set1_epi32(1));
    __m512 f = _mm512_sub_ps(_mm512_castsi512_ps(mb), _mm512_set1_ps(1.0f));
    __m512 s = _mm512_div_ps(f, _mm512_add_ps(_mm512_set1_ps(2.0f), f));
    __m512 s2 = _mm512_mul_ps(s, s);
    __m512 p = _mm512_mul_ps(s2, _mm512_set1_ps(0x1.c71c72p-3f));
    p = _mm512_mul_ps(s2, _mm512_add_ps(_mm512_set1_ps(0x1.24924ap-2f), p));
    p = _mm512_mul_ps(s2, _mm512_add_ps(_mm512_set1_ps(0x1.99999ap-2f), p));
    p = _mm512_mul_ps(s2, _mm512_add_ps(_mm512_set1_ps(0x1.555556p-1f), p));
    __m512 fe = _mm512_cvtepi32_ps(e);
    __m512 lm = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(2.0f), s), _mm512_mul_ps(s, p));
    lm = _mm512_add_ps(_mm512_mul_ps(fe, _mm512_set1_ps(-0x1.bd0106p-13f)), lm);
    return _mm512_add_ps(_mm512_mul_ps(fe, _mm512_set1_ps(0x1.63p-1f)), lm);
}

SMZ_INLINE void smz_box_muller16(__m512i wa, __m512i wb, __m512 * zf, __m512 * zs) {
    __m512 u = _mm512_mul_ps(_mm512_add_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(wa, 9)), _mm512_set1_ps(0.5f)),
                             _mm512_set1_ps(0x1p-23f));
    __m512 r = _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), smz_log16(u)));
    __mmask16 half = _mm512_test_epi32_mask(wb, _mm512_set1_epi32(1 << 29));
    __mmask16 q1 = _mm512_test_epi32_mask(wb, _mm512_set1_epi32(1 << 30));
    __m512i t = _mm512_and_si512(_mm512_srli_epi32(wb, 9), _mm512_set1_epi32(0xFFFFF));
    t = _mm512_mask_sub_epi32(t, half, _mm512_set1_epi32(0xFFFFF), t);
    __m512 a = _mm512_mul_ps(_mm512_add_ps(_mm512_cvtepi32_ps(t), _mm512_set1_ps(0.5f)), _mm512_set1_ps(0x1.921fb6p-21f));
    __m512 a2 = _mm512_mul_ps(a, a);
    __m512 ps = _mm512_mul_ps(a2, _mm512_set1_ps(0x1.71de3ap-19f));
    ps = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(-0x1.a01a02p-13f), ps));
    ps = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(0x1.111112p-7f), ps));
    ps = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(-0x1.555556p-3f), ps));
    __m512 P = _mm512_add_ps(a, _mm512_mul_ps(a, ps));
    __m512 pc = _mm512_mul_ps(a2, _mm512_set1_ps(-0x1.27e4fcp-22f));
    pc = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(0x1.a01a02p-16f), pc));
    pc = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(-0x1.6c16c2p-10f), pc));
    pc = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(0x1.555556p-5f), pc));
    pc = _mm512_mul_ps(a2, _mm512_add_ps(_mm512_set1_ps(-0x1p-1f), pc));
    __m512 Q = _mm512_add_ps(_mm512_set1_ps(1.0f), pc);
    __mmask16 swap = half ^ q1;
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512i sn = _mm512_castps_si512(_mm512_mask_blend_ps(swap, P, Q));
    __m512i cs = _mm512_castps_si512(_mm512_mask_blend_ps(swap, Q, P));
    sn = _mm512_xor_si512(sn, _mm512_and_si512(wb, sign));                                   /* q >> 1 */
    cs = _mm512_xor_si512(cs, _mm512_and_si512(_mm512_xor_si512(wb, _mm512_slli_epi32(wb, 1)), sign)); /* (q ^ q >> 1) & 1 */
    *zf = _mm512_mul_ps(r, _mm512_castsi512_ps(cs));
    *zs = _mm512_mul_ps(r, _mm512_castsi512_ps(sn));
}

/* out[4j + l] = v_l[j]: 4 vectors of 16 into 64 consecutive values. */
SMZ_INLINE void smz_interleave4(__m512 v0, __m512 v1, __m512 v2, __m512 v3, float * out) {
    __m512 t0 = _mm512_unpacklo_ps(v0, v1), t1 = _mm512_unpackhi_ps(v0, v1);
    __m512 t2 = _mm512_unpacklo_ps(v2, v3), t3 = _mm512_unpackhi_ps(v2, v3);
    __m512 u0 = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t2)));
    __m512 u1 = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t2)));
    __m512 u2 = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t1), _mm512_castps_pd(t3)));
    __m512 u3 = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t1), _mm512_castps_pd(t3)));
    __m512 w0 = _mm512_shuffle_f32x4(u0, u1, 0x44), w1 = _mm512_shuffle_f32x4(u0, u1, 0xEE);
    __m512 w2 = _mm512_shuffle_f32x4(u2, u3, 0x44), w3 = _mm512_shuffle_f32x4(u2, u3, 0xEE);
    _mm512_storeu_ps(out, _mm512_shuffle_f32x4(w0, w2, 0x88));
    _mm512_storeu_ps(out + 16, _mm512_shuffle_f32x4(w0, w2, 0xDD));
    _mm512_storeu_ps(out + 32, _mm512_shuffle_f32x4(w1, w3, 0x88));
    _mm512_storeu_ps(out + 48, _mm512_shuffle_f32x4(w1, w3, 0xDD));
}

SMZ_INLINE void smz_noise_chunk(uint64_t seed, uint32_t tensor_id, uint64_t block0, float z[SMZ_CHUNK]) {
    __m512i x[SMZ_SETS][4];
    smz_philox_sets(seed, block0, tensor_id, SMEZO_STREAM_NOISE, x);
    for (int h = 0; h < SMZ_SETS; h++) {
        __m512 f0, s0, f2, s2;
        smz_box_muller16(x[h][0], x[h][1], &f0, &s0);
        smz_box_muller16(x[h][2], x[h][3], &f2, &s2);
        smz_interleave4(f0, s0, f2, s2, z + 64 * h);
    }
}

SMZ_INLINE void smz_uniform24_chunk(uint64_t seed, uint32_t tensor_id, uint32_t stream, uint64_t block0,
                                    uint32_t v[SMZ_CHUNK]) {
    __m512i x[SMZ_SETS][4];
    smz_philox_sets(seed, block0, tensor_id, stream, x);
    for (int h = 0; h < SMZ_SETS; h++) {
        smz_interleave4(_mm512_castsi512_ps(_mm512_srli_epi32(x[h][0], 8)), _mm512_castsi512_ps(_mm512_srli_epi32(x[h][1], 8)),
                        _mm512_castsi512_ps(_mm512_srli_epi32(x[h][2], 8)), _mm512_castsi512_ps(_mm512_srli_epi32(x[h][3], 8)),
                        (float *)(void *)(v + 64 * h));
    }
}

#else
/* Portable C: the same arithmetic as element-wise loops over the chunk. */

/* z of the 64 elements 4*block0 .. 4*block0+63 (in element order). */
SMZ_INLINE void smz_noise_chunk(uint64_t seed, uint32_t tensor_id, uint64_t block0, float z[SMZ_CHUNK]) {
    uint32_t x[4][SMZ_BLOCKS];
    smz_philox_chunk(seed, block0, tensor_id, SMEZO_STREAM_NOISE, x);
    float zf[2 * SMZ_BLOCKS], zs[2 * SMZ_BLOCKS];
    uint32_t wa[2 * SMZ_BLOCKS], wb[2 * SMZ_BLOCKS];
    memcpy(wa, x[0], sizeof x[0]);
    memcpy(wa + SMZ_BLOCKS, x[2], sizeof x[2]);
    memcpy(wb, x[1], sizeof x[1]);
    memcpy(wb + SMZ_BLOCKS, x[3], sizeof x[3]);
    SMZ_SIMD
    for (int j = 0; j < 2 * SMZ_BLOCKS; j++) smz_box_muller(wa[j], wb[j], &zf[j], &zs[j]);
    for (int j = 0; j < SMZ_BLOCKS; j++) {
        z[4 * j + 0] = zf[j];
        z[4 * j + 1] = zs[j];
        z[4 * j + 2] = zf[SMZ_BLOCKS + j];
        z[4 * j + 3] = zs[SMZ_BLOCKS + j];
    }
}

/* The 24-bit uniform integers (word >> 8) of stream `stream` for the 64 elements of a chunk. */
SMZ_INLINE void smz_uniform24_chunk(uint64_t seed, uint32_t tensor_id, uint32_t stream, uint64_t block0,
                                    uint32_t v[SMZ_CHUNK]) {
    uint32_t x[4][SMZ_BLOCKS];
    smz_philox_chunk(seed, block0, tensor_id, stream, x);
    for (int j = 0; j < SMZ_BLOCKS; j++) {
        v[4 * j + 0] = x[0][j] >> 8;
        v[4 * j + 1] = x[1][j] >> 8;
        v[4 * j + 2] = x[2][j] >> 8;
        v[4 * j + 3] = x[3][j] >> 8;
    }
}
#endif

/* ---- 16-bit floats ---- */

SMZ_INLINE float smz_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t em = h & 0x7FFFu;
    uint32_t norm = (em << 13) + 0x38000000u;
    uint32_t infnan = (em << 13) | (em > 0x7C00u ? 0x7FC00000u : 0x7F800000u);   /* NaN made quiet */
    uint32_t sub = smz_fbits((float)(int32_t)em * 0x1p-24f);
    uint32_t bits = em < 0x400u ? sub : (em >= 0x7C00u ? infnan : norm);
    return smz_bitsf(bits | sign);
}

/* F16 bits of |f| >= 65536: inf, or for NaN a quiet NaN keeping the payload's top bits (as vcvtps2ph). */
SMZ_INLINE uint32_t smz_f16_big(uint32_t x) {
    return x > 0x7F800000u ? 0x7E00u | ((x >> 13) & 0x3FFu) : 0x7C00u;
}

/* Round to nearest even (as vcvtps2ph with imm 0). */
SMZ_INLINE uint16_t smz_f32_to_f16(float f) {
    uint32_t x = smz_fbits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7FFFFFFFu;
    uint32_t big = smz_f16_big(x);                                              /* NaN or overflow */
    uint32_t sub = smz_fbits(smz_bitsf(x) + 0.5f) - 0x3F000000u;                /* |f| < 2^-14 */
    uint32_t norm = (x - 0x38000000u + 0xFFFu + ((x >> 13) & 1u)) >> 13;         /* 2^-14 <= |f| < 2^16 */
    uint32_t h = x >= 0x47800000u ? big : (x < 0x38800000u ? sub : norm);
    return (uint16_t)(h | sign);
}

SMZ_INLINE float smz_bf16_to_f32(uint16_t h) { return smz_bitsf((uint32_t)h << 16); }

SMZ_INLINE uint16_t smz_f32_to_bf16(float f) {
    uint32_t x = smz_fbits(f);
    uint32_t rne = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
    uint32_t nan = (x >> 16) | 0x40u;
    return (uint16_t)((x & 0x7FFFFFFFu) > 0x7F800000u ? nan : rne);
}

/* Stochastic rounding to BF16 with a 24-bit uniform v: up iff v < rem << 8 (P = rem / 2^16). */
SMZ_INLINE uint16_t smz_f32_to_bf16_sr(float f, uint32_t v) {
    uint32_t x = smz_fbits(f);
    uint32_t up = v < ((x & 0xFFFFu) << 8) ? 1u : 0u;
    uint32_t r = (x >> 16) + up;  /* the sign bit sits above: this rounds the magnitude */
    uint32_t nan = (x >> 16) | 0x40u;
    return (uint16_t)((x & 0x7FFFFFFFu) > 0x7F800000u ? nan : r);
}

/* Stochastic rounding to F16 with a 24-bit uniform v (see smezo.h). */
SMZ_INLINE uint16_t smz_f32_to_f16_sr(float f, uint32_t v) {
    uint32_t x = smz_fbits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7FFFFFFFu;
    uint32_t big = smz_f16_big(x);
    /* normal: truncate 13 bits, round up with probability rem / 2^13 */
    uint32_t nkept = (x - 0x38000000u) >> 13;
    uint32_t nup = v < ((x & 0x1FFFu) << 11) ? 1u : 0u;
    /* subnormal: s = |f| * 2^24 in [0, 1024) */
    float s = smz_bitsf(x < 0x38800000u ? x : 0u) * 0x1p24f;   /* (int) of s stays in range */
    int32_t skept = (int32_t)s;
    float frac = s - (float)skept;
    uint32_t sup = (float)(int32_t)v * 0x1p-24f < frac ? 1u : 0u;
    uint32_t h = x >= 0x47800000u ? big : (x < 0x38800000u ? (uint32_t)skept + sup : nkept + nup);
    return (uint16_t)(h | sign);
}

/* The mask of one element (or scale) of value w with mask uniform v (smezo.h). */
SMZ_INLINE int smz_keep(int mode, float w, uint32_t v, float threshold, float keep_rate) {
    if (mode == SMEZO_MASK_MAGNITUDE) return __builtin_fabsf(w) < threshold;
    if (mode == SMEZO_MASK_LARGE) return __builtin_fabsf(w) >= threshold;
    if (mode == SMEZO_MASK_RANDOM) return (float)(int32_t)v * 0x1p-24f < keep_rate;
    return 1;
}

/* smezo_quant.c: blocks [block0, block0 + nblocks) of quantized w copied into buf, scales perturbed. */
void smz_q_perturb_piece(const void * w, char * buf, int32_t type, int64_t block0, int64_t nblocks,
                         const smezo_tensor_cfg * cfg, uint64_t seed, float c);

#endif /* SMEZO_IMPL_H */
