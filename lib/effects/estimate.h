/* Two-group comparisons and least squares with robust errors, shared by the log-level analyses.
 * An estimate is a point, an interval and a two-sided p-value. */
#ifndef CX_EFFECTS_ESTIMATE_H
#define CX_EFFECTS_ESTIMATE_H

#include "internal.h"

typedef struct cx__est {
    double est, lower, upper, p_value, se;
} cx__est;

/* Difference of proportions xa/na - xb/nb: Newcombe's hybrid score interval (method 10),
 * p-value from the pooled z test. */
CX_HIDDEN cx__est cx__risk_difference(double xa, double na, double xb, double nb, double level);
/* Difference of means with Welch's t interval; needs na, nb >= 2. */
CX_HIDDEN cx__est cx__mean_difference(double ma, double va, double na, double mb, double vb,
                                      double nb, double level);
/* Normal-theory estimate from a point and standard error. */
CX_HIDDEN cx__est cx__normal_est(double est, double se, double level);
/* OLS of y on x (n x p, caller includes an intercept column) with HC1 heteroskedasticity-
 * robust covariance; beta and se have p entries. CX_ESINGULAR on collinear columns. */
CX_HIDDEN cx_status cx__ols_hc1(double *beta, double *se, const double *y, const double *x,
                                size_t n, size_t p);

#endif
