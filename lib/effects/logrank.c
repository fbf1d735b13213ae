/* k-group log-rank test (Mantel-Haenszel form, R's survdiff with rho = 0). */
#include <cxkit/survival.h>

#include <math.h>

#include "linalg.h"
#include "special.h"
#include "surv_common.h"

cx_status cx_logrank_test(double *chisq, double *p_value, double *observed, double *expected,
                          size_t k, const double *time, const double *event, const double *group,
                          size_t n)
{
    CX_CHECK_ARG(chisq != NULL);
    CX_CHECK_ARG(p_value != NULL);
    CX_CHECK_ARG(k >= 2);
    CX_CHECK_ARG(k <= 100000);
    CX_CHECK_ARG(time != NULL);
    CX_CHECK_ARG(event != NULL);
    CX_CHECK_ARG(group != NULL);
    CX_CHECK_ARG(n >= 1);
    cx_status st = cx__surv_check(time, event, n);
    if (st)
        return st;
    for (size_t i = 0; i < n; i++)
        if (!(group[i] >= 0 && group[i] < (double)k && group[i] == floor(group[i])))
            return cx__error_param(CX_EINVAL, "group",
                                   "group[%zu] = %g: must be an integer code 0 .. %zu", i, group[i],
                                   k - 1);
    size_t km1 = k - 1;
    /* at_risk (k), d_g (k), O (k), E (k), V (k-1 x k-1) */
    double *w = cx__calloc(4 * k + km1 * km1, sizeof(double));
    size_t *order = cx__surv_order(time, event, n);
    if (!w || !order) {
        cx__free(w);
        cx__free(order);
        return cx__enomem();
    }
    double *risk = w, *dg = w + k, *o = w + 2 * k, *e = w + 3 * k, *v = w + 4 * k;
    for (size_t i = 0; i < n; i++)
        risk[(size_t)group[i]] += 1;
    for (size_t g = 0; g < k; g++)
        if (risk[g] == 0) {
            cx__free(w);
            cx__free(order);
            return cx__error_param(CX_ERANGE, "group", "group %zu has no subjects", g);
        }
    double total = (double)n, events = 0;
    for (size_t a = 0; a < n;) {
        double t = time[order[a]];
        size_t b = a;
        double d = 0;
        for (size_t g = 0; g < k; g++)
            dg[g] = 0;
        while (b < n && time[order[b]] == t) {
            if (event[order[b]] == 1) {
                dg[(size_t)group[order[b]]] += 1;
                d += 1;
            }
            b++;
        }
        if (d > 0) {
            events += d;
            double f = total > 1 ? d * (total - d) / (total - 1) : 0;
            for (size_t g = 0; g < k; g++) {
                o[g] += dg[g];
                e[g] += d * risk[g] / total;
            }
            for (size_t g = 0; g < km1; g++)
                for (size_t h = 0; h < km1; h++)
                    v[g * km1 + h] += f * risk[g] / total * ((g == h) - risk[h] / total);
        }
        for (size_t c = a; c < b; c++)
            risk[(size_t)group[order[c]]] -= 1;
        total -= (double)(b - a);
        a = b;
    }
    cx__free(order);
    if (events == 0) {
        cx__free(w);
        return cx__error_param(CX_ERANGE, "event", "no events: the log-rank test is undefined");
    }
    /* chi2 = (O-E)' V^- (O-E) on the first k-1 groups (the last is redundant). */
    double *u = dg; /* reuse: k >= k-1 */
    for (size_t g = 0; g < km1; g++)
        u[g] = o[g] - e[g];
    double *rhs = risk; /* reuse */
    for (size_t g = 0; g < km1; g++)
        rhs[g] = u[g];
    st = cx__chol(v, km1);
    if (st) {
        cx__free(w);
        return cx__error(CX_ESINGULAR, "log-rank variance matrix is singular (a group has no "
                                       "subjects at risk at any event time)");
    }
    cx__chol_solve(v, km1, rhs, 1);
    double x2 = 0;
    for (size_t g = 0; g < km1; g++)
        x2 += u[g] * rhs[g];
    *chisq = x2;
    *p_value = cx__chi2_sf(x2, (double)km1);
    for (size_t g = 0; g < k; g++) {
        if (observed)
            observed[g] = o[g];
        if (expected)
            expected[g] = e[g];
    }
    cx__free(w);
    return CX_OK;
}
