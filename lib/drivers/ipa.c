/* Importance-performance analysis quadrants (Martilla & James 1977). */
#include <math.h>

#include "drivers_internal.h"

CX_API cx_status cx_ipa_quadrants(int *quadrant, const double *importance,
                                  const double *performance, size_t p, double importance_cut,
                                  double performance_cut)
{
    CX_CHECK_ARG(quadrant != NULL);
    CX_CHECK_ARG(importance != NULL);
    CX_CHECK_ARG(performance != NULL);
    CX_CHECK_ARG(p > 0);
    double mi = 0.0, mp = 0.0;
    for (size_t j = 0; j < p; j++) {
        if (!isfinite(importance[j]))
            return cx__error_param(CX_EINVAL, "importance", "importance %zu is not finite", j);
        if (!isfinite(performance[j]))
            return cx__error_param(CX_EINVAL, "performance", "performance %zu is not finite", j);
        mi += importance[j] / (double)p;
        mp += performance[j] / (double)p;
    }
    if (isinf(importance_cut) || isinf(performance_cut))
        return cx__error_param(CX_EINVAL, "importance_cut", "cuts must be finite or NaN");
    double ci = isnan(importance_cut) ? mi : importance_cut;
    double cp = isnan(performance_cut) ? mp : performance_cut;
    for (size_t j = 0; j < p; j++) {
        int hi_imp = importance[j] >= ci, hi_perf = performance[j] >= cp;
        quadrant[j] = hi_imp ? (hi_perf ? CX_IPA_KEEP_UP : CX_IPA_CONCENTRATE)
                             : (hi_perf ? CX_IPA_OVERKILL : CX_IPA_LOW_PRIORITY);
    }
    return CX_OK;
}
