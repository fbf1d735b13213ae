/**
 * @file scores.h
 * @brief Satisfaction scores: CSAT, NPS, CES, rating distributions, intervals, mergeable
 *        accumulators, group-by over the interaction log, shrinkage and perception gaps.
 *
 * Units: shares are fractions in [0, 1]; NPS values (estimate, standard error, interval limits)
 * are points on -100..100; means are on the rating scale. Confidence levels are in (0, 1), e.g.
 * 0.95. Formulas and their sources: docs/scores.md.
 */
#ifndef CX_SCORES_H
#define CX_SCORES_H

#include <cxkit/common.h>
#include <cxkit/errors.h>
#include <cxkit/log.h>

CX_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/** @name Intervals for a share (x "successes" out of n) */
/** @{ */

/** Interval method for a share. */
typedef enum cx_prop_method {
    CX_PROP_WILSON = 0,          /**< Wilson score (default; = R prop.test(correct = FALSE)) */
    CX_PROP_WALD = 1,            /**< p ± z sqrt(p(1-p)/n); poor for small n or extreme p */
    CX_PROP_AGRESTI_COULL = 2,   /**< Agresti-Coull "add z²/2 successes and failures" */
    CX_PROP_CLOPPER_PEARSON = 3, /**< exact (conservative) beta quantiles */
    CX_PROP_JEFFREYS = 4         /**< Beta(x + 1/2, n - x + 1/2) quantiles */
} cx_prop_method;

/**
 * Two-sided interval for a proportion.
 * @param[out] lo,hi  limits in [0, 1].
 * @param x       successes, 0 <= x <= n (need not be an integer: weighted data pass p_w * n_eff).
 * @param n       trials (> 0; Kish effective n for weighted data).
 * @param level   confidence level in (0, 1).
 * @param method  a ::cx_prop_method.
 * @return ::CX_OK; ::CX_EINVAL naming the parameter otherwise.
 */
CX_API cx_status cx_prop_ci(double *lo, double *hi, double x, double n, double level, int method);

/**
 * Difference of two independent proportions p1 - p2: Newcombe's hybrid score interval (1998,
 * method 10, built from Wilson limits) and the pooled two-proportion z test.
 * @param[out] diff  p1 - p2.
 * @param[out] lo,hi Newcombe interval for the difference (in [-1, 1]).
 * @param[out] z     pooled z statistic (0 when both shares are 0 or both 1).
 * @param[out] p_value two-sided p-value of the z test.
 * Any output pointer except diff may be NULL. Errors as cx_prop_ci().
 */
CX_API cx_status cx_prop_diff(double *diff, double *lo, double *hi, double *z, double *p_value,
                              double x1, double n1, double x2, double n2, double level);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name NPS from counts */
/** @{ */

/** Interval method for NPS (see docs/scores.md for coverage by simulation). */
typedef enum cx_nps_method {
    CX_NPS_SCORE = 0, /**< iterative score interval (Tango 1998), default */
    CX_NPS_WALD = 1,  /**< NPS ± z SE with the multinomial SE */
    CX_NPS_ADJUSTED_WALD =
        2,           /**< Rocks (2016) / MeasuringU: +3/4 promoter, +3/4 detractor, +3/2 passive */
    CX_NPS_BAYES = 3 /**< Dirichlet(1,1,1) posterior, normal approximation */
} cx_nps_method;

/**
 * NPS, standard error and interval from promoter / passive / detractor counts.
 * Counts may be non-integer (weighted shares times Kish n_eff). Outputs in points (-100..100).
 * @param[out] nps   100 (P - D) / n (the sample value, whatever the method).
 * @param[out] se    100 sqrt((p + d - (p - d)²) / n).
 * @param[out] lo,hi interval limits by @p method (may be NULL).
 * @return ::CX_OK; ::CX_EINVAL for negative or non-finite counts, n = 0, a bad level or method.
 */
CX_API cx_status cx_nps_counts(double *nps, double *se, double *lo, double *hi, double promoters,
                               double passives, double detractors, double level, int method);

/**
 * Difference of two independent NPS values (points): z test with the multinomial variances
 * (z = (N1 - N2) / sqrt(V1/n1 + V2/n2)) and an interval for the difference: Wald, or with
 * ::CX_NPS_SCORE Newcombe's hybrid built from the two score intervals.
 * @param[out] diff NPS1 - NPS2 in points. lo, hi, z, p_value may be NULL.
 * @param c1,c2 counts {promoters, passives, detractors} of each sample.
 */
CX_API cx_status cx_nps_diff(double *diff, double *lo, double *hi, double *z, double *p_value,
                             const double c1[3], const double c2[3], double level, int method);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name NPS bucket definitions (configurable, validated) */
/** @{ */

/** Bucket definition of an NPS-style score. Standard: 0..10, detractors <= 6, promoters >= 9. */
typedef struct cx_nps_buckets {
    unsigned version;     /**< ::CX_NPS_BUCKETS_VERSION */
    double detractor_max; /**< ratings <= this are detractors (6) */
    double promoter_min;  /**< ratings >= this are promoters (9); passives lie strictly between */
} cx_nps_buckets;

#define CX_NPS_BUCKETS_VERSION 1

/** Set the standard buckets (detractors 0-6, passives 7-8, promoters 9-10). */
CX_API cx_status cx_nps_buckets_init(cx_nps_buckets *b, unsigned version);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Mergeable rating accumulator */
/** @{ */

/**
 * Opaque accumulator of ratings on an integer scale min..max: per rating value the count, the
 * sum of weights and the sum of squared weights. Every score (mean, top-box, NPS, CES,
 * distribution, Kish n_eff, linearisation variances) is a function of these, so accumulators
 * merge exactly: unweighted results of merged parts equal the single-pass result bit for bit,
 * in any merge order. O(max - min + 1) memory, whatever the number of ratings.
 */
typedef struct cx_acc cx_acc;

/** Largest supported number of scale points (max - min + 1). */
#define CX_ACC_MAX_POINTS 1001

/**
 * New empty accumulator for integer ratings @p scale_min .. @p scale_max
 * (scale_min < scale_max, at most ::CX_ACC_MAX_POINTS points, |values| < 1e6).
 */
CX_API cx_status cx_acc_new(cx_acc **out, int scale_min, int scale_max);
/** Free; a no-op on NULL. */
CX_API void cx_acc_free(cx_acc *acc);
/** Deep copy. */
CX_API cx_status cx_acc_dup(cx_acc **out, const cx_acc *acc);
/** Forget every rating (scale kept). */
CX_API void cx_acc_reset(cx_acc *acc);
/** The scale. */
CX_API cx_status cx_acc_scale(int *scale_min, int *scale_max, const cx_acc *acc);

/**
 * Add one rating with weight @p weight (1 for unweighted data). The rating must be an integer
 * on the scale; the weight finite and >= 0. ::CX_EINVAL otherwise, accumulator unchanged.
 */
CX_API cx_status cx_acc_add(cx_acc *acc, double rating, double weight);

/**
 * Add a column of ratings. NaN ratings are absent and skipped (their weights are ignored).
 * @param weights NULL for unweighted data, else n finite weights >= 0.
 * All or nothing: on ::CX_EINVAL (a rating off the scale or not an integer, a bad weight; the
 * message names the index) the accumulator is unchanged.
 */
CX_API cx_status cx_acc_add_array(cx_acc *acc, const double *ratings, const double *weights,
                                  size_t n);

/** Add the contents of @p other (same scale, else ::CX_EINVAL) into @p acc. */
CX_API cx_status cx_acc_merge(cx_acc *acc, const cx_acc *other);

/** Number of ratings added (unweighted count). */
CX_API uint64_t cx_acc_count(const cx_acc *acc);

/**
 * Distribution: for each scale point min..max, into caller arrays of length
 * @p k = max - min + 1 (any may be NULL): counts, sums of weights and weighted shares (0 when
 * the accumulator is empty).
 */
CX_API cx_status cx_acc_distribution(double *counts, double *weights, double *shares, size_t k,
                                     const cx_acc *acc);

/** Basic sizes: n (count), total weight, and Kish effective n = (Σw)² / Σw². Any may be NULL.
 *  ::CX_ERANGE when the accumulator holds no positive weight. */
CX_API cx_status cx_acc_sizes(double *n, double *weight_sum, double *n_eff, const cx_acc *acc);

/** Interval method for a mean rating. */
typedef enum cx_mean_method {
    CX_MEAN_T = 0, /**< Student t on n_eff - 1 df, clipped to the scale (default) */
    CX_MEAN_DIRICHLET =
        1, /**< Dirichlet posterior over scale points (prior 1/k per point), normal approx */
    CX_MEAN_HOEFFDING = 2 /**< distribution-free, conservative */
} cx_mean_method;

/**
 * Weighted mean rating with standard error and interval.
 * @param[out] mean  Σ w v / Σ w.
 * @param[out] se    sqrt(s² / n_eff), s² the weighted variance scaled by n_eff / (n_eff - 1);
 *                   may be NULL.
 * @param[out] lo,hi may be NULL.
 * @return ::CX_ERANGE when empty, or when n_eff <= 1 and an interval or SE is asked for with
 *         ::CX_MEAN_T.
 */
CX_API cx_status cx_acc_mean(double *mean, double *se, double *lo, double *hi, const cx_acc *acc,
                             double level, int method);

/**
 * Share of ratings >= @p threshold (top-k box; e.g. 4 on 1..5 for top-2-box), weighted, with an
 * interval using Kish n_eff. @p threshold must lie within the scale. lo, hi may be NULL.
 */
CX_API cx_status cx_acc_top_box(double *share, double *lo, double *hi, const cx_acc *acc,
                                double threshold, double level, int method);

/** Full NPS result (points for nps/se/lo/hi, fractions for shares). */
typedef struct cx_nps_result {
    unsigned version;                       /**< ::CX_NPS_RESULT_VERSION */
    double nps, se, lo, hi;                 /**< points, -100..100 */
    double promoters, passives, detractors; /**< weighted shares */
    double n, n_eff;                        /**< count and Kish effective n */
} cx_nps_result;

#define CX_NPS_RESULT_VERSION 1

/**
 * NPS of the accumulated ratings under @p buckets (NULL: the standard 0-6/7-8/9-10; the bucket
 * limits must lie within the scale, detractor_max < promoter_min). The SE is the multinomial SE
 * on n for unweighted data and the linearisation (ratio-estimator) SE for weighted data; the
 * interval uses the effective counts (share × n_eff). ::CX_ERANGE when empty.
 */
CX_API cx_status cx_acc_nps(cx_nps_result *out, const cx_acc *acc, const cx_nps_buckets *buckets,
                            double level, int method);

/**
 * Serialise to a versioned, endian-independent byte string (release with cx_free()).
 * Layout (docs/scores.md): "CXAC", version, scale, per-point (count, Σw, Σw²), CRC-32.
 */
CX_API cx_status cx_acc_serialize(uint8_t **out, size_t *len, const cx_acc *acc);

/**
 * Restore from bytes written by cx_acc_serialize(). Corrupt, truncated or unknown-version bytes
 * give ::CX_EFORMAT (never a crash); *out is written only on success.
 */
CX_API cx_status cx_acc_deserialize(cx_acc **out, const uint8_t *bytes, size_t len);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Group-by over the interaction log */
/** @{ */

/** Calendar period for grouping by time (UTC). Weeks start on Monday (ISO). */
typedef enum cx_period {
    CX_PERIOD_NONE = 0,
    CX_PERIOD_DAY = 1,     /**< label "2024-03-01" */
    CX_PERIOD_WEEK = 2,    /**< label: the Monday, "2024-02-26" */
    CX_PERIOD_MONTH = 3,   /**< label "2024-03" */
    CX_PERIOD_QUARTER = 4, /**< label "2024-Q1" */
    CX_PERIOD_YEAR = 5     /**< label "2024" */
} cx_period;

/** Parse "day", "week", "month", "quarter", "year" or "none". */
CX_API cx_status cx_period_parse(cx_period *out, const char *name);

/** Options of cx_scores_group(). Initialise with cx_group_options_init(). */
typedef struct cx_group_options {
    unsigned version;      /**< ::CX_GROUP_OPTIONS_VERSION */
    int rating_field;      /**< ::CX_FIELD_CSAT (default), ::CX_FIELD_NPS, ::CX_FIELD_CES,
                                ::CX_FIELD_SELF_RATING or ::CX_FIELD_LEADER_RATING */
    const int *by;         /**< key fields: customer, employee, team, touchpoint, channel */
    size_t n_by;           /**< number of key fields (0..8) */
    int period;            /**< ::cx_period; the period is the last key */
    const double *weights; /**< NULL, or one weight per log row (>= 0, finite; NaN rows skipped) */
    size_t n_weights;      /**< cx_log_rows() when weights != NULL */
    int scale_min, scale_max; /**< rating scale; both 0 (default): CSAT's from the log's
                                   csat_min/csat_max (must be one scale), 0..10 for NPS, 1..7 CES */
} cx_group_options;

#define CX_GROUP_OPTIONS_VERSION 1
CX_API cx_status cx_group_options_init(cx_group_options *opts, unsigned version);

/** Opaque group-by result: one accumulator per group, with string keys. */
typedef struct cx_scores cx_scores;

/**
 * Group the log's ratings. Rows whose rating is absent, or whose key (or time, for a period) is
 * absent, are skipped (like pandas' groupby with dropna). Groups are ordered by their keys
 * (dictionary code order, then period). ::CX_EINVAL for a rating off the scale (naming the row).
 */
CX_API cx_status cx_scores_group(cx_scores **out, const cx_log *log, const cx_group_options *opts);
CX_API void cx_scores_free(cx_scores *t);
/**
 * Group ratings by precomputed integer group codes (e.g. from pandas.factorize): the fast path
 * that cx_scores_group() and the bindings use.
 * @param codes    n codes in 0..n_groups-1; a negative code marks a row to skip.
 * @param ratings  n ratings (integers on scale_min..scale_max; NaN = absent, skipped).
 * @param weights  n weights (finite, >= 0) or NULL.
 * Groups are labelled "0", "1", ... in key column "group". All or nothing: ::CX_EINVAL names
 * the first bad row.
 */
CX_API cx_status cx_scores_group_codes(cx_scores **out, const int64_t *codes, const double *ratings,
                                       const double *weights, size_t n, size_t n_groups,
                                       int scale_min, int scale_max);

/** Number of groups. */
CX_API size_t cx_scores_groups(const cx_scores *t);
/** Number of key columns (n_by, plus one when a period was asked for). */
CX_API size_t cx_scores_keys(const cx_scores *t);
/** Name of key column @p key ("touchpoint", ..., "period"). */
CX_API cx_status cx_scores_key_name(const char **out, const cx_scores *t, size_t key);
/** Label of group @p group in key column @p key (borrowed; valid while @p t lives). */
CX_API cx_status cx_scores_key(const char **out, const cx_scores *t, size_t group, size_t key);
/** Start time (epoch seconds) of the period of group @p group (::CX_ESTATE without a period). */
CX_API cx_status cx_scores_period_start(int64_t *out, const cx_scores *t, size_t group);
/** The accumulator of group @p group (borrowed). */
CX_API cx_status cx_scores_acc(const cx_acc **out, const cx_scores *t, size_t group);

/** Which score a shrinkage or trend works on. */
typedef enum cx_score_kind {
    CX_SCORE_TOP_BOX = 0, /**< share of ratings >= threshold */
    CX_SCORE_MEAN = 1,    /**< mean rating */
    CX_SCORE_NPS = 2      /**< NPS in points with the standard buckets */
} cx_score_kind;

/**
 * Empirical-Bayes shrinkage of per-group scores (e.g. groups = employees), unweighted counts.
 * TOP_BOX: beta-binomial prior fitted by maximum marginal likelihood; shrunk = posterior mean
 * (x + a) / (n + a + b). MEAN and NPS: normal-normal model, between-group variance tau² by the
 * DerSimonian-Laird moment estimator; shrunk = (tau² y + s² m) / (tau² + s²).
 * @param[out] raw,shrunk arrays of cx_scores_groups() entries (raw may be NULL); groups with no
 *             ratings get NaN in both (documented, not an error).
 * @param[out] prior  two prior parameters (a, b for TOP_BOX; m, tau² for MEAN/NPS); may be NULL.
 * @param threshold for TOP_BOX only.
 * @return ::CX_ERANGE when fewer than 2 groups have ratings.
 */
CX_API cx_status cx_scores_shrink(double *raw, double *shrunk, double prior[2], size_t n,
                                  const cx_scores *t, int kind, double threshold);
/**
 * Declare the groups of a table from cx_scores_group_codes() to be calendar periods starting at
 * @p starts (epoch seconds, one per group, n = cx_scores_groups()), so that cx_scores_trend()
 * and cx_scores_period_start() work on it. ::CX_EINVAL for a wrong n or an absent time.
 */
CX_API cx_status cx_scores_set_periods(cx_scores *t, const int64_t *starts, size_t n);

/**
 * Linear trend of a score over time in a table grouped by period only (no other keys, else
 * ::CX_ENOTSUP): weighted least squares of the per-period estimates on the period start in
 * years, with weights 1 / (sampling variance of each estimate: s²/n for means, p(1-p)/n for
 * top-box shares, the multinomial variance for NPS). Periods with fewer than 2 ratings or a zero
 * variance are left out.
 * @param[out] slope   change per year (points per year for NPS, scale units or share for others).
 * @param[out] se      its standard error (may be NULL).
 * @param[out] p_value two-sided z test of slope = 0 (may be NULL).
 * @return ::CX_ERANGE with fewer than 3 usable periods.
 */
CX_API cx_status cx_scores_trend(double *slope, double *se, double *p_value, const cx_scores *t,
                                 int kind, double threshold);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Perception gaps and SERVQUAL */
/** @{ */

/** Result of a paired gap analysis between two ratings of the same contacts. */
typedef struct cx_gap_result {
    unsigned version;                /**< ::CX_GAP_RESULT_VERSION */
    double n;                        /**< pairs with both ratings present */
    double mean_a, mean_b;           /**< mean of each side */
    double gap, lo, hi;              /**< mean of a - b with a t interval */
    double t, p_value;               /**< paired t test of mean(a - b) = 0 (two-sided) */
    double top_a, top_b;             /**< share of each side at or above the "superior" threshold */
    double top_diff, top_lo, top_hi; /**< top_a - top_b, Newcombe interval for paired shares */
    double mcnemar_p;                /**< exact McNemar (binomial) p-value for top_a = top_b */
} cx_gap_result;

#define CX_GAP_RESULT_VERSION 1

/**
 * Perception gap on paired ratings @p a (e.g. the employee's self-rating) and @p b (the
 * customer's rating) of the same contacts. Pairs with a NaN on either side are skipped.
 * @param superior threshold: a rating >= superior counts as "superior" (e.g. 5 on 1..5).
 * @return ::CX_ERANGE with fewer than 2 complete pairs.
 */
CX_API cx_status cx_gap_paired(cx_gap_result *out, const double *a, const double *b, size_t n,
                               double superior, double level);

/**
 * Perception gaps per group of the log (employee self-rating vs customer CSAT by default):
 * one result per group of @p by (a single key field, or -1 for overall).
 * @param[out] out   caller array of @p cap results; *n_groups receives the number of groups
 *                   (::CX_ERANGE if > cap, nothing written; call with cap 0 to size).
 * @param[out] labels caller array of @p cap borrowed labels (may be NULL).
 * Groups with fewer than 2 pairs get n < 2 and NaN statistics (documented).
 */
CX_API cx_status cx_gap_by(cx_gap_result *out, const char **labels, size_t *n_groups, size_t cap,
                           const cx_log *log, int by, double superior, double level);

/** Number of SERVQUAL dimensions. */
#define CX_SERVQUAL_DIMS 5

/**
 * SERVQUAL gap scores. @p p and @p e are respondents x items matrices (row-major, n x k) of
 * perception and expectation ratings; @p dim gives each item's dimension (0 tangibles,
 * 1 reliability, 2 responsiveness, 3 assurance, 4 empathy). @p importance (n x 5, points per
 * dimension, any positive total; NULL for unweighted) weights the dimension gaps per respondent.
 * NaN items are skipped per respondent.
 * @param[out] item_gap  k means of P - E (may be NULL).
 * @param[out] dim_gap   5 means of dimension gaps (NaN for a dimension without items).
 * @param[out] overall   unweighted SERVQUAL (mean of dimension gaps).
 * @param[out] weighted  importance-weighted SERVQUAL (NaN when importance is NULL); may be NULL.
 */
CX_API cx_status cx_servqual(double *item_gap, double dim_gap[CX_SERVQUAL_DIMS], double *overall,
                             double *weighted, const double *p, const double *e, const int *dim,
                             size_t n, size_t k, const double *importance);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Binding-friendly forms: every array comes with its own length (lengths must agree,
 *  an empty weights array means unweighted); results are flat arrays. Used by the Python and
 *  Lua bindings; C callers may prefer the functions above. */
/** @{ */

/** cx_acc_add_array() with separate lengths (n_weights 0: unweighted). */
CX_API cx_status cx_acc_add_columns(cx_acc *acc, const double *ratings, size_t n_ratings,
                                    const double *weights, size_t n_weights);

/** cx_acc_nps() into out[0..8] = nps, se, lo, hi, promoters, passives, detractors, n, n_eff
 *  (@p n_out must be 9), with buckets given as numbers. */
CX_API cx_status cx_acc_nps_values(double *out, size_t n_out, const cx_acc *acc,
                                   double detractor_max, double promoter_min, double level,
                                   int method);

/** cx_scores_group_codes() with separate lengths. */
CX_API cx_status cx_scores_group_columns(cx_scores **out, const int64_t *codes, size_t n_codes,
                                         const double *ratings, size_t n_ratings,
                                         const double *weights, size_t n_weights, size_t n_groups,
                                         int scale_min, int scale_max);

/** cx_scores_group() with the options as arguments: @p by holds n_by field numbers, weights
 *  has cx_log_rows() entries or none; scale 0, 0 for the default. */
CX_API cx_status cx_scores_group_log(cx_scores **out, const cx_log *log, int rating_field,
                                     const int64_t *by, size_t n_by, int period,
                                     const double *weights, size_t n_weights, int scale_min,
                                     int scale_max);

/** cx_scores_shrink() into out = raw (G values), shrunk (G), prior (2): @p n_out = 2G + 2. */
CX_API cx_status cx_scores_shrink_values(double *out, size_t n_out, const cx_scores *t, int kind,
                                         double threshold);

/** cx_gap_paired() into out[0..14] = n, mean_a, mean_b, gap, lo, hi, t, p_value, top_a, top_b,
 *  top_diff, top_lo, top_hi, mcnemar_p (@p n_out must be 14). */
CX_API cx_status cx_gap_paired_values(double *out, size_t n_out, const double *a, size_t n_a,
                                      const double *b, size_t n_b, double superior, double level);

/** cx_servqual() with flat arrays: out = item gaps (k), 5 dimension gaps, overall, weighted
 *  (@p n_out = k + 7); p and e are n x k (n_p = n_e = n * k), dims has k entries (as numbers),
 *  importance n x 5 or empty. */
CX_API cx_status cx_servqual_values(double *out, size_t n_out, const double *p, size_t n_p,
                                    const double *e, size_t n_e, const double *dims, size_t k,
                                    const double *importance, size_t n_importance);
/** @} */

CX_END_DECLS

#endif /* CX_SCORES_H */
