/*
 * Small dense linear algebra (row-major doubles) for the analytics: the matrices here are a few
 * to a few hundred rows (drivers, PLS indicator blocks, Hessians), so plain cache-friendly C beats
 * calling out to LAPACK and keeps libcxkit free of dependencies. All functions return CX_OK,
 * CX_ESINGULAR (not positive definite / singular to working precision), CX_ENOMEM or CX_EINVAL
 * and leave outputs unchanged on failure unless documented as in-place.
 */
#ifndef CX_LINALG_H
#define CX_LINALG_H

#include "internal.h"

/* In-place Cholesky A = L L^T of an n x n symmetric positive definite matrix: the lower triangle
 * of `a` becomes L, the strict upper triangle is zeroed. Only the lower triangle is read.
 * CX_ESINGULAR if a pivot is <= n * DBL_EPSILON times its original diagonal entry (then `a` is
 * partly overwritten). */
CX_HIDDEN cx_status cx__chol(double *a, size_t n);
/* Solve (L L^T) X = B for nrhs right-hand sides stored row-major in b (n x nrhs), in place. */
CX_HIDDEN void cx__chol_solve(const double *l, size_t n, double *b, size_t nrhs);
/* Inverse of L L^T into inv (n x n, full symmetric). */
CX_HIDDEN cx_status cx__chol_inverse(const double *l, size_t n, double *inv);
/* Solve A X = B (A n x n general, destroyed; b n x nrhs, overwritten) with partial pivoting.
 * A is factorised first, so b is left unchanged on CX_ESINGULAR. */
CX_HIDDEN cx_status cx__lu_solve(double *a, size_t n, double *b, size_t nrhs);
/* Inverse of a general n x n matrix into inv (a is not modified). */
CX_HIDDEN cx_status cx__inverse(const double *a, size_t n, double *inv);
/* Symmetric eigen-decomposition by cyclic Jacobi: eigenvalues in descending order into evals (n),
 * matching unit eigenvectors as columns of evecs (n x n, may be NULL), each signed so that its
 * largest-magnitude component is positive. `a` is not modified (its two triangles are averaged).
 * CX_EINVAL for a non-finite entry, CX_ENOTCONV if 100 sweeps do not converge (never seen). */
CX_HIDDEN cx_status cx__sym_eigen(const double *a, size_t n, double *evals, double *evecs);
/* C (m x n) = A (m x k) * B (k x n). */
CX_HIDDEN void cx__matmul(double *c, const double *a, const double *b, size_t m, size_t k,
                          size_t n);
/* Least squares: coefficients beta (p) minimising ||y - X beta||^2 for X (n x p, row-major) by
 * the normal equations with Cholesky; optional weights w (n, may be NULL). CX_ESINGULAR names
 * collinear columns in the error message: column j is rejected when less than 1e-12 of its
 * weighted sum of squares is left after projecting out the columns before it. */
CX_HIDDEN cx_status cx__lstsq(double *beta, const double *x, const double *y, const double *w,
                              size_t n, size_t p);

#endif /* CX_LINALG_H */
