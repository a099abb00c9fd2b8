// What the CPU backend allocates beside a graph's compute buffer: its work buffer
// (ggml_backend_cpu_graph_compute grows one to ggml_graph_plan's work_size, e.g. the F16 copy of a
// matmul's activations), which memory plans must count.
#include <stdint.h>

#include "ggml.h"
#include "ggml-cpu.h"

int64_t smezo_graph_work_size(struct ggml_cgraph * graph, int32_t n_threads) {
    struct ggml_cplan p = ggml_graph_plan(graph, n_threads, NULL);
    return (int64_t) p.work_size;
}
