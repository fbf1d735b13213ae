/*
 * Solves for the small symmetric positive definite matrices of PLS (item blocks, predecessor
 * correlations), on top of lib/core's Cholesky. A failure is reported as CX_ESINGULAR; callers
 * replace the generic message by one that names the construct.
 */
#include "linalg.h"
#include "pls_internal.h"

/* Solve A X = B; a (n x n SPD) is destroyed, b (n x nrhs) overwritten. */
cx_status cx__pls_spd_solve(double *a, size_t n, double *b, size_t nrhs)
{
    cx_status st = cx__chol(a, n);
    if (st != CX_OK)
        return st;
    cx__chol_solve(a, n, b, nrhs);
    return CX_OK;
}
