/*
 * Log-likelihoods of the discrete-time models with analytic gradients: BG/BB (Fader, Hardie &
 * Shang 2010) over n transaction opportunities and the shifted-beta-geometric model of
 * contractual retention (Fader & Hardie 2007). Each likelihood is a sum of products of beta
 * function ratios, so every term is kept as (log value, gradient of the log) and the terms are
 * combined with log-sum-exp.
 */
#include <math.h>

#include "clv_internal.h"
#include "special.h"

/* Running log-sum-exp of terms with gradients of their logs. */
typedef struct lse_acc {
    double m, s, g[4];
} lse_acc;

static void lse_init(lse_acc *a)
{
    a->m = -INFINITY;
    a->s = 0.0;
    a->g[0] = a->g[1] = a->g[2] = a->g[3] = 0.0;
}

static void lse_add(lse_acc *a, double l, const double *g, int np)
{
    if (l > a->m) {
        const double f = exp(a->m - l);
        a->s = a->s * f + 1.0;
        for (int j = 0; j < np; j++)
            a->g[j] = a->g[j] * f + g[j];
        a->m = l;
    } else {
        const double e = exp(l - a->m);
        a->s += e;
        for (int j = 0; j < np; j++)
            a->g[j] += e * g[j];
    }
}

/* log B(a, b) and its partials. */
static double lbeta_d(double a, double b, double *da, double *db)
{
    const double dab = cx__digamma(a + b);
    *da = cx__digamma(a) - dab;
    *db = cx__digamma(b) - dab;
    return cx__lbeta(a, b);
}

/* log[B(a1, b1)/B(a0, b0)] with gradient added to g0 (index ia for a, ib for b). */
static double beta_ratio(double a1, double b1, double a0, double b0, double *g, int ia, int ib)
{
    double d1a, d1b, d0a, d0b;
    const double l = lbeta_d(a1, b1, &d1a, &d1b) - lbeta_d(a0, b0, &d0a, &d0b);
    g[ia] += d1a - d0a;
    g[ib] += d1b - d0b;
    return l;
}

cx_status cx__bgbb_row(double *logl, double *grad, const double *p, double x, double tx, double n)
{
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    lse_acc acc;
    lse_init(&acc);
    double g[4] = {0, 0, 0, 0};
    double l =
        beta_ratio(al + x, be + n - x, al, be, g, 0, 1) + beta_ratio(ga, de + n, ga, de, g, 2, 3);
    lse_add(&acc, l, g, 4);
    for (double i = 0; i <= n - tx - 1; i++) {
        g[0] = g[1] = g[2] = g[3] = 0.0;
        l = beta_ratio(al + x, be + tx - x + i, al, be, g, 0, 1) +
            beta_ratio(ga + 1, de + tx + i, ga, de, g, 2, 3);
        lse_add(&acc, l, g, 4);
    }
    *logl = acc.m + log(acc.s);
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = acc.g[j] / acc.s;
    return CX_OK;
}

cx_status cx__ll_bgbb(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    double sum = 0.0, g[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < d->n; i++) {
        double l, gi[4];
        cx__bgbb_row(&l, gi, p, d->x[i], d->tx[i], d->T[i]);
        sum += d->w[i] * l;
        for (int j = 0; j < 4; j++)
            g[j] += d->w[i] * gi[j];
    }
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = sum;
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = g[j] * p[j];
    return CX_OK;
}

cx_status cx__ll_sbg(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    const double al = p[0], be = p[1];
    double sum = 0.0, g[2] = {0, 0};
    for (size_t i = 0; i < d->n; i++) {
        const double t = d->x[i], w = d->w[i];
        double gi[2] = {0, 0};
        /* churned in period t: B(al+1, be+t-1)/B(al, be); still active after t: B(al, be+t)/B */
        const double l = d->tx[i] > 0.5 ? beta_ratio(al + 1, be + t - 1, al, be, gi, 0, 1)
                                        : beta_ratio(al, be + t, al, be, gi, 0, 1);
        sum += w * l;
        g[0] += w * gi[0];
        g[1] += w * gi[1];
    }
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = sum;
    if (grad) {
        grad[0] = g[0] * al;
        grad[1] = g[1] * be;
    }
    return CX_OK;
}

/* Gamma-Gamma: x repeat purchases with mean spend m = tx (Fader & Hardie 2013, note 025). */
cx_status cx__ll_gg(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    const double pp = p[0], q = p[1], ga = p[2];
    const double lgq = cx__lgamma(q), dgq = cx__digamma(q), lga = log(ga);
    double sum = 0.0, g[3] = {0, 0, 0};
    for (size_t i = 0; i < d->n; i++) {
        const double x = d->x[i], m = d->tx[i], w = d->w[i];
        const double px = pp * x, lden = log(x * m + ga);
        sum += w * (cx__lgamma(px + q) - cx__lgamma(px) - lgq + q * lga + (px - 1) * log(m) +
                    px * log(x) - (px + q) * lden);
        if (grad) {
            const double dpq = cx__digamma(px + q);
            g[0] += w * x * (dpq - cx__digamma(px) + log(m) + log(x) - lden);
            g[1] += w * (dpq - dgq + lga - lden);
            g[2] += w * (q / ga - (px + q) / (x * m + ga));
        }
    }
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = sum;
    if (grad)
        for (int j = 0; j < 3; j++)
            grad[j] = g[j] * p[j];
    return CX_OK;
}
