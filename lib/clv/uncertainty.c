/*
 * Uncertainty of fitted models: delta-method standard errors of per-customer predictions and
 * a nonparametric bootstrap of the parameters by multinomial resampling of customers.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clv_internal.h"

static cx_status predict_q(double *out, const cx_clv_model *m, int q, double t, const double *x,
                           const double *tx, const double *T, size_t n)
{
    switch (q) {
    case CX_CLV_Q_CONDITIONAL:
        return cx_clv_conditional_purchases(out, m, t, x, tx, T, n);
    case CX_CLV_Q_P_ALIVE:
        return cx_clv_p_alive(out, m, t, x, tx, T, n);
    case CX_CLV_Q_DERT:
        return cx_clv_dert(out, m, t, x, tx, T, n);
    default:
        return cx__error_param(CX_EINVAL, "quantity", "unknown quantity %d", q);
    }
}

/* A per-customer prediction as a function of one model (the other inputs fixed in ctx). */
typedef cx_status (*eval_fn)(double *out, const cx_clv_model *m, const void *ctx);

typedef struct q_ctx {
    int q;
    double t;
    const double *x, *tx, *T;
    size_t n;
} q_ctx;

static cx_status eval_q(double *out, const cx_clv_model *m, const void *vc)
{
    const q_ctx *c = vc;
    return predict_q(out, m, c->q, c->t, c->x, c->tx, c->T, c->n);
}

/* Adds to var[i] the delta-method variance of prediction i from the uncertainty of model m:
 * g' V g with g the gradient in theta = [log parameters, covariate coefficients]. The
 * gradient in customer i's own log-parameters comes from central differences (scaling a base
 * parameter scales every customer's own one alike); the chain rule of the covariate link gives
 * the coefficient part. buf holds 2 np n doubles. */
static cx_status add_variance(double *var, double *buf, const cx_clv_model *m, eval_fn f,
                              const void *ctx, size_t n)
{
    const size_t np = m->info->np, nc = m->cov ? m->cov->ncoef : 0, dim = np + nc;
    const double h = 1e-5;
    cx_clv_model shifted = *m;
    cx_status st = CX_OK;
    for (size_t j = 0; j < np && st == CX_OK; j++) {
        double *plus = buf + j * n, *minus = buf + (np + j) * n;
        shifted.p[j] = m->p[j] * exp(h);
        if ((st = f(plus, &shifted, ctx)) != CX_OK)
            break;
        shifted.p[j] = m->p[j] * exp(-h);
        st = f(minus, &shifted, ctx);
        shifted.p[j] = m->p[j];
        for (size_t i = 0; st == CX_OK && i < n; i++)
            plus[i] = (plus[i] - minus[i]) / (2 * h);
    }
    if (st != CX_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        double g[CX__CLV_MAXP + 64], *gv = g, v = 0.0;
        if (dim > sizeof g / sizeof g[0] && !(gv = cx__malloc_array(dim, sizeof *gv)))
            return cx__enomem();
        for (size_t j = 0; j < np; j++)
            gv[j] = buf[j * n + i];
        if (nc) {
            memset(gv + np, 0, nc * sizeof *gv);
            cx__clv_cov_chain(gv + np, m, gv, i);
        }
        for (size_t a = 0; a < dim; a++)
            for (size_t b = 0; b < dim; b++) /* covariance of theta */
                v += gv[a] * gv[b] *
                     (nc ? m->cov->vcov[a * dim + b] : m->vcov[a * np + b] / (m->p[a] * m->p[b]));
        if (gv != g)
            cx__free(gv);
        var[i] += v;
    }
    return CX_OK;
}

static cx_status need_vcov(const cx_clv_model *m, const char *name)
{
    if (!m->fitted || !m->has_vcov || (m->cov && !m->cov->vcov))
        return cx__error_param(CX_ESTATE, name,
                               "no fitted covariance for %s: fit it first (parameters set by "
                               "hand have none)",
                               name);
    return CX_OK;
}

CX_API cx_status cx_clv_predict_stderr(double *out, const cx_clv_model *model, int quantity,
                                       double t, const double *x, const double *tx, const double *T,
                                       size_t n)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(out != NULL || n == 0);
    cx_status st = need_vcov(model, "model");
    if (st != CX_OK)
        return st;
    const size_t np = model->info->np, m = n ? n : 1;
    double *buf = cx__malloc_array((2 * np + 1) * m, sizeof *buf);
    if (!buf)
        return cx__enomem();
    double *var = buf + 2 * np * m;
    q_ctx c = {quantity, t, x, tx, T, n};
    st = eval_q(var, model, &c); /* validates the inputs once before the differences */
    if (st == CX_OK) {
        memset(var, 0, n * sizeof *var);
        st = add_variance(var, buf, model, eval_q, &c, n);
    }
    if (st == CX_OK)
        for (size_t i = 0; i < n; i++)
            out[i] = sqrt(var[i] > 0 ? var[i] : 0.0);
    cx__free(buf);
    return st;
}

typedef struct clv_ctx {
    const cx_clv_model *model, *spend; /* the one not being differentiated */
    const double *x, *tx, *T, *mbar;
    size_t n;
    unsigned months;
    double units_per_month, discount, margin;
} clv_ctx;

static cx_status eval_clv_model(double *out, const cx_clv_model *m, const void *vc)
{
    const clv_ctx *c = vc;
    return cx_clv_lifetime_value(out, m, c->spend, c->x, c->tx, c->T, c->mbar, c->n, c->months,
                                 c->units_per_month, c->discount, c->margin);
}

static cx_status eval_clv_spend(double *out, const cx_clv_model *s, const void *vc)
{
    const clv_ctx *c = vc;
    return cx_clv_lifetime_value(out, c->model, s, c->x, c->tx, c->T, c->mbar, c->n, c->months,
                                 c->units_per_month, c->discount, c->margin);
}

CX_API cx_status cx_clv_lifetime_value_stderr(double *out, const cx_clv_model *model,
                                              const cx_clv_model *spend, const double *x,
                                              const double *tx, const double *T, const double *mbar,
                                              size_t n, unsigned months, double units_per_month,
                                              double discount, double margin)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(spend != NULL);
    cx_status st;
    if ((st = need_vcov(model, "model")) != CX_OK || (st = need_vcov(spend, "spend")) != CX_OK)
        return st;
    const size_t np = CX__CLV_MAXP, m = n ? n : 1;
    double *buf = cx__malloc_array((2 * np + 1) * m, sizeof *buf);
    if (!buf)
        return cx__enomem();
    double *var = buf + 2 * np * m;
    clv_ctx c = {model, spend, x, tx, T, mbar, n, months, units_per_month, discount, margin};
    st = eval_clv_model(var, model, &c); /* validates the inputs */
    if (st == CX_OK) {
        memset(var, 0, n * sizeof *var);
        st = add_variance(var, buf, model, eval_clv_model, &c, n);
    }
    if (st == CX_OK) /* the spend model is fitted on other data: its estimates are independent */
        st = add_variance(var, buf, spend, eval_clv_spend, &c, n);
    if (st == CX_OK)
        for (size_t i = 0; i < n; i++)
            out[i] = sqrt(var[i] > 0 ? var[i] : 0.0);
    cx__free(buf);
    return st;
}

CX_API cx_status cx_clv_model_bootstrap(double *out, size_t n_out, const cx_clv_model *model,
                                        const double *x, const double *tx, const double *T,
                                        const double *weights, size_t n, size_t n_boot,
                                        uint64_t seed, const cx_clv_fit_options *opts)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(out != NULL || n_out == 0);
    const size_t np = model->info->np, k = np + cx_clv_model_coef_count(model);
    if (n_out != n_boot * k)
        return cx__error_param(CX_EINVAL, "n_out", "n_out must be n_boot * %zu", k);
    cx_clv_fit_options defaults;
    cx_clv_fit_options_init(&defaults, CX_CLV_FIT_OPTIONS_VERSION);
    if (!opts)
        opts = &defaults;
    cx_status st = cx__clv_check_options(opts);
    if (st == CX_OK)
        st = cx__clv_check_data(model->info->kind, x, tx, T, weights, n);
    if (st != CX_OK)
        return st;
    if (n == 0)
        return cx__error_param(CX_ERANGE, "n", "no customers");
    if (model->cov && model->cov->n != n)
        return cx__error_param(CX_EINVAL, "n", "the covariates describe %zu customers, not %zu",
                               model->cov->n, n);
    /* customers are drawn in proportion to their weights: cumulative weights for the draw */
    double *cum = cx__malloc_array(n, sizeof *cum), *w = cx__malloc_array(n, sizeof *w);
    double *draws = cx__malloc_array(n_out ? n_out : 1, sizeof *draws);
    cx_clv_model *fit = NULL;
    cx_rng *rng = NULL;
    if (!cum || !w || !draws) {
        st = cx__enomem();
        goto done;
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        cum[i] = total += weights ? weights[i] : 1.0;
    const size_t draws_per_rep = (size_t)(total + 0.5);
    /* with covariates each replicate refits a copy that keeps every customer's covariate row
     * (the multinomial counts weight whole rows), starting from the full-data estimate */
    double start[CX__CLV_MAXP + 64], *theta = NULL;
    if (model->cov && model->fitted && k <= sizeof start / sizeof start[0]) {
        for (size_t j = 0; j < np; j++)
            start[j] = log(model->p[j]);
        memcpy(start + np, model->cov->coef, (k - np) * sizeof *start);
        theta = start;
    }
    if ((st = model->cov ? cx_clv_model_copy(&fit, model, NULL, 0, NULL, 0, 0)
                         : cx_clv_model_new(&fit, model->info->kind)) != CX_OK ||
        (st = cx_rng_new(&rng, seed, 0)) != CX_OK)
        goto done;
    for (size_t b = 0; b < n_boot; b++) {
        memset(w, 0, n * sizeof *w);
        for (size_t d = 0; d < draws_per_rep; d++) {
            const double u = cx_rng_uniform(rng) * total;
            size_t lo = 0, hi = n - 1;
            while (lo < hi) { /* first cum > u */
                const size_t mid = lo + (hi - lo) / 2;
                if (cum[mid] > u)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            w[lo] += 1.0;
        }
        st = model->cov ? cx__clv_fit_cov(fit, x, tx, T, w, n, opts, theta, 0)
                        : cx_clv_model_fit(fit, x, tx, T, w, n, opts);
        if (st != CX_OK) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", cx_error_last()->message);
            st = cx__error(st, "bootstrap replicate %zu: %s", b, msg);
            goto done;
        }
        cx_clv_model_params(draws + b * k, np, fit);
        if (k > np)
            cx_clv_model_coefs(draws + b * k + np, k - np, fit);
    }
    memcpy(out, draws, n_out * sizeof *out);
done:
    cx_rng_free(rng);
    cx_clv_model_free(fit);
    cx__free(cum);
    cx__free(w);
    cx__free(draws);
    return st;
}
