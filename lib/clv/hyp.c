/*
 * Numerical helpers the prediction formulas need and lib/core does not provide: the Gauss
 * hypergeometric series 2F1 on [0, 1) and adaptive Gauss-Legendre quadrature.
 */
#include <math.h>

#include "clv_internal.h"

#define HYP_MAX_TERMS 2000000

static cx_status series(double *out, double a, double b, double c, double z)
{
    double term = 1.0, sum = 1.0, abs_sum = 1.0;
    /* the ratio of term n+1 to term n, computed once: it serves the tail test and the next term */
    double ratio = a * b / c * z;
    for (long n = 0; n < HYP_MAX_TERMS; n++) {
        term *= ratio;
        sum += term;
        abs_sum += fabs(term);
        if (term == 0.0)
            break;
        const double m = (double)(n + 1);
        ratio = (a + m) * (b + m) / ((c + m) * (m + 1.0)) * z;
        /* once the ratio has settled below 1, the tail is below |term| z / (1 - z) */
        const double ar = fabs(ratio);
        if (ar < 1.0 && fabs(term) * ar <= 1e-17 * fabs(sum) * (1.0 - ar) && n > fabs(a) + fabs(b))
            break;
        if (n == HYP_MAX_TERMS - 1)
            return cx__error(CX_ERANGE, "2F1(%g, %g; %g; %g) series did not converge", a, b, c, z);
    }
    if (!isfinite(sum) || abs_sum > 1e8 * fabs(sum))
        return cx__error(CX_ERANGE, "2F1(%g, %g; %g; %g) lost precision by cancellation", a, b, c,
                         z);
    *out = sum;
    return CX_OK;
}

cx_status cx__hyp2f1(double *out, double a, double b, double c, double z)
{
    if (!(z >= 0.0 && z < 1.0))
        return cx__error(CX_ERANGE, "2F1 argument %g outside [0, 1)", z);
    /* Euler: 2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z); use the side whose series
     * converges at z = 1 (exponent of the tail c-a-b > 0). */
    if (c - a - b < 0.0 && z > 0.5) {
        double s;
        cx_status st = series(&s, c - a, c - b, c, z);
        if (st != CX_OK)
            return st;
        *out = pow(1.0 - z, c - a - b) * s;
        return CX_OK;
    }
    return series(out, a, b, c, z);
}

/* The series at several arguments at once: the coefficient ratio of term n+1 to term n, which
 * costs a division, depends on (a, b, c) only and is shared; each argument keeps its own term,
 * sums and stopping test, in the same operations as series() (so the values are the same). */
static cx_status series_multi(double *out, double a, double b, double c, const double *z, size_t nz)
{
    double term[CX__HYP_MULTI_MAX], sum[CX__HYP_MULTI_MAX], abs_sum[CX__HYP_MULTI_MAX],
        ratio[CX__HYP_MULTI_MAX];
    unsigned char done[CX__HYP_MULTI_MAX];
    const double c0 = a * b / c;
    for (size_t k = 0; k < nz; k++) {
        term[k] = sum[k] = abs_sum[k] = 1.0;
        ratio[k] = c0 * z[k];
        done[k] = 0;
    }
    size_t left = nz;
    for (long n = 0; left > 0; n++) {
        if (n == HYP_MAX_TERMS)
            return cx__error(CX_ERANGE, "2F1(%g, %g; %g; z) series did not converge", a, b, c);
        const double m = (double)(n + 1);
        const double cf = (a + m) * (b + m) / ((c + m) * (m + 1.0));
        for (size_t k = 0; k < nz; k++) {
            if (done[k])
                continue;
            term[k] *= ratio[k];
            sum[k] += term[k];
            abs_sum[k] += fabs(term[k]);
            ratio[k] = cf * z[k];
            const double ar = fabs(ratio[k]);
            if (term[k] == 0.0 ||
                (ar < 1.0 && fabs(term[k]) * ar <= 1e-17 * fabs(sum[k]) * (1.0 - ar) &&
                 n > fabs(a) + fabs(b))) {
                done[k] = 1;
                left--;
            }
        }
    }
    for (size_t k = 0; k < nz; k++) {
        if (!isfinite(sum[k]) || abs_sum[k] > 1e8 * fabs(sum[k]))
            return cx__error(CX_ERANGE, "2F1(%g, %g; %g; %g) lost precision by cancellation", a, b,
                             c, z[k]);
        out[k] = sum[k];
    }
    return CX_OK;
}

cx_status cx__hyp2f1_multi(double *out, double a, double b, double c, const double *z, size_t nz)
{
    double zd[CX__HYP_MULTI_MAX], ze[CX__HYP_MULTI_MAX], vd[CX__HYP_MULTI_MAX],
        ve[CX__HYP_MULTI_MAX];
    size_t nd = 0, ne = 0;
    if (nz > CX__HYP_MULTI_MAX)
        return cx__error_param(CX_EINVAL, "nz", "at most %d arguments", CX__HYP_MULTI_MAX);
    for (size_t k = 0; k < nz; k++) {
        if (!(z[k] >= 0.0 && z[k] < 1.0))
            return cx__error(CX_ERANGE, "2F1 argument %g outside [0, 1)", z[k]);
        if (c - a - b < 0.0 && z[k] > 0.5) /* the Euler side, as in cx__hyp2f1 */
            ze[ne++] = z[k];
        else
            zd[nd++] = z[k];
    }
    cx_status st = nd ? series_multi(vd, a, b, c, zd, nd) : CX_OK;
    if (st == CX_OK && ne)
        st = series_multi(ve, c - a, c - b, c, ze, ne);
    if (st != CX_OK)
        return st;
    nd = ne = 0;
    for (size_t k = 0; k < nz; k++) {
        if (c - a - b < 0.0 && z[k] > 0.5) {
            out[k] = pow(1.0 - z[k], c - a - b) * ve[ne++];
        } else
            out[k] = vd[nd++];
    }
    return CX_OK;
}

/* 10-point Gauss-Legendre on [lo, hi]. */
static double gl10(double (*f)(double, void *), void *ctx, double lo, double hi)
{
    static const double x[5] = {0.1488743389816312, 0.4333953941292472, 0.6794095682990244,
                                0.8650633666889845, 0.9739065285171717};
    static const double w[5] = {0.2955242247147529, 0.2692667193099963, 0.2190863625159820,
                                0.1494513491505806, 0.0666713443086881};
    const double m = 0.5 * (lo + hi), h = 0.5 * (hi - lo);
    double s = 0.0;
    for (int i = 0; i < 5; i++)
        s += w[i] * (f(m - h * x[i], ctx) + f(m + h * x[i], ctx));
    return s * h;
}

static double adapt(double (*f)(double, void *), void *ctx, double lo, double hi, double whole,
                    double tol, int depth, int *bad)
{
    const double mid = 0.5 * (lo + hi);
    const double l = gl10(f, ctx, lo, mid), r = gl10(f, ctx, mid, hi);
    if (fabs(l + r - whole) <= tol || depth >= 40) {
        if (depth >= 40)
            *bad = 1;
        return l + r;
    }
    return adapt(f, ctx, lo, mid, l, 0.5 * tol, depth + 1, bad) +
           adapt(f, ctx, mid, hi, r, 0.5 * tol, depth + 1, bad);
}

cx_status cx__integrate(double *out, double (*f)(double, void *), void *ctx, double lo, double hi,
                        double rel_tol)
{
    int bad = 0;
    const double whole = gl10(f, ctx, lo, hi);
    /* absolute tolerance from a first estimate; refined once if that was far off */
    double est = fabs(whole) > 0 ? fabs(whole) : 1e-300;
    double v = adapt(f, ctx, lo, hi, whole, rel_tol * est, 0, &bad);
    if (fabs(v) < 0.5 * est)
        v = adapt(f, ctx, lo, hi, whole, rel_tol * fabs(v), 0, &bad);
    if (bad || !isfinite(v))
        return cx__error(CX_ERANGE, "numerical integration did not reach its tolerance");
    *out = v;
    return CX_OK;
}
