/*
 * libsmezo_cuda: kernels, launchers, ggml custom-op glue and registration (see smezo_cuda.h).
 * The arithmetic is in smezo_cuda_impl.cuh (shared with the host emulation test).
 *
 * Build (native/build.sh with SMEZO_CUDA=1): nvcc -arch=sm_90 --fmad=false (no --use_fast_math:
 * IEEE division, square root and denormals are part of the spec), linked to ggml-cuda, ggml-base,
 * libsmezo and cudart.
 *
 * Kernels: one thread per group of 8 elements (two Philox blocks), grid-stride loops over the range,
 * 16-byte loads and stores for full groups, templates per (type, mask mode) so the inner code is
 * branch-free. Memory traffic per element: read W, write W_eff (perturb) or W (update).
 */
#include <cuda_runtime.h>

#include <stdio.h>

#include "ggml.h"
#include "ggml-cuda.h"
#include "smezo_cuda.h"
#include "smezo_cuda_impl.cuh"
#include "smezo_op_args.h"

static const int SMZC_THREADS = 256;

/* ---- kernels ---- */

struct smzc_step {
    uint64_t seed;
    float c, b;
};

__device__ __forceinline__ smzc_step smzc_read_params(const uint32_t * __restrict__ p) {
    smzc_step s;
    s.seed = (uint64_t)__ldg(p) | ((uint64_t)__ldg(p + 1) << 32);
    s.c = __uint_as_float(__ldg(p + 2));
    s.b = __uint_as_float(__ldg(p + 3));
    return s;
}

template <int T, int M>
__global__ void __launch_bounds__(SMZC_THREADS)
smzc_k_perturb(const void * __restrict__ w, void * __restrict__ out, int64_t g0, int64_t g1, int64_t start,
               int64_t end, smezo_tensor_cfg cfg, const uint32_t * __restrict__ params, bool vec) {
    const smzc_step s = smzc_read_params(params);
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t g = g0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; g < g1; g += stride) {
        smzc_perturb_group<T, M>(w, out, g, start, end, cfg, s.seed, s.c, vec);
    }
}

template <int T, int M>
__global__ void __launch_bounds__(SMZC_THREADS)
smzc_k_update(void * __restrict__ w, int64_t g0, int64_t g1, int64_t start, int64_t end, smezo_tensor_cfg cfg,
              const uint32_t * __restrict__ params, bool vec) {
    const smzc_step s = smzc_read_params(params);
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t g = g0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; g < g1; g += stride) {
        smzc_update_group<T, M>(w, g, start, end, cfg, s.seed, s.c, s.b, vec);
    }
}

/* grid.y strides over rows, grid.x x threads over the Philox blocks of a row. */
template <int M>
__global__ void __launch_bounds__(SMZC_THREADS)
smzc_k_rows(const float * __restrict__ rows, const int32_t * __restrict__ ids, float * __restrict__ out, int64_t ne0,
            int64_t r0, int64_t r1, smezo_tensor_cfg cfg, const uint32_t * __restrict__ params, bool vec) {
    const smzc_step s = smzc_read_params(params);
    for (int64_t r = r0 + blockIdx.y; r < r1; r += gridDim.y) {
        const int64_t nb = smzc_row_blocks((int64_t)ids[r] * ne0, ne0);
        for (int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; j < nb; j += (int64_t)gridDim.x * blockDim.x) {
            smzc_rows_block<M>(rows, ids, out, ne0, r, j, cfg, s.seed, s.c, vec);
        }
    }
}

__global__ void smzc_k_noise(const uint32_t * __restrict__ params, uint32_t tensor_id, int64_t start, int64_t end,
                             float * __restrict__ out) {
    const smzc_step s = smzc_read_params(params);
    const int64_t b0 = start >> 2, b1 = (end + 3) >> 2;
    for (int64_t b = b0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; b < b1; b += (int64_t)gridDim.x * blockDim.x) {
        float z[4];
        smzc_noise4(s.seed, tensor_id, (uint64_t)b, z);
        for (int l = 0; l < 4; l++) {
            const int64_t i = 4 * b + l;
            if (i >= start && i < end) out[i - start] = z[l];
        }
    }
}

/* ---- launchers ---- */

/* Blocks for n work items: enough to fill the device (16 blocks of 256 per SM), no more than needed. */
static unsigned smzc_blocks(int64_t items) {
    static int sm_count[64];
    int dev = 0;
    cudaGetDevice(&dev);
    int sms = dev >= 0 && dev < 64 ? sm_count[dev] : 0;
    if (sms == 0) {
        if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess || sms <= 0) sms = 132;
        if (dev >= 0 && dev < 64) sm_count[dev] = sms;
    }
    const int64_t need = (items + SMZC_THREADS - 1) / SMZC_THREADS;
    const int64_t cap = (int64_t)sms * 16;
    return (unsigned)(need < 1 ? 1 : (need < cap ? need : cap));
}

static bool smzc_aligned(const void * p) { return ((uintptr_t)p & 15u) == 0; }

#define SMZC_BY_MODE(mode, KERNEL, T, ...)                                               \
    do {                                                                                 \
        if ((mode) == SMEZO_MASK_DENSE) KERNEL<T, SMEZO_MASK_DENSE>__VA_ARGS__;                      \
        else if ((mode) == SMEZO_MASK_MAGNITUDE) KERNEL<T, SMEZO_MASK_MAGNITUDE>__VA_ARGS__;         \
        else if ((mode) == SMEZO_MASK_LARGE) KERNEL<T, SMEZO_MASK_LARGE>__VA_ARGS__;                 \
        else KERNEL<T, SMEZO_MASK_RANDOM>__VA_ARGS__;                                          \
    } while (0)

#define SMZC_BY_TYPE_MODE(type, mode, KERNEL, ...)                                       \
    do {                                                                                 \
        if ((type) == SMEZO_TYPE_F32) SMZC_BY_MODE(mode, KERNEL, SMEZO_TYPE_F32, __VA_ARGS__);       \
        else if ((type) == SMEZO_TYPE_F16) SMZC_BY_MODE(mode, KERNEL, SMEZO_TYPE_F16, __VA_ARGS__);  \
        else SMZC_BY_MODE(mode, KERNEL, SMEZO_TYPE_BF16, __VA_ARGS__);                         \
    } while (0)

extern "C" int32_t smezo_cuda_perturb_range(const void * w, void * out, int32_t type, int64_t start, int64_t end,
                                            const smezo_tensor_cfg * cfg, const uint32_t * params, void * stream) {
    if (!smezo_type_ok(type) || !smezo_cfg_ok(cfg) || w == nullptr || out == nullptr || params == nullptr
        || start < 0 || end <= start) {
        return (int32_t)cudaSuccess;   /* like the CPU kernels: nothing to do, nothing written */
    }
    const int64_t g0 = start / SMZC_GROUP, g1 = (end + SMZC_GROUP - 1) / SMZC_GROUP;
    const smezo_tensor_cfg c = *cfg;
    const bool vec = smzc_aligned(w) && smzc_aligned(out);
    const dim3 grid(smzc_blocks(g1 - g0)), block(SMZC_THREADS);
    cudaStream_t st = (cudaStream_t)stream;
    SMZC_BY_TYPE_MODE(type, c.mask_mode, smzc_k_perturb, <<<grid, block, 0, st>>>(w, out, g0, g1, start, end, c, params, vec));
    return (int32_t)cudaGetLastError();
}

extern "C" int32_t smezo_cuda_update_range(void * w, int32_t type, int64_t start, int64_t end,
                                           const smezo_tensor_cfg * cfg, const uint32_t * params, void * stream) {
    if (!smezo_type_ok(type) || !smezo_cfg_ok(cfg) || w == nullptr || params == nullptr || start < 0 || end <= start) {
        return (int32_t)cudaSuccess;
    }
    const int64_t g0 = start / SMZC_GROUP, g1 = (end + SMZC_GROUP - 1) / SMZC_GROUP;
    const smezo_tensor_cfg c = *cfg;
    const bool vec = smzc_aligned(w);
    const dim3 grid(smzc_blocks(g1 - g0)), block(SMZC_THREADS);
    cudaStream_t st = (cudaStream_t)stream;
    SMZC_BY_TYPE_MODE(type, c.mask_mode, smzc_k_update, <<<grid, block, 0, st>>>(w, g0, g1, start, end, c, params, vec));
    return (int32_t)cudaGetLastError();
}

#define SMZC_ROWS_BY_MODE(mode, ...)                                                      \
    do {                                                                                  \
        if ((mode) == SMEZO_MASK_DENSE) smzc_k_rows<SMEZO_MASK_DENSE>__VA_ARGS__;                     \
        else if ((mode) == SMEZO_MASK_MAGNITUDE) smzc_k_rows<SMEZO_MASK_MAGNITUDE>__VA_ARGS__;        \
        else if ((mode) == SMEZO_MASK_LARGE) smzc_k_rows<SMEZO_MASK_LARGE>__VA_ARGS__;                \
        else smzc_k_rows<SMEZO_MASK_RANDOM>__VA_ARGS__;                                         \
    } while (0)

extern "C" int32_t smezo_cuda_perturb_rows_range(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                                                 int64_t row_start, int64_t row_end, const smezo_tensor_cfg * cfg,
                                                 const uint32_t * params, void * stream) {
    if (!smezo_cfg_ok(cfg) || rows == nullptr || ids == nullptr || out == nullptr || params == nullptr || ne0 <= 0
        || row_start < 0 || row_end <= row_start) {
        return (int32_t)cudaSuccess;
    }
    const smezo_tensor_cfg c = *cfg;
    const bool vec = (ne0 & 3) == 0 && smzc_aligned(rows) && smzc_aligned(out);
    const int64_t n_rows = row_end - row_start;
    const int64_t per_row = ne0 / 4 + 2;
    const unsigned bx = (unsigned)((per_row + SMZC_THREADS - 1) / SMZC_THREADS);
    const dim3 grid(bx < 64 ? bx : 64, (unsigned)(n_rows < 65535 ? n_rows : 65535)), block(SMZC_THREADS);
    cudaStream_t st = (cudaStream_t)stream;
    SMZC_ROWS_BY_MODE(c.mask_mode, <<<grid, block, 0, st>>>(rows, ids, out, ne0, row_start, row_end, c, params, vec));
    return (int32_t)cudaGetLastError();
}

extern "C" int32_t smezo_cuda_noise_range(const uint32_t * params, uint32_t tensor_id, int64_t start, int64_t end,
                                          float * out, void * stream) {
    if (params == nullptr || out == nullptr || start < 0 || end <= start) return (int32_t)cudaSuccess;
    const int64_t blocks = ((end + 3) >> 2) - (start >> 2);
    smzc_k_noise<<<smzc_blocks(blocks), SMZC_THREADS, 0, (cudaStream_t)stream>>>(params, tensor_id, start, end, out);
    return (int32_t)cudaGetLastError();
}

/* ---- ggml custom ops (the CUDA twins of smezo.c's ops; same validation, nothing written on misfit) ---- */


static void smzc_report(const char * op, int32_t err) {
    if (err != (int32_t)cudaSuccess) fprintf(stderr, "smezo_cuda: %s: %s\n", op, cudaGetErrorString((cudaError_t)err));
}

static void smzc_op_perturb(ggml_tensor * dst, void * userdata, void * stream) {
    const smezo_tensor_cfg * cfg = (const smezo_tensor_cfg *)userdata;
    const ggml_tensor * w = dst->src[0];
    const uint32_t * params = smezo_op_params(dst->src[1]);
    if (cfg == nullptr || params == nullptr || !smezo_op_elementwise_fits(dst, w)) return;
    const int64_t n = ggml_nelements(w);
    smzc_report("perturb", smezo_cuda_perturb_range(w->data, dst->data, (int32_t)w->type, 0, n, cfg, params, stream));
}

static void smzc_op_perturb_rows(ggml_tensor * dst, void * userdata, void * stream) {
    const smezo_tensor_cfg * cfg = (const smezo_tensor_cfg *)userdata;
    const ggml_tensor * rows = dst->src[0];
    const ggml_tensor * ids = dst->src[1];
    const uint32_t * params = smezo_op_params(dst->src[2]);
    int64_t n_rows;
    if (cfg == nullptr || params == nullptr || !smezo_op_rows_fit(dst, rows, ids, &n_rows)) return;
    smzc_report("perturb_rows", smezo_cuda_perturb_rows_range((const float *)rows->data, (const int32_t *)ids->data,
                                                              (float *)dst->data, rows->ne[0], 0, n_rows, cfg, params, stream));
}

static void smzc_op_update(ggml_tensor * dst, void * userdata, void * stream) {
    const smezo_tensor_cfg * cfg = (const smezo_tensor_cfg *)userdata;
    const ggml_tensor * w = dst->src[0];
    const uint32_t * params = smezo_op_params(dst->src[1]);
    if (cfg == nullptr || params == nullptr || !smezo_op_elementwise_fits(dst, w)) return;
    const int64_t n = ggml_nelements(w);
    if (n == 0) return;
    if (dst->data != w->data) {   /* not a view after all: update a copy (as the CPU op does) */
        cudaError_t e = cudaMemcpyAsync(dst->data, w->data, ggml_nbytes(w), cudaMemcpyDeviceToDevice, (cudaStream_t)stream);
        if (e != cudaSuccess) { smzc_report("update copy", (int32_t)e); return; }
    }
    smzc_report("update", smezo_cuda_update_range(dst->data, (int32_t)w->type, 0, n, cfg, params, stream));
}

extern "C" int32_t smezo_cuda_register(void) {
    bool ok = ggml_backend_cuda_register_custom_op(smezo_op_perturb, smzc_op_perturb);
    ok = ggml_backend_cuda_register_custom_op(smezo_op_perturb_rows, smzc_op_perturb_rows) && ok;
    ok = ggml_backend_cuda_register_custom_op(smezo_op_update, smzc_op_update) && ok;
    return ok ? 1 : 0;
}

extern "C" int32_t smezo_cuda_version(void) { return 1; }

extern "C" const char * smezo_cuda_error_string(int32_t code) { return cudaGetErrorString((cudaError_t)code); }

/* ---- synchronous host-memory test helpers ---- */

namespace {
/* Device copies of host arrays, freed at scope exit; the first error sticks. */
struct smzc_scratch {
    void * ptrs[4] = {nullptr, nullptr, nullptr, nullptr};
    int n = 0;
    cudaError_t err = cudaSuccess;

    void * copy_in(const void * host, size_t bytes) {
        void * d = alloc(bytes);
        if (d != nullptr && host != nullptr && err == cudaSuccess) err = cudaMemcpy(d, host, bytes, cudaMemcpyHostToDevice);
        return d;
    }
    void * alloc(size_t bytes) {
        if (err != cudaSuccess || n == 4) return nullptr;
        void * d = nullptr;
        err = cudaMalloc(&d, bytes < 16 ? 16 : bytes);
        if (err == cudaSuccess) ptrs[n++] = d;
        return d;
    }
    void copy_out(void * host, const void * dev, size_t bytes) {
        if (err == cudaSuccess) err = cudaDeviceSynchronize();
        if (err == cudaSuccess) err = cudaMemcpy(host, dev, bytes, cudaMemcpyDeviceToHost);
    }
    ~smzc_scratch() {
        for (int i = 0; i < n; i++) cudaFree(ptrs[i]);
    }
};

size_t smzc_esz(int32_t type) { return type == SMEZO_TYPE_F32 ? 4 : 2; }
}  // namespace

extern "C" int32_t smezo_cuda_test_noise(uint64_t seed, uint32_t tensor_id, int64_t start, int64_t end, float * out) {
    if (out == nullptr || start < 0 || end <= start) return (int32_t)cudaErrorInvalidValue;
    uint32_t p[SMEZO_PARAMS_N];
    smezo_params_pack(seed, 0.0f, 0.0f, p);
    smzc_scratch s;
    const uint32_t * dp = (const uint32_t *)s.copy_in(p, sizeof p);
    float * dout = (float *)s.alloc((size_t)(end - start) * 4);
    if (s.err == cudaSuccess) s.err = (cudaError_t)smezo_cuda_noise_range(dp, tensor_id, start, end, dout, nullptr);
    s.copy_out(out, dout, (size_t)(end - start) * 4);
    return (int32_t)s.err;
}

extern "C" int32_t smezo_cuda_test_perturb(const void * w, void * out, int32_t type, int64_t n, int64_t start,
                                           int64_t end, const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    if (!smezo_type_ok(type) || w == nullptr || out == nullptr || n <= 0) return (int32_t)cudaErrorInvalidValue;
    const size_t bytes = (size_t)n * smzc_esz(type);
    uint32_t p[SMEZO_PARAMS_N];
    smezo_params_pack(seed, c, 0.0f, p);
    smzc_scratch s;
    const uint32_t * dp = (const uint32_t *)s.copy_in(p, sizeof p);
    const void * dw = s.copy_in(w, bytes);
    void * dout = s.copy_in(out, bytes);   /* elements outside [start, end) keep the caller's values */
    if (s.err == cudaSuccess) s.err = (cudaError_t)smezo_cuda_perturb_range(dw, dout, type, start, end, cfg, dp, nullptr);
    s.copy_out(out, dout, bytes);
    return (int32_t)s.err;
}

extern "C" int32_t smezo_cuda_test_perturb_rows(const float * rows, const int32_t * ids, float * out, int64_t ne0,
                                                int64_t n_rows, const smezo_tensor_cfg * cfg, uint64_t seed, float c) {
    if (rows == nullptr || ids == nullptr || out == nullptr || ne0 <= 0 || n_rows <= 0) return (int32_t)cudaErrorInvalidValue;
    const size_t bytes = (size_t)(ne0 * n_rows) * 4;
    uint32_t p[SMEZO_PARAMS_N];
    smezo_params_pack(seed, c, 0.0f, p);
    smzc_scratch s;
    const uint32_t * dp = (const uint32_t *)s.copy_in(p, sizeof p);
    const float * drows = (const float *)s.copy_in(rows, bytes);
    const int32_t * dids = (const int32_t *)s.copy_in(ids, (size_t)n_rows * 4);
    float * dout = (float *)s.copy_in(out, bytes);
    if (s.err == cudaSuccess) {
        s.err = (cudaError_t)smezo_cuda_perturb_rows_range(drows, dids, dout, ne0, 0, n_rows, cfg, dp, nullptr);
    }
    s.copy_out(out, dout, bytes);
    return (int32_t)s.err;
}

extern "C" int32_t smezo_cuda_test_update(void * w, int32_t type, int64_t n, int64_t start, int64_t end,
                                          const smezo_tensor_cfg * cfg, uint64_t seed, float c, float b) {
    if (!smezo_type_ok(type) || w == nullptr || n <= 0) return (int32_t)cudaErrorInvalidValue;
    const size_t bytes = (size_t)n * smzc_esz(type);
    uint32_t p[SMEZO_PARAMS_N];
    smezo_params_pack(seed, c, b, p);
    smzc_scratch s;
    const uint32_t * dp = (const uint32_t *)s.copy_in(p, sizeof p);
    void * dw = s.copy_in(w, bytes);
    if (s.err == cudaSuccess) s.err = (cudaError_t)smezo_cuda_update_range(dw, type, start, end, cfg, dp, nullptr);
    s.copy_out(w, dw, bytes);
    return (int32_t)s.err;
}
