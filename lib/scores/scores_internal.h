/* Internal shared pieces of lib/scores: the accumulator layout and interval helpers. */
#ifndef CX_SCORES_INTERNAL_H
#define CX_SCORES_INTERNAL_H

#include <cxkit/scores.h>
#include "internal.h"

struct cx_acc {
    int min, max;    /* integer scale */
    size_t k;        /* max - min + 1 */
    uint64_t *count; /* per scale point */
    double *w;       /* sum of weights per point */
    double *w2;      /* sum of squared weights per point */
};

/* Allocate an accumulator without argument checks (scale already validated). */
CX_HIDDEN cx_status cx__acc_alloc(cx_acc **out, int scale_min, int scale_max);

CX_HIDDEN cx_status cx__check_level(double level);
CX_HIDDEN double cx__z_of_level(double level);
CX_HIDDEN double cx__two_sided_p(double z);
/* Interval for a share; arguments already validated. */
CX_HIDDEN cx_status cx__prop_ci(double *lo, double *hi, double x, double n, double level,
                                int method);
/* Per-respondent NPS variance p + d - (p - d)^2 (fractions). */
CX_HIDDEN double cx__nps_var1(double p, double d);
/* NPS interval (fractions) from validated counts. */
CX_HIDDEN void cx__nps_interval(double *lo, double *hi, double xp, double xq, double xd,
                                double level, int method);
CX_HIDDEN cx_status cx__check_nps_counts(const double c[3], const char *name);
CX_HIDDEN cx_status cx__check_nps_method(int method);
/* Validate NPS buckets against the accumulator scale. */
CX_HIDDEN cx_status cx__check_buckets(const cx_nps_buckets *b, const cx_acc *acc);

#endif /* CX_SCORES_INTERNAL_H */
