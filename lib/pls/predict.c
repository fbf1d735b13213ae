/*
 * PLSpredict (Shmueli, Ray, Velasquez Estrada & Chatla 2016; Shmueli et al. 2019): k-fold
 * out-of-sample prediction of the indicators of endogenous constructs, against the linear
 * benchmark (OLS of each such indicator on all indicators of the exogenous constructs).
 *
 * Fold f is estimated on the other folds: its correlation matrix comes from the same one-pass
 * routine as a bootstrap replicate with multiplicity 1 for training rows and 0 for held-out rows,
 * so training means and sds are the (weighted) ones of the training rows. A held-out row is
 * standardised with them, the exogenous scores are formed with the training weights, the
 * endogenous scores are predicted through the path coefficients ("earliest antecedents"), and each
 * indicator is predicted as loading x predicted score, then put back on the indicator scale.
 */
#include <math.h>
#include <string.h>

#include <cxkit/rng.h>

#include "pls_internal.h"

typedef struct {
    double sse_pls, sae_pls, sse_lm, sae_lm, sse_naive;
} acc;

cx_status cx_pls_predict(double *out, size_t n_out, const cx_pls_fit *f, int k_folds, uint64_t seed)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    size_t K = f->K, C = f->C, n = f->n;
    const cx_pls_model *m = f->model;
    if (k_folds < 2 || (size_t)k_folds > n)
        return cx__error_param(CX_EINVAL, "k_folds", "k_folds must be in 2..%zu (rows)", n);
    /* endogenous: has a predecessor */
    size_t n_exo_items = 0;
    unsigned char *endo = cx__calloc(C, 1);
    if (!endo)
        return cx__enomem();
    for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < C; j++)
            if (f->adj[i * C + j])
                endo[j] = 1;
    for (size_t k = 0; k < K; k++) {
        if (!endo[m->iconstruct[k]])
            n_exo_items++;
    }
    if (n_out < K * CX_PLS_PRED_COLUMNS) {
        cx__free(endo);
        return cx__error_param(CX_EINVAL, "n", "room for %zu values, %zu needed", n_out,
                               K * CX_PLS_PRED_COLUMNS);
    }
    cx_status st = CX_OK;
    size_t *perm = cx__malloc_array(n, sizeof(size_t));
    unsigned *cnt = cx__malloc_array(n, sizeof(unsigned));
    size_t *exo = cx__malloc_array(n_exo_items + 1, sizeof(size_t));
    double *S = cx__malloc_array(
        K * K + 4 * K + 3 * C + n_exo_items * (n_exo_items + 1) + n_exo_items * K, sizeof(double));
    acc *a = cx__calloc(K, sizeof(acc));
    pls_est e;
    int have_e = 0;
    cx_rng *rng = NULL;
    if (!perm || !cnt || !exo || !S || !a) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx__pls_est_alloc(&e, K, C)) != CX_OK)
        goto done;
    have_e = 1;
    if ((st = cx_rng_new(&rng, seed, 0)) != CX_OK)
        goto done;
    double *mz = S + K * K, *sz = mz + K, *zt = sz + K, *yh = zt + K, *score = yh + C,
           *A = score + 2 * C, *beta = A + n_exo_items * n_exo_items;
    size_t ne = 0;
    for (size_t k = 0; k < K; k++)
        if (!endo[m->iconstruct[k]])
            exo[ne++] = k;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)cx_rng_below(rng, i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (int fold = 0; fold < k_folds && st == CX_OK; fold++) {
        for (size_t i = 0; i < n; i++)
            cnt[perm[i]] = (i % (size_t)k_folds) != (size_t)fold;
        size_t bad = cx__pls_corr(S, mz, sz, f->z, f->wt, cnt, n, K);
        if (bad != (size_t)-1) {
            st = cx__error_param(CX_ERANGE, m->iname[bad],
                                 "indicator '%s' is constant in the training rows of fold %d",
                                 m->iname[bad], fold + 1);
            break;
        }
        st = cx__pls_estimate_S(&e, m, f->adj, S, f->opt.scheme, f->opt.max_iter, f->opt.tolerance,
                                f->opt.consistent, NULL);
        if (st != CX_OK)
            break;
        /* linear benchmark: beta = S_xx^-1 S_xy for all targets at once (ne x K) */
        for (size_t p = 0; p < ne; p++) {
            for (size_t q = 0; q < ne; q++)
                A[p * ne + q] = S[exo[p] * K + exo[q]];
            for (size_t k = 0; k < K; k++)
                beta[p * K + k] = S[exo[p] * K + k];
        }
        if (ne && cx__pls_spd_solve(A, ne, beta, K) != CX_OK) {
            st = cx__error_param(CX_ESINGULAR, "data",
                                 "the exogenous indicators are collinear in fold %d", fold + 1);
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (cnt[i])
                continue;
            double w = f->wt ? f->wt[i] : 1.0;
            for (size_t k = 0; k < K; k++)
                zt[k] = (f->z[i * K + k] - mz[k]) / sz[k];
            for (size_t j = 0; j < C; j++)
                score[j] = 0;
            for (size_t k = 0; k < K; k++)
                if (!endo[m->iconstruct[k]])
                    score[m->iconstruct[k]] += e.w[k] * zt[k];
            memcpy(yh, score, C * sizeof(double));
            for (size_t pass = 0; pass < C; pass++)
                for (size_t j = 0; j < C; j++)
                    if (endo[j]) {
                        double s = 0;
                        for (size_t q = 0; q < C; q++)
                            s += e.B[q * C + j] * yh[q];
                        yh[j] = s;
                    }
            for (size_t k = 0; k < K; k++) {
                if (!endo[m->iconstruct[k]])
                    continue;
                /* back to the indicator scale: x = mean_tr + sd_tr * z_tr */
                double sd_raw = f->sd[k] * sz[k], mean_raw = f->mean[k] + f->sd[k] * mz[k];
                double x = f->z[i * K + k] * f->sd[k] + f->mean[k];
                double p_pls = mean_raw + sd_raw * e.load[k] * yh[m->iconstruct[k]];
                double lz = 0;
                for (size_t p = 0; p < ne; p++)
                    lz += beta[p * K + k] * zt[exo[p]];
                double p_lm = mean_raw + sd_raw * lz;
                a[k].sse_pls += w * (x - p_pls) * (x - p_pls);
                a[k].sae_pls += w * fabs(x - p_pls);
                a[k].sse_lm += w * (x - p_lm) * (x - p_lm);
                a[k].sae_lm += w * fabs(x - p_lm);
                a[k].sse_naive += w * (x - mean_raw) * (x - mean_raw);
            }
        }
    }
    if (st == CX_OK) {
        double N = (double)n; /* weights have mean 1 */
        for (size_t k = 0; k < K; k++) {
            double *o = out + k * CX_PLS_PRED_COLUMNS;
            if (!endo[m->iconstruct[k]]) {
                for (int c = 0; c < CX_PLS_PRED_COLUMNS; c++)
                    o[c] = NAN;
                continue;
            }
            o[CX_PLS_PRED_PLS_RMSE] = sqrt(a[k].sse_pls / N);
            o[CX_PLS_PRED_PLS_MAE] = a[k].sae_pls / N;
            o[CX_PLS_PRED_LM_RMSE] = sqrt(a[k].sse_lm / N);
            o[CX_PLS_PRED_LM_MAE] = a[k].sae_lm / N;
            o[CX_PLS_PRED_Q2] = 1 - a[k].sse_pls / a[k].sse_naive;
        }
    }
done:
    cx_rng_free(rng);
    if (have_e)
        cx__pls_est_free(&e);
    cx__free(endo);
    cx__free(perm);
    cx__free(cnt);
    cx__free(exo);
    cx__free(S);
    cx__free(a);
    return st;
}
