// Layout facts the Java side relies on, checked once at load time (see dev.smezo.ggml.Ggml):
// a mismatch means the bindings and the native build disagree, which must fail loudly rather
// than read garbage.
#include <stddef.h>
#include <stdint.h>

#include "ggml.h"

int64_t smezo_abi_ggml_tensor(int32_t what) {
    switch (what) {
        case 0: return (int64_t) sizeof(struct ggml_tensor);
        case 1: return (int64_t) offsetof(struct ggml_tensor, ne);
        case 2: return (int64_t) offsetof(struct ggml_tensor, nb);
        case 3: return (int64_t) offsetof(struct ggml_tensor, data);
        case 4: return (int64_t) offsetof(struct ggml_tensor, name);
        case 5: return (int64_t) offsetof(struct ggml_tensor, op_params);
        case 6: return (int64_t) offsetof(struct ggml_tensor, src);
        default: return -1;
    }
}
