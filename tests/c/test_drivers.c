/* Key drivers: R datasets::swiss vectors from REFERENCE.md 3.3, a brute-force Shapley over all
 * orders with an independent least-squares R² (lib/core cx__lstsq), sampled vs exact LMG,
 * dominance, bad input, Kano and IPA by hand. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "linalg.h"
#include "suites.h"

#define NEAR(a, b, tol)                                                                            \
    ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.10g, expected %.10g", #a, (double)(a),         \
                  (double)(b))

static const double swiss[47][6] = {
    {17, 15, 12, 9.96, 22.2, 80.2},    {45.1, 6, 9, 84.84, 22.2, 83.1},
    {39.7, 5, 5, 93.4, 20.2, 92.5},    {36.5, 12, 7, 33.77, 20.3, 85.8},
    {43.5, 17, 15, 5.16, 20.6, 76.9},  {35.3, 9, 7, 90.57, 26.6, 76.1},
    {70.2, 16, 7, 92.85, 23.6, 83.8},  {67.8, 14, 8, 97.16, 24.9, 92.4},
    {53.3, 12, 7, 97.67, 21, 82.4},    {45.2, 16, 13, 91.38, 24.4, 82.9},
    {64.5, 14, 6, 98.61, 24.5, 87.1},  {62, 21, 12, 8.52, 16.5, 64.1},
    {67.5, 14, 7, 2.27, 19.1, 66.9},   {60.7, 19, 12, 4.43, 22.7, 68.9},
    {69.3, 22, 5, 2.82, 18.7, 61.7},   {72.6, 18, 2, 24.2, 21.2, 68.3},
    {34, 17, 8, 3.3, 20, 71.7},        {19.4, 26, 28, 12.11, 20.2, 55.7},
    {15.2, 31, 20, 2.15, 10.8, 54.3},  {73, 19, 9, 2.84, 20, 65.1},
    {59.8, 22, 10, 5.23, 18, 65.5},    {55.1, 14, 3, 4.52, 22.4, 65},
    {50.9, 22, 12, 15.14, 16.7, 56.6}, {54.1, 20, 6, 4.2, 15.3, 57.4},
    {71.2, 12, 1, 2.4, 21, 72.5},      {58.1, 14, 8, 5.23, 23.8, 74.2},
    {63.5, 6, 3, 2.56, 18, 72},        {60.8, 16, 10, 7.72, 16.3, 60.5},
    {26.8, 25, 19, 18.46, 20.9, 58.3}, {49.5, 15, 8, 6.1, 22.5, 65.4},
    {85.9, 3, 2, 99.71, 15.1, 75.5},   {84.9, 7, 6, 99.68, 19.8, 69.3},
    {89.7, 5, 2, 100, 18.3, 77.3},     {78.2, 12, 6, 98.96, 19.4, 70.5},
    {64.9, 7, 3, 98.22, 20.2, 79.4},   {75.9, 9, 9, 99.06, 17.8, 65},
    {84.6, 3, 3, 99.46, 16.3, 92.2},   {63.1, 13, 13, 96.83, 18.1, 79.3},
    {38.4, 26, 12, 5.62, 20.3, 70.4},  {7.7, 29, 11, 13.79, 20.5, 65.7},
    {16.7, 22, 13, 11.22, 18.9, 72.7}, {17.6, 35, 32, 16.92, 23, 64.4},
    {37.6, 15, 7, 4.97, 20, 77.6},     {18.7, 25, 7, 8.65, 19.5, 67.6},
    {1.2, 37, 53, 42.34, 18, 35},      {46.6, 16, 29, 50.43, 18.2, 44.7},
    {27.7, 22, 29, 58.33, 19.3, 42.8},
};

static void swiss_columns(double *x, double *y)
{
    for (int i = 0; i < 47; i++) {
        for (int j = 0; j < 5; j++)
            x[i * 5 + j] = swiss[i][j];
        y[i] = swiss[i][5];
    }
}

START_TEST(swiss_matches_reference)
{
    double x[47 * 5], y[47], v[5];
    swiss_columns(x, y);
    cx_drivers *d;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, NULL, 47, 5, NULL), CX_OK);
    double r2, n;
    int exact;
    cx_drivers_summary(&r2, &n, &exact, d);
    NEAR(r2, 0.706735, 5e-7);
    NEAR(n, 47, 0);
    ck_assert_int_eq(exact, 1);
    const double lmg[5] = {0.0571, 0.1712, 0.2601, 0.1056, 0.1128};
    const double rw[5] = {0.0484, 0.1547, 0.2720, 0.1147, 0.1170};
    const double beta[5] = {-0.3129, -0.1648, -0.6704, 0.3476, 0.2511};
    const double first[5] = {0.1247, 0.4172, 0.4406, 0.2150, 0.1735};
    const double last[5] = {0.0429, 0.0074, 0.1620, 0.0624, 0.0569};
    double s = 0.0;
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_LMG), CX_OK);
    for (int j = 0; j < 5; j++) {
        NEAR(v[j], lmg[j], 5e-5);
        s += v[j];
    }
    NEAR(s, r2, 1e-12);
    s = 0.0;
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_RW), CX_OK);
    for (int j = 0; j < 5; j++) {
        NEAR(v[j], rw[j], 5e-5);
        s += v[j];
    }
    NEAR(s, r2, 1e-10);
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_BETA), CX_OK);
    for (int j = 0; j < 5; j++)
        NEAR(v[j], beta[j], 5e-5);
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_FIRST), CX_OK);
    for (int j = 0; j < 5; j++)
        NEAR(v[j], first[j], 5e-5);
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_LAST), CX_OK);
    for (int j = 0; j < 5; j++)
        NEAR(v[j], last[j], 5e-5);
    ck_assert_int_eq(cx_drivers_get(v, 5, d, CX_DRIVER_LMG_LO), CX_ESTATE);
    ck_assert_int_eq(cx_drivers_get(v, 4, d, CX_DRIVER_LMG), CX_EINVAL);
    cx_drivers_free(d);
}
END_TEST

static uint64_t sm_state;
static double sm_unif(void)
{
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* Correlated drivers and a noisy linear target. */
static void make_data(double *x, double *y, size_t n, size_t p, uint64_t seed)
{
    sm_state = seed;
    for (size_t i = 0; i < n; i++) {
        double common = sm_unif() - 0.5, t = 0.0;
        for (size_t j = 0; j < p; j++) {
            x[i * p + j] = common * (double)(j % 3) + sm_unif();
            t += (double)(j + 1) / (double)p * x[i * p + j];
        }
        y[i] = t + 2.0 * (sm_unif() - 0.5);
    }
}

/* R² of y on the drivers in mask, with an intercept, by plain least squares. */
static double r2_lstsq(const double *x, const double *y, size_t n, size_t p, unsigned mask)
{
    size_t q = 1;
    for (size_t j = 0; j < p; j++)
        q += mask >> j & 1u;
    double *xs = malloc(n * q * sizeof *xs), beta[32], ybar = 0.0, sse = 0.0, sst = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        xs[i * q + c++] = 1.0;
        for (size_t j = 0; j < p; j++)
            if (mask >> j & 1u)
                xs[i * q + c++] = x[i * p + j];
        ybar += y[i] / (double)n;
    }
    ck_assert_int_eq(cx__lstsq(beta, xs, y, NULL, n, q), CX_OK);
    for (size_t i = 0; i < n; i++) {
        double f = 0.0;
        for (size_t c = 0; c < q; c++)
            f += xs[i * q + c] * beta[c];
        sse += (y[i] - f) * (y[i] - f);
        sst += (y[i] - ybar) * (y[i] - ybar);
    }
    free(xs);
    return 1.0 - sse / sst;
}

START_TEST(lmg_equals_brute_force_shapley)
{
    enum { N = 300, P = 7 };
    static double x[N * P], y[N];
    make_data(x, y, N, P, 7);
    double r2s[1 << P], shap[P] = {0}, fact[P + 1] = {1};
    for (int k = 1; k <= P; k++)
        fact[k] = fact[k - 1] * k;
    for (unsigned m = 0; m < (1u << P); m++)
        r2s[m] = m ? r2_lstsq(x, y, N, P, m) : 0.0;
    for (unsigned s = 0; s < (1u << P); s++) {
        int k = __builtin_popcount(s);
        for (int j = 0; j < P; j++)
            if (!(s >> j & 1u))
                shap[j] += fact[k] * fact[P - k - 1] / fact[P] * (r2s[s | 1u << j] - r2s[s]);
    }
    cx_drivers *d;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, NULL, N, P, NULL), CX_OK);
    double v[P], r2;
    cx_drivers_get(v, P, d, CX_DRIVER_LMG);
    cx_drivers_summary(&r2, NULL, NULL, d);
    NEAR(r2, r2s[(1u << P) - 1], 1e-10);
    for (int j = 0; j < P; j++)
        NEAR(v[j], shap[j], 1e-10);
    /* complete dominance against the brute-force table */
    int dom[P * P];
    ck_assert_int_eq(cx_drivers_complete(dom, P, d), CX_OK);
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            if (i == j)
                continue;
            int ge = 1, le = 1;
            for (unsigned s = 0; s < (1u << P); s++) {
                if (s >> i & 1u || s >> j & 1u)
                    continue;
                ge &= r2s[s | 1u << i] >= r2s[s | 1u << j] - 1e-12;
                le &= r2s[s | 1u << i] <= r2s[s | 1u << j] + 1e-12;
            }
            int want = ge && !le ? 1 : (le && !ge ? -1 : 0);
            ck_assert_int_eq(dom[i * P + j], want);
        }
    /* the sampled estimator agrees with the exact values */
    cx_drivers_options o;
    cx_drivers_options_init(&o, CX_DRIVERS_OPTIONS_VERSION);
    o.exact_max = 3;
    o.samples = 20000;
    cx_drivers *ds;
    ck_assert_int_eq(cx_drivers_fit(&ds, x, y, NULL, N, P, &o), CX_OK);
    double vs[P], sum = 0.0;
    cx_drivers_get(vs, P, ds, CX_DRIVER_LMG);
    for (int j = 0; j < P; j++) {
        NEAR(vs[j], shap[j], 0.01);
        sum += vs[j];
    }
    NEAR(sum, r2, 1e-10);
    ck_assert_int_eq(cx_drivers_get(vs, P, ds, CX_DRIVER_FIRST), CX_ESTATE);
    cx_drivers_free(ds);
    cx_drivers_free(d);
}
END_TEST

START_TEST(twenty_drivers_exact)
{
    enum { N = 400, P = 20 };
    static double x[N * P], y[N];
    make_data(x, y, N, P, 21);
    cx_drivers *d;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, NULL, N, P, NULL), CX_OK);
    double v[P], r2, sum = 0.0, last[P];
    int exact;
    cx_drivers_summary(&r2, NULL, &exact, d);
    ck_assert_int_eq(exact, 1);
    cx_drivers_get(v, P, d, CX_DRIVER_LMG);
    for (int j = 0; j < P; j++) {
        ck_assert(v[j] >= -1e-12);
        sum += v[j];
    }
    NEAR(sum, r2, 1e-9);
    NEAR(r2, r2_lstsq(x, y, N, P, (1u << P) - 1), 1e-9);
    /* last-in increments against leave-one-out least squares (checks the end of the walk) */
    cx_drivers_get(last, P, d, CX_DRIVER_LAST);
    for (int j = 0; j < P; j += 7)
        NEAR(last[j], r2 - r2_lstsq(x, y, N, P, ((1u << P) - 1) & ~(1u << j)), 1e-9);
    cx_drivers_free(d);
}
END_TEST

START_TEST(bootstrap_intervals)
{
    double x[47 * 5], y[47], lo[5], hi[5], est[5];
    swiss_columns(x, y);
    cx_drivers_options o;
    cx_drivers_options_init(&o, CX_DRIVERS_OPTIONS_VERSION);
    o.bootstrap = 200;
    o.seed = 5;
    cx_drivers *d, *d2;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, NULL, 47, 5, &o), CX_OK);
    ck_assert_int_eq(cx_drivers_fit(&d2, x, y, NULL, 47, 5, &o), CX_OK);
    cx_drivers_get(est, 5, d, CX_DRIVER_LMG);
    cx_drivers_get(lo, 5, d, CX_DRIVER_LMG_LO);
    cx_drivers_get(hi, 5, d, CX_DRIVER_LMG_HI);
    for (int j = 0; j < 5; j++)
        ck_assert(lo[j] < est[j] && est[j] < hi[j] && lo[j] >= 0.0);
    double lo2[5];
    cx_drivers_get(lo2, 5, d2, CX_DRIVER_LMG_LO);
    ck_assert(memcmp(lo, lo2, sizeof lo) == 0); /* same seed, same intervals */
    cx_drivers_get(lo, 5, d, CX_DRIVER_BETA_LO);
    cx_drivers_get(hi, 5, d, CX_DRIVER_BETA_HI);
    ck_assert(hi[2] < 0.0); /* Education's negative effect is clear */
    cx_drivers_free(d);
    cx_drivers_free(d2);
}
END_TEST

START_TEST(bad_drivers)
{
    double x[47 * 5], y[47];
    swiss_columns(x, y);
    cx_drivers *d = NULL;
    double x3[47 * 3];
    for (int i = 0; i < 47; i++) { /* third driver = first + second: collinear */
        x3[i * 3] = x[i * 5];
        x3[i * 3 + 1] = x[i * 5 + 1];
        x3[i * 3 + 2] = x[i * 5] + 2 * x[i * 5 + 1];
    }
    ck_assert_int_eq(cx_drivers_fit(&d, x3, y, NULL, 47, 3, NULL), CX_ESINGULAR);
    ck_assert(strstr(cx_error_last()->message, "driver 2") != NULL);
    for (int i = 0; i < 47; i++)
        x3[i * 3 + 2] = 4.0;
    ck_assert_int_eq(cx_drivers_fit(&d, x3, y, NULL, 47, 3, NULL), CX_ERANGE);
    ck_assert(strstr(cx_error_last()->message, "driver 2 has zero variance") != NULL);
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, NULL, 6, 5, NULL), CX_ERANGE);
    double w[47];
    for (int i = 0; i < 47; i++)
        w[i] = 1.0;
    w[3] = -1;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, w, 47, 5, NULL), CX_EINVAL);
    ck_assert_ptr_null(d);
    /* NaN rows are dropped; doubling weights changes nothing */
    w[3] = 2;
    x[0] = NAN;
    ck_assert_int_eq(cx_drivers_fit(&d, x, y, w, 47, 5, NULL), CX_OK);
    double n;
    cx_drivers_summary(NULL, &n, NULL, d);
    NEAR(n, 46, 0);
    cx_drivers_free(d);
    for (long k = 0; k < 12; k++) {
        cx__alloc_fail_after(k, 0);
        cx_status st = cx_drivers_fit(&d, x, y, NULL, 47, 5, NULL);
        cx__alloc_fail_after(-1, 0);
        ck_assert(st == CX_OK || st == CX_ENOMEM);
        if (st == CX_OK)
            cx_drivers_free(d);
    }
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(from_correlation_matrix)
{
    double x[47 * 5], y[47], a[5], b[5];
    swiss_columns(x, y);
    /* correlation matrix computed here by hand, then the two entry points must agree */
    double mean[6] = {0}, c[36] = {0};
    for (int i = 0; i < 47; i++)
        for (int j = 0; j < 6; j++)
            mean[j] += swiss[i][j] / 47.0;
    for (int i = 0; i < 47; i++)
        for (int j = 0; j < 6; j++)
            for (int k = 0; k < 6; k++)
                c[j * 6 + k] += (swiss[i][j] - mean[j]) * (swiss[i][k] - mean[k]);
    double r[36];
    for (int j = 0; j < 6; j++)
        for (int k = 0; k < 6; k++)
            r[j * 6 + k] = j == k ? 1.0 : c[j * 6 + k] / sqrt(c[j * 6 + j] * c[k * 6 + k]);
    cx_drivers *d1, *d2;
    ck_assert_int_eq(cx_drivers_fit(&d1, x, y, NULL, 47, 5, NULL), CX_OK);
    ck_assert_int_eq(cx_drivers_fit_corr(&d2, r, 5, NULL), CX_OK);
    cx_drivers_get(a, 5, d1, CX_DRIVER_RW);
    cx_drivers_get(b, 5, d2, CX_DRIVER_RW);
    for (int j = 0; j < 5; j++)
        NEAR(a[j], b[j], 1e-12);
    r[1] = 1.5;
    cx_drivers_free(d2);
    ck_assert_int_eq(cx_drivers_fit_corr(&d2, r, 5, NULL), CX_EINVAL);
    cx_drivers_free(d1);
}
END_TEST

START_TEST(kano_by_hand)
{
    /* (F, D) pairs: like/dislike = O, like/neutral = A, neutral/dislike = M, neutral/neutral = I,
     * dislike/like = R, like/like = Q */
    double f[] = {1, 1, 3, 3, 5, 1, NAN}, dy[] = {5, 3, 5, 3, 1, 1, 2};
    int cat[7];
    ck_assert_int_eq(cx_kano_classify(cat, f, dy, 7), CX_OK);
    int want[7] = {CX_KANO_O, CX_KANO_A, CX_KANO_M, CX_KANO_I, CX_KANO_R, CX_KANO_Q, -1};
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(cat[i], want[i]);
    /* 5 O, 3 A, 1 M, 1 I: category O; better = 8/10, worse = -6/10 */
    double f2[] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 3}, d2[] = {5, 5, 5, 5, 5, 2, 3, 4, 5, 3};
    cx_kano_result r;
    ck_assert_int_eq(cx_kano_feature(&r, f2, d2, 10), CX_OK);
    ck_assert_int_eq(r.category, CX_KANO_O);
    NEAR(r.better, 0.8, 1e-15);
    NEAR(r.worse, -0.6, 1e-15);
    /* Fong: |5 - 3| < 1.65 sqrt(8 * 12 / 20) = 3.61 -> mixed */
    ck_assert_int_eq(r.mixed, 1);
    /* tie M = O: M wins */
    double f3[] = {1, 2}, d3[] = {5, 5};
    ck_assert_int_eq(cx_kano_feature(&r, f3, d3, 2), CX_OK);
    ck_assert_int_eq(r.category, CX_KANO_M);
    double bad[] = {6};
    ck_assert_int_eq(cx_kano_classify(cat, bad, d3, 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "functional");
}
END_TEST

START_TEST(ipa_quadrants)
{
    double imp[] = {0.4, 0.1, 0.3, 0.2}, perf[] = {3.0, 4.5, 4.2, 3.1};
    int q[4];
    ck_assert_int_eq(cx_ipa_quadrants(q, imp, perf, 4, NAN, NAN), CX_OK); /* means .25, 3.7 */
    ck_assert_int_eq(q[0], CX_IPA_CONCENTRATE);
    ck_assert_int_eq(q[1], CX_IPA_OVERKILL);
    ck_assert_int_eq(q[2], CX_IPA_KEEP_UP);
    ck_assert_int_eq(q[3], CX_IPA_LOW_PRIORITY);
    ck_assert_int_eq(cx_ipa_quadrants(q, imp, perf, 4, 0.05, 3.0), CX_OK);
    ck_assert_int_eq(q[0], CX_IPA_KEEP_UP);
}
END_TEST

Suite *cx_suite_drivers(void)
{
    Suite *s = suite_create("drivers");
    TCase *tc = tcase_create("drivers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, swiss_matches_reference);
    tcase_add_test(tc, lmg_equals_brute_force_shapley);
    tcase_add_test(tc, twenty_drivers_exact);
    tcase_add_test(tc, bootstrap_intervals);
    tcase_add_test(tc, bad_drivers);
    tcase_add_test(tc, from_correlation_matrix);
    tcase_add_test(tc, kano_by_hand);
    tcase_add_test(tc, ipa_quadrants);
    suite_add_tcase(s, tc);
    return s;
}
