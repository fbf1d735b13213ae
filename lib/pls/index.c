/*
 * ACSI-style 0-100 index scores, unstandardised weights and the importance-performance map.
 *
 * With outer weights w_k (standardised indicators) and indicator sds s_k, the unstandardised
 * weights of a block are v_k = (w_k / s_k) / sum_b (w_b / s_b) (Fornell et al. 1996). The index
 * of a respondent is 100 (sum v_k x_k - sum v_k min_k) / (sum v_k max_k - sum v_k min_k), i.e.
 * the unstandardised composite rescaled from its possible range to 0-100; the construct index
 * is its (weighted) mean, i.e. the same formula on the item means.
 */
#include <math.h>
#include <string.h>

#include "pls_internal.h"

static cx_status need(size_t n, size_t want)
{
    if (n < want)
        return cx__error_param(CX_EINVAL, "n", "output has room for %zu values, %zu needed", n,
                               want);
    return CX_OK;
}

/* v (K) from w and sd; returns the construct whose weights sum to 0, or (size_t)-1 */
static size_t unstd(double *v, const cx_pls_model *m, const double *w, const double *sd)
{
    size_t K = m->ni;
    for (size_t j = 0; j < m->nc; j++) {
        double s = 0;
        for (size_t k = 0; k < K; k++)
            if (m->iconstruct[k] == j)
                s += w[k] / sd[k];
        if (s == 0 || !isfinite(s))
            return j;
        for (size_t k = 0; k < K; k++)
            if (m->iconstruct[k] == j)
                v[k] = w[k] / sd[k] / s;
    }
    return (size_t)-1;
}

/* unstd() with the error for a block whose weights sum to 0 */
static cx_status unstd_checked(double *v, const cx_pls_fit *f)
{
    size_t bad = unstd(v, f->model, f->est.w, f->sd);
    if (bad != (size_t)-1)
        return cx__error_param(CX_ERANGE, f->model->cname[bad],
                               "the weights of '%s' sum to 0: no index", f->model->cname[bad]);
    return CX_OK;
}

void cx__pls_index_means(double *idx, const cx_pls_model *m, const double *w, const double *mean,
                         const double *sd, const double *lo, const double *hi)
{
    size_t K = m->ni;
    for (size_t j = 0; j < m->nc; j++) {
        double s = 0, a = 0, b = 0, c = 0;
        for (size_t k = 0; k < K; k++)
            if (m->iconstruct[k] == j)
                s += w[k] / sd[k];
        for (size_t k = 0; k < K; k++)
            if (m->iconstruct[k] == j) {
                double v = w[k] / sd[k] / s;
                a += v * mean[k];
                b += v * lo[k];
                c += v * hi[k];
            }
        idx[j] = 100 * (a - b) / (c - b);
    }
}

cx_status cx_pls_fit_unstd_weights(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, f->K);
    if (st != CX_OK)
        return st;
    double *v = cx__malloc_array(f->K, sizeof(double));
    if (!v)
        return cx__enomem();
    if ((st = unstd_checked(v, f)) == CX_OK)
        memcpy(out, v, f->K * sizeof(double));
    cx__free(v);
    return st;
}

/* index scores (rescale = 1) or unstandardised scores sum_k v_k x_k (rescale = 0) of all used
 * rows into out (n x C) */
static cx_status index_rows(double *out, const cx_pls_fit *f, int rescale)
{
    size_t K = f->K, C = f->C;
    double *v = cx__malloc_array(K + 2 * C, sizeof(double));
    if (!v)
        return cx__enomem();
    cx_status st = unstd_checked(v, f);
    if (st != CX_OK) {
        cx__free(v);
        return st;
    }
    double *lo = v + K, *rng = lo + C;
    for (size_t j = 0; j < C; j++)
        lo[j] = rng[j] = 0;
    for (size_t k = 0; k < K; k++) {
        size_t j = f->model->iconstruct[k];
        lo[j] += v[k] * f->lo[k];
        rng[j] += v[k] * (f->hi[k] - f->lo[k]);
    }
    for (size_t r = 0; r < f->n; r++) {
        double *y = out + r * C;
        for (size_t j = 0; j < C; j++)
            y[j] = 0;
        for (size_t k = 0; k < K; k++) {
            double x = f->z[r * K + k] * f->sd[k] + f->mean[k];
            y[f->model->iconstruct[k]] += v[k] * x;
        }
        for (size_t j = 0; rescale && j < C; j++)
            y[j] = 100 * (y[j] - lo[j]) / rng[j];
    }
    cx__free(v);
    return CX_OK;
}

static cx_status rows_out(double *out, size_t n, const cx_pls_fit *f, int rescale)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, f->n * f->C);
    if (st != CX_OK)
        return st;
    double *tmp = cx__malloc_array(f->n * f->C, sizeof(double));
    if (!tmp)
        return cx__enomem();
    st = index_rows(tmp, f, rescale);
    if (st == CX_OK)
        memcpy(out, tmp, f->n * f->C * sizeof(double));
    cx__free(tmp);
    return st;
}

cx_status cx_pls_fit_index_scores(double *out, size_t n, const cx_pls_fit *f)
{
    return rows_out(out, n, f, 1);
}

cx_status cx_pls_fit_unstd_scores(double *out, size_t n, const cx_pls_fit *f)
{
    return rows_out(out, n, f, 0);
}

cx_status cx_pls_fit_index(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, f->C);
    if (st != CX_OK)
        return st;
    double *v = cx__malloc_array(f->K, sizeof(double));
    if (!v)
        return cx__enomem();
    st = unstd_checked(v, f);
    cx__free(v);
    if (st != CX_OK)
        return st;
    cx__pls_index_means(out, f->model, f->est.w, f->mean, f->sd, f->lo, f->hi);
    return CX_OK;
}

cx_status cx_pls_fit_index_segments(double *out, size_t n, const cx_pls_fit *f,
                                    const int64_t *segment, size_t n_seg_labels, size_t n_segments)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(segment != NULL);
    CX_CHECK_ARG(n_segments >= 1);
    size_t C = f->C;
    cx_status st = need(n, n_segments * C);
    if (st != CX_OK)
        return st;
    if (n_seg_labels != f->n_rows)
        return cx__error_param(CX_EINVAL, "segment", "%zu segment labels for %zu data rows",
                               n_seg_labels, f->n_rows);
    for (size_t r = 0; r < f->n_rows; r++)
        if (segment[r] < 0 || (uint64_t)segment[r] >= n_segments)
            return cx__error_param(CX_EINVAL, "segment",
                                   "segment label %lld in row %zu is outside 0..%zu",
                                   (long long)segment[r], r + 1, n_segments - 1);
    double *y = cx__malloc_array(f->n * C + n_segments * (C + 1), sizeof(double));
    if (!y)
        return cx__enomem();
    double *acc = y + f->n * C, *wsum = acc + n_segments * C;
    if ((st = index_rows(y, f, 1)) != CX_OK) {
        cx__free(y);
        return st;
    }
    memset(acc, 0, n_segments * (C + 1) * sizeof(double));
    for (size_t i = 0; i < f->n; i++) {
        size_t s = (size_t)segment[f->rows[i]];
        double w = f->wt ? f->wt[i] : 1.0;
        wsum[s] += w;
        for (size_t j = 0; j < C; j++)
            acc[s * C + j] += w * y[i * C + j];
    }
    for (size_t s = 0; s < n_segments; s++)
        if (!(wsum[s] > 0)) {
            cx__free(y);
            return cx__error_param(CX_ERANGE, "segment", "segment %zu has no (weighted) rows", s);
        }
    for (size_t s = 0; s < n_segments; s++)
        for (size_t j = 0; j < C; j++)
            out[s * C + j] = acc[s * C + j] / wsum[s];
    cx__free(y);
    return CX_OK;
}

cx_status cx_pls_fit_ipma(double *out, size_t n, const cx_pls_fit *f, size_t target)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    size_t C = f->C, K = f->K;
    if (target >= C)
        return cx__error_param(CX_EINVAL, "target", "target %zu is not a construct (0..%zu)",
                               target, C - 1);
    cx_status st = need(n, 2 * C);
    if (st != CX_OK)
        return st;
    double *perf = cx__malloc_array(2 * C, sizeof(double));
    if (!perf)
        return cx__enomem();
    if ((st = cx_pls_fit_index(perf, C, f)) != CX_OK) {
        cx__free(perf);
        return st;
    }
    /* sd of a construct's index = 100 / sum_k (w_k / s_k)(max_k - min_k), since X W has unit
     * variance: the rescaling of the unstandardised composite to 0-100 */
    double *sdi = perf + C;
    for (size_t j = 0; j < C; j++)
        sdi[j] = 0;
    for (size_t k = 0; k < K; k++)
        sdi[f->model->iconstruct[k]] += f->est.w[k] / f->sd[k] * (f->hi[k] - f->lo[k]);
    for (size_t j = 0; j < C; j++)
        sdi[j] = 100 / sdi[j];
    for (size_t i = 0; i < C; i++) {
        out[2 * i] = i == target ? 0.0 : f->est.total[i * C + target] * sdi[target] / sdi[i];
        out[2 * i + 1] = perf[i];
    }
    cx__free(perf);
    return CX_OK;
}

cx_status cx_pls_fit_used_rows(int64_t *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, f->n);
    if (st != CX_OK)
        return st;
    for (size_t i = 0; i < f->n; i++)
        out[i] = (int64_t)f->rows[i];
    return CX_OK;
}
