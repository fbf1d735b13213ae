/*
 * The PLS-PM iteration (Lohmoeller; seminr 2.3.1's simplePLS) on the K x K indicator
 * correlation matrix S. With standardised indicators X, every quantity of a pass is a product
 * of S and the weights: cov(X, XW) = S W, cor(Y) = W'SW, cov(X, Y E) = S W E. A pass therefore
 * costs O(K^2 C) whatever the number of rows, and a bootstrap replicate only needs its own S.
 */
#include <math.h>
#include <string.h>

#include "pls_internal.h"

cx_status cx__pls_est_alloc(pls_est *e, size_t K, size_t C)
{
    memset(e, 0, sizeof *e);
    double *b = cx__malloc_array(2 * K + K * C + 3 * C * C + 2 * C, sizeof(double));
    if (!b)
        return cx__enomem();
    e->K = K;
    e->C = C;
    e->w = b;
    e->cross = e->w + K;
    e->load = e->cross + K * C;
    e->rc = e->load + K;
    e->B = e->rc + C * C;
    e->total = e->B + C * C;
    e->rsq = e->total + C * C;
    e->rho_a = e->rsq + C;
    return CX_OK;
}

void cx__pls_est_free(pls_est *e)
{
    if (e)
        cx__free(e->w);
}

/* Scratch space of one estimation, allocated once per call. */
typedef struct {
    size_t K, C;
    double *T;    /* K x C */
    double *RY;   /* C x C */
    double *E;    /* C x C */
    double *wn;   /* K */
    double *A;    /* K x K: block or predecessor matrix for a solve */
    double *rhs;  /* K */
    double *sd;   /* C */
    size_t *blk;  /* K: indicators ordered by construct */
    size_t *beg;  /* C + 1: block j is blk[beg[j] .. beg[j+1]) */
    size_t *pred; /* C */
} work;

static cx_status work_new(work *w, const cx_pls_model *m)
{
    size_t K = m->ni, C = m->nc;
    size_t M = K > C ? K : C;
    w->K = K;
    w->C = C;
    w->T = cx__malloc_array(K * C + 2 * C * C + K + M * M + M + C, sizeof(double));
    w->blk = cx__malloc_array(K + 2 * C + 1, sizeof(size_t));
    if (!w->T || !w->blk) {
        cx__free(w->T);
        cx__free(w->blk);
        return cx__enomem();
    }
    w->RY = w->T + K * C;
    w->E = w->RY + C * C;
    w->wn = w->E + C * C;
    w->A = w->wn + K;
    w->rhs = w->A + M * M;
    w->sd = w->rhs + M;
    w->beg = w->blk + K;
    w->pred = w->beg + C + 1;
    size_t pos = 0;
    for (size_t j = 0; j < C; j++) {
        w->beg[j] = pos;
        for (size_t k = 0; k < K; k++)
            if (m->iconstruct[k] == j)
                w->blk[pos++] = k;
    }
    w->beg[C] = pos;
    return CX_OK;
}

static void work_free(work *w)
{
    cx__free(w->T);
    cx__free(w->blk);
}

/* T = S W and RY = W' S W for weights w (one per indicator). */
static void composite_moments(work *wk, const double *S, const double *w)
{
    size_t K = wk->K, C = wk->C;
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < C; j++) {
            double s = 0;
            for (size_t p = wk->beg[j]; p < wk->beg[j + 1]; p++)
                s += S[k * K + wk->blk[p]] * w[wk->blk[p]];
            wk->T[k * C + j] = s;
        }
    for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < C; j++) {
            double s = 0;
            for (size_t p = wk->beg[i]; p < wk->beg[i + 1]; p++)
                s += w[wk->blk[p]] * wk->T[wk->blk[p] * C + j];
            wk->RY[i * C + j] = s;
        }
}

/* Regression of construct j on its predecessors from the correlation matrix R (C x C):
 * coefficients into coef[pred[i]] (C-vector, others untouched); returns #predecessors or
 * (size_t)-1 when singular. */
static size_t regress(work *wk, const double *R, const unsigned char *adj, size_t j, double *coef,
                      size_t stride)
{
    size_t C = wk->C, np = 0;
    for (size_t i = 0; i < C; i++)
        if (adj[i * C + j])
            wk->pred[np++] = i;
    if (np == 0)
        return 0;
    for (size_t a = 0; a < np; a++) {
        for (size_t b = 0; b < np; b++)
            wk->A[a * np + b] = R[wk->pred[a] * C + wk->pred[b]];
        wk->rhs[a] = R[wk->pred[a] * C + j];
    }
    if (cx__pls_spd_solve(wk->A, np, wk->rhs, 1) != CX_OK)
        return (size_t)-1;
    for (size_t a = 0; a < np; a++)
        coef[wk->pred[a] * stride] = wk->rhs[a];
    return np;
}

static cx_status fail_with(int *fail, int category, cx_status st)
{
    if (fail)
        *fail = category;
    return st;
}

static cx_status estimate_weights(pls_est *e, work *wk, const cx_pls_model *m,
                                  const unsigned char *adj, const double *S, cx_pls_scheme scheme,
                                  int max_iter, double tol, int *fail)
{
    size_t K = wk->K, C = wk->C;
    double *w = e->w;
    for (size_t k = 0; k < K; k++)
        w[k] = 1.0; /* seminr: all-ones start, compared unscaled in the first pass */
    for (int it = 0; it <= max_iter; it++) {
        composite_moments(wk, S, w);
        /* standardise the composites: Y = X W / sd */
        for (size_t j = 0; j < C; j++) {
            double v = wk->RY[j * C + j];
            if (!(v > 1e-300))
                return fail_with(fail, PLS_FAIL_SINGULAR,
                                 cx__error_param(CX_ESINGULAR, m->cname[j],
                                                 "construct '%s' has a zero-variance composite",
                                                 m->cname[j]));
        }
        double *sd = wk->sd;
        for (size_t j = 0; j < C; j++)
            sd[j] = sqrt(wk->RY[j * C + j]);
        for (size_t i = 0; i < C; i++)
            for (size_t j = 0; j < C; j++)
                wk->RY[i * C + j] /= sd[i] * sd[j];
        for (size_t k = 0; k < K; k++)
            for (size_t j = 0; j < C; j++)
                wk->T[k * C + j] /= sd[j];
        /* inner weights E (column j builds the inner proxy of construct j) */
        memset(wk->E, 0, C * C * sizeof(double));
        for (size_t j = 0; j < C; j++) {
            if (scheme == CX_PLS_SCHEME_PATH) {
                if (regress(wk, wk->RY, adj, j, wk->E + j, C) == (size_t)-1)
                    return fail_with(
                        fail, PLS_FAIL_SINGULAR,
                        cx__error_param(CX_ESINGULAR, m->cname[j],
                                        "the predecessors of construct '%s' are collinear",
                                        m->cname[j]));
                for (size_t k = 0; k < C; k++)
                    if (adj[j * C + k])
                        wk->E[k * C + j] = wk->RY[j * C + k];
            } else {
                for (size_t i = 0; i < C; i++)
                    if (adj[i * C + j] || adj[j * C + i]) {
                        double r = wk->RY[i * C + j];
                        wk->E[i * C + j] = scheme == CX_PLS_SCHEME_FACTORIAL
                                               ? r
                                               : (r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0));
                    }
            }
        }
        /* outer update: covariances of the items with the inner proxies */
        for (size_t j = 0; j < C; j++) {
            size_t b0 = wk->beg[j], nb = wk->beg[j + 1] - b0;
            for (size_t p = 0; p < nb; p++) {
                size_t k = wk->blk[b0 + p];
                double s = 0;
                for (size_t i = 0; i < C; i++)
                    s += wk->T[k * C + i] * wk->E[i * C + j];
                wk->rhs[p] = s;
            }
            if (m->mode[j] == CX_PLS_MODE_B && nb > 1) {
                for (size_t a = 0; a < nb; a++)
                    for (size_t b = 0; b < nb; b++)
                        wk->A[a * nb + b] = S[wk->blk[b0 + a] * K + wk->blk[b0 + b]];
                if (cx__pls_spd_solve(wk->A, nb, wk->rhs, 1) != CX_OK)
                    return fail_with(
                        fail, PLS_FAIL_SINGULAR,
                        cx__error_param(CX_ESINGULAR, m->cname[j],
                                        "the indicators of mode B construct '%s' are collinear",
                                        m->cname[j]));
            }
            double v = 0;
            for (size_t a = 0; a < nb; a++)
                for (size_t b = 0; b < nb; b++)
                    v += wk->rhs[a] * wk->rhs[b] * S[wk->blk[b0 + a] * K + wk->blk[b0 + b]];
            if (!(v > 1e-300) || !isfinite(v))
                return fail_with(fail, PLS_FAIL_SINGULAR,
                                 cx__error_param(CX_ESINGULAR, m->cname[j],
                                                 "construct '%s' has a zero inner proxy",
                                                 m->cname[j]));
            double sc = 1.0 / sqrt(v);
            for (size_t p = 0; p < nb; p++)
                wk->wn[wk->blk[b0 + p]] = wk->rhs[p] * sc;
        }
        double change = 0;
        for (size_t k = 0; k < K; k++) {
            change += fabs(wk->wn[k] - w[k]);
            w[k] = wk->wn[k];
        }
        e->iterations = it;
        e->change = change;
        if (change < tol)
            return CX_OK;
    }
    return fail_with(fail, PLS_FAIL_NOTCONV,
                     cx__error_param(CX_ENOTCONV, "max_iter",
                                     "outer weights did not converge in %d passes (last change "
                                     "%.3g, tolerance %.3g)",
                                     max_iter + 1, e->change, tol));
}

double cx__pls_rho_a(const cx_pls_model *m, size_t j, const double *S, const double *w)
{
    size_t K = m->ni;
    if (m->mode[j] == CX_PLS_MODE_B)
        return 1.0;
    double ww = 0, num = 0, den = 0;
    size_t nb = 0;
    for (size_t k = 0; k < K; k++) {
        if (m->iconstruct[k] != j)
            continue;
        nb++;
        ww += w[k] * w[k];
        for (size_t l = 0; l < K; l++)
            if (l != k && m->iconstruct[l] == j) {
                num += w[k] * w[l] * S[k * K + l];
                den += w[k] * w[k] * w[l] * w[l];
            }
    }
    if (nb < 2)
        return 1.0;
    return ww * ww * num / den;
}

static cx_status derive(pls_est *e, work *wk, const cx_pls_model *m, const unsigned char *adj,
                        const double *S, int consistent, int *fail)
{
    size_t K = wk->K, C = wk->C;
    composite_moments(wk, S, e->w);
    memcpy(e->cross, wk->T, K * C * sizeof(double));
    memcpy(e->rc, wk->RY, C * C * sizeof(double));
    for (size_t k = 0; k < K; k++)
        e->load[k] = wk->T[k * C + m->iconstruct[k]];
    for (size_t j = 0; j < C; j++)
        e->rho_a[j] = cx__pls_rho_a(m, j, S, e->w);
    if (consistent) {
        /* PLSc: disattenuate correlations by sqrt(rho_A) and correct mode A loadings,
         * lambda = c w with c^2 = rho_A / (w'w)^2 (Dijkstra & Henseler 2015). */
        for (size_t j = 0; j < C; j++) {
            if (!(e->rho_a[j] > 0) || !isfinite(e->rho_a[j]))
                return fail_with(fail, PLS_FAIL_OTHER,
                                 cx__error_param(CX_ERANGE, m->cname[j],
                                                 "rho_A of construct '%s' is %g: PLSc cannot "
                                                 "correct it",
                                                 m->cname[j], e->rho_a[j]));
        }
        for (size_t i = 0; i < C; i++)
            for (size_t j = 0; j < C; j++)
                if (i != j)
                    e->rc[i * C + j] /= sqrt(e->rho_a[i] * e->rho_a[j]);
        for (size_t j = 0; j < C; j++) {
            double ww = 0;
            for (size_t k = 0; k < K; k++)
                if (m->iconstruct[k] == j)
                    ww += e->w[k] * e->w[k];
            double c = sqrt(e->rho_a[j]) / ww;
            if (m->mode[j] == CX_PLS_MODE_A && wk->beg[j + 1] - wk->beg[j] > 1)
                for (size_t k = 0; k < K; k++)
                    if (m->iconstruct[k] == j)
                        e->load[k] = c * e->w[k];
        }
    }
    memset(e->B, 0, C * C * sizeof(double));
    for (size_t j = 0; j < C; j++) {
        size_t np = regress(wk, e->rc, adj, j, e->B + j, C);
        if (np == (size_t)-1)
            return fail_with(fail, PLS_FAIL_SINGULAR,
                             cx__error_param(CX_ESINGULAR, m->cname[j],
                                             "the predecessors of construct '%s' are collinear",
                                             m->cname[j]));
        if (np == 0) {
            e->rsq[j] = NAN;
            continue;
        }
        double r2 = 0;
        for (size_t i = 0; i < C; i++)
            r2 += e->B[i * C + j] * e->rc[i * C + j];
        e->rsq[j] = r2;
    }
    /* total effects of an acyclic model: B + B^2 + ... (B is nilpotent, at most C-1 terms) */
    double *P = wk->A, *Q = wk->E;
    memcpy(e->total, e->B, C * C * sizeof(double));
    memcpy(P, e->B, C * C * sizeof(double));
    for (size_t t = 1; t < C; t++) {
        for (size_t i = 0; i < C; i++)
            for (size_t j = 0; j < C; j++) {
                double s = 0;
                for (size_t k = 0; k < C; k++)
                    s += P[i * C + k] * e->B[k * C + j];
                Q[i * C + j] = s;
            }
        memcpy(P, Q, C * C * sizeof(double));
        for (size_t i = 0; i < C * C; i++)
            e->total[i] += P[i];
    }
    return CX_OK;
}

cx_status cx__pls_derive(pls_est *e, const cx_pls_model *m, const unsigned char *adj,
                         const double *S, int consistent, int *fail)
{
    work wk;
    cx_status st = work_new(&wk, m);
    if (st != CX_OK)
        return fail_with(fail, PLS_FAIL_OTHER, st);
    st = derive(e, &wk, m, adj, S, consistent, fail);
    work_free(&wk);
    return st;
}

cx_status cx__pls_estimate_S(pls_est *e, const cx_pls_model *m, const unsigned char *adj,
                             const double *S, cx_pls_scheme scheme, int max_iter, double tol,
                             int consistent, int *fail)
{
    if (fail)
        *fail = PLS_FAIL_NONE;
    work wk;
    cx_status st = work_new(&wk, m);
    if (st != CX_OK)
        return fail_with(fail, PLS_FAIL_OTHER, st);
    st = estimate_weights(e, &wk, m, adj, S, scheme, max_iter, tol, fail);
    if (st == CX_OK)
        st = derive(e, &wk, m, adj, S, consistent, fail);
    work_free(&wk);
    return st;
}
