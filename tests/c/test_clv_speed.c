/* The speed machinery of the customer-base models: the block parallel-for (every block once, the
 * lowest failing block's error on the caller), fits and predictions bit-identical for every
 * thread count, and large fits (warm-started from a subsample) ending at a true optimum of the
 * whole data. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "parallel.h"
#include "../../lib/clv/clv_internal.h"
#include "suites.h"

typedef struct count_ctx {
    int runs[200];
    size_t fail_a, fail_b;
} count_ctx;

static cx_status count_block(void *v, size_t b)
{
    count_ctx *c = v;
    c->runs[b]++;
    if (b == c->fail_a || b == c->fail_b)
        return cx__error(CX_ERANGE, "block %zu failed", b);
    return CX_OK;
}

START_TEST(parallel_for_runs_every_block_once)
{
    for (int nt = 0; nt <= 4; nt++) {
        count_ctx c;
        memset(&c, 0, sizeof c);
        c.fail_a = c.fail_b = 1000;
        ck_assert_int_eq(cx__parallel_for(200, nt, count_block, &c), CX_OK);
        for (int b = 0; b < 200; b++)
            ck_assert_msg(c.runs[b] == 1, "threads %d: block %d ran %d times", nt, b, c.runs[b]);
    }
    ck_assert_int_eq(cx__parallel_for(0, 2, count_block, NULL), CX_OK);
    ck_assert_int_eq(cx__parallel_threads(3, 2), 2);
    ck_assert_int_eq(cx__parallel_threads(5, 100), 5);
    ck_assert_int_ge(cx__parallel_threads(0, 100), 1);
}
END_TEST

START_TEST(parallel_for_reports_the_lowest_failing_block)
{
    for (int nt = 1; nt <= 4; nt++) {
        count_ctx c;
        memset(&c, 0, sizeof c);
        c.fail_a = 137;
        c.fail_b = 41;
        cx_error_clear();
        ck_assert_int_eq(cx__parallel_for(200, nt, count_block, &c), CX_ERANGE);
        ck_assert_str_eq(cx_error_last()->message, "block 41 failed");
        for (int b = 0; b < 41; b++) /* every block before the failure ran */
            ck_assert_int_ge(c.runs[b], 1);
    }
}
END_TEST

/* Continuous synthetic data (no two customers share a row) from the CDNOW estimates. */
static void synth(double *x, double *tx, double *T, size_t n, int kind, uint64_t seed)
{
    const double bg[4] = {0.243, 4.414, 0.793, 2.426}, pn[4] = {0.553, 10.578, 0.606, 11.669};
    for (size_t i = 0; i < n; i++)
        T[i] = 27.0 + 12.0 * (double)i / (double)n;
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(m, kind == CX_CLV_BGNBD ? bg : pn, 4), CX_OK);
    ck_assert_int_eq(cx_clv_model_sample(x, tx, NULL, m, T, n, seed), CX_OK);
    cx_clv_model_free(m);
}

typedef struct fit_out {
    double p[4], vcov[16], ll, cond[20000], alive[20000];
    size_t evals;
} fit_out;

static void fit_with(fit_out *o, int kind, int nt, const double *x, const double *tx,
                     const double *T, size_t n, size_t n_pred)
{
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, kind), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_threads(m, nt), CX_OK);
    ck_assert_int_eq(cx_clv_model_fit(m, x, tx, T, NULL, n, NULL), CX_OK);
    cx_clv_fit_report rep;
    ck_assert_int_eq(cx_clv_model_report(&rep, m), CX_OK);
    ck_assert_int_eq(cx_clv_model_params(o->p, 4, m), CX_OK);
    ck_assert_int_eq(cx_clv_model_vcov(o->vcov, 16, m), CX_OK);
    o->ll = rep.loglik;
    o->evals = rep.evaluations;
    ck_assert_int_eq(cx_clv_conditional_purchases(o->cond, m, 39.0, x, tx, T, n_pred), CX_OK);
    ck_assert_int_eq(cx_clv_p_alive(o->alive, m, 0.0, x, tx, T, n_pred), CX_OK);
    cx_clv_model_free(m);
}

/* A maximum of the whole data's likelihood: gradient (per customer, log-parameters) near 0
 * and the Hessian negative definite, evaluated row by row without the fit's compression. */
static void check_optimum(int kind, double *x, double *tx, double *T, size_t n, const double *p,
                          double fit_ll)
{
    double *w = malloc(n * sizeof *w);
    ck_assert_ptr_nonnull(w);
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0;
    cx__clv_data d = {n, x, tx, T, w, (double)n, 0, 1, NULL};
    const cx__clv_kind_info *info = cx__clv_info(kind);
    double ll, g[4], h[16];
    ck_assert_int_eq(info->llh(&ll, g, h, p, &d), CX_OK);
    ck_assert_msg(fabs(ll - fit_ll) <= 1e-9 * fabs(ll), "loglik %.12g vs %.12g", ll, fit_ll);
    for (int j = 0; j < 4; j++)
        ck_assert_msg(fabs(g[j]) / n <= 1e-7, "%s: gradient %g per customer", info->name, g[j] / n);
    double mh[16]; /* -H positive definite: Cholesky by hand */
    for (int k = 0; k < 16; k++)
        mh[k] = -h[k];
    for (int j = 0; j < 4; j++) {
        double s = mh[j * 4 + j];
        for (int k = 0; k < j; k++)
            s -= mh[j * 4 + k] * mh[j * 4 + k];
        ck_assert_msg(s > 0, "%s: Hessian not negative definite at the fit", info->name);
        mh[j * 4 + j] = sqrt(s);
        for (int i = j + 1; i < 4; i++) {
            double t = mh[i * 4 + j];
            for (int k = 0; k < j; k++)
                t -= mh[i * 4 + k] * mh[j * 4 + k];
            mh[i * 4 + j] = t / mh[j * 4 + j];
        }
    }
    free(w);
}

/* 70000 customers: several blocks of rows, and above the size where the fit starts from a
 * subsample's optimum. */
#define NBIG 70000

static void check_invariance_and_optimum(int kind)
{
    double *x = malloc(3 * NBIG * sizeof *x), *tx = x + NBIG, *T = x + 2 * NBIG;
    ck_assert_ptr_nonnull(x);
    synth(x, tx, T, NBIG, kind, 7);
    fit_out *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    fit_with(a, kind, 1, x, tx, T, NBIG, 20000);
    for (int nt = 2; nt <= 3; nt++) {
        fit_with(b, kind, nt, x, tx, T, NBIG, 20000);
        ck_assert_msg(memcmp(a->p, b->p, sizeof a->p) == 0, "params differ with %d threads", nt);
        ck_assert_msg(memcmp(a->vcov, b->vcov, sizeof a->vcov) == 0, "vcov differs (%d)", nt);
        ck_assert_msg(memcmp(&a->ll, &b->ll, sizeof a->ll) == 0, "loglik differs (%d)", nt);
        ck_assert_msg(memcmp(a->cond, b->cond, sizeof a->cond) == 0, "E[Y] differs (%d)", nt);
        ck_assert_msg(memcmp(a->alive, b->alive, sizeof a->alive) == 0, "P(alive) differs (%d)",
                      nt);
    }
    check_optimum(kind, x, tx, T, NBIG, a->p, a->ll);
    /* BG/NBD: 17 likelihood passes on these rows before the subsample fits stopped at a
     * gradient of 1e-6, 15 before they stopped on the Newton decrement (subsample passes
     * included) */
    if (kind == CX_CLV_BGNBD)
        ck_assert_msg(a->evals <= 13, "BG/NBD: %zu likelihood passes", a->evals);
    free(a);
    free(b);
    free(x);
}

START_TEST(bgnbd_fit_is_thread_invariant_and_optimal)
{
    check_invariance_and_optimum(CX_CLV_BGNBD);
}
END_TEST

START_TEST(pareto_fit_is_thread_invariant_and_optimal)
{
    check_invariance_and_optimum(CX_CLV_PARETO_NBD);
}
END_TEST

/* Pareto/NBD below the size where a subsample's optimum starts the fit (4000 rows) and just
 * above it (10000): the start from the BG/NBD fit (mapped to Pareto/NBD's parameters) lets
 * Newton reach the maximum in far fewer passes than BFGS from all parameters 1 (31 passes for
 * these 10000 rows before it); the result must still be the maximum. */
START_TEST(pareto_small_fit_starts_from_bgnbd)
{
    const size_t sizes[2] = {4000, 10000};
    /* bounds 20 and 26 before the start fits (the BG/NBD proxy, the subsample) stopped on the
     * Newton decrement */
    const size_t max_evals[2] = {13, 14};
    for (int k = 0; k < 2; k++) {
        const size_t n = sizes[k];
        double *x = malloc(3 * n * sizeof *x), *tx = x + n, *T = x + 2 * n;
        ck_assert_ptr_nonnull(x);
        synth(x, tx, T, n, CX_CLV_PARETO_NBD, 1);
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_PARETO_NBD), CX_OK);
        ck_assert_int_eq(cx_clv_model_fit(m, x, tx, T, NULL, n, NULL), CX_OK);
        cx_clv_fit_report rep;
        double p[4];
        ck_assert_int_eq(cx_clv_model_report(&rep, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_params(p, 4, m), CX_OK);
        ck_assert_msg(rep.evaluations <= max_evals[k], "%zu rows: %zu likelihood passes", n,
                      rep.evaluations);
        check_optimum(CX_CLV_PARETO_NBD, x, tx, T, n, p, rep.loglik);
        cx_clv_model_free(m);
        free(x);
    }
}
END_TEST

/* BG/NBD and MBG/NBD iterate over the caller's rows as they are when a sample of them shows
 * no repeats (continuous ages), and compress them otherwise. The same customers given twice
 * (every row repeated, adjacent or far apart) are compressed back to one row each with weight
 * 2, and have the same maximum; weights with a zero also take the compression. */
START_TEST(bg_direct_and_compressed_rows_agree)
{
    const size_t n = 5000;
    double *bx = malloc(9 * n * sizeof *bx), *btx = bx + n, *bT = bx + 2 * n;
    double *x = bx + 3 * n, *tx = bx + 5 * n, *T = bx + 7 * n, w[5000];
    ck_assert_ptr_nonnull(bx);
    synth(bx, btx, bT, n, CX_CLV_BGNBD, 5);
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_MBGNBD};
    for (int k = 0; k < 2; k++) {
        double p1[4], p2[4];
        cx_clv_fit_report r1, r2;
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, kinds[k]), CX_OK);
        ck_assert_int_eq(cx_clv_model_fit(m, bx, btx, bT, NULL, n, NULL), CX_OK);
        ck_assert_int_eq(cx_clv_model_report(&r1, m), CX_OK);
        ck_assert_int_eq(cx_clv_model_params(p1, 4, m), CX_OK);
        ck_assert_uint_eq(r1.n_unique, n); /* the rows as they are */
        for (int layout = 0; layout < 3; layout++) {
            /* 0: the second copy after the first; 1: each row next to its copy */
            for (size_t i = 0; i < n; i++) {
                const size_t a = layout == 1 ? 2 * i : i, b = layout == 1 ? 2 * i + 1 : n + i;
                x[a] = x[b] = bx[i];
                tx[a] = tx[b] = btx[i];
                T[a] = T[b] = bT[i];
                w[i] = i == 17 ? 0.0 : 1.0;
            }
            if (layout < 2) {
                ck_assert_int_eq(cx_clv_model_fit(m, x, tx, T, NULL, 2 * n, NULL), CX_OK);
            } else { /* 2: one weight 0: compressed, and that customer left out */
                ck_assert_int_eq(cx_clv_model_fit(m, bx, btx, bT, w, n, NULL), CX_OK);
            }
            ck_assert_int_eq(cx_clv_model_report(&r2, m), CX_OK);
            ck_assert_int_eq(cx_clv_model_params(p2, 4, m), CX_OK);
            ck_assert_uint_eq(r2.n_unique, layout < 2 ? n : n - 1);
            ck_assert_uint_eq(r2.n_rows, layout < 2 ? 2 * n : n - 1);
            if (layout == 2)
                continue;
            ck_assert_msg(fabs(r2.loglik - 2 * r1.loglik) <= 1e-10 * fabs(r2.loglik),
                          "%.17g vs twice %.17g", r2.loglik, r1.loglik);
            for (int j = 0; j < 4; j++)
                ck_assert_msg(fabs(p2[j] - p1[j]) <= 1e-7 * p1[j],
                              "%s layout %d p%d: %.12g vs %.12g", cx_clv_kind_name(kinds[k]),
                              layout, j, p2[j], p1[j]);
        }
        cx_clv_model_free(m);
    }
    free(bx);
}
END_TEST

/* 2F1 at several arguments sharing the coefficients against closed forms (DLMF 15.4.1, 15.4.6:
 * 2F1(1, 1; 2; z) = -log(1-z)/z, 2F1(a, b; b; z) = (1-z)^-a) on both sides of the Euler switch,
 * and against the one-argument series. */
START_TEST(hyp2f1_multi_matches_closed_forms)
{
    double z[CX__HYP_MULTI_MAX], v[CX__HYP_MULTI_MAX], one;
    for (int k = 0; k < CX__HYP_MULTI_MAX; k++)
        z[k] = 0.97 * (double)k / (CX__HYP_MULTI_MAX - 1);
    ck_assert_int_eq(cx__hyp2f1_multi(v, 1.0, 1.0, 2.0, z, CX__HYP_MULTI_MAX), CX_OK);
    for (int k = 1; k < CX__HYP_MULTI_MAX; k++) {
        const double want = -log1p(-z[k]) / z[k];
        ck_assert_msg(fabs(v[k] - want) <= 1e-13 * want, "z %g: %.17g vs %.17g", z[k], v[k], want);
    }
    ck_assert_double_eq(v[0], 1.0);
    /* c - a - b < 0: the z > 0.5 arguments take the Euler side */
    ck_assert_int_eq(cx__hyp2f1_multi(v, 2.5, 0.7, 0.7, z, CX__HYP_MULTI_MAX), CX_OK);
    for (int k = 0; k < CX__HYP_MULTI_MAX; k++) {
        const double want = pow(1.0 - z[k], -2.5);
        ck_assert_msg(fabs(v[k] - want) <= 1e-12 * want, "z %g: %.17g vs %.17g", z[k], v[k], want);
        ck_assert_int_eq(cx__hyp2f1(&one, 2.5, 0.7, 0.7, z[k]), CX_OK);
        ck_assert_msg(fabs(v[k] - one) <= 1e-15 * one, "z %g: multi %.17g, single %.17g", z[k],
                      v[k], one);
    }
    z[3] = 1.0;
    ck_assert_int_eq(cx__hyp2f1_multi(v, 1.0, 1.0, 2.0, z, 4), CX_ERANGE);
    ck_assert_int_eq(cx__hyp2f1_multi(v, 1.0, 1.0, 2.0, z, CX__HYP_MULTI_MAX + 1), CX_EINVAL);
}
END_TEST

/* BG/NBD and MBG/NBD CLV (all months of a customer in one pass) against the definition built
 * from the public month-by-month E[Y]: sum_k margin (1+d)^-k E[spend] (E[Y(k u)] - E[Y((k-1) u)]);
 * 40 months also crosses the 32-argument chunks. */
START_TEST(bg_lifetime_value_matches_monthly_sum)
{
    enum { N = 300, MONTHS = 40 };
    double x[N], tx[N], T[N], mb[N], clv[N], em[N], cur[N], prev[N], want[N];
    const double pb[4] = {0.243, 4.414, 0.793, 2.426}, gg[3] = {6.25, 3.74, 15.44};
    const double upm = 4.345, disc = 0.01, margin = 0.3;
    synth(x, tx, T, N, CX_CLV_BGNBD, 11);
    for (int i = 0; i < N; i++) {
        x[i] = x[i] < 1 ? 1 : x[i];
        tx[i] = tx[i] > 0 ? tx[i] : 0.5 * T[i];
        mb[i] = 10.0 + i % 37;
    }
    cx_clv_model *s = NULL;
    ck_assert_int_eq(cx_clv_model_new(&s, CX_CLV_GAMMA_GAMMA), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_params(s, gg, 3), CX_OK);
    ck_assert_int_eq(cx_clv_expected_spend(em, s, x, mb, N), CX_OK);
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_MBGNBD};
    for (int k = 0; k < 2; k++) {
        cx_clv_model *m = NULL;
        ck_assert_int_eq(cx_clv_model_new(&m, kinds[k]), CX_OK);
        ck_assert_int_eq(cx_clv_model_set_params(m, pb, 4), CX_OK);
        for (int i = 0; i < N; i++)
            want[i] = prev[i] = 0.0;
        for (int mo = 1; mo <= MONTHS; mo++) {
            ck_assert_int_eq(cx_clv_conditional_purchases(cur, m, mo * upm, x, tx, T, N), CX_OK);
            for (int i = 0; i < N; i++) {
                want[i] += margin / pow(1.0 + disc, mo) * em[i] * (cur[i] - prev[i]);
                prev[i] = cur[i];
            }
        }
        ck_assert_int_eq(
            cx_clv_lifetime_value(clv, m, s, x, tx, T, mb, N, MONTHS, upm, disc, margin), CX_OK);
        for (int i = 0; i < N; i++)
            ck_assert_msg(fabs(clv[i] - want[i]) <= 1e-12 * fabs(want[i]),
                          "%s row %d: %.17g vs %.17g", cx_clv_kind_name(kinds[k]), i, clv[i],
                          want[i]);
        cx_clv_model_free(m);
    }
    cx_clv_model_free(s);
}
END_TEST

START_TEST(set_threads_checks_its_argument)
{
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_BGNBD), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_threads(m, -1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "n_threads");
    ck_assert_int_eq(cx_clv_model_set_threads(m, 0), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_threads(NULL, 1), CX_EINVAL);
    cx_clv_model_free(m);
}
END_TEST

/* A fit over several blocks on one thread: every allocation (the blocks' partial sums, the
 * subsample of the warm start) can fail and gives CX_ENOMEM without a leak. */
START_TEST(multi_block_fit_survives_allocation_failures)
{
    const size_t n = 3 * CX__CLV_BLOCK;
    double *x = malloc(3 * n * sizeof *x), *tx = x + n, *T = x + 2 * n;
    ck_assert_ptr_nonnull(x);
    synth(x, tx, T, n, CX_CLV_BGNBD, 3);
    cx_clv_model *m = NULL;
    ck_assert_int_eq(cx_clv_model_new(&m, CX_CLV_BGNBD), CX_OK);
    ck_assert_int_eq(cx_clv_model_set_threads(m, 1), CX_OK);
    for (long k = 0;; k++) {
        ck_assert_int_lt(k, 1000);
        cx__alloc_fail_after(k, 0);
        const long live = cx__alloc_live();
        const cx_status st = cx_clv_model_fit(m, x, tx, T, NULL, n, NULL);
        const long failures = cx__alloc_failures();
        cx__alloc_fail_after(-1, 0);
        ck_assert_msg(st == CX_OK || st == CX_ENOMEM, "allocation %ld: status %d", k, st);
        if (st == CX_OK && failures == 0)
            break;
        if (st != CX_OK)
            ck_assert_int_eq(cx__alloc_live(), live);
    }
    cx_clv_model_free(m);
    free(x);
}
END_TEST

Suite *cx_suite_clv_speed(void)
{
    Suite *s = suite_create("clv_speed");
    TCase *t = tcase_create("clv_speed");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, parallel_for_runs_every_block_once);
    tcase_add_test(t, parallel_for_reports_the_lowest_failing_block);
    tcase_add_test(t, bgnbd_fit_is_thread_invariant_and_optimal);
    tcase_add_test(t, pareto_fit_is_thread_invariant_and_optimal);
    tcase_add_test(t, pareto_small_fit_starts_from_bgnbd);
    tcase_add_test(t, bg_direct_and_compressed_rows_agree);
    tcase_add_test(t, hyp2f1_multi_matches_closed_forms);
    tcase_add_test(t, bg_lifetime_value_matches_monthly_sum);
    tcase_add_test(t, set_threads_checks_its_argument);
    tcase_add_test(t, multi_block_fit_survives_allocation_failures);
    suite_add_tcase(s, t);
    return s;
}
