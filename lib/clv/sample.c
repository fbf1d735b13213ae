/*
 * Samplers: synthetic customers drawn from a model's generative story (the same story the
 * likelihood integrates), one random stream per customer so that draws do not depend on n.
 */
#include <math.h>
#include <string.h>

#include "clv_internal.h"

typedef struct draw {
    double x, tx, alive;
} draw;

static cx_status exp_draw(double *out, cx_rng *rng, double rate)
{
    *out = -log1p(-cx_rng_uniform(rng)) / rate;
    return CX_OK;
}

/* BG/NBD (shift 0) and MBG/NBD (shift 1: may die right after the first purchase). */
static cx_status sample_bg(draw *d, cx_rng *rng, const double *p, double T, int shift)
{
    double lambda, pd;
    cx_status st;
    if ((st = cx_rng_gamma(&lambda, rng, p[0], 1.0 / p[1])) != CX_OK ||
        (st = cx_rng_beta(&pd, rng, p[2], p[3])) != CX_OK)
        return st;
    d->x = d->tx = 0.0;
    d->alive = 1.0;
    if (shift && cx_rng_uniform(rng) < pd) {
        d->alive = 0.0;
        return CX_OK;
    }
    double t = 0.0;
    for (;;) {
        double gap;
        exp_draw(&gap, rng, lambda);
        if (!(t + gap <= T))
            return CX_OK;
        t += gap;
        d->x += 1.0;
        d->tx = t;
        if (cx_rng_uniform(rng) < pd) {
            d->alive = 0.0;
            return CX_OK;
        }
    }
}

static cx_status sample_pnbd(draw *d, cx_rng *rng, const double *p, double T)
{
    double lambda, mu, tau;
    uint64_t k;
    cx_status st;
    if ((st = cx_rng_gamma(&lambda, rng, p[0], 1.0 / p[1])) != CX_OK ||
        (st = cx_rng_gamma(&mu, rng, p[2], 1.0 / p[3])) != CX_OK)
        return st;
    exp_draw(&tau, rng, mu);
    const double end = tau < T ? tau : T;
    if ((st = cx_rng_poisson(&k, rng, lambda * end)) != CX_OK)
        return st;
    d->x = (double)k;
    /* the last of k uniform purchase times on (0, end] */
    d->tx = k > 0 ? end * pow(cx_rng_uniform(rng), 1.0 / (double)k) : 0.0;
    if (k > 0 && d->tx == 0.0)
        d->tx = end;
    d->alive = tau > T ? 1.0 : 0.0;
    return CX_OK;
}

static cx_status sample_bgbb(draw *d, cx_rng *rng, const double *p, double n)
{
    double pp, theta;
    cx_status st;
    if ((st = cx_rng_beta(&pp, rng, p[0], p[1])) != CX_OK ||
        (st = cx_rng_beta(&theta, rng, p[2], p[3])) != CX_OK)
        return st;
    d->x = d->tx = 0.0;
    d->alive = 1.0;
    for (double t = 1; t <= n; t++) {
        if (cx_rng_uniform(rng) < theta) {
            d->alive = 0.0;
            return CX_OK;
        }
        if (cx_rng_uniform(rng) < pp) {
            d->x += 1.0;
            d->tx = t;
        }
    }
    return CX_OK;
}

static cx_status sample_sbg(draw *d, cx_rng *rng, const double *p, double n)
{
    double theta;
    cx_status st = cx_rng_beta(&theta, rng, p[0], p[1]);
    if (st != CX_OK)
        return st;
    for (double t = 1; t <= n; t++)
        if (cx_rng_uniform(rng) < theta) {
            d->x = t;
            d->tx = 1.0;
            d->alive = 0.0;
            return CX_OK;
        }
    d->x = n;
    d->tx = 0.0;
    d->alive = 1.0;
    return CX_OK;
}

static cx_status sample_gg(draw *d, cx_rng *rng, const double *p, double x)
{
    double nu, total;
    cx_status st;
    if ((st = cx_rng_gamma(&nu, rng, p[1], 1.0 / p[2])) != CX_OK ||
        (st = cx_rng_gamma(&total, rng, p[0] * x, 1.0 / nu)) != CX_OK)
        return st;
    d->x = x;
    d->tx = total / x;
    d->alive = 1.0;
    return CX_OK;
}

CX_API cx_status cx_clv_model_sample(double *x, double *tx, double *alive,
                                     const cx_clv_model *model, const double *T, size_t n,
                                     uint64_t seed)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG((x != NULL && tx != NULL) || n == 0);
    const int kind = model->info->kind;
    const double *in = kind == CX_CLV_GAMMA_GAMMA ? x : T;
    if (n > 0 && !in)
        return cx__error_param(CX_EINVAL, kind == CX_CLV_GAMMA_GAMMA ? "x" : "T", "column is NULL");
    for (size_t i = 0; i < n; i++) {
        const double v = in[i];
        int ok = isfinite(v) && v >= 0;
        /* ages and BG/BB opportunities may be 0 (a new customer) */
        const int counts = kind == CX_CLV_GAMMA_GAMMA || kind == CX_CLV_SBG;
        if (counts || kind == CX_CLV_BGBB)
            ok = ok && v == floor(v) && v >= counts;
        if (!ok)
            return cx__error_param(CX_EINVAL, kind == CX_CLV_GAMMA_GAMMA ? "x" : "T",
                                   "%s[%zu] = %g: must be %s",
                                   kind == CX_CLV_GAMMA_GAMMA ? "x" : "T", i, v,
                                   counts                ? "an integer >= 1"
                                   : kind == CX_CLV_BGBB ? "an integer >= 0"
                                                         : "finite and >= 0");
    }
    draw *out = cx__malloc_array(n ? n : 1, sizeof *out);
    if (!out)
        return cx__enomem();
    cx_status st = CX_OK;
    if (model->cov && model->cov->n != n)
        st = cx__error_param(CX_EINVAL, "n", "the covariates describe %zu customers, not %zu",
                             model->cov->n, n);
    double pi[CX__CLV_MAXP];
    memcpy(pi, model->p, sizeof pi);
    for (size_t i = 0; i < n && st == CX_OK; i++) {
        cx_rng *rng;
        if (model->cov)
            cx__clv_cov_params(pi, model, model->cov->coef, i);
        if ((st = cx_rng_new(&rng, seed, (uint64_t)i)) != CX_OK)
            break;
        switch (kind) {
        case CX_CLV_BGNBD:
            st = sample_bg(&out[i], rng, pi, in[i], 0);
            break;
        case CX_CLV_MBGNBD:
            st = sample_bg(&out[i], rng, pi, in[i], 1);
            break;
        case CX_CLV_PARETO_NBD:
            st = sample_pnbd(&out[i], rng, pi, in[i]);
            break;
        case CX_CLV_BGBB:
            st = sample_bgbb(&out[i], rng, model->p, in[i]);
            break;
        case CX_CLV_SBG:
            st = sample_sbg(&out[i], rng, model->p, in[i]);
            break;
        default:
            st = sample_gg(&out[i], rng, model->p, in[i]);
        }
        cx_rng_free(rng);
    }
    if (st == CX_OK)
        for (size_t i = 0; i < n; i++) {
            x[i] = out[i].x;
            tx[i] = out[i].tx;
            if (alive)
                alive[i] = out[i].alive;
        }
    cx__free(out);
    return st;
}
