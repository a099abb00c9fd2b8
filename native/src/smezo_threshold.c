/*
 * smezo_magnitude_threshold: exact selection of the k-th smallest |w| by radix histograms over the
 * bits of |w| (for non-negative floats, and for 16-bit floats, bit order is numeric order, with NaN
 * after +inf). F32: a 15-bit histogram of the high bits, then a 16-bit histogram of the low bits of
 * the elements in the selected bucket. F16/BF16: one 15-bit histogram. No sort, no copy of w.
 */
#define _GNU_SOURCE
#include "smezo_impl.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#define SMZ_HIST_BITS 16
#define SMZ_HIST (1 << SMZ_HIST_BITS)

typedef struct {
    const void * w;
    int32_t type;
    int64_t start, end;
    int pass;           /* 0: high 15 bits (F32) or all 15 bits (F16/BF16); 1: low 16 bits within bucket `high` */
    uint32_t high;
    int64_t * hist;     /* SMZ_HIST counters */
} smz_hist_job;

static void * smz_hist_run(void * arg) {
    smz_hist_job * job = arg;
    int64_t * h = job->hist;
    memset(h, 0, SMZ_HIST * sizeof(int64_t));
    if (job->type == SMEZO_TYPE_F32) {
        const uint32_t * w = job->w;
        if (job->pass == 0) {
            for (int64_t i = job->start; i < job->end; i++) h[(w[i] & 0x7FFFFFFFu) >> 16]++;
        } else {
            for (int64_t i = job->start; i < job->end; i++) {
                uint32_t key = w[i] & 0x7FFFFFFFu;
                if ((key >> 16) == job->high) h[key & 0xFFFFu]++;
            }
        }
    } else {
        const uint16_t * w = job->w;
        for (int64_t i = job->start; i < job->end; i++) h[w[i] & 0x7FFFu]++;
    }
    return NULL;
}

/* Histogram of [0, n) over n_threads threads, summed into hist[0]. Returns 0 on success. */
static int smz_histogram(const void * w, int32_t type, int64_t n, int pass, uint32_t high, int n_threads,
                         int64_t * hists) {
    smz_hist_job jobs[64];
    pthread_t threads[64];
    int started[64] = {0};
    int64_t per = (n + n_threads - 1) / n_threads;
    for (int t = 0; t < n_threads; t++) {
        int64_t s = (int64_t)t * per, e = s + per;
        jobs[t] = (smz_hist_job){ w, type, s < n ? s : n, e < n ? e : n, pass, high, hists + (int64_t)t * SMZ_HIST };
    }
    for (int t = 1; t < n_threads; t++) started[t] = pthread_create(&threads[t], NULL, smz_hist_run, &jobs[t]) == 0;
    smz_hist_run(&jobs[0]);
    for (int t = 1; t < n_threads; t++) {
        if (started[t]) pthread_join(threads[t], NULL);
        else smz_hist_run(&jobs[t]);   /* could not start a thread: do its share here */
    }
    for (int t = 1; t < n_threads; t++)
        for (int i = 0; i < SMZ_HIST; i++) hists[i] += hists[(int64_t)t * SMZ_HIST + i];
    return 0;
}

/* The bucket holding rank r (0-based), and the rank within it. */
static uint32_t smz_select_bucket(const int64_t * hist, int64_t * r) {
    for (uint32_t b = 0; b < SMZ_HIST; b++) {
        if (*r < hist[b]) return b;
        *r -= hist[b];
    }
    return SMZ_HIST - 1;   /* not reached when r < n */
}

float smezo_magnitude_threshold(const void * w, int32_t ggml_type, int64_t n, double keep_fraction,
                                int32_t n_threads) {
    if (ggml_type != SMEZO_TYPE_F32 && ggml_type != SMEZO_TYPE_F16 && ggml_type != SMEZO_TYPE_BF16) return NAN;
    if (isnan(keep_fraction)) return NAN;
    if (keep_fraction >= 1.0) return INFINITY;
    if (keep_fraction <= 0.0 || n <= 0 || w == NULL) return 0.0f;
    int64_t k = (int64_t)floor(keep_fraction * (double)n + 0.5);
    if (k <= 0) return 0.0f;
    if (k > n) k = n;
    int nt = n_threads < 1 ? 1 : (n_threads > 64 ? 64 : n_threads);
    int64_t max_useful = n / 65536 + 1;   /* a thread per 64K elements at least */
    if (nt > max_useful) nt = (int)max_useful;
    int64_t * hists = malloc((size_t)nt * SMZ_HIST * sizeof(int64_t));
    if (hists == NULL) return NAN;
    int64_t r = k - 1;
    uint32_t key;
    smz_histogram(w, ggml_type, n, 0, 0, nt, hists);
    uint32_t high = smz_select_bucket(hists, &r);
    if (ggml_type == SMEZO_TYPE_F32) {
        smz_histogram(w, ggml_type, n, 1, high, nt, hists);
        uint32_t low = smz_select_bucket(hists, &r);
        key = (high << 16) | low;
    } else {
        float a = ggml_type == SMEZO_TYPE_F16 ? smz_f16_to_f32((uint16_t)high) : smz_bf16_to_f32((uint16_t)high);
        key = smz_fbits(a);
    }
    free(hists);
    if (key >= 0x7F800000u) return INFINITY;   /* the k-th smallest is inf or NaN */
    return smz_bitsf(key + 1);                 /* nextUp of the k-th smallest |w| */
}
