// What the CPU backend allocates beside a graph's compute buffer: its work buffer
// (ggml_backend_cpu_graph_compute grows one to ggml_graph_plan's work_size, e.g. the F16 copy of a
// matmul's activations), which memory plans must count.
//
// ggml_graph_plan lives in the CPU backend, which a portable build loads at run time (one of
// libggml-cpu-<variant>.so) rather than links, so the caller passes its address.
#include <stdint.h>

#include "ggml.h"
#include "ggml-cpu.h"

typedef struct ggml_cplan (*smz_graph_plan_fn)(const struct ggml_cgraph *, int, struct ggml_threadpool *);

int64_t smezo_graph_work_size(void * graph_plan, struct ggml_cgraph * graph, int32_t n_threads) {
    struct ggml_cplan p = ((smz_graph_plan_fn) graph_plan)(graph, n_threads, NULL);
    return (int64_t) p.work_size;
}
