/* Two-group comparisons and robust least squares (see estimate.h). */
#include "estimate.h"

#include <math.h>
#include <string.h>

#include "linalg.h"
#include "special.h"
#include "surv_common.h"

cx__est cx__normal_est(double est, double se, double level)
{
    double z = cx__z_for_level(level);
    cx__est e = {est, est - z * se, est + z * se, se > 0 ? 2 * cx__normal_sf(fabs(est / se)) : 1,
                 se};
    return e;
}

cx__est cx__risk_difference(double xa, double na, double xb, double nb, double level)
{
    double pa = xa / na, pb = xb / nb, z;
    cx__est e;
    e.est = pa - pb;
    cx__prop_diff_newcombe(&e.lower, &e.upper, &z, xa, na, xb, nb, cx__z_for_level(level));
    e.p_value = 2 * cx__normal_sf(fabs(z));
    e.se = sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
    return e;
}

cx__est cx__mean_difference(double ma, double va, double na, double mb, double vb, double nb,
                            double level)
{
    double sa = va / na, sb = vb / nb, se = sqrt(sa + sb);
    double df = (sa + sb) * (sa + sb) / (sa * sa / (na - 1) + sb * sb / (nb - 1));
    cx__est e;
    e.est = ma - mb;
    e.se = se;
    if (!(se > 0)) {
        e.lower = e.upper = e.est;
        e.p_value = e.est == 0 ? 1 : 0;
        return e;
    }
    double t = cx__t_quantile(0.5 + level / 2, df);
    e.lower = e.est - t * se;
    e.upper = e.est + t * se;
    e.p_value = 2 * (1 - cx__t_cdf(fabs(e.est / se), df));
    return e;
}

cx_status cx__ols_hc1(double *beta, double *se, const double *y, const double *x, size_t n,
                      size_t p)
{
    if (n <= p)
        return cx__error(CX_ERANGE, "least squares needs more rows (%zu) than columns (%zu)", n, p);
    double *xtx = cx__calloc(3 * p * p + p, sizeof(double));
    if (!xtx)
        return cx__enomem();
    double *inv = xtx + p * p, *meat = inv + p * p, *b = meat + p * p;
    for (size_t i = 0; i < n; i++) {
        const double *r = x + i * p;
        for (size_t j = 0; j < p; j++) {
            b[j] += r[j] * y[i];
            for (size_t k = 0; k <= j; k++)
                xtx[j * p + k] += r[j] * r[k];
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            xtx[k * p + j] = xtx[j * p + k];
    if (cx__chol(xtx, p) || cx__chol_inverse(xtx, p, inv)) {
        cx__free(xtx);
        return cx__error(CX_ESINGULAR, "least squares: columns are collinear");
    }
    cx__chol_solve(xtx, p, b, 1);
    for (size_t i = 0; i < n; i++) {
        const double *r = x + i * p;
        double e = y[i];
        for (size_t j = 0; j < p; j++)
            e -= r[j] * b[j];
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k <= j; k++)
                meat[j * p + k] += e * e * r[j] * r[k];
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            meat[k * p + j] = meat[j * p + k];
    double scale = (double)n / (double)(n - p);
    for (size_t j = 0; j < p; j++) {
        /* (inv meat inv)_jj */
        double v = 0;
        for (size_t a = 0; a < p; a++)
            for (size_t c = 0; c < p; c++)
                v += inv[j * p + a] * meat[a * p + c] * inv[c * p + j];
        beta[j] = b[j];
        se[j] = sqrt(fmax(v * scale, 0));
    }
    cx__free(xtx);
    return CX_OK;
}
