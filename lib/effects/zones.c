/* Satisfaction -> retention zones: piecewise-linear logistic regression with two knots chosen
 * by profile likelihood. The data are first reduced to one row per distinct satisfaction value
 * (successes and trials), so the knot search costs O(distinct values), not O(customers). */
#include <cxkit/effects.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "special.h"
#include "surv_common.h"

typedef struct obs {
    double s, y, w;
} obs;

static int obs_cmp(const void *pa, const void *pb)
{
    const obs *a = pa, *b = pb;
    return (a->s > b->s) - (a->s < b->s);
}

/* design rows [s, (s-k1)+, (s-k2)+] for the m distinct values */
static void design(double *x, const double *v, size_t m, double k1, double k2)
{
    for (size_t i = 0; i < m; i++) {
        x[3 * i] = v[i];
        x[3 * i + 1] = fmax(v[i] - k1, 0);
        x[3 * i + 2] = fmax(v[i] - k2, 0);
    }
}

cx_status cx_zones_fit(cx_zones *out, const double *retained, const double *satisfaction,
                       const double *w, size_t n, double conf_level)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(retained != NULL);
    CX_CHECK_ARG(satisfaction != NULL);
    CX_CHECK_ARG(n >= 1);
    CX_CHECK_ARG(conf_level > 0 && conf_level < 1);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(satisfaction[i]))
            return cx__error_param(CX_EINVAL, "satisfaction", "satisfaction[%zu] = %g", i,
                                   satisfaction[i]);
        if (!(retained[i] >= 0 && retained[i] <= 1))
            return cx__error_param(CX_EINVAL, "retained", "retained[%zu] = %g: must be in [0, 1]",
                                   i, retained[i]);
        if (w && !(w[i] >= 0 && isfinite(w[i])))
            return cx__error_param(CX_EINVAL, "w", "w[%zu] = %g", i, w[i]);
    }
    obs *o = cx__malloc_array(n, sizeof *o);
    /* distinct values v, successes y (as proportions), trials t, candidates c, design x,
     * profile ll per candidate pair */
    double *buf = cx__malloc_array(n, 6 * sizeof(double));
    if (!o || !buf) {
        cx__free(o);
        cx__free(buf);
        return cx__enomem();
    }
    for (size_t i = 0; i < n; i++) {
        o[i].s = satisfaction[i];
        o[i].y = retained[i];
        o[i].w = w ? w[i] : 1;
    }
    qsort(o, n, sizeof *o, obs_cmp);
    double *v = buf, *y = buf + n, *t = buf + 2 * n, *x = buf + 3 * n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (o[i].w == 0)
            continue;
        if (m == 0 || o[i].s != v[m - 1]) {
            v[m] = o[i].s;
            y[m] = t[m] = 0;
            m++;
        }
        y[m - 1] += o[i].w * o[i].y;
        t[m - 1] += o[i].w;
    }
    cx__free(o);
    cx_status st = CX_OK;
    cx_logit *best = NULL, *lin = NULL;
    double *cand = NULL, *prof = NULL;
    if (m < 4) {
        st = cx__error_param(CX_ERANGE, "satisfaction",
                             "satisfaction has %zu distinct values; zones need at least 4", m);
        goto done;
    }
    for (size_t i = 0; i < m; i++)
        y[i] /= t[i];
    /* candidate knots: interior distinct values, or 19 weighted quantiles */
    size_t nc = 0;
    cand = cx__malloc_array(m > 21 ? 19 : m, sizeof(double));
    if (!cand) {
        st = cx__enomem();
        goto done;
    }
    if (m <= 21) {
        for (size_t i = 1; i + 1 < m; i++)
            cand[nc++] = v[i];
    } else {
        double total = 0, acc = 0;
        for (size_t i = 0; i < m; i++)
            total += t[i];
        size_t q = 1;
        for (size_t i = 0; i < m && q < 20; i++) {
            acc += t[i];
            while (q < 20 && acc >= total * (double)q / 20) {
                if (i > 0 && i + 1 < m && (nc == 0 || cand[nc - 1] != v[i]))
                    cand[nc++] = v[i];
                q++;
            }
        }
    }
    st = cx_logit_fit(&lin, y, v, t, m, 1, 1);
    if (st)
        goto done;
    prof = cx__malloc_array(nc * nc, sizeof(double));
    if (!prof) {
        st = cx__enomem();
        goto done;
    }
    double best_ll = -INFINITY;
    size_t bi = 0, bj = 0;
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < nc; j++) {
            prof[i * nc + j] = -INFINITY;
            if (j <= i)
                continue;
            design(x, v, m, cand[i], cand[j]);
            cx_logit *fit = NULL;
            cx_status fs = cx_logit_fit(&fit, y, x, t, m, 3, 1);
            if (fs == CX_ENOMEM) {
                st = fs;
                goto done;
            }
            if (fs)
                continue;
            double ll;
            cx_logit_summary(&ll, NULL, NULL, NULL, NULL, fit);
            prof[i * nc + j] = ll;
            if (ll > best_ll) {
                best_ll = ll;
                bi = i;
                bj = j;
                cx_logit_free(best);
                best = fit;
            } else {
                cx_logit_free(fit);
            }
        }
    if (!best) {
        st = cx__error_param(CX_ERANGE, "retained",
                             "no knot pair gives an estimable piecewise model (separation)");
        goto done;
    }
    cx_zones z;
    memset(&z, 0, sizeof z);
    z.version = CX_ZONES_VERSION;
    z.knot[0] = cand[bi];
    z.knot[1] = cand[bj];
    /* profile ranges: candidates whose best partner is within the chi2(1) cut */
    double zc = cx__z_for_level(conf_level), cut = best_ll - zc * zc / 2;
    for (int k = 0; k < 2; k++) {
        z.knot_lower[k] = INFINITY;
        z.knot_upper[k] = -INFINITY;
    }
    for (size_t i = 0; i < nc; i++)
        for (size_t j = i + 1; j < nc; j++)
            if (prof[i * nc + j] >= cut) {
                z.knot_lower[0] = fmin(z.knot_lower[0], cand[i]);
                z.knot_upper[0] = fmax(z.knot_upper[0], cand[i]);
                z.knot_lower[1] = fmin(z.knot_lower[1], cand[j]);
                z.knot_upper[1] = fmax(z.knot_upper[1], cand[j]);
            }
    double b[4], vc[16];
    cx_logit_coef(b, NULL, NULL, NULL, NULL, 4, best, conf_level);
    cx_logit_vcov(vc, 4, best);
    for (int k = 0; k < 3; k++) {
        /* slope in zone k = b1 + ... + b(k+1): contrast c over coefficients 1..k+1 */
        double s = 0, var = 0;
        for (int a = 1; a <= k + 1; a++) {
            s += b[a];
            for (int c = 1; c <= k + 1; c++)
                var += vc[a * 4 + c];
        }
        double se = sqrt(fmax(var, 0));
        z.slope[k] = s;
        z.slope_lower[k] = s - zc * se;
        z.slope_upper[k] = s + zc * se;
    }
    double succ[3] = {0, 0, 0};
    for (size_t i = 0; i < m; i++) {
        int k = v[i] < z.knot[0] ? 0 : v[i] < z.knot[1] ? 1 : 2;
        z.n[k] += t[i];
        succ[k] += y[i] * t[i];
    }
    for (int k = 0; k < 3; k++) {
        z.retention[k] = z.n[k] > 0 ? succ[k] / z.n[k] : 0;
        cx__wilson(&z.retention_lower[k], &z.retention_upper[k], succ[k], z.n[k],
                   cx__z_for_level(conf_level));
    }
    z.loglik = best_ll;
    cx_logit_summary(&z.loglik_linear, NULL, NULL, NULL, NULL, lin);
    z.lr_chisq = fmax(0, 2 * (z.loglik - z.loglik_linear));
    z.lr_p_value = cx__chi2_sf(z.lr_chisq, 2);
    *out = z;
done:
    cx_logit_free(best);
    cx_logit_free(lin);
    cx__free(cand);
    cx__free(prof);
    cx__free(buf);
    return st;
}
