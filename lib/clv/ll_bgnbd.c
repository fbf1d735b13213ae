/*
 * BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam et al. 2007) log-likelihoods with
 * analytic gradients and Hessians, in the overflow-free log form of REFERENCE.md 5.2-5.3:
 *   LL = A1 + A2 + log(e^A3 + [x > 0 or MBG] e^A4).
 * The terms that depend on the frequency x alone (A1 + A2 with its derivatives, and the
 * coefficient of e^A4) are tabulated once per evaluation for x = 0..max x, and their sums over
 * the rows are sums over frequencies weighted by the rows' total weight at each frequency; the
 * pass over the rows then only evaluates what depends on T and t_x (log(alpha + T) for every
 * row; log(alpha + t_x), one exponential and one logarithm of the log-sum-exp for the rows with
 * the e^A4 term), branch-free and vectorised (bg_chunk). Frequencies above CX__CLV_XTAB_MAX
 * take bg_rows, which evaluates the frequency terms when x changes (fast for rows sorted by x,
 * as the compression leaves them).
 */
#include <math.h>

#include "clv_internal.h"
#include "special.h"
#include "vmath.h"

typedef struct bg_ctx {
    const cx__clv_data *d;
    int modified, with_grad, with_hess;
    double r, alpha, a, b, la, lga_r, lab, lgb, dg_r, dg_ab, dg_b, log_a, shift, tg_r, tg_ab, tg_b;
    /* per frequency k = 0..max x (table path): log of the coefficient of e^A4 (-inf where
     * that term is absent: BG/NBD at x = 0) and 1 / (b + x - 1 + shift) (0 there) */
    const double *lcoef, *ib;
} bg_ctx;

/* The row-by-row path (frequencies beyond the tables). Accumulators of one block of rows: [0]
 * log-likelihood, [1..4] gradient and [5..20] Hessian (natural parameters). */
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
        const double x = d->x[i], w = d->w ? d->w[i] : 1.0;
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

/* Row sums of the table path, per lane: */
enum {
    S_LL,  /* log-sum-exp of A3 and A4 */
    S_G0,  /* q log(alpha + T) + pi log(alpha + t_x) */
    S_G1,  /* (r + x) (q / (alpha + T) + pi / (alpha + t_x)) */
    S_PI,  /* pi */
    S_G3,  /* pi / (b + x - 1 + shift) */
    S_H10, /* q / (alpha + T) + pi / (alpha + t_x) */
    S_H11, /* (r + x) (q / (alpha + T)^2 + pi / (alpha + t_x)^2) */
    S_H33, /* pi / (b + x - 1 + shift)^2 */
    S_PQ,  /* pi q, then pi q times the entries of dd dd^T (see bg_rows) without dd2 = 1 / a */
    S_PQ0,
    S_PQ1,
    S_PQ3,
    S_00,
    S_10,
    S_11,
    S_30,
    S_31,
    S_33,
    S_N
};
#define LANES 4
/* Rows per chunk of the table path: its per-row scratch stays in the L1 cache. */
#define CHUNK 256

/* Rows lo..hi-1 (at most CHUNK) of the table path, vectorised: first what every row needs
 * (log(alpha + T)) and the sums of the rows without the e^A4 term (BG/NBD's customers without
 * repeat purchases, most of a data set: their log-likelihood is A1 + A2 + A3), then the other
 * rows gathered into a compact list, their log(alpha + t_x), log-sum-exp and its weights, and
 * their sums. Each sum runs in LANES interleaved lanes, each lane adding its rows in order, so
 * every instruction set gives the same bits (vmath's logarithm and exponential are exact
 * operations in a fixed order too). */
CX_TARGET_CLONES("avx2", "default")
static void bg_chunk(double (*acc)[LANES], const bg_ctx *c, size_t lo, size_t hi)
{
    const cx__clv_data *d = c->d;
    const double *xs = d->x + lo, *txs = d->tx + lo, *Ts = d->T + lo, *ws = d->w ? d->w + lo : NULL;
    const double r = c->r, alpha = c->alpha, *lcoef = c->lcoef, *ibs = c->ib;
    const int modified = c->modified; /* the e^A4 term: x > 0, or every row for MBG/NBD */
    const size_t m = hi - lo, mp = (m + LANES - 1) / LANES * LANES;
    double w0[CHUNK], rx[CHUNK], lT[CHUNK], iaT[CHUNK];
    int has4[CHUNK];
    for (size_t i = 0; i < m; i++) {
        const double aT = alpha + Ts[i];
        has4[i] = xs[i] > 0.0 || modified;
        rx[i] = r + xs[i];
        lT[i] = cx__vm_log(aT);
        iaT[i] = 1.0 / aT;
    }
    if (ws)
        for (size_t i = 0; i < m; i++)
            w0[i] = has4[i] ? 0.0 : ws[i];
    else
        for (size_t i = 0; i < m; i++)
            w0[i] = has4[i] ? 0.0 : 1.0;
    /* pad to whole lanes with rows of weight 0 (and finite values): they add exact zeros */
    for (size_t i = m; i < mp; i++)
        w0[i] = rx[i] = lT[i] = iaT[i] = 0.0;
    double s[S_N][LANES] = {{0}};
    for (size_t i = 0; i < mp; i += LANES)
        for (int l = 0; l < LANES; l++) { /* pi = 0, q = 1 */
            const size_t t = i + l;
            s[S_LL][l] -= w0[t] * rx[t] * lT[t];
            s[S_G0][l] += w0[t] * lT[t];
            s[S_G1][l] += w0[t] * rx[t] * iaT[t];
            s[S_H10][l] += w0[t] * iaT[t];
            s[S_H11][l] += w0[t] * rx[t] * iaT[t] * iaT[t];
        }
    /* the rows with both terms, compacted */
    size_t idx[CHUNK], nc = 0;
    for (size_t i = 0; i < m; i++) {
        idx[nc] = i;
        nc += (size_t)has4[i];
    }
    const size_t ncp = (nc + LANES - 1) / LANES * LANES;
    double w[CHUNK], crx[CHUNK], clT[CHUNK], ciaT[CHUNK], ax[CHUNK], lc[CHUNK], ib[CHUNK];
    for (size_t j = 0; j < nc; j++) {
        const size_t i = idx[j];
        const int k = (int)xs[i];
        w[j] = ws ? ws[i] : 1.0;
        crx[j] = rx[i];
        clT[j] = lT[i];
        ciaT[j] = iaT[i];
        ax[j] = alpha + txs[i];
        lc[j] = lcoef[k];
        ib[j] = ibs[k];
    }
    for (size_t j = nc; j < ncp; j++) { /* padding: weight 0, finite values */
        w[j] = crx[j] = clT[j] = ciaT[j] = lc[j] = ib[j] = 0.0;
        ax[j] = 1.0;
    }
    double ltx[CHUNK], lse[CHUNK], pi[CHUNK], q[CHUNK], iax[CHUNK];
    for (size_t j = 0; j < ncp; j++) {
        const double ltxj = cx__vm_log(ax[j]);
        const double A3 = -crx[j] * clT[j], A4 = lc[j] - crx[j] * ltxj;
        const int v_big = A4 > A3;
        const double e = cx__vm_exp(-fabs(A4 - A3));
        const double den = 1.0 + e, iden = 1.0 / den;
        ltx[j] = ltxj;
        lse[j] = (v_big ? A4 : A3) + cx__vm_log(den); /* e <= 1: absolute error 1e-16 */
        pi[j] = v_big ? iden : e * iden;
        q[j] = v_big ? e * iden : iden;
        iax[j] = 1.0 / ax[j];
    }
    for (size_t i = 0; i < ncp; i += LANES)
        for (int l = 0; l < LANES; l++) {
            const size_t t = i + l;
            const double wp = w[t] * pi[t];
            s[S_LL][l] += w[t] * lse[t];
            s[S_G0][l] += w[t] * (q[t] * clT[t] + pi[t] * ltx[t]);
            s[S_G1][l] += w[t] * crx[t] * (q[t] * ciaT[t] + pi[t] * iax[t]);
            s[S_PI][l] += wp;
            s[S_G3][l] += wp * ib[t];
        }
    if (c->with_hess) {
        for (size_t i = 0; i < ncp; i += LANES)
            for (int l = 0; l < LANES; l++) {
                const size_t t = i + l;
                const double wp = w[t] * pi[t];
                s[S_H10][l] += w[t] * (q[t] * ciaT[t] + pi[t] * iax[t]);
                s[S_H11][l] += w[t] * crx[t] * (q[t] * ciaT[t] * ciaT[t] + pi[t] * iax[t] * iax[t]);
                s[S_H33][l] += wp * ib[t] * ib[t];
            }
        for (size_t i = 0; i < ncp; i += LANES)
            for (int l = 0; l < LANES; l++) {
                const size_t t = i + l;
                const double d0 = clT[t] - ltx[t], d1 = crx[t] * (ciaT[t] - iax[t]), d3 = -ib[t];
                const double pq = w[t] * pi[t] * q[t];
                s[S_PQ][l] += pq;
                s[S_PQ0][l] += pq * d0;
                s[S_PQ1][l] += pq * d1;
                s[S_PQ3][l] += pq * d3;
                s[S_00][l] += pq * d0 * d0;
                s[S_10][l] += pq * d1 * d0;
                s[S_11][l] += pq * d1 * d1;
                s[S_30][l] += pq * d3 * d0;
                s[S_31][l] += pq * d3 * d1;
                s[S_33][l] += pq * d3 * d3;
            }
    }
    for (int j = 0; j < S_N; j++)
        for (int l = 0; l < LANES; l++)
            acc[j][l] += s[j][l];
}

/* Table path: out[0..S_N) = the row sums above over rows lo..hi-1 (lanes added in a fixed
 * order). */
static cx_status bg_rows_tab(double *out, const void *vctx, size_t lo, size_t hi)
{
    double acc[S_N][LANES] = {{0}};
    for (size_t i = lo; i < hi; i += CHUNK)
        bg_chunk(acc, vctx, i, hi - i < CHUNK ? hi : i + CHUNK);
    for (int j = 0; j < S_N; j++)
        out[j] = (acc[j][0] + acc[j][1]) + (acc[j][2] + acc[j][3]);
    return CX_OK;
}

/* Largest frequency of d and, when it is at most CX__CLV_XTAB_MAX, the weight at each frequency
 * (into buf when it holds max x + 1 entries, else a new block *owned). */
static cx_status freq_weights(const double **wx, double **owned, double *max_x, double *buf,
                              size_t buf_len, const cx__clv_data *d)
{
    *owned = NULL;
    if (d->wx) {
        *wx = d->wx;
        *max_x = d->max_x;
        return CX_OK;
    }
    double m = 0.0;
    for (size_t i = 0; i < d->n; i++)
        m = d->x[i] > m ? d->x[i] : m;
    *max_x = m;
    *wx = NULL;
    if (m > CX__CLV_XTAB_MAX)
        return CX_OK;
    const size_t len = (size_t)m + 1;
    double *t = buf;
    if (len > buf_len && !(t = *owned = cx__malloc_array(len, sizeof *t)))
        return cx__enomem();
    for (size_t k = 0; k < len; k++)
        t[k] = 0.0;
    for (size_t i = 0; i < d->n; i++)
        t[(size_t)d->x[i]] += d->w ? d->w[i] : 1.0;
    *wx = t;
    return CX_OK;
}

/* The table path: frequency terms once per frequency present, then the pass over the rows. */
static cx_status bg_sum_tab(double *sum, double *g, double *h, bg_ctx *c, const double *wx,
                            size_t len)
{
    enum { SMALL = 128 };
    double small[2 * SMALL], *tab = small;
    if (len > SMALL && !(tab = cx__malloc_array(2 * len, sizeof *tab)))
        return cx__enomem();
    double *lcoef = tab, *ib = tab + len;
    const double r = c->r, a = c->a, b = c->b, shift = c->shift;
    /* sums over frequencies of weight times A1 + A2, its gradient and Hessian diagonal terms */
    double W = 0, s12 = 0, sdr = 0, sda = 0, sdb = 0, shrr = 0, shaa = 0, shbb = 0;
    for (size_t k = 0; k < len; k++) {
        const double xk = (double)k, bxs = b + xk + shift, bx1 = bxs - 1.0;
        const int has4 = k > 0 || c->modified;
        lcoef[k] = has4 ? c->log_a - log(bx1) : -INFINITY;
        ib[k] = has4 ? 1.0 / bx1 : 0.0;
        const double wk = wx[k];
        if (wk == 0.0)
            continue;
        W += wk;
        s12 += wk * (cx__lgamma(r + xk) - c->lga_r + r * c->la + c->lab + cx__lgamma(bxs) - c->lgb -
                     cx__lgamma(a + bxs));
        const double dg_abx = cx__digamma(a + bxs);
        sdr += wk * (cx__digamma(r + xk) - c->dg_r + c->la);
        sda += wk * (c->dg_ab - dg_abx);
        sdb += wk * (c->dg_ab + cx__digamma(bxs) - c->dg_b - dg_abx);
        if (h) {
            const double tg_abx = cx__trigamma(a + bxs);
            shrr += wk * (cx__trigamma(r + xk) - c->tg_r);
            shaa += wk * (c->tg_ab - tg_abx);
            shbb += wk * (c->tg_ab + cx__trigamma(bxs) - c->tg_b - tg_abx);
        }
    }
    c->lcoef = lcoef;
    c->ib = ib;
    double s[S_N];
    cx_status st = cx__clv_sum_rows(s, S_N, c->d->n, c->d->n_threads, bg_rows_tab, c);
    if (tab != small)
        cx__free(tab);
    if (st != CX_OK)
        return st;
    const double alpha = c->alpha;
    *sum = s12 + s[S_LL];
    g[0] = sdr - s[S_G0];
    g[1] = W * r / alpha - s[S_G1];
    g[2] = sda + s[S_PI] / a;
    g[3] = sdb - s[S_G3];
    if (h) {
        for (int j = 0; j < 16; j++)
            h[j] = 0.0;
        h[0] = shrr + s[S_00];
        h[1 * 4 + 0] = s[S_10] - s[S_H10] + W / alpha;
        h[1 * 4 + 1] = s[S_11] + s[S_H11] - W * r / (alpha * alpha);
        h[2 * 4 + 0] = s[S_PQ0] / a;
        h[2 * 4 + 1] = s[S_PQ1] / a;
        h[2 * 4 + 2] = shaa + (s[S_PQ] - s[S_PI]) / (a * a);
        h[3 * 4 + 0] = s[S_30];
        h[3 * 4 + 1] = s[S_31];
        h[3 * 4 + 2] = shaa + s[S_PQ3] / a;
        h[3 * 4 + 3] = shbb + s[S_H33] + s[S_33];
    }
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
                hess ? cx__trigamma(b) : 0,
                NULL,
                NULL};
    enum { SMALL = 64 };
    double wbuf[SMALL], *wowned, max_x, sum, g[4], h[16];
    const double *wx;
    cx_status st = freq_weights(&wx, &wowned, &max_x, wbuf, SMALL, d);
    if (st != CX_OK)
        return st;
    if (wx) {
        st = bg_sum_tab(&sum, g, hess ? h : NULL, &c, wx, (size_t)max_x + 1);
        cx__free(wowned);
        if (st != CX_OK)
            return st;
    } else {
        double acc[BG_NACC];
        if ((st = cx__clv_sum_rows(acc, BG_NACC, d->n, d->n_threads, bg_rows, &c)) != CX_OK)
            return st;
        sum = acc[0];
        for (int j = 0; j < 4; j++)
            g[j] = acc[1 + j];
        for (int j = 0; j < 16; j++)
            h[j] = acc[5 + j];
    }
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
