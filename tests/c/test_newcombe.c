/* The one two-proportion difference interval (lib/core/special.c) that the scores module
 * (cx_prop_diff) and the effects module (risk differences) share: Newcombe's hybrid score
 * interval from Wilson intervals, against statsmodels (confint_proportions_2indep,
 * method="newcomb"), and the pooled z statistic against its closed form. */
#include <check.h>
#include <math.h>

#include <cxkit/cxkit.h>
#include "special.h"
#include "suites.h"

/* x1, n1, x2, n2, level, lower, upper, pooled z; /usr/bin/python3 with statsmodels 0.14:
 * confint_proportions_2indep(x1, n1, x2, n2, method='newcomb', compare='diff', alpha=1-level) */
static const double CASES[][8] = {
    {56, 70, 48, 80, 0.95, 0.052431472402364981, 0.33387265403690602, 2.6501719512585336},
    {0, 10, 0, 20, 0.95, -0.16112515805281938, 0.2775327998628892, 0},
    {10, 10, 0, 20, 0.9, 0.75598591674342897, 1, 5.4772255750516603},
    {3, 1000, 7, 900, 0.99, -0.016922435309867673, 0.0052079192632683473, -1.4371202179602358},
    {1, 2, 1, 3, 0.8, -0.31508650122553783, 0.57226426658946217, 0.372677996249965},
    {499, 1000, 501, 1000, 0.95, -0.045736691645610145, 0.041747515353110484,
     -0.089442719099991672},
};

START_TEST(prop_diff_matches_statsmodels)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const double *c = CASES[i];
        double lo, hi, z;
        cx__prop_diff_newcombe(&lo, &hi, &z, c[0], c[1], c[2], c[3], cx__z_for_level(c[4]));
        ck_assert_msg(fabs(lo - c[5]) < 1e-12 && fabs(hi - c[6]) < 1e-12,
                      "case %zu: [%.17g, %.17g] vs [%.17g, %.17g]", i, lo, hi, c[5], c[6]);
        ck_assert_msg(fabs(z - c[7]) < 1e-12, "case %zu: z %.17g vs %.17g", i, z, c[7]);
        /* the public scores function is this computation (bit for bit) */
        double d, plo, phi, pz, p;
        ck_assert_int_eq(cx_prop_diff(&d, &plo, &phi, &pz, &p, c[0], c[1], c[2], c[3], c[4]),
                         CX_OK);
        ck_assert(plo == fmax(lo, -1.0) && phi == fmin(hi, 1.0) && pz == z);
        ck_assert_double_eq_tol(p, erfc(fabs(z) / sqrt(2.0)), 1e-14);
    }
}
END_TEST

/* The general combination: symmetric single-sample intervals give the Wald-like root sum of
 * squares; asymmetric ones use the lower tail of one and the upper of the other. */
START_TEST(newcombe_combination)
{
    double lo, hi;
    cx__newcombe(&lo, &hi, 0.5, 0.4, 0.6, 0.2, 0.1, 0.3);
    ck_assert_double_eq_tol(lo, 0.3 - sqrt(0.02), 1e-15);
    ck_assert_double_eq_tol(hi, 0.3 + sqrt(0.02), 1e-15);
    cx__newcombe(&lo, &hi, 0.5, 0.45, 0.8, 0.2, 0.0, 0.21);
    ck_assert_double_eq_tol(lo, 0.3 - sqrt(0.05 * 0.05 + 0.01 * 0.01), 1e-15);
    ck_assert_double_eq_tol(hi, 0.3 + sqrt(0.3 * 0.3 + 0.2 * 0.2), 1e-15);
}
END_TEST

Suite *cx_suite_newcombe(void)
{
    Suite *s = suite_create("newcombe");
    TCase *tc = tcase_create("newcombe");
    tcase_add_test(tc, prop_diff_matches_statsmodels);
    tcase_add_test(tc, newcombe_combination);
    suite_add_tcase(s, tc);
    return s;
}
