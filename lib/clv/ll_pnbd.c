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

/* Whether the series sum_n (e)_n / (c)_n z^n (0 < e <= c) needs more than SERIES_MAX terms: its
 * term at SERIES_MAX, from log-gammas, is still above any stopping threshold. Checked up front
 * (only where z > 0.99: below that z^n alone ends the series in under 5,000 terms), so that
 * such a series is refused at once instead of after SERIES_MAX terms per row: an optimiser
 * drifting on data that identify no heterogeneity (shapes running off to infinity, where z and
 * e / c both approach 1) steps there again and again, and each refusal cost a fifth of a
 * million terms per row (a 285-customer fit took minutes to report that). */
static cx_status series_in_budget(double e, double c, double z)
{
    if (!(z > 0.99))
        return CX_OK;
    const double n = SERIES_MAX;
    const double log_term =
        cx__lgamma(e + n) - cx__lgamma(e) - (cx__lgamma(c + n) - cx__lgamma(c)) + n * log(z);
    /* the sum is at most 1 / (1 - z) (terms below z^n as e <= c), so the stopping test
     * term z <= 1e-17 sum (1 - z) cannot pass while term z > 1e-17 (e^2 to spare) */
    if (log_term + log(z) > log(1e-17) + 2.0)
        return cx__error(CX_ERANGE, "Pareto/NBD series would not converge (z = %g)", z);
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
    cx_status budget = series_in_budget(e, c, z);
    if (budget != CX_OK)
        return budget;
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
    cx_status budget = series_in_budget(e, c, z);
    if (budget != CX_OK)
        return budget;
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
    cx_status budget = series_in_budget(e, c, z);
    if (budget != CX_OK)
        return budget;
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

/* ---- Second derivatives (trust-region Newton and standard errors) ----
 *
 * The Hessian pass handles LANES customers of one frequency at a time, each quantity an array
 * over the lanes, so that the compiler turns the arithmetic into vector instructions: the lanes
 * share the series coefficients (they depend on the frequency only) and the branch alpha >=
 * beta (it depends on the parameters only). A frequency's last group is padded with copies of
 * its last customer at weight 0. Each lane's values do not depend on its neighbours (a lane
 * whose series has converged adds exact zeros), and the groups are fixed by the block of rows,
 * so the sums are the same for any thread count. */
#define LANES 4

/* Inlined into the vector clones of pnbd_rows_h (a function called from there would be compiled
 * for the baseline target only). */
#if defined(__GNUC__)
#define CX_INLINE_ALWAYS inline __attribute__((always_inline))
#else
#define CX_INLINE_ALWAYS inline
#endif

typedef double lanes[LANES];
typedef double v4 __attribute__((vector_size(LANES * sizeof(double))));

/* Symmetric 4 x 4 matrices of the natural parameters (r, alpha, s, beta) are kept as their 10
 * upper entries, in this order. */
#define NSYM 10
static const int SYM_J[NSYM] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 3};
static const int SYM_K[NSYM] = {0, 1, 2, 3, 1, 2, 3, 2, 3, 3};

/* The ten sums of the cached series (a, a se, a sc, a (n+1), ...: see gcache) at the lanes'
 * arguments z, each series summed until its tail is below 1e-17 of the value and of F_zz's sum
 * (the slowest, with its extra factor (n + 1) n). */
CX_INLINE_ALWAYS static cx_status series_lanes(lanes S[GBW], const lanes z, gcache *gc)
{
    if (gc->len < 2 * GBLOCK) {
        cx_status st = gcache_extend(gc, 2 * GBLOCK);
        if (st != CX_OK)
            return st;
    }
    v4 acc[GBW], zl, zp = {1.0, 1.0, 1.0, 1.0};
    lanes thr;
    double zmax = 0.0;
    for (int q = 0; q < GBW; q++)
        acc[q] = (v4){0.0, 0.0, 0.0, 0.0};
    for (int l = 0; l < LANES; l++) {
        /* z = 0: F = 1 and the multiplier 0 keeps the sums at 0 */
        zl[l] = z[l];
        thr[l] = z[l] > 0.0 ? 1e-17 * (1.0 - z[l]) / z[l] : 0.0;
        zmax = z[l] > zmax ? z[l] : zmax;
    }
    cx_status budget = series_in_budget(gc->e, gc->c, zmax);
    if (budget != CX_OK)
        return budget;
    for (size_t n = 0;; n += GBLOCK) {
        cx_status st = gcache_cover(gc, n, zmax);
        if (st != CX_OK)
            return st;
        const double *blk = gc->k + GBW * n;
        for (int t = 0; t < GBLOCK; t++) {
            zp *= zl; /* z^(n+t+1) */
            for (int q = 0; q < GBW; q++)
                acc[q] += blk[q * GBLOCK + t] * zp;
        }
        if (n < GBLOCK)
            continue;
        /* a converged lane's multiplier becomes 0: it adds exact zeros from here on */
        int done = 1;
        for (int l = 0; l < LANES; l++) {
            if (blk[GBLOCK - 1] * zp[l] <= thr[l] * (1.0 + acc[0][l]) &&
                blk[9 * GBLOCK + GBLOCK - 1] * zp[l] <= thr[l] * acc[9][l])
                zl[l] = 0.0;
            else
                done = 0;
        }
        if (done)
            break;
    }
    for (int q = 0; q < GBW; q++)
        for (int l = 0; l < LANES; l++)
            S[q][l] = acc[q][l];
    return CX_OK;
}

/* One end y (T or tx) of the bracket for the lanes: log D(y) with its gradient l and the four
 * non-zero second derivatives (r alpha, alpha alpha, s beta, beta beta), and G(y) with its
 * gradient and Hessian. */
typedef struct pside {
    lanes lD, l[4], dra, daa, dsb, dbb;
    lanes G, gG[4], hG[NSYM];
} pside;

/* G = rho F(e, c, z) with e and c linear in the parameters and rho = 1 on the alpha >= beta
 * branch: the chain rule written out entry by entry (most of the Jacobian and of the second
 * derivatives of z vanish). F's partials from the sums S: F = 1 + S0, F_e = S1, F_c = -S2,
 * F_z = S3 / z, F_ee = S4, F_ec = -S5, F_cc = S6, F_ez = S7 / z, F_cz = -S8 / z,
 * F_zz = S9 / z^2 (at z = 0 the first coefficients: a_0, a_0 se_0, a_0 sc_0, 2 a_1). */
CX_INLINE_ALWAYS static cx_status side_h(pside *o, const double *p, double x, const lanes y,
                                         gcache *gc)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3], rx = r + x;
    const int up = alpha >= beta;
    lanes ay, by, iay, iby, z, la, lb;
    for (int l = 0; l < LANES; l++) {
        ay[l] = alpha + y[l];
        by[l] = beta + y[l];
        iay[l] = 1.0 / ay[l];
        iby[l] = 1.0 / by[l];
        z[l] = up ? (alpha - beta) * iay[l] : (beta - alpha) * iby[l];
    }
    for (int l = 0; l < LANES; l++) {
        la[l] = log(ay[l]);
        lb[l] = log(by[l]);
    }
    lanes S[GBW];
    gcache_renew(gc, up ? rx : s + 1.0, r + s + x + 1.0);
    cx_status st = series_lanes(S, z, gc);
    if (st != CX_OK)
        return st;
    const double *k0 = gc->k;
    const double z0[4] = {k0[0], k0[GBLOCK], -k0[2 * GBLOCK], 2.0 * k0[1]};
    for (int l = 0; l < LANES; l++) {
        o->lD[l] = -rx * la[l] - s * lb[l];
        o->l[0][l] = -la[l];
        o->l[1][l] = -rx * iay[l];
        o->l[2][l] = -lb[l];
        o->l[3][l] = -s * iby[l];
        o->dra[l] = -iay[l];
        o->daa[l] = rx * iay[l] * iay[l];
        o->dsb[l] = -iby[l];
        o->dbb[l] = s * iby[l] * iby[l];
        const int pos = z[l] > 0.0;
        const double iz = 1.0 / (pos ? z[l] : 1.0);
        const double v = 1.0 + S[0][l], Fe = S[1][l], Fc = -S[2][l], Fee = S[4][l], Fec = -S[5][l],
                     Fcc = S[6][l];
        const double Fz = pos ? S[3][l] * iz : z0[0], Fez = pos ? S[7][l] * iz : z0[1],
                     Fcz = pos ? -S[8][l] * iz : z0[2], Fzz = pos ? S[9][l] * iz * iz : z0[3];
        if (up) {
            const double za = by[l] * iay[l] * iay[l], zb = -iay[l], zaa = -2.0 * za * iay[l],
                         zab = iay[l] * iay[l];
            o->G[l] = v;
            o->gG[0][l] = Fe + Fc;
            o->gG[1][l] = Fz * za;
            o->gG[2][l] = Fc;
            o->gG[3][l] = Fz * zb;
            o->hG[0][l] = Fee + 2.0 * Fec + Fcc;
            o->hG[1][l] = (Fez + Fcz) * za;
            o->hG[2][l] = Fec + Fcc;
            o->hG[3][l] = (Fez + Fcz) * zb;
            o->hG[4][l] = Fzz * za * za + Fz * zaa;
            o->hG[5][l] = Fcz * za;
            o->hG[6][l] = Fzz * za * zb + Fz * zab;
            o->hG[7][l] = Fcc;
            o->hG[8][l] = Fcz * zb;
            o->hG[9][l] = Fzz * zb * zb;
        } else {
            const double za = -iby[l], zb = ay[l] * iby[l] * iby[l], zab = iby[l] * iby[l],
                         zbb = -2.0 * zb * iby[l];
            /* F's gradient and Hessian in the parameters, then the factor rho = (alpha+y)/(beta+y)
             */
            const double f0 = Fc, f1 = Fz * za, f2 = Fe + Fc, f3 = Fz * zb;
            const double rho = ay[l] * iby[l], ra = iby[l], rb = -rho * iby[l],
                         rab = -iby[l] * iby[l], rbb = 2.0 * rho * iby[l] * iby[l];
            o->G[l] = rho * v;
            o->gG[0][l] = rho * f0;
            o->gG[1][l] = rho * f1 + v * ra;
            o->gG[2][l] = rho * f2;
            o->gG[3][l] = rho * f3 + v * rb;
            o->hG[0][l] = rho * Fcc;
            o->hG[1][l] = rho * Fcz * za + ra * f0;
            o->hG[2][l] = rho * (Fec + Fcc);
            o->hG[3][l] = rho * Fcz * zb + rb * f0;
            o->hG[4][l] = rho * Fzz * za * za + 2.0 * ra * f1;
            o->hG[5][l] = rho * (Fez + Fcz) * za + ra * f2;
            o->hG[6][l] = rho * (Fzz * za * zb + Fz * zab) + ra * f3 + f1 * rb + v * rab;
            o->hG[7][l] = rho * (Fee + 2.0 * Fec + Fcc);
            o->hG[8][l] = rho * (Fez + Fcz) * zb + rb * f2;
            o->hG[9][l] = rho * (Fzz * zb * zb + Fz * zbb) + 2.0 * rb * f3 + v * rbb;
        }
    }
    return CX_OK;
}

/* The second derivatives of log D(y) at lane l as a symmetric entry m (0 for most). */
CX_INLINE_ALWAYS static double side_dl(const pside *o, int m, int l)
{
    switch (m) {
    case 1:
        return o->dra[l];
    case 4:
        return o->daa[l];
    case 8:
        return o->dsb[l];
    case 9:
        return o->dbb[l];
    default:
        return 0.0;
    }
}

/* Per-frequency constants of the bracket: w = s/k (k = r+s+x) with its first derivatives
 * (non-zero in r and s) and second derivatives (non-zero in rr, rs, ss). */
typedef struct pfreq {
    double w, dw[4], hw[NSYM];
} pfreq;

CX_INLINE_ALWAYS static void freq_consts(pfreq *q, const double *p, double x)
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

/* log B with its gradient and Hessian (natural parameters, hb as NSYM entries) for the lanes,
 * from the two ends. With Q(y) = w G(y): B = D(T) (1 - Q(T)) + D(tx) Q(tx), and
 * hess(D Q) = D [(l l' + dl) Q + l dQ' + dQ l' + hess Q]. Returns the first lane whose
 * alive-at-T part lost all precision, or -1. */
CX_INLINE_ALWAYS static int bracket_h(lanes logb, lanes gb[4], lanes hb[NSYM], const pfreq *q,
                                      const pside *sT, const pside *sx)
{
    lanes DT, Dx, QT, Qx, aliveT, iB, dQT[4], dQx[4];
    const double w = q->w;
    int bad = -1;
    for (int l = 0; l < LANES; l++) {
        /* scaled by the larger of D(T), D(tx): one of the two is 1 */
        const int xbig = sx->lD[l] > sT->lD[l];
        const double dd = exp(-fabs(sx->lD[l] - sT->lD[l]));
        DT[l] = xbig ? dd : 1.0;
        Dx[l] = xbig ? 1.0 : dd;
        QT[l] = w * sT->G[l];
        Qx[l] = w * sx->G[l];
        aliveT[l] = DT[l] * (1.0 - QT[l]);
        if (!(aliveT[l] > 0.0) && bad < 0)
            bad = l;
        const double B = aliveT[l] + Dx[l] * Qx[l];
        iB[l] = 1.0 / B;
        logb[l] = (xbig ? sx->lD[l] : sT->lD[l]) + log(B);
    }
    if (bad >= 0)
        return bad;
    for (int j = 0; j < 4; j++)
        for (int l = 0; l < LANES; l++) {
            dQT[j][l] = q->dw[j] * sT->G[l] + w * sT->gG[j][l];
            dQx[j][l] = q->dw[j] * sx->G[l] + w * sx->gG[j][l];
            gb[j][l] = (aliveT[l] * sT->l[j][l] - DT[l] * dQT[j][l] +
                        Dx[l] * (sx->l[j][l] * Qx[l] + dQx[j][l])) *
                       iB[l];
        }
#pragma GCC unroll 10
    for (int m = 0; m < NSYM; m++) {
        const int j = SYM_J[m], k = SYM_K[m];
        const double dwg = q->hw[m], dj = q->dw[j], dk = q->dw[k];
        for (int l = 0; l < LANES; l++) {
            const double hqT =
                dwg * sT->G[l] + dj * sT->gG[k][l] + sT->gG[j][l] * dk + w * sT->hG[m][l];
            const double hqx =
                dwg * sx->G[l] + dj * sx->gG[k][l] + sx->gG[j][l] * dk + w * sx->hG[m][l];
            const double llT = sT->l[j][l] * sT->l[k][l] + side_dl(sT, m, l);
            const double llx = sx->l[j][l] * sx->l[k][l] + side_dl(sx, m, l);
            const double hT = DT[l] * (llT * (1.0 - QT[l]) - sT->l[j][l] * dQT[k][l] -
                                       dQT[j][l] * sT->l[k][l] - hqT);
            const double hx =
                Dx[l] * (llx * Qx[l] + sx->l[j][l] * dQx[k][l] + dQx[j][l] * sx->l[k][l] + hqx);
            hb[m][l] = (hT + hx) * iB[l] - gb[j][l] * gb[k][l];
        }
    }
    return -1;
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

/* The sums over rows lo..hi-1, in groups of LANES rows of one frequency; per-lane partial sums
 * added in lane order at the end. */
CX_TARGET_CLONES("avx2", "default")
static cx_status pnbd_rows_h(double *acc, const void *vctx, size_t lo, size_t hi)
{
    const pnbd_ctx *c = vctx;
    const cx__clv_data *d = c->d;
    const double *p = c->p;
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double lgr = c->lgr, dgr = c->dgr, tgr = c->tgr, lalpha = c->lalpha, lbeta = c->lbeta,
                 head = c->head, ra = r / alpha, sb = s / beta;
    lanes sum = {0}, g[4] = {{0}}, h[NSYM] = {{0}};
    double cur_x = -1.0, lgx = 0.0, dgx = 0.0, tgx = 0.0;
    lanes cur_tx;
    int have_tx = 0;
    gcache gc = GCACHE_INIT;
    pfreq q;
    pside sT, sx;
    cx_status st = CX_OK;
    for (size_t i = lo; i < hi;) {
        const double x = d->x[i];
        lanes T, tx, w;
        size_t nl = 0;
        for (; nl < LANES && i + nl < hi && d->x[i + nl] == x; nl++) {
            T[nl] = d->T[i + nl];
            tx[nl] = d->tx[i + nl];
            w[nl] = d->w ? d->w[i + nl] : 1.0; /* no weights: 1 each */
        }
        for (size_t l = nl; l < LANES; l++) { /* padding: the last row again, weight 0 */
            T[l] = T[nl - 1];
            tx[l] = tx[nl - 1];
            w[l] = 0.0;
        }
        if (x != cur_x) {
            cur_x = x;
            have_tx = 0;
            lgx = cx__lgamma(r + x) - lgr;
            dgx = cx__digamma(r + x) - dgr;
            tgx = cx__trigamma(r + x) - tgr;
            freq_consts(&q, p, x);
        }
        /* the end at tx repeats for customers without repeat purchases (tx = 0) */
        if (!have_tx || memcmp(tx, cur_tx, sizeof tx) != 0) {
            if ((st = side_h(&sx, p, x, tx, &gc)) != CX_OK)
                break;
            memcpy(cur_tx, tx, sizeof tx);
            have_tx = 1;
        }
        if ((st = side_h(&sT, p, x, T, &gc)) != CX_OK)
            break;
        lanes lb, gb[4], hb[NSYM];
        if (bracket_h(lb, gb, hb, &q, &sT, &sx) >= 0) {
            st = cx__error(CX_ERANGE, "Pareto/NBD bracket lost precision (x = %g)", x);
            break;
        }
        for (int l = 0; l < LANES; l++) {
            sum[l] += w[l] * (lgx + head + lb[l]);
            g[0][l] += w[l] * (dgx + lalpha + gb[0][l]);
            g[1][l] += w[l] * (ra + gb[1][l]);
            g[2][l] += w[l] * (lbeta + gb[2][l]);
            g[3][l] += w[l] * (sb + gb[3][l]);
            h[0][l] += w[l] * (hb[0][l] + tgx);
        }
        for (int m = 1; m < NSYM; m++)
            for (int l = 0; l < LANES; l++)
                h[m][l] += w[l] * hb[m][l];
        i += nl;
    }
    cx__free(gc.k);
    if (st != CX_OK)
        return st;
    double tot[1 + 4 + NSYM] = {0};
    for (int l = 0; l < LANES; l++) {
        tot[0] += sum[l];
        for (int j = 0; j < 4; j++)
            tot[1 + j] += g[j][l];
        for (int m = 0; m < NSYM; m++)
            tot[5 + m] += h[m][l];
    }
    for (int j = 0; j < 5; j++)
        acc[j] = tot[j];
    for (int m = 0; m < NSYM; m++)
        acc[5 + SYM_J[m] * 4 + SYM_K[m]] = acc[5 + SYM_K[m] * 4 + SYM_J[m]] = tot[5 + m];
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
        const double x = d->x[i], w = d->w ? d->w[i] : 1.0;
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
        tw += d->w ? d->w[i] : 1.0;
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
