/*
 * Array forms of the vectorisable exp, expm1, log and log1p (see vmath.h). Each loop is
 * compiled for AVX2 as well as for the baseline, picked at load; the clones are static behind
 * a plain wrapper so that no resolver symbol is exported.
 */
#include "vmath.h"

#define CX__VM_ARRAY(name, fn)                                                                     \
    CX_TARGET_CLONES("avx2", "default")                                                            \
    static void name##_loop(double *out, const double *in, size_t n)                               \
    {                                                                                              \
        for (size_t i = 0; i < n; i++)                                                             \
            out[i] = fn(in[i]);                                                                    \
    }                                                                                              \
    void name(double *out, const double *in, size_t n)                                             \
    {                                                                                              \
        name##_loop(out, in, n);                                                                   \
    }

CX__VM_ARRAY(cx__vexp, cx__vm_exp)
CX__VM_ARRAY(cx__vexpm1, cx__vm_expm1)
CX__VM_ARRAY(cx__vlog, cx__vm_log)
CX__VM_ARRAY(cx__vlog1p, cx__vm_log1p)
