/*
 * The argument checks of smezo's ggml custom ops, shared by the CPU ops (smezo.c) and their CUDA
 * twins (native/cuda/smezo_cuda.cu), which must accept and refuse exactly the same graphs. A
 * misfitting node makes an op return without writing: a ggml assert would kill the JVM, so the
 * graph builder validates first and these checks are the last line. C and C++.
 */
#ifndef SMEZO_OP_ARGS_H
#define SMEZO_OP_ARGS_H

#include <stdint.h>

#include "ggml.h"
#include "smezo.h"

/* The I32[SMEZO_PARAMS_N] params tensor's words (layout in smezo.h), or NULL when it does not fit. */
static inline const uint32_t * smezo_op_params(const struct ggml_tensor * p) {
    if (p == NULL || p->type != GGML_TYPE_I32 || ggml_nelements(p) < SMEZO_PARAMS_N || p->data == NULL) return NULL;
    return (const uint32_t *)p->data;
}

/* perturb and update: W (F32, F16 or BF16) -> dst of the same type and size, both contiguous. */
static inline int smezo_op_elementwise_fits(const struct ggml_tensor * dst, const struct ggml_tensor * w) {
    if (w == NULL) return 0;
    if (!smezo_type_ok((int32_t)w->type)) return 0;   /* SMEZO_TYPE_* are ggml's ids */
    return dst->type == w->type && ggml_is_contiguous(w) && ggml_is_contiguous(dst)
        && ggml_nelements(dst) == ggml_nelements(w);
}

/* perturb_rows: F32 rows (looked-up embedding rows) and their I32 ids -> F32 dst of the rows' size;
 * *n_rows gets the number of rows. */
static inline int smezo_op_rows_fit(const struct ggml_tensor * dst, const struct ggml_tensor * rows,
                                    const struct ggml_tensor * ids, int64_t * n_rows) {
    if (rows == NULL || ids == NULL) return 0;
    if (rows->type != GGML_TYPE_F32 || dst->type != GGML_TYPE_F32 || ids->type != GGML_TYPE_I32) return 0;
    if (!ggml_is_contiguous(rows) || !ggml_is_contiguous(dst) || !ggml_is_contiguous(ids)) return 0;
    const int64_t ne0 = rows->ne[0];
    *n_rows = ggml_nelements(rows) / (ne0 > 0 ? ne0 : 1);
    return ggml_nelements(dst) == ggml_nelements(rows) && ggml_nelements(ids) >= *n_rows;
}

/* perturb_q and update_q: W quantized (a type smezo_q_layout takes) -> dst of the same type and size,
 * both contiguous; *n_blocks gets W's number of blocks. */
static inline int smezo_op_quant_fits(const struct ggml_tensor * dst, const struct ggml_tensor * w, int64_t * n_blocks) {
    int32_t elems, bytes, ns, offs[2];
    if (w == NULL || !smezo_q_layout((int32_t)w->type, &elems, &bytes, &ns, offs)) return 0;
    if (dst->type != w->type || !ggml_is_contiguous(w) || !ggml_is_contiguous(dst) || ggml_nbytes(dst) != ggml_nbytes(w)) return 0;
    if (w->ne[0] % elems != 0) return 0;
    *n_blocks = ggml_nelements(w) / elems;
    return 1;
}

/* perturb_rows_q: W quantized [ne0, n], ids I32 -> F32 dst [ne0, n_rows]; *n_rows gets the rows. */
static inline int smezo_op_quant_rows_fit(const struct ggml_tensor * dst, const struct ggml_tensor * w,
                                          const struct ggml_tensor * ids, int64_t * n_rows) {
    int32_t elems, bytes, ns, offs[2];
    if (w == NULL || ids == NULL || !smezo_q_layout((int32_t)w->type, &elems, &bytes, &ns, offs)) return 0;
    if (dst->type != GGML_TYPE_F32 || ids->type != GGML_TYPE_I32 || !ggml_is_contiguous(w)
        || !ggml_is_contiguous(dst) || !ggml_is_contiguous(ids) || w->ne[0] % elems != 0) return 0;
    if (dst->ne[0] != w->ne[0]) return 0;
    *n_rows = ggml_nelements(dst) / dst->ne[0];
    return ggml_nelements(ids) >= *n_rows;
}

#endif
