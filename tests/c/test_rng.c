/*
 * The random number generator: golden values, exact reproducibility, parameter checks, and the
 * samplers' moments and goodness of fit (fixed seeds, so every statistic below is deterministic;
 * thresholds sit at tail probabilities of 1e-4 (KS, chi-square) or 5 standard errors (moments)
 * for a correct sampler, with a million draws so that they remain sensitive: accepting the
 * ziggurat's wedges or PTRS's quick region without the exact test fails them).
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/rng.h>

#include "rng_internal.h"
#include "special.h"
#include "suites.h"

/* ---- golden values ----
 * From tests/c/refs/rng_xoshiro.py, a pure-Python xoshiro256** written from its definition:
 *   result = rotl(s1 * 5, 7) * 9; t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
 *   s2 ^= t; s3 = rotl(s3, 45)
 * The state {1, 2, 3, 4} gives 11520, 0, 1509978240, 1215971899390074240, ... which is also the
 * sequence of Vigna's reference C implementation for that state. */
START_TEST(xoshiro_reference_vector)
{
    struct cx_rng r = {{1, 2, 3, 4}};
    const uint64_t want[6] = {
        11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u, 607988272756665600u};
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(cx__rng_next(&r), want[i]);
}
END_TEST

START_TEST(seeding_golden_values)
{
    /* seed(seed, stream): a = seed, b = stream ^ 0x6A09E667F3BCC909,
     * s[i] = splitmix64(a) ^ rotl(splitmix64(b), 32) for i = 0..3 (docs/rng.md) */
    static const struct {
        uint64_t seed, stream, out[4];
    } cases[] = {
        {42,
         0,
         {0x669e233396a599dcu, 0xe242420c0f6b0d40u, 0x0c4fab8cf8197ebdu, 0xcdf4156514bc8295u}},
        {42,
         1,
         {0xd51d909492c147f7u, 0x6d544818b46ef87eu, 0x34433a6ba254171au, 0xa3798689344e2fc0u}},
        {0,
         0,
         {0x087dd20d3619217au, 0x65479c5a675dd43bu, 0x2e350cf8618a8b5au, 0xb1594b3b345a5e38u}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cx_rng *r = NULL;
        ck_assert_int_eq(cx_rng_new(&r, cases[c].seed, cases[c].stream), CX_OK);
        for (int i = 0; i < 4; i++)
            ck_assert_uint_eq(cx_rng_next_u64(r), cases[c].out[i]);
        cx_rng_free(r);
    }
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 42, 0), CX_OK);
    /* (x >> 11) * 2^-53 of the outputs above, as Python computed them */
    ck_assert(cx_rng_uniform(r) == 0.4008504868458175);
    ck_assert(cx_rng_uniform(r) == 0.8838235167926706);
    ck_assert(cx_rng_uniform(r) == 0.04809066955212937);
    cx_rng_free(r);
}
END_TEST

START_TEST(jump_matches_matrix_power)
{
    /* the Python reference raises the 256 x 256 GF(2) transition matrix to the power 2^128 */
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 42, 0), CX_OK);
    cx_rng_jump(r);
    ck_assert_uint_eq(cx_rng_next_u64(r), 0x94a0dbf68e599d78u);
    cx_rng_free(r);
    cx_rng_jump(NULL); /* a no-op */
}
END_TEST

/* The samplers' first draws for (1, 0), frozen from this implementation (identical at -O0 and
 * -O2, and with clang 14 at -O2): they guard the promise that a seed's draws never change across
 * versions and platforms. Changing an algorithm on purpose means updating these and saying so in
 * the release notes. */
START_TEST(sampler_draws_are_frozen)
{
    static const double normal[3] = {0x1.c70b02dde00aap-1, -0x1.d561ee6718e57p-3,
                                     0x1.e960bd2f5a86dp-3};
    static const double gamma03[3] = {0x1.bd1e3542ae607p-5, 0x1.a3606c0a9818dp-5,
                                      0x1.2982774f5b08p-5};
    static const double gamma4[3] = {0x1.8c01857aec72bp+1, 0x1.de7f644bc82ccp+0,
                                     0x1.c86b14ef7f92bp+0};
    static const double beta[3] = {0x1.ff69fe0aa15d8p-1, 0x1.4bed394af25d2p-1,
                                   0x1.1683bf185e249p-4};
    static const uint64_t pois[6] = {2, 2, 3, 499, 514, 512}, binom[6] = {5, 5, 5, 665, 723, 729};
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 1, 0), CX_OK);
    double x;
    uint64_t k;
    for (int i = 0; i < 3; i++)
        ck_assert(cx_rng_normal(&x, r, 0.0, 1.0) == CX_OK && x == normal[i]);
    for (int i = 0; i < 3; i++)
        ck_assert(cx_rng_gamma(&x, r, 0.3, 1.0) == CX_OK && x == gamma03[i]);
    for (int i = 0; i < 3; i++)
        ck_assert(cx_rng_gamma(&x, r, 4.0, 1.0) == CX_OK && x == gamma4[i]);
    for (int i = 0; i < 3; i++)
        ck_assert(cx_rng_beta(&x, r, 0.5, 0.5) == CX_OK && x == beta[i]);
    for (int i = 0; i < 6; i++)
        ck_assert(cx_rng_poisson(&k, r, i < 3 ? 3.5 : 500.0) == CX_OK && k == pois[i]);
    for (int i = 0; i < 6; i++)
        ck_assert(cx_rng_binomial(&k, r, i < 3 ? 20 : 1000, i < 3 ? 0.3 : 0.7) == CX_OK &&
                  k == binom[i]);
    ck_assert_uint_eq(cx_rng_below(r, 1000000007u), 901804645u);
    cx_rng_free(r);
}
END_TEST

START_TEST(dup_continues_the_sequence)
{
    cx_rng *a = NULL, *b = NULL;
    ck_assert_int_eq(cx_rng_new(&a, 7, 3), CX_OK);
    for (int i = 0; i < 10; i++)
        cx_rng_next_u64(a);
    ck_assert_int_eq(cx_rng_dup(&b, a), CX_OK);
    for (int i = 0; i < 100; i++) {
        double x, y;
        ck_assert_int_eq(cx_rng_gamma(&x, a, 0.7, 2.0), CX_OK);
        ck_assert_int_eq(cx_rng_gamma(&y, b, 0.7, 2.0), CX_OK);
        ck_assert(x == y);
    }
    cx_rng_free(a);
    cx_rng_free(b);
    cx_rng_free(NULL);
}
END_TEST

START_TEST(streams_differ_and_are_uncorrelated)
{
    enum { N = 100000 };
    cx_rng *a = NULL, *b = NULL;
    ck_assert_int_eq(cx_rng_new(&a, 2024, 0), CX_OK);
    ck_assert_int_eq(cx_rng_new(&b, 2024, 1), CX_OK);
    double sab = 0, sa = 0, sb = 0, saa = 0, sbb = 0;
    for (int i = 0; i < N; i++) {
        double x = cx_rng_uniform(a), y = cx_rng_uniform(b);
        sab += x * y, sa += x, sb += y, saa += x * x, sbb += y * y;
    }
    double cov = sab / N - (sa / N) * (sb / N);
    double corr = cov / sqrt((saa / N - (sa / N) * (sa / N)) * (sbb / N - (sb / N) * (sb / N)));
    ck_assert_msg(fabs(corr) < 4.0 / sqrt((double)N), "corr %g", corr); /* |z| < 4 */
    cx_rng_free(a);
    cx_rng_free(b);
}
END_TEST

START_TEST(fills_equal_repeated_draws)
{
    enum { N = 257 };
    double fill[N];
    cx_rng *a = NULL, *b = NULL;
    ck_assert_int_eq(cx_rng_new(&a, 11, 0), CX_OK);
    ck_assert_int_eq(cx_rng_new(&b, 11, 0), CX_OK);
    ck_assert_int_eq(cx_rng_fill_uniform(fill, N, a), CX_OK);
    for (int i = 0; i < N; i++)
        ck_assert(fill[i] == cx_rng_uniform(b));
    ck_assert_int_eq(cx_rng_fill_normal(fill, N, a, 1.0, 2.0), CX_OK);
    for (int i = 0; i < N; i++) {
        double x;
        cx_rng_normal(&x, b, 1.0, 2.0);
        ck_assert(fill[i] == x);
    }
    ck_assert_int_eq(cx_rng_fill_gamma(fill, N, a, 0.4, 3.0), CX_OK);
    for (int i = 0; i < N; i++) {
        double x;
        cx_rng_gamma(&x, b, 0.4, 3.0);
        ck_assert(fill[i] == x);
    }
    ck_assert_int_eq(cx_rng_fill_beta(fill, N, a, 0.5, 4.0), CX_OK);
    for (int i = 0; i < N; i++) {
        double x;
        cx_rng_beta(&x, b, 0.5, 4.0);
        ck_assert(fill[i] == x);
    }
    ck_assert_int_eq(cx_rng_fill_poisson(fill, N, a, 37.5), CX_OK);
    for (int i = 0; i < N; i++) {
        uint64_t k;
        cx_rng_poisson(&k, b, 37.5);
        ck_assert(fill[i] == (double)k);
    }
    ck_assert_int_eq(cx_rng_fill_binomial(fill, N, a, 90, 0.7), CX_OK);
    for (int i = 0; i < N; i++) {
        uint64_t k;
        cx_rng_binomial(&k, b, 90, 0.7);
        ck_assert(fill[i] == (double)k);
    }
    ck_assert_uint_eq(cx_rng_next_u64(a), cx_rng_next_u64(b));
    cx_rng_free(a);
    cx_rng_free(b);
}
END_TEST

/* Every bad parameter: CX_EINVAL naming it, nothing written, generator unchanged. */
START_TEST(bad_parameters_change_nothing)
{
    cx_rng *r = NULL, *ref = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 5, 5), CX_OK);
    ck_assert_int_eq(cx_rng_dup(&ref, r), CX_OK);
    double x = 123.0, buf[3] = {7.0, 7.0, 7.0};
    uint64_t k = 99;
    ck_assert_int_eq(cx_rng_normal(&x, r, 0.0, -1.0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "sd");
    ck_assert_int_eq(cx_rng_normal(&x, r, NAN, 1.0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "mean");
    ck_assert_int_eq(cx_rng_gamma(&x, r, 0.0, 1.0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "shape");
    ck_assert_int_eq(cx_rng_gamma(&x, r, 1.0, INFINITY), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "scale");
    ck_assert_int_eq(cx_rng_beta(&x, r, -1.0, 1.0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "a");
    ck_assert_int_eq(cx_rng_beta(&x, r, 1.0, NAN), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "b");
    ck_assert_int_eq(cx_rng_poisson(&k, r, -0.5), CX_EINVAL);
    ck_assert_int_eq(cx_rng_poisson(&k, r, 1e15), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "lambda");
    ck_assert_int_eq(cx_rng_binomial(&k, r, 10, 1.5), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "p");
    ck_assert_int_eq(cx_rng_fill_normal(buf, 3, r, 0.0, NAN), CX_EINVAL);
    ck_assert_int_eq(cx_rng_fill_gamma(buf, 3, r, 1.0, 0.0), CX_EINVAL);
    ck_assert_int_eq(cx_rng_fill_beta(buf, 3, r, 0.0, 1.0), CX_EINVAL);
    ck_assert_int_eq(cx_rng_fill_poisson(buf, 3, r, NAN), CX_EINVAL);
    ck_assert_int_eq(cx_rng_fill_binomial(buf, 3, r, 5, -0.1), CX_EINVAL);
    ck_assert_int_eq(cx_rng_fill_uniform(NULL, 3, r), CX_EINVAL);
    ck_assert_int_eq(cx_rng_normal(NULL, r, 0.0, 1.0), CX_EINVAL);
    ck_assert_int_eq(cx_rng_new(NULL, 1, 1), CX_EINVAL);
    ck_assert(x == 123.0 && k == 99);
    ck_assert(buf[0] == 7.0 && buf[1] == 7.0 && buf[2] == 7.0);
    ck_assert_uint_eq(cx_rng_next_u64(r), cx_rng_next_u64(ref)); /* unchanged */
    /* empty fills and degenerate parameters are fine */
    ck_assert_int_eq(cx_rng_fill_normal(NULL, 0, r, 0.0, 1.0), CX_OK);
    ck_assert_int_eq(cx_rng_normal(&x, r, 3.0, 0.0), CX_OK);
    ck_assert(x == 3.0);
    ck_assert_int_eq(cx_rng_poisson(&k, r, 0.0), CX_OK);
    ck_assert_uint_eq(k, 0);
    ck_assert_int_eq(cx_rng_binomial(&k, r, 17, 1.0), CX_OK);
    ck_assert_uint_eq(k, 17);
    ck_assert_int_eq(cx_rng_binomial(&k, r, 17, 0.0), CX_OK);
    ck_assert_uint_eq(k, 0);
    cx_rng_free(r);
    cx_rng_free(ref);
}
END_TEST

START_TEST(allocation_failure)
{
    cx_rng *r = (cx_rng *)0x1, *src = NULL;
    ck_assert_int_eq(cx_rng_new(&src, 1, 2), CX_OK);
    cx__alloc_fail_after(0, 0);
    ck_assert_int_eq(cx_rng_new(&r, 1, 2), CX_ENOMEM);
    ck_assert_ptr_eq(r, (cx_rng *)0x1); /* untouched */
    cx__alloc_fail_after(0, 0);
    ck_assert_int_eq(cx_rng_dup(&r, src), CX_ENOMEM);
    ck_assert_ptr_eq(r, (cx_rng *)0x1);
    cx__alloc_fail_after(-1, 0);
    cx_rng_free(src);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

/* ---- distributions ---- */

/* Sample mean and variance of n draws checked against the truth: each within 5 standard errors
 * (the variance's standard error from the excess kurtosis). */
static void check_moments(const double *x, size_t n, double mean, double var, double exkurt,
                          const char *what)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    double v = ss / (double)(n - 1);
    double se_m = sqrt(var / (double)n);
    double se_v = var * sqrt(2.0 / (double)(n - 1) + exkurt / (double)n);
    ck_assert_msg(fabs(m - mean) <= 5.0 * se_m, "%s: mean %.6g, want %.6g (se %.3g)", what, m, mean,
                  se_m);
    ck_assert_msg(fabs(v - var) <= 5.0 * se_v, "%s: var %.6g, want %.6g (se %.3g)", what, v, var,
                  se_v);
}

/* Every x[i] in [lo, hi] (checked in one assertion: Check's per-assertion cost is high). */
static int all_within(const double *x, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] >= lo && x[i] <= hi))
            return 0;
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef double (*cdf_fn)(double x, const double *par);

/* Kolmogorov-Smirnov: D * sqrt(n) below 2.23 (the 0.01% point of the limiting distribution). */
static void check_ks(double *x, size_t n, cdf_fn cdf, const double *par, const char *what)
{
    qsort(x, n, sizeof *x, cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], par);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        d = fmax(d, fmax(lo, hi));
    }
    ck_assert_msg(d * sqrt((double)n) < 2.23, "%s: KS D sqrt(n) = %.4g", what, d * sqrt((double)n));
}

typedef double (*pmf_fn)(double k, const double *par);

/* Pearson chi-square over the support cut into cells of expected count >= 20 (tails pooled),
 * below the 0.01% point of chi-square with cells - 1 degrees of freedom. */
static void check_chi2(const double *x, size_t n, pmf_fn pmf, const double *par, double kmax,
                       const char *what)
{
    enum { MAXC = 4096 };
    static double expect[MAXC], seen[MAXC];
    static double cell_of[MAXC];
    size_t cells = 0;
    double acc = 0.0;
    size_t kk = (size_t)kmax;
    ck_assert(kk < MAXC);
    /* cells: consecutive values merged until the expected count reaches 20 */
    for (size_t k = 0; k <= kk; k++) {
        acc += (double)n * pmf((double)k, par);
        cell_of[k] = (double)cells;
        if (acc >= 20.0) {
            expect[cells++] = acc;
            acc = 0.0;
        }
    }
    if (cells == 0)
        cells = 1, expect[0] = 0.0;
    expect[cells - 1] += acc; /* the upper tail joins the last cell */
    double total = 0.0;
    for (size_t c = 0; c < cells; c++)
        total += expect[c];
    expect[cells - 1] += (double)n - total; /* mass beyond kmax, if any */
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < n; i++) {
        double k = x[i];
        size_t c = k > kmax ? cells - 1 : (size_t)cell_of[(size_t)k];
        if (c >= cells) /* values after the last full cell were pooled into it */
            c = cells - 1;
        seen[c] += 1.0;
    }
    double stat = 0.0;
    for (size_t c = 0; c < cells; c++)
        stat += (seen[c] - expect[c]) * (seen[c] - expect[c]) / expect[c];
    double crit = cx__chi2_quantile(0.9999, (double)(cells - 1));
    ck_assert_msg(stat < crit, "%s(%g, %g): chi2 %.4g >= %.4g (%zu cells)", what, par[0], par[1],
                  stat, crit, cells);
}

static double normal_cdf(double x, const double *p)
{
    return cx__normal_cdf((x - p[0]) / p[1]);
}
static double gamma_cdf(double x, const double *p)
{
    return cx__gamma_p(p[0], x / p[1]);
}
static double beta_cdf(double x, const double *p)
{
    return cx__beta_inc(p[0], p[1], x);
}
static double poisson_pmf(double k, const double *p)
{
    return exp(k * log(p[0]) - p[0] - cx__lgamma(k + 1.0));
}
static double binomial_pmf(double k, const double *p)
{
    double n = p[0], q = p[1];
    if (q == 0.0)
        return k == 0.0 ? 1.0 : 0.0;
    return exp(cx__lgamma(n + 1.0) - cx__lgamma(k + 1.0) - cx__lgamma(n - k + 1.0) + k * log(q) +
               (n - k) * log1p(-q));
}

/* one million draws for the moments: 5 standard errors of the variance are then 0.7% (less
 * for light tails), which catches a sampler that accepts a wedge or a squeeze too eagerly */
enum { NMOM = 1000000, NGOF = 200000 };
static double draws[NMOM];

START_TEST(uniform_and_below)
{
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 101, 0), CX_OK);
    ck_assert_int_eq(cx_rng_fill_uniform(draws, NMOM, r), CX_OK);
    ck_assert(all_within(draws, NMOM, 0.0, 0x1.fffffffffffffp-1));
    check_moments(draws, NMOM, 0.5, 1.0 / 12.0, -1.2, "uniform");
    double par[2] = {0, 0};
    (void)par;
    /* below(10): chi-square on 10 equiprobable cells */
    double counts[10] = {0};
    for (size_t i = 0; i < NMOM; i++) {
        uint64_t v = cx_rng_below(r, 10);
        if (v >= 10) /* (a Check assertion per draw would dominate the run time) */
            ck_abort_msg("below(10) gave %llu", (unsigned long long)v);
        counts[v] += 1.0;
    }
    double stat = 0.0, e = NMOM / 10.0;
    for (int c = 0; c < 10; c++)
        stat += (counts[c] - e) * (counts[c] - e) / e;
    ck_assert_msg(stat < cx__chi2_quantile(0.999, 9.0), "below(10) chi2 %g", stat);
    /* a range that needs rejection: n = 2^63 + 1 (almost half the products are rejected) */
    uint64_t big = ((uint64_t)1 << 63) + 1;
    int upper = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t v = cx_rng_below(r, big);
        ck_assert(v < big);
        upper += v >= ((uint64_t)1 << 62);
    }
    ck_assert(upper > 420 && upper < 580); /* P(v >= 2^62) ~ 1/2: within 5 sd */
    ck_assert_uint_eq(cx_rng_below(r, 0), 0);
    ck_assert_uint_eq(cx_rng_below(r, 1), 0);
    cx_rng_free(r);
}
END_TEST

START_TEST(normal_distribution)
{
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 202, 0), CX_OK);
    ck_assert_int_eq(cx_rng_fill_normal(draws, NMOM, r, 0.0, 1.0), CX_OK);
    check_moments(draws, NMOM, 0.0, 1.0, 0.0, "normal");
    /* the tail beyond the ziggurat's base (|x| > 3.654): P = 2.58e-4, expect 258 (sd 16) */
    size_t tail = 0;
    for (size_t i = 0; i < NMOM; i++)
        tail += fabs(draws[i]) > 3.6541528853610088;
    ck_assert_msg(tail > 178 && tail < 338, "tail count %zu", tail);
    double par[2] = {-2.0, 3.0};
    ck_assert_int_eq(cx_rng_fill_normal(draws, NMOM, r, par[0], par[1]), CX_OK);
    check_ks(draws, NMOM, normal_cdf, par, "normal(-2, 3)");
    cx_rng_free(r);
}
END_TEST

START_TEST(gamma_distribution)
{
    static const double shapes[] = {0.05, 0.3, 1.0, 2.5, 50.0};
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 303, 0), CX_OK);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        double par[2] = {shapes[s], 1.7};
        ck_assert_int_eq(cx_rng_fill_gamma(draws, NMOM, r, par[0], par[1]), CX_OK);
        check_moments(draws, NMOM, par[0] * par[1], par[0] * par[1] * par[1], 6.0 / par[0],
                      "gamma");
        ck_assert_int_eq(cx_rng_fill_gamma(draws, NGOF, r, par[0], par[1]), CX_OK);
        check_ks(draws, NGOF, gamma_cdf, par, "gamma");
    }
    cx_rng_free(r);
}
END_TEST

START_TEST(beta_distribution)
{
    static const double ab[][2] = {{0.1, 0.2}, {0.5, 0.5}, {2.0, 5.0}, {0.7, 30.0}, {40.0, 3.0}};
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 404, 0), CX_OK);
    for (size_t c = 0; c < sizeof ab / sizeof ab[0]; c++) {
        double a = ab[c][0], b = ab[c][1], s = a + b;
        double mean = a / s, var = a * b / (s * s * (s + 1.0));
        double k = 6.0 * ((a - b) * (a - b) * (s + 1.0) - a * b * (s + 2.0)) /
                   (a * b * (s + 2.0) * (s + 3.0));
        ck_assert_int_eq(cx_rng_fill_beta(draws, NMOM, r, a, b), CX_OK);
        ck_assert(all_within(draws, NMOM, 0.0, 1.0));
        check_moments(draws, NMOM, mean, var, k, "beta");
        ck_assert_int_eq(cx_rng_fill_beta(draws, NGOF, r, a, b), CX_OK);
        check_ks(draws, NGOF, beta_cdf, ab[c], "beta");
    }
    cx_rng_free(r);
}
END_TEST

START_TEST(poisson_distribution)
{
    /* both sides of the inversion / PTRS switch at 10, and large means */
    static const double lambdas[] = {0.02, 1.0, 9.99, 10.0, 37.5, 1000.0, 123456.0};
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 505, 0), CX_OK);
    for (size_t c = 0; c < sizeof lambdas / sizeof lambdas[0]; c++) {
        double lam = lambdas[c];
        ck_assert_int_eq(cx_rng_fill_poisson(draws, NMOM, r, lam), CX_OK);
        check_moments(draws, NMOM, lam, lam, 1.0 / lam, "poisson");
        if (lam <= 1000.0) {
            double par[2] = {lam, 0}; /* check_chi2 reports two parameters */
            ck_assert_int_eq(cx_rng_fill_poisson(draws, NMOM, r, lam), CX_OK);
            check_chi2(draws, NMOM, poisson_pmf, par, lam + 10.0 * sqrt(lam) + 10.0, "poisson");
        }
    }
    cx_rng_free(r);
}
END_TEST

START_TEST(binomial_distribution)
{
    /* inversion (n p < 10), BTRS (n p >= 10), p > 1/2 by symmetry, and a large n */
    static const double np[][2] = {{10, 0.3},   {100, 0.05}, {50, 0.5},     {1000, 0.3},
                                   {1000, 0.9}, {25, 0.97},  {5000000, 0.2}};
    cx_rng *r = NULL;
    ck_assert_int_eq(cx_rng_new(&r, 606, 0), CX_OK);
    for (size_t c = 0; c < sizeof np / sizeof np[0]; c++) {
        double n = np[c][0], p = np[c][1], q = 1.0 - p;
        ck_assert_int_eq(cx_rng_fill_binomial(draws, NMOM, r, (uint64_t)n, p), CX_OK);
        ck_assert(all_within(draws, NMOM, 0.0, n));
        check_moments(draws, NMOM, n * p, n * p * q, (1.0 - 6.0 * p * q) / (n * p * q), "binomial");
        if (n <= 1000.0) {
            ck_assert_int_eq(cx_rng_fill_binomial(draws, NMOM, r, (uint64_t)n, p), CX_OK);
            check_chi2(draws, NMOM, binomial_pmf, np[c], n, "binomial");
        }
    }
    cx_rng_free(r);
}
END_TEST

/* ---- threads: distinct generators give the same numbers in parallel as in sequence ---- */

typedef struct job {
    uint64_t stream;
    double sum;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    cx_rng *r = NULL;
    if (cx_rng_new(&r, 99, j->stream) != CX_OK)
        return NULL;
    double s = 0.0, x;
    for (int i = 0; i < 20000; i++) {
        cx_rng_gamma(&x, r, 1.5, 1.0);
        s += x;
        s += cx_rng_std_normal(r);
    }
    j->sum = s;
    cx_rng_free(r);
    return NULL;
}

START_TEST(threads_with_distinct_generators)
{
    job par[2] = {{1, 0.0}, {2, 0.0}}, seq[2] = {{1, 0.0}, {2, 0.0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, run_job, &par[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    run_job(&seq[0]);
    run_job(&seq[1]);
    ck_assert(par[0].sum == seq[0].sum && par[1].sum == seq[1].sum);
    ck_assert(par[0].sum != par[1].sum);
}
END_TEST

Suite *cx_suite_rng(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("generator");
    tcase_add_test(tc, xoshiro_reference_vector);
    tcase_add_test(tc, seeding_golden_values);
    tcase_add_test(tc, jump_matches_matrix_power);
    tcase_add_test(tc, sampler_draws_are_frozen);
    tcase_add_test(tc, dup_continues_the_sequence);
    tcase_add_test(tc, streams_differ_and_are_uncorrelated);
    tcase_add_test(tc, fills_equal_repeated_draws);
    tcase_add_test(tc, bad_parameters_change_nothing);
    tcase_add_test(tc, allocation_failure);
    tcase_add_test(tc, threads_with_distinct_generators);
    suite_add_tcase(s, tc);
    tc = tcase_create("samplers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, uniform_and_below);
    tcase_add_test(tc, normal_distribution);
    tcase_add_test(tc, gamma_distribution);
    tcase_add_test(tc, beta_distribution);
    tcase_add_test(tc, poisson_distribution);
    tcase_add_test(tc, binomial_distribution);
    suite_add_tcase(s, tc);
    return s;
}
