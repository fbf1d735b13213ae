/* Internal pieces of lib/drivers: correlation matrices, the sweep operator, subset R². */
#ifndef CX_DRIVERS_INTERNAL_H
#define CX_DRIVERS_INTERNAL_H

#include <cxkit/drivers.h>
#include "internal.h"
#include "rng_internal.h"

/* Pivots below this (a conditional variance of a standardised driver) mean collinearity. */
#define CX__SWEEP_TOL 1e-10

/* Weighted correlation matrix (m = p + 1, target last) over rows[0..nrows) of x (row-major
 * n x p), y and w (may be NULL). CX_ERANGE naming a zero-variance column. */
CX_HIDDEN cx_status cx__drivers_corr(double *corr, const double *x, const double *y,
                                     const double *w, const size_t *rows, size_t nrows, size_t p);

/* Sweep (reverse = 0) or reverse sweep (reverse = 1) the m x m symmetric matrix a on pivot k;
 * returns the pivot value before the sweep. */
CX_HIDDEN double cx__sweep(double *a, size_t m, size_t k, int reverse);

/* Check that the drivers' correlation matrix is positive definite by sweeping all drivers of a
 * copy into work ((p+1)^2); on success work holds the fully swept matrix. CX_ESINGULAR names a
 * collinear driver. */
CX_HIDDEN cx_status cx__drivers_sweep_all(double *work, const double *corr, size_t p);

/* R² of every subset (bit j = driver j) into r2 (2^p entries): Gray-code walk with one sweep
 * per step, re-anchored from corr every 4096 steps to bound rounding drift. */
CX_HIDDEN cx_status cx__subset_r2(double *r2, const double *corr, size_t p);

/* Conditional contributions C[j * p + k] and LMG (p) from the subset table. */
CX_HIDDEN void cx__lmg_from_r2(double *cond, double *lmg, const double *r2, size_t p);

/* LMG by averaging over `samples` random orders. */
CX_HIDDEN cx_status cx__lmg_sampled(double *lmg, const double *corr, size_t p, size_t samples,
                                    struct cx_rng *rng);

/* Johnson's relative weights (p) from the correlation matrix. */
CX_HIDDEN cx_status cx__relative_weights(double *eps, const double *corr, size_t p);

#endif /* CX_DRIVERS_INTERNAL_H */
