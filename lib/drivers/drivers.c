/* Key-driver analysis: the fit object, correlations, Johnson's relative weights, bootstrap. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drivers_internal.h"
#include "linalg.h"

struct cx_drivers {
    size_t p;
    double n_used, r2;
    int exact;
    double *beta, *rw, *lmg; /* p each */
    double *cond;            /* p x p conditional contributions (exact only) */
    double *r2_table;        /* 2^p subset R² (exact only) */
    double *ci;              /* 6 x p bootstrap limits: rw lo/hi, lmg lo/hi, beta lo/hi */
};

CX_API cx_status cx_drivers_options_init(cx_drivers_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    if (version != CX_DRIVERS_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unsupported cx_drivers_options version %u",
                               version);
    opts->version = version;
    opts->exact_max = 22;
    opts->samples = 4000;
    opts->bootstrap = 0;
    opts->level = 0.95;
    opts->seed = 1;
    return CX_OK;
}

CX_API void cx_drivers_free(cx_drivers *d)
{
    if (!d)
        return;
    cx__free(d->beta);
    cx__free(d->rw);
    cx__free(d->lmg);
    cx__free(d->cond);
    cx__free(d->r2_table);
    cx__free(d->ci);
    cx__free(d);
}

cx_status cx__drivers_corr(double *corr, const double *x, const double *y, const double *w,
                           const size_t *rows, size_t nrows, size_t p)
{
    size_t m = p + 1;
    double *mean = cx__calloc(2 * m, sizeof *mean);
    if (!mean)
        return cx__enomem();
    double *dev = mean + m;
    double wsum = 0.0;
    for (size_t r = 0; r < nrows; r++) {
        size_t i = rows[r];
        double wi = w ? w[i] : 1.0;
        wsum += wi;
        for (size_t j = 0; j < p; j++)
            mean[j] += wi * x[i * p + j];
        mean[p] += wi * y[i];
    }
    for (size_t j = 0; j < m; j++)
        mean[j] /= wsum;
    memset(corr, 0, m * m * sizeof *corr);
    for (size_t r = 0; r < nrows; r++) { /* second pass: centred cross products */
        size_t i = rows[r];
        double wi = w ? w[i] : 1.0;
        for (size_t a = 0; a < p; a++)
            dev[a] = x[i * p + a] - mean[a];
        dev[p] = y[i] - mean[p];
        for (size_t a = 0; a < m; a++) {
            double wa = wi * dev[a];
            for (size_t b = 0; b <= a; b++)
                corr[a * m + b] += wa * dev[b];
        }
    }
    cx_status st = CX_OK;
    for (size_t a = 0; a < m && st == CX_OK; a++) {
        double sd = sqrt(corr[a * m + a] / wsum);
        if (!(sd > 1e-12 * (fabs(mean[a]) + 1.0)))
            st = cx__error_param(CX_ERANGE, a < p ? "x" : "y", "%s%zu has zero variance",
                                 a < p ? "driver " : "the target", a < p ? a : (size_t)0);
    }
    for (size_t a = 0; a < m && st == CX_OK; a++)
        for (size_t b = 0; b < a; b++) {
            double r = corr[a * m + b] / sqrt(corr[a * m + a] * corr[b * m + b]);
            corr[a * m + b] = corr[b * m + a] = r;
        }
    if (st == CX_OK)
        for (size_t a = 0; a < m; a++)
            corr[a * m + a] = 1.0;
    cx__free(mean);
    return st;
}

cx_status cx__relative_weights(double *eps, const double *corr, size_t p)
{
    size_t m = p + 1;
    double *rxx = cx__malloc_array(p * p, sizeof *rxx), *ev = cx__malloc_array(p, sizeof *ev);
    double *q = cx__malloc_array(p * p, sizeof *q), *lam = cx__malloc_array(p * p, sizeof *lam);
    double *beta = cx__malloc_array(p, sizeof *beta);
    cx_status st = CX_OK;
    if (!rxx || !ev || !q || !lam || !beta) {
        st = cx__enomem();
        goto done;
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            rxx[a * p + b] = corr[a * m + b];
    st = cx__sym_eigen(rxx, p, ev, q);
    if (st != CX_OK)
        goto done;
    for (size_t k = 0; k < p; k++)
        if (!(ev[k] > 0.0)) {
            st = cx__error_param(CX_ESINGULAR, "x", "driver correlation matrix is singular");
            goto done;
        }
    /* Λ* = Q Λ^{1/2} Qᵀ and β = Λ*^{-1} r = Q Λ^{-1/2} Qᵀ r. */
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double s = 0.0;
            for (size_t k = 0; k < p; k++)
                s += q[a * p + k] * sqrt(ev[k]) * q[b * p + k];
            lam[a * p + b] = s;
        }
    for (size_t k = 0; k < p; k++) { /* ev[k] <- (Qᵀ r)_k / sqrt(λ_k) */
        double s = 0.0;
        for (size_t a = 0; a < p; a++)
            s += q[a * p + k] * corr[a * m + p];
        ev[k] = s / sqrt(ev[k]);
    }
    for (size_t a = 0; a < p; a++) {
        double s = 0.0;
        for (size_t k = 0; k < p; k++)
            s += q[a * p + k] * ev[k];
        beta[a] = s;
    }
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t k = 0; k < p; k++)
            s += lam[j * p + k] * lam[j * p + k] * beta[k] * beta[k];
        eps[j] = s;
    }
done:
    cx__free(rxx);
    cx__free(ev);
    cx__free(q);
    cx__free(lam);
    cx__free(beta);
    return st;
}

static cx_status check_opts(const cx_drivers_options *o, size_t p)
{
    if (o->version != CX_DRIVERS_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "opts", "unsupported cx_drivers_options version %u",
                               o->version);
    if (o->exact_max > CX_DRIVERS_EXACT_LIMIT)
        return cx__error_param(CX_EINVAL, "exact_max", "exact_max must be <= %d",
                               CX_DRIVERS_EXACT_LIMIT);
    if (p > o->exact_max && o->samples == 0)
        return cx__error_param(CX_EINVAL, "samples", "samples must be > 0 for p > exact_max");
    if (!(o->level > 0.0 && o->level < 1.0))
        return cx__error_param(CX_EINVAL, "level", "level must be in (0, 1)");
    return CX_OK;
}

/* Everything that depends only on the correlation matrix: beta, RW, LMG (+ table). */
typedef struct measures {
    double r2, *beta, *rw, *lmg, *cond, *r2_table;
} measures;

static cx_status compute(measures *out, const double *corr, size_t p, const cx_drivers_options *o,
                         struct cx_rng *rng, int keep_table)
{
    size_t m = p + 1;
    double *work = cx__malloc_array(m * m, sizeof *work);
    if (!work)
        return cx__enomem();
    cx_status st = cx__drivers_sweep_all(work, corr, p);
    if (st == CX_OK) {
        out->r2 = 1.0 - work[p * m + p];
        for (size_t j = 0; j < p; j++)
            out->beta[j] = work[j * m + p];
        st = cx__relative_weights(out->rw, corr, p);
    }
    cx__free(work);
    if (st != CX_OK)
        return st;
    if (p <= o->exact_max) {
        double *table = cx__malloc_array((size_t)1 << p, sizeof *table);
        double *cond = out->cond ? out->cond : cx__malloc_array(p * p, sizeof *cond);
        if (!table || !cond) {
            cx__free(table);
            if (cond != out->cond)
                cx__free(cond);
            return cx__enomem();
        }
        st = cx__subset_r2(table, corr, p);
        if (st == CX_OK)
            cx__lmg_from_r2(cond, out->lmg, table, p);
        if (cond != out->cond)
            cx__free(cond);
        if (keep_table && st == CX_OK)
            out->r2_table = table;
        else
            cx__free(table);
        return st;
    }
    return cx__lmg_sampled(out->lmg, corr, p, o->samples, rng);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile_sorted(const double *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static cx_status bootstrap(cx_drivers *d, const double *x, const double *y, const double *w,
                           const size_t *rows, size_t nrows, const cx_drivers_options *o,
                           struct cx_rng *rng)
{
    size_t p = d->p, B = o->bootstrap, m = p + 1;
    size_t *idx = cx__malloc_array(nrows, sizeof *idx);
    double *corr = cx__malloc_array(m * m, sizeof *corr);
    double *draws = cx__malloc_array(3 * p, B * sizeof *draws); /* [measure][driver][rep] */
    double *buf = cx__malloc_array(3 * p, sizeof *buf);
    d->ci = cx__malloc_array(6 * p, sizeof *d->ci);
    cx_status st = CX_OK;
    if (!idx || !corr || !draws || !buf || !d->ci) {
        st = cx__enomem();
        goto done;
    }
    size_t ok = 0;
    for (size_t b = 0; b < B; b++) {
        for (size_t r = 0; r < nrows; r++)
            idx[r] = rows[cx__rng_below(rng, nrows)];
        measures ms = {0, buf, buf + p, buf + 2 * p, NULL, NULL};
        cx_status s = cx__drivers_corr(corr, x, y, w, idx, nrows, p);
        if (s == CX_OK)
            s = compute(&ms, corr, p, o, rng, 0);
        if (s == CX_ENOMEM) {
            st = s;
            goto done;
        }
        if (s != CX_OK) /* a degenerate resample (e.g. a constant column): skipped */
            continue;
        for (size_t j = 0; j < p; j++) {
            draws[(0 * p + j) * B + ok] = ms.rw[j];
            draws[(1 * p + j) * B + ok] = ms.lmg[j];
            draws[(2 * p + j) * B + ok] = ms.beta[j];
        }
        ok++;
    }
    if (ok < 2) {
        st = cx__error(CX_ERANGE, "fewer than 2 usable bootstrap replicates");
        goto done;
    }
    double alpha = 1.0 - o->level;
    for (size_t t = 0; t < 3; t++)
        for (size_t j = 0; j < p; j++) {
            double *v = draws + (t * p + j) * B;
            qsort(v, ok, sizeof *v, cmp_double);
            d->ci[(2 * t) * p + j] = quantile_sorted(v, ok, alpha / 2.0);
            d->ci[(2 * t + 1) * p + j] = quantile_sorted(v, ok, 1.0 - alpha / 2.0);
        }
done:
    cx__free(idx);
    cx__free(corr);
    cx__free(draws);
    cx__free(buf);
    return st;
}

static cx_status fit_common(cx_drivers **out, const double *corr, size_t p, double n_used,
                            const cx_drivers_options *o, const double *x, const double *y,
                            const double *w, const size_t *rows, size_t nrows)
{
    cx_drivers *d = cx__calloc(1, sizeof *d);
    struct cx_rng rng; /* xoshiro256** from (seed, stream 0), docs/rng.md */
    cx__rng_seed(&rng, o->seed, 0);
    if (!d)
        return cx__enomem();
    d->p = p;
    d->n_used = n_used;
    d->exact = p <= o->exact_max;
    d->beta = cx__malloc_array(p, sizeof *d->beta);
    d->rw = cx__malloc_array(p, sizeof *d->rw);
    d->lmg = cx__malloc_array(p, sizeof *d->lmg);
    d->cond = d->exact ? cx__malloc_array(p * p, sizeof *d->cond) : NULL;
    cx_status st = CX_OK;
    if (!d->beta || !d->rw || !d->lmg || (d->exact && !d->cond))
        st = cx__enomem();
    if (st == CX_OK) {
        measures ms = {0, d->beta, d->rw, d->lmg, d->cond, NULL};
        st = compute(&ms, corr, p, o, &rng, 1);
        d->r2 = ms.r2;
        d->r2_table = ms.r2_table;
    }
    if (st == CX_OK && o->bootstrap > 0)
        st = bootstrap(d, x, y, w, rows, nrows, o, &rng);
    if (st != CX_OK) {
        cx_drivers_free(d);
        return st;
    }
    *out = d;
    return CX_OK;
}

CX_API cx_status cx_drivers_fit(cx_drivers **out, const double *x, const double *y, const double *w,
                                size_t n, size_t p, const cx_drivers_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(x != NULL);
    CX_CHECK_ARG(y != NULL);
    CX_CHECK_ARG(p > 0);
    cx_drivers_options def;
    if (!opts) {
        cx_drivers_options_init(&def, CX_DRIVERS_OPTIONS_VERSION);
        opts = &def;
    }
    cx_status st = check_opts(opts, p);
    if (st != CX_OK)
        return st;
    if (w)
        for (size_t i = 0; i < n; i++)
            if (w[i] < 0.0 || isinf(w[i]))
                return cx__error_param(CX_EINVAL, "w", "weight %zu is %g; must be finite, >= 0", i,
                                       w[i]);
    size_t *rows = cx__malloc_array(n ? n : 1, sizeof *rows), nrows = 0;
    double *corr = cx__malloc_array((p + 1) * (p + 1), sizeof *corr);
    if (!rows || !corr) {
        cx__free(rows);
        cx__free(corr);
        return cx__enomem();
    }
    for (size_t i = 0; i < n; i++) { /* listwise deletion */
        int okrow = !isnan(y[i]) && !(w && (isnan(w[i]) || w[i] == 0.0));
        for (size_t j = 0; j < p && okrow; j++)
            okrow = isfinite(x[i * p + j]);
        okrow = okrow && isfinite(y[i]);
        if (okrow)
            rows[nrows++] = i;
    }
    if (nrows < p + 2)
        st = cx__error_param(CX_ERANGE, "n", "%zu complete rows; need at least p + 2 = %zu", nrows,
                             p + 2);
    if (st == CX_OK)
        st = cx__drivers_corr(corr, x, y, w, rows, nrows, p);
    if (st == CX_OK)
        st = fit_common(out, corr, p, (double)nrows, opts, x, y, w, rows, nrows);
    cx__free(rows);
    cx__free(corr);
    return st;
}

CX_API cx_status cx_drivers_fit_corr(cx_drivers **out, const double *corr, size_t p,
                                     const cx_drivers_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(corr != NULL);
    CX_CHECK_ARG(p > 0);
    cx_drivers_options def;
    if (!opts) {
        cx_drivers_options_init(&def, CX_DRIVERS_OPTIONS_VERSION);
        opts = &def;
    }
    cx_status st = check_opts(opts, p);
    if (st != CX_OK)
        return st;
    if (opts->bootstrap > 0)
        return cx__error_param(CX_ENOTSUP, "bootstrap",
                               "bootstrap needs the data, not only "
                               "the correlation matrix");
    size_t m = p + 1;
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++) {
            double v = corr[a * m + b];
            if (!isfinite(v) || fabs(v - corr[b * m + a]) > 1e-12 || fabs(v) > 1.0 + 1e-12 ||
                (a == b && fabs(v - 1.0) > 1e-12))
                return cx__error_param(CX_EINVAL, "corr",
                                       "not a correlation matrix at [%zu][%zu] = %g", a, b, v);
        }
    return fit_common(out, corr, p, NAN, opts, NULL, NULL, NULL, NULL, 0);
}

CX_API size_t cx_drivers_count(const cx_drivers *d)
{
    return d ? d->p : 0;
}

CX_API cx_status cx_drivers_summary(double *r2, double *n_used, int *exact, const cx_drivers *d)
{
    CX_CHECK_ARG(d != NULL);
    if (r2)
        *r2 = d->r2;
    if (n_used)
        *n_used = d->n_used;
    if (exact)
        *exact = d->exact;
    return CX_OK;
}

CX_API cx_status cx_drivers_get(double *out, size_t p, const cx_drivers *d, int measure)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(d != NULL);
    if (p != d->p)
        return cx__error_param(CX_EINVAL, "p", "p must be the number of drivers (%zu)", d->p);
    const double *src = NULL;
    switch (measure) {
    case CX_DRIVER_BETA:
        src = d->beta;
        break;
    case CX_DRIVER_RW:
        src = d->rw;
        break;
    case CX_DRIVER_LMG:
        src = d->lmg;
        break;
    case CX_DRIVER_FIRST:
    case CX_DRIVER_LAST:
        if (!d->cond)
            return cx__error(CX_ESTATE, "first / last need the exact enumeration");
        for (size_t j = 0; j < p; j++)
            out[j] = d->cond[j * p + (measure == CX_DRIVER_FIRST ? 0 : p - 1)];
        return CX_OK;
    case CX_DRIVER_RW_LO:
    case CX_DRIVER_RW_HI:
    case CX_DRIVER_LMG_LO:
    case CX_DRIVER_LMG_HI:
    case CX_DRIVER_BETA_LO:
    case CX_DRIVER_BETA_HI:
        if (!d->ci)
            return cx__error(CX_ESTATE, "no bootstrap intervals (set opts.bootstrap > 0)");
        src = d->ci + (size_t)(measure - CX_DRIVER_RW_LO) * p;
        break;
    default:
        return cx__error_param(CX_EINVAL, "measure", "unknown driver measure %d", measure);
    }
    memcpy(out, src, p * sizeof *out);
    return CX_OK;
}

CX_API cx_status cx_drivers_conditional(double *out, size_t n_out, const cx_drivers *d)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(d != NULL);
    size_t p = d->p;
    if (n_out != p * p)
        return cx__error_param(CX_EINVAL, "n_out", "n_out must be p * p = %zu", p * p);
    if (!d->cond)
        return cx__error(CX_ESTATE, "conditional dominance needs the exact enumeration");
    memcpy(out, d->cond, p * p * sizeof *out);
    return CX_OK;
}

CX_API cx_status cx_drivers_complete(int *out, size_t p, const cx_drivers *d)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(d != NULL);
    if (p != d->p)
        return cx__error_param(CX_EINVAL, "p", "p must be the number of drivers (%zu)", d->p);
    if (!d->r2_table)
        return cx__error(CX_ESTATE, "complete dominance needs the exact enumeration");
    /* ge[i*p+j]: R²(S+i) >= R²(S+j) for every S without i, j; le likewise. */
    for (size_t i = 0; i < p * p; i++)
        out[i] = 3; /* bit 1: i >= j everywhere, bit 2: j >= i everywhere */
    uint64_t total = (uint64_t)1 << p;
    const double *r2 = d->r2_table;
    for (uint64_t s = 0; s < total; s++)
        for (size_t i = 0; i < p; i++) {
            if (s >> i & 1u)
                continue;
            double ri = r2[s | (uint64_t)1 << i];
            for (size_t j = i + 1; j < p; j++) {
                if (s >> j & 1u)
                    continue;
                double rj = r2[s | (uint64_t)1 << j];
                if (ri < rj)
                    out[i * p + j] &= ~1;
                if (rj < ri)
                    out[i * p + j] &= ~2;
            }
        }
    for (size_t i = 0; i < p; i++) {
        out[i * p + i] = 0;
        for (size_t j = i + 1; j < p; j++) {
            int f = out[i * p + j];
            int v = f == 1 ? 1 : (f == 2 ? -1 : 0); /* 3 = equal everywhere: no dominance */
            out[i * p + j] = v;
            out[j * p + i] = -v;
        }
    }
    return CX_OK;
}
