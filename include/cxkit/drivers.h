/**
 * @file drivers.h
 * @brief Key-driver analysis (standardised coefficients, Johnson's relative weights, Shapley /
 *        LMG decomposition of R², dominance analysis, bootstrap intervals), importance-
 *        performance quadrants and Kano classification.
 *
 * Everything is computed from the correlation matrix of (drivers, target), so the cost of the
 * subset enumeration does not depend on the number of rows. Formulas and references:
 * docs/drivers.md.
 */
#ifndef CX_DRIVERS_H
#define CX_DRIVERS_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

CX_BEGIN_DECLS

/** Largest number of drivers for which the exact LMG / dominance enumeration is allowed
 *  (2^p subset R² values are kept: 8 * 2^26 bytes = 512 MiB at the limit). */
#define CX_DRIVERS_EXACT_LIMIT 26

/** Options of cx_drivers_fit(). Initialise with cx_drivers_options_init(). */
typedef struct cx_drivers_options {
    unsigned version; /**< ::CX_DRIVERS_OPTIONS_VERSION */
    size_t exact_max; /**< exact enumeration when p <= exact_max (default 22, at most
                           ::CX_DRIVERS_EXACT_LIMIT); otherwise LMG by sampled permutations */
    size_t samples;   /**< permutations for sampled LMG (default 4000) */
    size_t bootstrap; /**< bootstrap replicates for intervals (default 0: none) */
    double level;     /**< interval level (default 0.95) */
    uint64_t seed;    /**< seed for sampling and bootstrap (default 1) */
} cx_drivers_options;

#define CX_DRIVERS_OPTIONS_VERSION 1
CX_API cx_status cx_drivers_options_init(cx_drivers_options *opts, unsigned version);

/** Opaque key-driver result. */
typedef struct cx_drivers cx_drivers;

/**
 * Fit a key-driver analysis of target @p y on drivers @p x.
 * @param x  n x p drivers, row-major (row i holds the p drivers of respondent i).
 * @param y  n targets.
 * @param w  n survey weights (>= 0, finite) or NULL; used in the (weighted) correlations.
 * Rows with a NaN in y, in any driver or in w are dropped (listwise deletion).
 * @return ::CX_OK; ::CX_EINVAL for p = 0, bad weights or options; ::CX_ERANGE with fewer than
 *         p + 2 complete rows or a zero-variance driver or target (named in the message);
 *         ::CX_ESINGULAR for collinear drivers (the message names one of them).
 */
CX_API cx_status cx_drivers_fit(cx_drivers **out, const double *x, const double *y, const double *w,
                                size_t n, size_t p, const cx_drivers_options *opts);

/**
 * The same from a (p+1) x (p+1) correlation matrix with the target last (e.g. merged from
 * partitions). No bootstrap is possible (::CX_ENOTSUP if opts->bootstrap > 0).
 */
CX_API cx_status cx_drivers_fit_corr(cx_drivers **out, const double *corr, size_t p,
                                     const cx_drivers_options *opts);

CX_API void cx_drivers_free(cx_drivers *d);

/** Number of drivers. */
CX_API size_t cx_drivers_count(const cx_drivers *d);
/** R² of the full model, complete rows used, and whether LMG was exact (1) or sampled (0). */
CX_API cx_status cx_drivers_summary(double *r2, double *n_used, int *exact, const cx_drivers *d);

/** What cx_drivers_get() returns (one value per driver). */
typedef enum cx_driver_measure {
    CX_DRIVER_BETA = 0,  /**< standardised regression coefficient */
    CX_DRIVER_RW = 1,    /**< Johnson's relative weight ε_j (sums to R²) */
    CX_DRIVER_LMG = 2,   /**< Shapley / LMG share of R² (= general dominance; sums to R²) */
    CX_DRIVER_FIRST = 3, /**< r² with the target alone (C^(0)) */
    CX_DRIVER_LAST = 4,  /**< R² increase when entered last (C^(p-1)) */
    CX_DRIVER_RW_LO = 5, /**< bootstrap percentile limits (need opts->bootstrap > 0) */
    CX_DRIVER_RW_HI = 6,
    CX_DRIVER_LMG_LO = 7,
    CX_DRIVER_LMG_HI = 8,
    CX_DRIVER_BETA_LO = 9,
    CX_DRIVER_BETA_HI = 10
} cx_driver_measure;

/** One measure for every driver into @p out (p values). ::CX_ESTATE for bootstrap limits
 *  without bootstrap, ::CX_ESTATE for FIRST/LAST when LMG was sampled. */
CX_API cx_status cx_drivers_get(double *out, size_t p, const cx_drivers *d, int measure);

/** Conditional dominance: out[j * p + k] = mean R² gain of driver j over subsets of size k;
 *  @p n_out must be p * p (exact enumeration only, else ::CX_ESTATE). */
CX_API cx_status cx_drivers_conditional(double *out, size_t n_out, const cx_drivers *d);

/** Complete dominance: out[i * p + j] = 1 if i completely dominates j, -1 if j dominates i,
 *  0 otherwise (exact enumeration only). */
CX_API cx_status cx_drivers_complete(int *out, size_t p, const cx_drivers *d);

/* ------------------------------------------------------------------------------------------ */

/** Importance-performance quadrant (Martilla & James 1977). */
typedef enum cx_ipa_quadrant {
    CX_IPA_CONCENTRATE = 1,  /**< high importance, low performance: "Concentrate here" */
    CX_IPA_KEEP_UP = 2,      /**< high, high: "Keep up the good work" */
    CX_IPA_LOW_PRIORITY = 3, /**< low, low */
    CX_IPA_OVERKILL = 4      /**< low importance, high performance: "Possible overkill" */
} cx_ipa_quadrant;

/**
 * Quadrant of each attribute. Cross-hairs at @p importance_cut and @p performance_cut; pass NaN
 * for either to use the mean over the attributes. Values equal to a cut count as high.
 */
CX_API cx_status cx_ipa_quadrants(int *quadrant, const double *importance,
                                  const double *performance, size_t p, double importance_cut,
                                  double performance_cut);

/** Kano answer codes (1 like ... 5 dislike) and categories. */
typedef enum cx_kano_category {
    CX_KANO_A = 0, /**< attractive */
    CX_KANO_O = 1, /**< one-dimensional (performance) */
    CX_KANO_M = 2, /**< must-be */
    CX_KANO_I = 3, /**< indifferent */
    CX_KANO_R = 4, /**< reverse */
    CX_KANO_Q = 5  /**< questionable */
} cx_kano_category;

/**
 * Classify answer pairs with the Berger / Sauerwein evaluation table. Answers are 1 like,
 * 2 must-be, 3 neutral, 4 live with, 5 dislike; NaN pairs get -1.
 */
CX_API cx_status cx_kano_classify(int *category, const double *functional,
                                  const double *dysfunctional, size_t n);

/** Kano summary of one feature. */
typedef struct cx_kano_result {
    unsigned version; /**< ::CX_KANO_RESULT_VERSION */
    double counts[6]; /**< tallies by ::cx_kano_category */
    int category;     /**< the mode; ties broken M > O > A > I > R > Q (Berger et al.) */
    int mixed;        /**< 1 when the Fong test cannot separate the top two categories */
    double better;    /**< (A + O) / (A + O + M + I) */
    double worse;     /**< -(O + M) / (A + O + M + I) */
} cx_kano_result;

#define CX_KANO_RESULT_VERSION 1

/** Summarise one feature's answer pairs (::CX_ERANGE when no pair is complete). */
CX_API cx_status cx_kano_feature(cx_kano_result *out, const double *functional,
                                 const double *dysfunctional, size_t n);

/* ------------------------------------------------------------------------------------------ */
/** @name Binding-friendly forms: each array with its own length, flat numeric results. */
/** @{ */

/** cx_drivers_fit() with x as n x p row-major (n_x = n * p), y (n_y = n), w (n_w = n or 0). */
CX_API cx_status cx_drivers_fit_columns(cx_drivers **out, const double *x, size_t n_x,
                                        const double *y, size_t n_y, const double *w, size_t n_w,
                                        size_t p, const cx_drivers_options *opts);
/** cx_drivers_complete() as doubles (1, -1, 0) into out (n_out = p * p). */
CX_API cx_status cx_drivers_complete_values(double *out, size_t n_out, const cx_drivers *d);
/** cx_kano_classify() as doubles (-1 for incomplete pairs); n_out = n_f = n_d. */
CX_API cx_status cx_kano_classify_values(double *out, size_t n_out, const double *functional,
                                         size_t n_f, const double *dysfunctional, size_t n_d);
/** cx_kano_feature() into out[0..9] = counts A O M I R Q, category, mixed, better, worse. */
CX_API cx_status cx_kano_feature_values(double *out, size_t n_out, const double *functional,
                                        size_t n_f, const double *dysfunctional, size_t n_d);
/** cx_ipa_quadrants() as doubles; n_out = n_i = n_p. */
CX_API cx_status cx_ipa_quadrants_values(double *out, size_t n_out, const double *importance,
                                         size_t n_i, const double *performance, size_t n_p,
                                         double importance_cut, double performance_cut);
/** @} */

CX_END_DECLS

#endif /* CX_DRIVERS_H */
