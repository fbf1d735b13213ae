/* The binding-friendly column forms of the drivers and scores APIs (lib/drivers/columns.c,
 * lib/scores/columns.c) are what Python and Lua users call, so their error paths are the ones
 * script users meet: arrays of mismatched lengths, a wrong output length, NULLs, and memory
 * exhaustion in the temporary arrays. Each must fail with CX_EINVAL naming the parameter (or
 * CX_ENOMEM), leave the output untouched, and agree with the plain C function on success. */
#include <check.h>
#include <math.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define SENTINEL 12345.0

static void assert_param(cx_status st, const char *param)
{
    ck_assert_int_eq(st, CX_EINVAL);
    ck_assert_ptr_nonnull(cx_error_last()->param);
    ck_assert_str_eq(cx_error_last()->param, param);
}

static void assert_untouched(const double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_double_eq(out[i], SENTINEL);
}

static void fill(double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = SENTINEL;
}

/* Fail the N-th allocation for N = 0, 1, ... until `call` succeeds; each failure is CX_ENOMEM
 * with the output untouched and nothing leaked. Returns how many allocations the call made. */
#define OOM_SWEEP(out, n_out, call)                                                                \
    do {                                                                                           \
        for (long n_ = 0;; n_++) {                                                                 \
            fill(out, n_out);                                                                      \
            long live_ = cx__alloc_live();                                                         \
            cx__alloc_fail_after(n_, 0);                                                           \
            cx_status st_ = (call);                                                                \
            long failures_ = cx__alloc_failures();                                                 \
            cx__alloc_fail_after(-1, 0);                                                           \
            ck_assert_int_eq(cx__alloc_live(), live_);                                             \
            if (failures_ == 0) {                                                                  \
                ck_assert_int_eq(st_, CX_OK);                                                      \
                ck_assert_int_gt(n_, 0);                                                           \
                break;                                                                             \
            }                                                                                      \
            ck_assert_int_eq(st_, CX_ENOMEM);                                                      \
            assert_untouched(out, n_out);                                                          \
        }                                                                                          \
    } while (0)

START_TEST(kano_and_ipa_values)
{
    const double fn[] = {1, 2, 1, 3, NAN}, dys[] = {5, 5, 3, 3, 5};
    double out[5], out10[10];
    fill(out, 5);
    assert_param(cx_kano_classify_values(out, 5, fn, 5, dys, 4), "dysfunctional");
    assert_param(cx_kano_classify_values(out, 4, fn, 5, dys, 5), "out");
    assert_untouched(out, 5);
    OOM_SWEEP(out, 5, cx_kano_classify_values(out, 5, fn, 5, dys, 5));
    int cat[5];
    ck_assert_int_eq(cx_kano_classify(cat, fn, dys, 5), CX_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_double_eq(out[i], cat[i]);
    ck_assert_double_eq(out[0], CX_KANO_O); /* like when present, dislike when absent */
    ck_assert_double_eq(out[1], CX_KANO_M);
    ck_assert_double_eq(out[4], -1);

    fill(out10, 10);
    ck_assert_int_eq(cx_kano_feature_values(NULL, 10, fn, 5, dys, 5), CX_EINVAL);
    assert_param(cx_kano_feature_values(out10, 10, fn, 5, dys, 3), "dysfunctional");
    assert_param(cx_kano_feature_values(out10, 9, fn, 5, dys, 5), "out");
    assert_untouched(out10, 10);

    const double imp[] = {0.9, 0.1, 0.5}, perf[] = {0.2, 0.8, 0.5};
    double q[3];
    fill(q, 3);
    assert_param(cx_ipa_quadrants_values(q, 3, imp, 3, perf, 2, NAN, NAN), "performance");
    assert_param(cx_ipa_quadrants_values(q, 2, imp, 3, perf, 3, NAN, NAN), "out");
    assert_untouched(q, 3);
    OOM_SWEEP(q, 3, cx_ipa_quadrants_values(q, 3, imp, 3, perf, 3, 0.5, 0.5));
    int qi[3];
    ck_assert_int_eq(cx_ipa_quadrants(qi, imp, perf, 3, 0.5, 0.5), CX_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq(q[i], qi[i]);
}
END_TEST

START_TEST(drivers_columns)
{
    /* y = x0 + 0.5 x1 + noise-free interaction-free data: x0 dominates x1 completely */
    enum { N = 40, P = 2 };
    double x[N * P], y[N], w[N];
    for (int i = 0; i < N; i++) {
        x[i * P] = (i * 7) % 11;
        x[i * P + 1] = (i * 5) % 13 + 0.1 * (i % 3);
        y[i] = x[i * P] + 0.5 * x[i * P + 1] + 0.3 * ((i * 3) % 5);
        w[i] = 1.0;
    }
    cx_drivers *d = (cx_drivers *)&d; /* must stay as it is on failure */
    cx_drivers *const before = d;
    ck_assert_int_eq(cx_drivers_fit_columns(&d, x, N * P, y, N, NULL, 0, 0, NULL), CX_EINVAL);
    assert_param(cx_drivers_fit_columns(&d, x, N * P - 1, y, N, NULL, 0, P, NULL), "x");
    assert_param(cx_drivers_fit_columns(&d, x, N * P, y, N, w, N - 1, P, NULL), "w");
    ck_assert_ptr_eq(d, before);
    ck_assert_int_eq(cx_drivers_fit_columns(&d, x, N * P, y, N, w, N, P, NULL), CX_OK);

    double c[P * P];
    fill(c, P * P);
    ck_assert_int_eq(cx_drivers_complete_values(NULL, P * P, d), CX_EINVAL);
    ck_assert_int_eq(cx_drivers_complete_values(c, P * P, NULL), CX_EINVAL);
    assert_param(cx_drivers_complete_values(c, P * P + 1, d), "out");
    assert_untouched(c, P * P);
    OOM_SWEEP(c, P * P, cx_drivers_complete_values(c, P * P, d));
    int ci[P * P];
    ck_assert_int_eq(cx_drivers_complete(ci, P, d), CX_OK);
    for (int i = 0; i < P * P; i++)
        ck_assert_double_eq(c[i], ci[i]);
    ck_assert_double_eq(c[1], 1); /* x0 completely dominates x1 */
    ck_assert_double_eq(c[2], -1);
    cx_drivers_free(d);
}
END_TEST

START_TEST(scores_columns)
{
    const double r[] = {10, 9, 7, 3, 0, 8}, wts[] = {1, 2, 1, 1, 1, 1};
    cx_acc *acc;
    ck_assert_int_eq(cx_acc_new(&acc, 0, 10), CX_OK);
    assert_param(cx_acc_add_columns(acc, r, 6, wts, 5), "weights");
    ck_assert_uint_eq(cx_acc_count(acc), 0);
    ck_assert_int_eq(cx_acc_add_columns(acc, r, 6, wts, 6), CX_OK);
    double nps[9];
    fill(nps, 9);
    ck_assert_int_eq(cx_acc_nps_values(NULL, 9, acc, 6, 9, 0.95, 0), CX_EINVAL);
    assert_param(cx_acc_nps_values(nps, 8, acc, 6, 9, 0.95, 0), "out");
    assert_untouched(nps, 9);
    cx_acc_free(acc);

    const int64_t codes[] = {0, 0, 1, 1, 1, 0};
    cx_scores *t = NULL;
    assert_param(cx_scores_group_columns(&t, codes, 6, r, 5, NULL, 0, 2, 0, 10), "ratings");
    assert_param(cx_scores_group_columns(&t, codes, 6, r, 6, wts, 4, 2, 0, 10), "weights");
    ck_assert_ptr_null(t);

    const double a[] = {4, 5, 3, 4, 2}, b[] = {3, 5, 2, 4, 1};
    double g[14];
    fill(g, 14);
    ck_assert_int_eq(cx_gap_paired_values(NULL, 14, a, 5, b, 5, 4, 0.95), CX_EINVAL);
    assert_param(cx_gap_paired_values(g, 13, a, 5, b, 5, 4, 0.95), "out");
    assert_param(cx_gap_paired_values(g, 14, a, 5, b, 4, 4, 0.95), "b");
    assert_untouched(g, 14);

    /* SERVQUAL: 2 respondents x 5 items, one item per dimension */
    const double p[] = {5, 4, 6, 5, 7, 4, 4, 5, 6, 6}, e[] = {6, 6, 6, 6, 6, 5, 5, 5, 5, 5};
    const double dims[] = {0, 1, 2, 3, 4};
    double sq[12];
    fill(sq, 12);
    ck_assert_int_eq(cx_servqual_values(sq, 12, p, 10, e, 10, dims, 0, NULL, 0), CX_EINVAL);
    assert_param(cx_servqual_values(sq, 11, p, 10, e, 10, dims, 5, NULL, 0), "out");
    assert_param(cx_servqual_values(sq, 12, p, 10, e, 9, dims, 5, NULL, 0), "e");
    assert_param(cx_servqual_values(sq, 12, p, 9, e, 9, dims, 5, NULL, 0), "p");
    assert_param(cx_servqual_values(sq, 12, p, 10, e, 10, dims, 5, wts, 4), "importance");
    assert_untouched(sq, 12);
    OOM_SWEEP(sq, 12, cx_servqual_values(sq, 12, p, 10, e, 10, dims, 5, NULL, 0));
    /* item gaps are mean(P - E) per item */
    ck_assert_double_eq_tol(sq[0], ((5 - 6) + (4 - 5)) / 2.0, 1e-15);
    ck_assert_double_eq_tol(sq[4], ((7 - 6) + (6 - 5)) / 2.0, 1e-15);
}
END_TEST

Suite *cx_suite_columns_errors(void)
{
    Suite *s = suite_create("columns_errors");
    TCase *tc = tcase_create("columns_errors");
    tcase_add_test(tc, kano_and_ipa_values);
    tcase_add_test(tc, drivers_columns);
    tcase_add_test(tc, scores_columns);
    suite_add_tcase(s, tc);
    return s;
}
