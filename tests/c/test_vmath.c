/*
 * The vectorisable exp, expm1, log and log1p (lib/core/vmath.h) against glibc's (themselves
 * within about half an ulp): millions of arguments spread over the whole range by drawing
 * random bit patterns (every binade equally, subnormals included) plus dense uniform draws where
 * the functions turn (around 0 for exp/expm1/log1p, around 1 for log), the documented special
 * values, and the array forms equal to the inline ones bit for bit (so the AVX2 clone and the
 * baseline give the same values).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "vmath.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t next_u64(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_u64() >> 11) * 0x1p-53);
}

/* a double with random sign-less bits: exponent field in [elo, ehi], random mantissa */
static double random_binade(unsigned elo, unsigned ehi)
{
    const uint64_t e = elo + next_u64() % (ehi - elo + 1);
    const uint64_t u = (e << 52) | (next_u64() & 0x000fffffffffffffULL);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* distance in ulps of got from the exact-ish want (glibc), measured in units of want's ulp */
static double ulps(double got, double want)
{
    if (got == want || (isnan(got) && isnan(want)))
        return 0.0;
    if (!isfinite(got) || !isfinite(want))
        return INFINITY;
    int e;
    frexp(want, &e);
    double ulp = ldexp(1.0, e - 53);
    if (ulp < 0x1p-1074)
        ulp = 0x1p-1074;
    return fabs(got - want) / ulp;
}

typedef double (*fn1)(double);

static double worst;
static double worst_x;

static void track(double got, double want, double x)
{
    const double u = ulps(got, want);
    if (u > worst) {
        worst = u;
        worst_x = x;
    }
}

START_TEST(exp_accuracy)
{
    worst = 0.0;
    for (int i = 0; i < 1000000; i++) {
        const double x = uniform(-745.2, 709.8);
        track(cx__vm_exp(x), exp(x), x);
        const double y = (next_u64() & 1 ? -1.0 : 1.0) * random_binade(0, 1032); /* |y| < 1e3 */
        track(cx__vm_exp(y), exp(y), y);
        const double z = uniform(-1.0, 1.0);
        track(cx__vm_exp(z), exp(z), z);
    }
    /* the subnormal results, and the edges of the range */
    for (int i = 0; i < 200000; i++) {
        const double x = uniform(-745.2, -708.0);
        track(cx__vm_exp(x), exp(x), x);
        const double y = uniform(708.0, 709.78);
        track(cx__vm_exp(y), exp(y), y);
    }
    ck_assert_msg(worst <= 1.0, "exp: %.3g ulp at x = %a", worst, worst_x);
}
END_TEST

START_TEST(expm1_accuracy)
{
    worst = 0.0;
    for (int i = 0; i < 1000000; i++) {
        const double x = uniform(-40.0, 709.7);
        track(cx__vm_expm1(x), expm1(x), x);
        const double y = (next_u64() & 1 ? -1.0 : 1.0) * random_binade(0, 1032);
        track(cx__vm_expm1(y), expm1(y), y);
        const double z = uniform(-1.0, 1.0);
        track(cx__vm_expm1(z), expm1(z), z);
    }
    ck_assert_msg(worst <= 2.0, "expm1: %.3g ulp at x = %a", worst, worst_x);
}
END_TEST

START_TEST(log_accuracy)
{
    worst = 0.0;
    for (int i = 0; i < 1000000; i++) {
        const double x = random_binade(0, 2046); /* every positive binade, subnormals too */
        track(cx__vm_log(x), log(x), x);
        const double y = uniform(0.5, 2.0);
        track(cx__vm_log(y), log(y), y);
        const double z = 1.0 + uniform(-1e-6, 1e-6);
        track(cx__vm_log(z), log(z), z);
    }
    ck_assert_msg(worst <= 1.0, "log: %.3g ulp at x = %a", worst, worst_x);
}
END_TEST

START_TEST(log1p_accuracy)
{
    worst = 0.0;
    for (int i = 0; i < 1000000; i++) {
        const double x = random_binade(0, 2046);
        track(cx__vm_log1p(x), log1p(x), x);
        const double y = -random_binade(0, 1022); /* (-1, 0) */
        track(cx__vm_log1p(y), log1p(y), y);
        const double z = uniform(-0.5, 1.0);
        track(cx__vm_log1p(z), log1p(z), z);
    }
    ck_assert_msg(worst <= 2.0, "log1p: %.3g ulp at x = %a", worst, worst_x);
}
END_TEST

START_TEST(special_values)
{
    const double inf = HUGE_VAL;
    ck_assert(cx__vm_exp(0.0) == 1.0);
    ck_assert(cx__vm_exp(-inf) == 0.0);
    ck_assert(cx__vm_exp(inf) == inf);
    ck_assert(cx__vm_exp(710.0) == inf);
    ck_assert(cx__vm_exp(-746.0) == 0.0);
    ck_assert(cx__vm_exp(-745.0) == exp(-745.0)); /* the smallest subnormal */
    ck_assert(isnan(cx__vm_exp(NAN)));
    ck_assert(cx__vm_expm1(0.0) == 0.0);
    ck_assert(cx__vm_expm1(1e-300) == 1e-300);
    ck_assert(cx__vm_expm1(-inf) == -1.0);
    ck_assert(cx__vm_expm1(inf) == inf);
    ck_assert(cx__vm_expm1(709.7) == expm1(709.7));
    ck_assert(isnan(cx__vm_expm1(NAN)));
    ck_assert(cx__vm_log(1.0) == 0.0);
    ck_assert(cx__vm_log(0.0) == -inf);
    ck_assert(cx__vm_log(inf) == inf);
    ck_assert(isnan(cx__vm_log(-1.0)));
    ck_assert(isnan(cx__vm_log(-inf)));
    ck_assert(isnan(cx__vm_log(NAN)));
    ck_assert(cx__vm_log(0x1p-1074) == log(0x1p-1074));
    ck_assert(cx__vm_log(DBL_MAX) == log(DBL_MAX));
    ck_assert(cx__vm_log1p(0.0) == 0.0);
    ck_assert(cx__vm_log1p(1e-300) == 1e-300);
    ck_assert(cx__vm_log1p(-1.0) == -inf);
    ck_assert(cx__vm_log1p(inf) == inf);
    ck_assert(isnan(cx__vm_log1p(-2.0)));
    ck_assert(isnan(cx__vm_log1p(NAN)));
}
END_TEST

START_TEST(array_forms_match)
{
    enum { N = 4099 }; /* not a multiple of any vector width: the tail loop too */
    static double in[N], out[N];
    const struct {
        void (*arr)(double *, const double *, size_t);
        fn1 one;
        double lo, hi;
    } cases[] = {{cx__vexp, cx__vm_exp, -800, 800},
                 {cx__vexpm1, cx__vm_expm1, -800, 800},
                 {cx__vlog, cx__vm_log, -1, 1e300},
                 {cx__vlog1p, cx__vm_log1p, -2, 1e300}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int i = 0; i < N; i++)
            in[i] = i % 3 ? uniform(cases[c].lo, cases[c].hi) : uniform(-1.0, 2.0);
        in[7] = NAN;
        in[8] = 0.0;
        in[9] = HUGE_VAL;
        cases[c].arr(out, in, N);
        for (int i = 0; i < N; i++) {
            const double want = cases[c].one(in[i]);
            ck_assert_msg(memcmp(&out[i], &want, sizeof want) == 0 ||
                              (isnan(want) && isnan(out[i])),
                          "case %zu at %.17g: %a vs %a", c, in[i], out[i], want);
        }
        cases[c].arr(in, in, N); /* in place */
        ck_assert_msg(memcmp(in, out, sizeof in) == 0, "case %zu: in place differs", c);
    }
}
END_TEST

Suite *cx_suite_vmath(void)
{
    Suite *s = suite_create("vmath");
    TCase *tc = tcase_create("vmath");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, exp_accuracy);
    tcase_add_test(tc, expm1_accuracy);
    tcase_add_test(tc, log_accuracy);
    tcase_add_test(tc, log1p_accuracy);
    tcase_add_test(tc, special_values);
    tcase_add_test(tc, array_forms_match);
    suite_add_tcase(s, tc);
    return s;
}
