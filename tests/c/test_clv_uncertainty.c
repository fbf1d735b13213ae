/* Uncertainty of the customer-base models with time-invariant covariates: the delta method
 * against central differences of predictions evaluated with each customer's own parameters
 * (plain models, no covariate code involved), copies for new customers, CLV standard errors,
 * the bootstrap against the Hessian standard errors, weights in the bootstrap, recovery of
 * covariate coefficients from the sampler, and allocation failures. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

static const double BG[4] = {0.243, 4.414, 0.793, 2.426};
static const double PN[4] = {0.553, 10.578, 0.606, 11.669};

enum { N = 3000 };

/* Simulated customers with one standard-normal-like covariate z (purchase and dropout). */
typedef struct simdata {
    double x[N], tx[N], T[N], z[N];
} simdata;

static void simulate(simdata *s, int kind, const double *p, const double *coefs, uint64_t seed)
{
    cx_rng *rng = NULL;
    ck_assert_int_eq(cx_rng_new(&rng, seed, 99), CX_OK);
    for (int i = 0; i < N; i++) {
        s->T[i] = 27 + 12.0 * i / N;
        s->z[i] = cx_rng_std_normal(rng);
    }
    cx_rng_free(rng);
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(m, p, 4), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_covariates(m, s->z, 1, s->z, 1, N), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_coefs(m, coefs, cx_clv_model_coef_count(m)), CX_OK);
    ck_assert_int_eq(cx_clv_model_sample(s->x, s->tx, NULL, m, s->T, N, seed), CX_OK);
    cx_clv_model_free(m);
}

static cx_clv_model *fit_cov(int kind, const simdata *s)
{
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_covariates(m, s->z, 1, s->z, 1, N), CX_OK);
    const cx_status st = cx_clv_model_fit(m, s->x, s->tx, s->T, NULL, N, NULL);
    ck_assert_msg(st == CX_OK, "fit: %s", cx_error_last()->message);
    return m;
}

/* Customer i's own parameters under theta = [p (natural), coefs] with covariate z. */
static void own_params(double *own, int kind, const double *theta, double z)
{
    memcpy(own, theta, 4 * sizeof *own);
    own[1] *= exp(-theta[4] * z);
    if (kind == CX_CLV_PARETO_NBD) {
        own[3] *= exp(-theta[5] * z);
    } else {
        own[2] *= exp(theta[5] * z);
        own[3] *= exp(theta[6] * z);
    }
}

/* One prediction of a customer by a plain model with the given parameters. */
static double predict_plain(int kind, int q, const double *p, double x, double tx, double T)
{
    cx_clv_model *m = NULL;
    double out = NAN;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(m, p, 4), CX_OK);
    if (q == CX_CLV_Q_CONDITIONAL)
        ck_assert_int_eq(cx_clv_conditional_purchases(&out, m, 39, &x, &tx, &T, 1), CX_OK);
    else
        ck_assert_int_eq(cx_clv_p_alive(&out, m, 0, &x, &tx, &T, 1), CX_OK);
    cx_clv_model_free(m);
    return out;
}

START_TEST(delta_method_covers_the_coefficients)
{
    static simdata s;
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    const double *ps[2] = {BG, PN};
    const double coefs[2][3] = {{0.6, 0.4, -0.3}, {0.5, 0.4, 0}};
    for (int c = 0; c < 2; c++) {
        const int kind = kinds[c];
        simulate(&s, kind, ps[c], coefs[c], 21 + c);
        cx_clv_model *m = fit_cov(kind, &s);
        const size_t k = 4 + cx_clv_model_coef_count(m);
        double V[49], theta[7], se_p[4], se_c[3];
        ck_assert_int_eq(cx_clv_model_vcov_all(V, k * k, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_vcov_all(V, 16, m), CX_EINVAL);
        ck_assert_int_eq(cx_clv_model_params(theta, 4, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_coefs(theta + 4, k - 4, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_stderr(se_p, 4, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_coef_stderr(se_c, k - 4, m), CX_OK);
        for (size_t j = 0; j < k; j++) /* the blocks agree with the separate accessors */
            ck_assert_double_eq_tol(sqrt(V[j * k + j]), j < 4 ? se_p[j] : se_c[j - 4],
                                    1e-12 * sqrt(V[j * k + j]));
        /* new customers with given covariates */
        const double z[3] = {-1.0, 0.0, 1.5}, x[3] = {0, 2, 7}, tx[3] = {0, 30.43, 20},
                     T[3] = {38.86, 38.86, 35};
        cx_clv_model *nm = NULL;
        ck_assert_int_eq(cx_clv_model_copy(&nm, m, z, 2, z, 1, 3), CX_EINVAL);
        ck_assert_str_eq(cx_error_last()->param, "k_purchase");
        ck_assert_int_eq(cx_clv_model_copy(&nm, m, z, 1, z, 1, 3), CX_OK);
        for (int q = CX_CLV_Q_CONDITIONAL; q <= CX_CLV_Q_P_ALIVE; q++) {
            double est[3], se[3];
            ck_assert_int_eq(
                cx_clv_predict_stderr(se, nm, q, q == CX_CLV_Q_CONDITIONAL ? 39 : 0, x, tx, T, 3),
                CX_OK);
            ck_assert_int_eq(q == CX_CLV_Q_CONDITIONAL
                                 ? cx_clv_conditional_purchases(est, nm, 39, x, tx, T, 3)
                                 : cx_clv_p_alive(est, nm, 0, x, tx, T, 3),
                             CX_OK);
            for (int i = 0; i < 3; i++) {
                /* the copy predicts with the customer's own parameters ... */
                double own[4], g[7], var = 0;
                own_params(own, kind, theta, z[i]);
                ck_assert_double_eq_tol(est[i], predict_plain(kind, q, own, x[i], tx[i], T[i]),
                                        1e-13 * fabs(est[i]) + 1e-300);
                /* ... and its standard error is g' V g with g by differences over theta */
                for (size_t j = 0; j < k; j++) {
                    double up[7], dn[7], ou[4], od[4];
                    const double h = 1e-6 * fmax(1.0, fabs(theta[j]));
                    memcpy(up, theta, sizeof up);
                    memcpy(dn, theta, sizeof dn);
                    up[j] += h;
                    dn[j] -= h;
                    own_params(ou, kind, up, z[i]);
                    own_params(od, kind, dn, z[i]);
                    g[j] = (predict_plain(kind, q, ou, x[i], tx[i], T[i]) -
                            predict_plain(kind, q, od, x[i], tx[i], T[i])) /
                           (2 * h);
                }
                for (size_t a = 0; a < k; a++)
                    for (size_t b = 0; b < k; b++)
                        var += g[a] * g[b] * V[a * k + b];
                if (q == CX_CLV_Q_P_ALIVE && x[i] == 0 && kind == CX_CLV_BGNBD)
                    ck_assert(se[i] == 0); /* P(alive) = 1 whatever the parameters */
                else
                    ck_assert_msg(fabs(se[i] - sqrt(var)) <= 1e-4 * sqrt(var),
                                  "%s q %d customer %d: se %g, by differences %g",
                                  cx_clv_kind_name(kind), q, i, se[i], sqrt(var));
            }
        }
        /* the coefficients add uncertainty: more than the base parameters alone */
        double se_cov[3], se_base[3];
        ck_assert_int_eq(cx_clv_predict_stderr(se_cov, nm, CX_CLV_Q_CONDITIONAL, 39, x, tx, T, 3),
                         CX_OK);
        cx_clv_model *fixed = NULL;
        ck_assert_int_eq(cx_clv_model_copy(&fixed, nm, NULL, 0, NULL, 0, 0), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_coefs(fixed, theta + 4, k - 4), CX_OK); /* drops V */
        ck_assert_int_eq(
            cx_clv_predict_stderr(se_base, fixed, CX_CLV_Q_CONDITIONAL, 39, x, tx, T, 3),
            CX_ESTATE);
        cx_clv_model_free(fixed);
        /* a model without covariates refuses covariates in a copy */
        cx_clv_model *plain = NULL, *bad = NULL;
        ck_assert_int_eq(cx_clv_model_new(&plain, kind), CX_OK);
        ck_assert_int_eq(cx_clv_model_copy(&bad, plain, z, 1, NULL, 0, 3), CX_EINVAL);
        ck_assert_ptr_null(bad);
        cx_clv_model_free(plain);
        cx_clv_model_free(nm);
        cx_clv_model_free(m);
    }
}
END_TEST

START_TEST(lifetime_value_stderr_by_differences)
{
    static simdata s;
    simulate(&s, CX_CLV_BGNBD, BG, (const double[]){0.6, 0.4, -0.3}, 31);
    cx_clv_model *m = fit_cov(CX_CLV_BGNBD, &s);
    /* a spend model fitted to simulated spends */
    static double gx[N], gm[N];
    size_t ng = 0;
    for (int i = 0; i < N; i++)
        gx[i] = 1 + i % 5;
    cx_clv_model *gg = NULL;
    ck_assert_int_eq(cx_clv_model_new(&gg, CX_CLV_GAMMA_GAMMA), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(gg, (const double[]){6.25, 3.74, 15.44}, 3), CX_OK);
    ck_assert_int_eq(cx_clv_model_sample(gx, gm, NULL, gg, NULL, N, 5), CX_OK);
    ng = N;
    double se_before[1];
    const double x1 = 2, tx1 = 30, T1 = 38, m1 = 25;
    ck_assert_int_eq(cx_clv_lifetime_value_stderr(se_before, m, gg, &x1, &tx1, &T1, &m1, 1, 12,
                                                  4.345, 0.01, 1.0),
                     CX_ESTATE); /* gg was set by hand */
    ck_assert_str_eq(cx_error_last()->param, "spend");
    ck_assert_int_eq(cx_clv_model_fit(gg, gx, gm, NULL, NULL, ng, NULL), CX_OK);
    const double z[2] = {-0.5, 1.0}, x[2] = {2, 5}, tx[2] = {30, 20}, T[2] = {38, 36},
                 mb[2] = {25, 40};
    cx_clv_model *nm = NULL;
    ck_assert_int_eq(cx_clv_model_copy(&nm, m, z, 1, z, 1, 2), CX_OK);
    double est[2], se[2];
    ck_assert_int_eq(cx_clv_lifetime_value(est, nm, gg, x, tx, T, mb, 2, 12, 4.345, 0.01, 1.0),
                     CX_OK);
    ck_assert_int_eq(
        cx_clv_lifetime_value_stderr(se, nm, gg, x, tx, T, mb, 2, 12, 4.345, 0.01, 1.0), CX_OK);
    /* independent: differences of CLV over all 10 estimates with the block-diagonal covariance */
    double th[7], sp[3], V[49], Vs[9];
    cx_clv_model_params(th, 4, m);
    cx_clv_model_coefs(th + 4, 3, m);
    cx_clv_model_params(sp, 3, gg);
    ck_assert_int_eq(cx_clv_model_vcov_all(V, 49, m), CX_OK);
    ck_assert_int_eq(cx_clv_model_vcov_all(Vs, 9, gg), CX_OK); /* no covariates: vcov */
    for (int i = 0; i < 2; i++) {
        double g[10], var = 0;
        for (int j = 0; j < 10; j++) {
            double v[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                double t2[7], s2[3], own[4];
                memcpy(t2, th, sizeof t2);
                memcpy(s2, sp, sizeof s2);
                double *pj = j < 7 ? &t2[j] : &s2[j - 7];
                const double h = 1e-6 * fmax(1.0, fabs(*pj));
                *pj += sgn ? -h : h;
                own_params(own, CX_CLV_BGNBD, t2, z[i]);
                cx_clv_model *a = NULL, *b = NULL;
                ck_assert_int_eq(cx_clv_model_new(&a, CX_CLV_BGNBD), CX_OK);
                ck_assert_int_eq(cx_clv_model_new(&b, CX_CLV_GAMMA_GAMMA), CX_OK);
                ck_assert_int_eq(cx_clv_model_set_params(a, own, 4), CX_OK);
                ck_assert_int_eq(cx_clv_model_set_params(b, s2, 3), CX_OK);
                ck_assert_int_eq(cx_clv_lifetime_value(&v[sgn], a, b, &x[i], &tx[i], &T[i], &mb[i],
                                                       1, 12, 4.345, 0.01, 1.0),
                                 CX_OK);
                cx_clv_model_free(a);
                cx_clv_model_free(b);
                if (sgn)
                    g[j] = (v[0] - v[1]) / (2 * h);
            }
        }
        for (int a = 0; a < 10; a++)
            for (int b = 0; b < 10; b++) {
                const double c = a < 7 && b < 7     ? V[a * 7 + b]
                                 : a >= 7 && b >= 7 ? Vs[(a - 7) * 3 + b - 7]
                                                    : 0.0;
                var += g[a] * g[b] * c;
            }
        ck_assert_msg(fabs(se[i] - sqrt(var)) <= 1e-4 * sqrt(var), "CLV se %g vs %g", se[i],
                      sqrt(var));
        ck_assert(se[i] > 0 && se[i] < est[i]);
    }
    cx_clv_model_free(nm);
    cx_clv_model_free(gg);
    cx_clv_model_free(m);
}
END_TEST

START_TEST(bootstrap_with_covariates_matches_the_hessian)
{
    static simdata s;
    const double coefs[3] = {0.6, 0.4, -0.3};
    simulate(&s, CX_CLV_BGNBD, BG, coefs, 41);
    cx_clv_model *m = NULL; /* purchase covariate only: a well-identified model */
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_BGNBD), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_covariates(m, s.z, 1, NULL, 0, N), CX_OK);
    ck_assert_int_eq(cx_clv_model_fit(m, s.x, s.tx, s.T, NULL, N, NULL), CX_OK);
    enum { B = 40, K = 5 };
    static double draws[B * K];
    ck_assert_int_eq(cx_clv_model_bootstrap(draws, B * 4, m, s.x, s.tx, s.T, NULL, N, B, 7, NULL),
                     CX_EINVAL); /* the coefficients are part of each draw */
    ck_assert_int_eq(cx_clv_model_bootstrap(draws, B * K, m, s.x, s.tx, s.T, NULL, N, B, 7, NULL),
                     CX_OK);
    double V[K * K], est[K];
    ck_assert_int_eq(cx_clv_model_vcov_all(V, K * K, m), CX_OK);
    cx_clv_model_params(est, 4, m);
    cx_clv_model_coefs(est + 4, 1, m);
    for (int j = 0; j < K; j++) {
        double mean = 0, var = 0;
        for (int b = 0; b < B; b++)
            mean += draws[b * K + j] / B;
        for (int b = 0; b < B; b++)
            var += (draws[b * K + j] - mean) * (draws[b * K + j] - mean) / (B - 1);
        const double se = sqrt(V[j * K + j]);
        ck_assert_msg(sqrt(var) > 0.6 * se && sqrt(var) < 1.6 * se, "estimate %d: sd %g, se %g", j,
                      sqrt(var), se);
        ck_assert_msg(fabs(mean - est[j]) < 1.0 * se, "estimate %d: mean %g vs %g", j, mean,
                      est[j]);
    }
    /* weights: rows of weight 0 are never drawn, so appending them changes nothing */
    enum { B2 = 3 };
    static double x2[N + 2], tx2[N + 2], T2[N + 2], z2[N + 2], w2[N + 2];
    memcpy(x2, s.x, sizeof s.x);
    memcpy(tx2, s.tx, sizeof s.tx);
    memcpy(T2, s.T, sizeof s.T);
    memcpy(z2, s.z, sizeof s.z);
    for (int i = 0; i < N; i++)
        w2[i] = 1;
    x2[N] = x2[N + 1] = 40; /* outlandish customers that would move every estimate */
    tx2[N] = tx2[N + 1] = 1;
    T2[N] = T2[N + 1] = 39;
    z2[N] = z2[N + 1] = 9;
    w2[N] = w2[N + 1] = 0;
    cx_clv_model *m2 = NULL;
    ck_assert_int_eq(cx_clv_model_copy(&m2, m, z2, 1, NULL, 0, N + 2), CX_OK);
    double d1[B2 * K], d2[B2 * K];
    ck_assert_int_eq(cx_clv_model_bootstrap(d1, B2 * K, m, s.x, s.tx, s.T, NULL, N, B2, 3, NULL),
                     CX_OK);
    ck_assert_int_eq(cx_clv_model_bootstrap(d2, B2 * K, m2, x2, tx2, T2, w2, N + 2, B2, 3, NULL),
                     CX_OK);
    for (int j = 0; j < B2 * K; j++)
        ck_assert_double_eq_tol(d1[j], d2[j], 1e-9 * fabs(d1[j]) + 1e-12);
    ck_assert_int_eq(cx_clv_model_bootstrap(d2, B2 * K, m2, s.x, s.tx, s.T, NULL, N, B2, 3, NULL),
                     CX_EINVAL); /* covariates for N + 2 customers, N given */
    cx_clv_model_free(m2);
    cx_clv_model_free(m);
}
END_TEST

START_TEST(covariate_coefficients_are_recovered)
{
    static simdata s;
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    const double *ps[2] = {BG, PN};
    const double coefs[2][3] = {{0.6, 0.4, -0.3}, {0.5, -0.4, 0}};
    for (int c = 0; c < 2; c++) {
        simulate(&s, kinds[c], ps[c], coefs[c], 51 + c);
        cx_clv_model *m = fit_cov(kinds[c], &s);
        const size_t k = cx_clv_model_coef_count(m);
        double est[3], se[3], p[4], pse[4];
        ck_assert_int_eq(cx_clv_model_coefs(est, k, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_coef_stderr(se, k, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_params(p, 4, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_stderr(pse, 4, m), CX_OK);
        for (size_t j = 0; j < k; j++)
            ck_assert_msg(fabs(est[j] - coefs[c][j]) < 4 * se[j], "%s coef %zu: %g vs %g (se %g)",
                          cx_clv_kind_name(kinds[c]), j, est[j], coefs[c][j], se[j]);
        for (size_t j = 0; j < 4; j++)
            ck_assert_msg(fabs(p[j] - ps[c][j]) < 4 * pse[j], "%s param %zu: %g vs %g (se %g)",
                          cx_clv_kind_name(kinds[c]), j, p[j], ps[c][j], pse[j]);
        cx_clv_model_free(m);
    }
}
END_TEST

/* Allocation failures in the new paths: CX_ENOMEM, nothing leaked. */
typedef struct oom_ctx {
    simdata *s;
    cx_clv_model *m, *gg;
} oom_ctx;

static cx_status op_copy_and_stderr(void *v)
{
    oom_ctx *c = v;
    cx_clv_model *nm = NULL;
    double se[20];
    cx_status st = cx_clv_model_copy(&nm, c->m, c->s->z, 1, c->s->z, 1, 20);
    if (st == CX_OK)
        st =
            cx_clv_predict_stderr(se, nm, CX_CLV_Q_CONDITIONAL, 10, c->s->x, c->s->tx, c->s->T, 20);
    if (st == CX_OK)
        st = cx_clv_lifetime_value_stderr(se, nm, c->gg, c->s->x, c->s->tx, c->s->T, c->s->T, 20, 2,
                                          4.345, 0.01, 1.0);
    cx_clv_model_free(nm);
    return st;
}

static cx_status op_bootstrap_cov(void *v)
{
    oom_ctx *c = v;
    double d[2 * 7];
    return cx_clv_model_bootstrap(d, 14, c->m, c->s->x, c->s->tx, c->s->T, NULL, N, 2, 1, NULL);
}

/* in test_clv.c: op with its k-th allocation failing for k = 0, 1, ... until it succeeds */
void cx_test_clv_each_allocation_fails(cx_status (*op)(void *), void *ctx, const char *name);
#define each_allocation_fails cx_test_clv_each_allocation_fails

START_TEST(uncertainty_survives_allocation_failures)
{
    static simdata s;
    simulate(&s, CX_CLV_BGNBD, BG, (const double[]){0.6, 0.4, -0.3}, 61);
    oom_ctx c = {&s, fit_cov(CX_CLV_BGNBD, &s), NULL};
    static double gx[N];
    for (int i = 0; i < N; i++) {
        gx[i] = 1 + i % 3;
        s.T[i] = 10 + i % 7; /* reused as mean spends below: positive */
    }
    ck_assert_int_eq(cx_clv_model_new(&c.gg, CX_CLV_GAMMA_GAMMA), CX_OK);
    ck_assert_int_eq(cx_clv_model_fit(c.gg, gx, s.T, NULL, NULL, N, NULL), CX_OK);
    for (int i = 0; i < N; i++)
        s.T[i] = 27 + 12.0 * i / N;
    each_allocation_fails(op_copy_and_stderr, &c, "copy and standard errors");
    each_allocation_fails(op_bootstrap_cov, &c, "bootstrap with covariates");
    cx_clv_model_free(c.gg);
    cx_clv_model_free(c.m);
}
END_TEST

Suite *cx_suite_clv_uncertainty(void)
{
    Suite *s = suite_create("clv_uncertainty");
    TCase *t = tcase_create("clv_uncertainty");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, delta_method_covers_the_coefficients);
    tcase_add_test(t, lifetime_value_stderr_by_differences);
    tcase_add_test(t, bootstrap_with_covariates_matches_the_hessian);
    tcase_add_test(t, covariate_coefficients_are_recovered);
    tcase_add_test(t, uncertainty_survives_allocation_failures);
    suite_add_tcase(s, t);
    return s;
}
