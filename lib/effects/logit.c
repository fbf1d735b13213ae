/* Logistic regression by Newton-Raphson (= IRLS) with step halving, Wald inference and
 * detection of perfect / quasi-complete separation. */
#include <cxkit/effects.h>

#include <math.h>
#include <string.h>

#include "linalg.h"
#include "special.h"
#include "surv_common.h"

struct cx_logit {
    size_t p, iter;
    int icpt;
    double ll, ll0, nobs;
    double *beta, *vcov;
};

void cx_logit_free(cx_logit *m)
{
    if (!m)
        return;
    cx__free(m->beta);
    cx__free(m);
}

size_t cx_logit_p(const cx_logit *m)
{
    return m ? m->p : 0;
}

/* log p and log(1-p) for eta, without overflow */
static double loglik_term(double y, double eta)
{
    /* y*log(p) + (1-y)*log(1-p) = y*eta - log(1+e^eta) */
    return y * eta - cx__log1pexp(eta);
}

static double row_eta(const double *x, size_t i, size_t p, int icpt, const double *b)
{
    size_t q = p - (size_t)icpt;
    double eta = icpt ? b[0] : 0;
    for (size_t j = 0; j < q; j++)
        eta += x[i * q + j] * b[j + (size_t)icpt];
    return eta;
}

static double xval(const double *x, size_t i, size_t j, size_t p, int icpt)
{
    if (icpt && j == 0)
        return 1;
    return x[i * (p - (size_t)icpt) + j - (size_t)icpt];
}

/* weighted log-likelihood; gradient and Hessian (X'WX) when g/h are not NULL */
static double eval(const double *y, const double *x, const double *w, size_t n, size_t p, int icpt,
                   const double *b, double *g, double *h, double *max_abs_eta)
{
    double ll = 0, mx = 0, xr[1001];
    if (g)
        memset(g, 0, p * sizeof(double));
    if (h)
        memset(h, 0, p * p * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        if (wi == 0)
            continue;
        double eta = row_eta(x, i, p, icpt, b);
        mx = fmax(mx, fabs(eta));
        /* one exp and one log1p per row: log(1 + e^eta) = max(eta, 0) + log1p(e^-|eta|) */
        double e = exp(-fabs(eta));
        ll += wi * (y[i] * eta - (fmax(eta, 0) + log1p(e)));
        if (!g)
            continue;
        double mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
        double r = wi * (y[i] - mu), v = wi * mu * (1 - mu);
        for (size_t j = 0; j < p; j++)
            xr[j] = xval(x, i, j, p, icpt);
        for (size_t j = 0; j < p; j++) {
            g[j] += r * xr[j];
            double vx = v * xr[j];
            for (size_t k = 0; k <= j; k++)
                h[j * p + k] += vx * xr[k];
        }
    }
    if (h)
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < j; k++)
                h[k * p + j] = h[j * p + k];
    if (max_abs_eta)
        *max_abs_eta = mx;
    return ll;
}

/* Separation: observations predicted with |eta| > 15 are all on their own side. */
static cx_status separation_error(const double *x, const double *w, size_t n, size_t p, int icpt,
                                  const double *b)
{
    size_t extreme = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && w[i] == 0)
            continue;
        double eta = row_eta(x, i, p, icpt, b);
        if (fabs(eta) > 15)
            extreme++;
    }
    size_t worst = 0;
    double big = -1;
    for (size_t j = (size_t)icpt; j < p; j++)
        if (fabs(b[j]) > big) {
            big = fabs(b[j]);
            worst = j - (size_t)icpt;
        }
    return cx__error_param(CX_ERANGE, "x",
                           "perfect or quasi-complete separation: %zu observations are predicted "
                           "with probability 0 or 1 and the coefficients diverge (largest: "
                           "column %zu); the maximum-likelihood estimate does not exist",
                           extreme, worst);
}

cx_status cx_logit_fit(cx_logit **out, const double *y, const double *x, const double *w, size_t n,
                       size_t p, int add_intercept)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(y != NULL);
    CX_CHECK_ARG(x != NULL || p == 0);
    CX_CHECK_ARG(add_intercept == 0 || add_intercept == 1);
    CX_CHECK_ARG(p + (size_t)add_intercept >= 1 && p <= 1000);
    CX_CHECK_ARG(n >= 1);
    int icpt = add_intercept;
    size_t q = p + (size_t)icpt;
    double wsum = 0, ysum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] >= 0 && y[i] <= 1))
            return cx__error_param(CX_EINVAL, "y", "y[%zu] = %g: must be in [0, 1]", i, y[i]);
        double wi = w ? w[i] : 1;
        if (!(wi >= 0 && isfinite(wi)))
            return cx__error_param(CX_EINVAL, "w", "w[%zu] = %g: weights must be finite, >= 0", i,
                                   wi);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(x[i * p + j]))
                return cx__error_param(CX_EINVAL, "x", "x[%zu][%zu] = %g: must be finite", i, j,
                                       x[i * p + j]);
        wsum += wi;
        ysum += wi * y[i];
    }
    if (wsum <= 0)
        return cx__error_param(CX_EINVAL, "w", "all weights are zero");
    if (ysum <= 0 || ysum >= wsum)
        return cx__error_param(CX_ERANGE, "y",
                               "y is %s for every observation: nothing to model (complete "
                               "separation by the intercept)",
                               ysum <= 0 ? "0" : "1");
    cx_logit *m = cx__calloc(1, sizeof *m);
    double *buf = cx__calloc(5 * q + 3 * q * q, sizeof(double));
    if (!m || !buf) {
        cx__free(m);
        cx__free(buf);
        return cx__enomem();
    }
    m->p = q;
    m->icpt = icpt;
    m->beta = buf;
    m->vcov = buf + q;
    double *g = buf + q + q * q, *h = g + q, *step = h + q * q, *trial = step + q;
    double *g2 = trial + q, *h2 = g2 + q, mx2 = 0;
    double *b = m->beta;
    cx_status st = CX_OK;
    double ybar = ysum / wsum;
    /* null model log-likelihood: intercept only, or all zero without intercept */
    m->ll0 = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        double e0 = icpt ? log(ybar / (1 - ybar)) : 0;
        m->ll0 += wi * loglik_term(y[i], e0);
    }
    if (icpt)
        b[0] = log(ybar / (1 - ybar));
    double mx = 0;
    double ll = eval(y, x, w, n, q, icpt, b, g, h, &mx);
    int converged = 0;
    size_t it;
    for (it = 1; it <= 100; it++) {
        if (cx__chol(h, q)) {
            st = mx > 15 ? separation_error(x, w, n, q, icpt, b)
                         : cx__error_param(CX_ESINGULAR, "x",
                                           "the columns of x are collinear (or constant "
                                           "alongside the intercept)");
            goto fail;
        }
        memcpy(step, g, q * sizeof(double));
        cx__chol_solve(h, q, step, 1);
        int small = 1, near = 1, big = 0;
        for (size_t j = 0; j < q; j++) {
            if (fabs(step[j]) > 1e-10 * (1 + fabs(b[j])))
                small = 0;
            if (fabs(step[j]) > 1e-6 * (1 + fabs(b[j])))
                near = 0;
            if (fabs(step[j]) > 1e-4 * (1 + fabs(b[j])))
                big = 1;
        }
        if (small) {
            ll = eval(y, x, w, n, q, icpt, b, g, h, &mx); /* h was factored in place */
            converged = 1;
            break;
        }
        /* Step halving; when no step improves the likelihood any more (or it changes by less
         * than rounding), the iteration is at the optimum to working precision: with many rows
         * the rounding in the gradient sums keeps the steps from shrinking below 1e-10. */
        double lln = ll;
        int improved = 0;
        for (int half = 0; half < 30; half++) {
            for (size_t j = 0; j < q; j++)
                trial[j] = b[j] + step[j];
            lln = eval(y, x, w, n, q, icpt, trial, g2, h2, &mx2);
            /* accept up to summation rounding (relative 1e-11 with a million rows); a step
             * that is already tiny is not halved: the iteration has converged */
            if (lln >= ll - 1e-11 * fabs(ll)) {
                improved = 1;
                break;
            }
            if (near)
                break;
            for (size_t j = 0; j < q; j++)
                step[j] /= 2;
        }
        if (!improved || (near && fabs(lln - ll) <= 1e-12 * fabs(ll))) {
            /* stagnation: fine unless Newton still pushes the fit off to infinity, with
             * observations predicted as certain (separation) */
            if (big && mx > 15) {
                st = separation_error(x, w, n, q, icpt, b);
                goto fail;
            }
            if (improved) {
                memcpy(b, trial, q * sizeof(double));
                memcpy(h, h2, q * q * sizeof(double));
                ll = lln;
            } else {
                ll = eval(y, x, w, n, q, icpt, b, g, h, &mx); /* h was factored in place */
            }
            converged = 1;
            break;
        }
        /* accept: the trial evaluation already holds the gradient and Hessian */
        memcpy(b, trial, q * sizeof(double));
        memcpy(g, g2, q * sizeof(double));
        memcpy(h, h2, q * q * sizeof(double));
        ll = lln;
        mx = mx2;
    }
    if (!converged) {
        st = mx > 15 ? separation_error(x, w, n, q, icpt, b)
                     : cx__error(CX_ENOTCONV, "logistic regression did not converge in 100 "
                                              "Newton iterations");
        goto fail;
    }
    if (cx__chol(h, q) || cx__chol_inverse(h, q, m->vcov)) {
        st = cx__error_param(CX_ESINGULAR, "x", "information matrix singular at the estimate");
        goto fail;
    }
    m->ll = ll;
    m->iter = it;
    m->nobs = wsum;
    *out = m;
    return CX_OK;
fail:
    cx_logit_free(m);
    return st;
}

cx_status cx_logit_coef(double *beta, double *se, double *lower, double *upper, double *p_value,
                        size_t p, const cx_logit *m, double conf_level)
{
    CX_CHECK_ARG(m != NULL);
    CX_CHECK_ARG(p == m->p);
    CX_CHECK_ARG(conf_level > 0 && conf_level < 1);
    cx__wald_table(beta, se, lower, upper, p_value, m->beta, m->vcov, p,
                   cx__z_for_level(conf_level));
    return CX_OK;
}

cx_status cx_logit_vcov(double *vcov, size_t p, const cx_logit *m)
{
    CX_CHECK_ARG(vcov != NULL);
    CX_CHECK_ARG(m != NULL);
    CX_CHECK_ARG(p == m->p);
    memcpy(vcov, m->vcov, p * p * sizeof(double));
    return CX_OK;
}

cx_status cx_logit_summary(double *loglik, double *loglik_null, double *lr_chisq,
                           double *lr_p_value, size_t *iterations, const cx_logit *m)
{
    CX_CHECK_ARG(m != NULL);
    double lr = 2 * (m->ll - m->ll0);
    if (loglik)
        *loglik = m->ll;
    if (loglik_null)
        *loglik_null = m->ll0;
    if (lr_chisq)
        *lr_chisq = lr;
    if (lr_p_value)
        *lr_p_value =
            m->p > (size_t)m->icpt ? cx__chi2_sf(lr, (double)(m->p - (size_t)m->icpt)) : 1;
    if (iterations)
        *iterations = m->iter;
    return CX_OK;
}

cx_status cx_logit_predict(double *prob, const double *x, size_t n, size_t p, const cx_logit *m)
{
    CX_CHECK_ARG(prob != NULL);
    CX_CHECK_ARG(m != NULL);
    CX_CHECK_ARG(p == m->p || p + 1 == m->p);
    CX_CHECK_ARG(x != NULL || p == 0);
    int icpt = p + 1 == m->p;
    for (size_t i = 0; i < n * p; i++)
        if (!isfinite(x[i]))
            return cx__error_param(CX_EINVAL, "x", "x[%zu][%zu] = %g: must be finite", i / p, i % p,
                                   x[i]);
    for (size_t i = 0; i < n; i++)
        prob[i] = 1 / (1 + exp(-row_eta(x, i, m->p, icpt, m->beta)));
    return CX_OK;
}
