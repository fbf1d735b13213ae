/* cx_pls_fit: estimation entry point and result getters. */
#include <math.h>
#include <string.h>

#include "pls_internal.h"

void cx_pls_options_init(cx_pls_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->scheme = CX_PLS_SCHEME_PATH;
    o->max_iter = 300;
    o->tolerance = 1e-7;
    o->consistent = 0;
    o->missing = CX_PLS_MISSING_MEAN;
    o->use_missing_code = 0;
    o->missing_code = 0;
    o->scale_min = NAN;
    o->scale_max = NAN;
}

void cx_pls_fit_free(cx_pls_fit *f)
{
    if (!f)
        return;
    cx_pls_model_free(f->model);
    cx__free(f->rows);
    cx__free(f->z);
    cx__free(f->wt);
    cx__free(f->mean);
    cx__free(f->S);
    cx__free(f->adj);
    cx__free(f->scores);
    cx__pls_est_free(&f->est);
    cx__free(f);
}

static cx_status check_options(const cx_pls_options *o)
{
    if (o->scheme != CX_PLS_SCHEME_PATH && o->scheme != CX_PLS_SCHEME_FACTORIAL &&
        o->scheme != CX_PLS_SCHEME_CENTROID)
        return cx__error_param(CX_EINVAL, "scheme", "unknown inner weighting scheme %d",
                               (int)o->scheme);
    if (o->max_iter < 0)
        return cx__error_param(CX_EINVAL, "max_iter", "max_iter must be >= 0");
    if (!(o->tolerance > 0) || !isfinite(o->tolerance))
        return cx__error_param(CX_EINVAL, "tolerance", "tolerance must be finite and > 0");
    if (o->missing != CX_PLS_MISSING_MEAN && o->missing != CX_PLS_MISSING_CASEWISE)
        return cx__error_param(CX_EINVAL, "missing", "unknown missing-value treatment %d",
                               (int)o->missing);
    if (o->use_missing_code && !isfinite(o->missing_code))
        return cx__error_param(CX_EINVAL, "missing_code", "missing_code must be finite");
    if (isinf(o->scale_min) || isinf(o->scale_max))
        return cx__error_param(CX_EINVAL, "scale_min", "scale ends must be finite or NaN");
    return CX_OK;
}

cx_status cx_pls_fit_estimate(cx_pls_fit **out, const cx_pls_model *model, const cx_pls_data *data,
                              const cx_pls_options *opt)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(data != NULL);
    cx_pls_options def;
    if (!opt) {
        cx_pls_options_init(&def);
        opt = &def;
    }
    cx_status st = check_options(opt);
    if (st != CX_OK)
        return st;
    if ((st = cx__pls_model_check(model)) != CX_OK)
        return st;
    cx_pls_fit *f = cx__calloc(1, sizeof *f);
    if (!f)
        return cx__enomem();
    f->opt = *opt;
    if ((st = cx__pls_model_dup(&f->model, model)) != CX_OK)
        goto fail;
    size_t K = model->ni, C = model->nc;
    f->K = K;
    f->C = C;
    if ((st = cx__pls_prepare(f, data)) != CX_OK)
        goto fail;
    f->S = cx__malloc_array(K * K + 2 * K, sizeof(double));
    f->adj = cx__pls_model_adjacency(f->model);
    f->scores = cx__malloc_array(f->n * C, sizeof(double));
    if (!f->S || !f->adj || !f->scores) {
        st = cx__enomem();
        goto fail;
    }
    size_t bad = cx__pls_corr(f->S, f->S + K * K, f->S + K * K + K, f->z, f->wt, NULL, f->n, K);
    if (bad != (size_t)-1) {
        st = cx__error_param(CX_EINVAL, model->iname[bad], "indicator '%s' is constant",
                             model->iname[bad]);
        goto fail;
    }
    if ((st = cx__pls_est_alloc(&f->est, K, C)) != CX_OK)
        goto fail;
    st = cx__pls_estimate_S(&f->est, f->model, f->adj, f->S, opt->scheme, opt->max_iter,
                            opt->tolerance, opt->consistent, NULL);
    if (st != CX_OK)
        goto fail;
    /* scores = Z W (unit variance by construction; not re-standardised, as seminr) */
    for (size_t r = 0; r < f->n; r++) {
        double *y = f->scores + r * C;
        for (size_t j = 0; j < C; j++)
            y[j] = 0;
        for (size_t k = 0; k < K; k++)
            y[model->iconstruct[k]] += f->z[r * K + k] * f->est.w[k];
    }
    f->info.iterations = f->est.iterations;
    f->info.weight_change = f->est.change;
    f->info.consistent = opt->consistent != 0;
    *out = f;
    return CX_OK;
fail:
    cx_pls_fit_free(f);
    return st;
}

const cx_pls_model *cx_pls_fit_model(const cx_pls_fit *f)
{
    return f ? f->model : NULL;
}

cx_status cx_pls_fit_get_info(cx_pls_fit_info *out, const cx_pls_fit *f)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(f != NULL);
    *out = f->info;
    return CX_OK;
}

static cx_status copy_out(double *out, size_t n, const cx_pls_fit *f, const double *src,
                          size_t need)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    if (n < need)
        return cx__error_param(CX_EINVAL, "n", "output has room for %zu values, %zu needed", n,
                               need);
    memcpy(out, src, need * sizeof(double));
    return CX_OK;
}

cx_status cx_pls_fit_outer_weights(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.w : NULL, f ? f->K : 0);
}

cx_status cx_pls_fit_loadings(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.load : NULL, f ? f->K : 0);
}

cx_status cx_pls_fit_cross_loadings(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.cross : NULL, f ? f->K * f->C : 0);
}

cx_status cx_pls_fit_paths(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.B : NULL, f ? f->C * f->C : 0);
}

cx_status cx_pls_fit_rsquared(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.rsq : NULL, f ? f->C : 0);
}

cx_status cx_pls_fit_adj_rsquared(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    if (n < f->C)
        return cx__error_param(CX_EINVAL, "n", "output has room for %zu values, %zu needed", n,
                               f->C);
    cx__pls_adj_rsq(out, f->est.rsq, f->adj, f->C, (double)f->n);
    return CX_OK;
}

void cx__pls_adj_rsq(double *out, const double *rsq, const unsigned char *adj, size_t C, double n)
{
    for (size_t j = 0; j < C; j++) {
        size_t k = 0;
        for (size_t i = 0; i < C; i++)
            k += adj[i * C + j];
        out[j] = k ? 1 - (1 - rsq[j]) * (n - 1) / (n - (double)k - 1) : NAN;
    }
}

cx_status cx_pls_fit_total_effects(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.total : NULL, f ? f->C * f->C : 0);
}

cx_status cx_pls_fit_indirect_effects(double *out, size_t n, const cx_pls_fit *f)
{
    cx_status st = copy_out(out, n, f, f ? f->est.total : NULL, f ? f->C * f->C : 0);
    if (st == CX_OK)
        for (size_t i = 0; i < f->C * f->C; i++)
            out[i] -= f->est.B[i];
    return st;
}

cx_status cx_pls_fit_construct_correlations(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->est.rc : NULL, f ? f->C * f->C : 0);
}

cx_status cx_pls_fit_scores(double *out, size_t n, const cx_pls_fit *f)
{
    return copy_out(out, n, f, f ? f->scores : NULL, f ? f->n * f->C : 0);
}
