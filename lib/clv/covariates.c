/*
 * Time-invariant covariates for BG/NBD and Pareto/NBD (Fader & Hardie 2007, "Incorporating
 * time-invariant covariates into the Pareto/NBD and BG/NBD models"): each customer's scale or
 * dropout parameters are the base parameters times exp(coefficients . covariates). The
 * likelihood of a customer is the covariate-free one at their own parameters, so the per-row
 * gradients in log-parameters give the coefficient gradients by the chain rule.
 */
#include <math.h>
#include <string.h>

#include "clv_internal.h"
#include "linalg.h"
#include "optim.h"

static void cov_free(cx__clv_cov *c)
{
    if (!c)
        return;
    cx__free(c->zp);
    cx__free(c->zd);
    cx__free(c->coef);
    cx__free(c->coef_se);
    cx__free(c->vcov);
    cx__free(c);
}

void cx__clv_cov_free(cx__clv_cov *c)
{
    cov_free(c);
}

static double *dup_array(const double *v, size_t n)
{
    double *d = cx__malloc_array(n ? n : 1, sizeof *d);
    if (d && n)
        memcpy(d, v, n * sizeof *d);
    return d;
}

cx_status cx__clv_cov_copy(cx__clv_cov **out, const cx__clv_cov *c)
{
    *out = NULL;
    if (!c)
        return CX_OK;
    cx__clv_cov *d = cx__calloc(1, sizeof *d);
    if (!d)
        return cx__enomem();
    *d = *c;
    d->zp = d->zd = d->coef = d->coef_se = d->vcov = NULL;
    d->zp = dup_array(c->zp, c->kp * c->n);
    d->zd = dup_array(c->zd, c->kd * c->n);
    d->coef = dup_array(c->coef, c->ncoef);
    d->coef_se = dup_array(c->coef_se, c->ncoef);
    if (c->vcov)
        d->vcov = dup_array(c->vcov, c->vcov_len);
    if (!d->zp || !d->zd || !d->coef || !d->coef_se || (c->vcov && !d->vcov)) {
        cov_free(d);
        return cx__enomem();
    }
    *out = d;
    return CX_OK;
}

CX_API cx_status cx_clv_model_set_covariates(cx_clv_model *model, const double *purchase,
                                             size_t k_purchase, const double *dropout,
                                             size_t k_dropout, size_t n)
{
    CX_CHECK_ARG(model != NULL);
    const int kind = model->info->kind;
    if (kind != CX_CLV_BGNBD && kind != CX_CLV_PARETO_NBD)
        return cx__error_param(CX_ENOTSUP, "model",
                               "covariates are supported for BG/NBD and Pareto/NBD, not %s",
                               model->info->name);
    if (k_purchase == 0 && k_dropout == 0) {
        cov_free(model->cov);
        model->cov = NULL;
        model->fitted = 0;
        return CX_OK;
    }
    if ((k_purchase && !purchase) || (k_dropout && !dropout))
        return cx__error_param(CX_EINVAL, k_purchase && !purchase ? "purchase" : "dropout",
                               "covariate columns are NULL");
    if (n == 0)
        return cx__error_param(CX_EINVAL, "n", "no customers");
    for (size_t i = 0; i < k_purchase * n; i++)
        if (!isfinite(purchase[i]))
            return cx__error_param(CX_EINVAL, "purchase",
                                   "purchase covariate %zu of customer %zu is not finite", i / n,
                                   i % n);
    for (size_t i = 0; i < k_dropout * n; i++)
        if (!isfinite(dropout[i]))
            return cx__error_param(CX_EINVAL, "dropout",
                                   "dropout covariate %zu of customer %zu is not finite", i / n,
                                   i % n);
    cx__clv_cov *c = cx__calloc(1, sizeof *c);
    if (!c)
        return cx__enomem();
    c->n = n;
    c->kp = k_purchase;
    c->kd = k_dropout;
    c->ncoef = k_purchase + (kind == CX_CLV_BGNBD ? 2 : 1) * k_dropout;
    c->zp = cx__malloc_array(k_purchase * n + 1, sizeof *c->zp);
    c->zd = cx__malloc_array(k_dropout * n + 1, sizeof *c->zd);
    c->coef = cx__calloc(c->ncoef, sizeof *c->coef);
    c->coef_se = cx__calloc(c->ncoef, sizeof *c->coef_se);
    if (!c->zp || !c->zd || !c->coef || !c->coef_se) {
        cov_free(c);
        return cx__enomem();
    }
    if (k_purchase)
        memcpy(c->zp, purchase, k_purchase * n * sizeof *purchase);
    if (k_dropout)
        memcpy(c->zd, dropout, k_dropout * n * sizeof *dropout);
    cov_free(model->cov);
    model->cov = c;
    model->fitted = 0;
    model->has_vcov = 0;
    return CX_OK;
}

CX_API size_t cx_clv_model_coef_count(const cx_clv_model *model)
{
    return model && model->cov ? model->cov->ncoef : 0;
}

static cx_status coef_n(const cx_clv_model *model, size_t n)
{
    const size_t k = cx_clv_model_coef_count(model);
    if (n != k)
        return cx__error_param(CX_EINVAL, "n", "the model has %zu covariate coefficients, not %zu",
                               k, n);
    return CX_OK;
}

CX_API cx_status cx_clv_model_coefs(double *out, size_t n, const cx_clv_model *model)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(out != NULL || n == 0);
    cx_status st = coef_n(model, n);
    if (st == CX_OK && n)
        memcpy(out, model->cov->coef, n * sizeof *out);
    return st;
}

CX_API cx_status cx_clv_model_coef_stderr(double *out, size_t n, const cx_clv_model *model)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(out != NULL || n == 0);
    cx_status st = coef_n(model, n);
    if (st != CX_OK)
        return st;
    if (!model->fitted || !model->has_vcov)
        return cx__error(CX_ESTATE, "no standard errors: fit the model first");
    if (n)
        memcpy(out, model->cov->coef_se, n * sizeof *out);
    return CX_OK;
}

CX_API cx_status cx_clv_model_set_coefs(cx_clv_model *model, const double *coefs, size_t n)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(coefs != NULL || n == 0);
    cx_status st = coef_n(model, n);
    if (st != CX_OK)
        return st;
    for (size_t j = 0; j < n; j++)
        if (!isfinite(coefs[j]))
            return cx__error_param(CX_EINVAL, "coefs", "coefficient %zu is not finite", j);
    if (n)
        memcpy(model->cov->coef, coefs, n * sizeof *coefs);
    model->has_vcov = 0;
    model->fitted = 1;
    return CX_OK;
}

void cx__clv_cov_params(double *pi, const cx_clv_model *m, const double *coef, size_t i)
{
    const cx__clv_cov *c = m->cov;
    memcpy(pi, m->p, m->info->np * sizeof *pi);
    double sp = 0.0;
    for (size_t k = 0; k < c->kp; k++)
        sp += coef[k] * c->zp[k * c->n + i];
    pi[1] *= exp(-sp);
    if (m->info->kind == CX_CLV_PARETO_NBD) {
        double sd = 0.0;
        for (size_t k = 0; k < c->kd; k++)
            sd += coef[c->kp + k] * c->zd[k * c->n + i];
        pi[3] *= exp(-sd);
    } else {
        double sa = 0.0, sb = 0.0;
        for (size_t k = 0; k < c->kd; k++) {
            sa += coef[c->kp + k] * c->zd[k * c->n + i];
            sb += coef[c->kp + c->kd + k] * c->zd[k * c->n + i];
        }
        pi[2] *= exp(sa);
        pi[3] *= exp(sb);
    }
}

void cx__clv_cov_chain(double *out, const cx_clv_model *m, const double *g, size_t i)
{
    const cx__clv_cov *c = m->cov;
    for (size_t k = 0; k < c->kp; k++) /* alpha_i = alpha exp(-g_p z) */
        out[k] -= g[1] * c->zp[k * c->n + i];
    for (size_t k = 0; k < c->kd; k++) {
        const double z = c->zd[k * c->n + i];
        if (m->info->kind == CX_CLV_PARETO_NBD) { /* beta_i = beta exp(-g_d z) */
            out[c->kp + k] -= g[3] * z;
        } else { /* a_i = a exp(g_a z), b_i = b exp(g_b z) */
            out[c->kp + k] += g[2] * z;
            out[c->kp + c->kd + k] += g[3] * z;
        }
    }
}

typedef struct cov_ctx {
    cx_clv_model *m;
    const double *x, *tx, *T, *w;
    size_t n;
    double total_w, penalizer;
    double *gc; /* ncoef scratch: one customer's coefficient gradient */
} cov_ctx;

/* Mean negative log-likelihood (+ penalty) over theta = [log base params, coefficients]. */
static cx_status cov_objective(double *f, double *grad, double *hess, const double *theta,
                               size_t dim, void *vctx)
{
    (void)hess;
    cov_ctx *c = vctx;
    cx_clv_model *m = c->m;
    const cx__clv_cov *cv = m->cov;
    const size_t np = m->info->np;
    for (size_t j = 0; j < np; j++) {
        if (!(fabs(theta[j]) < 700.0)) {
            *f = INFINITY;
            return CX_OK;
        }
    }
    cx_clv_model view = *m;
    for (size_t j = 0; j < np; j++)
        view.p[j] = exp(theta[j]);
    const double *coef = theta + np;
    double sum = 0.0;
    if (grad)
        memset(grad, 0, dim * sizeof *grad);
    for (size_t i = 0; i < c->n; i++) {
        const double wi = c->w ? c->w[i] : 1.0;
        if (wi == 0.0 || c->T[i] == 0.0) /* age 0: likelihood 1, no information */
            continue;
        double pi[CX__CLV_MAXP], g[CX__CLV_MAXP], ll, one = 1.0;
        cx__clv_cov_params(pi, &view, coef, i);
        cx__clv_data d = {1, &c->x[i], &c->tx[i], &c->T[i], &one, 1.0, c->x[i], 0, NULL};
        cx_status st = m->info->ll(&ll, grad ? g : NULL, pi, &d);
        if (st == CX_ERANGE) {
            *f = INFINITY;
            return CX_OK;
        }
        if (st != CX_OK)
            return st;
        sum += wi * ll;
        if (!grad)
            continue;
        for (size_t j = 0; j < np; j++)
            grad[j] -= wi * g[j];
        memset(c->gc, 0, cv->ncoef * sizeof *c->gc);
        cx__clv_cov_chain(c->gc, m, g, i);
        for (size_t k = 0; k < cv->ncoef; k++)
            grad[np + k] -= wi * c->gc[k];
    }
    double pen = 0.0;
    for (size_t j = 0; j < dim; j++) {
        const double v = j < np ? exp(theta[j]) : theta[j];
        pen += v * v;
        if (grad)
            grad[j] = grad[j] / c->total_w + c->penalizer * 2.0 * v * (j < np ? v : 1.0);
    }
    *f = -sum / c->total_w + c->penalizer * pen;
    if (!isfinite(*f))
        *f = INFINITY;
    return CX_OK;
}

cx_status cx__clv_fit_cov(cx_clv_model *model, const double *x, const double *tx, const double *T,
                          const double *w, size_t n, const cx_clv_fit_options *opts,
                          const double *start, int want_se)
{
    cx__clv_cov *cv = model->cov;
    if (n != cv->n)
        return cx__error_param(
            CX_EINVAL, "n", "the covariates describe %zu customers but %zu were given", cv->n, n);
    const size_t np = model->info->np, dim = np + cv->ncoef;
    double *mem = cx__calloc(3 * dim + 2 * dim * dim + cv->ncoef, sizeof *mem);
    double *vcov = want_se ? cx__malloc_array(dim * dim, sizeof *vcov) : NULL;
    cx_clv_model *base = NULL;
    cx_status st = CX_OK;
    if (!mem || (want_se && !vcov)) {
        st = cx__enomem();
        goto done;
    }
    double *theta = mem, *hess = mem + dim, *inv = hess + dim * dim, *gc = inv + dim * dim;
    if (start) {
        memcpy(theta, start, dim * sizeof *theta);
    } else {
        /* start from the fit without covariates (cheap on compressed rows), coefficients 0 */
        if ((st = cx_clv_model_new(&base, model->info->kind)) != CX_OK ||
            (st = cx_clv_model_fit(base, x, tx, T, w, n, opts)) != CX_OK)
            goto done;
        for (size_t j = 0; j < np; j++)
            theta[j] = log(base->p[j]);
    }
    cov_ctx ctx = {model, x, tx, T, w, n, 0.0, opts->penalizer, gc};
    double age0_w = 0.0; /* customers of age 0 outside total_w: as cx_clv_model_fit() */
    for (size_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        if (T[i] == 0.0 && !(opts->penalizer > 0))
            age0_w += wi;
        else
            ctx.total_w += wi;
    }
    if (!(ctx.total_w > 0)) {
        st = cx__error_param(CX_ERANGE, "T", "every customer has age 0 (T = 0): nothing to fit");
        goto done;
    }
    cx__optim_opts oo = CX__OPTIM_OPTS_DEFAULT;
    oo.max_iter = opts->max_iter;
    oo.gtol = opts->gtol;
    oo.use_hessian = 0;
    cx__optim_report orep;
    st = cx__minimize(theta, dim, cov_objective, &ctx, &oo, &orep);
    if (st == CX_ENOTCONV)
        st = cx__error(CX_ENOTCONV, "%s fit with covariates did not converge: %s",
                       model->info->name, orep.reason);
    int has_vcov = 0;
    if (st == CX_OK && want_se) {
        cov_ctx plain = ctx;
        plain.penalizer = 0.0;
        const cx_status hs = cx__hessian_fd(hess, theta, dim, cov_objective, &plain);
        if (hs == CX_ENOMEM)
            st = hs;
        if (hs == CX_OK) {
            for (size_t k = 0; k < dim * dim; k++)
                hess[k] *= ctx.total_w;
            if (cx__chol(hess, dim) == CX_OK && cx__chol_inverse(hess, dim, inv) == CX_OK)
                has_vcov = 1;
        }
    }
    if (st == CX_OK) {
        double ll = -orep.f * ctx.total_w;
        double pen = 0.0;
        for (size_t j = 0; j < dim; j++) {
            const double v = j < np ? exp(theta[j]) : theta[j];
            pen += v * v;
        }
        ll += opts->penalizer * pen * ctx.total_w;
        for (size_t j = 0; j < np; j++)
            model->p[j] = exp(theta[j]);
        memcpy(cv->coef, theta + np, cv->ncoef * sizeof *theta);
        model->has_vcov = has_vcov;
        cx__free(cv->vcov);
        cv->vcov = NULL;
        cv->vcov_len = 0;
        if (has_vcov) {
            for (size_t i = 0; i < np; i++)
                for (size_t j = 0; j < np; j++)
                    model->vcov[i * np + j] = inv[i * dim + j] * model->p[i] * model->p[j];
            for (size_t k = 0; k < cv->ncoef; k++)
                cv->coef_se[k] = sqrt(inv[(np + k) * dim + np + k]);
            memcpy(vcov, inv, dim * dim * sizeof *vcov);
            cv->vcov = vcov;
            cv->vcov_len = dim * dim;
            vcov = NULL;
        }
        memset(&model->report, 0, sizeof model->report);
        model->report.loglik = ll;
        model->report.iterations = orep.iterations;
        model->report.evaluations = orep.evaluations;
        model->report.grad_norm = orep.grad_norm;
        model->report.starts_converged = 1;
        model->report.n_rows = (size_t)(ctx.total_w + age0_w + 0.5);
        model->report.n_unique = n;
        model->report.converged = 1;
        model->report.reason = "converged";
        model->fitted = 1;
    }
done:
    cx__free(vcov);
    cx__free(mem);
    cx_clv_model_free(base);
    return st;
}

CX_API cx_status cx_clv_model_vcov_all(double *out, size_t n, const cx_clv_model *model)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    if (!model->cov)
        return cx_clv_model_vcov(out, n, model);
    const size_t np = model->info->np, dim = np + model->cov->ncoef;
    if (n != dim * dim)
        return cx__error_param(CX_EINVAL, "n",
                               "n must be (parameters + coefficients) squared (%zu)", dim * dim);
    if (!model->fitted || !model->has_vcov || !model->cov->vcov)
        return cx__error(CX_ESTATE, "no covariance: fit the model first");
    const double *v = model->cov->vcov; /* theta = [log p, coef]: back to p by the delta method */
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
            out[i * dim + j] =
                v[i * dim + j] * (i < np ? model->p[i] : 1.0) * (j < np ? model->p[j] : 1.0);
    return CX_OK;
}

CX_API cx_status cx_clv_model_copy(cx_clv_model **out, const cx_clv_model *model,
                                   const double *purchase, size_t k_purchase, const double *dropout,
                                   size_t k_dropout, size_t n)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    const cx__clv_cov *c = model->cov;
    const int same = !purchase && !dropout && k_purchase == 0 && k_dropout == 0;
    if (!same) {
        if (!c)
            return cx__error_param(CX_EINVAL, "model",
                                   "covariates given for a model fitted without them");
        if (k_purchase != c->kp || k_dropout != c->kd)
            return cx__error_param(CX_EINVAL, k_purchase != c->kp ? "k_purchase" : "k_dropout",
                                   "the model has %zu purchase and %zu dropout covariates, not "
                                   "%zu and %zu",
                                   c->kp, c->kd, k_purchase, k_dropout);
    }
    cx_clv_model *m = cx__malloc(sizeof *m);
    if (!m)
        return cx__enomem();
    *m = *model;
    m->cov = NULL;
    cx_status st = CX_OK;
    if (same) {
        st = cx__clv_cov_copy(&m->cov, c);
    } else {
        /* validate and copy the new rows through set_covariates, then restore the fit */
        m->cov = NULL;
        st = cx_clv_model_set_covariates(m, purchase, k_purchase, dropout, k_dropout, n);
        if (st == CX_OK) {
            memcpy(m->cov->coef, c->coef, c->ncoef * sizeof *c->coef);
            memcpy(m->cov->coef_se, c->coef_se, c->ncoef * sizeof *c->coef_se);
            if (c->vcov && !(m->cov->vcov = dup_array(c->vcov, c->vcov_len)))
                st = cx__enomem();
            m->cov->vcov_len = c->vcov ? c->vcov_len : 0;
            m->fitted = model->fitted;
            m->has_vcov = model->has_vcov;
        }
    }
    if (st != CX_OK) {
        cx_clv_model_free(m);
        return st;
    }
    *out = m;
    return CX_OK;
}
