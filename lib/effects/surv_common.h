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
/* Two-sided normal critical value for a confidence level in (0, 1). */
CX_HIDDEN double cx__z_for_level(double conf_level);
/* Wilson score interval for x successes out of n at the given level. */
CX_HIDDEN void cx__wilson(double *lower, double *upper, double x, double n, double conf_level);

#endif
