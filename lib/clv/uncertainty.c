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

CX_API cx_status cx_clv_predict_stderr(double *out, const cx_clv_model *model, int quantity,
                                       double t, const double *x, const double *tx, const double *T,
                                       size_t n)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(out != NULL || n == 0);
    if (model->cov)
        return cx__error_param(CX_ENOTSUP, "model",
                               "prediction standard errors with covariates: use the bootstrap");
    if (!model->fitted || !model->has_vcov)
        return cx__error(CX_ESTATE, "no fitted covariance: fit the model first");
    const size_t np = model->info->np;
    double *buf = cx__malloc_array((2 * np + 1) * (n ? n : 1), sizeof *buf);
    if (!buf)
        return cx__enomem();
    cx_status st = predict_q(buf, model, quantity, t, x, tx, T, n);
    double *grad = buf + n; /* np columns of d prediction / d log p_j */
    cx_clv_model shifted = *model;
    shifted.cov = NULL;
    for (size_t j = 0; j < np && st == CX_OK; j++) {
        const double h = 1e-5;
        double *plus = grad + j * n, *minus = grad + (np + j) * n;
        memcpy(shifted.p, model->p, sizeof shifted.p);
        shifted.p[j] = model->p[j] * exp(h);
        if ((st = predict_q(plus, &shifted, quantity, t, x, tx, T, n)) != CX_OK)
            break;
        shifted.p[j] = model->p[j] * exp(-h);
        if ((st = predict_q(minus, &shifted, quantity, t, x, tx, T, n)) != CX_OK)
            break;
        for (size_t i = 0; i < n; i++)
            plus[i] = (plus[i] - minus[i]) / (2 * h);
    }
    if (st == CX_OK) {
        for (size_t i = 0; i < n; i++) {
            double v = 0.0;
            for (size_t a = 0; a < np; a++)
                for (size_t b = 0; b < np; b++) /* cov(log p_a, log p_b) = cov / (p_a p_b) */
                    v += grad[a * n + i] * grad[b * n + i] * model->vcov[a * np + b] /
                         (model->p[a] * model->p[b]);
            out[i] = sqrt(v > 0 ? v : 0.0);
        }
    }
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
    const size_t np = model->info->np;
    if (n_out != n_boot * np)
        return cx__error_param(CX_EINVAL, "n_out", "n_out must be n_boot * %zu", np);
    if (model->cov)
        return cx__error_param(CX_ENOTSUP, "model", "bootstrap with covariates is not supported");
    cx_status st = cx__clv_check_data(model->info->kind, x, tx, T, weights, n);
    if (st != CX_OK)
        return st;
    if (n == 0)
        return cx__error_param(CX_ERANGE, "n", "no customers");
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
    if ((st = cx_clv_model_new(&fit, model->info->kind)) != CX_OK ||
        (st = cx_rng_new(&rng, seed, 0)) != CX_OK)
        goto done;
    for (size_t b = 0; b < n_boot; b++) {
        memset(w, 0, n * sizeof *w);
        for (size_t k = 0; k < draws_per_rep; k++) {
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
        if ((st = cx_clv_model_fit(fit, x, tx, T, w, n, opts)) != CX_OK) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", cx_error_last()->message);
            st = cx__error(st, "bootstrap replicate %zu: %s", b, msg);
            goto done;
        }
        cx_clv_model_params(draws + b * np, np, fit);
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
