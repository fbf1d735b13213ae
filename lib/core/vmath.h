/*
 * Vectorisable exp, expm1, log and log1p in double precision (internal; not public API).
 *
 * libm's functions are calls with branches, so a loop over a column that calls them runs one
 * element at a time. These are branch-free plain C (integer bit tricks, selects and
 * polynomials, no table lookups) that GCC inlines and auto-vectorises: a loop of
 * `out[i] = cx__vm_log(in[i])` becomes SIMD code, and the array forms below are compiled
 * with AVX2 clones. They use no FMA (the library builds with -ffp-contract=off), so every
 * clone and every machine gives the same bits.
 *
 * Accuracy (tests/c/test_vmath.c, against glibc over millions of arguments spanning the whole
 * range): exp and log within 1 ulp of glibc, expm1 and log1p within 2 ulp. Special values as C99
 * Annex F: exp(-inf) = 0, exp(+inf) = +inf, results that overflow are +inf and results below the
 * subnormal range are 0 (subnormal results are rounded once); log(0) = -inf, log(x < 0) = NaN,
 * log(+inf) = +inf; log1p(-1) = -inf, log1p(x < -1) = NaN; NaN in, NaN out. No floating-point
 * exception flags or errno are promised.
 *
 * Loops that use the inline forms vectorise only where GCC may evaluate both sides of a select
 * (compile the file with -fno-trapping-math; no value changes).
 */
#ifndef CX_VMATH_H
#define CX_VMATH_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

static inline uint64_t cx__vm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double cx__vm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* ln 2 split so that k * CX__VM_LN2_HI is exact for |k| < 2^21 (fdlibm's split) */
#define CX__VM_LN2_HI 6.93147180369123816490e-01
#define CX__VM_LN2_LO 1.90821492927058770002e-10
/* adding and subtracting 1.5 * 2^52 rounds a double of magnitude < 2^51 to an integer */
#define CX__VM_ROUND 0x1.8p52

/* 2^k for an integer-valued double k in [-1022, 1023]: k + 1023 placed in the exponent field
 * (the integer is read from the low bits of k + 2^52 + 1023). */
static inline double cx__vm_pow2(double k)
{
    return cx__vm_double(cx__vm_bits(k + (0x1p52 + 1023.0)) << 52);
}

/* Shared by exp and expm1: x = n ln2 + r with |r| <= ln2/2 (n integer-valued), and
 * e^r - 1 = r + q. */
static inline double cx__vm_exp_reduce(double x, double *n_out, double *q_out)
{
    const double n = (x * 0x1.71547652b82fep0 + CX__VM_ROUND) - CX__VM_ROUND;
    const double r = (x - n * CX__VM_LN2_HI) - n * CX__VM_LN2_LO;
    /* Taylor series of e^r - 1 - r to r^13 / 13! (the next term is < 2^-60 of e^r) */
    const double q =
        r * r *
        (1.0 / 2 +
         r * (1.0 / 6 +
              r * (1.0 / 24 +
                   r * (1.0 / 120 +
                        r * (1.0 / 720 +
                             r * (1.0 / 5040 +
                                  r * (1.0 / 40320 +
                                       r * (1.0 / 362880 +
                                            r * (1.0 / 3628800 +
                                                 r * (1.0 / 39916800 +
                                                      r * (1.0 / 479001600 +
                                                           r * (1.0 / 6227020800.0))))))))))));
    *n_out = n;
    *q_out = q;
    return r;
}

static inline double cx__vm_exp(double x)
{
    /* clamp into the range where 2^n splits into two normal factors; NaN passes through */
    double xc = x < -750.0 ? -750.0 : x;
    xc = xc > 710.0 ? 710.0 : xc;
    double n, q;
    const double r = cx__vm_exp_reduce(xc, &n, &q);
    const double p = 1.0 + (r + q);
    /* 2^n = 2^n1 2^n2 with both factors normal, so that a subnormal result is rounded once */
    const double n1 = (n * 0.5 + CX__VM_ROUND) - CX__VM_ROUND, n2 = n - n1;
    return p * cx__vm_pow2(n1) * cx__vm_pow2(n2);
}

static inline double cx__vm_expm1(double x)
{
    double xc = x < -750.0 ? -750.0 : x;
    xc = xc > 710.0 ? 710.0 : xc;
    double n, q;
    const double r = cx__vm_exp_reduce(xc, &n, &q);
    const double n1 = (n * 0.5 + CX__VM_ROUND) - CX__VM_ROUND, n2 = n - n1;
    const double s = cx__vm_pow2(n1) * cx__vm_pow2(n2);
    /* 2^n (1 + r + q) - 1 = 2^n (r + q) + (2^n - 1): for n = 0 no cancellation at all; 2^n - 1
     * is exact for n <= 53. Near overflow (2^n = inf) the plain product. */
    const double em = s * (r + q) + (s - 1.0);
    const double big = (1.0 + (r + q)) * cx__vm_pow2(n1) * cx__vm_pow2(n2) - 1.0;
    return n > 1000.0 ? big : em;
}

static inline double cx__vm_log(double x)
{
    /* subnormals: scale by 2^54 first */
    const int sub = x < 0x1p-1022;
    const double xs = sub ? x * 0x1p54 : x;
    const uint64_t u = cx__vm_bits(xs);
    /* x = 2^k m, m in [1, 2), then in [sqrt(1/2), sqrt(2)) */
    double m = cx__vm_double((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    double k = cx__vm_double(0x4330000000000000ULL | (u >> 52)) - (0x1p52 + 1023.0);
    k = sub ? k - 54.0 : k;
    const int big = m > 1.4142135623730951;
    m = big ? 0.5 * m : m;
    k = big ? k + 1.0 : k;
    /* log m = log(1 + f) = 2 atanh(s), s = f / (2 + f), |s| < 0.1716: with 2 s = f - s f,
     * log(1 + f) = f - s (f - R), R = 2 s^3/3 + 2 s^5/5 + ... over s */
    const double f = m - 1.0;
    const double s = f / (2.0 + f), z = s * s;
    const double R =
        z *
        (2.0 / 3 +
         z * (2.0 / 5 +
              z * (2.0 / 7 +
                   z * (2.0 / 9 + z * (2.0 / 11 +
                                       z * (2.0 / 13 +
                                            z * (2.0 / 15 +
                                                 z * (2.0 / 17 +
                                                      z * (2.0 / 19 +
                                                           z * (2.0 / 21 + z * (2.0 / 23)))))))))));
    const double lm = f - s * (f - R);
    double v = k * CX__VM_LN2_HI + (lm + k * CX__VM_LN2_LO);
    v = x == 0.0 ? -HUGE_VAL : v;
    v = x < 0.0 ? NAN : v;
    v = x == HUGE_VAL ? x : v;
    return x != x ? x : v;
}

static inline double cx__vm_log1p(double x)
{
    /* log(1 + x) from u = 1 + x, corrected by the rounding error of u: (x - (u - 1)) / u */
    const double u = 1.0 + x;
    const double c = (x - (u - 1.0)) / u;
    const double v = cx__vm_log(u) + c;
    /* u = 1: x is below half an ulp of 1, log1p(x) = x to within an ulp; u = 0 or inf: log u */
    const double w = (u == 0.0 || u == HUGE_VAL) ? cx__vm_log(u) : v;
    return u == 1.0 ? x : w;
}

/* Array forms (AVX2 clones where the CPU has them): out[i] = f(in[i]) for i < n; out may be in. */
CX_HIDDEN void cx__vexp(double *out, const double *in, size_t n);
CX_HIDDEN void cx__vexpm1(double *out, const double *in, size_t n);
CX_HIDDEN void cx__vlog(double *out, const double *in, size_t n);
CX_HIDDEN void cx__vlog1p(double *out, const double *in, size_t n);

#endif /* CX_VMATH_H */
