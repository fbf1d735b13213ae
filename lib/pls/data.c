/* PLS data: named columns, survey weights, missing values, standardisation, correlations. */
#include <math.h>
#include <string.h>

#include "pls_internal.h"

cx_status cx_pls_data_new(cx_pls_data **out, size_t n_rows)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(n_rows >= 1);
    cx_pls_data *d = cx__calloc(1, sizeof *d);
    if (!d)
        return cx__enomem();
    d->n = n_rows;
    *out = d;
    return CX_OK;
}

void cx_pls_data_free(cx_pls_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncol; i++) {
        cx__free(d->names[i]);
        cx__free(d->cols[i]);
    }
    cx__free(d->names);
    cx__free(d->cols);
    cx__free(d->weights);
    cx__free(d);
}

size_t cx_pls_data_n_rows(const cx_pls_data *d)
{
    return d ? d->n : 0;
}

static size_t find_col(const cx_pls_data *d, const char *name)
{
    for (size_t i = 0; i < d->ncol; i++)
        if (strcmp(d->names[i], name) == 0)
            return i;
    return (size_t)-1;
}

cx_status cx_pls_data_add_column(cx_pls_data *d, const char *name, const double *xs, size_t n)
{
    CX_CHECK_ARG(d != NULL);
    CX_CHECK_ARG(name != NULL && *name);
    CX_CHECK_ARG(xs != NULL);
    if (n != d->n)
        return cx__error_param(CX_EINVAL, name, "column '%s' has %zu values, the data has %zu rows",
                               name, n, d->n);
    if (find_col(d, name) != (size_t)-1)
        return cx__error_param(CX_EINVAL, name, "column '%s' is already present", name);
    if (d->ncol == d->cap) {
        size_t nc = d->cap ? 2 * d->cap : 16;
        char **nn = cx__realloc_array(d->names, nc, sizeof *nn);
        if (!nn)
            return cx__enomem();
        d->names = nn;
        double **cc = cx__realloc_array(d->cols, nc, sizeof *cc);
        if (!cc)
            return cx__enomem();
        d->cols = cc;
        d->cap = nc;
    }
    char *copy = cx__strdup(name);
    double *col = cx__malloc_array(n, sizeof(double));
    if (!copy || !col) {
        cx__free(copy);
        cx__free(col);
        return cx__enomem();
    }
    memcpy(col, xs, n * sizeof(double));
    d->names[d->ncol] = copy;
    d->cols[d->ncol] = col;
    d->ncol++;
    return CX_OK;
}

cx_status cx_pls_data_set_weights(cx_pls_data *d, const double *ws, size_t n)
{
    CX_CHECK_ARG(d != NULL);
    CX_CHECK_ARG(ws != NULL);
    if (n != d->n)
        return cx__error_param(CX_EINVAL, "weights", "%zu weights for %zu rows", n, d->n);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(ws[i]) || ws[i] < 0)
            return cx__error_param(CX_EINVAL, "weights",
                                   "weight %zu is %g; weights must be finite and >= 0", i, ws[i]);
        sum += ws[i];
    }
    if (!(sum > 0))
        return cx__error_param(CX_EINVAL, "weights", "the weights sum to 0");
    double *w = cx__malloc_array(n, sizeof(double));
    if (!w)
        return cx__enomem();
    memcpy(w, ws, n * sizeof(double));
    cx__free(d->weights);
    d->weights = w;
    return CX_OK;
}

cx_status cx_pls_data_set_weights_column(cx_pls_data *d, const char *name)
{
    CX_CHECK_ARG(d != NULL);
    CX_CHECK_ARG(name != NULL);
    size_t c = find_col(d, name);
    if (c == (size_t)-1)
        return cx__error_param(CX_EINVAL, name, "no column '%s' for the weights", name);
    cx_status st = cx_pls_data_set_weights(d, d->cols[c], d->n);
    if (st == CX_EINVAL)
        return cx__error_param(CX_EINVAL, name, "weights column '%s': %s", name,
                               cx_error_last()->message);
    return st;
}

/* Weighted correlation matrix with multiplicities; see pls_internal.h. Sums are of standardised
 * (centred) values, so the one-pass formula loses nothing to cancellation. */
/* AVX2 clone where the CPU has it: the same operations in the same order (no FMA contraction),
 * so results are bit-identical to the baseline build, only wider vectors. */
CX_TARGET_CLONES("avx2", "default")
static size_t pls_corr(double *S, double *mz, double *sz, const double *z, const double *wt,
                       const unsigned *counts, size_t n, size_t K)
{
    double N = 0;
    memset(S, 0, K * K * sizeof(double));
    memset(mz, 0, K * sizeof(double));
    /* rows are accumulated four at a time: one load and store of S per four products, which is
     * what bounds this loop (it is the whole cost of a bootstrap replicate on large data) */
    const double *xr[4];
    double fr[4];
    int m = 0;
    for (size_t r = 0; r <= n; r++) {
        if (r < n) {
            double f = (counts ? counts[r] : 1.0) * (wt ? wt[r] : 1.0);
            if (f == 0)
                continue;
            xr[m] = z + r * K;
            fr[m] = f;
            N += f;
            if (++m < 4)
                continue;
        }
        if (m == 4) {
            const double *x0 = xr[0], *x1 = xr[1], *x2 = xr[2], *x3 = xr[3];
            for (size_t k = 0; k < K; k++) {
                double a0 = fr[0] * x0[k], a1 = fr[1] * x1[k], a2 = fr[2] * x2[k],
                       a3 = fr[3] * x3[k];
                mz[k] += (a0 + a1) + (a2 + a3);
                double *row = S + k * K;
                for (size_t l = 0; l <= k; l++)
                    row[l] += (a0 * x0[l] + a1 * x1[l]) + (a2 * x2[l] + a3 * x3[l]);
            }
        } else {
            for (int q = 0; q < m; q++)
                for (size_t k = 0; k < K; k++) {
                    double fx = fr[q] * xr[q][k];
                    mz[k] += fx;
                    double *row = S + k * K;
                    for (size_t l = 0; l <= k; l++)
                        row[l] += fx * xr[q][l];
                }
        }
        m = 0;
    }
    for (size_t k = 0; k < K; k++)
        mz[k] /= N;
    /* n - 1 divisor with weights normalised to mean 1: N - 1 */
    double div = N - 1;
    for (size_t k = 0; k < K; k++)
        for (size_t l = 0; l <= k; l++)
            S[k * K + l] = (S[k * K + l] - N * mz[k] * mz[l]) / div;
    /* in z units the full-sample variance is 1; below 1e-10 the column is constant up to the
     * rounding of the one-pass formula (a resample that drew a single distinct value) */
    size_t bad = (size_t)-1;
    for (size_t k = 0; k < K; k++) {
        double v = S[k * K + k];
        sz[k] = v > 0 ? sqrt(v) : 0;
        if (!(v > 1e-10) && bad == (size_t)-1)
            bad = k;
    }
    if (bad != (size_t)-1)
        return bad;
    for (size_t k = 0; k < K; k++) {
        for (size_t l = 0; l < k; l++) {
            double r = S[k * K + l] / (sz[k] * sz[l]);
            S[k * K + l] = r;
            S[l * K + k] = r;
        }
        S[k * K + k] = 1.0;
    }
    return (size_t)-1;
}

/* Static clones keep their load-time resolver local (an extern one is exported whatever
 * CX_HIDDEN says, and would join the library's ABI). */
size_t cx__pls_corr(double *S, double *mz, double *sz, const double *z, const double *wt,
                    const unsigned *counts, size_t n, size_t K)
{
    return pls_corr(S, mz, sz, z, wt, counts, n, K);
}

/* missing: NaN, or the missing code when one is set (code is NaN otherwise, never equal) */
static inline int is_missing(double v, double code)
{
    return isnan(v) || v == code;
}

cx_status cx__pls_prepare(cx_pls_fit *f, const cx_pls_data *d)
{
    const cx_pls_model *m = f->model;
    const cx_pls_options *o = &f->opt;
    size_t K = m->ni, n = d->n;
    const double code = o->use_missing_code ? o->missing_code : NAN;
    const double **col = cx__malloc_array(K + 1, sizeof *col);
    if (!col)
        return cx__enomem();
    for (size_t k = 0; k < K; k++) {
        size_t c = find_col(d, m->iname[k]);
        if (c == (size_t)-1) {
            cx__free(col);
            return cx__error_param(CX_EINVAL, m->iname[k],
                                   "indicator '%s' (construct '%s') is not a column of the data",
                                   m->iname[k], m->cname[m->iconstruct[k]]);
        }
        col[k] = d->cols[c];
    }
    cx_status st = CX_OK;
    unsigned char *keep = cx__malloc(n);
    f->mean = cx__malloc_array(4 * K, sizeof(double));
    if (!keep || !f->mean) {
        st = cx__enomem();
        goto done;
    }
    f->sd = f->mean + K;
    f->lo = f->sd + K;
    f->hi = f->lo + K;
    /* rows to keep; a row with zero survey weight is kept (it simply has no influence) */
    size_t nmiss = 0, nkeep = 0;
    for (size_t r = 0; r < n; r++) {
        int row_missing = 0;
        for (size_t k = 0; k < K; k++)
            if (is_missing(col[k][r], code)) {
                nmiss++;
                row_missing = 1;
            } else if (!isfinite(col[k][r])) {
                st = cx__error_param(CX_EINVAL, m->iname[k],
                                     "indicator '%s' is infinite in row %zu", m->iname[k], r + 1);
                goto done;
            }
        keep[r] = !(row_missing && o->missing == CX_PLS_MISSING_CASEWISE);
        nkeep += keep[r];
    }
    if (nkeep < 3) {
        st = cx__error_param(CX_ERANGE, "data", "%zu complete rows remain; PLS needs at least 3",
                             nkeep);
        goto done;
    }
    f->n_rows = n;
    f->n = nkeep;
    f->rows = cx__malloc_array(nkeep, sizeof(size_t));
    f->z = cx__malloc_array(nkeep * K, sizeof(double));
    if (d->weights)
        f->wt = cx__malloc_array(nkeep, sizeof(double));
    if (!f->rows || !f->z || (d->weights && !f->wt)) {
        st = cx__enomem();
        goto done;
    }
    size_t i = 0;
    for (size_t r = 0; r < n; r++)
        if (keep[r])
            f->rows[i++] = r;
    double wsum = 0;
    if (f->wt) {
        for (i = 0; i < nkeep; i++)
            wsum += d->weights[f->rows[i]];
        if (!(wsum > 0)) {
            st = cx__error_param(CX_EINVAL, "weights", "the weights of the used rows sum to 0");
            goto done;
        }
        for (i = 0; i < nkeep; i++)
            f->wt[i] = d->weights[f->rows[i]] * (double)nkeep / wsum;
    }
    /* (weighted) means of the observed values; mean replacement; sds; scale ends. rows is NULL
     * when every row is used (the common case: direct, vectorisable column access) */
    const size_t *rows = nkeep == n ? NULL : f->rows;
    for (size_t k = 0; k < K; k++) {
        double sw = 0, sx = 0, lo = INFINITY, hi = -INFINITY;
        for (i = 0; i < nkeep; i++) {
            double v = col[k][rows ? rows[i] : i];
            if (nmiss && is_missing(v, code))
                continue;
            double w = f->wt ? f->wt[i] : 1.0;
            sw += w;
            sx += w * v;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (!(sw > 0)) {
            st = cx__error_param(CX_EINVAL, m->iname[k], "indicator '%s' has no observed value",
                                 m->iname[k]);
            goto done;
        }
        double mu = sx / sw, ss = 0;
        for (i = 0; i < nkeep; i++) {
            double v = col[k][rows ? rows[i] : i];
            if (nmiss && is_missing(v, code))
                v = mu;
            double w = f->wt ? f->wt[i] : 1.0;
            ss += w * (v - mu) * (v - mu);
        }
        /* weights have mean 1 over the rows, so sum w = nkeep */
        double sd = sqrt(ss / ((double)nkeep - 1));
        if (!(sd > 1e-12 * (fabs(mu) + 1))) {
            st = cx__error_param(CX_EINVAL, m->iname[k],
                                 "indicator '%s' is constant (zero variance)", m->iname[k]);
            goto done;
        }
        f->mean[k] = mu;
        f->sd[k] = sd;
        f->lo[k] = isnan(o->scale_min) ? lo : o->scale_min;
        f->hi[k] = isnan(o->scale_max) ? hi : o->scale_max;
        if (!(f->hi[k] > f->lo[k])) {
            st = cx__error_param(CX_EINVAL, m->iname[k],
                                 "scale of indicator '%s': max %g must exceed min %g", m->iname[k],
                                 f->hi[k], f->lo[k]);
            goto done;
        }
    }
    /* standardise into the row-major z, a block of rows at a time so that the strided writes
     * stay in cache (column-major in, row-major out) */
    for (size_t r0 = 0; r0 < nkeep; r0 += 256) {
        size_t r1 = r0 + 256 < nkeep ? r0 + 256 : nkeep;
        for (size_t k = 0; k < K; k++) {
            double mu = f->mean[k], inv = 1.0 / f->sd[k];
            for (i = r0; i < r1; i++) {
                double v = col[k][rows ? rows[i] : i];
                f->z[i * K + k] = nmiss && is_missing(v, code) ? 0.0 : (v - mu) * inv;
            }
        }
    }
    f->info.n_rows = n;
    f->info.n_used = nkeep;
    f->info.n_missing_cells = nmiss;
    f->info.n_rows_dropped = n - nkeep;
done:
    cx__free(keep);
    cx__free(col);
    return st;
}
