/*
 * Throughput of libsmezo's perturbation and update kernels beside memcpy of the same bytes.
 * GB/s counts bytes of W read + bytes written (2 * n * element size), as for memcpy (n * size read
 * and written). Threads split the range like ggml's ith/nth split (64-aligned shares).
 * Usage: perturb_bench [n_elements] [reps]     (prints a markdown table)
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smezo.h"

typedef enum { K_MEMCPY, K_PERTURB, K_UPDATE, K_NOISE } kernel;

typedef struct {
    kernel k;
    int32_t type;
    void * w;
    void * out;
    int64_t start, end;
    const smezo_tensor_cfg * cfg;
} job;

static size_t esize(int32_t t) { return t == SMEZO_TYPE_F32 ? 4 : 2; }

static void * run_job(void * arg) {
    job * j = arg;
    size_t es = esize(j->type);
    switch (j->k) {
    case K_MEMCPY:
        memcpy((char *)j->out + j->start * es, (char *)j->w + j->start * es, (size_t)(j->end - j->start) * es);
        break;
    case K_PERTURB:
        smezo_perturb_range(j->w, j->out, j->type, j->start, j->end, j->cfg, 0x1234567887654321ull, 1e-3f);
        break;
    case K_UPDATE:
        smezo_update_range(j->w, j->type, j->start, j->end, j->cfg, 0x1234567887654321ull, 1e-7f, 0.0f);
        break;
    case K_NOISE:
        smezo_noise_range(42, 7, j->start, j->end, (float *)j->out + j->start);
        break;
    }
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best-of-reps wall time of one kernel over n elements with nt threads. */
static double time_kernel(kernel k, int32_t type, void * w, void * out, int64_t n, const smezo_tensor_cfg * cfg,
                          int nt, int reps) {
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        job jobs[8];
        pthread_t th[8];
        int64_t per = ((n + nt - 1) / nt + 63) / 64 * 64;
        for (int t = 0; t < nt; t++) {
            int64_t s = t * per, e = s + per;
            jobs[t] = (job){ k, type, w, out, s < n ? s : n, e < n ? e : n, cfg };
        }
        double t0 = now();
        for (int t = 1; t < nt; t++) pthread_create(&th[t], NULL, run_job, &jobs[t]);
        run_job(&jobs[0]);
        for (int t = 1; t < nt; t++) pthread_join(th[t], NULL);
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    return best;
}

static uint16_t to_f16(float f) {  /* test data only */
    return (uint16_t)_cvtss_sh(f, 0);
}

int main(int argc, char ** argv) {
    int64_t n = argc > 1 ? atoll(argv[1]) : (int64_t)1 << 24;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    float * wf = aligned_alloc(64, (size_t)n * 4);
    float * of = aligned_alloc(64, (size_t)n * 4);
    uint16_t * wh = aligned_alloc(64, (size_t)n * 2);
    uint16_t * oh = aligned_alloc(64, (size_t)n * 2);
    smezo_noise_range(1, 0, 0, n, wf);
    for (int64_t i = 0; i < n; i++) { wf[i] *= 0.02f; wh[i] = to_f16(wf[i]); }
    memset(of, 0, (size_t)n * 4);
    memset(oh, 0, (size_t)n * 2);

    printf("n = %lld elements, best of %d\n\n", (long long)n, reps);
    printf("| kernel | type | mask | threads | ms | GB/s (W read + written) | vs memcpy |\n");
    printf("|---|---|---|---|---|---|---|\n");
    int32_t types[2] = { SMEZO_TYPE_F32, SMEZO_TYPE_F16 };
    for (int ti = 0; ti < 2; ti++) {
        int32_t type = types[ti];
        void * w = type == SMEZO_TYPE_F32 ? (void *)wf : (void *)wh;
        void * out = type == SMEZO_TYPE_F32 ? (void *)of : (void *)oh;
        const char * tn = type == SMEZO_TYPE_F32 ? "F32" : "F16";
        smezo_tensor_cfg dense = { 3, SMEZO_MASK_DENSE, 0, 0, 0 };
        smezo_tensor_cfg mag = { 3, SMEZO_MASK_MAGNITUDE, 0, 0, 0 };
        mag.threshold = smezo_magnitude_threshold(w, type, n, 0.2, 2);
        smezo_tensor_cfg rnd = { 3, SMEZO_MASK_RANDOM, 0, 0.2f, 99 };
        double bytes = 2.0 * (double)n * (double)esize(type);
        for (int nt = 1; nt <= 2; nt++) {
            double tm = time_kernel(K_MEMCPY, type, w, out, n, NULL, nt, reps);
            printf("| memcpy | %s | - | %d | %.2f | %.1f | 1.00 |\n", tn, nt, tm * 1e3, bytes / tm * 1e-9);
            struct { kernel k; const char * kn; const smezo_tensor_cfg * cfg; const char * mn; } rows[] = {
                { K_PERTURB, "perturb", &dense, "dense" },
                { K_PERTURB, "perturb", &mag, "magnitude 0.2" },
                { K_PERTURB, "perturb", &rnd, "random 0.2" },
                { K_UPDATE, "update", &dense, "dense" },
                { K_UPDATE, "update", &mag, "magnitude 0.2" },
            };
            for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
                double t = time_kernel(rows[r].k, type, w, out, n, rows[r].cfg, nt, reps);
                printf("| %s | %s | %s | %d | %.2f | %.1f | %.2f |\n", rows[r].kn, tn, rows[r].mn, nt, t * 1e3,
                       bytes / t * 1e-9, tm / t);
            }
        }
    }
    double tz = time_kernel(K_NOISE, SMEZO_TYPE_F32, NULL, of, n, NULL, 1, reps);
    printf("\nnoise_range alone, 1 thread: %.2f ns/element (%.0f M z/s)\n", tz / n * 1e9, n / tz * 1e-6);
    free(wf); free(of); free(wh); free(oh);
    return 0;
}
