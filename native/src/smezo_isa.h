/*
 * Run-time choice of instruction set for libsmezo's kernels (smezo_kernels.c, smezo_quant.c).
 *
 * Those two files are compiled three times (native/build.sh): with SMZ_ISA=_avx512 (-march=x86-64-v4,
 * the AVX-512 intrinsics of smezo_impl.h), SMZ_ISA=_avx2 (-march=x86-64-v3, the portable C vectorized
 * by gcc) and SMZ_ISA=_c (-march=x86-64, the portable C on SSE2). Each copy's public functions get the
 * suffix; smezo_dispatch.c defines the plain names, which call the copy chosen once at load for the
 * running CPU (SMEZO_ISA=c|avx2|avx512 in the environment asks for a lower one). All three do the same
 * float32 operations in the same order without fused multiply-add, so they give the same bits.
 *
 * SMZ_KERNELS(X) lists the dispatched functions: X(return type, name, parameters, arguments).
 */
#ifndef SMEZO_ISA_H
#define SMEZO_ISA_H

#define SMZ_KERNELS(X) \
    X(void, smezo_perturb_range, (const void * w, void * out, int32_t ggml_type, int64_t start, int64_t end, \
         const smezo_tensor_cfg * cfg, uint64_t seed, float c), (w, out, ggml_type, start, end, cfg, seed, c)) \
    X(void, smezo_perturb_rows_range, (const float * rows, const int32_t * ids, float * out, int64_t ne0, \
         int64_t row_start, int64_t row_end, const smezo_tensor_cfg * cfg, uint64_t seed, float c), \
         (rows, ids, out, ne0, row_start, row_end, cfg, seed, c)) \
    X(void, smezo_update_range, (void * w, int32_t ggml_type, int64_t start, int64_t end, \
         const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b), (w, ggml_type, start, end, cfg, seed, c, b)) \
    X(void, smezo_noise_range, (uint64_t seed, uint32_t tensor_id, int64_t start, int64_t end, float * out), \
         (seed, tensor_id, start, end, out)) \
    X(int64_t, smezo_count_mask, (const void * w, int32_t ggml_type, int64_t n, const smezo_tensor_cfg * cfg), \
         (w, ggml_type, n, cfg)) \
    X(void, smezo_q_perturb_range, (const void * w, void * out, int32_t ggml_type, int64_t block_start, \
         int64_t block_end, const smezo_tensor_cfg * cfg, uint64_t seed, float c), \
         (w, out, ggml_type, block_start, block_end, cfg, seed, c)) \
    X(void, smezo_q_update_range, (void * w, int32_t ggml_type, int64_t block_start, int64_t block_end, \
         const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b), \
         (w, ggml_type, block_start, block_end, cfg, seed, c, b)) \
    X(void, smz_q_perturb_piece, (const void * w, char * buf, int32_t type, int64_t block0, int64_t nblocks, \
         const smezo_tensor_cfg * cfg, uint64_t seed, float c), (w, buf, type, block0, nblocks, cfg, seed, c)) \
    X(int32_t, smezo_q_layout, (int32_t ggml_type, int32_t * elems, int32_t * bytes, int32_t * n_scales, int32_t offs[2]), \
         (ggml_type, elems, bytes, n_scales, offs)) \
    X(void, smezo_q_gather_scales, (const void * w, int32_t ggml_type, int64_t n_blocks, uint16_t * out), \
         (w, ggml_type, n_blocks, out)) \
    X(int64_t, smezo_q_first_nonfinite, (const void * w, int32_t ggml_type, int64_t n_blocks), (w, ggml_type, n_blocks))

#ifdef SMZ_ISA
/* Inside one instruction set's copy: its functions carry the suffix (before smezo.h declares them). */
#define SMZ_CAT_(a, b) a##b
#define SMZ_CAT(a, b) SMZ_CAT_(a, b)
#define smezo_perturb_range SMZ_CAT(smezo_perturb_range, SMZ_ISA)
#define smezo_perturb_rows_range SMZ_CAT(smezo_perturb_rows_range, SMZ_ISA)
#define smezo_update_range SMZ_CAT(smezo_update_range, SMZ_ISA)
#define smezo_noise_range SMZ_CAT(smezo_noise_range, SMZ_ISA)
#define smezo_count_mask SMZ_CAT(smezo_count_mask, SMZ_ISA)
#define smezo_q_perturb_range SMZ_CAT(smezo_q_perturb_range, SMZ_ISA)
#define smezo_q_update_range SMZ_CAT(smezo_q_update_range, SMZ_ISA)
#define smz_q_perturb_piece SMZ_CAT(smz_q_perturb_piece, SMZ_ISA)
#define smezo_q_layout SMZ_CAT(smezo_q_layout, SMZ_ISA)
#define smezo_q_gather_scales SMZ_CAT(smezo_q_gather_scales, SMZ_ISA)
#define smezo_q_first_nonfinite SMZ_CAT(smezo_q_first_nonfinite, SMZ_ISA)
#endif

#endif /* SMEZO_ISA_H */
