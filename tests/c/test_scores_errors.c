/* Error paths of the shrinkage and trend functions (lib/scores/shrink.c) that users reach with a
 * wrong group count, an unknown kind, a threshold off the scale, NPS on a short scale, too few
 * groups or periods, and memory exhaustion: CX_EINVAL naming the parameter (CX_ENOTSUP,
 * CX_ERANGE, CX_ENOMEM where documented), outputs untouched; plus the shrinkage property itself
 * (each group's estimate moves from its raw mean towards the prior mean, never past it). */
#include <check.h>
#include <math.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define SENTINEL (-777.0)

/* Three groups on a 1..5 scale; group 2 has few ratings (shrunk the most). */
static cx_scores *table(int periods)
{
    const int64_t codes[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2};
    const double r[] = {5, 4, 5, 4, 5, 3, 2, 3, 2, 1, 3, 2, 4, 5, 5, 1};
    cx_scores *t;
    ck_assert_int_eq(cx_scores_group_columns(&t, codes, 16, r, 16, NULL, 0, 3, 1, 5), CX_OK);
    if (periods) {
        const int64_t starts[] = {0, 86400 * 365, 86400 * 730};
        ck_assert_int_eq(cx_scores_set_periods(t, starts, 2), CX_EINVAL);
        ck_assert_int_eq(cx_scores_set_periods(t, starts, 3), CX_OK);
    }
    return t;
}

static void assert_param(cx_status st, cx_status code, const char *param)
{
    ck_assert_int_eq(st, code);
    ck_assert_ptr_nonnull(cx_error_last()->param);
    ck_assert_str_eq(cx_error_last()->param, param);
}

START_TEST(shrink_errors_and_property)
{
    cx_scores *t = table(0);
    double raw[3] = {SENTINEL, SENTINEL, SENTINEL}, sh[3] = {SENTINEL, SENTINEL, SENTINEL};
    double prior[2] = {SENTINEL, SENTINEL};
    ck_assert_int_eq(cx_scores_shrink(raw, NULL, prior, 3, t, CX_SCORE_MEAN, 0), CX_EINVAL);
    ck_assert_int_eq(cx_scores_shrink(raw, sh, prior, 3, NULL, CX_SCORE_MEAN, 0), CX_EINVAL);
    assert_param(cx_scores_shrink(raw, sh, prior, 2, t, CX_SCORE_MEAN, 0), CX_EINVAL, "n");
    assert_param(cx_scores_shrink(raw, sh, prior, 3, t, 7, 0), CX_EINVAL, "kind");
    assert_param(cx_scores_shrink(raw, sh, prior, 3, t, -1, 0), CX_EINVAL, "kind");
    assert_param(cx_scores_shrink(raw, sh, prior, 3, t, CX_SCORE_TOP_BOX, 9), CX_EINVAL,
                 "threshold");
    assert_param(cx_scores_shrink(raw, sh, prior, 3, t, CX_SCORE_TOP_BOX, NAN), CX_EINVAL,
                 "threshold");
    assert_param(cx_scores_shrink(raw, sh, prior, 3, t, CX_SCORE_NPS, 0), CX_EINVAL, "kind");
    for (int i = 0; i < 3; i++)
        ck_assert(raw[i] == SENTINEL && sh[i] == SENTINEL);
    ck_assert(prior[0] == SENTINEL && prior[1] == SENTINEL);

    /* every allocation failing in turn: CX_ENOMEM, outputs untouched, no leak */
    long n;
    cx_status st;
    for (n = 0;; n++) {
        long live = cx__alloc_live();
        cx__alloc_fail_after(n, 1);
        st = cx_scores_shrink(raw, sh, prior, 3, t, CX_SCORE_MEAN, 0);
        long failures = cx__alloc_failures();
        cx__alloc_fail_after(-1, 0);
        ck_assert_int_eq(cx__alloc_live(), live);
        if (failures == 0)
            break;
        ck_assert_int_eq(st, CX_ENOMEM);
        ck_assert(raw[0] == SENTINEL && sh[0] == SENTINEL && prior[0] == SENTINEL);
    }
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(st, CX_OK);
    /* raw means by hand; shrunk between raw and the prior mean */
    const double means[] = {26.0 / 6, 17.0 / 7, 11.0 / 3};
    for (int g = 0; g < 3; g++) {
        ck_assert_double_eq_tol(raw[g], means[g], 1e-14);
        double lo = fmin(raw[g], prior[0]), hi = fmax(raw[g], prior[0]);
        ck_assert_msg(sh[g] >= lo - 1e-12 && sh[g] <= hi + 1e-12, "group %d: %g not in [%g, %g]", g,
                      sh[g], lo, hi);
    }
    ck_assert(prior[1] >= 0);
    cx_scores_free(t);

    /* only one group with ratings: nothing to pool */
    const int64_t codes[] = {0, 0, 0};
    const double r[] = {1, 2, 3};
    ck_assert_int_eq(cx_scores_group_columns(&t, codes, 3, r, 3, NULL, 0, 2, 1, 5), CX_OK);
    ck_assert_int_eq(cx_scores_shrink(raw, sh, NULL, 2, t, CX_SCORE_MEAN, 0), CX_ERANGE);
    cx_scores_free(t);
}
END_TEST

START_TEST(trend_errors)
{
    double slope = SENTINEL, se = SENTINEL, p = SENTINEL;
    cx_scores *t = table(0);
    ck_assert_int_eq(cx_scores_trend(NULL, &se, &p, t, CX_SCORE_MEAN, 0), CX_EINVAL);
    assert_param(cx_scores_trend(&slope, &se, &p, t, CX_SCORE_MEAN, 0), CX_ENOTSUP, "t");
    cx_scores_free(t);
    t = table(1);
    assert_param(cx_scores_trend(&slope, &se, &p, t, 3, 0), CX_EINVAL, "kind");
    assert_param(cx_scores_trend(&slope, &se, &p, t, CX_SCORE_NPS, 0), CX_EINVAL, "kind");
    ck_assert(slope == SENTINEL && se == SENTINEL && p == SENTINEL);
    /* three periods: the weighted least-squares slope of the means on years */
    ck_assert_int_eq(cx_scores_trend(&slope, &se, &p, t, CX_SCORE_MEAN, 0), CX_OK);
    ck_assert(isfinite(slope) && se > 0 && p > 0 && p <= 1);
    cx_scores_free(t);
    /* two periods only */
    const int64_t codes[] = {0, 0, 1, 1}, starts[] = {0, 86400};
    const double r[] = {1, 3, 2, 5};
    ck_assert_int_eq(cx_scores_group_columns(&t, codes, 4, r, 4, NULL, 0, 2, 1, 5), CX_OK);
    ck_assert_int_eq(cx_scores_set_periods(t, starts, 2), CX_OK);
    slope = SENTINEL;
    ck_assert_int_eq(cx_scores_trend(&slope, NULL, NULL, t, CX_SCORE_MEAN, 0), CX_ERANGE);
    ck_assert(slope == SENTINEL);
    cx_scores_free(t);
}
END_TEST

Suite *cx_suite_scores_errors(void)
{
    Suite *s = suite_create("scores_errors");
    TCase *tc = tcase_create("scores_errors");
    tcase_add_test(tc, shrink_errors_and_property);
    tcase_add_test(tc, trend_errors);
    suite_add_tcase(s, tc);
    return s;
}
