/* Perception gaps on paired ratings and SERVQUAL gap scores (REFERENCE.md section 2.1). */
#include <math.h>
#include <string.h>

#include "scores_internal.h"
#include "special.h"

/* Exact two-sided McNemar (binomial sign) test on the discordant counts b and c. */
static double mcnemar_exact(double b, double c)
{
    double m = b + c, k = fmin(b, c);
    if (m <= 0.0)
        return 1.0;
    double tail = cx__beta_inc(m - k, k + 1.0, 0.5); /* P(X <= k), X ~ Bin(m, 1/2) */
    return fmin(1.0, 2.0 * tail);
}

cx_status cx__gap_compute(cx_gap_result *out, const double *a, const double *b, size_t n,
                          double superior, double level)
{
    double np = 0, sa = 0, sb = 0, ta = 0, tb = 0, disc_a = 0, disc_b = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i]))
            continue;
        np += 1;
        sa += a[i];
        sb += b[i];
        int ua = a[i] >= superior, ub = b[i] >= superior;
        ta += ua;
        tb += ub;
        disc_a += ua && !ub;
        disc_b += ub && !ua;
    }
    cx_gap_result r;
    memset(&r, 0, sizeof r);
    r.version = CX_GAP_RESULT_VERSION;
    r.n = np;
    if (np < 2) {
        r.mean_a = r.mean_b = r.gap = r.lo = r.hi = r.t = r.p_value = NAN;
        r.top_a = r.top_b = r.top_diff = r.top_lo = r.top_hi = r.mcnemar_p = NAN;
        *out = r;
        return cx__error(CX_ERANGE, "a perception gap needs at least 2 complete pairs, got %g", np);
    }
    double md = (sa - sb) / np, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i]))
            continue;
        double dv = a[i] - b[i] - md;
        ss += dv * dv;
    }
    double se = sqrt(ss / (np - 1.0) / np), tq = cx__t_quantile(0.5 + level / 2.0, np - 1.0);
    r.mean_a = sa / np;
    r.mean_b = sb / np;
    r.gap = md;
    r.lo = md - tq * se;
    r.hi = md + tq * se;
    if (se > 0.0) {
        r.t = md / se;
        r.p_value = 2.0 * (1.0 - cx__t_cdf(fabs(r.t), np - 1.0));
    } else { /* every pair has the same difference */
        r.t = md == 0.0 ? 0.0 : copysign(INFINITY, md);
        r.p_value = md == 0.0 ? 1.0 : 0.0;
    }
    r.top_a = ta / np;
    r.top_b = tb / np;
    r.top_diff = (ta - tb) / np;
    /* Paired difference of shares: Tango's score interval on the discordant pairs, the same
     * trinomial structure as NPS (a-only superior, concordant, b-only superior). */
    double l, h;
    cx__nps_interval(&l, &h, disc_a, np - disc_a - disc_b, disc_b, level, CX_NPS_SCORE);
    r.top_lo = l;
    r.top_hi = h;
    r.mcnemar_p = mcnemar_exact(disc_a, disc_b);
    *out = r;
    return CX_OK;
}

CX_API cx_status cx_gap_paired(cx_gap_result *out, const double *a, const double *b, size_t n,
                               double superior, double level)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(a != NULL || n == 0);
    CX_CHECK_ARG(b != NULL || n == 0);
    cx_status st = cx__check_level(level);
    if (st != CX_OK)
        return st;
    if (!isfinite(superior))
        return cx__error_param(CX_EINVAL, "superior", "superior threshold must be finite");
    for (size_t i = 0; i < n; i++)
        if (isinf(a[i]) || isinf(b[i]))
            return cx__error_param(CX_EINVAL, isinf(a[i]) ? "a" : "b", "rating %zu is infinite", i);
    cx_gap_result r;
    st = cx__gap_compute(&r, a, b, n, superior, level);
    if (st == CX_OK)
        *out = r;
    return st;
}

CX_API cx_status cx_servqual(double *item_gap, double dim_gap[CX_SERVQUAL_DIMS], double *overall,
                             double *weighted, const double *p, const double *e, const int *dim,
                             size_t n, size_t k, const double *importance)
{
    CX_CHECK_ARG(dim_gap != NULL);
    CX_CHECK_ARG(overall != NULL);
    CX_CHECK_ARG(p != NULL && e != NULL && dim != NULL);
    CX_CHECK_ARG(n > 0 && k > 0);
    for (size_t j = 0; j < k; j++)
        if (dim[j] < 0 || dim[j] >= CX_SERVQUAL_DIMS)
            return cx__error_param(CX_EINVAL, "dim", "item %zu has dimension %d; must be 0..4", j,
                                   dim[j]);
    for (size_t i = 0; i < n * k; i++)
        if (isinf(p[i]) || isinf(e[i]))
            return cx__error_param(CX_EINVAL, isinf(p[i]) ? "p" : "e", "entry %zu is infinite", i);
    if (importance)
        for (size_t i = 0; i < n * CX_SERVQUAL_DIMS; i++)
            if (!(isfinite(importance[i]) && importance[i] >= 0.0))
                return cx__error_param(CX_EINVAL, "importance",
                                       "importance entry %zu is %g; must be finite and >= 0", i,
                                       importance[i]);
    double dsum[CX_SERVQUAL_DIMS] = {0}, dcnt[CX_SERVQUAL_DIMS] = {0}, wsum = 0.0, wcnt = 0.0;
    for (size_t i = 0; i < n; i++) {
        double g[CX_SERVQUAL_DIMS] = {0}, c[CX_SERVQUAL_DIMS] = {0};
        for (size_t j = 0; j < k; j++) {
            double pv = p[i * k + j], ev = e[i * k + j];
            if (isnan(pv) || isnan(ev))
                continue;
            g[dim[j]] += pv - ev;
            c[dim[j]] += 1.0;
        }
        double sw = 0.0, swg = 0.0;
        for (int d = 0; d < CX_SERVQUAL_DIMS; d++) {
            if (c[d] == 0.0)
                continue;
            double gd = g[d] / c[d];
            dsum[d] += gd;
            dcnt[d] += 1.0;
            if (importance) {
                sw += importance[i * CX_SERVQUAL_DIMS + (size_t)d];
                swg += importance[i * CX_SERVQUAL_DIMS + (size_t)d] * gd;
            }
        }
        if (importance && sw > 0.0) { /* weights renormalised over the answered dimensions */
            wsum += swg / sw;
            wcnt += 1.0;
        }
    }
    double dg[CX_SERVQUAL_DIMS], ov = 0.0, nd = 0.0;
    for (int d = 0; d < CX_SERVQUAL_DIMS; d++) {
        dg[d] = dcnt[d] > 0.0 ? dsum[d] / dcnt[d] : NAN;
        if (dcnt[d] > 0.0) {
            ov += dg[d];
            nd += 1.0;
        }
    }
    if (nd == 0.0)
        return cx__error(CX_ERANGE, "no complete perception / expectation pair");
    if (item_gap)
        for (size_t j = 0; j < k; j++) {
            double s = 0.0, cnt = 0.0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(p[i * k + j]) && !isnan(e[i * k + j])) {
                    s += p[i * k + j] - e[i * k + j];
                    cnt += 1.0;
                }
            item_gap[j] = cnt > 0.0 ? s / cnt : NAN;
        }
    memcpy(dim_gap, dg, sizeof dg);
    *overall = ov / nd;
    if (weighted)
        *weighted = importance && wcnt > 0.0 ? wsum / wcnt : NAN;
    return CX_OK;
}
