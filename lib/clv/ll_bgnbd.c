/*
 * BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam et al. 2007) log-likelihoods with
 * analytic gradients, in the overflow-free log form of REFERENCE.md 5.2-5.3:
 *   LL = A1 + A2 + log(e^A3 + [x > 0 or MBG] e^A4).
 * Rows come sorted by frequency (the compression sorts them), so the special functions that
 * depend on x alone are evaluated once per distinct frequency, not once per customer.
 */
#include <math.h>

#include "clv_internal.h"
#include "special.h"

typedef struct bg_ctx {
    const cx__clv_data *d;
    int modified, with_grad, with_hess;
    double r, alpha, a, b, la, lga_r, lab, lgb, dg_r, dg_ab, dg_b, log_a, shift, tg_r, tg_ab, tg_b;
} bg_ctx;

/* Accumulators of one block of rows: [0] log-likelihood, [1..4] gradient and [5..20] Hessian
 * (natural parameters). */
#define BG_NACC 21

static cx_status bg_rows(double *acc, const void *vctx, size_t lo, size_t hi)
{
    const bg_ctx *c = vctx;
    const cx__clv_data *d = c->d;
    const int modified = c->modified;
    const double r = c->r, alpha = c->alpha, a = c->a, b = c->b, la = c->la, lga_r = c->lga_r,
                 lab = c->lab, lgb = c->lgb, dg_r = c->dg_r, dg_ab = c->dg_ab, dg_b = c->dg_b,
                 log_a = c->log_a, shift = c->shift, tg_r = c->tg_r, tg_ab = c->tg_ab,
                 tg_b = c->tg_b;
    double sum = 0.0, g[4] = {0, 0, 0, 0};
    double cur_x = -1.0;
    double A12 = 0, dr_x = 0, da_x = 0, db_x = 0, lcoef = 0, bx1 = 1;
    double h[16] = {0};
    double hrr_x = 0, haa_x = 0, hbb_x = 0;
    const int grad = c->with_grad, hess = c->with_hess;
    for (size_t i = lo; i < hi; i++) {
        const double x = d->x[i], w = d->w[i];
        if (x != cur_x) {
            cur_x = x;
            const double bxs = b + x + shift;
            A12 = cx__lgamma(r + x) - lga_r + r * la + lab + cx__lgamma(bxs) - lgb -
                  cx__lgamma(a + bxs);
            dr_x = cx__digamma(r + x) - dg_r + la;
            const double dg_abx = cx__digamma(a + bxs);
            da_x = dg_ab - dg_abx;
            db_x = dg_ab + cx__digamma(bxs) - dg_b - dg_abx;
            bx1 = b + x - 1.0 + shift;
            lcoef = log_a - log(bx1);
            if (hess) {
                const double tg_abx = cx__trigamma(a + bxs);
                hrr_x = cx__trigamma(r + x) - tg_r;
                haa_x = tg_ab - tg_abx;
                hbb_x = tg_ab + cx__trigamma(bxs) - tg_b - tg_abx;
            }
        }
        const double lT = log(alpha + d->T[i]);
        const double A3 = -(r + x) * lT;
        if (!(x > 0 || modified)) {
            /* BG/NBD without repeat purchases: only the alive-at-T term (pi = 0), so the
             * general expressions below reduce to these (the customers most data sets have) */
            const double aT = alpha + d->T[i];
            sum += w * (A12 + A3);
            if (grad) {
                g[0] += w * (dr_x - lT);
                g[1] += w * (r / alpha - (r + x) / aT);
                g[2] += w * da_x;
                g[3] += w * db_x;
            }
            if (hess) {
                h[1 * 4 + 0] += w * (-1.0 / aT + 1.0 / alpha);
                h[1 * 4 + 1] += w * ((r + x) / (aT * aT) - r / (alpha * alpha));
                h[0] += w * hrr_x;
                h[2 * 4 + 2] += w * haa_x;
                h[3 * 4 + 2] += w * haa_x;
                h[3 * 4 + 3] += w * hbb_x;
            }
            continue;
        }
        double pi = 0.0, lse = A3, ltx = 0.0;
        if (x > 0 || modified) {
            ltx = log(alpha + d->tx[i]);
            const double A4 = lcoef - (r + x) * ltx;
            if (A4 > A3) {
                const double e = exp(A3 - A4);
                lse = A4 + log(1.0 + e); /* e <= 1: absolute error 1e-16, log1p costs twice */
                pi = 1.0 / (1.0 + e);
            } else {
                const double e = exp(A4 - A3);
                lse = A3 + log(1.0 + e);
                pi = e / (1.0 + e);
            }
        }
        sum += w * (A12 + lse);
        if (grad) {
            const double q = 1.0 - pi;
            g[0] += w * (dr_x - q * lT - pi * ltx);
            g[1] += w * (r / alpha - (r + x) * (q / (alpha + d->T[i]) + pi / (alpha + d->tx[i])));
            g[2] += w * (da_x + pi / a);
            g[3] += w * (pi > 0.0 ? db_x - pi / bx1 : db_x); /* bx1 = 0 when x = 0 */
        }
        if (hess) {
            /* log-sum-exp of u = A3 and v = A4: (1-pi) H_u + pi H_v + pi (1-pi) dd^T with
             * d = grad v - grad u; plus the Hessian of A1 + A2 */
            const double q = 1.0 - pi, aT = alpha + d->T[i], ax = alpha + d->tx[i];
            const double rx = r + x;
            double dd[4] = {lT - ltx, rx / aT - rx / ax, 0.0, 0.0};
            if (pi > 0.0) {
                dd[2] = 1.0 / a;
                dd[3] = -1.0 / bx1;
            }
            const double pq = pi * q;
            for (int j = 0; j < 4; j++)
                for (int k = 0; k <= j; k++)
                    h[j * 4 + k] += w * pq * dd[j] * dd[k];
            h[1 * 4 + 0] += w * (-q / aT - pi / ax + 1.0 / alpha);
            h[1 * 4 + 1] += w * (q * rx / (aT * aT) + pi * rx / (ax * ax) - r / (alpha * alpha));
            h[0] += w * hrr_x;
            h[2 * 4 + 2] += w * (haa_x - (pi > 0.0 ? pi / (a * a) : 0.0));
            h[3 * 4 + 2] += w * haa_x;
            h[3 * 4 + 3] += w * (hbb_x + (pi > 0.0 ? pi / (bx1 * bx1) : 0.0));
        }
    }
    acc[0] = sum;
    for (int j = 0; j < 4; j++)
        acc[1 + j] = g[j];
    for (int j = 0; j < 16; j++)
        acc[5 + j] = h[j];
    return CX_OK;
}

/* modified = 0: BG/NBD, 1: MBG/NBD (death possible at time 0, so the A4 term exists for x = 0
 * too and every "b + x" is shifted by one). */
static cx_status ll_bg_family(double *ll, double *grad, double *hess, const double *p,
                              const cx__clv_data *d, int modified)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    bg_ctx c = {d,
                modified,
                grad != NULL || hess != NULL,
                hess != NULL,
                r,
                alpha,
                a,
                b,
                log(alpha),
                cx__lgamma(r),
                cx__lgamma(a + b),
                cx__lgamma(b),
                cx__digamma(r),
                cx__digamma(a + b),
                cx__digamma(b),
                log(a),
                modified ? 1.0 : 0.0,
                hess ? cx__trigamma(r) : 0,
                hess ? cx__trigamma(a + b) : 0,
                hess ? cx__trigamma(b) : 0};
    double acc[BG_NACC];
    cx_status st = cx__clv_sum_rows(acc, BG_NACC, d->n, d->n_threads, bg_rows, &c);
    if (st != CX_OK)
        return st;
    const double sum = acc[0], *g = acc + 1, *h = acc + 5;
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = sum;
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = g[j] * p[j];
    if (hess) /* to log-parameters: p_j p_k H_jk + delta_jk p_j g_j */
        for (int j = 0; j < 4; j++)
            for (int k = 0; k <= j; k++) {
                double v = p[j] * p[k] * h[j * 4 + k] + (j == k ? p[j] * g[j] : 0.0);
                hess[j * 4 + k] = hess[k * 4 + j] = v;
            }
    return CX_OK;
}

cx_status cx__ll_bgnbd(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    return ll_bg_family(ll, grad, NULL, p, d, 0);
}

cx_status cx__ll_mbgnbd(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    return ll_bg_family(ll, grad, NULL, p, d, 1);
}

cx_status cx__llh_bgnbd(double *ll, double *grad, double *hess, const double *p,
                        const cx__clv_data *d)
{
    return ll_bg_family(ll, grad, hess, p, d, 0);
}

cx_status cx__llh_mbgnbd(double *ll, double *grad, double *hess, const double *p,
                         const cx__clv_data *d)
{
    return ll_bg_family(ll, grad, hess, p, d, 1);
}
