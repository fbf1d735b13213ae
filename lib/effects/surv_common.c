/* Validation, ordering and small helpers shared by the survival and effects estimators. */
#include "surv_common.h"

#include <math.h>
#include <stdlib.h>

#include "special.h"

cx_status cx__surv_check(const double *time, const double *event, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0)
            return cx__error_param(CX_EINVAL, "time",
                                   "time[%zu] = %g: times must be finite and >= 0", i, time[i]);
        if (event[i] != 0 && event[i] != 1)
            return cx__error_param(CX_EINVAL, "event", "event[%zu] = %g: must be 0 or 1", i,
                                   event[i]);
    }
    return CX_OK;
}

/* qsort has no context argument in C11, so sort (time, event, index) records instead. */
typedef struct rec {
    double t;
    double e;
    size_t i;
} rec;

static int rec_cmp(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    if (a->e != b->e)
        return a->e > b->e ? -1 : 1; /* events first */
    return (a->i > b->i) - (a->i < b->i);
}

size_t *cx__surv_order(const double *time, const double *event, size_t n)
{
    rec *r = cx__malloc_array(n, sizeof *r);
    size_t *order = cx__malloc_array(n, sizeof *order);
    if (!r || !order) {
        cx__free(r);
        cx__free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].t = time[i];
        r[i].e = event[i];
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, rec_cmp);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].i;
    cx__free(r);
    return order;
}

void cx__wald_table(double *beta, double *se, double *lower, double *upper, double *p_value,
                    const double *b, const double *vcov, size_t p, double z)
{
    for (size_t j = 0; j < p; j++) {
        double s = sqrt(vcov[j * p + j]);
        if (beta)
            beta[j] = b[j];
        if (se)
            se[j] = s;
        if (lower)
            lower[j] = b[j] - z * s;
        if (upper)
            upper[j] = b[j] + z * s;
        if (p_value)
            p_value[j] = 2 * cx__normal_sf(fabs(b[j] / s));
    }
}
