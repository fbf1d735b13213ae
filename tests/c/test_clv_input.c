/* Issue 4 item 8 for every customer-base model: recency > T, negative or non-integer frequency,
 * monetary value <= 0 for Gamma-Gamma, empty data, a single customer, all-zero frequencies,
 * and bad covariates give an error naming the parameter and leave the model unchanged. */
#include <check.h>
#include <math.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "suites.h"

typedef struct bad_case {
    int kind;
    double x[3], tx[3], T[3];
    size_t n;
    cx_status want;
    const char *param;
} bad_case;

START_TEST(every_kind_names_the_bad_input)
{
    static const bad_case cases[] = {
        /* continuous models: recency > T, negative, non-integer, NaN, recency without repeats */
        {CX_CLV_BGNBD, {1, 2}, {12, 5}, {10, 10}, 2, CX_EINVAL, "recency"},
        {CX_CLV_MBGNBD, {-1, 2}, {0, 5}, {10, 10}, 2, CX_EINVAL, "frequency"},
        {CX_CLV_PARETO_NBD, {1.5, 2}, {3, 5}, {10, 10}, 2, CX_EINVAL, "frequency"},
        {CX_CLV_PARETO_NBD, {NAN, 2}, {3, 5}, {10, 10}, 2, CX_EINVAL, "frequency"},
        {CX_CLV_MBGNBD, {0, 2}, {3, 5}, {10, 10}, 2, CX_EINVAL, "recency"},
        {CX_CLV_BGNBD, {1, 2}, {0, 5}, {0, 10}, 2, CX_EINVAL, "T"},
        /* empty data, all-zero frequencies */
        {CX_CLV_PARETO_NBD, {0}, {0}, {1}, 0, CX_ERANGE, "n"},
        {CX_CLV_MBGNBD, {0, 0, 0}, {0, 0, 0}, {5, 6, 7}, 3, CX_ERANGE, "frequency"},
        {CX_CLV_BGBB, {0, 0}, {0, 0}, {6, 6}, 2, CX_ERANGE, "frequency"},
        {CX_CLV_BGBB, {7}, {5}, {6}, 1, CX_EINVAL, "frequency"},
        {CX_CLV_SBG, {1}, {2}, {0}, 1, CX_EINVAL, "churned"},
        {CX_CLV_SBG, {0}, {0}, {0}, 0, CX_ERANGE, "n"},
        /* Gamma-Gamma: monetary value <= 0, no repeat purchase, no spread of spend */
        {CX_CLV_GAMMA_GAMMA, {1, 2}, {10, 0}, {0}, 2, CX_EINVAL, "monetary_value"},
        {CX_CLV_GAMMA_GAMMA, {1, 2}, {10, -3}, {0}, 2, CX_EINVAL, "monetary_value"},
        {CX_CLV_GAMMA_GAMMA, {0, 2}, {10, 3}, {0}, 2, CX_EINVAL, "frequency"},
        {CX_CLV_GAMMA_GAMMA, {2}, {10}, {0}, 1, CX_ERANGE, "monetary_value"},
        {CX_CLV_GAMMA_GAMMA, {1, 2, 3}, {10, 10, 10}, {0}, 3, CX_ERANGE, "monetary_value"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bad_case *b = &cases[c];
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, b->kind), CX_OK);
        const cx_status st = cx_clv_model_fit(m, b->x, b->tx, b->T, NULL, b->n, NULL);
        ck_assert_msg(st == b->want, "case %zu: status %d, want %d (%s)", c, st, b->want,
                      cx_error_last()->message);
        ck_assert_msg(strcmp(cx_error_last()->param, b->param) == 0, "case %zu: param %s, want %s",
                      c, cx_error_last()->param, b->param);
        double p[4];
        ck_assert_int_eq(cx_clv_model_params(p, cx_clv_model_param_count(m), m), CX_OK);
        for (size_t j = 0; j < cx_clv_model_param_count(m); j++)
            ck_assert(p[j] == 1.0); /* unchanged */
        cx_clv_fit_report rep;
        ck_assert_int_eq(cx_clv_model_report(&rep, m), CX_ESTATE);
        cx_clv_model_free(m);
    }
}
END_TEST

START_TEST(a_single_customer_is_an_error_with_the_reason)
{
    const int kinds[5] = {CX_CLV_BGNBD, CX_CLV_MBGNBD, CX_CLV_PARETO_NBD, CX_CLV_BGBB, CX_CLV_SBG};
    for (int k = 0; k < 5; k++) {
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, kinds[k]), CX_OK);
        const double x = 3, tx = kinds[k] == CX_CLV_SBG ? 1 : 5,
                     T = kinds[k] == CX_CLV_BGBB ? 6 : 10;
        ck_assert_int_eq(cx_clv_model_fit(m, &x, &tx, &T, NULL, 1, NULL), CX_ENOTCONV);
        ck_assert_msg(strstr(cx_error_last()->message, "identify") ||
                          strstr(cx_error_last()->message, "converge"),
                      "%s", cx_error_last()->message);
        cx_clv_model_free(m);
    }
}
END_TEST

START_TEST(covariate_and_uncertainty_misuse_is_named)
{
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_BGNBD), CX_OK);
    const double z[2] = {1, NAN}, ok[2] = {1, 2};
    ck_assert_int_eq(cx_clv_model_set_covariates(m, z, 1, NULL, 0, 2), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "purchase");
    ck_assert_int_eq(cx_clv_model_set_covariates(m, NULL, 1, NULL, 0, 2), CX_EINVAL);
    ck_assert_int_eq(cx_clv_model_set_covariates(m, ok, 1, ok, 1, 2), CX_OK);
    double V[49], se[2], draws[7];
    const double x[2] = {1, 2}, tx[2] = {1, 2}, T[2] = {5, 5};
    ck_assert_int_eq(cx_clv_model_vcov_all(V, 49, m), CX_ESTATE);
    ck_assert_int_eq(cx_clv_predict_stderr(se, m, CX_CLV_Q_P_ALIVE, 0, x, tx, T, 2), CX_ESTATE);
    ck_assert_int_eq(cx_clv_model_bootstrap(draws, 7, m, x, tx, T, NULL, 1, 1, 0, NULL),
                     CX_EINVAL); /* covariates describe 2 customers */
    ck_assert_int_eq(cx_clv_model_bootstrap(draws, 7, m, x, tx, T, NULL, 0, 1, 0, NULL), CX_ERANGE);
    cx_clv_fit_options o;
    cx_clv_fit_options_init(&o, CX_CLV_FIT_OPTIONS_VERSION);
    o.penalizer = -1;
    ck_assert_int_eq(cx_clv_model_bootstrap(draws, 7, m, x, tx, T, NULL, 2, 1, 0, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "penalizer");
    cx_clv_model_free(m);
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_MBGNBD), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_covariates(m, ok, 1, NULL, 0, 2), CX_ENOTSUP);
    cx_clv_model *copy = NULL;
    ck_assert_int_eq(cx_clv_model_copy(&copy, m, ok, 1, NULL, 0, 2), CX_EINVAL);
    ck_assert_ptr_null(copy);
    ck_assert_int_eq(cx_clv_model_copy(&copy, m, NULL, 0, NULL, 0, 0), CX_OK);
    ck_assert_int_eq(cx_clv_model_kind(copy), CX_CLV_MBGNBD);
    cx_clv_model_free(copy);
    cx_clv_model_free(m);
}
END_TEST

/* A summary saved as columns and rebuilt with cx_rfm_from_columns() updates like the original
 * and like a recomputation from the whole log. */
START_TEST(rfm_rebuilt_from_columns_updates_like_a_recompute)
{
    const int64_t day = 86400, t0 = 1704067200; /* 2024-01-01 */
    const char *c[] = {"a", "a", "b", "a", "c", "b", "a", "d", "c"};
    const int64_t t[] = {t0,           t0 + 2 * day,  t0 + 3 * day,  t0 + 6 * day,
                         t0 + 7 * day, t0 + 12 * day, t0 + 15 * day, t0 + 16 * day,
                         t0 + 20 * day};
    const double amt[] = {10, 5, 7, 3, 8, 4, 6, 100, 2};
    cx_txlog *early = NULL, *late = NULL, *all = NULL;
    ck_assert_int_eq(cx_txlog_new(&early), CX_OK);
    ck_assert_int_eq(cx_txlog_new(&late), CX_OK);
    ck_assert_int_eq(cx_txlog_new(&all), CX_OK);
    ck_assert_int_eq(cx_txlog_append_columns(early, c, t, amt, 5), CX_OK);
    ck_assert_int_eq(cx_txlog_append_columns(late, c + 5, t + 5, amt + 5, 4), CX_OK);
    ck_assert_int_eq(cx_txlog_append_columns(all, c, t, amt, 9), CX_OK);
    cx_rfm_options o;
    cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
    o.multiplier = 7; /* weeks in days: recency and T are fractions on the grid */
    o.observation_end = t0 + 10 * day;
    cx_rfm *orig = NULL, *rebuilt = NULL, *full = NULL;
    ck_assert_int_eq(cx_rfm_from_txlog(&orig, early, &o), CX_OK);
    const size_t n = cx_rfm_rows(orig);
    ck_assert_uint_eq(n, 3);
    double cols[4][3];
    const char *ids[3];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(cx_rfm_get(cols[k], n, orig, k), CX_OK);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(cx_rfm_customer(&ids[i], orig, i), CX_OK);
        cols[1][i] = floor(cols[1][i] * 100 + 0.5) / 100; /* saved to 0.01 week */
        cols[2][i] = floor(cols[2][i] * 100 + 0.5) / 100;
    }
    ck_assert_int_eq(cx_rfm_from_columns(&rebuilt, ids, cols[0], cols[1], cols[2], cols[3], n, &o),
                     CX_OK);
    const int64_t end = t0 + 25 * day;
    ck_assert_int_eq(cx_rfm_update(orig, late, end), CX_OK);
    ck_assert_int_eq(cx_rfm_update(rebuilt, late, end), CX_OK);
    o.observation_end = end;
    ck_assert_int_eq(cx_rfm_from_txlog(&full, all, &o), CX_OK);
    ck_assert_uint_eq(cx_rfm_rows(rebuilt), 4);
    for (int k = 0; k < 4; k++) {
        double a[4], b[4], f[4];
        ck_assert_int_eq(cx_rfm_get(a, 4, orig, k), CX_OK);
        ck_assert_int_eq(cx_rfm_get(b, 4, rebuilt, k), CX_OK);
        ck_assert_int_eq(cx_rfm_get(f, 4, full, k), CX_OK);
        for (int i = 0; i < 4; i++) {
            ck_assert_double_eq_tol(b[i], a[i], 1e-12 * fabs(a[i]) + 1e-12);
            ck_assert_double_eq_tol(b[i], f[i], 1e-12 * fabs(f[i]) + 1e-12);
        }
    }
    /* bad columns are named; values off the period grid are refused */
    o.observation_end = t0 + 10 * day;
    cx_rfm *bad = NULL;
    double T2[3] = {cols[2][0] + 0.1, cols[2][1], cols[2][2]};
    ck_assert_int_eq(cx_rfm_from_columns(&bad, ids, cols[0], cols[1], T2, NULL, n, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "T");
    double r2[3] = {cols[2][0] + 1, cols[1][1], cols[1][2]};
    ck_assert_int_eq(cx_rfm_from_columns(&bad, ids, cols[0], r2, cols[2], NULL, n, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "recency");
    double f2[3] = {1.5, 0, 0};
    ck_assert_int_eq(cx_rfm_from_columns(&bad, ids, f2, cols[1], cols[2], NULL, n, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "frequency");
    o.calibration_end = t0;
    ck_assert_int_eq(cx_rfm_from_columns(&bad, ids, cols[0], cols[1], cols[2], NULL, n, &o),
                     CX_EINVAL);
    ck_assert_ptr_null(bad);
    cx_rfm_free(orig);
    cx_rfm_free(rebuilt);
    cx_rfm_free(full);
    cx_txlog_free(early);
    cx_txlog_free(late);
    cx_txlog_free(all);
}
END_TEST

/* in test_clv.c: op with its k-th allocation failing for k = 0, 1, ... until it succeeds */
void cx_test_clv_each_allocation_fails(cx_status (*op)(void *), void *ctx, const char *name);

static cx_status op_from_columns(void *v)
{
    (void)v;
    const char *ids[3] = {"a", "b", "c"};
    const double f[3] = {2, 0, 1}, r[3] = {3, 0, 1}, T[3] = {5, 4, 2}, m[3] = {10, 0, 4};
    cx_rfm_options o;
    cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
    o.observation_end = 1704067200;
    cx_rfm *r2 = NULL;
    cx_status st = cx_rfm_from_columns(&r2, ids, f, r, T, m, 3, &o);
    cx_rfm_free(r2);
    return st;
}

START_TEST(rfm_from_columns_survives_allocation_failures)
{
    cx_test_clv_each_allocation_fails(op_from_columns, NULL, "summary from columns");
}
END_TEST

Suite *cx_suite_clv_input(void)
{
    Suite *s = suite_create("clv_input");
    TCase *t = tcase_create("clv_input");
    tcase_add_test(t, every_kind_names_the_bad_input);
    tcase_add_test(t, a_single_customer_is_an_error_with_the_reason);
    tcase_add_test(t, covariate_and_uncertainty_misuse_is_named);
    tcase_add_test(t, rfm_rebuilt_from_columns_updates_like_a_recompute);
    tcase_add_test(t, rfm_from_columns_survives_allocation_failures);
    suite_add_tcase(s, t);
    return s;
}
