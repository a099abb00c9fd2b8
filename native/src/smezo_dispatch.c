/*
 * The plain kernel entry points: each calls the instruction-set copy chosen at load (smezo_isa.h).
 */
#include <stdlib.h>
#include <string.h>

#include "smezo_impl.h"
#include "smezo_isa.h"

#define SMZ_PROTOS(ret, name, params, args) \
    extern __typeof__(name) name##_avx512, name##_avx2, name##_c;
SMZ_KERNELS(SMZ_PROTOS)

typedef struct {
#define SMZ_FIELD(ret, name, params, args) __typeof__(name) * name;
    SMZ_KERNELS(SMZ_FIELD)
} smz_kernel_table;

#define SMZ_ENTRY_AVX512(ret, name, params, args) .name = name##_avx512,
#define SMZ_ENTRY_AVX2(ret, name, params, args) .name = name##_avx2,
#define SMZ_ENTRY_C(ret, name, params, args) .name = name##_c,
static const smz_kernel_table smz_tables[3] = {
    [SMEZO_ISA_C] = {SMZ_KERNELS(SMZ_ENTRY_C)},
    [SMEZO_ISA_AVX2] = {SMZ_KERNELS(SMZ_ENTRY_AVX2)},
    [SMEZO_ISA_AVX512] = {SMZ_KERNELS(SMZ_ENTRY_AVX512)},
};
static const char * const smz_isa_names[3] = {"c", "avx2", "avx512"};

static const smz_kernel_table * smz_active = &smz_tables[SMEZO_ISA_C];
static int32_t smz_active_isa = SMEZO_ISA_C;

int32_t smezo_isa_supported(int32_t isa) {
    __builtin_cpu_init();
    switch (isa) {
    case SMEZO_ISA_C: return 1;
    case SMEZO_ISA_AVX2: return __builtin_cpu_supports("x86-64-v3") != 0;
    case SMEZO_ISA_AVX512: return __builtin_cpu_supports("x86-64-v4") != 0;
    default: return 0;
    }
}

int32_t smezo_isa_set(int32_t isa) {
    if (!smezo_isa_supported(isa)) return 0;
    smz_active = &smz_tables[isa];
    smz_active_isa = isa;
    return 1;
}

int32_t smezo_isa(void) { return smz_active_isa; }

const char * smezo_isa_name(int32_t isa) {
    return isa >= 0 && isa < 3 ? smz_isa_names[isa] : "unknown";
}

/* The best the CPU runs, or the one SMEZO_ISA names when the CPU runs it (else the best). */
__attribute__((constructor)) static void smz_isa_init(void) {
    int32_t best = SMEZO_ISA_AVX512;
    while (!smezo_isa_supported(best)) best--;
    const char * want = getenv("SMEZO_ISA");
    for (int32_t i = 0; want != NULL && i < 3; i++) {
        if (strcmp(want, smz_isa_names[i]) == 0 && i <= best) best = i;
    }
    smezo_isa_set(best);
}

#define SMZ_CALL_void(e) e;
#define SMZ_CALL_int32_t(e) return e;
#define SMZ_CALL_int64_t(e) return e;
#define SMZ_DEFINE(ret, name, params, args) \
    ret name params { SMZ_CALL_##ret(smz_active->name args) }
SMZ_KERNELS(SMZ_DEFINE)
