/*
 * Shared pieces of the survival and effects estimators: input validation of (time, event)
 * columns, sorting by time, and a few small numeric helpers that are specific to this module.
 */
#ifndef CX_SURV_COMMON_H
#define CX_SURV_COMMON_H

#include "internal.h"

/* Check time (finite, >= 0) and event (0 or 1) columns; names the offending row. */
CX_HIDDEN cx_status cx__surv_check(const double *time, const double *event, size_t n);
/* order[0..n) = indices sorted by ascending time, events before censorings at equal times
 * (stable otherwise). Caller frees. NULL on out-of-memory. */
CX_HIDDEN size_t *cx__surv_order(const double *time, const double *event, size_t n);
/* cx__z_for_level and cx__wilson live in lib/core/special.h (shared with the scores module). */
#include "special.h"

/* Wald table of coefficients b with covariance vcov (p x p) at critical value z: estimate,
 * standard error, b -/+ z se and the two-sided normal p-value. Any output may be NULL. Shared by
 * the Cox and logistic models. */
CX_HIDDEN void cx__wald_table(double *beta, double *se, double *lower, double *upper,
                              double *p_value, const double *b, const double *vcov, size_t p,
                              double z);

#endif
