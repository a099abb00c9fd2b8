/*
 * libsmezo: the perturbation op of Sparse MeZO (arXiv 2402.15751) for ggml, with a C ABI.
 *
 * One op carries the whole algorithm: W_eff = W + c * z * m, where z is standard normal noise that is a
 * pure function of (step seed, tensor id, element index) and m a 0/1 mask computed from W itself.
 * The plain-Java reference dev.smezo.perturb (Philox, Noise, Fp16, Reference) implements the same
 * functions bit for bit; a CUDA kernel must implement exactly what follows.
 *
 * ---------------------------------------------------------------------------------------------------
 * THE NOISE
 * Generator: Philox4x32-10 (Salmon et al., SC'11; identical to Random123's philox4x32_10).
 *   M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85.
 *   round(c, k): (hi0, lo0) = M0 * c0, (hi1, lo1) = M1 * c2   (32x32 -> 64-bit products)
 *                c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
 *   10 rounds; between two rounds k0 += W0, k1 += W1 (mod 2^32).  Output x = (x0, x1, x2, x3).
 * Key    (k0, k1)         = (low 32, high 32 bits) of the 64-bit seed.
 * Counter (c0, c1, c2, c3) = (low 32, high 32 bits of block, tensor_id, stream).
 * Element index i (flat, ggml order i0 + ne0*(i1 + ne1*(i2 + ne2*i3))) uses block = i / 4, lane = i % 4.
 * Streams: 0 = perturbation noise z, 1 = R-MeZO keep mask, 2 = stochastic rounding in the update.
 *
 * z (stream 0, key = step seed): Box-Muller on the pairs of lanes (0,1) and (2,3) of a block:
 *   for a pair of words (a, b):
 *     u  = ((float)(a >> 9) + 0.5f) * 2^-23                      in [2^-24, 1 - 2^-24], exact
 *     r  = sqrt(-2 * smezo_log(u))                                 (correctly rounded float sqrt)
 *     q  = b >> 30 (quadrant), t = (b >> 9) & 0xFFFFF, half = (b >> 29) & 1
 *     a' = ((float)(half ? 0xFFFFF - t : t) + 0.5f) * K,  K = float(pi/4 * 2^-20) = 0x1.921fb6p-21f
 *     P  = smezo_sin(a'), Q = smezo_cos(a')     (a' in (0, pi/4): the angle is 2*pi*((b >> 9) + 0.5) * 2^-23)
 *     |sin| = (half ^ (q & 1)) ? Q : P,   |cos| = the other one
 *     sin is negated for q in {2,3}, cos for q in {1,2}
 *     z_first = r * cos, z_second = r * sin
 *   lane 0 = z_first(x0, x1), lane 1 = z_second(x0, x1), lane 2 = z_first(x2, x3), lane 3 = z_second(x2, x3).
 * smezo_log(u), u a positive normal float (float32 arithmetic, this order, no FMA):
 *   e = exponent(u) - 127, m = u with exponent set to 0 (m in [1,2)); if bits(m) > 0x3FB504F3 (m > sqrt 2)
 *   then m = m / 2 (exponent - 1), e = e + 1;  f = m - 1;  s = f / (2 + f);  s2 = s * s;
 *   p = s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * L4)));  log = (float)e * LN2_HI + ((float)e * LN2_LO + (2*s + s*p))
 *   L1 = 0x1.555556p-1 (2/3), L2 = 0x1.99999ap-2 (2/5), L3 = 0x1.24924ap-2 (2/7), L4 = 0x1.c71c72p-3 (2/9),
 *   LN2_HI = 0x1.63p-1, LN2_LO = -0x1.bd0106p-13 (as in the C source; float literals, hex-exact).
 * smezo_sin(a) = a + a * (a2 * (S1 + a2 * (S2 + a2 * (S3 + a2 * S4)))),           a2 = a * a
 * smezo_cos(a) = 1 + a2 * (C1 + a2 * (C2 + a2 * (C3 + a2 * (C4 + a2 * C5))))
 *   S1..S4 = float(-1/3!, 1/5!, -1/7!, 1/9!), C1..C5 = float(-1/2!, 1/4!, -1/6!, 1/8!, -1/10!)  (hex in source).
 * Accuracy of z against the exact Box-Muller of the same u: about 2e-7 relative.
 * Keep mask (stream 1, key = cfg->mask_seed): element i is kept iff (float)(x_lane >> 8) * 2^-24 < keep_rate.
 * Rounding word (stream 2, key = step seed): element i draws v = (x_lane >> 8), a 24-bit uniform integer.
 * Every value depends only on (seed, tensor_id, stream, i): any thread count or split gives the same bits.
 *
 * ---------------------------------------------------------------------------------------------------
 * THE ARITHMETIC (float32, no FMA; W values converted to float exactly)
 * Mask m(w, i): DENSE 1; MAGNITUDE fabsf(w) < threshold (NaN -> 0); RANDOM keep(i) as above.
 * perturb:  out = m ? w + c * z : w     (bitwise copy where m = 0), then F16/BF16 round to nearest even.
 * update:   t = w - b * w;  w_new = m ? t + c * z : t       (m from the old w)
 *           F32 stores t as is; F16/BF16 round t stochastically with v (24-bit uniform, stream 2):
 *             BF16: kept = bits(t) >> 16 (magnitude), rem = bits(t) & 0xFFFF, round the magnitude up iff v < rem << 8.
 *             F16, |t| >= 2^-14: kept = truncated f16 magnitude, rem = the 13 dropped bits, up iff v < rem << 11.
 *             F16, |t| <  2^-14: s = |t| * 2^24, kept = (int)s, up iff (float)v * 2^-24 < s - kept.
 *           So P(up) = the exact fraction of an ulp (F16 subnormals: to 2^-24 of an ulp); rounding up from the
 *           largest finite value gives inf; NaN stays (quiet) NaN, |t| >= 65536 gives F16 inf.
 * F16 round to nearest even: IEEE binary16 (equal to Java's Float.floatToFloat16 and to vcvtps2ph for
 * non-NaN); F16 NaN results: sign | 0x7E00 | ((bits >> 13) & 0x3FF); F16 -> float is exact, NaN made quiet.
 * BF16 round to nearest even: (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 (as ggml); NaN -> (bits >> 16) | 0x40.
 * ---------------------------------------------------------------------------------------------------
 */
#ifndef SMEZO_H
#define SMEZO_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ggml_tensor;

/* ggml type ids accepted by the kernels (others are rejected: the call returns without touching memory). */
#define SMEZO_TYPE_F32  0
#define SMEZO_TYPE_F16  1
#define SMEZO_TYPE_BF16 30

#define SMEZO_MASK_DENSE     0
#define SMEZO_MASK_MAGNITUDE 1
#define SMEZO_MASK_RANDOM    2
#define SMEZO_MASK_LARGE     3   /* |w| >= threshold: the paper's control, the largest weights */

#define SMEZO_SCALE_ABSOLUTE 0
#define SMEZO_SCALE_RELATIVE 1

#define SMEZO_STREAM_NOISE 0u
#define SMEZO_STREAM_MASK  1u
#define SMEZO_STREAM_ROUND 2u

/* Layout (x86-64 / aarch64 SysV): sizeof 32, alignof 8;
 * offsets tensor_id 0, mask_mode 4, threshold 8, keep_rate 12, mask_seed 16, scale_mode 24, scale_gain 28. */
typedef struct smezo_tensor_cfg {
    uint32_t tensor_id;   /* counter word c2 */
    int32_t  mask_mode;   /* 0 dense (MeZO), 1 magnitude (S-MeZO: perturb where |w| < threshold), 2 random keep (R-MeZO), 3 large (|w| >= threshold) */
    float    threshold;   /* magnitude mode: fabsf((float)w) < threshold */
    float    keep_rate;   /* random mode: kept iff uniform(stream 1, mask_seed) < keep_rate */
    uint64_t mask_seed;   /* random mode: fixed seed of the keep mask (per run) */
    int32_t  scale_mode;  /* quantized tensors only: 0 absolute, 1 relative (the step is scaled by |v|) */
    float    scale_gain;  /* quantized tensors only: multiplies c (the scales' own eps and lr); float kernels ignore both */
} smezo_tensor_cfg;

/* Per-step parameters: a GGML_TYPE_I32 tensor of 8 elements written before each compute:
 * [0] seed low 32, [1] seed high 32, [2] float bits of c, [3] float bits of b (update: lr*wd), [4..7] 0.
 * c = +eps / -eps for the forwards; c = -lr*g for the update. */
#define SMEZO_PARAMS_N 8

/* The params words for one step; every caller that fills a params tensor packs them here. */
static inline void smezo_params_pack(uint64_t seed, float c, float b, uint32_t p[SMEZO_PARAMS_N]) {
    for (int i = 0; i < SMEZO_PARAMS_N; i++) p[i] = 0;
    p[0] = (uint32_t)seed;
    p[1] = (uint32_t)(seed >> 32);
    memcpy(&p[2], &c, 4);
    memcpy(&p[3], &b, 4);
}

/* The weight types and configs every entry point (C kernels, CUDA kernels, ggml ops) accepts. */
static inline int smezo_type_ok(int32_t type) {
    return type == SMEZO_TYPE_F32 || type == SMEZO_TYPE_F16 || type == SMEZO_TYPE_BF16;
}

static inline int smezo_cfg_ok(const smezo_tensor_cfg * cfg) {
    return cfg != 0 && cfg->mask_mode >= SMEZO_MASK_DENSE && cfg->mask_mode <= SMEZO_MASK_LARGE
        && (cfg->scale_mode == SMEZO_SCALE_ABSOLUTE || cfg->scale_mode == SMEZO_SCALE_RELATIVE);
}

/* ---- ggml custom ops (ggml_custom_op_t); userdata = const smezo_tensor_cfg*; work split by ith/nth. ----
 * An op whose tensors do not fit (type, contiguity, sizes) returns without writing: validate when building. */

/* dst = W + c*z*m.  dst->src[0] = W (F32/F16/BF16, contiguous), dst->src[1] = params; dst: W's type and shape. */
void smezo_op_perturb(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* Token-embedding rows: dst->src[0] = rows (F32 [ne0, n_rows] = ggml_get_rows(W, ids), W's values exactly),
 * dst->src[1] = ids (I32 [n_rows]), dst->src[2] = params; dst F32, rows' shape.
 * Noise index of (r, col) = ids[r]*ne0 + col; the mask is computed from the row value. */
void smezo_op_perturb_rows(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* In place: ggml_custom_inplace(ctx, W, {params}, 1, smezo_op_update, n_tasks, cfg).
 * dst is a view of W, dst->src[0] = W, dst->src[1] = params (c = -lr*g, b = lr*wd). */
void smezo_op_update(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* ---- plain entry points (the ops call these on their share). ----
 * w, out: base pointers of the whole tensor; elements [start, end) are read and written. */
void smezo_perturb_range(const void * w, void * out, int32_t ggml_type, int64_t start, int64_t end,
                         const smezo_tensor_cfg * cfg, uint64_t seed, float c);

/* rows, out: [ne0, n_rows] F32 row-major bases; ids[n_rows]; rows [row_start, row_end) are done. */
void smezo_perturb_rows_range(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                              int64_t row_start, int64_t row_end, const smezo_tensor_cfg * cfg,
                              uint64_t seed, float c);

/* w: base of the whole tensor, updated in place on [start, end). */
void smezo_update_range(void * w, int32_t ggml_type, int64_t start, int64_t end, const smezo_tensor_cfg * cfg,
                        uint64_t seed, float c, float b);

/* z for indices [start, end) into out[0 .. end-start). */
void smezo_noise_range(uint64_t seed, uint32_t tensor_id, int64_t start, int64_t end, float * out);

/* Number of elements i in [0, n) with m = 1 (the realized trained count); -1 for a rejected type. */
int64_t smezo_count_mask(const void * w, int32_t ggml_type, int64_t n, const smezo_tensor_cfg * cfg);

/* The smallest float h with #{i : fabsf(w_i) < h} >= k, k = floor(keep_fraction * n + 0.5), by exact
 * radix selection over the bits of |w| (two histogram passes for F32, one for F16/BF16; NaN counts as
 * largest). keep_fraction >= 1 -> +INF, <= 0 (or n <= 0) -> 0; rejected type -> NaN.
 * n_threads <= 1 runs on the caller's thread, more uses pthreads. */
float smezo_magnitude_threshold(const void * w, int32_t ggml_type, int64_t n, double keep_fraction,
                                int32_t n_threads);

/* ---------------------------------------------------------------------------------------------------
 * QUANTIZED TENSORS: the trained parameters are the F16 scales of the blocks; the integer quants stay.
 * Types and their scales (ggml-common.h; byte offsets inside a block of `bytes` bytes, `elems` weights):
 *   Q4_0 (2)  32 w, 18 B: d @0          Q4_1 (3) 32 w, 20 B: d @0, m @2
 *   Q5_0 (6)  32 w, 22 B: d @0          Q5_1 (7) 32 w, 24 B: d @0, m @2      Q8_0 (8) 32 w, 34 B: d @0
 *   Q2_K (10) 256 w, 84 B: d @80, dmin @82         Q3_K (11) 256 w, 110 B: d @108
 *   Q4_K (12) 256 w, 144 B: d @0, dmin @2          Q5_K (13) 256 w, 176 B: d @0, dmin @2
 *   Q6_K (14) 256 w, 210 B: d @208
 * (K-quants' 6-bit / int8 sub-block scales are integers and stay.) With n_s scales per block, scale s of
 * block b is parameter p = b * n_s + s: its noise z_p, keep uniform and rounding word are those of
 * element index p above (same streams, same tensor_id), and the mask reads v = its value as float.
 *   a = scale_mode == RELATIVE ? fabsf(v) : 1,  k = c * scale_gain   (float32, this order)
 *   perturb: the blocks are copied, then v' = m ? f16_rne(v + k * (z * a)) : v
 *   update:  t = v - b * v;  x = m ? t + k * (z * a) : t;  x = t where that would change v's sign
 *            (v > 0 and !(x > 0), or v < 0 and !(x < 0));  v' = f16 stochastic rounding of x (stream 2),
 *            and where that is +-0 while v != 0, the smallest F16 subnormal of v's sign (a scale never
 *            reaches 0, where a relative step could not move it again)
 * Scales that are NaN or infinite are refused before training (smezo_q_first_nonfinite). */

/* Geometry of a quantized type: weights and bytes per block, number of F16 scales and their byte
 * offsets (offs[0..n-1]). Returns 0 for a type the kernels do not take. */
int32_t smezo_q_layout(int32_t ggml_type, int32_t * elems, int32_t * bytes, int32_t * n_scales, int32_t offs[2]);

/* dst = W with the scales perturbed; dst->src[0] = W (quantized, contiguous), dst->src[1] = params; dst: W's type and shape. */
void smezo_op_perturb_q(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* Token-embedding rows of a quantized W: dst->src[0] = W [ne0, n_vocab], src[1] = ids (I32 [n_rows]),
 * src[2] = params; dst F32 [ne0, n_rows] = ggml's dequantization (type traits' to_float) of the
 * rows' blocks with their scales perturbed as above: what get_rows of a perturbed copy gives. */
void smezo_op_perturb_rows_q(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* In place on W's scales: ggml_custom_inplace(ctx, W, {params}, 1, smezo_op_update_q, n_tasks, cfg). */
void smezo_op_update_q(struct ggml_tensor * dst, int ith, int nth, void * userdata);

/* Blocks [block_start, block_end) of w copied to out with their scales perturbed. */
void smezo_q_perturb_range(const void * w, void * out, int32_t ggml_type, int64_t block_start, int64_t block_end,
                           const smezo_tensor_cfg * cfg, uint64_t seed, float c);

/* The scales of blocks [block_start, block_end) updated in place. */
void smezo_q_update_range(void * w, int32_t ggml_type, int64_t block_start, int64_t block_end,
                          const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b);

/* The F16 bits of the scales of n_blocks blocks, parameter order, into out[n_blocks * n_scales]. */
void smezo_q_gather_scales(const void * w, int32_t ggml_type, int64_t n_blocks, uint16_t * out);

/* The first parameter index whose scale is NaN or infinite, or -1 (also -1 for a rejected type: check it). */
int64_t smezo_q_first_nonfinite(const void * w, int32_t ggml_type, int64_t n_blocks);

/* ---- instruction sets (smezo_isa.h): the kernels above run the chosen copy; every copy gives the same bits ---- */
#define SMEZO_ISA_C      0   /* portable C, baseline x86-64 (SSE2) */
#define SMEZO_ISA_AVX2   1   /* the same C vectorized for x86-64-v3 */
#define SMEZO_ISA_AVX512 2   /* AVX-512 intrinsics (x86-64-v4) */

/* The copy in use: at load the best the CPU runs, or a lower one named by SMEZO_ISA=c|avx2|avx512. */
int32_t smezo_isa(void);
/* 1 if the running CPU can run that copy. */
int32_t smezo_isa_supported(int32_t isa);
/* Switches to that copy (not while kernels run: for tests); 0 and no change when the CPU cannot run it. */
int32_t smezo_isa_set(int32_t isa);
/* "c", "avx2", "avx512". */
const char * smezo_isa_name(int32_t isa);

/* ABI version of this header (bumped on any change of the above). */
int32_t smezo_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SMEZO_H */
