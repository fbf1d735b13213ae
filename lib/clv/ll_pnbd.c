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
} gcache;

#define GCACHE_INIT                                                                                \
    {                                                                                              \
        NAN, NAN, 0, 0, NULL, 1.0, 0.0, 0.0, 0.0, 0.0, NAN,                                        \
        {                                                                                          \
            0, 0, 0, 0                                                                             \
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
    gc->last_z = NAN;
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

/* Symmetric 4 x 4 matrices of the natural parameters (r, alpha, s, beta) are kept as their 10
 * upper entries, in this order. */
#define NSYM 10
static const int SYM_J[NSYM] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 3};
static const int SYM_K[NSYM] = {0, 1, 2, 3, 1, 2, 3, 2, 3, 3};

/* One end y (T or tx) of the bracket: log D(y) with its gradient l and the four non-zero second
 * derivatives (r alpha, alpha alpha, s beta, beta beta), and G(y) with its gradient and Hessian. */
typedef struct pside {
    double lD, l[4], dra, daa, dsb, dbb;
    double G, gG[4], hG[NSYM];
} pside;

/* G = rho F(e, c, z) with e and c linear in the parameters and rho = 1 on the alpha >= beta
 * branch: the chain rule written out entry by entry (most of J and of the second derivatives
 * of z vanish). */
static cx_status side_h(pside *o, const double *p, double x, double y, gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double ay = alpha + y, by = beta + y, rx = r + x, iay = 1.0 / ay, iby = 1.0 / by;
    const double la = log(ay), lb = log(by);
    o->lD = -rx * la - s * lb;
    o->l[0] = -la;
    o->l[1] = -rx * iay;
    o->l[2] = -lb;
    o->l[3] = -s * iby;
    o->dra = -iay;
    o->daa = rx * iay * iay;
    o->dsb = -iby;
    o->dbb = s * iby * iby;
    const double c = r + s + x + 1.0;
    ghess F;
    cx_status st;
    if (alpha >= beta) {
        if ((st = series_hess(&F, rx, c, (alpha - beta) * iay, gc)) != CX_OK)
            return st;
        const double Fe = F.d[0], Fc = F.d[1], Fz = F.d[2], Fee = F.h[0][0], Fec = F.h[0][1],
                     Fcc = F.h[1][1], Fez = F.h[0][2], Fcz = F.h[1][2], Fzz = F.h[2][2];
        const double za = by * iay * iay, zb = -iay, zaa = -2.0 * za * iay, zab = iay * iay;
        o->G = F.v;
        o->gG[0] = Fe + Fc;
        o->gG[1] = Fz * za;
        o->gG[2] = Fc;
        o->gG[3] = Fz * zb;
        o->hG[0] = Fee + 2.0 * Fec + Fcc;
        o->hG[1] = (Fez + Fcz) * za;
        o->hG[2] = Fec + Fcc;
        o->hG[3] = (Fez + Fcz) * zb;
        o->hG[4] = Fzz * za * za + Fz * zaa;
        o->hG[5] = Fcz * za;
        o->hG[6] = Fzz * za * zb + Fz * zab;
        o->hG[7] = Fcc;
        o->hG[8] = Fcz * zb;
        o->hG[9] = Fzz * zb * zb;
        return CX_OK;
    }
    if ((st = series_hess(&F, s + 1.0, c, (beta - alpha) * iby, gc)) != CX_OK)
        return st;
    const double Fe = F.d[0], Fc = F.d[1], Fz = F.d[2], Fee = F.h[0][0], Fec = F.h[0][1],
                 Fcc = F.h[1][1], Fez = F.h[0][2], Fcz = F.h[1][2], Fzz = F.h[2][2];
    const double za = -iby, zb = ay * iby * iby, zab = iby * iby, zbb = -2.0 * zb * iby;
    /* F's gradient and Hessian in the parameters, then the factor rho = (alpha+y)/(beta+y) */
    const double f[4] = {Fc, Fz * za, Fe + Fc, Fz * zb};
    const double fH[NSYM] = {Fcc,
                             Fcz * za,
                             Fec + Fcc,
                             Fcz * zb,
                             Fzz * za * za,
                             (Fez + Fcz) * za,
                             Fzz * za * zb + Fz * zab,
                             Fee + 2.0 * Fec + Fcc,
                             (Fez + Fcz) * zb,
                             Fzz * zb * zb + Fz * zbb};
    const double rho = ay * iby, ra = iby, rb = -rho * iby, rab = -iby * iby,
                 rbb = 2.0 * rho * iby * iby;
    const double v = F.v;
    o->G = rho * v;
    o->gG[0] = rho * f[0];
    o->gG[1] = rho * f[1] + v * ra;
    o->gG[2] = rho * f[2];
    o->gG[3] = rho * f[3] + v * rb;
    o->hG[0] = rho * fH[0];
    o->hG[1] = rho * fH[1] + ra * f[0];
    o->hG[2] = rho * fH[2];
    o->hG[3] = rho * fH[3] + rb * f[0];
    o->hG[4] = rho * fH[4] + 2.0 * ra * f[1];
    o->hG[5] = rho * fH[5] + ra * f[2];
    o->hG[6] = rho * fH[6] + ra * f[3] + f[1] * rb + v * rab;
    o->hG[7] = rho * fH[7];
    o->hG[8] = rho * fH[8] + rb * f[2];
    o->hG[9] = rho * fH[9] + 2.0 * rb * f[3] + v * rbb;
    return CX_OK;
}

/* The second derivatives of log D(y) as a symmetric entry m (0 for most). */
static double side_dl(const pside *o, int m)
{
    switch (m) {
    case 1:
        return o->dra;
    case 4:
        return o->daa;
    case 8:
        return o->dsb;
    case 9:
        return o->dbb;
    default:
        return 0.0;
    }
}

/* Per-frequency constants of the bracket: w = s/k (k = r+s+x) with its two non-zero first
 * derivatives (in r and s) and three non-zero second derivatives (rr, rs, ss). */
typedef struct pfreq {
    double w, dw[4], hw[NSYM];
} pfreq;

static void freq_consts(pfreq *q, const double *p, double x)
{
    const double r = p[0], s = p[2], k = r + s + x, k2 = k * k, k3 = k2 * k;
    memset(q, 0, sizeof *q);
    q->w = s / k;
    q->dw[0] = -s / k2;
    q->dw[2] = (r + x) / k2;
    q->hw[0] = 2.0 * s / k3;
    q->hw[2] = (s - r - x) / k3;
    q->hw[7] = -2.0 * (r + x) / k3;
}

/* log B with its gradient and Hessian (natural parameters, hb as NSYM entries) from the two
 * ends. With Q(y) = w G(y): B = D(T) (1 - Q(T)) + D(tx) Q(tx), and
 * hess(D Q) = D [(l l' + dl) Q + l dQ' + dQ l' + hess Q]. */
static cx_status bracket_h(double *logb, double gb[4], double hb[NSYM], const pfreq *q,
                           const pside *sT, const pside *sx, double x)
{
    const double mx = sx->lD > sT->lD ? sx->lD : sT->lD;
    const double DT = exp(sT->lD - mx), Dx = exp(sx->lD - mx);
    const double w = q->w, QT = w * sT->G, Qx = w * sx->G;
    const double aliveT = DT * (1.0 - QT);
    if (!(aliveT > 0.0))
        return cx__error(CX_ERANGE, "Pareto/NBD bracket lost precision (x = %g)", x);
    const double B = aliveT + Dx * Qx, iB = 1.0 / B;
    *logb = mx + log(B);
    double dQT[4], dQx[4];
    for (int j = 0; j < 4; j++) {
        dQT[j] = q->dw[j] * sT->G + w * sT->gG[j];
        dQx[j] = q->dw[j] * sx->G + w * sx->gG[j];
        gb[j] = (aliveT * sT->l[j] - DT * dQT[j] + Dx * (sx->l[j] * Qx + dQx[j])) * iB;
    }
    for (int m = 0; m < NSYM; m++) {
        const int j = SYM_J[m], k = SYM_K[m];
        const double dwg = q->hw[m], dj = q->dw[j], dk = q->dw[k];
        const double hqT = dwg * sT->G + dj * sT->gG[k] + sT->gG[j] * dk + w * sT->hG[m];
        const double hqx = dwg * sx->G + dj * sx->gG[k] + sx->gG[j] * dk + w * sx->hG[m];
        const double llT = sT->l[j] * sT->l[k] + side_dl(sT, m);
        const double llx = sx->l[j] * sx->l[k] + side_dl(sx, m);
        const double hT = DT * (llT * (1.0 - QT) - sT->l[j] * dQT[k] - dQT[j] * sT->l[k] - hqT);
        const double hx = Dx * (llx * Qx + sx->l[j] * dQx[k] + dQx[j] * sx->l[k] + hqx);
        hb[m] = (hT + hx) * iB - gb[j] * gb[k];
    }
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
    double sum = 0.0, g[4] = {0, 0, 0, 0}, h[NSYM] = {0};
    double cur_x = -1.0, lgx = 0.0, dgx = 0.0, tgx = 0.0, cur_tx = NAN;
    gcache gc = GCACHE_INIT;
    pfreq q;
    pside sT, sx;
    cx_status st = CX_OK;
    for (size_t i = lo; i < hi; i++) {
        const double x = d->x[i], w = d->w[i], tx = d->tx[i];
        if (x != cur_x) {
            cur_x = x;
            cur_tx = NAN;
            lgx = cx__lgamma(r + x) - lgr;
            dgx = cx__digamma(r + x) - dgr;
            tgx = cx__trigamma(r + x) - tgr;
            freq_consts(&q, p, x);
        }
        /* the end at tx repeats for customers of the same frequency and recency (all those
         * without repeat purchases have tx = 0) */
        if (tx != cur_tx) {
            if ((st = side_h(&sx, p, x, tx, &gc)) != CX_OK)
                break;
            cur_tx = tx;
        }
        if ((st = side_h(&sT, p, x, d->T[i], &gc)) != CX_OK)
            break;
        double lb = 0.0, gb[4], hb[NSYM];
        if ((st = bracket_h(&lb, gb, hb, &q, &sT, &sx, x)) != CX_OK)
            break;
        sum += w * (lgx + head + lb);
        g[0] += w * (dgx + lalpha + gb[0]);
        g[1] += w * (r / alpha + gb[1]);
        g[2] += w * (lbeta + gb[2]);
        g[3] += w * (s / beta + gb[3]);
        for (int m = 0; m < NSYM; m++)
            h[m] += w * hb[m];
        h[0] += w * tgx;
    }
    cx__free(gc.k);
    if (st != CX_OK)
        return st;
    acc[0] = sum;
    for (int j = 0; j < 4; j++)
        acc[1 + j] = g[j];
    for (int m = 0; m < NSYM; m++)
        acc[5 + SYM_J[m] * 4 + SYM_K[m]] = acc[5 + SYM_K[m] * 4 + SYM_J[m]] = h[m];
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
