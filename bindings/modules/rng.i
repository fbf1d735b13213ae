/* bindings/modules/rng.i: the deterministic random number generator (include/cxkit/rng.h).
 * Bulk fills `(double *out, size_t n, cx_rng *rng, ...)` take n and return a new numpy array /
 * Lua table; the Python layer (cxkit/rng.py) wraps the handle in cxkit.RNG and the Lua layer
 * (cxkit/rng.lua) adds methods to it. */

CX_HANDLE(cx_rng, cx_rng_free)

%include <cxkit/rng.h>

/* Bounded integers in bulk for scripts (no per-element loop in Python / Lua): the same draws as
 * repeated cx_rng_below(rng, bound). Counts fit int64 (bound < 2^63). */
%{
#include "internal.h"
#include "rng_internal.h"
%}
%inline %{
cx_status cx_rng_fill_below_i64(int64_t *out, size_t n, cx_rng *rng, uint64_t bound)
{
    if (!rng)
        return cx__error_param(CX_EINVAL, "rng", "rng must not be NULL");
    if (bound > (uint64_t)INT64_MAX)
        return cx__error_param(CX_EINVAL, "bound", "bound must be below 2^63 for int64 results");
    for (size_t i = 0; i < n; i++)
        out[i] = (int64_t)cx__rng_below(rng, bound); /* the unchecked, inlinable form */
    return CX_OK;
}
%}
