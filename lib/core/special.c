/*
 * Special functions and distribution functions (see special.h). Everything is written from the
 * mathematics (series, continued fractions, asymptotic expansions) so that it is thread-safe and
 * gives the same bits on every platform with a correctly rounded libm. Out-of-domain arguments
 * return NaN: these are internal helpers and callers validate at the API boundary.
 */
#include "special.h"

#include <float.h>
#include <math.h>

#define CX_EULER      0.5772156649015329
#define CX_LN_SQRT2PI 0.9189385332046728
#define CX_TINY       1e-300 /* Lentz's guard against division by zero */
#define CX_SQRT1_2    0.70710678118654752440

/* (zeta(k) - 1) / k for k = 2..31, computed with mpmath at 40 digits; for |z| <= 1/2 the first
 * omitted term is below 4^-32 / 32, far under an ulp of the result */
static const double zetam1_over_k[] = {
    0.3224670334241132,     0.0673523010531981,     0.020580808427784546,   0.007385551028673986,
    0.0028905103307415234,  0.001192753911703261,   0.0005096695247430425,  0.00022315475845357939,
    9.945751278180853e-05,  4.492623673813314e-05,  2.050721277567069e-05,  9.439488275268397e-06,
    4.374866789907488e-06,  2.039215753801366e-06,  9.55141213040742e-07,   4.492469198764566e-07,
    2.1207184805554665e-07, 1.0043224823968099e-07, 4.7698101693639804e-08, 2.2711094608943164e-08,
    1.0838659214896955e-08, 5.183475041970047e-09,  2.4836745438024785e-09, 1.1921401405860912e-09,
    5.731367241678862e-10,  2.7595228851242334e-10, 1.330476437424449e-10,  6.4229645638381e-11,
    3.1044247747322276e-11, 1.5021384080754142e-11,
};

/* lgamma(2 + z) for |z| <= 0.5 from its Taylor series at 2:
 * (1 - gamma) z + sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k; the terms shrink like (z/2)^k. */
static double lgamma2_series(double z)
{
    const size_t nterms = sizeof zetam1_over_k / sizeof zetam1_over_k[0];
    double sum = 0.0;
    for (size_t i = nterms; i-- > 0;) { /* Horner from the highest power down */
        double c = (i % 2 == 0) ? zetam1_over_k[i] : -zetam1_over_k[i]; /* k = i + 2 */
        sum = (sum + c) * z;
    }
    return z * ((1.0 - CX_EULER) + sum);
}

/* c[0] + c[1] z + ... + c[n-1] z^(n-1) by Horner's rule. */
static double poly(const double *c, size_t n, double z)
{
    double s = 0.0;
    while (n-- > 0)
        s = s * z + c[n];
    return s;
}

/* delta(x) = lgamma(x) - [(x - 1/2) log x - x + log(2 pi) / 2]: Stirling's series with Bernoulli
 * terms B_2k / (2k (2k - 1) x^(2k - 1)); exact to double precision for x >= 10 (the first
 * omitted term is below 1e-19 of the result). */
static double stirling_delta(double x)
{
    static const double c[] = {1.0 / 12.0,   -1.0 / 360.0,      1.0 / 1260.0, -1.0 / 1680.0,
                               1.0 / 1188.0, -691.0 / 360360.0, 1.0 / 156.0,  -3617.0 / 122400.0};
    return poly(c, sizeof c / sizeof c[0], 1.0 / (x * x)) / x;
}

static double lgamma_stirling(double x)
{
    return (x - 0.5) * log(x) - x + CX_LN_SQRT2PI + stirling_delta(x);
}

/* t - log(1 + t), accurate also for small |t| where the difference cancels. */
static double log1pmx_neg(double t)
{
    if (fabs(t) > 0.3)
        return t - log1p(t);
    /* t^2/2 - t^3/3 + t^4/4 - ...: terms shrink at least like 0.3^k */
    double term = t * t, sum = 0.0;
    for (int k = 2; k < 80; k++) {
        double add = term / (double)k;
        sum += (k % 2 == 0) ? add : -add;
        if (fabs(add) < 1e-17 * fabs(sum))
            break;
        term *= t;
    }
    return sum;
}

double cx__lgamma(double x)
{
    if (!(x > 0.0))
        return x == 0.0 ? INFINITY : NAN;
    if (isinf(x))
        return INFINITY;
    if (x < 0.5) /* Gamma(x) = Gamma(x + 1) / x */
        return cx__lgamma(x + 1.0) - log(x);
    if (x < 1.5) { /* near 1: lgamma(1 + z) = lgamma(2 + z) - log1p(z); z = x - 1 is exact */
        double z = x - 1.0;
        return lgamma2_series(z) - log1p(z);
    }
    if (x < 2.5)
        return lgamma2_series(x - 2.0);
    if (x < 10.0) { /* recurrence down to [1.5, 2.5): every term is positive, no cancellation */
        double prod = 1.0;
        while (x >= 2.5) {
            x -= 1.0;
            prod *= x;
        }
        return lgamma2_series(x - 2.0) + log(prod);
    }
    return lgamma_stirling(x);
}

double cx__digamma(double x)
{
    if (!(x > 0.0) || isinf(x))
        return (x == INFINITY) ? INFINITY : NAN;
    double acc = 0.0;
    while (x < 10.0) { /* psi(x) = psi(x + 1) - 1 / x */
        acc -= 1.0 / x;
        x += 1.0;
    }
    /* psi(x) ~ log x - 1/(2x) - sum B_2k / (2k x^2k) */
    static const double c[] = {1.0 / 12.0,  -1.0 / 120.0,     1.0 / 252.0, -1.0 / 240.0,
                               1.0 / 132.0, -691.0 / 32760.0, 1.0 / 12.0};
    double z = 1.0 / (x * x), s = poly(c, sizeof c / sizeof c[0], z);
    return acc + log(x) - 0.5 / x - s * z;
}

double cx__trigamma(double x)
{
    if (!(x > 0.0) || isinf(x))
        return (x == INFINITY) ? 0.0 : NAN;
    double acc = 0.0;
    while (x < 10.0) { /* psi1(x) = psi1(x + 1) + 1 / x^2 */
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    /* psi1(x) ~ 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) */
    static const double c[] = {1.0 / 6.0,  -1.0 / 30.0,     1.0 / 42.0, -1.0 / 30.0,
                               5.0 / 66.0, -691.0 / 2730.0, 7.0 / 6.0};
    double z = 1.0 / (x * x), s = poly(c, sizeof c / sizeof c[0], z);
    return acc + 1.0 / x + 0.5 * z + s * z / x;
}

/* For large arguments the plain lgamma sum cancels (lgamma(1e6) ~ 1.3e7 while lbeta may be ~10),
 * so Stirling's form is rearranged to keep only small terms:
 *   both >= 10:  log(2 pi)/2 - log(s)/2 + (a - 1/2) log(a/s) + (b - 1/2) log(b/s)
 *                + delta(a) + delta(b) - delta(s),  s = a + b
 *   a < 10 <= b: lgamma(a) - (b - 1/2) log1p(a/b) - a log(s) + a + delta(b) - delta(s). */
double cx__lbeta(double a, double b)
{
    if (!(a > 0.0 && b > 0.0))
        return NAN;
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    if (b < 10.0)
        return cx__lgamma(a) + cx__lgamma(b) - cx__lgamma(a + b);
    double s = a + b;
    if (a >= 10.0)
        return CX_LN_SQRT2PI - 0.5 * log(s) + (a - 0.5) * log1p(-b / s) +
               (b - 0.5) * log1p(-a / s) + stirling_delta(a) + stirling_delta(b) -
               stirling_delta(s);
    return cx__lgamma(a) - (b - 0.5) * log1p(a / b) - a * log(s) + a + stirling_delta(b) -
           stirling_delta(s);
}

double cx__log1pexp(double x)
{
    if (x <= 18.0)
        return log1p(exp(x));
    return x + exp(-x); /* log1p(e^-x) = e^-x to double precision here */
}

double cx__logaddexp(double a, double b)
{
    if (isnan(a) || isnan(b))
        return NAN;
    double m = a > b ? a : b;
    if (isinf(m))
        return m;
    return m + log1p(exp(-fabs(a - b)));
}

double cx__logsumexp(const double *x, size_t n)
{
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            return NAN;
        if (x[i] > m)
            m = x[i];
    }
    if (isinf(m))
        return m;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += exp(x[i] - m);
    return m + log(s);
}

/* ---- normal ---- */

double cx__normal_cdf(double x)
{
    return 0.5 * erfc(-x * CX_SQRT1_2);
}

double cx__normal_sf(double x)
{
    return 0.5 * erfc(x * CX_SQRT1_2);
}

static double horner7(const double *c, double r)
{
    double s = c[7];
    for (int i = 6; i >= 0; i--)
        s = s * r + c[i];
    return s;
}

/* Wichura (1988), Algorithm AS 241 PPND16: rational approximations with relative error about
 * 1e-16 in three regions of p (the coefficients are those published in the paper). */
double cx__normal_quantile(double p)
{
    static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                                1.9715909503065514427e+3, 1.3731693765509461125e+4,
                                4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[8] = {1.0,
                                4.2313330701600911252e+1,
                                6.8718700749205790830e+2,
                                5.3941960214247511077e+3,
                                2.1213794301586595867e+4,
                                3.9307895800092710610e+4,
                                2.8729085735721942674e+4,
                                5.2264952788528545610e+3};
    static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                5.76949722146069140550e0,  3.64784832476320460504e0,
                                1.27045825245236838258e0,  2.41780725177450611770e-1,
                                2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {1.0,
                                2.05319162663775882187e0,
                                1.67638483018380384940e0,
                                6.89767334985100004550e-1,
                                1.48103976427480074590e-1,
                                1.51986665636164571966e-2,
                                5.47593808499534494600e-4,
                                1.05075007164441684324e-9};
    static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                1.78482653991729133580e0,  2.96560571828504891230e-1,
                                2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {1.0,
                                5.99832206555887937690e-1,
                                1.36929880922735805310e-1,
                                1.48753612908506148525e-2,
                                7.86869131145613259100e-4,
                                1.84631831751005468180e-5,
                                1.42151175831644588870e-7,
                                2.04426310338993978564e-15};
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * horner7(a, r) / horner7(b, r);
    }
    double r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
    double v;
    if (r <= 5.0) {
        r -= 1.6;
        v = horner7(c, r) / horner7(d, r);
    } else {
        r -= 5.0;
        v = horner7(e, r) / horner7(f, r);
    }
    return q < 0.0 ? -v : v;
}

/* ---- incomplete gamma ---- */

/* One step of the modified Lentz method for the continued fraction b0 + a1/(b1 + a2/(b2 + ...)):
 * updates the running c and d and returns the factor by which the value changes. */
static double lentz_step(double an, double bn, double *c, double *d)
{
    *d = bn + an * *d;
    if (fabs(*d) < CX_TINY)
        *d = CX_TINY;
    *c = bn + an / *c;
    if (fabs(*c) < CX_TINY)
        *c = CX_TINY;
    *d = 1.0 / *d;
    return *d * *c;
}

/* Both P(a, x) and Q(a, x) = 1 - P: the series for x < a + 1 (P directly), Legendre's continued
 * fraction otherwise (Q directly), evaluated by the modified Lentz method; the other one by
 * subtraction where it is the larger of the two, so each stays accurate in its own tail. */
static void gamma_pq(double a, double x, double *p, double *q)
{
    if (!(a > 0.0) || !(x >= 0.0) || isinf(a)) {
        *p = *q = NAN;
        return;
    }
    if (x == 0.0) {
        *p = 0.0;
        *q = 1.0;
        return;
    }
    if (isinf(x)) {
        *p = 1.0;
        *q = 0.0;
        return;
    }
    /* log(x^a e^-x / Gamma(a)); for a >= 10 via Stirling as -a (t - log1p t) + log(a)/2 -
     * log(2 pi)/2 - delta(a) with t = (x - a) / a, which avoids cancelling a log x ~ lgamma a */
    double logfront =
        a < 10.0 ? a * log(x) - x - cx__lgamma(a)
                 : -a * log1pmx_neg((x - a) / a) + 0.5 * log(a) - CX_LN_SQRT2PI - stirling_delta(a);
    size_t maxit = 1000 + (size_t)(30.0 * sqrt(a > x ? a : x));
    if (x < a + 1.0) {
        double ap = a, term = 1.0 / a, sum = term;
        for (size_t i = 0; i < maxit; i++) {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if (fabs(term) < fabs(sum) * DBL_EPSILON * 0.5)
                break;
        }
        *p = exp(logfront) * sum;
        if (*p > 1.0)
            *p = 1.0;
        *q = 1.0 - *p;
    } else {
        double bb = x + 1.0 - a, c = 1.0 / CX_TINY, d = 1.0 / bb, h = d;
        for (size_t i = 1; i < maxit; i++) {
            double an = -(double)i * ((double)i - a);
            bb += 2.0;
            double del = lentz_step(an, bb, &c, &d);
            h *= del;
            if (fabs(del - 1.0) < DBL_EPSILON * 0.5)
                break;
        }
        *q = exp(logfront) * h;
        if (*q > 1.0)
            *q = 1.0;
        *p = 1.0 - *q;
    }
}

double cx__gamma_p(double a, double x)
{
    double p, q;
    gamma_pq(a, x, &p, &q);
    return p;
}

double cx__gamma_q(double a, double x)
{
    double p, q;
    gamma_pq(a, x, &p, &q);
    return q;
}

/* A distribution function to invert: *f = F(x) - target (F increasing, or decreasing for an
 * upper tail) and *dens = |F'(x)|. */
typedef struct tail_problem {
    double a, b, lnorm; /* parameters and log normalising constant of the density */
    double target;
    int upper; /* 1: F is the upper tail (decreasing in x) */
} tail_problem;

typedef void (*tail_fn)(const tail_problem *pr, double x, double *f, double *dens);

/* Newton's method safeguarded by bisection: every evaluation narrows the bracket (lo, hi), and a
 * step that leaves it is replaced by bisection (or by doubling while hi is still infinite). */
static double newton_bracketed(tail_fn fn, const tail_problem *pr, double x, double lo, double hi)
{
    for (int it = 0; it < 400; it++) {
        double f, dens;
        fn(pr, x, &f, &dens);
        if (f == 0.0)
            return x;
        if (pr->upper ? (f < 0.0) : (f > 0.0))
            hi = x;
        else
            lo = x;
        double step = dens > 0.0 ? f / dens : NAN;
        double xn = pr->upper ? x + step : x - step;
        if (!(xn > lo && xn < hi) || !isfinite(xn))
            xn = isinf(hi) ? 2.0 * x + 1.0 : 0.5 * (lo + hi);
        if (fabs(xn - x) <= 4.0 * DBL_EPSILON * xn ||
            (isfinite(hi) && hi - lo <= 4.0 * DBL_EPSILON * hi))
            return xn;
        x = xn;
    }
    return x;
}

static void gamma_tail(const tail_problem *pr, double x, double *f, double *dens)
{
    double p, q;
    gamma_pq(pr->a, x, &p, &q);
    *f = (pr->upper ? q : p) - pr->target;
    *dens = exp((pr->a - 1.0) * log(x) - x - pr->lnorm);
}

/* Inverse of P(a, .) (or of Q(a, .) when upper) by safeguarded Newton. The start is
 * Wilson-Hilferty, or the small-x power law P ~ x^a / Gamma(a + 1) when that is not positive. */
static double gamma_inv(double a, double target, int upper)
{
    double pl = upper ? 1.0 - target : target; /* lower-tail probability, for the start only */
    double x;
    double z = cx__normal_quantile(pl);
    double t = 1.0 / (9.0 * a);
    x = a * pow(1.0 - t + z * sqrt(t), 3);
    if (!(x > 0.0) || a < 1.0) {
        double xs = exp((log(pl) + cx__lgamma(a + 1.0)) / a);
        if (!(x > 0.0) || xs < x)
            x = xs;
    }
    if (!(x > 0.0) || !isfinite(x))
        x = a;
    tail_problem pr = {a, 0.0, cx__lgamma(a), target, upper};
    return newton_bracketed(gamma_tail, &pr, x, 0.0, INFINITY);
}

/* Added helper: x with P(a, x) = p. */
double cx__gamma_p_inv(double a, double p)
{
    if (!(a > 0.0) || isinf(a) || !(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return INFINITY;
    return p <= 0.5 ? gamma_inv(a, p, 0) : gamma_inv(a, 1.0 - p, 1);
}

/* ---- incomplete beta ---- */

/* The continued fraction I_x(a, b) = x^a y^b / B(a, b) / (b_0 + a_1 / (b_1 + a_2 / (b_2 + ...)))
 * with y = 1 - x (Didonato & Morris 1992, as quoted in the Boost.Math incomplete beta notes):
 *   a_m = (a + m - 1) (a + b + m - 1) m (b - m) x^2 / (a + 2m - 1)^2
 *   b_m = m + m (b - m) x / (a + 2m - 1) + (a + m) (lambda + 1 + m (1 + y)) / (a + 2m + 1)
 * where lambda = a - (a + b) x (passed in, see mode_offset). The form of A&S 26.5.8 computes 1 - (a
 * + b) x / (a + 1) and its like by subtraction, which for large shapes near the mode cancels ~1e-10
 * away; here the cancellation sits in lambda alone, computed to full precision. Converges for x <
 * (a + 1) / (a + b + 2), where b_0 > 0. Returns the fraction 1 / (b_0 + ...). */
static double beta_cf(double a, double b, double x, double y, double lambda)
{
    double f = a * (lambda + 1.0) / (a + 1.0), c = f, d = 0.0;
    if (fabs(f) < CX_TINY)
        f = c = CX_TINY;
    size_t maxit = 1000 + (size_t)(30.0 * sqrt(a > b ? a : b));
    for (size_t m = 1; m <= maxit; m++) {
        double dm = (double)m, k = a + 2.0 * dm - 1.0;
        double am = (a + dm - 1.0) * (a + b + dm - 1.0) * dm * (b - dm) * x * x / (k * k);
        double bm = dm + dm * (b - dm) * x / k +
                    (a + dm) * (lambda + 1.0 + dm * (1.0 + y)) / (a + 2.0 * dm + 1.0);
        double del = lentz_step(am, bm, &c, &d);
        f *= del;
        if (fabs(del - 1.0) < DBL_EPSILON * 0.5)
            break;
    }
    return 1.0 / f;
}

/* t = x (a + b) - a, which is x b - y a for y = 1 - x: how far x lies from a / (a + b), in the
 * units the incomplete beta needs. For large shapes it is a small difference of large terms, so
 * it is formed with one rounding (fma, and the rounding error of a + b added back) from x alone:
 * the caller's y = 1 - x is rounded when x < 1/2. */
static double mode_offset(double a, double b, double x)
{
    double s = a + b, bv = s - a, s_err = (a - (s - bv)) + (b - bv);
    return fma(x, s, -a) + x * s_err;
}

/* log(x^a y^b / B(a, b)), the factor in front of the incomplete beta series and fractions, with
 * y = 1 - x. Written out naively the three terms are each of size a + b and cancel down to O(1)
 * near the mode, which for shapes around 1e6 left ~1e-10 relative error. Instead the Stirling
 * form of B(a, b) (see cx__lbeta) is folded in analytically, so that large shapes only meet
 * log1p - x differences: with s = a + b and t = mode_offset (so x s / a = 1 + t / a and
 * y s / b = 1 - t / b),
 *   a, b >= 10:  -a l(t / a) - b l(-t / b) + log(a b / s) / 2 - log(2 pi) / 2 - (dA + dB - dS)
 *   a < 10 <= b: a log(x s) - a - lgamma(a) + b log(y) + (b - 1/2) log1p(a / b) - dB + dS
 * where l(u) = u - log1p(u) and d is Stirling's remainder. */
static double beta_log_front(double a, double b, double x, double y, double t)
{
    double lx = x < 0.5 ? log(x) : log1p(-y), ly = x < 0.5 ? log1p(-x) : log(y);
    if (a < 10.0 && b < 10.0)
        return a * lx + b * ly - cx__lbeta(a, b);
    double s = a + b;
    if (a < 10.0)
        return a * log(x * s) - a - cx__lgamma(a) + b * ly + (b - 0.5) * log1p(a / b) -
               stirling_delta(b) + stirling_delta(s);
    if (b < 10.0)
        return b * log(y * s) - b - cx__lgamma(b) + a * lx + (a - 0.5) * log1p(b / a) -
               stirling_delta(a) + stirling_delta(s);
    double ua = t / a, ub = -t / b, core;
    if (fabs(ua) < 0.3 && fabs(ub) < 0.3) /* the linear terms t and -t cancel exactly */
        core = -a * log1pmx_neg(ua) - b * log1pmx_neg(ub);
    else if (x < 0.5) /* far from the mode: 1 + u would lose digits; plain logs, each formed so
                         that the large multiplier meets a relative (not absolute) error */
        core = a * log(x * (s / a)) + b * (ly + log1p(a / b));
    else
        core = a * (lx + log1p(b / a)) + b * log(y * (s / b));
    return core + 0.5 * log(a / s * b) - CX_LN_SQRT2PI -
           (stirling_delta(a) + stirling_delta(b) - stirling_delta(s));
}

/* I_x(a, b) and its complement, given x and y = 1 - x computed accurately by the caller. The
 * fraction converges fast for x < (a + 1) / (a + b + 2); beyond that use the symmetry
 * I_x(a, b) = 1 - I_y(b, a). */
static void beta_pair(double a, double b, double x, double y, double *ix, double *icx)
{
    if (x <= 0.0) {
        *ix = 0.0;
        *icx = 1.0;
        return;
    }
    if (y <= 0.0) {
        *ix = 1.0;
        *icx = 0.0;
        return;
    }
    double t = mode_offset(a, b, x), logfront = beta_log_front(a, b, x, y, t);
    if (x < (a + 1.0) / (a + b + 2.0)) {
        double v = exp(logfront) * beta_cf(a, b, x, y, -t);
        *ix = v > 1.0 ? 1.0 : v;
        *icx = 1.0 - *ix;
    } else {
        double v = exp(logfront) * beta_cf(b, a, y, x, t);
        *icx = v > 1.0 ? 1.0 : v;
        *ix = 1.0 - *icx;
    }
}

double cx__beta_inc(double a, double b, double x)
{
    if (!(a > 0.0 && b > 0.0) || isinf(a) || isinf(b) || !(x >= 0.0 && x <= 1.0))
        return NAN;
    double ix, icx;
    beta_pair(a, b, x, 1.0 - x, &ix, &icx);
    return ix;
}

static void beta_tail(const tail_problem *pr, double x, double *f, double *dens)
{
    double ix, icx;
    beta_pair(pr->a, pr->b, x, 1.0 - x, &ix, &icx);
    *f = (pr->upper ? icx : ix) - pr->target;
    *dens = exp((pr->a - 1.0) * log(x) + (pr->b - 1.0) * log1p(-x) - pr->lnorm);
}

/* Solve I_x(a, b) = target (or 1 - I_x = target when upper) by safeguarded Newton, started from the
 * approximations of Abramowitz & Stegun 26.5.22 (a, b >= 1) or the two power-law tails otherwise.
 */
static double beta_inv(double a, double b, double target, int upper)
{
    double pl = upper ? 1.0 - target : target;
    double lbeta = cx__lbeta(a, b);
    double x;
    if (a >= 1.0 && b >= 1.0) {
        double z = -cx__normal_quantile(pl); /* A&S use the upper-tail deviate */
        double lam = (z * z - 3.0) / 6.0;
        double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
        double w = z * sqrt(h + lam) / h - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) *
                                               (lam + 5.0 / 6.0 - 2.0 / (3.0 * h));
        x = a / (a + b * exp(2.0 * w));
    } else {
        double lna = log(a / (a + b)), lnb = log(b / (a + b));
        double t = exp(a * lna) / a, u = exp(b * lnb) / b, w = t + u;
        if (pl < t / w)
            x = pow(a * w * pl, 1.0 / a);
        else
            x = 1.0 - pow(b * w * (1.0 - pl), 1.0 / b);
    }
    if (!(x > 0.0 && x < 1.0))
        x = 0.5;
    tail_problem pr = {a, b, lbeta, target, upper};
    return newton_bracketed(beta_tail, &pr, x, 0.0, 1.0);
}

double cx__beta_inc_inv(double a, double b, double p)
{
    if (!(a > 0.0 && b > 0.0) || isinf(a) || isinf(b) || !(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return 1.0;
    return p <= 0.5 ? beta_inv(a, b, p, 0) : beta_inv(a, b, 1.0 - p, 1);
}

/* ---- t, chi-square, F ---- */

double cx__t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0.0))
        return NAN;
    if (isinf(df))
        return cx__normal_cdf(t);
    if (isinf(t))
        return t > 0.0 ? 1.0 : 0.0;
    /* P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t^2), y = 1 - x = t^2 / (df + t^2) */
    double t2 = t * t, x = df / (df + t2), y = t2 / (df + t2);
    double ix, icx;
    beta_pair(0.5 * df, 0.5, x, y, &ix, &icx);
    double tail = 0.5 * ix; /* P(T > |t|) */
    return t > 0.0 ? 0.5 + 0.5 * icx : tail;
}

/* |t| with P(|T| > |t|) = q for T ~ t(df). With x = df / (df + t^2) and y = 1 - x = t^2 /
 * (df + t^2): q = I_x(df/2, 1/2) = 1 - I_y(1/2, df/2). Solve for whichever of x and y is small
 * (the other one is then near 1 and would lose digits in 1 - it), picking the tail of each
 * inversion so that the target is never formed as 1 - (something close to 1). */
static double t_magnitude(double df, double q)
{
    double x = q <= 0.5 ? beta_inv(0.5 * df, 0.5, q, 0) : beta_inv(0.5 * df, 0.5, 1.0 - q, 1);
    if (x <= 0.5)
        return sqrt(df * (1.0 - x) / x);
    double y = q <= 0.5 ? beta_inv(0.5, 0.5 * df, q, 1) : beta_inv(0.5, 0.5 * df, 1.0 - q, 0);
    return sqrt(df * y / (1.0 - y));
}

double cx__t_quantile(double p, double df)
{
    if (!(p >= 0.0 && p <= 1.0) || !(df > 0.0))
        return NAN;
    if (isinf(df))
        return cx__normal_quantile(p);
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    double pl = p < 0.5 ? p : 1.0 - p; /* lower tail of the negative side */
    double t = t_magnitude(df, 2.0 * pl);
    return p < 0.5 ? -t : t;
}

double cx__chi2_sf(double x, double df)
{
    if (!(df > 0.0) || isnan(x))
        return NAN;
    if (x <= 0.0)
        return 1.0;
    return cx__gamma_q(0.5 * df, 0.5 * x);
}

double cx__chi2_quantile(double p, double df)
{
    if (!(df > 0.0))
        return NAN;
    return 2.0 * cx__gamma_p_inv(0.5 * df, p);
}

double cx__f_sf(double f, double df1, double df2)
{
    if (isnan(f) || !(df1 > 0.0) || !(df2 > 0.0))
        return NAN;
    if (f <= 0.0)
        return 1.0;
    if (isinf(f))
        return 0.0;
    /* P(F > f) = I_x(df2/2, df1/2) with x = df2 / (df2 + df1 f) */
    double s = df2 + df1 * f;
    double ix, icx;
    beta_pair(0.5 * df2, 0.5 * df1, df2 / s, df1 * f / s, &ix, &icx);
    return ix;
}

double cx__z_for_level(double conf_level)
{
    return cx__normal_quantile(0.5 + conf_level / 2.0);
}

void cx__wilson(double *lower, double *upper, double x, double n, double z)
{
    if (n <= 0) {
        *lower = 0;
        *upper = 1;
        return;
    }
    double z2 = z * z;
    double centre = (x + z2 / 2.0) / (n + z2);
    double half = z / (n + z2) * sqrt(fmax(x * (n - x) / n, 0.0) + z2 / 4.0);
    *lower = fmin(1.0, fmax(0.0, centre - half));
    *upper = fmin(1.0, fmax(0.0, centre + half));
}

void cx__newcombe(double *lower, double *upper, double e1, double l1, double u1, double e2,
                  double l2, double u2)
{
    double d = e1 - e2;
    *lower = d - sqrt((e1 - l1) * (e1 - l1) + (u2 - e2) * (u2 - e2));
    *upper = d + sqrt((u1 - e1) * (u1 - e1) + (e2 - l2) * (e2 - l2));
}

void cx__prop_diff_newcombe(double *lower, double *upper, double *z_stat, double x1, double n1,
                            double x2, double n2, double z)
{
    double p1 = x1 / n1, p2 = x2 / n2, l1, u1, l2, u2;
    cx__wilson(&l1, &u1, x1, n1, z);
    cx__wilson(&l2, &u2, x2, n2, z);
    cx__newcombe(lower, upper, p1, l1, u1, p2, l2, u2);
    double pool = (x1 + x2) / (n1 + n2);
    double se = sqrt(pool * (1.0 - pool) * (1.0 / n1 + 1.0 / n2));
    *z_stat = se > 0.0 ? (p1 - p2) / se : 0.0;
}
