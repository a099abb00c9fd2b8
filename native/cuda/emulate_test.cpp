/*
 * Host emulation of the CUDA kernels: runs the very group functions of smezo_cuda_impl.cuh (the code
 * the kernels are made of) on the CPU, one "thread" at a time in a shuffled order, and compares every
 * output bit with libsmezo's C kernels (smezo.h). Needs no GPU and no nvcc: g++ -ffp-contract=off.
 *
 * What this proves: the kernels' indexing, Philox, Box-Muller, mask, 16-bit conversions, stochastic
 * rounding and range/tail handling equal the CPU spec when evaluated with IEEE float32 arithmetic.
 * What it cannot prove: that the GPU evaluates them the same way (that rests on the _rn intrinsics,
 * --fmad=false, no fast-math; native/cuda/gpu_check.c checks it on a GPU).
 *
 * Usage: emulate_test [n_cases]   (prints "N passed, N failed")
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <random>
#include <vector>

#include "smezo.h"
#include "smezo_cuda_impl.cuh"

static int passed = 0, failed = 0;

static void check(bool ok, const char * what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        if (failed <= 20) fprintf(stderr, "FAILED: %s\n", what);
    }
}

static std::mt19937_64 rng(12345);

static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* Weights with the awkward values in: zeros, subnormals (F32, F16), NaN, inf, values near the F16
 * and BF16 rounding boundaries and overflow, and ordinary normal-ish values. */
static std::vector<uint8_t> make_weights(int32_t type, int64_t n) {
    const size_t esz = type == SMEZO_TYPE_F32 ? 4 : 2;
    std::vector<uint8_t> w(n * esz + 64);
    std::normal_distribution<float> nd(0.0f, 0.05f);
    for (int64_t i = 0; i < n; i++) {
        float f;
        switch (rng() % 16) {
            case 0: f = 0.0f; break;
            case 1: f = bitsf((uint32_t)(rng() & 0x807FFFFFu)); break;                 /* F32 subnormal */
            case 2: f = bitsf(0x7FC00000u | (uint32_t)(rng() & 0x3FFFFF)); break;       /* NaN */
            case 3: f = (rng() & 1) ? INFINITY : -INFINITY; break;
            case 4: f = ldexpf((float)(rng() % 1024), -24) * ((rng() & 1) ? 1 : -1); break;   /* F16 subnormal range */
            case 5: f = 65504.0f * ((rng() & 1) ? 1 : -1); break;                       /* F16 max */
            case 6: f = bitsf(0x387FFFFFu + (uint32_t)(rng() % 3)); break;              /* near 2^-14 */
            case 7: f = bitsf((uint32_t)rng()); break;                                  /* any bits */
            default: f = nd(rng); break;
        }
        if (type == SMEZO_TYPE_F32) {
            memcpy(&w[i * 4], &f, 4);
        } else {
            uint16_t h;
            if (rng() % 8 == 0) h = (uint16_t)rng();                                    /* any 16-bit pattern */
            else h = (uint16_t)(type == SMEZO_TYPE_F16 ? smzc_f32_to_f16(f) : smzc_f32_to_bf16(f));
            memcpy(&w[i * 2], &h, 2);
        }
    }
    return w;
}

static smezo_tensor_cfg make_cfg(int mode) {
    smezo_tensor_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tensor_id = (uint32_t)rng();
    cfg.mask_mode = mode;
    cfg.threshold = std::uniform_real_distribution<float>(0.0f, 0.1f)(rng);
    cfg.keep_rate = std::uniform_real_distribution<float>(0.0f, 1.0f)(rng);
    cfg.mask_seed = rng();
    return cfg;
}

static float pick_c() {
    static const float cs[] = {1e-3f, -1e-3f, 0.0f, 2.5e-2f, -7.0f, 1e-30f, 3e4f};
    return cs[rng() % (sizeof cs / sizeof cs[0])];
}

/* The groups a kernel launch over [start, end) visits, in a shuffled order (threads run in any order). */
static std::vector<int64_t> groups(int64_t start, int64_t end) {
    std::vector<int64_t> g;
    for (int64_t i = start / SMZC_GROUP; i < (end + SMZC_GROUP - 1) / SMZC_GROUP; i++) g.push_back(i);
    std::shuffle(g.begin(), g.end(), rng);
    return g;
}

template <int T, int M>
static void emu_perturb(const void * w, void * out, int64_t start, int64_t end, const smezo_tensor_cfg & cfg, uint64_t seed,
                        float c, bool vec) {
    for (int64_t g : groups(start, end)) smzc_perturb_group<T, M>(w, out, g, start, end, cfg, seed, c, vec);
}

template <int T, int M>
static void emu_update(void * w, int64_t start, int64_t end, const smezo_tensor_cfg & cfg, uint64_t seed, float c, float b,
                       bool vec) {
    for (int64_t g : groups(start, end)) smzc_update_group<T, M>(w, g, start, end, cfg, seed, c, b, vec);
}

#define BY_TYPE_MODE(type, mode, FN, ...)                                                                    \
    do {                                                                                                     \
        if ((type) == 0) { if ((mode) == 0) FN<0, 0>(__VA_ARGS__); else if ((mode) == 1) FN<0, 1>(__VA_ARGS__); else if ((mode) == 2) FN<0, 2>(__VA_ARGS__); else FN<0, 3>(__VA_ARGS__); } \
        else if ((type) == 1) { if ((mode) == 0) FN<1, 0>(__VA_ARGS__); else if ((mode) == 1) FN<1, 1>(__VA_ARGS__); else if ((mode) == 2) FN<1, 2>(__VA_ARGS__); else FN<1, 3>(__VA_ARGS__); } \
        else { if ((mode) == 0) FN<30, 0>(__VA_ARGS__); else if ((mode) == 1) FN<30, 1>(__VA_ARGS__); else if ((mode) == 2) FN<30, 2>(__VA_ARGS__); else FN<30, 3>(__VA_ARGS__); } \
    } while (0)

static void test_noise(int cases) {
    for (int k = 0; k < cases; k++) {
        uint64_t seed = rng();
        uint32_t tid = (uint32_t)rng();
        /* indices up to 2^40: the block's high counter word is exercised */
        int64_t start = (k % 3 == 0) ? (int64_t)(rng() % 1000) : (int64_t)(rng() & ((1ull << 40) - 1));
        int64_t n = 1 + (int64_t)(rng() % 3000);
        std::vector<float> ref(n), emu(n);
        smezo_noise_range(seed, tid, start, start + n, ref.data());
        for (int64_t b = start >> 2; b < (start + n + 3) >> 2; b++) {
            float z[4];
            smzc_noise4(seed, tid, (uint64_t)b, z);
            for (int l = 0; l < 4; l++) {
                int64_t i = 4 * b + l;
                if (i >= start && i < start + n) emu[i - start] = z[l];
            }
        }
        char what[160];
        snprintf(what, sizeof what, "noise seed=%" PRIu64 " tid=%u start=%" PRId64 " n=%" PRId64, seed, tid, start, n);
        check(memcmp(ref.data(), emu.data(), n * 4) == 0, what);
    }
}

/* Case k of the perturb and update tests: every type x mode in turn, a random range of random weights. */
struct kernel_case {
    int32_t type;
    int mode;
    size_t esz;
    int64_t n, start, end;
    std::vector<uint8_t> w;
    smezo_tensor_cfg cfg;
    uint64_t seed;
};

static kernel_case make_case(int k) {
    static const int32_t types[] = {SMEZO_TYPE_F32, SMEZO_TYPE_F16, SMEZO_TYPE_BF16};
    kernel_case t;
    t.type = types[k % 3];
    t.mode = (k / 3) % 4;
    t.esz = t.type == SMEZO_TYPE_F32 ? 4 : 2;
    t.n = 1 + (int64_t)(rng() % 5000);
    t.start = (k % 4 == 0) ? 0 : (int64_t)(rng() % t.n);
    t.end = (k % 4 == 0) ? t.n : t.start + 1 + (int64_t)(rng() % (t.n - t.start));
    t.w = make_weights(t.type, t.n);
    t.cfg = make_cfg(t.mode);
    t.seed = rng();
    return t;
}

static void test_perturb(int cases) {
    for (int k = 0; k < cases; k++) {
        const auto [type, mode, esz, n, start, end, w, cfg, seed] = make_case(k);
        float c = pick_c();
        /* 16-byte aligned outputs, pre-filled with the same garbage (untouched outside [start, end)) */
        std::vector<uint8_t> gar(n * esz);
        for (auto & x : gar) x = (uint8_t)rng();
        alignas(16) static uint8_t ref[5000 * 4 + 64], emu[5000 * 4 + 64], emu2[5000 * 4 + 64], wa[5000 * 4 + 64];
        memcpy(wa, w.data(), n * esz);
        memcpy(ref, gar.data(), n * esz);
        memcpy(emu, gar.data(), n * esz);
        memcpy(emu2, gar.data(), n * esz);
        smezo_perturb_range(wa, ref, type, start, end, &cfg, seed, c);
        BY_TYPE_MODE(type, mode, emu_perturb, wa, emu, start, end, cfg, seed, c, true);
        BY_TYPE_MODE(type, mode, emu_perturb, wa, emu2, start, end, cfg, seed, c, false);
        char what[200];
        snprintf(what, sizeof what, "perturb type=%d mode=%d n=%" PRId64 " [%" PRId64 ",%" PRId64 ") c=%g", type, mode, n,
                 start, end, (double)c);
        check(memcmp(ref, emu, n * esz) == 0, what);
        check(memcmp(ref, emu2, n * esz) == 0, what);
    }
}

static void test_update(int cases) {
    for (int k = 0; k < cases; k++) {
        const auto [type, mode, esz, n, start, end, w, cfg, seed] = make_case(k);
        float c = pick_c() * 1e-3f;
        float b = (k % 5 == 0) ? 0.0f : 1e-4f * (float)(rng() % 100);
        alignas(16) static uint8_t ref[5000 * 4 + 64], emu[5000 * 4 + 64], emu2[5000 * 4 + 64];
        memcpy(ref, w.data(), n * esz);
        memcpy(emu, w.data(), n * esz);
        memcpy(emu2, w.data(), n * esz);
        smezo_update_range(ref, type, start, end, &cfg, seed, c, b);
        BY_TYPE_MODE(type, mode, emu_update, emu, start, end, cfg, seed, c, b, true);
        BY_TYPE_MODE(type, mode, emu_update, emu2, start, end, cfg, seed, c, b, false);
        char what[200];
        snprintf(what, sizeof what, "update type=%d mode=%d n=%" PRId64 " [%" PRId64 ",%" PRId64 ") c=%g b=%g", type, mode,
                 n, start, end, (double)c, (double)b);
        check(memcmp(ref, emu, n * esz) == 0, what);
        check(memcmp(ref, emu2, n * esz) == 0, what);
    }
}

template <int M>
static void emu_rows(const float * rows, const int32_t * ids, float * out, int64_t ne0, int64_t n_rows,
                     const smezo_tensor_cfg & cfg, uint64_t seed, float c, bool vec) {
    std::vector<std::pair<int64_t, int64_t>> work;
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t nb = smzc_row_blocks((int64_t)ids[r] * ne0, ne0);
        for (int64_t j = 0; j < nb; j++) work.push_back({r, j});
    }
    std::shuffle(work.begin(), work.end(), rng);
    for (auto & rj : work) smzc_rows_block<M>(rows, ids, out, ne0, rj.first, rj.second, cfg, seed, c, vec);
}

static void test_rows(int cases) {
    const int64_t ne0s[] = {4096, 6656, 6, 13, 1, 5120, 288};
    for (int k = 0; k < cases; k++) {
        int mode = k % 4;
        int64_t ne0 = ne0s[k % 7];
        int64_t n_rows = 1 + (int64_t)(rng() % 9);
        int64_t vocab = 32000;
        std::vector<int32_t> ids(n_rows);
        for (auto & id : ids) id = (int32_t)(rng() % vocab);
        std::vector<uint8_t> rw = make_weights(SMEZO_TYPE_F32, ne0 * n_rows);
        std::vector<float> rows(ne0 * n_rows), ref(ne0 * n_rows, 0.0f), emu(ne0 * n_rows, 0.0f), emu2(ne0 * n_rows, 0.0f);
        memcpy(rows.data(), rw.data(), ne0 * n_rows * 4);
        smezo_tensor_cfg cfg = make_cfg(mode);
        uint64_t seed = rng();
        float c = pick_c();
        smezo_perturb_rows_range(rows.data(), ids.data(), ref.data(), ne0, 0, n_rows, &cfg, seed, c);
        smezo_tensor_cfg sc = cfg;
        bool vec = (ne0 & 3) == 0;
        if (mode == 0) { emu_rows<0>(rows.data(), ids.data(), emu.data(), ne0, n_rows, sc, seed, c, vec); emu_rows<0>(rows.data(), ids.data(), emu2.data(), ne0, n_rows, sc, seed, c, false); }
        if (mode == 1) { emu_rows<1>(rows.data(), ids.data(), emu.data(), ne0, n_rows, sc, seed, c, vec); emu_rows<1>(rows.data(), ids.data(), emu2.data(), ne0, n_rows, sc, seed, c, false); }
        if (mode == 2) { emu_rows<2>(rows.data(), ids.data(), emu.data(), ne0, n_rows, sc, seed, c, vec); emu_rows<2>(rows.data(), ids.data(), emu2.data(), ne0, n_rows, sc, seed, c, false); }
        if (mode == 3) { emu_rows<3>(rows.data(), ids.data(), emu.data(), ne0, n_rows, sc, seed, c, vec); emu_rows<3>(rows.data(), ids.data(), emu2.data(), ne0, n_rows, sc, seed, c, false); }
        char what[160];
        snprintf(what, sizeof what, "rows mode=%d ne0=%" PRId64 " n_rows=%" PRId64, mode, ne0, n_rows);
        check(memcmp(ref.data(), emu.data(), ne0 * n_rows * 4) == 0, what);
        check(memcmp(ref.data(), emu2.data(), ne0 * n_rows * 4) == 0, what);
    }
}

/* Every F16 and BF16 bit pattern through the conversions; a sweep of floats through f32 -> 16-bit. */
static void test_conversions() {
    /* The CPU side of these is static in libsmezo: go through the public kernels with c = 0 and a dense
     * mask (out = round(w + 0*z) = round(w) for finite w), which covers f16/bf16 -> f32 -> f16/bf16. */
    for (int32_t type : {SMEZO_TYPE_F16, SMEZO_TYPE_BF16}) {
        std::vector<uint16_t> all(65536), ref(65536), emu(65536);
        for (int i = 0; i < 65536; i++) all[i] = (uint16_t)i;
        smezo_tensor_cfg cfg = make_cfg(SMEZO_MASK_DENSE);
        smezo_perturb_range(all.data(), ref.data(), type, 0, 65536, &cfg, 7, 0.0f);
        smezo_tensor_cfg sc = cfg;
        if (type == SMEZO_TYPE_F16) emu_perturb<1, 0>(all.data(), emu.data(), 0, 65536, sc, 7, 0.0f, false);
        else emu_perturb<30, 0>(all.data(), emu.data(), 0, 65536, sc, 7, 0.0f, false);
        check(memcmp(ref.data(), emu.data(), sizeof(uint16_t) * 65536) == 0, type == 1 ? "all f16 patterns" : "all bf16 patterns");
    }
    /* f32 -> 16-bit round to nearest even (libsmezo keeps it static; its kernels rarely meet exact ties):
     * the emulator's conversions against independent references over a sweep of float bit patterns. */
    int bad = 0;
    for (uint64_t u = 0; u < (1ull << 32); u += 4099) {
        float f = bitsf((uint32_t)u);
        uint32_t h = smzc_f32_to_f16(f);
        if (isnan(f)) continue;
        /* reference: round |f| to a multiple of the f16 ulp, ties to even */
        double a = fabs((double)f);
        uint32_t ref;
        if (a >= 65520.0) ref = 0x7C00u;
        else {
            int e; frexp(a, &e);                 /* a = m * 2^e, m in [0.5, 1) */
            int ue = e - 11 < -24 ? -24 : e - 11;   /* ulp exponent: 2^(e-11) for normals, 2^-24 for subnormals */
            double q = a / ldexp(1.0, ue);
            double r = nearbyint(q);              /* ties to even (default rounding mode) */
            double v = r * ldexp(1.0, ue);
            /* encode v as f16 */
            if (v == 0) ref = 0;
            else if (v < ldexp(1.0, -14)) ref = (uint32_t)(v / ldexp(1.0, -24));
            else { int ve; double vm = frexp(v, &ve); ref = (uint32_t)((ve - 1 + 15) << 10) | (uint32_t)((vm * 2 - 1) * 1024); }
        }
        ref |= (fbits(f) >> 16) & 0x8000u;
        if (ref != h) bad++;
    }
    check(bad == 0, "f32 -> f16 round to nearest even against a double-precision reference");
    /* f32 -> bf16: round the 32-bit pattern's top half, ties (low half 0x8000) to even; NaN quiet. The
     * stride is odd, so every low-half residue, ties included, is visited. */
    bad = 0;
    for (uint64_t u = 0; u < (1ull << 32); u += 4099) {
        uint32_t x = (uint32_t)u, q = x >> 16, r = x & 0xFFFFu;
        uint32_t ref = (x & 0x7FFFFFFFu) > 0x7F800000u ? (q | 0x40u) : q + (r > 0x8000u || (r == 0x8000u && (q & 1u)));
        if ((ref & 0xFFFFu) != smzc_f32_to_bf16(bitsf(x))) bad++;
    }
    check(bad == 0, "f32 -> bf16 round to nearest even against an integer reference");
}

int main(int argc, char ** argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 300;
    test_noise(cases);
    test_perturb(cases);
    test_update(cases);
    test_rows(cases / 3 + 7);
    test_conversions();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
