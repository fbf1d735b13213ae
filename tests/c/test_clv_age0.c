/* Customers of age 0 (first purchase at the observation end: x = t_x = T = 0), which lifetimes'
 * summaries and `cxkit clv summary` produce: their likelihood is exactly 1 in BG/NBD, MBG/NBD and
 * Pareto/NBD, so a fit with them equals the fit without them, and their predictions are those
 * of a new customer (the models' unconditional forms). T = 0 with repeat purchases is an error. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "cdnow.h"
#include "suites.h"

#define DATA CX_SOURCE_DIR "/tests/data/cdnow/"
#define NMAX 2600

static void rel_close(double got, double want, double tol)
{
    ck_assert_msg(fabs(got - want) <= tol * fabs(want), "got %.17g, want %.17g (rel tol %g)", got,
                  want, tol);
}

typedef struct rows {
    size_t n;
    double x[NMAX], tx[NMAX], T[NMAX];
} rows;

static const rows *cdnow_rows(void)
{
    static rows d;
    if (d.n)
        return &d;
    const cdnow *c = cx_test_load_cdnow();
    d.n = c->n;
    memcpy(d.x, c->x, c->n * sizeof *d.x);
    memcpy(d.tx, c->tx, c->n * sizeof *d.tx);
    memcpy(d.T, c->T, c->n * sizeof *d.T);
    return &d;
}

/* CDNOW with an age-0 customer inserted after every 12th row (and first). */
static const rows *cdnow_with_age0(void)
{
    static rows e;
    if (e.n)
        return &e;
    const rows *d = cdnow_rows();
    for (size_t i = 0; i < d->n; i++) {
        if (i % 12 == 0) {
            e.x[e.n] = e.tx[e.n] = e.T[e.n] = 0.0;
            e.n++;
        }
        e.x[e.n] = d->x[i];
        e.tx[e.n] = d->tx[i];
        e.T[e.n] = d->T[i];
        e.n++;
    }
    return &e;
}

static cx_clv_model *fitted(int kind, const rows *d, cx_clv_fit_report *rep)
{
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    const cx_status st = cx_clv_model_fit(m, d->x, d->tx, d->T, NULL, d->n, NULL);
    ck_assert_msg(st == CX_OK, "fit: %s", cx_error_last()->message);
    ck_assert_int_eq(cx_clv_model_report(rep, m), CX_OK);
    return m;
}

static const int KINDS[3] = {CX_CLV_BGNBD, CX_CLV_MBGNBD, CX_CLV_PARETO_NBD};

START_TEST(age0_rows_leave_the_fit_unchanged)
{
    const rows *d = cdnow_rows(), *e = cdnow_with_age0();
    ck_assert_uint_gt(e->n, d->n);
    for (int k = 0; k < 3; k++) {
        cx_clv_fit_report ra, rb;
        cx_clv_model *a = fitted(KINDS[k], d, &ra), *b = fitted(KINDS[k], e, &rb);
        double p[4], q[4], sa[4], sb[4];
        ck_assert_int_eq(cx_clv_model_params(p, 4, a), CX_OK);
        ck_assert_int_eq(cx_clv_model_params(q, 4, b), CX_OK);
        ck_assert_int_eq(cx_clv_model_stderr(sa, 4, a), CX_OK);
        ck_assert_int_eq(cx_clv_model_stderr(sb, 4, b), CX_OK);
        for (int j = 0; j < 4; j++) { /* bit for bit */
            rel_close(q[j], p[j], 0.0);
            rel_close(sb[j], sa[j], 0.0);
        }
        rel_close(rb.loglik, ra.loglik, 0.0);
        ck_assert_uint_eq(rb.n_rows, e->n); /* they are counted as customers */
        /* their own log-likelihood is 0 */
        double ll[2];
        const double z[2] = {0, 0};
        ck_assert_int_eq(cx_clv_model_loglik(ll, b, z, z, z, 2), CX_OK);
        ck_assert(fabs(ll[0]) < 1e-13 && fabs(ll[1]) < 1e-13);
        cx_clv_model_free(a);
        cx_clv_model_free(b);
    }
}
END_TEST

/* With covariates (a satisfaction score per customer), as without: the rows of age 0 change
 * neither the fit nor, through their covariates, anything but their own predictions. */
START_TEST(age0_rows_leave_the_covariate_fit_unchanged)
{
    const rows *d = cdnow_rows(), *e = cdnow_with_age0();
    static double zd[NMAX], ze[NMAX], out[NMAX];
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++) {
        ze[i] = sin(0.37 * (double)i); /* any value: age-0 rows carry no information */
        if (e->T[i] > 0)
            zd[k++] = ze[i];
    }
    ck_assert_uint_eq(k, d->n);
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    for (int j = 0; j < 2; j++) {
        cx_clv_model *a = NULL, *b = NULL;
        ck_assert_int_eq(cx_clv_model_new(&a, kinds[j]), CX_OK);
        ck_assert_int_eq(cx_clv_model_new(&b, kinds[j]), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_covariates(a, zd, 1, NULL, 0, d->n), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_covariates(b, ze, 1, NULL, 0, e->n), CX_OK);
        ck_assert_int_eq(cx_clv_model_fit(a, d->x, d->tx, d->T, NULL, d->n, NULL), CX_OK);
        ck_assert_int_eq(cx_clv_model_fit(b, e->x, e->tx, e->T, NULL, e->n, NULL), CX_OK);
        double p[4], q[4], ca, cb;
        cx_clv_fit_report ra, rb;
        ck_assert_int_eq(cx_clv_model_params(p, 4, a), CX_OK);
        ck_assert_int_eq(cx_clv_model_params(q, 4, b), CX_OK);
        ck_assert_int_eq(cx_clv_model_coefs(&ca, 1, a), CX_OK);
        ck_assert_int_eq(cx_clv_model_coefs(&cb, 1, b), CX_OK);
        ck_assert_int_eq(cx_clv_model_report(&ra, a), CX_OK);
        ck_assert_int_eq(cx_clv_model_report(&rb, b), CX_OK);
        for (int i = 0; i < 4; i++)
            rel_close(q[i], p[i], 1e-12);
        rel_close(cb, ca, 1e-12);
        rel_close(rb.loglik, ra.loglik, 1e-12);
        ck_assert_uint_eq(rb.n_rows, e->n);
        /* an age-0 customer with covariate z: P(alive) 1, E[Y(t)] a new customer's with
         * alpha exp(-g z) */
        ck_assert_int_eq(cx_clv_p_alive(out, b, 0, e->x, e->tx, e->T, e->n), CX_OK);
        ck_assert(out[0] == 1.0 && out[12 + 1] == 1.0);
        ck_assert_int_eq(cx_clv_conditional_purchases(out, b, 39, e->x, e->tx, e->T, e->n), CX_OK);
        double own[4] = {q[0], q[1] * exp(-cb * ze[13]), q[2], q[3]}, want;
        const double t39 = 39.0;
        cx_clv_model *o = NULL;
        ck_assert_int_eq(cx_clv_model_new(&o, kinds[j]), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_params(o, own, 4), CX_OK);
        ck_assert_int_eq(cx_clv_expected_purchases(&want, o, &t39, 1), CX_OK);
        rel_close(out[13], want, 1e-12);
        cx_clv_model_free(o);
        cx_clv_model_free(a);
        cx_clv_model_free(b);
    }
}
END_TEST

typedef cx_status (*op_fn)(void *ctx);
void cx_test_clv_each_allocation_fails(op_fn op, void *ctx, const char *name); /* test_clv.c */

static cx_status op_fit_with_age0(void *v)
{
    cx_clv_model *m = v;
    const rows *e = cdnow_with_age0();
    return cx_clv_model_fit(m, e->x, e->tx, e->T, NULL, e->n, NULL);
}

START_TEST(age0_fit_survives_allocation_failures)
{
    cdnow_with_age0();
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    for (int k = 0; k < 2; k++) {
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, kinds[k]), CX_OK);
        cx_test_clv_each_allocation_fails(op_fit_with_age0, m, "fit with age-0 rows");
        cx_clv_model_free(m);
    }
}
END_TEST

/* E[X(t)] of Pareto/NBD: r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]. */
static double pnbd_unconditional(const double *p, double t)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    return r * beta / (alpha * (s - 1)) * (1 - pow(beta / (beta + t), s - 1));
}

START_TEST(age0_predictions_are_those_of_a_new_customer)
{
    const rows *d = cdnow_rows();
    /* many rows, so that the vectorised block kernels run too; every 7th of age 0 */
    static double x[NMAX], tx[NMAX], T[NMAX], out[NMAX], se[NMAX];
    const size_t n = d->n;
    for (size_t i = 0; i < n; i++) {
        const int zero = i % 7 == 3;
        x[i] = zero ? 0 : d->x[i];
        tx[i] = zero ? 0 : d->tx[i];
        T[i] = zero ? 0 : d->T[i];
    }
    const double horizons[3] = {1.0, 39.0, 500.0};
    for (int k = 0; k < 3; k++) {
        cx_clv_fit_report rep;
        cx_clv_model *m = fitted(KINDS[k], d, &rep);
        double p[4];
        ck_assert_int_eq(cx_clv_model_params(p, 4, m), CX_OK);
        for (int h = 0; h < 3; h++) {
            double ex;
            ck_assert_int_eq(cx_clv_expected_purchases(&ex, m, &horizons[h], 1), CX_OK);
            if (KINDS[k] == CX_CLV_PARETO_NBD)
                rel_close(ex, pnbd_unconditional(p, horizons[h]), 1e-12);
            ck_assert_int_eq(cx_clv_conditional_purchases(out, m, horizons[h], x, tx, T, n), CX_OK);
            for (size_t i = 3; i < n; i += 7)
                rel_close(out[i], ex, 1e-12);
        }
        ck_assert_int_eq(cx_clv_p_alive(out, m, 0, x, tx, T, n), CX_OK);
        /* MBG/NBD: 1 / (1 + a / (b + x - 1 + 1) ((alpha + T) / (alpha + t_x))^(r + x)) */
        const double pa = KINDS[k] == CX_CLV_MBGNBD ? 1.0 / (1.0 + p[2] / p[3]) : 1.0;
        for (size_t i = 3; i < n; i += 7)
            rel_close(out[i], pa, 1e-15);
        /* delta-method standard errors exist and are finite for them */
        ck_assert_int_eq(cx_clv_predict_stderr(se, m, CX_CLV_Q_CONDITIONAL, 39.0, x, tx, T, n),
                         CX_OK);
        for (size_t i = 3; i < n; i += 7)
            ck_assert(isfinite(se[i]) && se[i] > 0);
        cx_clv_model_free(m);
    }
}
END_TEST

/* Pareto/NBD DERT of a new customer: the integral of e^(-delta t) times the purchase rate
 * d E[X(t)] / dt = (r / alpha) (beta / (beta + t))^s, by Simpson's rule (cx_clv_dert takes
 * the discrete rate d = e^delta - 1). */
START_TEST(age0_pareto_dert_is_a_new_customers)
{
    const double p[4] = {0.553, 10.578, 0.606, 11.669}, delta = 0.05;
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_PARETO_NBD), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(m, p, 4), CX_OK);
    const double z = 0.0;
    double dert;
    ck_assert_int_eq(cx_clv_dert(&dert, m, expm1(delta), &z, &z, &z, 1), CX_OK);
    const size_t steps = 200000;
    const double hi = 1200.0, h = hi / (double)steps;
    double sum = 0.0;
    for (size_t i = 0; i <= steps; i++) {
        const double t = (double)i * h;
        const double f = exp(-delta * t) * p[0] / p[1] * pow(p[3] / (p[3] + t), p[2]);
        sum += f * (i == 0 || i == steps ? 1.0 : i % 2 ? 4.0 : 2.0);
    }
    rel_close(dert, sum * h / 3.0, 1e-9);
    cx_clv_model_free(m);
}
END_TEST

/* Samplers: a customer of age 0 has made no repeat purchase (MBG/NBD may have died at once). */
START_TEST(age0_samples_have_no_purchases)
{
    const double p[4] = {0.5, 5, 0.8, 2.5}, T[3] = {0, 38, 0};
    for (int k = 0; k < 3; k++) {
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, KINDS[k]), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_params(m, p, 4), CX_OK);
        double x[3], tx[3], alive[3];
        ck_assert_int_eq(cx_clv_model_sample(x, tx, alive, m, T, 3, 7), CX_OK);
        ck_assert(x[0] == 0 && tx[0] == 0 && x[2] == 0 && tx[2] == 0);
        if (KINDS[k] != CX_CLV_MBGNBD)
            ck_assert(alive[0] == 1.0 && alive[2] == 1.0);
        const double neg = -1.0;
        ck_assert_int_eq(cx_clv_model_sample(x, tx, alive, m, &neg, 1, 7), CX_EINVAL);
        cx_clv_model_free(m);
    }
}
END_TEST

/* BG/BB: n = 0 opportunities (x = t_x = 0) is the discrete age 0, as in lifetimes: the fit on
 * the donations data is unchanged by such rows and predictions are a new customer's. */
START_TEST(bgbb_zero_opportunities_is_a_new_customer)
{
    double x[23], tx[23], n[23], w[23];
    FILE *f = fopen(DATA "donations.csv", "r");
    ck_assert_ptr_nonnull(f);
    char line[128];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    int r = 0;
    while (r < 22 && fscanf(f, "%lf,%lf,%lf,%lf", &x[r], &tx[r], &n[r], &w[r]) == 4)
        r++;
    fclose(f);
    ck_assert_int_eq(r, 22);
    x[22] = tx[22] = n[22] = 0.0;
    w[22] = 40.0;
    cx_clv_model *a = NULL, *b = NULL;
    ck_assert_int_eq(cx_clv_model_new(&a, CX_CLV_BGBB), CX_OK);
    ck_assert_int_eq(cx_clv_model_new(&b, CX_CLV_BGBB), CX_OK);
    ck_assert_int_eq(cx_clv_model_fit(a, x, tx, n, w, 22, NULL), CX_OK);
    ck_assert_int_eq(cx_clv_model_fit(b, x, tx, n, w, 23, NULL), CX_OK);
    double p[4], q[4];
    cx_clv_fit_report ra, rb;
    ck_assert_int_eq(cx_clv_model_params(p, 4, a), CX_OK);
    ck_assert_int_eq(cx_clv_model_params(q, 4, b), CX_OK);
    ck_assert_int_eq(cx_clv_model_report(&ra, a), CX_OK);
    ck_assert_int_eq(cx_clv_model_report(&rb, b), CX_OK);
    for (int j = 0; j < 4; j++)
        rel_close(q[j], p[j], 0.0);
    rel_close(rb.loglik, ra.loglik, 0.0);
    ck_assert_uint_eq(rb.n_rows, ra.n_rows + 40);
    const double z = 0.0, five = 5.0;
    double got, want;
    ck_assert_int_eq(cx_clv_conditional_purchases(&got, a, 5, &z, &z, &z, 1), CX_OK);
    ck_assert_int_eq(cx_clv_expected_purchases(&want, a, &five, 1), CX_OK);
    rel_close(got, want, 1e-12);
    /* P(alive at opportunity m) of a new customer: B(gamma, delta + m) / B(gamma, delta) */
    ck_assert_int_eq(cx_clv_p_alive(&got, a, 0, &z, &z, &z, 1), CX_OK);
    rel_close(got, 1.0, 1e-14);
    ck_assert_int_eq(cx_clv_p_alive(&got, a, 1, &z, &z, &z, 1), CX_OK);
    rel_close(got, p[3] / (p[2] + p[3]), 1e-12);
    double ll;
    ck_assert_int_eq(cx_clv_model_loglik(&ll, a, &z, &z, &z, 1), CX_OK);
    ck_assert(fabs(ll) < 1e-14);
    const double one = 1.0;
    ck_assert_int_eq(cx_clv_p_alive(&got, a, 0, &one, &one, &z, 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "frequency");
    cx_clv_model_free(a);
    cx_clv_model_free(b);
}
END_TEST

START_TEST(age0_with_purchases_is_an_error)
{
    const double x[2] = {1, 2}, tx[2] = {0.5, 0}, T[2] = {3, 0};
    for (int k = 0; k < 3; k++) {
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, KINDS[k]), CX_OK);
        ck_assert_int_eq(cx_clv_model_fit(m, x, tx, T, NULL, 2, NULL), CX_EINVAL);
        ck_assert_str_eq(cx_error_last()->param, "T");
        ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "T[1] = 0"));
        const double p[4] = {0.5, 5, 0.8, 2.5};
        ck_assert_int_eq(cx_clv_model_set_params(m, p, 4), CX_OK);
        double out[2];
        ck_assert_int_eq(cx_clv_p_alive(out, m, 0, x, tx, T, 2), CX_EINVAL);
        ck_assert_str_eq(cx_error_last()->param, "T");
        /* negative T stays an error */
        const double Tn[2] = {3, -1}, zx[2] = {1, 0}, ztx[2] = {0.5, 0};
        ck_assert_int_eq(cx_clv_p_alive(out, m, 0, zx, ztx, Tn, 2), CX_EINVAL);
        ck_assert_str_eq(cx_error_last()->param, "T");
        /* only age-0 customers: nothing to fit */
        const double zz[2] = {0, 0};
        ck_assert_int_eq(cx_clv_model_fit(m, zz, zz, zz, NULL, 2, NULL), CX_ERANGE);
        cx_clv_model_free(m);
    }
}
END_TEST

Suite *cx_suite_clv_age0(void)
{
    Suite *s = suite_create("clv_age0");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, age0_rows_leave_the_fit_unchanged);
    tcase_add_test(t, age0_fit_survives_allocation_failures);
    tcase_add_test(t, age0_rows_leave_the_covariate_fit_unchanged);
    tcase_add_test(t, age0_predictions_are_those_of_a_new_customer);
    tcase_add_test(t, age0_pareto_dert_is_a_new_customers);
    tcase_add_test(t, age0_samples_have_no_purchases);
    tcase_add_test(t, age0_with_purchases_is_an_error);
    tcase_add_test(t, bgbb_zero_opportunities_is_a_new_customer);
    suite_add_tcase(s, t);
    return s;
}
