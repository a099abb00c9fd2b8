/*
 * libsmezo's ggml custom ops: each thread (ith of nth) takes a contiguous, 64-aligned share of the
 * elements (or rows) and calls the range kernels. The per-step parameters come from the I32[8]
 * params tensor (layout in smezo.h). Misfitting tensors make the op return without writing: ggml
 * asserts would kill the JVM, so validation belongs to graph construction.
 */
#include "smezo_impl.h"
#include "smezo_op_args.h"

#include "ggml.h"

_Static_assert(sizeof(smezo_tensor_cfg) == 32, "smezo_tensor_cfg is 32 bytes");
_Static_assert(_Alignof(smezo_tensor_cfg) == 8, "smezo_tensor_cfg is 8-aligned");
_Static_assert(__builtin_offsetof(smezo_tensor_cfg, threshold) == 8, "threshold at 8");
_Static_assert(__builtin_offsetof(smezo_tensor_cfg, keep_rate) == 12, "keep_rate at 12");
_Static_assert(__builtin_offsetof(smezo_tensor_cfg, mask_seed) == 16, "mask_seed at 16");
_Static_assert(__builtin_offsetof(smezo_tensor_cfg, scale_mode) == 24, "scale_mode at 24");
_Static_assert(__builtin_offsetof(smezo_tensor_cfg, scale_gain) == 28, "scale_gain at 28");

int32_t smezo_version(void) { return 3; }

typedef struct { uint64_t seed; float c, b; } smz_params;

static int smz_read_params(const struct ggml_tensor * p, smz_params * out) {
    const uint32_t * v = smezo_op_params(p);
    if (v == NULL) return 0;
    out->seed = (uint64_t)v[0] | ((uint64_t)v[1] << 32);
    out->c = smz_bitsf(v[2]);
    out->b = smz_bitsf(v[3]);
    return 1;
}

/* [start, end) of n items for thread ith of nth, in multiples of `align`. */
static void smz_share(int64_t n, int ith, int nth, int64_t align, int64_t * start, int64_t * end) {
    if (nth < 1) nth = 1;
    int64_t per = (n + nth - 1) / nth;
    per = (per + align - 1) / align * align;
    int64_t s = (int64_t)ith * per, e = s + per;
    *start = s < n ? s : n;
    *end = e < n ? e : n;
}

void smezo_op_perturb(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const smezo_tensor_cfg * cfg = userdata;
    const struct ggml_tensor * w = dst->src[0];
    smz_params p;
    if (cfg == NULL || !smezo_op_elementwise_fits(dst, w) || !smz_read_params(dst->src[1], &p)) return;
    int64_t s, e;
    smz_share(ggml_nelements(w), ith, nth, SMZ_CHUNK, &s, &e);
    smezo_perturb_range(w->data, dst->data, (int32_t)w->type, s, e, cfg, p.seed, p.c);
}

void smezo_op_perturb_rows(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const smezo_tensor_cfg * cfg = userdata;
    const struct ggml_tensor * rows = dst->src[0];
    const struct ggml_tensor * ids = dst->src[1];
    smz_params p;
    int64_t n_rows;
    if (cfg == NULL || !smezo_op_rows_fit(dst, rows, ids, &n_rows) || !smz_read_params(dst->src[2], &p)) return;
    int64_t s, e;
    smz_share(n_rows, ith, nth, 1, &s, &e);
    smezo_perturb_rows_range(rows->data, ids->data, dst->data, rows->ne[0], s, e, cfg, p.seed, p.c);
}

void smezo_op_update(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const smezo_tensor_cfg * cfg = userdata;
    const struct ggml_tensor * w = dst->src[0];
    smz_params p;
    if (cfg == NULL || !smezo_op_elementwise_fits(dst, w) || !smz_read_params(dst->src[1], &p)) return;
    int64_t s, e;
    smz_share(ggml_nelements(w), ith, nth, SMZ_CHUNK, &s, &e);
    if (s >= e) return;
    if (dst->data != w->data) {   /* not a view after all: update a copy of the share */
        size_t esz = w->type == GGML_TYPE_F32 ? 4 : 2;
        memcpy((char *)dst->data + s * (int64_t)esz, (const char *)w->data + s * (int64_t)esz, (size_t)(e - s) * esz);
    }
    smezo_update_range(dst->data, (int32_t)w->type, s, e, cfg, p.seed, p.c, p.b);
}

/* ---- quantized tensors: whole blocks per thread ---- */

/* The thread's share [*s, *e) of a quantized op's blocks, or 0 when the op's tensors do not fit. */
static int smz_quant_share(const struct ggml_tensor * dst, const smezo_tensor_cfg * cfg, int ith, int nth,
                           smz_params * p, int64_t * s, int64_t * e) {
    int64_t nb;
    if (cfg == NULL || !smezo_op_quant_fits(dst, dst->src[0], &nb) || !smz_read_params(dst->src[1], p)) return 0;
    smz_share(nb, ith, nth, 16, s, e);
    return *s < *e;
}

void smezo_op_perturb_q(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const struct ggml_tensor * w = dst->src[0];
    smz_params p;
    int64_t s, e;
    if (smz_quant_share(dst, userdata, ith, nth, &p, &s, &e))
        smezo_q_perturb_range(w->data, dst->data, (int32_t)w->type, s, e, userdata, p.seed, p.c);
}

void smezo_op_update_q(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const struct ggml_tensor * w = dst->src[0];
    smz_params p;
    int64_t s, e;
    if (!smz_quant_share(dst, userdata, ith, nth, &p, &s, &e)) return;
    int32_t elems, bytes, ns, offs[2];
    smezo_q_layout((int32_t)w->type, &elems, &bytes, &ns, offs);
    if (dst->data != w->data) memcpy((char *)dst->data + s * bytes, (const char *)w->data + s * bytes, (size_t)((e - s) * bytes));
    smezo_q_update_range(dst->data, (int32_t)w->type, s, e, userdata, p.seed, p.c, p.b);
}

/* Blocks of one row at a time, at most this many per piece (a Q6_K piece is 13 KiB of stack). */
#define SMZ_Q_PIECE 64

void smezo_op_perturb_rows_q(struct ggml_tensor * dst, int ith, int nth, void * userdata) {
    const smezo_tensor_cfg * cfg = userdata;
    const struct ggml_tensor * w = dst->src[0];
    const struct ggml_tensor * ids = dst->src[1];
    smz_params p;
    int64_t n_rows;
    if (cfg == NULL || !smezo_op_quant_rows_fit(dst, w, ids, &n_rows) || !smz_read_params(dst->src[2], &p)) return;
    int32_t elems, bytes, ns, offs[2];
    smezo_q_layout((int32_t)w->type, &elems, &bytes, &ns, offs);
    const ggml_to_float_t to_float = ggml_get_type_traits(w->type)->to_float;
    const int64_t ne0 = w->ne[0], per_row = ne0 / elems, n_vocab = ggml_nrows(w);
    _Alignas(64) char buf[SMZ_Q_PIECE * 256];   /* >= SMZ_Q_PIECE blocks of any type above (largest 210 bytes) */
    int64_t s, e;
    smz_share(n_rows, ith, nth, 1, &s, &e);
    for (int64_t r = s; r < e; r++) {
        int64_t id = ((const int32_t *)ids->data)[r];
        float * out = (float *)dst->data + r * ne0;
        if (id < 0 || id >= n_vocab) { memset(out, 0, (size_t)ne0 * sizeof(float)); continue; }
        for (int64_t b0 = 0; b0 < per_row; b0 += SMZ_Q_PIECE) {
            int64_t nb = per_row - b0 < SMZ_Q_PIECE ? per_row - b0 : SMZ_Q_PIECE;
            smz_q_perturb_piece(w->data, buf, (int32_t)w->type, id * per_row + b0, nb, cfg, p.seed, p.c);
            to_float(buf, out + b0 * elems, nb * elems);
        }
    }
}
