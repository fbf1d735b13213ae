/*
 * Pareto/NBD log-likelihood (Schmittlein, Morrison & Colombo 1987) with analytic gradient.
 *
 * With D(y) = (alpha+y)^-(r+x) (beta+y)^-s and k = r+s+x the likelihood bracket of
 * REFERENCE.md 5.1 is
 *     B = D(T) + s * int_tx^T (alpha+y)^-(r+x) (beta+y)^-(s+1) dy,
 * and the tail integral from y to infinity equals G(y) D(y) / k where G comes from the Euler
 * transform of the 2F1 of Fader & Hardie's note 008: for alpha >= beta, G = 2F1(1, r+x; k+1; z)
 * with z = (alpha-beta)/(alpha+y); otherwise G = (alpha+y)/(beta+y) 2F1(1, s+1; k+1; z) with
 * z = (beta-alpha)/(beta+y). Every term of
 * that series is positive with ratio (e+n)/(k+1+n) z < z, so it converges without
 * cancellation for any frequency, and the bracket becomes
 *     B = D(T) (1 - (s/k) G(T)) + (s/k) G(tx) D(tx),
 * a sum of two positive terms (the first is the alive-at-T part) combined in log space.
 * Derivatives of G with respect to e, k and z are accumulated along the series.
 */
#include <math.h>
#include <string.h>

#include "clv_internal.h"
#include "special.h"

#define SERIES_MAX 200000

typedef struct gser {
    double v, de, dc, dz; /* G and its partials with respect to e, c = k+1 and z */
} gser;

/* The series coefficients depend on (e, c) only, i.e. on the frequency: rows sorted by
 * frequency share them, so they are computed once per frequency and reused for every customer
 * and for both ends (tx and T) of the integral. With a_n = prod_{j<=n} (e+j)/(c+j), term n of
 * the series is a_n z^(n+1); the cache holds, in blocks of 4 terms (so that the evaluation is
 * four independent multiply-adds per quantity, which vectorise), a_n, a_n sum_{j<=n} 1/(e+j),
 * a_n sum_{j<=n} 1/(c+j) and a_n (n+1). A customer then costs powers of z and dot products. */
#define GBLOCK 4

typedef struct gcache {
    double e, c;
    size_t len, cap;  /* terms (a multiple of GBLOCK) */
    double *k;        /* per block: a[4], a*se[4], a*sc[4], a*(n+1)[4] */
    double a, se, sc; /* running values after the last cached term */
    double last_z;    /* the previous argument and its result: customers with x = 0 all have */
    gser last;        /* tx = 0, hence the same z at tx */
} gcache;

static cx_status gcache_extend(gcache *gc, size_t need)
{
    need = (need + GBLOCK - 1) / GBLOCK * GBLOCK;
    if (need > gc->cap) {
        size_t cap = gc->cap ? gc->cap : 64;
        while (cap < need)
            cap *= 2;
        double *k = cx__realloc_array(gc->k, 4 * cap, sizeof *k);
        if (!k)
            return cx__enomem();
        gc->k = k;
        gc->cap = cap;
    }
    for (size_t n = gc->len; n < need; n++) {
        const double dn = (double)n;
        gc->a *= (gc->e + dn) / (gc->c + dn);
        gc->se += 1.0 / (gc->e + dn);
        gc->sc += 1.0 / (gc->c + dn);
        double *blk = gc->k + 4 * (n - n % GBLOCK);
        const size_t l = n % GBLOCK;
        blk[l] = gc->a;
        blk[GBLOCK + l] = gc->a * gc->se;
        blk[2 * GBLOCK + l] = gc->a * gc->sc;
        blk[3 * GBLOCK + l] = gc->a * (dn + 1.0);
    }
    if (need > gc->len)
        gc->len = need;
    return CX_OK;
}

static void gser_finish(gser *out, double e, double c, double z, double sum, double de, double dc,
                        double dz)
{
    out->v = sum;
    out->de = de;
    out->dc = dc;
    out->dz = z > 0 ? dz / z : 0.0;
    /* at z = 0 the derivative in z is the first coefficient e / c */
    if (z == 0)
        out->dz = e / c;
}

static cx_status series_cached(gser *out, double e, double c, double z, gcache *gc)
{
    if (gc->e != e || gc->c != c) {
        gc->e = e;
        gc->c = c;
        gc->len = 0;
        gc->a = 1.0;
        gc->se = gc->sc = 0.0;
        gc->last_z = NAN;
    } else if (z == gc->last_z) {
        *out = gc->last;
        return CX_OK;
    }
    if (z == 0.0) {
        gser_finish(out, e, c, z, 1.0, 0.0, 0.0, 0.0);
        return CX_OK;
    }
    /* two lanes of two terms: lane vectors hold terms (n, n+1) and (n+2, n+3) */
    typedef double v2 __attribute__((vector_size(16)));
    const v2 z2 = {z * z * z * z, z * z * z * z};
    v2 za = {z, z * z}, zb = {z * z * z, z * z * z * z};
    v2 v0 = {0, 0}, v1 = v0, e0 = v0, e1 = v0, c0 = v0, c1 = v0, d0 = v0, d1 = v0;
    /* the tail after the last term of a block is below last * z / (1 - z) (terms decrease and
     * their ratios grow towards z); stop when that is below 1e-17 of the sum (>= 1) */
    const double thr = 1e-17 * (1.0 - z) / z;
    for (size_t n = 0;; n += GBLOCK) {
        if (n >= gc->len) {
            if (n >= SERIES_MAX)
                return cx__error(CX_ERANGE, "Pareto/NBD series did not converge (z = %g)", z);
            cx_status st = gcache_extend(gc, 2 * n + 32);
            if (st != CX_OK)
                return st;
        }
        const double *blk = gc->k + 4 * n;
        v2 k0, k1, k2, k3, k4, k5, k6, k7; /* unaligned-safe loads */
        memcpy(&k0, blk, sizeof k0);
        memcpy(&k1, blk + 2, sizeof k1);
        memcpy(&k2, blk + 4, sizeof k2);
        memcpy(&k3, blk + 6, sizeof k3);
        memcpy(&k4, blk + 8, sizeof k4);
        memcpy(&k5, blk + 10, sizeof k5);
        memcpy(&k6, blk + 12, sizeof k6);
        memcpy(&k7, blk + 14, sizeof k7);
        v0 += k0 * za;
        v1 += k1 * zb;
        e0 += k2 * za;
        e1 += k3 * zb;
        c0 += k4 * za;
        c1 += k5 * zb;
        d0 += k6 * za;
        d1 += k7 * zb;
        if (blk[GBLOCK - 1] * zb[1] <= thr * (1.0 + v0[0] + v0[1] + v1[0] + v1[1]))
            break;
        za *= z2;
        zb *= z2;
    }
    v0 += v1;
    e0 += e1;
    c0 += c1;
    d0 += d1;
    gser_finish(out, e, c, z, 1.0 + (v0[0] + v0[1]), e0[0] + e0[1], -(c0[0] + c0[1]),
                d0[0] + d0[1]);
    gc->last_z = z;
    gc->last = *out;
    return CX_OK;
}

/* One customer without a cache (predictions, covariate fits): the plain recurrence. */
static cx_status series_g(gser *out, double e, double c, double z, gcache *gc)
{
    if (gc)
        return series_cached(out, e, c, z, gc);
    double term = 1.0, sum = 1.0, se = 0.0, sc = 0.0, de = 0.0, dc = 0.0, dz = 0.0;
    for (int n = 0; n < SERIES_MAX; n++) {
        const double ratio = (e + n) / (c + n) * z;
        se += 1.0 / (e + n);
        sc += 1.0 / (c + n);
        term *= ratio;
        sum += term;
        de += term * se;
        dc -= term * sc;
        dz += term * (n + 1);
        /* the ratios grow towards z, so the remaining tail is below term * z / (1 - z) */
        if (term * z <= 1e-17 * sum * (1.0 - z))
            break;
        if (n == SERIES_MAX - 1)
            return cx__error(CX_ERANGE, "Pareto/NBD series did not converge (z = %g)", z);
    }
    gser_finish(out, e, c, z, sum, de, dc, dz);
    return CX_OK;
}

/* G(y) with its gradient with respect to (r, alpha, s, beta). */
static cx_status g_at(double *gv, double gg[4], const double *p, double x, double y, gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double c = r + s + x + 1.0;
    gser g;
    cx_status st;
    if (alpha >= beta) {
        const double z = (alpha - beta) / (alpha + y);
        if ((st = series_g(&g, r + x, c, z, gc)) != CX_OK)
            return st;
        gg[0] = g.de + g.dc;
        gg[1] = g.dz * (beta + y) / ((alpha + y) * (alpha + y));
        gg[2] = g.dc;
        gg[3] = -g.dz / (alpha + y);
    } else {
        const double z = (beta - alpha) / (beta + y);
        if ((st = series_g(&g, s + 1.0, c, z, gc)) != CX_OK)
            return st;
        /* this branch carries the extra factor rho = (alpha+y)/(beta+y) */
        const double rho = (alpha + y) / (beta + y), v = g.v * rho;
        gg[0] = rho * g.dc;
        gg[1] = -rho * g.dz / (beta + y) + v / (alpha + y);
        gg[2] = rho * (g.de + g.dc);
        gg[3] = rho * g.dz * (alpha + y) / ((beta + y) * (beta + y)) - v / (beta + y);
        g.v = v;
    }
    *gv = g.v;
    return CX_OK;
}

/* log B and its gradient (natural parameters), P(alive) = D(T)/B. */
static cx_status bracket(double *logb, double gb[4], double *palive, const double *p, double x,
                         double tx, double T, gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double k = r + s + x, w = s / k;
    const double laT = log(alpha + T), lbT = log(beta + T), lax = log(alpha + tx),
                 lbx = log(beta + tx);
    const double lDT = -(r + x) * laT - s * lbT;
    const double lDx = -(r + x) * lax - s * lbx;
    double GT, gT[4], Gx, gx[4];
    cx_status st;
    if ((st = g_at(&GT, gT, p, x, T, gc)) != CX_OK || (st = g_at(&Gx, gx, p, x, tx, gc)) != CX_OK)
        return st;
    const double m = lDx > lDT ? lDx : lDT;
    const double dT = exp(lDT - m), dx = exp(lDx - m);
    const double aliveT = dT * (1.0 - w * GT), deadT = w * Gx * dx;
    if (!(aliveT > 0.0))
        return cx__error(CX_ERANGE, "Pareto/NBD bracket lost precision (x = %g)", x);
    const double B = aliveT + deadT;
    *logb = m + log(B);
    if (palive)
        *palive = dT / B;
    if (gb) {
        /* d log D(y): (-log(alpha+y), -(r+x)/(alpha+y), -log(beta+y), -s/(beta+y)) */
        const double dlDT[4] = {-laT, -(r + x) / (alpha + T), -lbT, -s / (beta + T)};
        const double dlDx[4] = {-lax, -(r + x) / (alpha + tx), -lbx, -s / (beta + tx)};
        const double dw[4] = {-s / (k * k), 0.0, (r + x) / (k * k), 0.0};
        for (int j = 0; j < 4; j++) {
            const double dB = aliveT * dlDT[j] - dT * (dw[j] * GT + w * gT[j]) + deadT * dlDx[j] +
                              dx * (dw[j] * Gx + w * gx[j]);
            gb[j] = dB / B;
        }
    }
    return CX_OK;
}

cx_status cx__pnbd_row(double *logl, double *palive, const double *p, double x, double tx, double T)
{
    double lb;
    cx_status st = bracket(&lb, NULL, palive, p, x, tx, T, NULL);
    if (st != CX_OK)
        return st;
    if (logl)
        *logl = cx__lgamma(p[0] + x) - cx__lgamma(p[0]) + p[0] * log(p[1]) + p[2] * log(p[3]) + lb;
    return CX_OK;
}

cx_status cx__ll_pnbd(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double lgr = cx__lgamma(r), dgr = cx__digamma(r);
    const double lalpha = log(alpha), lbeta = log(beta);
    const double head = r * lalpha + s * lbeta;
    double sum = 0.0, g[4] = {0, 0, 0, 0};
    double cur_x = -1.0, lgx = 0.0, dgx = 0.0;
    gcache gc = {NAN, NAN, 0, 0, NULL, 1.0, 0.0, 0.0, NAN, {0, 0, 0, 0}};
    for (size_t i = 0; i < d->n; i++) {
        const double x = d->x[i], w = d->w[i];
        if (x != cur_x) {
            cur_x = x;
            lgx = cx__lgamma(r + x) - lgr;
            dgx = cx__digamma(r + x) - dgr;
        }
        double lb, gb[4];
        /* a single row (covariate fits call per customer) gains nothing from the cache */
        cx_status st =
            bracket(&lb, grad ? gb : NULL, NULL, p, x, d->tx[i], d->T[i], d->n > 1 ? &gc : NULL);
        if (st != CX_OK) {
            cx__free(gc.k);
            return st;
        }
        sum += w * (lgx + head + lb);
        if (grad) {
            g[0] += w * (dgx + lalpha + gb[0]);
            g[1] += w * (r / alpha + gb[1]);
            g[2] += w * (lbeta + gb[2]);
            g[3] += w * (s / beta + gb[3]);
        }
    }
    cx__free(gc.k);
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = sum;
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = g[j] * p[j];
    return CX_OK;
}
