/* bindings/modules/clv.i: customer-base models (include/cxkit/clv.h).
 *
 * The C API passes several columns that share one length; the binding helpers below (cx_clv_b_*)
 * take each column as its own array (checked to have equal lengths; an optional column may be
 * empty) so that the shared array typemaps apply, and return results as new arrays. The Pythonic
 * layer (lifetimes-style fitters) is bindings/python/cxkit/clv.py, the Lua one
 * bindings/lua/cxkit/clv.lua. */
CX_HANDLE(cx_clv_model, cx_clv_model_free)
CX_HANDLE(cx_rfm, cx_rfm_free)

%apply (const double *IN_F64, size_t IN_N) {
    (const double *params, size_t n), (const double *cx, size_t ncx),
    (const double *ctx, size_t nctx), (const double *cT, size_t ncT),
    (const double *cw, size_t ncw)
};
%apply (const double *IN_F64, size_t IN_N) { (const double *coefs, size_t n) };
%apply (const int64_t *IN_I64, size_t IN_N) { (const int64_t *times, size_t ntimes) };
%apply (const char *const *IN_STRS, size_t IN_N) { (const char *const *customers, size_t ncust) };

/* Multi-column C entry points and option structs: reached through the helpers below. */
%ignore cx_rfm_options_init;
%ignore cx_rfm_from_txlog;
%ignore cx_rfm_update;
%ignore cx_rfm_from_columns;
%ignore cx_clv_fit_options_init;
%ignore cx_clv_model_fit;
%ignore cx_clv_model_report;
%ignore cx_clv_model_loglik;
%ignore cx_clv_expected_purchases;
%ignore cx_clv_conditional_purchases;
%ignore cx_clv_p_alive;
%ignore cx_clv_p_purchases;
%ignore cx_clv_dert;
%ignore cx_clv_expected_spend;
%ignore cx_clv_lifetime_value;
%ignore cx_clv_model_sample;
%ignore cx_clv_kind_parse;
%ignore cx_rfm_customer;
%ignore cx_clv_model_set_covariates;
%ignore cx_clv_predict_stderr;
%ignore cx_clv_model_bootstrap;
%ignore cx_clv_model_copy;
%ignore cx_clv_lifetime_value_stderr;
%ignore cx_rfm_options;
%ignore cx_clv_fit_options;
%ignore cx_clv_fit_report;

%include <cxkit/clv.h>

%{
#include <cxkit/clv.h>
#include <cxkit/log.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "special.h"

/* Columns must have the length of the first; an optional one may be empty (then NULL). */
static cx_status cx_clv_b_len(const double **p, size_t n, size_t m, const char *name,
                              int optional)
{
    if (m == n)
        return CX_OK;
    if (optional && m == 0) {
        *p = NULL;
        return CX_OK;
    }
    return cx__error_param(CX_EINVAL, name, "column %s has %zu entries, expected %zu", name, m, n);
}
%}

%inline %{
/* Kind code of a model name ("bgnbd", "pareto", ...). */
cx_status cx_clv_b_kind(int *out, const char *name)
{
    cx_clv_kind k;
    cx_status st = cx_clv_kind_parse(&k, name);
    if (st == CX_OK)
        *out = (int)k;
    return st;
}

/* Fit on columns x, tx, T (T and weights may be empty); all_starts as in the options. */
cx_status cx_clv_b_fit(cx_clv_model *model, const double *cx, size_t ncx, const double *ctx,
                       size_t nctx, const double *cT, size_t ncT, const double *cw, size_t ncw,
                       double penalizer, unsigned n_starts, uint64_t seed, int all_starts)
{
    cx_status st;
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 1)) != CX_OK ||
        (st = cx_clv_b_len(&cw, ncx, ncw, "weights", 1)) != CX_OK)
        return st;
    cx_clv_fit_options o;
    cx_clv_fit_options_init(&o, CX_CLV_FIT_OPTIONS_VERSION);
    o.penalizer = penalizer;
    o.n_starts = n_starts;
    o.seed = seed;
    o.all_starts = all_starts;
    return cx_clv_model_fit(model, cx, ctx, cT, cw, ncx, &o);
}

/* Covariates as flattened columns (k columns of n values each, one after the other). */
cx_status cx_clv_b_set_covariates(cx_clv_model *model, const double *cx, size_t ncx,
                                  const double *ctx, size_t nctx, size_t n)
{
    if (n == 0 || ncx % n != 0 || nctx % n != 0)
        return cx__error_param(CX_EINVAL, "n", "covariate arrays must hold whole columns of n");
    return cx_clv_model_set_covariates(model, ncx ? cx : NULL, ncx / n, nctx ? ctx : NULL,
                                       nctx / n, n);
}

/* Report of the last fit as numbers: loglik, iterations, evaluations, grad_norm,
 * starts_converged, n_rows, n_unique, converged (n = 8). */
cx_status cx_clv_b_report(double *out, size_t n, const cx_clv_model *model)
{
    cx_clv_fit_report r;
    if (n != 8)
        return cx__error_param(CX_EINVAL, "n", "the report has 8 entries");
    cx_status st = cx_clv_model_report(&r, model);
    if (st != CX_OK)
        return st;
    out[0] = r.loglik;
    out[1] = (double)r.iterations;
    out[2] = (double)r.evaluations;
    out[3] = r.grad_norm;
    out[4] = (double)r.starts_converged;
    out[5] = (double)r.n_rows;
    out[6] = (double)r.n_unique;
    out[7] = (double)r.converged;
    return CX_OK;
}

/* Per-customer predictions; what: 0 loglik, 1 conditional purchases in t, 2 P(alive) (t
 * future periods for BG/BB and sBG), 3 DERT with discount rate t. */
cx_status cx_clv_b_rows(double *out, size_t n, const cx_clv_model *model, int what, double t,
                        const double *cx, size_t ncx, const double *ctx, size_t nctx,
                        const double *cT, size_t ncT)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of x");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 1)) != CX_OK)
        return st;
    switch (what) {
    case 0:
        return cx_clv_model_loglik(out, model, cx, ctx, cT, n);
    case 1:
        return cx_clv_conditional_purchases(out, model, t, cx, ctx, cT, n);
    case 2:
        return cx_clv_p_alive(out, model, t, cx, ctx, cT, n);
    case 3:
        return cx_clv_dert(out, model, t, cx, ctx, cT, n);
    default:
        return cx__error_param(CX_EINVAL, "what", "unknown prediction %d", what);
    }
}

/* Delta-method standard errors of per-customer predictions (cx_clv_predict_stderr). */
cx_status cx_clv_b_stderr(double *out, size_t n, const cx_clv_model *model, int quantity,
                          double t, const double *cx, size_t ncx, const double *ctx, size_t nctx,
                          const double *cT, size_t ncT)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of x");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 1)) != CX_OK)
        return st;
    return cx_clv_predict_stderr(out, model, quantity, t, cx, ctx, cT, n);
}

/* Bootstrap draws (n = n_boot * (parameters + coefficients), row-major). */
cx_status cx_clv_b_bootstrap(double *out, size_t n, const cx_clv_model *model, const double *cx,
                             size_t ncx, const double *ctx, size_t nctx, const double *cT,
                             size_t ncT, const double *cw, size_t ncw, size_t n_boot,
                             uint64_t seed, double penalizer)
{
    cx_status st;
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 1)) != CX_OK ||
        (st = cx_clv_b_len(&cw, ncx, ncw, "weights", 1)) != CX_OK)
        return st;
    cx_clv_fit_options o;
    cx_clv_fit_options_init(&o, CX_CLV_FIT_OPTIONS_VERSION);
    o.penalizer = penalizer;
    return cx_clv_model_bootstrap(out, n, model, cx, ctx, cT, cw, ncx, n_boot, seed, &o);
}

/* Two-sided normal critical value for a confidence level in (0, 1) (1.959964 for 0.95). */
cx_status cx_clv_b_z(double *out, double level)
{
    if (!(level > 0 && level < 1))
        return cx__error_param(CX_EINVAL, "level", "level = %g: must be in (0, 1)", level);
    *out = cx__z_for_level(level);
    return CX_OK;
}

/* Copy of a model for other customers: covariates as flattened columns (k columns of n values
 * each, one after the other; both empty for a plain copy). */
cx_status cx_clv_b_copy(cx_clv_model **out, const cx_clv_model *model, const double *cx,
                        size_t ncx, const double *ctx, size_t nctx, size_t n)
{
    if (ncx == 0 && nctx == 0)
        return cx_clv_model_copy(out, model, NULL, 0, NULL, 0, 0);
    if (n == 0 || ncx % n != 0 || nctx % n != 0)
        return cx__error_param(CX_EINVAL, "n", "covariate arrays must hold whole columns of n");
    return cx_clv_model_copy(out, model, ncx ? cx : NULL, ncx / n, nctx ? ctx : NULL, nctx / n,
                             n);
}

/* Delta-method standard errors of CLV (cx_clv_lifetime_value_stderr), mean spends in cw. */
cx_status cx_clv_b_value_stderr(double *out, size_t n, const cx_clv_model *model,
                                const cx_clv_model *spend, const double *cx, size_t ncx,
                                const double *ctx, size_t nctx, const double *cT, size_t ncT,
                                const double *cw, size_t ncw, unsigned months,
                                double units_per_month, double discount, double margin)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of x");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cw, ncx, ncw, "monetary_value", 0)) != CX_OK)
        return st;
    return cx_clv_lifetime_value_stderr(out, model, spend, cx, ctx, cT, cw, n, months,
                                        units_per_month, discount, margin);
}

/* Unconditional E[X(t)] for each t in cx. */
cx_status cx_clv_b_expected(double *out, size_t n, const cx_clv_model *model, const double *cx,
                            size_t ncx)
{
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of t");
    return cx_clv_expected_purchases(out, model, cx, n);
}

/* P(X(t) = k) with t in cx and k in ctx. */
cx_status cx_clv_b_pmf(double *out, size_t n, const cx_clv_model *model, const double *cx,
                       size_t ncx, const double *ctx, size_t nctx)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of t");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "counts", 0)) != CX_OK)
        return st;
    return cx_clv_p_purchases(out, model, cx, ctx, n);
}

/* Gamma-Gamma expected spend for frequencies cx and mean spends ctx. */
cx_status cx_clv_b_spend(double *out, size_t n, const cx_clv_model *model, const double *cx,
                         size_t ncx, const double *ctx, size_t nctx)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of x");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "monetary_value", 0)) != CX_OK)
        return st;
    return cx_clv_expected_spend(out, model, cx, ctx, n);
}

/* CLV (cx_clv_lifetime_value) with mean spends in cw. */
cx_status cx_clv_b_value(double *out, size_t n, const cx_clv_model *model,
                         const cx_clv_model *spend, const double *cx, size_t ncx,
                         const double *ctx, size_t nctx, const double *cT, size_t ncT,
                         const double *cw, size_t ncw, unsigned months, double units_per_month,
                         double discount, double margin)
{
    cx_status st;
    if (n != ncx)
        return cx__error_param(CX_EINVAL, "n", "n must equal the length of x");
    if ((st = cx_clv_b_len(&ctx, ncx, nctx, "tx", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncx, ncT, "T", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cw, ncx, ncw, "monetary_value", 0)) != CX_OK)
        return st;
    return cx_clv_lifetime_value(out, model, spend, cx, ctx, cT, cw, n, months, units_per_month,
                                 discount, margin);
}

/* Draw n customers: out (3 n) = x, tx, alive. cT holds T (or x for Gamma-Gamma). */
cx_status cx_clv_b_sample(double *out, size_t n, const cx_clv_model *model, const double *cT,
                          size_t ncT, uint64_t seed)
{
    if (n != 3 * ncT)
        return cx__error_param(CX_EINVAL, "n", "n must be 3 times the number of customers");
    double *x = out, *tx = out + ncT, *alive = out + 2 * ncT;
    if (cx_clv_model_kind(model) == CX_CLV_GAMMA_GAMMA)
        memcpy(x, cT, ncT * sizeof *x);
    return cx_clv_model_sample(x, tx, alive, model, cT, ncT, seed);
}

/* RFM summary straight from columns (customer ids, epoch seconds, amounts: NaN unknown). */
cx_status cx_clv_b_rfm(cx_rfm **out, const char *const *customers, size_t ncust,
                       const int64_t *times, size_t ntimes, const double *cw, size_t ncw,
                       int64_t period, double multiplier, int64_t observation_end,
                       int64_t calibration_end, int has_calibration)
{
    cx_status st;
    if (ntimes != ncust)
        return cx__error_param(CX_EINVAL, "times", "times has %zu entries, expected %zu", ntimes,
                               ncust);
    if ((st = cx_clv_b_len(&cw, ncust, ncw, "amounts", 1)) != CX_OK)
        return st;
    double *nan_amounts = NULL;
    if (!cw) {
        nan_amounts = cx__malloc_array(ncust ? ncust : 1, sizeof *nan_amounts);
        if (!nan_amounts)
            return cx__enomem();
        for (size_t i = 0; i < ncust; i++)
            nan_amounts[i] = NAN;
        cw = nan_amounts;
    }
    cx_txlog *tx = NULL;
    st = cx_txlog_new(&tx);
    if (st == CX_OK)
        st = cx_txlog_append_columns(tx, customers, times, cw, ncust);
    if (st == CX_OK) {
        cx_rfm_options o;
        cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
        o.period = period;
        o.multiplier = multiplier;
        o.observation_end = observation_end;
        o.calibration_end = has_calibration ? calibration_end : CX_TIME_ABSENT;
        st = cx_rfm_from_txlog(out, tx, &o);
    }
    cx_txlog_free(tx);
    cx__free(nan_amounts);
    return st;
}

/* Summary rebuilt from its columns (cx_rfm_from_columns); monetary (cw) may be empty. */
cx_status cx_clv_b_rfm_columns(cx_rfm **out, const char *const *customers, size_t ncust,
                               const double *cx, size_t ncx, const double *ctx, size_t nctx,
                               const double *cT, size_t ncT, const double *cw, size_t ncw,
                               int64_t period, double multiplier, int64_t observation_end)
{
    cx_status st;
    const double *f = cx;
    if ((st = cx_clv_b_len(&f, ncust, ncx, "frequency", 0)) != CX_OK ||
        (st = cx_clv_b_len(&ctx, ncust, nctx, "recency", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cT, ncust, ncT, "T", 0)) != CX_OK ||
        (st = cx_clv_b_len(&cw, ncust, ncw, "monetary_value", 1)) != CX_OK)
        return st;
    cx_rfm_options o;
    cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
    o.period = period;
    o.multiplier = multiplier;
    o.observation_end = observation_end;
    return cx_rfm_from_columns(out, customers, cx, ctx, cT, cw, ncust, &o);
}

/* Customer id of row i (a copy). */
cx_status cx_clv_b_customer(char **out, const cx_rfm *rfm, size_t i)
{
    const char *s = NULL;
    cx_status st = cx_rfm_customer(&s, rfm, i);
    if (st != CX_OK)
        return st;
    char *c = cx__strdup(s);
    if (!c)
        return cx__enomem();
    *out = c;
    return CX_OK;
}

/* Every customer id, joined with newlines (ids must not contain one). */
cx_status cx_clv_b_customers(char **out, const cx_rfm *rfm)
{
    const size_t n = cx_rfm_rows(rfm);
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        cx_rfm_customer(&s, rfm, i);
        len += strlen(s) + 1;
    }
    char *buf = cx__malloc(len), *p = buf;
    if (!buf)
        return cx__enomem();
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        cx_rfm_customer(&s, rfm, i);
        const size_t k = strlen(s);
        memcpy(p, s, k);
        p += k;
        if (i + 1 < n)
            *p++ = '\n';
    }
    *p = '\0';
    *out = buf;
    return CX_OK;
}

/* Fold new transactions into a summary (cx_rfm_update). */
cx_status cx_clv_b_rfm_update(cx_rfm *rfm, const char *const *customers, size_t ncust,
                              const int64_t *times, size_t ntimes, const double *cw, size_t ncw,
                              int64_t new_observation_end)
{
    cx_status st;
    if (ntimes != ncust)
        return cx__error_param(CX_EINVAL, "times", "times has %zu entries, expected %zu", ntimes,
                               ncust);
    if ((st = cx_clv_b_len(&cw, ncust, ncw, "amounts", 0)) != CX_OK)
        return st;
    cx_txlog *tx = NULL;
    st = cx_txlog_new(&tx);
    if (st == CX_OK)
        st = cx_txlog_append_columns(tx, customers, times, cw, ncust);
    if (st == CX_OK)
        st = cx_rfm_update(rfm, tx, new_observation_end);
    cx_txlog_free(tx);
    return st;
}
%}
