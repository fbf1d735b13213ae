/* Kaplan-Meier curve with Greenwood standard errors and log / log-log / plain intervals. */
#include <cxkit/survival.h>

#include <math.h>

#include "surv_common.h"

struct cx_km {
    size_t m; /* steps */
    double *time, *n_risk, *n_event, *surv, *se, *lower, *upper;
};

void cx_km_free(cx_km *km)
{
    if (!km)
        return;
    cx__free(km->time); /* one block holds every column */
    cx__free(km);
}

size_t cx_km_size(const cx_km *km)
{
    return km ? km->m : 0;
}

/* Pointwise interval for one step; sigma is the Greenwood sd of ln S. */
static void km_interval(double *lo, double *hi, double s, double sigma, double z, int ci)
{
    if (s <= 0) {
        *lo = *hi = 0;
        return;
    }
    if (sigma == 0) {
        *lo = *hi = s;
        return;
    }
    switch (ci) {
    case CX_KM_CI_LOG_LOG:
        if (s >= 1) {
            *lo = *hi = 1;
            return;
        }
        /* exp(-exp(ln(-ln S) ± z σ / |ln S|)) */
        *lo = exp(-exp(log(-log(s)) + z * sigma / -log(s)));
        *hi = exp(-exp(log(-log(s)) - z * sigma / -log(s)));
        return;
    case CX_KM_CI_PLAIN:
        *lo = fmax(0, s - z * s * sigma);
        *hi = fmin(1, s + z * s * sigma);
        return;
    default:
        *lo = s * exp(-z * sigma);
        *hi = fmin(1, s * exp(z * sigma));
        return;
    }
}

cx_status cx_km_fit(cx_km **out, const double *time, const double *event, size_t n,
                    double conf_level, int ci)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(time != NULL);
    CX_CHECK_ARG(event != NULL);
    CX_CHECK_ARG(n >= 1);
    CX_CHECK_ARG(conf_level > 0 && conf_level < 1);
    CX_CHECK_ARG(ci == CX_KM_CI_LOG || ci == CX_KM_CI_LOG_LOG || ci == CX_KM_CI_PLAIN);
    cx_status st = cx__surv_check(time, event, n);
    if (st)
        return st;
    size_t *order = cx__surv_order(time, event, n);
    if (!order)
        return cx__enomem();
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || time[order[k]] != time[order[k - 1]])
            m++;
    cx_km *km = cx__calloc(1, sizeof *km);
    double *block = cx__malloc_array(m, 7 * sizeof(double));
    if (!km || !block) {
        cx__free(order);
        cx__free(km);
        cx__free(block);
        return cx__enomem();
    }
    km->m = m;
    km->time = block;
    km->n_risk = block + m;
    km->n_event = block + 2 * m;
    km->surv = block + 3 * m;
    km->se = block + 4 * m;
    km->lower = block + 5 * m;
    km->upper = block + 6 * m;

    double z = cx__z_for_level(conf_level), s = 1, gw = 0;
    size_t at_risk = n, j = 0;
    for (size_t k = 0; k < n;) {
        double t = time[order[k]];
        size_t d = 0, c = 0;
        while (k < n && time[order[k]] == t) {
            if (event[order[k]] == 1)
                d++;
            else
                c++;
            k++;
        }
        double nr = (double)at_risk;
        if (d > 0) {
            s *= 1 - (double)d / nr;
            gw = d < at_risk ? gw + (double)d / (nr * (nr - (double)d)) : INFINITY;
        }
        km->time[j] = t;
        km->n_risk[j] = nr;
        km->n_event[j] = (double)d;
        km->surv[j] = s;
        double sigma = sqrt(gw);
        km->se[j] = s > 0 ? s * sigma : 0;
        km_interval(&km->lower[j], &km->upper[j], s, sigma, z, ci);
        at_risk -= d + c;
        j++;
    }
    cx__free(order);
    *out = km;
    return CX_OK;
}

cx_status cx_km_get(double *time, double *n_risk, double *n_event, double *surv, double *se,
                    double *lower, double *upper, size_t n, const cx_km *km)
{
    CX_CHECK_ARG(km != NULL);
    if (n != km->m)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the curve has %zu steps", n, km->m);
    double *dst[7] = {time, n_risk, n_event, surv, se, lower, upper};
    const double *src[7] = {km->time, km->n_risk, km->n_event, km->surv,
                            km->se,   km->lower,  km->upper};
    for (int c = 0; c < 7; c++)
        if (dst[c])
            for (size_t i = 0; i < n; i++)
                dst[c][i] = src[c][i];
    return CX_OK;
}

cx_status cx_km_surv_at(double *out, const cx_km *km, double t)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(km != NULL);
    CX_CHECK_ARG(!isnan(t));
    double s = 1;
    for (size_t j = 0; j < km->m && km->time[j] <= t; j++)
        s = km->surv[j];
    *out = s;
    return CX_OK;
}

cx_status cx_km_median(double *out, const cx_km *km)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(km != NULL);
    for (size_t j = 0; j < km->m; j++) {
        if (km->surv[j] < 0.5) {
            *out = km->time[j];
            return CX_OK;
        }
        if (km->surv[j] == 0.5) {
            /* flat at exactly one half: midpoint to the next step that falls below */
            for (size_t k = j + 1; k < km->m; k++)
                if (km->surv[k] < 0.5) {
                    *out = (km->time[j] + km->time[k]) / 2;
                    return CX_OK;
                }
            *out = km->time[j];
            return CX_OK;
        }
    }
    return cx__error(CX_ERANGE, "the survival curve does not fall to 0.5: median not reached");
}
