/*
 * Internals of the customer-base models: the per-kind table of likelihoods and predictions, the
 * compressed data set a fit iterates over, and the hypergeometric series they share.
 */
#ifndef CX_CLV_INTERNAL_H
#define CX_CLV_INTERNAL_H

#include <cxkit/clv.h>

#include "internal.h"

#define CX__CLV_MAXP 4

/* The rows a fit iterates over: distinct (x, tx, T) rows with their total weight (compressed),
 * or for BG/NBD and MBG/NBD on rows that are all distinct the caller's columns themselves, with
 * w = NULL (every weight 1). */
typedef struct cx__clv_data {
    size_t n;
    const double *x, *tx, *T, *w; /* w NULL: weight 1 (only the BG/NBD family reads such data) */
    double total_w;               /* sum of weights */
    double max_x;                 /* largest frequency (for per-frequency tables) */
    int n_threads;                /* threads for sums over rows (0 or 1: the calling thread only) */
    /* optional: wx[k] = total weight of the rows with frequency k, k = 0..max_x (NULL: the
     * BG/NBD family counts them itself at each evaluation) */
    const double *wx;
} cx__clv_data;

/* Largest frequency for which the BG/NBD family tabulates the terms that depend on the
 * frequency alone (beyond it, rows must come sorted by frequency to be evaluated quickly). */
#define CX__CLV_XTAB_MAX 65536

/* Rows per block of the threaded sums: fixed, so that results do not depend on the threads. */
#define CX__CLV_BLOCK 1024
/* Fewer blocks than this run on the calling thread alone. */
#define CX__CLV_MIN_THREADED_BLOCKS 4

/* Accumulate into acc[0..nacc) (zeroed by the caller) the contributions of rows lo..hi-1. */
typedef cx_status (*cx__clv_rows_fn)(double *acc, const void *ctx, size_t lo, size_t hi);

/* acc = sum over rows 0..n-1 of fn's contributions, computed in blocks of CX__CLV_BLOCK rows on
 * up to n_threads threads (< 1: one) and added in block order: bit-identical for any thread
 * count. Returns fn's error of the first failing block, or CX_ENOMEM. */
cx_status cx__clv_sum_rows(double *acc, size_t nacc, size_t n, int n_threads, cx__clv_rows_fn fn,
                           const void *ctx);

/* Sum over rows of w * loglik at natural parameters p, and when grad != NULL the gradient with
 * respect to log-parameters (d/dlog p_j = p_j d/dp_j). Returns CX_OK or an error (e.g. a series
 * that did not converge) that the optimiser treats as a step too far. */
typedef cx_status (*cx__clv_ll_fn)(double *ll, double *grad, const double *p,
                                   const cx__clv_data *d);

/* The same with the Hessian (np x np, log-parameters) when hess != NULL. */
typedef cx_status (*cx__clv_llh_fn)(double *ll, double *grad, double *hess, const double *p,
                                    const cx__clv_data *d);

typedef struct cx__clv_kind_info {
    int kind;
    const char *name;
    size_t np;
    const char *param_names[CX__CLV_MAXP];
    cx__clv_ll_fn ll;
    cx__clv_llh_fn llh; /* analytic Hessian, or NULL (then BFGS, and differences for SEs) */
} cx__clv_kind_info;

const cx__clv_kind_info *cx__clv_info(int kind);

/* Time-invariant covariates (Fader & Hardie's note on covariates in Pareto/NBD and BG/NBD):
 * columns zp (kp purchase covariates) and zd (kd dropout covariates) of n customers,
 * column-major; coefficients coef = [gamma_purchase (kp), gamma_dropout (kd, or 2 kd for
 * BG/NBD: on a, then on b)] with their standard errors, and after a fit the covariance of
 * theta = [log base parameters, coefficients] ((np + ncoef)^2, NULL until then). */
typedef struct cx__clv_cov {
    size_t n, kp, kd, ncoef;
    double *zp, *zd;
    double *coef, *coef_se;
    double *vcov;
    size_t vcov_len; /* entries of vcov */
} cx__clv_cov;

struct cx_clv_model {
    const cx__clv_kind_info *info;
    double p[CX__CLV_MAXP];
    double vcov[CX__CLV_MAXP * CX__CLV_MAXP];
    int has_vcov;
    int fitted;
    cx_clv_fit_report report;
    cx__clv_cov *cov; /* NULL without covariates */
    int n_threads;    /* for fits and predictions: 0 = all online cores */
};

void cx__clv_cov_free(cx__clv_cov *c);

/* Parameters of customer i under the covariates (p_i from the base p and coef). */
void cx__clv_cov_params(double *pi, const cx_clv_model *m, const double *coef, size_t i);

/* Fit with covariates (lib/clv/covariates.c); same contract as cx_clv_model_fit. start: theta =
 * [log base parameters, coefficients] to start from, or NULL to start from the covariate-free
 * fit; want_se 0 skips the Hessian (bootstrap replicates need only the estimates). */
cx_status cx__clv_fit_cov(cx_clv_model *model, const double *x, const double *tx, const double *T,
                          const double *w, size_t n, const cx_clv_fit_options *opts,
                          const double *start, int want_se);

/* Deep copy of the covariates (NULL in, NULL out with CX_OK). */
cx_status cx__clv_cov_copy(cx__clv_cov **out, const cx__clv_cov *c);

/* Gradient of customer i's log own parameters with respect to the coefficients: d log p_i,j /
 * d coef_k = chain[j] for the parameter j each coefficient moves (alpha: -z, Pareto beta: -z,
 * BG/NBD a and b: +z). Adds sum_j g[j] d log p_i,j / d coef_k to out[k] for k < ncoef. */
void cx__clv_cov_chain(double *out, const cx_clv_model *m, const double *g, size_t i);

/* Validate fit options (version, penalizer, n_starts), naming the bad field. */
cx_status cx__clv_check_options(const cx_clv_fit_options *opts);

/* Validate data columns for a kind: names the column and row of the first bad value. T may be
 * NULL for kinds that do not use it. */
cx_status cx__clv_check_data(int kind, const double *x, const double *tx, const double *T,
                             const double *w, size_t n);

/* Log-likelihood functions (lib/clv/ll_*.c). */
cx_status cx__ll_bgnbd(double *ll, double *grad, const double *p, const cx__clv_data *d);
cx_status cx__ll_mbgnbd(double *ll, double *grad, const double *p, const cx__clv_data *d);
cx_status cx__llh_bgnbd(double *ll, double *grad, double *hess, const double *p,
                        const cx__clv_data *d);
cx_status cx__llh_mbgnbd(double *ll, double *grad, double *hess, const double *p,
                         const cx__clv_data *d);
cx_status cx__ll_pnbd(double *ll, double *grad, const double *p, const cx__clv_data *d);
cx_status cx__llh_pnbd(double *ll, double *grad, double *hess, const double *p,
                       const cx__clv_data *d);
cx_status cx__ll_bgbb(double *ll, double *grad, const double *p, const cx__clv_data *d);
cx_status cx__ll_sbg(double *ll, double *grad, const double *p, const cx__clv_data *d);
cx_status cx__ll_gg(double *ll, double *grad, const double *p, const cx__clv_data *d);

cx_status cx__bgbb_row(double *logl, double *grad, const double *p, double x, double tx, double n);

/* Pareto/NBD per-customer pieces: log of the likelihood bracket and P(alive). */
cx_status cx__pnbd_row(double *logl, double *palive, const double *p, double x, double tx,
                       double T);

/* Gauss hypergeometric 2F1(a, b; c; z) for 0 <= z < 1 by its series (Euler-transformed when
 * that converges faster); CX_ERANGE if it does not converge. */
cx_status cx__hyp2f1(double *out, double a, double b, double c, double z);
/* 2F1(a, b; c; z_k) for nz <= CX__HYP_MULTI_MAX arguments in [0, 1), sharing the series
 * coefficients (the same values as cx__hyp2f1 at each z_k). */
#define CX__HYP_MULTI_MAX 32
cx_status cx__hyp2f1_multi(double *out, double a, double b, double c, const double *z, size_t nz);

/* Vectorised predictions for rows without covariates (lib/clv/predict_vec.c): out[i] for
 * i < n at the model parameters p (shift 1: MBG/NBD), never failing; slow[i] = 1 marks a row the
 * caller must compute with the scalar code instead (a series outside the fast path, or a value
 * that is not finite). The first four share one signature (t is unused by P(alive), shift by
 * Pareto/NBD). */
typedef void (*cx__clv_vec_fn)(double *out, unsigned char *slow, const double *p, int shift,
                               double t, const double *x, const double *tx, const double *T,
                               size_t n);
void cx__clv_vec_bg_palive(double *out, unsigned char *slow, const double *p, int shift, double t,
                           const double *x, const double *tx, const double *T, size_t n);
void cx__clv_vec_bg_conditional(double *out, unsigned char *slow, const double *p, int shift,
                                double t, const double *x, const double *tx, const double *T,
                                size_t n);
void cx__clv_vec_pnbd_palive(double *out, unsigned char *slow, const double *p, int shift, double t,
                             const double *x, const double *tx, const double *T, size_t n);
void cx__clv_vec_pnbd_conditional(double *out, unsigned char *slow, const double *p, int shift,
                                  double t, const double *x, const double *tx, const double *T,
                                  size_t n);
/* Discounted CLV: sum over months k = 1..months of f[k-1] em_i (E[Y(k upm)] - E[Y((k-1) upm)]). */
typedef void (*cx__clv_vec_clv_fn)(double *out, unsigned char *slow, const double *p, int shift,
                                   const double *x, const double *tx, const double *T,
                                   const double *em, size_t n, unsigned months, double upm,
                                   const double *f);
void cx__clv_vec_bg_clv(double *out, unsigned char *slow, const double *p, int shift,
                        const double *x, const double *tx, const double *T, const double *em,
                        size_t n, unsigned months, double upm, const double *f);
void cx__clv_vec_pnbd_clv(double *out, unsigned char *slow, const double *p, int shift,
                          const double *x, const double *tx, const double *T, const double *em,
                          size_t n, unsigned months, double upm, const double *f);

/* Adaptive Gauss-Legendre integral of f over [lo, hi] to relative tolerance rel_tol. */
cx_status cx__integrate(double *out, double (*f)(double, void *), void *ctx, double lo, double hi,
                        double rel_tol);

#endif /* CX_CLV_INTERNAL_H */
