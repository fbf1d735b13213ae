/*
 * Predictions for many customers at once, written so that GCC vectorises them: struct-of-arrays
 * loops over chunks of customers, the vectorisable exp/log of vmath.h, and the Gauss
 * hypergeometric series run in lanes (one customer per lane, each lane with its own parameters,
 * argument and stopping test; a lane that has converged stops accumulating, so its value does
 * not depend on its neighbours and is the same for any split into blocks or threads).
 *
 * A kernel never fails: where its fast formula does not apply (a series that would need the
 * Euler side, does not converge in CX__VEC_MAX_TERMS, loses digits to cancellation, or a value
 * that is not finite) it sets slow[i] and the caller computes that row with the scalar code of
 * predict.c, which also reports the error.
 */
#include <float.h>
#include <math.h>

#include "clv_internal.h"
#include "vmath.h"

/* customers per lane chunk (the scratch arrays live on the stack) */
#define LANES     256
#define MAX_TERMS 4000

/* the helpers are inlined into each target clone of their callers (so they get its ISA) */
#if defined(__GNUC__)
#define VEC_INLINE inline __attribute__((always_inline))
#else
#define VEC_INLINE inline
#endif

/* 2F1(a, b_i; c_i; z_i) for i < n <= LANES, 0 <= z_i < 1, by the direct series: the same
 * recurrence and stopping rule as cx__hyp2f1's series (the tail after a term is below
 * |term| q / (1 - q) with q the larger of the last ratio and z, once n >= nmin). Lanes that do
 * not converge or lose more than 8 digits to cancellation get slow[i] = 1. */
static VEC_INLINE void hyp_lanes(double *h, unsigned char *slow, double a, const double *b,
                                 const double *c, const double *z, size_t n, double nmin)
{
    double term[LANES], sum[LANES], abs_sum[LANES];
    uint64_t live[LANES];
    for (size_t i = 0; i < n; i++) {
        term[i] = sum[i] = abs_sum[i] = 1.0;
        live[i] = slow[i] ? 0 : ~(uint64_t)0;
    }
    /* two terms per step (the masks and the stopping test once per pair) */
    for (int k = 0; k < MAX_TERMS; k += 2) {
        /* before term nmin no stop (a threshold no tail can meet); the masks stay 64-bit wide so
         * that the lanes' selects need no repacking */
        const double m = (double)k, am = a + m, m1 = m + 1.0, thr = m + 1.0 >= nmin ? 1e-17 : -1.0;
        const double n1 = m + 1.0, an = a + n1, n2 = n1 + 1.0;
        uint64_t any = 0;
        for (size_t i = 0; i < n; i++) {
            const double r1 = am * (b[i] + m) / ((c[i] + m) * m1) * z[i];
            const double ratio = an * (b[i] + n1) / ((c[i] + n1) * n2) * z[i];
            const double t1 = term[i] * r1, t = t1 * ratio;
            const double s = (sum[i] + t1) + t;
            const double ar = fabs(ratio), q = ar > z[i] ? ar : z[i];
            const uint64_t on = live[i];
            term[i] = on ? t : term[i];
            sum[i] = on ? s : sum[i];
            abs_sum[i] = on ? (abs_sum[i] + fabs(t1)) + fabs(t) : abs_sum[i];
            const uint64_t next =
                t == 0.0 || (q < 1.0 && fabs(t) * q <= thr * fabs(s) * (1.0 - q)) ? 0 : on;
            live[i] = next;
            any |= next;
        }
        if (!any)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        const int bad =
            live[i] != 0 || !(fabs(sum[i]) <= DBL_MAX) || abs_sum[i] > 1e8 * fabs(sum[i]);
        slow[i] = bad ? 1 : slow[i];
        h[i] = sum[i];
    }
}

/* ---- BG/NBD and MBG/NBD (shift 0 and 1) ---- */

static VEC_INLINE double bg_palive_v(const double *p, double x, double tx, double T, double shift)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double l =
        cx__vm_log(a / (b + x - 1 + shift)) + (r + x) * cx__vm_log((alpha + T) / (alpha + tx));
    const double pa = 1.0 / (1.0 + cx__vm_exp(l));
    return x == 0.0 && shift == 0.0 ? 1.0 : pa;
}

static VEC_INLINE void flag_nonfinite(unsigned char *slow, const double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        slow[i] = fabs(out[i]) <= DBL_MAX ? slow[i] : 1;
}

CX_TARGET_CLONES("avx2", "default")
static void bg_palive_clone(double *out, unsigned char *slow, const double *p, int shift,
                            const double *x, const double *tx, const double *T, size_t n)
{
    const double sh = shift;
    for (size_t i = 0; i < n; i++) {
        out[i] = bg_palive_v(p, x[i], tx[i], T[i], sh);
        slow[i] = 0;
    }
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_bg_palive(double *out, unsigned char *slow, const double *p, int shift, double t,
                           const double *x, const double *tx, const double *T, size_t n)
{
    (void)t;
    bg_palive_clone(out, slow, p, shift, x, tx, T, n);
}

/* frequencies below XCAP are grouped (counting sort) for hyp_grouped; the others run in lanes */
#define XCAP       128
#define HORNER_MAX 1024
/* the number of terms of a row comes from its argument rounded up to a multiple of 1/ZBINS */
#define ZBINS 64

/* The per-frequency series coefficients and term counts of hyp_grouped, kept across the chunks
 * and months of one kernel call (they depend only on the model's parameters, the frequency and
 * the argument's bin, so reusing them changes no bit). have[v] < 0: frequency v not yet seen. */
typedef struct hyp_cache {
    int have[XCAP];
    int nbin[XCAP][ZBINS + 1];
    double coef[XCAP][HORNER_MAX + 1];
} hyp_cache;

/* A cache for one kernel call, or NULL (out of memory: hyp_grouped then works per chunk). */
static hyp_cache *hyp_cache_new(void)
{
    hyp_cache *hc = cx__malloc(sizeof *hc);
    for (int v = 0; hc && v < XCAP; v++)
        hc->have[v] = -1;
    return hc;
}

/* Terms needed for 2F1(A, B; c; z) at z <= zb, extending coef[] (coef[0..*have] known) as
 * needed: hyp_lanes' stopping rule at zb, but relative to min(1, |sum|) so that it holds at
 * every smaller argument too (terms shrink with z; with one sign after the first term the sum
 * stays above min(1, |sum at zb|)). -1 when more than HORNER_MAX terms would be needed. */
static VEC_INLINE int horner_terms(double *coef, int *have, double A, double B, double c, double zb,
                                   double nmin)
{
    double sum = 1.0, zp = 1.0;
    for (int k = 0; k < HORNER_MAX; k++) {
        if (k + 1 > *have) {
            coef[k + 1] = coef[k] * ((A + k) * (B + k) / ((c + k) * (k + 1.0)));
            *have = k + 1;
        }
        const double ratio = coef[k] != 0.0 ? coef[k + 1] / coef[k] : 0.0;
        zp *= zb;
        const double t = coef[k + 1] * zp;
        sum += t;
        const double rz = fabs(ratio) * zb, q = rz > zb ? rz : zb;
        const double ref = fabs(sum) < 1.0 ? fabs(sum) : 1.0;
        if (t == 0.0 || (k >= nmin && q < 1.0 && fabs(t) * q <= 1e-17 * ref * (1.0 - q)))
            return k + 1;
    }
    return -1;
}

/* 2F1(A, B; c0 + x_i; z_i) for the rows of a chunk whose frequency x_i is below XCAP, grouped by
 * frequency: per group the series coefficients once (per call with hc, else per chunk; one division
 * per term for the whole group), then Horner in each row (two operations per term and row) over the
 * number of terms its own argument needs (horner_terms at z rounded up to the bin; a row's value
 * never depends on the other rows). Needs A > -1 and B > -1, so that every term after the first has
 * the sign of the second (the sum of absolute values is 1 + |h - 1|). Rows it computes get done[i]
 * = 1 (and slow[i] = 1 where digits are lost to cancellation). */
static VEC_INLINE void hyp_grouped(double *h, unsigned char *done, unsigned char *slow, double A,
                                   double B, double c0, const double *x, const double *z, size_t n,
                                   double nmin, hyp_cache *hc)
{
    uint16_t pos[XCAP + 1], order[LANES];
    double own_coef[HORNER_MAX + 1], zg[LANES], hg[LANES], ng[LANES];
    int own_nbin[ZBINS + 1], own_have;
    for (int v = 0; v <= XCAP; v++)
        pos[v] = 0;
    for (size_t i = 0; i < n; i++) {
        done[i] = 0;
        if (x[i] < XCAP && !slow[i])
            pos[(int)x[i] + 1]++;
    }
    for (int v = 0; v < XCAP; v++)
        pos[v + 1] = (uint16_t)(pos[v + 1] + pos[v]);
    for (size_t i = 0; i < n; i++)
        if (x[i] < XCAP && !slow[i])
            order[pos[(int)x[i]]++] = (uint16_t)i;
    /* pos[v] is now the end of group v (and the start of v + 1) */
    size_t lo = 0;
    for (int v = 0; v < XCAP; v++) {
        const size_t hi = pos[v], first = lo;
        lo = hi;
        if (hi == first)
            continue;
        const double c = c0 + v;
        int nmax = -1;
        double *coef = hc ? hc->coef[v] : own_coef;
        int *nbin = hc ? hc->nbin[v] : own_nbin, *have = hc ? &hc->have[v] : &own_have;
        if (!hc || *have < 0) {
            *have = 0;
            coef[0] = 1.0;
            for (int q = 0; q <= ZBINS; q++)
                nbin[q] = -2; /* not yet known */
        }
        size_t m = 0; /* rows of the group with a known number of terms, packed */
        for (size_t j = first; j < hi; j++) {
            const size_t i = order[j];
            const int q = (int)ceil(z[i] * ZBINS);
            if (nbin[q] == -2)
                nbin[q] = horner_terms(coef, have, A, B, c, (double)q / ZBINS, nmin);
            if (nbin[q] < 0)
                continue; /* left to the lanes */
            order[first + m] = (uint16_t)i;
            zg[m] = z[i];
            ng[m] = nbin[q];
            nmax = nbin[q] > nmax ? nbin[q] : nmax;
            m++;
        }
        /* Horner from the largest count down; a row's leading coefficients above its own count
         * are zeros, which keep its value an exact 0 until its first term */
        for (size_t j = 0; j < m; j++)
            hg[j] = 0.0;
        for (int k = nmax; k >= 0; k--) {
            const double ck = coef[k], dk = k;
            for (size_t j = 0; j < m; j++)
                hg[j] = hg[j] * zg[j] + (dk <= ng[j] ? ck : 0.0);
        }
        for (size_t j = 0; j < m; j++) {
            const size_t i = order[first + j];
            h[i] = hg[j];
            done[i] = 1;
            if (!(fabs(hg[j]) <= DBL_MAX) || 1.0 + fabs(hg[j] - 1.0) > 1e8 * fabs(hg[j]))
                slow[i] = 1;
        }
    }
}

/* 2F1(A, b_i; c_i; z_i) for a chunk, where b_i = B and c_i = c0 + x_i: by frequency groups
 * when `grouped` (hyp_grouped's conditions hold), the rest in lanes. */
static VEC_INLINE void hyp_rows(double *h, unsigned char *slow, double A, double B, const double *b,
                                const double *c, double c0, const double *x, const double *z,
                                size_t n, double nmin, int grouped, hyp_cache *hc)
{
    double hl[LANES];
    unsigned char done[LANES], skip[LANES];
    if (grouped)
        hyp_grouped(h, done, slow, A, B, c0, x, z, n, nmin, hc);
    else
        for (size_t i = 0; i < n; i++)
            done[i] = 0;
    for (size_t i = 0; i < n; i++)
        skip[i] = slow[i] | done[i];
    hyp_lanes(hl, skip, A, b, c, z, n, nmin);
    for (size_t i = 0; i < n; i++) {
        h[i] = done[i] ? h[i] : hl[i];
        slow[i] = done[i] ? slow[i] : skip[i];
    }
}

/* E[Y(t) | x, tx, T] for one chunk: the Euler form of predict.c's bg_conditional,
 * (C/(a-1)) [1 - (1-z)^(a-1) 2F1(A, a-1; C; z)] P(alive) with A = a+b-1+shift-r,
 * C = a+b+x-1+shift, z = t/(alpha+T+t); pa: P(alive) of the rows. */
static VEC_INLINE void bg_expected_chunk(double *out, unsigned char *slow, const double *p,
                                         double sh, double t, const double *x, const double *T,
                                         const double *pa, size_t n, hyp_cache *hc)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double A = a + b - 1 + sh - r, B = a - 1;
    double bv[LANES], c[LANES], z[LANES], h[LANES];
    for (size_t i = 0; i < n; i++) {
        bv[i] = B;
        c[i] = a + b + x[i] - 1 + sh;
        z[i] = t / (alpha + T[i] + t);
        /* cx__hyp2f1 would take the Euler side here: leave it to the scalar path */
        slow[i] = (c[i] - A - B < 0.0 && z[i] > 0.5) ? 1 : slow[i];
    }
    hyp_rows(h, slow, A, B, bv, c, a + b - 1 + sh, x, z, n, fabs(A) + fabs(B), A > -1.0 && B > -1.0,
             hc);
    for (size_t i = 0; i < n; i++) {
        const double em1 = cx__vm_expm1((a - 1) * cx__vm_log1p(-z[i]));
        const double bracket = -em1 - ((1.0 + em1) * (h[i] - 1.0));
        out[i] = c[i] / (a - 1) * bracket * pa[i];
    }
}

CX_TARGET_CLONES("avx2", "default")
static void bg_conditional_clone(double *out, unsigned char *slow, const double *p, int shift,
                                 double t, const double *x, const double *tx, const double *T,
                                 size_t n, hyp_cache *hc)
{
    const double sh = shift;
    double pa[LANES];
    for (size_t lo = 0; lo < n; lo += LANES) {
        const size_t m = n - lo < LANES ? n - lo : LANES;
        for (size_t i = 0; i < m; i++) {
            pa[i] = bg_palive_v(p, x[lo + i], tx[lo + i], T[lo + i], sh);
            slow[lo + i] = 0;
        }
        bg_expected_chunk(out + lo, slow + lo, p, sh, t, x + lo, T + lo, pa, m, hc);
    }
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_bg_conditional(double *out, unsigned char *slow, const double *p, int shift,
                                double t, const double *x, const double *tx, const double *T,
                                size_t n)
{
    hyp_cache *hc = hyp_cache_new();
    bg_conditional_clone(out, slow, p, shift, t, x, tx, T, n, hc);
    cx__free(hc);
}

/* CLV: sum over months k of f[k-1] em (E[Y(k upm)] - E[Y((k-1) upm)]), month by month in
 * lanes of customers, P(alive) once per customer, the series coefficients and term counts of
 * each frequency once per call (hyp_cache). */
CX_TARGET_CLONES("avx2", "default")
static void bg_clv_clone(double *out, unsigned char *slow, const double *p, int shift,
                         const double *x, const double *tx, const double *T, const double *em,
                         size_t n, unsigned months, double upm, const double *f, hyp_cache *hc)
{
    const double sh = shift;
    double pa[LANES], cur[LANES], prev[LANES];
    for (size_t lo = 0; lo < n; lo += LANES) {
        const size_t m = n - lo < LANES ? n - lo : LANES;
        double *o = out + lo;
        unsigned char *sl = slow + lo;
        for (size_t i = 0; i < m; i++) {
            pa[i] = bg_palive_v(p, x[lo + i], tx[lo + i], T[lo + i], sh);
            prev[i] = o[i] = 0.0;
            sl[i] = 0;
        }
        for (unsigned k = 1; k <= months; k++) {
            bg_expected_chunk(cur, sl, p, sh, k * upm, x + lo, T + lo, pa, m, hc);
            const double fk = f[k - 1];
            for (size_t i = 0; i < m; i++) {
                o[i] += fk * em[lo + i] * (cur[i] - prev[i]);
                prev[i] = cur[i];
                sl[i] = fabs(cur[i]) <= DBL_MAX ? sl[i] : 1;
            }
        }
    }
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_bg_clv(double *out, unsigned char *slow, const double *p, int shift,
                        const double *x, const double *tx, const double *T, const double *em,
                        size_t n, unsigned months, double upm, const double *f)
{
    hyp_cache *hc = hyp_cache_new();
    bg_clv_clone(out, slow, p, shift, x, tx, T, em, n, months, upm, f, hc);
    cx__free(hc);
}

/* ---- Pareto/NBD ---- */

/* P(alive) of a chunk (ll_pnbd.c's bracket in ratio form): with G(y) the tail series there,
 * w = s/(r+s+x) and D(tx)/D(T) = ((alpha+T)/(alpha+tx))^(r+x) ((beta+T)/(beta+tx))^s,
 * P(alive) = D(T) / B = 1 / (1 - w G(T) + w G(tx) D(tx)/D(T)). */
static VEC_INLINE void pnbd_palive_chunk(double *out, unsigned char *slow, const double *p,
                                         const double *x, const double *tx, const double *T,
                                         size_t n)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const int a_side = alpha >= beta; /* G = 2F1(1, r+x; k+1; (alpha-beta)/(alpha+y)) */
    const double gap = a_side ? alpha - beta : beta - alpha, base = a_side ? alpha : beta;
    double b[2 * LANES], c[2 * LANES], z[2 * LANES], g[2 * LANES];
    unsigned char sl[2 * LANES];
    for (size_t i = 0; i < n; i++) {
        const double bi = a_side ? r + x[i] : s + 1.0, ci = r + s + x[i] + 1.0;
        b[i] = b[n + i] = bi;
        c[i] = c[n + i] = ci;
        z[i] = gap / (base + T[i]);
        z[n + i] = gap / (base + tx[i]);
        sl[i] = sl[n + i] = 0;
    }
    hyp_lanes(g, sl, 1.0, b, c, z, n, 0.0);
    hyp_lanes(g + n, sl + n, 1.0, b + n, c + n, z + n, n, 0.0);
    for (size_t i = 0; i < n; i++) {
        /* the other side carries the factor (alpha+y)/(beta+y) */
        const double gT = a_side ? g[i] : g[i] * ((alpha + T[i]) / (beta + T[i]));
        const double gx = a_side ? g[n + i] : g[n + i] * ((alpha + tx[i]) / (beta + tx[i]));
        const double w = s / (r + s + x[i]);
        const double alive = 1.0 - w * gT;
        const double ratio = cx__vm_exp((r + x[i]) * cx__vm_log((alpha + T[i]) / (alpha + tx[i])) +
                                        s * cx__vm_log((beta + T[i]) / (beta + tx[i])));
        out[i] = 1.0 / (alive + w * gx * ratio);
        slow[i] = (sl[i] | sl[n + i] | !(alive > 0.0)) ? 1 : 0;
    }
}

/* E[Y(t)] / P(alive) without the factor (r+x)(beta+T)/(alpha+T): the closed form in t,
 * (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s-1) (log((beta+T+t)/(beta+T)) at s = 1). */
static VEC_INLINE double pnbd_time_factor(double s, double inv_bT, double t, double inv_s1)
{
    /* inv_bT = 1/(beta+T), inv_s1 = 1/(s-1): the divisions once per customer and call */
    const double l1 = cx__vm_log1p(t * inv_bT);
    const double f = -cx__vm_expm1(-(s - 1) * l1) * inv_s1;
    return fabs(s - 1.0) < 1e-10 ? l1 : f;
}

CX_TARGET_CLONES("avx2", "default")
static void pnbd_palive_clone(double *out, unsigned char *slow, const double *p, const double *x,
                              const double *tx, const double *T, size_t n)
{
    for (size_t lo = 0; lo < n; lo += LANES) {
        const size_t m = n - lo < LANES ? n - lo : LANES;
        pnbd_palive_chunk(out + lo, slow + lo, p, x + lo, tx + lo, T + lo, m);
    }
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_pnbd_palive(double *out, unsigned char *slow, const double *p, int shift, double t,
                             const double *x, const double *tx, const double *T, size_t n)
{
    (void)shift;
    (void)t;
    pnbd_palive_clone(out, slow, p, x, tx, T, n);
}

CX_TARGET_CLONES("avx2", "default")
static void pnbd_conditional_clone(double *out, unsigned char *slow, const double *p, double t,
                                   const double *x, const double *tx, const double *T, size_t n)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    for (size_t lo = 0; lo < n; lo += LANES) {
        const size_t m = n - lo < LANES ? n - lo : LANES;
        pnbd_palive_chunk(out + lo, slow + lo, p, x + lo, tx + lo, T + lo, m);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = out[i] * (r + x[i]) * (beta + T[i]) / (alpha + T[i]) *
                 pnbd_time_factor(s, 1.0 / (beta + T[i]), t, 1.0 / (s - 1));
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_pnbd_conditional(double *out, unsigned char *slow, const double *p, int shift,
                                  double t, const double *x, const double *tx, const double *T,
                                  size_t n)
{
    (void)shift;
    pnbd_conditional_clone(out, slow, p, t, x, tx, T, n);
}

/* CLV: E[Y(t)] = P(alive) (r+x)(beta+T)/(alpha+T) times the closed form in t, so P(alive)
 * once per customer and two transcendentals per month. */
CX_TARGET_CLONES("avx2", "default")
static void pnbd_clv_clone(double *out, unsigned char *slow, const double *p, const double *x,
                           const double *tx, const double *T, const double *em, size_t n,
                           unsigned months, double upm, const double *f)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double head[LANES], prev[LANES], inv[LANES];
    const double inv_s1 = 1.0 / (s - 1);
    for (size_t lo = 0; lo < n; lo += LANES) {
        const size_t m = n - lo < LANES ? n - lo : LANES;
        double *o = out + lo;
        pnbd_palive_chunk(head, slow + lo, p, x + lo, tx + lo, T + lo, m);
        for (size_t i = 0; i < m; i++) {
            head[i] *= (r + x[lo + i]) * (beta + T[lo + i]) / (alpha + T[lo + i]);
            inv[i] = 1.0 / (beta + T[lo + i]);
            prev[i] = o[i] = 0.0;
        }
        for (unsigned k = 1; k <= months; k++) {
            const double fk = f[k - 1], t = k * upm;
            for (size_t i = 0; i < m; i++) {
                const double cur = head[i] * pnbd_time_factor(s, inv[i], t, inv_s1);
                o[i] += fk * em[lo + i] * (cur - prev[i]);
                prev[i] = cur;
            }
        }
    }
    flag_nonfinite(slow, out, n);
}

void cx__clv_vec_pnbd_clv(double *out, unsigned char *slow, const double *p, int shift,
                          const double *x, const double *tx, const double *T, const double *em,
                          size_t n, unsigned months, double upm, const double *f)
{
    (void)shift;
    pnbd_clv_clone(out, slow, p, x, tx, T, em, n, months, upm, f);
}
