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

struct cx_scores {
    size_t n_groups, n_keys;
    char **key_names;      /* n_keys */
    char **labels;         /* n_groups x n_keys */
    int64_t *period_start; /* n_groups, or NULL without a period key */
    cx_acc **accs;         /* n_groups */
};

CX_HIDDEN cx_status cx__scores_alloc(cx_scores **out, size_t n_groups, size_t n_keys,
                                     int with_period);
CX_HIDDEN void cx__scores_free_impl(cx_scores *t);
/* Tally ratings into new accumulators accs[0..n_groups) (codes < 0 and NaN ratings skipped);
 * on error the accumulators made so far are left in accs for the caller to free. */
CX_HIDDEN cx_status cx__tally(cx_acc **accs, const int64_t *codes, const double *ratings,
                              const double *weights, size_t n, size_t n_groups, int smin, int smax);

/* Calendar periods (period.c): code of time t, start time of a code, label of a code. */
CX_HIDDEN int64_t cx__period_code(int64_t t, int period);
CX_HIDDEN int64_t cx__period_start(int64_t code, int period);
CX_HIDDEN void cx__period_label(char *buf, size_t cap, int64_t code, int period);

/* Allocate an accumulator without argument checks (scale already validated). */
CX_HIDDEN cx_status cx__acc_alloc(cx_acc **out, int scale_min, int scale_max);

CX_HIDDEN cx_status cx__check_level(double level);
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

/* Paired perception gap of complete pairs (no argument checks). With fewer than 2 pairs, fills
 * *out with NaN statistics and returns CX_ERANGE. */
CX_HIDDEN cx_status cx__gap_compute(cx_gap_result *out, const double *a, const double *b, size_t n,
                                    double superior, double level);

#endif /* CX_SCORES_INTERNAL_H */
