/* Quality criteria of a PLS fit, defined exactly as seminr 2.3.1 (REFERENCE.md section 9). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "linalg.h"
#include "pls_internal.h"

static cx_status need(size_t n, size_t want)
{
    if (n < want)
        return cx__error_param(CX_EINVAL, "n", "output has room for %zu values, %zu needed", n,
                               want);
    return CX_OK;
}

void cx__pls_alpha_S(double *out, size_t stride, const cx_pls_model *m, const double *S)
{
    size_t K = m->ni;
    for (size_t j = 0; j < m->nc; j++) {
        double sr = 0;
        size_t nb = 0;
        for (size_t k = 0; k < K; k++) {
            if (m->iconstruct[k] != j)
                continue;
            nb++;
            for (size_t q = 0; q < K; q++)
                if (m->iconstruct[q] == j)
                    sr += S[k * K + q];
        }
        double kb = (double)nb;
        out[j * stride] = nb > 1 ? kb / (kb - 1) * (1 - kb / sr) : 1.0;
    }
}

/* alpha, rho_A, rho_C, AVE of every construct into r (C x 4) */
static void reliability(double *r, const cx_pls_fit *f)
{
    const cx_pls_model *m = f->model;
    size_t K = f->K;
    for (size_t j = 0; j < f->C; j++) {
        double sl = 0, sl2 = 0, s1l2 = 0;
        size_t nb = 0;
        for (size_t k = 0; k < K; k++) {
            if (m->iconstruct[k] != j)
                continue;
            nb++;
            double l = f->est.load[k];
            sl += l;
            sl2 += l * l;
            s1l2 += 1 - l * l;
        }
        double kb = (double)nb;
        r[j * 4 + 1] = f->est.rho_a[j];
        r[j * 4 + 2] = nb > 1 ? sl * sl / (sl * sl + s1l2) : 1.0;
        r[j * 4 + 3] = nb > 1 ? sl2 / kb : 1.0;
    }
    cx__pls_alpha_S(r, 4, m, f->S);
}

cx_status cx_pls_fit_reliability(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, 4 * f->C);
    if (st != CX_OK)
        return st;
    reliability(out, f);
    return CX_OK;
}

void cx__pls_htmt_S(double *out, const cx_pls_model *m, const double *S, double *mono)
{
    size_t C = m->nc, K = m->ni;
    /* mean absolute off-diagonal correlation within each block (1 for a single item) */
    for (size_t j = 0; j < C; j++) {
        double s = 0;
        size_t c = 0;
        for (size_t k = 0; k < K; k++)
            for (size_t l = k + 1; l < K; l++)
                if (m->iconstruct[k] == j && m->iconstruct[l] == j) {
                    s += fabs(S[k * K + l]);
                    c++;
                }
        mono[j] = c ? s / (double)c : 1.0;
    }
    for (size_t i = 0; i < C; i++) {
        out[i * C + i] = 1.0;
        for (size_t j = i + 1; j < C; j++) {
            double s = 0;
            size_t c = 0;
            for (size_t k = 0; k < K; k++)
                for (size_t l = 0; l < K; l++)
                    if (m->iconstruct[k] == i && m->iconstruct[l] == j) {
                        s += fabs(S[k * K + l]);
                        c++;
                    }
            double h = s / (double)c / sqrt(mono[i] * mono[j]);
            out[i * C + j] = h;
            out[j * C + i] = h;
        }
    }
}

cx_status cx_pls_fit_htmt(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    cx_status st = need(n, f->C * f->C);
    if (st != CX_OK)
        return st;
    double *mono = cx__malloc_array(f->C, sizeof(double));
    if (!mono)
        return cx__enomem();
    cx__pls_htmt_S(out, f->model, f->S, mono);
    cx__free(mono);
    return CX_OK;
}

cx_status cx_pls_fit_fornell_larcker(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    size_t C = f->C;
    cx_status st = need(n, C * C);
    if (st != CX_OK)
        return st;
    double *rel = cx__malloc_array(4 * C, sizeof(double));
    if (!rel)
        return cx__enomem();
    reliability(rel, f);
    for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < C; j++)
            out[i * C + j] = i == j ? sqrt(rel[i * 4 + 3]) : f->est.rc[i * C + j];
    cx__free(rel);
    return CX_OK;
}

/* diag of the inverse of the correlation submatrix R[idx, idx] into vif[0..m); a is scratch of
 * 2 m^2 doubles (no allocation: bootstrap replicates call this) */
static cx_status vif_of(double *vif, double *a, const double *R, size_t ld, const size_t *idx,
                        size_t m)
{
    if (m == 1) {
        vif[0] = 1.0;
        return CX_OK;
    }
    for (size_t p = 0; p < m; p++)
        for (size_t q = 0; q < m; q++)
            a[p * m + q] = R[idx[p] * ld + idx[q]];
    cx_status st = cx__chol(a, m);
    if (st == CX_OK)
        st = cx__chol_inverse(a, m, a + m * m);
    if (st == CX_OK)
        for (size_t p = 0; p < m; p++)
            vif[p] = a[m * m + p * m + p];
    return st;
}

cx_status cx__pls_vif_inner_rc(double *out, double *work, const unsigned char *adj,
                               const double *rc, size_t C)
{
    size_t *idx = (size_t *)(void *)(work + 2 * C * C + C);
    double *v = work + 2 * C * C;
    for (size_t i = 0; i < C * C; i++)
        out[i] = NAN;
    for (size_t g = 0; g < C; g++) {
        size_t m = 0;
        for (size_t i = 0; i < C; i++)
            if (adj[i * C + g])
                idx[m++] = i;
        if (m == 0)
            continue;
        cx_status st = vif_of(v, work, rc, C, idx, m);
        if (st != CX_OK)
            return st;
        for (size_t p = 0; p < m; p++)
            out[idx[p] * C + g] = v[p];
    }
    return CX_OK;
}

/* VIFs of the items within each block (inner = 0: res is K) or of the predecessors of each
 * construct (inner = 1: res is C x C, from x to; untouched where there is no path). */
static cx_status vif_all(double *res, const cx_pls_fit *f, int inner)
{
    size_t G = f->C, N = inner ? f->C : f->K;
    const double *R = inner ? f->est.rc : f->S;
    size_t *idx = cx__malloc_array(N, sizeof(size_t));
    double *v = cx__malloc_array(N, sizeof(double));
    double *a = cx__malloc_array(2 * N * N + 1, sizeof(double));
    cx_status st = CX_OK;
    if (!idx || !v || !a)
        st = cx__enomem();
    for (size_t g = 0; g < G && st == CX_OK; g++) {
        size_t m = 0;
        for (size_t i = 0; i < N; i++)
            if (inner ? f->adj[i * G + g] != 0 : f->model->iconstruct[i] == g)
                idx[m++] = i;
        if (m == 0)
            continue;
        st = vif_of(v, a, R, N, idx, m);
        if (st == CX_ESINGULAR)
            st = cx__error_param(CX_ESINGULAR, f->model->cname[g], "the %s of '%s' are collinear",
                                 inner ? "predecessors" : "indicators", f->model->cname[g]);
        for (size_t p = 0; st == CX_OK && p < m; p++)
            res[inner ? idx[p] * G + g : idx[p]] = v[p];
    }
    cx__free(idx);
    cx__free(v);
    cx__free(a);
    return st;
}

static cx_status vif_out(double *out, size_t n, const cx_pls_fit *f, int inner)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    size_t size = inner ? f->C * f->C : f->K;
    cx_status st = need(n, size);
    if (st != CX_OK)
        return st;
    double *res = cx__malloc_array(size, sizeof(double));
    if (!res)
        return cx__enomem();
    for (size_t i = 0; i < size; i++)
        res[i] = NAN;
    if ((st = vif_all(res, f, inner)) == CX_OK)
        memcpy(out, res, size * sizeof(double));
    cx__free(res);
    return st;
}

cx_status cx_pls_fit_vif_outer(double *out, size_t n, const cx_pls_fit *f)
{
    return vif_out(out, n, f, 0);
}

cx_status cx_pls_fit_vif_inner(double *out, size_t n, const cx_pls_fit *f)
{
    return vif_out(out, n, f, 1);
}

cx_status cx__pls_fsquare_S(double *out, pls_est *e, unsigned char *adjw, const cx_pls_model *m,
                            const unsigned char *adj, const double *S, const double *rsq,
                            const cx_pls_options *o, size_t *fail_from, size_t *fail_to)
{
    size_t C = m->nc;
    for (size_t i = 0; i < C * C; i++)
        out[i] = NAN;
    for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < C; j++) {
            if (!adj[i * C + j])
                continue;
            memcpy(adjw, adj, C * C);
            adjw[i * C + j] = 0;
            cx_status st = cx__pls_estimate_S(e, m, adjw, S, o->scheme, o->max_iter, o->tolerance,
                                              o->consistent, NULL);
            if (st != CX_OK) {
                if (fail_from) {
                    *fail_from = i;
                    *fail_to = j;
                    return st;
                }
                if (st == CX_ENOMEM)
                    return st; /* never mistaken for a failed re-estimation */
                continue;      /* a replicate: no value for this path */
            }
            double r2out = isnan(e->rsq[j]) ? 0.0 : e->rsq[j];
            out[i * C + j] = (rsq[j] - r2out) / (1 - rsq[j]);
        }
    return CX_OK;
}

cx_status cx_pls_fit_fsquare(double *out, size_t n, const cx_pls_fit *f)
{
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(out != NULL);
    size_t C = f->C;
    cx_status st = need(n, C * C);
    if (st != CX_OK)
        return st;
    unsigned char *adj = cx__malloc(C * C);
    double *res = cx__malloc_array(C * C, sizeof(double));
    pls_est e;
    if (!adj || !res || cx__pls_est_alloc(&e, f->K, C) != CX_OK) {
        cx__free(adj);
        cx__free(res);
        return cx__enomem();
    }
    size_t fi = 0, fj = 0;
    st = cx__pls_fsquare_S(res, &e, adj, f->model, f->adj, f->S, f->est.rsq, &f->opt, &fi, &fj);
    if (st != CX_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", cx_error_last()->message);
        st = cx__error_param(st, f->model->cname[fi], "re-estimating without path '%s' -> '%s': %s",
                             f->model->cname[fi], f->model->cname[fj], msg);
    }
    if (st == CX_OK)
        memcpy(out, res, C * C * sizeof(double));
    cx__pls_est_free(&e);
    cx__free(adj);
    cx__free(res);
    return st;
}
