/*
 * libsmezo_cuda: the CUDA implementations of libsmezo's ggml custom ops (smezo_op_perturb,
 * smezo_op_perturb_rows, smezo_op_update; spec in native/src/smezo.h), bit for bit equal to the CPU
 * kernels, plus the entry points that tests use. C ABI, no CUDA types (streams are void *).
 *
 * The ops reach ggml's CUDA backend through the registry that native/patches/ggml-cuda-custom-op.patch
 * adds to ggml-cuda: smezo_cuda_register() binds each CPU op function to its CUDA twin, after which a
 * graph built with ggml_custom_4d(..., smezo_op_perturb, ..., cfg) runs on the GPU unchanged. The
 * per-step params tensor (I32[8]) stays on the device and is read by the kernels; the cfg userdata
 * (smezo_tensor_cfg, host memory) is read on the host when the kernel is launched.
 */
#ifndef SMEZO_CUDA_H
#define SMEZO_CUDA_H

#include <stdint.h>

#include "smezo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers the three ops with ggml-cuda. Returns 1 on success, 0 if ggml refused one (idempotent). */
int32_t smezo_cuda_register(void);

/* ABI version of this header. */
int32_t smezo_cuda_version(void);

/* ---- asynchronous range kernels on device memory (stream: a cudaStream_t, NULL = default stream) ----
 * Semantics as the smezo_*_range functions of smezo.h; params: a device pointer to the I32[8] params.
 * Return a cudaError_t (0 = launched). Bases must be the tensor's element 0. */
int32_t smezo_cuda_perturb_range(const void * w, void * out, int32_t ggml_type, int64_t start, int64_t end,
                                 const smezo_tensor_cfg * cfg, const uint32_t * params, void * stream);
int32_t smezo_cuda_perturb_rows_range(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                                      int64_t row_start, int64_t row_end, const smezo_tensor_cfg * cfg,
                                      const uint32_t * params, void * stream);
int32_t smezo_cuda_update_range(void * w, int32_t ggml_type, int64_t start, int64_t end,
                                const smezo_tensor_cfg * cfg, const uint32_t * params, void * stream);
int32_t smezo_cuda_noise_range(const uint32_t * params, uint32_t tensor_id, int64_t start, int64_t end,
                               float * out, void * stream);

/* ---- synchronous test helpers on HOST memory: copy in, run on the GPU, copy out (slow; tests only) ----
 * Same arguments as the CPU functions of smezo.h. Return a cudaError_t (0 = success). */
int32_t smezo_cuda_test_noise(uint64_t seed, uint32_t tensor_id, int64_t start, int64_t end, float * out);
int32_t smezo_cuda_test_perturb(const void * w, void * out, int32_t ggml_type, int64_t n, int64_t start, int64_t end,
                                const smezo_tensor_cfg * cfg, uint64_t seed, float c);
int32_t smezo_cuda_test_perturb_rows(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                                     int64_t n_rows, const smezo_tensor_cfg * cfg, uint64_t seed, float c);
int32_t smezo_cuda_test_update(void * w, int32_t ggml_type, int64_t n, int64_t start, int64_t end,
                               const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b);

/* cudaGetErrorString of a code returned above. */
const char * smezo_cuda_error_string(int32_t code);

#ifdef __cplusplus
}
#endif

#endif /* SMEZO_CUDA_H */
