/*
 * Cholesky solves for the small symmetric positive definite matrices of PLS (item blocks,
 * predecessor correlations). Kept here rather than in lib/core because PLS needs the relative
 * pivot test below (a correlation matrix is singular when a pivot falls to ~1e-12 of its
 * diagonal) and calls them millions of times in a bootstrap without allocating.
 */
#include <math.h>

#include "pls_internal.h"

/* In place: lower triangle of a becomes L. Relative pivot threshold on the original diagonal. */
static cx_status chol(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j * n + j];
        double orig = d;
        for (size_t k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (!(d > 1e-12 * (orig > 0 ? orig : 1)))
            return CX_ESINGULAR;
        d = sqrt(d);
        a[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
    }
    return CX_OK;
}

static void chol_solve(const double *l, size_t n, double *b, size_t nrhs)
{
    for (size_t r = 0; r < nrhs; r++) {
        for (size_t i = 0; i < n; i++) {
            double s = b[i * nrhs + r];
            for (size_t k = 0; k < i; k++)
                s -= l[i * n + k] * b[k * nrhs + r];
            b[i * nrhs + r] = s / l[i * n + i];
        }
        for (size_t i = n; i-- > 0;) {
            double s = b[i * nrhs + r];
            for (size_t k = i + 1; k < n; k++)
                s -= l[k * n + i] * b[k * nrhs + r];
            b[i * nrhs + r] = s / l[i * n + i];
        }
    }
}

/* Solve A X = B; a (n x n SPD) is destroyed, b (n x nrhs) overwritten. Not-PD -> ESINGULAR
 * without recording an error (callers name the construct). */
cx_status cx__pls_spd_solve(double *a, size_t n, double *b, size_t nrhs)
{
    cx_status st = chol(a, n);
    if (st != CX_OK)
        return st;
    chol_solve(a, n, b, nrhs);
    return CX_OK;
}

/* Inverse of an SPD matrix (a untouched); ENOMEM is recorded, ESINGULAR is not. */
cx_status cx__pls_spd_inverse(const double *a, size_t n, double *inv)
{
    double *l = cx__malloc_array(n * n + 1, sizeof(double));
    if (!l)
        return cx__enomem();
    for (size_t i = 0; i < n * n; i++)
        l[i] = a[i];
    cx_status st = chol(l, n);
    if (st == CX_OK) {
        for (size_t i = 0; i < n * n; i++)
            inv[i] = 0;
        for (size_t i = 0; i < n; i++)
            inv[i * n + i] = 1;
        chol_solve(l, n, inv, n);
    }
    cx__free(l);
    return st;
}
