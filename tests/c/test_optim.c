/*
 * The minimiser: trust-region Newton and BFGS on Rosenbrock, a convex quadratic, a gamma
 * likelihood with a known MLE, objectives with non-finite regions, and failure reporting.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "optim.h"
#include "special.h"
#include "suites.h"

/* ---- objectives ---- */

typedef struct counter {
    size_t calls, nonfinite;
} counter;

static cx_status rosenbrock(double *f, double *g, double *h, const double *x, size_t n, void *ctx)
{
    (void)n;
    if (ctx)
        ((counter *)ctx)->calls++;
    double a = x[1] - x[0] * x[0], b = 1.0 - x[0];
    *f = 100.0 * a * a + b * b;
    if (g) {
        g[0] = -400.0 * x[0] * a - 2.0 * b;
        g[1] = 200.0 * a;
    }
    if (h) {
        h[0] = 1200.0 * x[0] * x[0] - 400.0 * x[1] + 2.0;
        h[1] = h[2] = -400.0 * x[0];
        h[3] = 200.0;
    }
    return CX_OK;
}

/* f = x'Ax/2 - b'x with A = [[4,1,0],[1,3,-1],[0,-1,2]], b = (1,2,3): minimiser A^-1 b */
static const double qa[9] = {4, 1, 0, 1, 3, -1, 0, -1, 2}, qb[3] = {1, 2, 3};
static cx_status quadratic(double *f, double *g, double *h, const double *x, size_t n, void *ctx)
{
    (void)ctx;
    double v = 0.0;
    for (size_t i = 0; i < n; i++) {
        double ax = 0.0;
        for (size_t j = 0; j < n; j++)
            ax += qa[i * n + j] * x[j];
        v += 0.5 * x[i] * ax - qb[i] * x[i];
        if (g)
            g[i] = ax - qb[i];
    }
    if (h)
        memcpy(h, qa, sizeof qa);
    *f = v;
    return CX_OK;
}

/* clang-format off */
/* from tests/c/refs/optim_gamma_mle.py (numpy seed 2024, scipy brentq on the profile score) */
static const double gamma_data[] = {6.904304, 7.362454, 1.181784, 6.28648, 10.324076, 5.527357, 1.548638, 3.807089, 1.201095, 1.305122, 6.436729, 2.501983, 2.334942, 2.251038, 3.155588, 2.706149, 3.827351, 4.275376, 2.259688, 2.764927, 7.621443, 2.795996, 0.532539, 1.469215, 10.513669, 1.522249, 5.937134, 3.727208, 7.844038, 1.91286, 5.407396, 2.358025, 2.317385, 2.665893, 2.021157, 4.830197, 1.976606, 11.15775, 5.200922, 7.0067};
static const double gamma_mle_shape = 2.382207092491246, gamma_mle_scale = 1.7502734389224064;
/* scipy.stats.gamma.fit(x, floc=0): shape 2.3822070924912446 scale 1.7502734389224073 */
/* clang-format on */

/* Negative gamma log-likelihood in (u, v) = (log shape, log scale). */
static cx_status gamma_nll(double *f, double *g, double *h, const double *p, size_t n, void *ctx)
{
    (void)n;
    (void)ctx;
    size_t m = sizeof gamma_data / sizeof gamma_data[0];
    double k = exp(p[0]), th = exp(p[1]), slog = 0.0, sx = 0.0;
    for (size_t i = 0; i < m; i++) {
        slog += log(gamma_data[i]);
        sx += gamma_data[i];
    }
    double dm = (double)m;
    *f = dm * cx__lgamma(k) + dm * k * p[1] - (k - 1.0) * slog + sx / th;
    double dk = dm * cx__digamma(k) + dm * p[1] - slog; /* d f / d k */
    if (g) {
        g[0] = k * dk;
        g[1] = dm * k - sx / th;
    }
    if (h) {
        h[0] = k * dk + k * k * dm * cx__trigamma(k);
        h[1] = h[2] = dm * k;
        h[3] = sx / th;
    }
    return CX_OK;
}

/* Pseudo-Huber sqrt(1 + (x-1)^2), undefined (NaN) below 0.95: the first trust-region step from
 * 1.9 (radius 1, Newton step -1.6) lands at 0.9, inside the hole. */
static cx_status huber_with_hole(double *f, double *g, double *h, const double *x, size_t n,
                                 void *ctx)
{
    (void)n;
    counter *c = ctx;
    c->calls++;
    if (x[0] < 0.95) {
        c->nonfinite++;
        *f = NAN;
        if (g)
            g[0] = NAN;
        if (h)
            h[0] = NAN;
        return CX_OK;
    }
    double d = x[0] - 1.0, s = sqrt(1.0 + d * d);
    *f = s;
    if (g)
        g[0] = d / s;
    if (h)
        h[0] = 1.0 / (s * s * s);
    return CX_OK;
}

/* (x-1)^2, +inf below 0.9: BFGS's first trial step from 1.3 (length |g| = 0.6) lands at 0.7. */
static cx_status parabola_with_wall(double *f, double *g, double *h, const double *x, size_t n,
                                    void *ctx)
{
    (void)n;
    (void)h;
    counter *c = ctx;
    c->calls++;
    if (x[0] < 0.9) {
        c->nonfinite++;
        *f = INFINITY;
        if (g)
            g[0] = 0.0;
        return CX_OK;
    }
    *f = (x[0] - 1.0) * (x[0] - 1.0);
    if (g)
        g[0] = 2.0 * (x[0] - 1.0);
    return CX_OK;
}

static cx_status failing(double *f, double *g, double *h, const double *x, size_t n, void *ctx)
{
    (void)g, (void)h, (void)n;
    counter *c = ctx;
    if (++c->calls > 3)
        return cx__error(CX_EUSER, "objective gave up");
    *f = x[0] * x[0] + 1.0;
    if (g)
        g[0] = 2.0 * x[0];
    if (h)
        h[0] = 2.0;
    return CX_OK;
}

/* x^2 with the gradient's sign flipped: every proposed step goes uphill, so no progress is
 * possible (a typical bug in a user's derivative code). */
static cx_status wrong_gradient(double *f, double *g, double *h, const double *x, size_t n,
                                void *ctx)
{
    (void)n, (void)ctx;
    *f = x[0] * x[0];
    if (g)
        g[0] = -2.0 * x[0];
    if (h)
        h[0] = 2.0;
    return CX_OK;
}

/* ---- tests ---- */

static void check_rosenbrock(int use_hessian)
{
    double x[2] = {-1.2, 1.0};
    cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
    o.use_hessian = use_hessian;
    cx__optim_report rep;
    counter c = {0, 0};
    ck_assert_int_eq(cx__minimize(x, 2, rosenbrock, &c, &o, &rep), CX_OK);
    ck_assert(rep.converged);
    ck_assert_msg(fabs(x[0] - 1.0) < 1e-7 && fabs(x[1] - 1.0) < 1e-7, "x = (%.12g, %.12g)", x[0],
                  x[1]);
    ck_assert(rep.f < 1e-14);
    ck_assert(rep.grad_norm <= 1e-9);
    ck_assert_int_eq(rep.evaluations, c.calls);
    ck_assert(rep.iterations > 5 && rep.iterations < 100);
}

START_TEST(rosenbrock_trust_region)
{
    check_rosenbrock(1);
}
END_TEST

START_TEST(rosenbrock_bfgs)
{
    check_rosenbrock(0);
}
END_TEST

/* A Newton-decrement tolerance stops early, where g' H^-1 g (computed here from the analytic
 * 2 x 2 Hessian) is within it and f is within it of the minimum 0, in fewer evaluations. */
START_TEST(newton_decrement_stops_early)
{
    double x[2] = {-1.2, 1.0}, xf[2] = {-1.2, 1.0};
    cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
    cx__optim_report rep, full;
    ck_assert_int_eq(cx__minimize(xf, 2, rosenbrock, NULL, &o, &full), CX_OK);
    o.dtol = 1e-6;
    ck_assert_int_eq(cx__minimize(x, 2, rosenbrock, NULL, &o, &rep), CX_OK);
    ck_assert_str_eq(rep.reason, "Newton decrement");
    double f, g[2], h[4];
    ck_assert_int_eq(rosenbrock(&f, g, h, x, 2, NULL), CX_OK);
    const double det = h[0] * h[3] - h[1] * h[2];
    ck_assert(h[0] > 0.0 && det > 0.0);
    const double dec = (h[3] * g[0] * g[0] - 2.0 * h[1] * g[0] * g[1] + h[0] * g[1] * g[1]) / det;
    ck_assert_msg(dec <= 1e-6, "decrement %g", dec);
    ck_assert_msg(dec > 1e-30, "stopped at the exact minimum (decrement %g)", dec);
    ck_assert(f <= 1e-6);
    ck_assert_uint_lt(rep.evaluations, full.evaluations);
}
END_TEST

START_TEST(quadratic_is_solved_exactly)
{
    /* A^-1 b by hand (det A = 18): (1/18) * [[5,-2,-1],[-2,8,4],[-1,4,11]] (1,2,3) */
    const double want[3] = {-2.0 / 18.0, 26.0 / 18.0, 40.0 / 18.0};
    for (int uh = 0; uh <= 1; uh++) {
        double x[3] = {0.5, -0.5, 0.25};
        cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
        o.use_hessian = uh;
        o.gtol = 1e-13;
        o.ftol = 0.0; /* only the gradient test ends the run */
        cx__optim_report rep;
        ck_assert_int_eq(cx__minimize(x, 3, quadratic, NULL, &o, &rep), CX_OK);
        for (size_t i = 0; i < 3; i++)
            ck_assert_msg(fabs(x[i] - want[i]) < 1e-11, "use_hessian %d x[%zu] = %.15g", uh, i,
                          x[i]);
        if (uh) /* Newton on a quadratic: a few radius-limited steps then the exact step */
            ck_assert(rep.iterations <= 6);
    }
}
END_TEST

START_TEST(gamma_mle_matches_scipy)
{
    for (int uh = 0; uh <= 1; uh++) {
        double p[2] = {0.0, 0.0}; /* shape 1, scale 1 */
        cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
        o.use_hessian = uh;
        cx__optim_report rep;
        ck_assert_int_eq(cx__minimize(p, 2, gamma_nll, NULL, &o, &rep), CX_OK);
        ck_assert_msg(fabs(exp(p[0]) / gamma_mle_shape - 1.0) < 1e-8, "shape %.15g", exp(p[0]));
        ck_assert_msg(fabs(exp(p[1]) / gamma_mle_scale - 1.0) < 1e-8, "scale %.15g", exp(p[1]));
        /* the finite-difference Hessian of the analytic gradient agrees with the analytic one */
        double hfd[4], han[4], f;
        ck_assert_int_eq(cx__hessian_fd(hfd, p, 2, gamma_nll, NULL), CX_OK);
        gamma_nll(&f, NULL, han, p, 2, NULL);
        for (size_t i = 0; i < 4; i++)
            ck_assert_msg(fabs(hfd[i] - han[i]) <= 1e-6 * fabs(han[i]), "H[%zu] %.12g vs %.12g", i,
                          hfd[i], han[i]);
        ck_assert(hfd[1] == hfd[2]);
    }
}
END_TEST

START_TEST(non_finite_region_is_stepped_around)
{
    counter c = {0, 0};
    double x[1] = {1.9};
    cx__optim_report rep;
    ck_assert_int_eq(cx__minimize(x, 1, huber_with_hole, &c, NULL, &rep), CX_OK);
    ck_assert(c.nonfinite > 0); /* the hole was actually hit */
    ck_assert(fabs(x[0] - 1.0) < 1e-9);

    counter c2 = {0, 0};
    double y[1] = {1.3};
    cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
    o.use_hessian = 0;
    ck_assert_int_eq(cx__minimize(y, 1, parabola_with_wall, &c2, &o, &rep), CX_OK);
    ck_assert(c2.nonfinite > 0);
    ck_assert(fabs(y[0] - 1.0) < 1e-9);
}
END_TEST

START_TEST(non_convergence_is_reported)
{
    for (int uh = 0; uh <= 1; uh++) {
        double x[2] = {-1.2, 1.0};
        double f0;
        rosenbrock(&f0, NULL, NULL, x, 2, NULL);
        cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
        o.use_hessian = uh;
        o.max_iter = 3;
        cx__optim_report rep;
        ck_assert_int_eq(cx__minimize(x, 2, rosenbrock, NULL, &o, &rep), CX_ENOTCONV);
        ck_assert(!rep.converged);
        ck_assert_str_eq(rep.reason, "max iterations");
        ck_assert_int_eq(rep.iterations, 3);
        ck_assert(rep.f < f0); /* x holds the best point so far */
        double f;
        rosenbrock(&f, NULL, NULL, x, 2, NULL);
        ck_assert(f == rep.f);
        ck_assert_int_eq(cx_error_last()->code, CX_ENOTCONV);
        ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "max iterations"));
    }
    for (int uh = 0; uh <= 1; uh++) {
        double x[1] = {3.0};
        cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
        o.use_hessian = uh;
        cx__optim_report rep;
        ck_assert_int_eq(cx__minimize(x, 1, wrong_gradient, NULL, &o, &rep), CX_ENOTCONV);
        ck_assert_ptr_nonnull(strstr(rep.reason, "no progress"));
        ck_assert(x[0] == 3.0); /* never moved uphill */
    }
}
END_TEST

START_TEST(bad_start_and_callback_errors)
{
    double x[1] = {NAN};
    ck_assert_int_eq(cx__minimize(x, 1, quadratic, NULL, NULL, NULL), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "x");
    counter c = {0, 0};
    double z[1] = {0.5};
    ck_assert_int_eq(cx__minimize(z, 1, huber_with_hole, &c, NULL, NULL), CX_EINVAL);
    counter c2 = {0, 0};
    double y[1] = {5.0};
    cx__optim_opts o = CX__OPTIM_OPTS_DEFAULT;
    ck_assert_int_eq(cx__minimize(y, 1, failing, &c2, &o, NULL), CX_EUSER);
    ck_assert(y[0] == 5.0); /* untouched on a callback error */
    ck_assert_int_eq(cx__minimize(y, 0, quadratic, NULL, NULL, NULL), CX_EINVAL);
}
END_TEST

START_TEST(optim_fails_cleanly_without_memory)
{
    double x[2] = {-1.2, 1.0}, h[4];
    for (long k = 0; k < 3; k++) {
        cx__alloc_fail_after(k, 0);
        cx_status st = cx__minimize(x, 2, rosenbrock, NULL, NULL, NULL);
        cx__alloc_fail_after(-1, 0);
        ck_assert(st == CX_ENOMEM || st == CX_OK);
        ck_assert_int_eq(cx__alloc_live(), 0);
        if (st == CX_ENOMEM)
            ck_assert(x[0] == -1.2 && x[1] == 1.0);
        x[0] = -1.2, x[1] = 1.0;
    }
    cx__alloc_fail_after(0, 1);
    ck_assert_int_eq(cx__hessian_fd(h, x, 2, rosenbrock, NULL), CX_ENOMEM);
    cx__alloc_fail_after(-1, 0);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

Suite *cx_suite_optim(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("minimize");
    tcase_add_test(tc, rosenbrock_trust_region);
    tcase_add_test(tc, rosenbrock_bfgs);
    tcase_add_test(tc, newton_decrement_stops_early);
    tcase_add_test(tc, quadratic_is_solved_exactly);
    tcase_add_test(tc, gamma_mle_matches_scipy);
    tcase_add_test(tc, non_finite_region_is_stepped_around);
    tcase_add_test(tc, non_convergence_is_reported);
    tcase_add_test(tc, bad_start_and_callback_errors);
    tcase_add_test(tc, optim_fails_cleanly_without_memory);
    suite_add_tcase(s, tc);
    return s;
}
