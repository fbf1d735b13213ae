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
#define GBW    10

typedef struct gcache {
    double e, c;
    size_t len, cap; /* terms (a multiple of GBLOCK) */
    double *k;       /* per block of GBLOCK terms, GBW arrays: a, a se, a sc, a (n+1), then for
                        the Hessian a (se^2 - se2), a se sc, a (sc^2 + sc2), a se (n+1),
                        a sc (n+1), a (n+1) n */
    double a, se, sc, se2, sc2; /* running values after the last cached term */
    double last_z; /* the previous argument and its result: customers with x = 0 all have */
    gser last;     /* tx = 0, hence the same z at tx */
    double hy, hv, hg[4], hh[16]; /* the same for G(y) with its Hessian (g_at_h) */
} gcache;

#define GCACHE_INIT                                                                                \
    {                                                                                              \
        NAN, NAN, 0, 0, NULL, 1.0, 0.0, 0.0, 0.0, 0.0, NAN, {0, 0, 0, 0}, NAN, 0, {0},             \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

static cx_status gcache_extend(gcache *gc, size_t need)
{
    need = (need + GBLOCK - 1) / GBLOCK * GBLOCK;
    if (need > gc->cap) {
        size_t cap = gc->cap ? gc->cap : 64;
        while (cap < need)
            cap *= 2;
        double *k = cx__realloc_array(gc->k, GBW * cap, sizeof *k);
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
        gc->se2 += 1.0 / ((gc->e + dn) * (gc->e + dn));
        gc->sc2 += 1.0 / ((gc->c + dn) * (gc->c + dn));
        double *blk = gc->k + GBW * (n - n % GBLOCK);
        const size_t l = n % GBLOCK;
        const double a = gc->a, se = gc->se, sc = gc->sc;
        blk[l] = a;
        blk[GBLOCK + l] = a * se;
        blk[2 * GBLOCK + l] = a * sc;
        blk[3 * GBLOCK + l] = a * (dn + 1.0);
        blk[4 * GBLOCK + l] = a * (se * se - gc->se2);
        blk[5 * GBLOCK + l] = a * se * sc;
        blk[6 * GBLOCK + l] = a * (sc * sc + gc->sc2);
        blk[7 * GBLOCK + l] = a * se * (dn + 1.0);
        blk[8 * GBLOCK + l] = a * sc * (dn + 1.0);
        blk[9 * GBLOCK + l] = a * (dn + 1.0) * dn;
    }
    if (need > gc->len)
        gc->len = need;
    return CX_OK;
}

/* Make sure the block of terms starting at n is cached, growing the cache ahead (doubling) so
 * that the series' next blocks are there too; a series needing more than SERIES_MAX terms is an
 * error rather than an endless loop. */
static cx_status gcache_cover(gcache *gc, size_t n, double z)
{
    if (n < gc->len)
        return CX_OK;
    if (n >= SERIES_MAX)
        return cx__error(CX_ERANGE, "Pareto/NBD series did not converge (z = %g)", z);
    return gcache_extend(gc, 2 * n + 32);
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

/* Start the cached coefficients afresh when the series' parameters change; returns whether
 * they did. */
static int gcache_renew(gcache *gc, double e, double c)
{
    if (gc->e == e && gc->c == c)
        return 0;
    gc->e = e;
    gc->c = c;
    gc->len = 0;
    gc->a = 1.0;
    gc->se = gc->sc = gc->se2 = gc->sc2 = 0.0;
    gc->last_z = gc->hy = NAN;
    return 1;
}

static cx_status series_cached(gser *out, double e, double c, double z, gcache *gc)
{
    if (!gcache_renew(gc, e, c) && z == gc->last_z) {
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
        cx_status st = gcache_cover(gc, n, z);
        if (st != CX_OK)
            return st;
        const double *blk = gc->k + GBW * n;
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

/* The series value alone (P(alive), predictions): the recurrence of series_g without the
 * derivative sums, so the same value bit for bit at a third of the divisions. */
static cx_status series_value(double *out, double e, double c, double z)
{
    double term = 1.0, sum = 1.0;
    for (int n = 0; n < SERIES_MAX; n++) {
        term *= (e + n) / (c + n) * z;
        sum += term;
        if (term * z <= 1e-17 * sum * (1.0 - z))
            break;
        if (n == SERIES_MAX - 1)
            return cx__error(CX_ERANGE, "Pareto/NBD series did not converge (z = %g)", z);
    }
    *out = sum;
    return CX_OK;
}

/* G(y) alone (no cache: one customer). */
static cx_status g_value(double *gv, const double *p, double x, double y)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double c = r + s + x + 1.0;
    if (alpha >= beta)
        return series_value(gv, r + x, c, (alpha - beta) / (alpha + y));
    double g = 0.0;
    cx_status st = series_value(&g, s + 1.0, c, (beta - alpha) / (beta + y));
    if (st == CX_OK)
        *gv = g * ((alpha + y) / (beta + y));
    return st;
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
    if (!gb && !gc) {
        if ((st = g_value(&GT, p, x, T)) != CX_OK || (st = g_value(&Gx, p, x, tx)) != CX_OK)
            return st;
    } else if ((st = g_at(&GT, gT, p, x, T, gc)) != CX_OK ||
               (st = g_at(&Gx, gx, p, x, tx, gc)) != CX_OK)
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

/* ---- Second derivatives (trust-region Newton and standard errors) ---- */

/* F = 2F1 series value and its partials in (e, c, z): first (e, c, z) and second
 * (ee, ec, cc, ez, cz, zz). */
typedef struct ghess {
    double v, d[3], h[3][3];
} ghess;

static cx_status series_hess(ghess *out, double e, double c, double z, gcache *gc)
{
    gcache_renew(gc, e, c);
    if (gc->len < 2 * GBLOCK) {
        cx_status st = gcache_extend(gc, 2 * GBLOCK);
        if (st != CX_OK)
            return st;
    }
    typedef double v2 __attribute__((vector_size(16)));
    v2 acc[GBW][2];
    for (int q = 0; q < GBW; q++)
        acc[q][0] = acc[q][1] = (v2){0.0, 0.0};
    if (z > 0.0) {
        const double z4 = z * z * z * z, thr = 1e-17 * (1.0 - z) / z;
        const v2 zb = {z4, z4};
        v2 za = {z, z * z}, zc = {z * z * z, z4};
        for (size_t n = 0;; n += GBLOCK) {
            cx_status st = gcache_cover(gc, n, z);
            if (st != CX_OK)
                return st;
            const double *blk = gc->k + GBW * n;
            for (int q = 0; q < GBW; q++) {
                v2 k0, k1;
                memcpy(&k0, blk + q * GBLOCK, sizeof k0);
                memcpy(&k1, blk + q * GBLOCK + 2, sizeof k1);
                acc[q][0] += k0 * za;
                acc[q][1] += k1 * zc;
            }
            /* the slowest terms are those of F_zz (an extra factor (n + 1) n); once they and
             * those of F are below 1e-17 of their sums, the tails are too */
            const double lastv = blk[GBLOCK - 1] * zc[1];
            const double lastzz = blk[9 * GBLOCK + GBLOCK - 1] * zc[1];
            const v2 sv = acc[0][0] + acc[0][1], szz = acc[9][0] + acc[9][1];
            if (n >= GBLOCK && lastv <= thr * (1.0 + sv[0] + sv[1]) &&
                lastzz <= thr * (szz[0] + szz[1]))
                break;
            za *= zb;
            zc *= zb;
        }
    }
    double S[GBW];
    for (int q = 0; q < GBW; q++) {
        const v2 t = acc[q][0] + acc[q][1];
        S[q] = t[0] + t[1];
    }
    out->v = 1.0 + S[0];
    out->d[0] = S[1];
    out->d[1] = -S[2];
    out->h[0][0] = S[4];
    out->h[0][1] = out->h[1][0] = -S[5];
    out->h[1][1] = S[6];
    if (z > 0.0) {
        out->d[2] = S[3] / z;
        out->h[0][2] = out->h[2][0] = S[7] / z;
        out->h[1][2] = out->h[2][1] = -S[8] / z;
        out->h[2][2] = S[9] / (z * z);
    } else { /* the first coefficients: a_0 = e/c, a_0 se_0 = 1/c, a_0 sc_0 = e/c^2, 2 a_1 */
        const double *k = gc->k;
        out->d[2] = k[0];
        out->h[0][2] = out->h[2][0] = k[GBLOCK];
        out->h[1][2] = out->h[2][1] = -k[2 * GBLOCK];
        out->h[2][2] = 2.0 * k[1];
    }
    return CX_OK;
}

/* G(y) with its gradient and Hessian (natural parameters (r, alpha, s, beta), gh row-major).
 * G = rho F(e, c, z): the chain rule through J = d(e, c, z)/dp and the second derivatives of z
 * (e and c are linear in p); rho = 1 on the alpha >= beta branch. */
static cx_status g_at_h(double *gv, double gg[4], double gh[16], const double *p, double x,
                        double y, gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double c = r + s + x + 1.0;
    double J[3][4] = {{0}}, zH[16] = {0}, rho = 1.0, rg[4] = {0}, rH[16] = {0}, e, z;
    J[1][0] = J[1][2] = 1.0;
    if (alpha >= beta) {
        const double ay = alpha + y, by = beta + y;
        e = r + x;
        z = (alpha - beta) / ay;
        J[0][0] = 1.0;
        J[2][1] = by / (ay * ay);
        J[2][3] = -1.0 / ay;
        zH[1 * 4 + 1] = -2.0 * by / (ay * ay * ay);
        zH[1 * 4 + 3] = zH[3 * 4 + 1] = 1.0 / (ay * ay);
    } else {
        const double ay = alpha + y, by = beta + y;
        e = s + 1.0;
        z = (beta - alpha) / by;
        J[0][2] = 1.0;
        J[2][1] = -1.0 / by;
        J[2][3] = ay / (by * by);
        zH[1 * 4 + 3] = zH[3 * 4 + 1] = 1.0 / (by * by);
        zH[3 * 4 + 3] = -2.0 * ay / (by * by * by);
        rho = ay / by;
        rg[1] = 1.0 / by;
        rg[3] = -ay / (by * by);
        rH[1 * 4 + 3] = rH[3 * 4 + 1] = -1.0 / (by * by);
        rH[3 * 4 + 3] = 2.0 * ay / (by * by * by);
    }
    if (gc->e == e && gc->c == c && y == gc->hy) {
        *gv = gc->hv;
        memcpy(gg, gc->hg, sizeof gc->hg);
        memcpy(gh, gc->hh, sizeof gc->hh);
        return CX_OK;
    }
    ghess F = {0};
    cx_status st = series_hess(&F, e, c, z, gc);
    if (st != CX_OK)
        return st;
    double fg[4], fH[16], u[3][4];
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < 4; k++)
            u[a][k] = F.h[a][0] * J[0][k] + F.h[a][1] * J[1][k] + F.h[a][2] * J[2][k];
    for (int j = 0; j < 4; j++) {
        fg[j] = F.d[0] * J[0][j] + F.d[1] * J[1][j] + F.d[2] * J[2][j];
        for (int k = j; k < 4; k++)
            fH[j * 4 + k] = fH[k * 4 + j] =
                F.d[2] * zH[j * 4 + k] + J[0][j] * u[0][k] + J[1][j] * u[1][k] + J[2][j] * u[2][k];
    }
    *gv = rho * F.v;
    for (int j = 0; j < 4; j++) {
        gg[j] = rho * fg[j] + F.v * rg[j];
        for (int k = 0; k < 4; k++)
            gh[j * 4 + k] =
                rho * fH[j * 4 + k] + rg[j] * fg[k] + fg[j] * rg[k] + F.v * rH[j * 4 + k];
    }
    gc->hy = y;
    gc->hv = *gv;
    memcpy(gc->hg, gg, sizeof gc->hg);
    memcpy(gc->hh, gh, sizeof gc->hh);
    return CX_OK;
}

/* log B with its gradient and Hessian (natural parameters). With D(y), l = grad log D and
 * Q(y) = w G(y): B = D(T) (1 - Q(T)) + D(tx) Q(tx), and
 * hess(D Q) = D [(l l' + dl) Q + l dQ' + dQ l' + hess Q]. */
static cx_status bracket_h(double *logb, double gb[4], double hb[16], const double *p, double x,
                           double tx, double T, gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double k = r + s + x, w = s / k, k3 = k * k * k;
    const double dw[4] = {-s / (k * k), 0.0, (r + x) / (k * k), 0.0};
    double hw[16] = {0};
    hw[0] = 2.0 * s / k3;
    hw[0 * 4 + 2] = hw[2 * 4 + 0] = (s - r - x) / k3;
    hw[2 * 4 + 2] = -2.0 * (r + x) / k3;
    const double ys[2] = {T, tx};
    double lD[2], l[2][4], dl[2][16], G[2], gG[2][4], hG[2][16];
    for (int t = 0; t < 2; t++) {
        const double ay = alpha + ys[t], by = beta + ys[t];
        const double la = log(ay), lb = log(by);
        lD[t] = -(r + x) * la - s * lb;
        l[t][0] = -la;
        l[t][1] = -(r + x) / ay;
        l[t][2] = -lb;
        l[t][3] = -s / by;
        double *m = dl[t];
        for (int j = 0; j < 16; j++)
            m[j] = 0.0;
        m[0 * 4 + 1] = m[1 * 4 + 0] = -1.0 / ay;
        m[1 * 4 + 1] = (r + x) / (ay * ay);
        m[2 * 4 + 3] = m[3 * 4 + 2] = -1.0 / by;
        m[3 * 4 + 3] = s / (by * by);
        cx_status st = g_at_h(&G[t], gG[t], hG[t], p, x, ys[t], gc);
        if (st != CX_OK)
            return st;
    }
    const double mx = lD[1] > lD[0] ? lD[1] : lD[0];
    const double D[2] = {exp(lD[0] - mx), exp(lD[1] - mx)};
    double Q[2], dQ[2][4];
    for (int t = 0; t < 2; t++) {
        Q[t] = w * G[t];
        for (int j = 0; j < 4; j++)
            dQ[t][j] = dw[j] * G[t] + w * gG[t][j];
    }
    const double aliveT = D[0] * (1.0 - Q[0]);
    if (!(aliveT > 0.0))
        return cx__error(CX_ERANGE, "Pareto/NBD bracket lost precision (x = %g)", x);
    const double B = aliveT + D[1] * Q[1];
    *logb = mx + log(B);
    double dB[4], HB[16];
    for (int j = 0; j < 4; j++)
        dB[j] = aliveT * l[0][j] - D[0] * dQ[0][j] + D[1] * (l[1][j] * Q[1] + dQ[1][j]);
    for (int j = 0; j < 4; j++)
        for (int kk = j; kk < 4; kk++) {
            double hq[2];
            for (int t = 0; t < 2; t++)
                hq[t] = hw[j * 4 + kk] * G[t] + dw[j] * gG[t][kk] + gG[t][j] * dw[kk] +
                        w * hG[t][j * 4 + kk];
            const double llT = l[0][j] * l[0][kk] + dl[0][j * 4 + kk];
            const double llx = l[1][j] * l[1][kk] + dl[1][j * 4 + kk];
            /* D(T) (1 - Q(T)) and D(tx) Q(tx) */
            const double hT =
                D[0] * (llT * (1.0 - Q[0]) - l[0][j] * dQ[0][kk] - dQ[0][j] * l[0][kk] - hq[0]);
            const double hx =
                D[1] * (llx * Q[1] + l[1][j] * dQ[1][kk] + dQ[1][j] * l[1][kk] + hq[1]);
            HB[j * 4 + kk] = HB[kk * 4 + j] = hT + hx;
        }
    for (int j = 0; j < 4; j++)
        gb[j] = dB[j] / B;
    for (int j = 0; j < 4; j++)
        for (int kk = 0; kk < 4; kk++)
            hb[j * 4 + kk] = HB[j * 4 + kk] / B - gb[j] * gb[kk];
    return CX_OK;
}

typedef struct pnbd_ctx {
    const cx__clv_data *d;
    const double *p;
    int with_grad, with_hess;
    double lgr, dgr, tgr, lalpha, lbeta, head;
} pnbd_ctx;

/* Accumulators of one block of rows: [0] log-likelihood, [1..4] gradient and [5..20] Hessian
 * (natural parameters). */
#define PNBD_NACC 21

static cx_status pnbd_rows_h(double *acc, const void *vctx, size_t lo, size_t hi)
{
    const pnbd_ctx *c = vctx;
    const cx__clv_data *d = c->d;
    const double *p = c->p;
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double lgr = c->lgr, dgr = c->dgr, tgr = c->tgr, lalpha = c->lalpha, lbeta = c->lbeta,
                 head = c->head;
    double sum = 0.0, g[4] = {0, 0, 0, 0}, h[16] = {0};
    double cur_x = -1.0, lgx = 0.0, dgx = 0.0, tgx = 0.0;
    gcache gc = GCACHE_INIT;
    for (size_t i = lo; i < hi; i++) {
        const double x = d->x[i], w = d->w[i];
        if (x != cur_x) {
            cur_x = x;
            lgx = cx__lgamma(r + x) - lgr;
            dgx = cx__digamma(r + x) - dgr;
            tgx = cx__trigamma(r + x) - tgr;
        }
        double lb = 0.0, gb[4] = {0}, hb[16] = {0};
        cx_status st = bracket_h(&lb, gb, hb, p, x, d->tx[i], d->T[i], &gc);
        if (st != CX_OK) {
            cx__free(gc.k);
            return st;
        }
        sum += w * (lgx + head + lb);
        g[0] += w * (dgx + lalpha + gb[0]);
        g[1] += w * (r / alpha + gb[1]);
        g[2] += w * (lbeta + gb[2]);
        g[3] += w * (s / beta + gb[3]);
        for (int j = 0; j < 16; j++)
            h[j] += w * hb[j];
        h[0] += w * tgx;
    }
    cx__free(gc.k);
    acc[0] = sum;
    for (int j = 0; j < 4; j++)
        acc[1 + j] = g[j];
    for (int j = 0; j < 16; j++)
        acc[5 + j] = h[j];
    return CX_OK;
}

static cx_status pnbd_rows(double *acc, const void *vctx, size_t lo, size_t hi)
{
    const pnbd_ctx *c = vctx;
    const cx__clv_data *d = c->d;
    const double *p = c->p;
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double lgr = c->lgr, dgr = c->dgr, lalpha = c->lalpha, lbeta = c->lbeta, head = c->head;
    const int grad = c->with_grad;
    double sum = 0.0, g[4] = {0, 0, 0, 0};
    double cur_x = -1.0, lgx = 0.0, dgx = 0.0;
    gcache gc = GCACHE_INIT;
    for (size_t i = lo; i < hi; i++) {
        const double x = d->x[i], w = d->w[i];
        if (x != cur_x) {
            cur_x = x;
            lgx = cx__lgamma(r + x) - lgr;
            dgx = cx__digamma(r + x) - dgr;
        }
        double lb = 0.0, gb[4];
        /* a single row (covariate fits call per customer) gains nothing from the cache */
        cx_status st =
            bracket(&lb, grad ? gb : NULL, NULL, p, x, d->tx[i], d->T[i], hi - lo > 1 ? &gc : NULL);
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
    acc[0] = sum;
    for (int j = 0; j < 4; j++)
        acc[1 + j] = g[j];
    return CX_OK;
}

cx_status cx__llh_pnbd(double *ll, double *grad, double *hess, const double *p,
                       const cx__clv_data *d)
{
    if (!hess)
        return cx__ll_pnbd(ll, grad, p, d);
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double lalpha = log(alpha), lbeta = log(beta);
    pnbd_ctx c = {d,
                  p,
                  1,
                  1,
                  cx__lgamma(r),
                  cx__digamma(r),
                  cx__trigamma(r),
                  lalpha,
                  lbeta,
                  r * lalpha + s * lbeta};
    double acc[PNBD_NACC];
    cx_status st = cx__clv_sum_rows(acc, PNBD_NACC, d->n, d->n_threads, pnbd_rows_h, &c);
    if (st != CX_OK)
        return st;
    const double sum = acc[0], *g = acc + 1;
    double h[16];
    memcpy(h, acc + 5, sizeof h);
    if (!isfinite(sum))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    /* the head r log alpha + s log beta (its weights sum to the total weight) */
    double tw = 0.0;
    for (size_t i = 0; i < d->n; i++)
        tw += d->w[i];
    h[0 * 4 + 1] += tw / alpha;
    h[1 * 4 + 0] += tw / alpha;
    h[1 * 4 + 1] -= tw * r / (alpha * alpha);
    h[2 * 4 + 3] += tw / beta;
    h[3 * 4 + 2] += tw / beta;
    h[3 * 4 + 3] -= tw * s / (beta * beta);
    *ll = sum;
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = g[j] * p[j];
    /* to log-parameters: p_j p_k H_jk + delta_jk p_j g_j */
    for (int j = 0; j < 4; j++)
        for (int k = 0; k < 4; k++)
            hess[j * 4 + k] = p[j] * p[k] * h[j * 4 + k] + (j == k ? p[j] * g[j] : 0.0);
    return CX_OK;
}

cx_status cx__pnbd_row(double *logl, double *palive, const double *p, double x, double tx, double T)
{
    double lb = 0.0;
    cx_status st = bracket(&lb, NULL, palive, p, x, tx, T, NULL);
    if (st != CX_OK)
        return st;
    if (logl)
        *logl = cx__lgamma(p[0] + x) - cx__lgamma(p[0]) + p[0] * log(p[1]) + p[2] * log(p[3]) + lb;
    return CX_OK;
}

cx_status cx__ll_pnbd(double *ll, double *grad, const double *p, const cx__clv_data *d)
{
    const double r = p[0], s = p[2];
    const double lalpha = log(p[1]), lbeta = log(p[3]);
    pnbd_ctx c = {d,      p,     grad != NULL,          0, cx__lgamma(r), cx__digamma(r), 0.0,
                  lalpha, lbeta, r * lalpha + s * lbeta};
    double acc[PNBD_NACC];
    cx_status st = cx__clv_sum_rows(acc, 5, d->n, d->n_threads, pnbd_rows, &c);
    if (st != CX_OK)
        return st;
    if (!isfinite(acc[0]))
        return cx__error(CX_ERANGE, "log-likelihood is not finite at these parameters");
    *ll = acc[0];
    if (grad)
        for (int j = 0; j < 4; j++)
            grad[j] = acc[1 + j] * p[j];
    return CX_OK;
}
