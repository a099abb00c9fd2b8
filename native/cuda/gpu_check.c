/*
 * GPU check (needs a CUDA device): the CUDA kernels against libsmezo's CPU kernels, bit for bit, and the
 * ggml-cuda patch end to end (custom ops dispatched by the CUDA backend, supports_op, in-place update).
 * Built and run by benchmarks/gpu/run-on-gpu.sh; prints "N passed, N failed" and exits non-zero on a
 * failure. Also prints the kernels' throughput on a LLaMA-30B FFN-sized F16 tensor.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cuda_runtime_api.h>

#include "ggml.h"
#include "ggml-alloc.h"
#include "ggml-backend.h"
#include "ggml-cuda.h"
#include "smezo.h"
#include "smezo_cuda.h"

static int passed, failed;

static void check(int ok, const char * what) {
    if (ok) passed++;
    else {
        failed++;
        fprintf(stderr, "FAILED: %s\n", what);
    }
}

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {   /* splitmix64 */
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float frand(void) { return (float)(rnd() >> 40) * 0x1p-24f; }

static float bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* Weights with special values in (as emulate_test.cpp). */
static void fill_weights(void * w, int32_t type, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        uint64_t r = rnd();
        float f;
        switch (r % 16) {
            case 0: f = 0.0f; break;
            case 1: f = bitsf((uint32_t)(r >> 20) & 0x807FFFFFu); break;
            case 2: f = NAN; break;
            case 3: f = (r & 16) ? INFINITY : -INFINITY; break;
            case 4: f = ldexpf((float)((r >> 8) % 1024), -24); break;
            case 5: f = 65504.0f; break;
            case 6: f = bitsf(0x387FFFFFu + (uint32_t)((r >> 8) % 3)); break;
            case 7: f = bitsf((uint32_t)(r >> 32)); break;
            default: f = (frand() - 0.5f) * 0.1f; break;
        }
        if (type == SMEZO_TYPE_F32) ((float *)w)[i] = f;
        else if (r % 7 == 0) ((uint16_t *)w)[i] = (uint16_t)(r >> 40);
        else if (type == SMEZO_TYPE_F16) ((uint16_t *)w)[i] = ggml_fp32_to_fp16(f);
        else ((uint16_t *)w)[i] = ggml_fp32_to_bf16(f).bits;
    }
}

static smezo_tensor_cfg make_cfg(int mode) {
    smezo_tensor_cfg c;
    memset(&c, 0, sizeof c);
    c.tensor_id = (uint32_t)rnd();
    c.mask_mode = mode;
    c.threshold = frand() * 0.1f;
    c.keep_rate = frand();
    c.mask_seed = rnd();
    return c;
}

#define CUDA_OK(call, what) do { int32_t e_ = (call); if (e_ != 0) { fprintf(stderr, "%s: %s\n", what, smezo_cuda_error_string(e_)); check(0, what); } } while (0)

static void kernel_checks(void) {
    const int32_t types[] = {SMEZO_TYPE_F32, SMEZO_TYPE_F16, SMEZO_TYPE_BF16};
    char what[200];
    /* noise, including counters past 2^32 blocks */
    for (int k = 0; k < 20; k++) {
        uint64_t seed = rnd();
        uint32_t tid = (uint32_t)rnd();
        int64_t start = k % 2 ? (int64_t)(rnd() & ((1ull << 40) - 1)) : (int64_t)(rnd() % 100);
        int64_t n = 1 + (int64_t)(rnd() % 200000);
        float * a = malloc(n * 4), * b = malloc(n * 4);
        smezo_noise_range(seed, tid, start, start + n, a);
        CUDA_OK(smezo_cuda_test_noise(seed, tid, start, start + n, b), "cuda noise");
        snprintf(what, sizeof what, "noise start=%" PRId64 " n=%" PRId64, start, n);
        check(memcmp(a, b, n * 4) == 0, what);
        free(a); free(b);
    }
    for (int k = 0; k < 54; k++) {
        int32_t type = types[k % 3];
        int mode = (k / 3) % 4;   /* dense, magnitude, random, large */
        size_t esz = type == SMEZO_TYPE_F32 ? 4 : 2;
        int64_t n = k < 27 ? 1 + (int64_t)(rnd() % 100000) : 1 + (int64_t)(rnd() % 3000000);
        int64_t start = k % 4 ? (int64_t)(rnd() % n) : 0;
        int64_t end = k % 4 ? start + 1 + (int64_t)(rnd() % (n - start)) : n;
        void * w = malloc(n * esz), * a = malloc(n * esz), * b = malloc(n * esz);
        fill_weights(w, type, n);
        memset(a, 0x5A, n * esz);
        memset(b, 0x5A, n * esz);
        smezo_tensor_cfg cfg = make_cfg(mode);
        uint64_t seed = rnd();
        float c = (k % 5 == 0) ? -1e-3f : 1e-3f * (float)(1 + k % 7);
        smezo_perturb_range(w, a, type, start, end, &cfg, seed, c);
        CUDA_OK(smezo_cuda_test_perturb(w, b, type, n, start, end, &cfg, seed, c), "cuda perturb");
        snprintf(what, sizeof what, "perturb type=%d mode=%d n=%" PRId64 " [%" PRId64 ",%" PRId64 ")", type, mode, n, start, end);
        check(memcmp(a, b, n * esz) == 0, what);
        /* update */
        memcpy(a, w, n * esz);
        memcpy(b, w, n * esz);
        float bb = (k % 3 == 0) ? 0.0f : 1e-4f;
        smezo_update_range(a, type, start, end, &cfg, seed, c * 1e-2f, bb);
        CUDA_OK(smezo_cuda_test_update(b, type, n, start, end, &cfg, seed, c * 1e-2f, bb), "cuda update");
        snprintf(what, sizeof what, "update type=%d mode=%d n=%" PRId64 " [%" PRId64 ",%" PRId64 ")", type, mode, n, start, end);
        check(memcmp(a, b, n * esz) == 0, what);
        free(w); free(a); free(b);
    }
    const int64_t ne0s[] = {4096, 6656, 6, 13, 288};
    for (int k = 0; k < 15; k++) {
        int mode = k % 4;
        int64_t ne0 = ne0s[k % 5], n_rows = 1 + (int64_t)(rnd() % 300);
        float * rows = malloc(ne0 * n_rows * 4), * a = calloc(ne0 * n_rows, 4), * b = calloc(ne0 * n_rows, 4);
        int32_t * ids = malloc(n_rows * 4);
        fill_weights(rows, SMEZO_TYPE_F32, ne0 * n_rows);
        for (int64_t r = 0; r < n_rows; r++) ids[r] = (int32_t)(rnd() % 32000);
        smezo_tensor_cfg cfg = make_cfg(mode);
        uint64_t seed = rnd();
        smezo_perturb_rows_range(rows, ids, a, ne0, 0, n_rows, &cfg, seed, 1e-3f);
        CUDA_OK(smezo_cuda_test_perturb_rows(rows, ids, b, ne0, n_rows, &cfg, seed, 1e-3f), "cuda rows");
        snprintf(what, sizeof what, "rows mode=%d ne0=%" PRId64 " n_rows=%" PRId64, mode, ne0, n_rows);
        check(memcmp(a, b, ne0 * n_rows * 4) == 0, what);
        free(rows); free(a); free(b); free(ids);
    }
}

static void set_params(struct ggml_tensor * p, uint64_t seed, float c, float b) {
    uint32_t v[SMEZO_PARAMS_N];
    smezo_params_pack(seed, c, b, v);
    ggml_backend_tensor_set(p, v, 0, sizeof v);
}

static void unregistered_op(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    (void)dst; (void)ith; (void)nth; (void)userdata;
}

/* The patch end to end: a graph of custom ops on the CUDA backend, compared with the CPU kernels. */
static void ggml_checks(void) {
    ggml_backend_t be = ggml_backend_cuda_init(0);
    check(be != NULL, "ggml_backend_cuda_init(0)");
    if (be == NULL) return;
    const int64_t ne0 = 4096, ne1 = 1000, n_ids = 37;
    struct ggml_init_params ip = {ggml_tensor_overhead() * 64 + ggml_graph_overhead(), NULL, true};
    struct ggml_context * wctx = ggml_init(ip);
    struct ggml_tensor * w16 = ggml_new_tensor_2d(wctx, GGML_TYPE_F16, ne0, ne1);
    struct ggml_tensor * emb = ggml_new_tensor_2d(wctx, GGML_TYPE_F32, ne0, ne1);
    ggml_backend_buffer_t wbuf = ggml_backend_alloc_ctx_tensors(wctx, be);
    ggml_backend_buffer_set_usage(wbuf, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    uint16_t * hw = malloc(ne0 * ne1 * 2);
    float * he = malloc(ne0 * ne1 * 4);
    fill_weights(hw, SMEZO_TYPE_F16, ne0 * ne1);
    for (int64_t i = 0; i < ne0 * ne1; i++) he[i] = (frand() - 0.5f) * 0.1f;
    ggml_backend_tensor_set(w16, hw, 0, ne0 * ne1 * 2);
    ggml_backend_tensor_set(emb, he, 0, ne0 * ne1 * 4);

    smezo_tensor_cfg * cfg = malloc(sizeof *cfg);
    *cfg = make_cfg(SMEZO_MASK_MAGNITUDE);
    cfg->threshold = 0.03f;
    struct ggml_context * ctx = ggml_init(ip);
    struct ggml_tensor * params = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, 8);
    ggml_set_input(params);
    struct ggml_tensor * ids = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n_ids);
    ggml_set_input(ids);
    struct ggml_tensor * args[3] = {w16, params, NULL};
    struct ggml_tensor * pw = ggml_custom_4d(ctx, GGML_TYPE_F16, ne0, ne1, 1, 1, args, 2, smezo_op_perturb, GGML_N_TASKS_MAX, cfg);
    ggml_set_output(pw);
    struct ggml_tensor * rows = ggml_get_rows(ctx, emb, ids);
    struct ggml_tensor * rargs[3] = {rows, ids, params};
    struct ggml_tensor * pr = ggml_custom_4d(ctx, GGML_TYPE_F32, ne0, n_ids, 1, 1, rargs, 3, smezo_op_perturb_rows, GGML_N_TASKS_MAX, cfg);
    ggml_set_output(pr);
    struct ggml_cgraph * gf = ggml_new_graph(ctx);
    ggml_build_forward_expand(gf, pw);
    ggml_build_forward_expand(gf, pr);

    check(!ggml_backend_supports_op(be, pw), "supports_op false before registration");
    check(smezo_cuda_register() == 1, "smezo_cuda_register");
    check(smezo_cuda_register() == 1, "smezo_cuda_register twice");
    check(ggml_backend_supports_op(be, pw), "supports_op(perturb)");
    check(ggml_backend_supports_op(be, pr), "supports_op(perturb_rows)");
    struct ggml_tensor * other = ggml_custom_4d(ctx, GGML_TYPE_F16, ne0, ne1, 1, 1, args, 2, unregistered_op, 1, cfg);
    check(!ggml_backend_supports_op(be, other), "supports_op false for an unregistered custom op");

    ggml_gallocr_t ga = ggml_gallocr_new(ggml_backend_get_default_buffer_type(be));
    check(ggml_gallocr_alloc_graph(ga, gf), "gallocr");
    int32_t hids[37];
    for (int i = 0; i < n_ids; i++) hids[i] = (int32_t)(rnd() % ne1);
    ggml_backend_tensor_set(ids, hids, 0, sizeof hids);
    uint64_t seed = rnd();
    uint16_t * ref = malloc(ne0 * ne1 * 2), * got = malloc(ne0 * ne1 * 2);
    float * rrows = malloc(ne0 * n_ids * 4), * rref = malloc(ne0 * n_ids * 4), * rgot = malloc(ne0 * n_ids * 4);
    for (int rep = 0; rep < 3; rep++) {   /* same graph, new params each time (no rebuild, no CUDA graph) */
        float c = rep == 1 ? -1e-2f : 1e-2f;
        set_params(params, seed + (uint64_t)rep, c, 0.0f);
        check(ggml_backend_graph_compute(be, gf) == GGML_STATUS_SUCCESS, "graph compute");
        ggml_backend_tensor_get(pw, got, 0, ne0 * ne1 * 2);
        smezo_perturb_range(hw, ref, SMEZO_TYPE_F16, 0, ne0 * ne1, cfg, seed + (uint64_t)rep, c);
        check(memcmp(ref, got, ne0 * ne1 * 2) == 0, "graph perturb == CPU kernel");
        for (int r = 0; r < n_ids; r++) memcpy(rrows + r * ne0, he + (int64_t)hids[r] * ne0, ne0 * 4);
        smezo_perturb_rows_range(rrows, hids, rref, ne0, 0, n_ids, cfg, seed + (uint64_t)rep, c);
        ggml_backend_tensor_get(pr, rgot, 0, ne0 * n_ids * 4);
        check(memcmp(rref, rgot, ne0 * n_ids * 4) == 0, "graph perturb_rows == CPU kernel");
    }
    uint16_t * after = malloc(ne0 * ne1 * 2);
    ggml_backend_tensor_get(w16, after, 0, ne0 * ne1 * 2);
    check(memcmp(after, hw, ne0 * ne1 * 2) == 0, "forwards leave W untouched");

    /* in-place update graph */
    struct ggml_context * uctx = ggml_init(ip);
    struct ggml_tensor * up = ggml_new_tensor_1d(uctx, GGML_TYPE_I32, 8);
    ggml_set_input(up);
    struct ggml_tensor * uargs[1] = {up};
    struct ggml_tensor * u = ggml_custom_inplace(uctx, w16, uargs, 1, smezo_op_update, GGML_N_TASKS_MAX, cfg);
    struct ggml_cgraph * gu = ggml_new_graph(uctx);
    ggml_build_forward_expand(gu, u);
    ggml_gallocr_t gau = ggml_gallocr_new(ggml_backend_get_default_buffer_type(be));
    check(ggml_gallocr_alloc_graph(gau, gu), "gallocr update");
    memcpy(ref, hw, ne0 * ne1 * 2);
    for (int step = 0; step < 5; step++) {
        set_params(up, seed + 100 + (uint64_t)step, -3e-4f * (float)(step + 1), 1e-5f);
        check(ggml_backend_graph_compute(be, gu) == GGML_STATUS_SUCCESS, "update compute");
        smezo_update_range(ref, SMEZO_TYPE_F16, 0, ne0 * ne1, cfg, seed + 100 + (uint64_t)step, -3e-4f * (float)(step + 1), 1e-5f);
    }
    ggml_backend_tensor_get(w16, after, 0, ne0 * ne1 * 2);
    check(memcmp(after, ref, ne0 * ne1 * 2) == 0, "5 in-place updates == CPU kernel");

    ggml_gallocr_free(gau);
    ggml_gallocr_free(ga);
    ggml_free(uctx);
    ggml_free(ctx);
    ggml_backend_buffer_free(wbuf);
    ggml_free(wctx);
    ggml_backend_free(be);
    free(hw); free(he); free(ref); free(got); free(rrows); free(rref); free(rgot); free(after); free(cfg);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Throughput of the kernels on a 6656 x 17920 F16 tensor (a LLaMA-30B FFN matrix). */
static void bench(void) {
    ggml_backend_t be = ggml_backend_cuda_init(0);
    if (be == NULL) return;
    const int64_t n = 6656LL * 17920LL;
    struct ggml_init_params ip = {ggml_tensor_overhead() * 8, NULL, true};
    struct ggml_context * ctx = ggml_init(ip);
    struct ggml_tensor * w = ggml_new_tensor_1d(ctx, GGML_TYPE_F16, n);
    struct ggml_tensor * o = ggml_new_tensor_1d(ctx, GGML_TYPE_F16, n);
    struct ggml_tensor * p = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, 8);
    ggml_backend_buffer_t buf = ggml_backend_alloc_ctx_tensors(ctx, be);
    ggml_backend_buffer_clear(buf, 0);
    set_params(p, 1234, 1e-3f, 0.0f);
    cudaDeviceSynchronize();
    for (int mode = 0; mode < 4; mode++) {
        smezo_tensor_cfg cfg = make_cfg(mode);
        for (int op = 0; op < 2; op++) {
            int reps = 20;
            for (int r = 0; r < 2; r++) {   /* warm-up */
                if (op == 0) smezo_cuda_perturb_range(w->data, o->data, SMEZO_TYPE_F16, 0, n, &cfg, (const uint32_t *)p->data, NULL);
                else smezo_cuda_update_range(w->data, SMEZO_TYPE_F16, 0, n, &cfg, (const uint32_t *)p->data, NULL);
            }
            cudaDeviceSynchronize();
            double t0 = now_s();
            for (int r = 0; r < reps; r++) {
                if (op == 0) smezo_cuda_perturb_range(w->data, o->data, SMEZO_TYPE_F16, 0, n, &cfg, (const uint32_t *)p->data, NULL);
                else smezo_cuda_update_range(w->data, SMEZO_TYPE_F16, 0, n, &cfg, (const uint32_t *)p->data, NULL);
            }
            cudaDeviceSynchronize();   /* the launches went to the default stream */
            double dt = (now_s() - t0) / reps;
            printf("bench %s F16 mask=%d: %.3f ms, %.1f Gelem/s, %.0f GB/s (read+write)\n", op == 0 ? "perturb" : "update ",
                   mode, dt * 1e3, (double)n / dt * 1e-9, 4.0 * (double)n / dt * 1e-9);
        }
    }
    ggml_backend_buffer_free(buf);
    ggml_free(ctx);
    ggml_backend_free(be);
}

int main(int argc, char ** argv) {
    int do_bench = argc > 1 && strcmp(argv[1], "--bench") == 0;
    kernel_checks();
    ggml_checks();
    if (do_bench) bench();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
