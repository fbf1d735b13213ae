/*
 * Special functions and distribution functions used across the analytics. Own implementations
 * (not libm's lgamma, which writes the global `signgam` and so is not thread-safe), accurate to
 * close to double precision; each is tested against scipy.special / mpmath values in
 * tests/c/test_numerics.c (generators in tests/c/refs/).
 */
#ifndef CX_SPECIAL_H
#define CX_SPECIAL_H

#include "internal.h"

CX_HIDDEN double cx__lgamma(double x);  /* log|Gamma(x)| for x > 0 */
CX_HIDDEN double cx__digamma(double x); /* psi(x), x > 0 */
CX_HIDDEN double cx__trigamma(double x);
CX_HIDDEN double cx__lbeta(double a, double b);
CX_HIDDEN double cx__log1pexp(double x); /* log(1 + e^x) without overflow */
CX_HIDDEN double cx__logsumexp(const double *x, size_t n);
CX_HIDDEN double cx__logaddexp(double a, double b);

CX_HIDDEN double cx__normal_cdf(double x);
CX_HIDDEN double cx__normal_sf(double x);             /* 1 - cdf, accurate in the tail */
CX_HIDDEN double cx__normal_quantile(double p);       /* Wichura AS241, full double precision */
CX_HIDDEN double cx__gamma_p(double a, double x);     /* regularised lower incomplete gamma */
CX_HIDDEN double cx__gamma_q(double a, double x);     /* upper */
CX_HIDDEN double cx__gamma_p_inv(double a, double p); /* x with P(a, x) = p */
CX_HIDDEN double cx__beta_inc(double a, double b, double x); /* regularised I_x(a, b) */
CX_HIDDEN double cx__beta_inc_inv(double a, double b, double p);
CX_HIDDEN double cx__t_cdf(double t, double df);
CX_HIDDEN double cx__t_quantile(double p, double df);
CX_HIDDEN double cx__chi2_sf(double x, double df);
CX_HIDDEN double cx__chi2_quantile(double p, double df);
CX_HIDDEN double cx__f_sf(double f, double df1, double df2);

/* Two-sided normal critical value z for a confidence level in (0, 1): 1.959964 for 0.95. */
CX_HIDDEN double cx__z_for_level(double conf_level);
/* Wilson score interval for x successes out of n with critical value z, clipped to [0, 1];
 * [0, 1] when n <= 0. Shared by the scores and effects modules. */
CX_HIDDEN void cx__wilson(double *lower, double *upper, double x, double n, double z);
/* Newcombe's hybrid score interval for a difference e1 - e2 of two independent estimates with
 * single-sample intervals [l1, u1] and [l2, u2] (Newcombe 1998, method 10 when those are
 * Wilson intervals of proportions; also used for NPS). */
CX_HIDDEN void cx__newcombe(double *lower, double *upper, double e1, double l1, double u1,
                            double e2, double l2, double u2);
/* The difference of two proportions x1/n1 - x2/n2 (n1, n2 > 0): Newcombe's interval from the
 * Wilson intervals at critical value z, and the pooled-variance z statistic (0 when the pooled
 * variance is 0). Shared by cx_prop_diff (scores) and the effects module's risk difference. */
CX_HIDDEN void cx__prop_diff_newcombe(double *lower, double *upper, double *z_stat, double x1,
                                      double n1, double x2, double n2, double z);

#endif /* CX_SPECIAL_H */
