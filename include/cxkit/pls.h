/**
 * @file pls.h
 * @brief PLS path modelling (PLS-PM / PLS-SEM) for satisfaction-index models (ACSI, ECSI).
 *
 * A model names constructs, the indicator columns that measure them and the structural paths
 * between them. It is written in the lavaan-style syntax that cSEM and lavaan users know
 *
 *     Satisfaction =~ CUSA1 + CUSA2 + CUSA3    # mode A (correlation weights, "reflective")
 *     Value        <~ PERV1 + PERV2            # mode B (regression weights, "formative")
 *     Loyalty      ~  Satisfaction + Image     # structural paths Satisfaction -> Loyalty, ...
 *
 * or built with cx_pls_model_add_construct(), cx_pls_model_add_indicator() and
 * cx_pls_model_add_path(). Estimation (cx_pls_fit_estimate()) is the classic PLS-PM algorithm of
 * Lohmoeller as implemented by seminr 2.3.1 (`composite()`, default options) and SmartPLS's PLS
 * algorithm; docs/pls.md states every definition (standardisation, stop criterion, quality
 * criteria) so that results can be compared with those tools to 1e-6 and better.
 *
 * Index conventions used by every getter: constructs in the order of their first declaration
 * (0 .. C-1); indicators in the order they were added (block after block for parsed syntax, 0 ..
 * K-1); C x C matrices are row-major with rows = "from" and columns = "to". Entries that are not
 * defined (R^2 of an exogenous construct, the VIF of a path that does not exist) are NaN, as
 * documented per getter.
 */
#ifndef CX_PLS_H
#define CX_PLS_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

CX_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/** @name Model specification */
/** @{ */

/** Opaque model: constructs, their indicators and modes, and the structural paths. */
typedef struct cx_pls_model cx_pls_model;

/** How a construct's outer weights are estimated. */
typedef enum cx_pls_mode {
    CX_PLS_MODE_A = 0, /**< correlation weights (`=~`); "reflective" in SmartPLS. */
    CX_PLS_MODE_B = 1  /**< regression weights (`<~`); "formative". */
} cx_pls_mode;

/** Create an empty model. @return ::CX_OK or ::CX_ENOMEM. */
CX_API cx_status cx_pls_model_new(cx_pls_model **out);

/** Free a model; NULL-safe. */
CX_API void cx_pls_model_free(cx_pls_model *model);

/**
 * Parse lavaan-style model syntax.
 *
 * Statements are `LHS =~ a + b` (mode A block), `LHS <~ a + b` (mode B block) and
 * `LHS ~ A + B` (paths A -> LHS, B -> LHS); one per line or separated by `;`; a line that ends
 * in `+` continues on the next; `#` starts a comment. Names are letters, digits, `_` and `.`,
 * not starting with a digit. A construct may be measured once; an indicator may belong to only
 * one construct.
 *
 * @param[out] out     the model (free with cx_pls_model_free()).
 * @param syntax       NUL-terminated model text.
 * @param source_name  file name used in error messages (may be NULL).
 * @return ::CX_OK; ::CX_EPARSE with line and column (cx_error_last()) for malformed text, a
 *         construct measured twice, an indicator in two blocks, a path to a construct with no
 *         indicators, a self-loop or a cycle in the inner model (the message names a construct
 *         on the cycle); ::CX_ENOMEM.
 */
CX_API cx_status cx_pls_model_parse(cx_pls_model **out, const char *syntax,
                                    const char *source_name);

/**
 * Declare a construct. @return ::CX_OK, ::CX_EINVAL (bad name, already declared, bad mode).
 */
CX_API cx_status cx_pls_model_add_construct(cx_pls_model *model, const char *name,
                                            cx_pls_mode mode);

/** Add indicator (data column name) @p indicator to @p construct (declared before).
 *  @return ::CX_OK or ::CX_EINVAL naming the construct or the indicator. */
CX_API cx_status cx_pls_model_add_indicator(cx_pls_model *model, const char *construct,
                                            const char *indicator);

/** Add the structural path @p from -> @p to (both declared).
 *  @return ::CX_OK or ::CX_EINVAL (unknown name, self-loop, duplicate, would create a cycle). */
CX_API cx_status cx_pls_model_add_path(cx_pls_model *model, const char *from, const char *to);

/** Number of constructs C. */
CX_API size_t cx_pls_model_n_constructs(const cx_pls_model *model);
/** Number of indicators K (all blocks). */
CX_API size_t cx_pls_model_n_indicators(const cx_pls_model *model);
/** Name of construct @p i, or NULL when out of range. Owned by the model. */
CX_API const char *cx_pls_model_construct_name(const cx_pls_model *model, size_t i);
/** Name of indicator @p k, or NULL when out of range. Owned by the model. */
CX_API const char *cx_pls_model_indicator_name(const cx_pls_model *model, size_t k);
/** Construct (0 .. C-1) that indicator @p k measures; (size_t)-1 when out of range. */
CX_API size_t cx_pls_model_indicator_construct(const cx_pls_model *model, size_t k);
/** Mode of construct @p i (::CX_PLS_MODE_A when out of range). */
CX_API cx_pls_mode cx_pls_model_construct_mode(const cx_pls_model *model, size_t i);
/** 1 if the path @p from -> @p to (construct indices) exists, else 0. */
CX_API int cx_pls_model_has_path(const cx_pls_model *model, size_t from, size_t to);
/** Index of construct @p name, or (size_t)-1. */
CX_API size_t cx_pls_model_find_construct(const cx_pls_model *model, const char *name);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Data */
/** @{ */

/** Opaque data set: named numeric columns of equal length, optional survey weights. */
typedef struct cx_pls_data cx_pls_data;

/** Create a data set of @p n_rows rows (>= 1). @return ::CX_OK, ::CX_EINVAL, ::CX_ENOMEM. */
CX_API cx_status cx_pls_data_new(cx_pls_data **out, size_t n_rows);
/** Free a data set; NULL-safe. */
CX_API void cx_pls_data_free(cx_pls_data *data);
/**
 * Add a column (copied). NaN marks a missing value; so does the options' missing code.
 * @return ::CX_OK; ::CX_EINVAL if @p n differs from the data's row count or the name is taken.
 */
CX_API cx_status cx_pls_data_add_column(cx_pls_data *data, const char *name, const double *xs,
                                        size_t n);
/**
 * Set survey (sampling) weights, one per row, finite and >= 0 with a positive sum. Weighted PLS
 * (Becker & Ismail 2016): weighted means, standard deviations and correlations throughout the
 * estimation, the quality criteria, the index and the bootstrap. Weights are normalised to mean
 * 1 so that equal weights give exactly the unweighted results.
 */
CX_API cx_status cx_pls_data_set_weights(cx_pls_data *data, const double *ws, size_t n);
/** Use column @p name as the survey weights (as cx_pls_data_set_weights(); a missing value is
 *  an error naming the column). @return ::CX_OK or ::CX_EINVAL naming the column. */
CX_API cx_status cx_pls_data_set_weights_column(cx_pls_data *data, const char *name);
/** Number of rows. */
CX_API size_t cx_pls_data_n_rows(const cx_pls_data *data);
/** Number of columns. */
CX_API size_t cx_pls_data_n_columns(const cx_pls_data *data);
/** Name of column @p i, or NULL when out of range (owned by the data). */
CX_API const char *cx_pls_data_column_name(const cx_pls_data *data, size_t i);

/**
 * Read a numeric CSV file of survey data: a header line of column names, then one row per
 * respondent; comma-separated, optional double quotes around fields (`""` inside quotes is a
 * quote), CRLF or LF, an optional UTF-8 byte-order mark. Empty fields and `NA` are missing (NaN);
 * any other field must be a number.
 * @return ::CX_OK; ::CX_EIO if the file cannot be read; ::CX_EPARSE with file, line and column
 *         (field number) for a non-numeric field, a row with the wrong number of fields, a
 *         duplicate or empty column name, or no data rows; ::CX_ENOMEM.
 */
CX_API cx_status cx_pls_data_read_csv(cx_pls_data **out, const char *path);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Estimation */
/** @{ */

/** Inner weighting scheme. */
typedef enum cx_pls_scheme {
    CX_PLS_SCHEME_PATH = 0,      /**< regression on predecessors, correlation with successors. */
    CX_PLS_SCHEME_FACTORIAL = 1, /**< correlation with every adjacent construct. */
    CX_PLS_SCHEME_CENTROID = 2   /**< sign of the correlation with every adjacent construct. */
} cx_pls_scheme;

/** Treatment of missing values (NaN or the missing code). */
typedef enum cx_pls_missing {
    CX_PLS_MISSING_MEAN = 0,    /**< replace by the (weighted) column mean; seminr's default. */
    CX_PLS_MISSING_CASEWISE = 1 /**< drop every row with a missing model indicator. */
} cx_pls_missing;

/** Estimation options; initialise with cx_pls_options_init(). */
typedef struct cx_pls_options {
    cx_pls_scheme scheme;   /**< default ::CX_PLS_SCHEME_PATH. */
    int max_iter;           /**< passes after the first (seminr maxIt), default 300, >= 0. */
    double tolerance;       /**< stop when sum |w_new - w_old| over all weights < this; 1e-7. */
    int consistent;         /**< 1: PLSc for mode A constructs (Dijkstra & Henseler 2015). */
    cx_pls_missing missing; /**< default ::CX_PLS_MISSING_MEAN. */
    int use_missing_code;   /**< 1: values equal to missing_code are missing too. */
    double missing_code;    /**< e.g. -99. */
    double scale_min;       /**< lowest scale point for the 0-100 index; NaN = observed min. */
    double scale_max;       /**< highest scale point; NaN = observed maximum per indicator. */
} cx_pls_options;

/** Fill @p opt with the defaults listed above (scale_min/scale_max NaN). */
CX_API void cx_pls_options_init(cx_pls_options *opt);

/** Opaque estimation result (keeps a copy of the model and of the prepared data). */
typedef struct cx_pls_fit cx_pls_fit;

/**
 * Estimate a PLS path model.
 *
 * The model's indicator columns are taken from @p data, missing values are handled as
 * requested, indicators are standardised with the (weighted) mean and the sample standard
 * deviation (n - 1), and the PLS iteration runs on the K x K indicator correlation matrix.
 *
 * @return ::CX_OK; ::CX_EINVAL naming an indicator that is not a column of @p data, a constant
 *         or entirely missing indicator, or a bad option; ::CX_ERANGE when fewer rows remain than
 *         needed; ::CX_ESINGULAR naming the block or construct whose correlation matrix is
 *         singular; ::CX_ENOTCONV when the weights did not converge within max_iter passes
 *         (never a silent result); ::CX_ENOMEM.
 */
CX_API cx_status cx_pls_fit_estimate(cx_pls_fit **out, const cx_pls_model *model,
                                     const cx_pls_data *data, const cx_pls_options *opt);

/** Free a fit; NULL-safe. */
CX_API void cx_pls_fit_free(cx_pls_fit *fit);

/** The fit's model (owned by the fit). */
CX_API const cx_pls_model *cx_pls_fit_model(const cx_pls_fit *fit);

/** Summary numbers of a fit. */
typedef struct cx_pls_fit_info {
    size_t n_rows;          /**< rows in the data. */
    size_t n_used;          /**< rows used (after casewise deletion). */
    size_t n_missing_cells; /**< missing model-indicator values found (NaN or the code). */
    size_t n_rows_dropped;  /**< rows removed by casewise deletion. */
    int iterations;         /**< 0-based index of the converging pass (seminr's `iterations`). */
    double weight_change;   /**< final sum |w_new - w_old|. */
    int consistent;         /**< 1 if PLSc corrections were applied. */
} cx_pls_fit_info;

/** Fill @p out with the fit summary. */
CX_API cx_status cx_pls_fit_get_info(cx_pls_fit_info *out, const cx_pls_fit *fit);

/**
 * Copy a result array into @p out (capacity @p n; must be at least the size stated).
 *
 * | getter | size | content |
 * |---|---|---|
 * | outer_weights | K | weights scaling each composite to unit variance |
 * | loadings | K | correlation of each indicator with its own construct (PLSc: corrected) |
 * | cross_loadings | K x C | correlation of every indicator with every construct score |
 * | paths | C x C | path coefficients, 0 where there is no path |
 * | rsquared, adj_rsquared | C | NaN for exogenous constructs |
 * | total_effects, indirect_effects | C x C | (I - B)^-1 - I and total minus direct |
 * | construct_correlations | C x C | correlations of the construct scores (PLSc: corrected) |
 * | scores | n_used x C | standardised construct scores, row-major |
 *
 * @return ::CX_OK or ::CX_EINVAL naming @p n when it is too small.
 */
CX_API cx_status cx_pls_fit_outer_weights(double *out, size_t n, const cx_pls_fit *fit);
/** Loadings (K): correlation of each indicator with its construct (PLSc-corrected if asked). */
CX_API cx_status cx_pls_fit_loadings(double *out, size_t n, const cx_pls_fit *fit);
/** Cross-loadings (K x C): correlation of every indicator with every construct score. */
CX_API cx_status cx_pls_fit_cross_loadings(double *out, size_t n, const cx_pls_fit *fit);
/** Path coefficients (C x C, from x to), 0 where there is no path. */
CX_API cx_status cx_pls_fit_paths(double *out, size_t n, const cx_pls_fit *fit);
/** R^2 per construct (C), NaN for exogenous constructs. */
CX_API cx_status cx_pls_fit_rsquared(double *out, size_t n, const cx_pls_fit *fit);
/** Adjusted R^2 = 1 - (1 - R^2)(n - 1)/(n - k - 1) per construct (C), NaN for exogenous ones. */
CX_API cx_status cx_pls_fit_adj_rsquared(double *out, size_t n, const cx_pls_fit *fit);
/** Total effects (C x C): (I - B)^-1 - I. */
CX_API cx_status cx_pls_fit_total_effects(double *out, size_t n, const cx_pls_fit *fit);
/** Indirect effects (C x C): total minus direct. */
CX_API cx_status cx_pls_fit_indirect_effects(double *out, size_t n, const cx_pls_fit *fit);
/** Construct correlations (C x C; PLSc-corrected if asked). */
CX_API cx_status cx_pls_fit_construct_correlations(double *out, size_t n, const cx_pls_fit *fit);
/** Standardised construct scores (n_used x C, row-major). */
CX_API cx_status cx_pls_fit_scores(double *out, size_t n, const cx_pls_fit *fit);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Quality criteria (definitions in docs/pls.md, identical to seminr 2.3.1) */
/** @{ */

/**
 * Reliability per construct, C x 4 row-major: (standardised Cronbach's alpha, rho_A of Dijkstra
 * & Henseler (1 for mode B and single items), composite reliability rho_C, AVE).
 */
CX_API cx_status cx_pls_fit_reliability(double *out, size_t n, const cx_pls_fit *fit);
/** HTMT (absolute item correlations, as seminr), C x C symmetric, diagonal 1. */
CX_API cx_status cx_pls_fit_htmt(double *out, size_t n, const cx_pls_fit *fit);
/** Fornell-Larcker matrix, C x C: sqrt(AVE) on the diagonal, construct correlations off it. */
CX_API cx_status cx_pls_fit_fornell_larcker(double *out, size_t n, const cx_pls_fit *fit);
/** VIF of each indicator within its block, size K (1 for single items). */
CX_API cx_status cx_pls_fit_vif_outer(double *out, size_t n, const cx_pls_fit *fit);
/** VIF of each antecedent of each target, C x C (from, to); 1 for a lone antecedent, NaN where
 *  there is no path. */
CX_API cx_status cx_pls_fit_vif_inner(double *out, size_t n, const cx_pls_fit *fit);
/**
 * Cohen's f^2 of every path, C x C (NaN where there is no path): the whole model is
 * re-estimated without the path (weights change too, as in seminr) and
 * f^2 = (R^2_in - R^2_out) / (1 - R^2_in).
 * @return ::CX_OK, or the status of a failing re-estimation (message names the path).
 */
CX_API cx_status cx_pls_fit_fsquare(double *out, size_t n, const cx_pls_fit *fit);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Index scores (ACSI-style 0-100), unstandardised scores, IPMA */
/** @{ */

/**
 * Unstandardised outer weights, size K: w_k / sd_k rescaled to sum 1 within each block
 * (the ACSI "rescaled weights"). ::CX_ERANGE naming the construct if a block's sum is 0.
 */
CX_API cx_status cx_pls_fit_unstd_weights(double *out, size_t n, const cx_pls_fit *fit);
/**
 * Index per respondent, n_used x C row-major:
 * I = 100 (sum_k v_k x_k - sum_k v_k min_k) / (sum_k v_k max_k - sum_k v_k min_k)
 * with v the unstandardised weights and min/max the scale ends (options or observed).
 */
CX_API cx_status cx_pls_fit_index_scores(double *out, size_t n, const cx_pls_fit *fit);
/** Unstandardised construct scores, n_used x C: sum_k v_k x_k with the unstandardised weights
 *  (a weighted average of the block's items, on the items' own scale). */
CX_API cx_status cx_pls_fit_unstd_scores(double *out, size_t n, const cx_pls_fit *fit);
/** Index per construct, size C: the (weighted) mean of the respondent indices. */
CX_API cx_status cx_pls_fit_index(double *out, size_t n, const cx_pls_fit *fit);
/**
 * Index per segment and construct, n_segments x C row-major. @p segments holds one label in
 * 0 .. n_segments-1 per data row (n_rows of the data, not n_used); rows dropped by casewise
 * deletion are skipped. A segment with no rows is ::CX_ERANGE naming it.
 */
CX_API cx_status cx_pls_fit_index_segments(double *out, size_t n, const cx_pls_fit *fit,
                                           const int64_t *segments, size_t n_labels,
                                           size_t n_segments);
/**
 * Importance-performance map for construct @p target, C x 2 row-major: (importance,
 * performance) per construct. Importance = total effect on the target in index units
 * (standardised total effect x sd(index target) / sd(index i)), 0 when i does not affect the
 * target; performance = mean index of i.
 */
CX_API cx_status cx_pls_fit_ipma(double *out, size_t n, const cx_pls_fit *fit, size_t target);
/** Data row (0-based) of each used row, size n_used (casewise deletion drops rows). */
CX_API cx_status cx_pls_fit_used_rows(int64_t *out, size_t n, const cx_pls_fit *fit);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Bootstrap */
/** @{ */

/** Sign-change correction applied to each replicate before summaries. */
typedef enum cx_pls_sign_change {
    CX_PLS_SIGN_NONE = 0,      /**< none (seminr, SmartPLS). */
    CX_PLS_SIGN_CONSTRUCT = 1, /**< flip a construct when its loadings agree better flipped. */
    CX_PLS_SIGN_INDIVIDUAL = 2 /**< every estimate takes the sign of the original estimate. */
} cx_pls_sign_change;

/** Bootstrap options; initialise with cx_pls_boot_options_init(). */
typedef struct cx_pls_boot_options {
    size_t n_boot;                  /**< resamples, default 5000. */
    uint64_t seed;                  /**< replicate b uses cx_rng stream (seed, b); default 1. */
    int n_threads;                  /**< 0 = all online cores; results do not depend on it. */
    cx_pls_sign_change sign_change; /**< default ::CX_PLS_SIGN_NONE. */
    double level;                   /**< confidence level of the intervals, default 0.95. */
    int bca;                        /**< 1 (default): BCa intervals (needs n jackknife fits). */
    int fsquare; /**< 1: also bootstrap f^2 (::CX_PLS_STAT_FSQUARE): one re-estimation per path
                      and replicate, so the run costs about (1 + paths) times more; default 0. */
} cx_pls_boot_options;

/** Fill @p opt with the defaults listed above. */
CX_API void cx_pls_boot_options_init(cx_pls_boot_options *opt);

/** Opaque bootstrap result. */
typedef struct cx_pls_boot cx_pls_boot;

/** Families of bootstrapped estimates; (i, j) index them as in the fit getters. */
typedef enum cx_pls_stat {
    CX_PLS_STAT_WEIGHT = 0,          /**< i = indicator. */
    CX_PLS_STAT_LOADING = 1,         /**< i = indicator. */
    CX_PLS_STAT_PATH = 2,            /**< i = from, j = to. */
    CX_PLS_STAT_TOTAL_EFFECT = 3,    /**< i = from, j = to. */
    CX_PLS_STAT_RSQUARED = 4,        /**< i = construct (endogenous). */
    CX_PLS_STAT_INDEX = 5,           /**< i = construct: mean 0-100 index. */
    CX_PLS_STAT_HTMT = 6,            /**< i < j constructs. */
    CX_PLS_STAT_SEGMENT_INDEX = 7,   /**< i = segment, j = construct (cx_pls_bootstrap_segments). */
    CX_PLS_STAT_INDIRECT_EFFECT = 8, /**< i = from, j = to: total minus direct. */
    CX_PLS_STAT_RHO_A = 9,           /**< i = construct. */
    CX_PLS_STAT_RHO_C = 10,          /**< i = construct (from the replicate's loadings). */
    CX_PLS_STAT_AVE = 11,            /**< i = construct (from the replicate's loadings). */
    CX_PLS_STAT_ALPHA = 12,          /**< i = construct: standardised Cronbach's alpha. */
    CX_PLS_STAT_ADJ_RSQUARED = 13,   /**< i = construct (endogenous). */
    CX_PLS_STAT_CONSTRUCT_CORR = 14, /**< i, j constructs (PLSc-corrected if asked). */
    CX_PLS_STAT_FORNELL_LARCKER = 15, /**< i, j: sqrt(AVE) if i == j, else construct correlation. */
    CX_PLS_STAT_VIF_INNER = 16,       /**< i = from, j = to: VIF of antecedent i of target j. */
    CX_PLS_STAT_FSQUARE = 17          /**< i = from, j = to; only with options.fsquare = 1. A
                                           replicate whose re-estimation without the path fails
                                           has no value for it (skipped, as NaN). */
} cx_pls_stat;

/**
 * Resample the fit's rows (with their survey weights) @p opt->n_boot times and re-estimate
 * each replicate on all cores. Replicate b draws its rows from cx_rng(seed, b), so results are
 * bit-identical for a seed whatever the thread count. A replicate that fails (constant item in
 * the resample, singular matrix, no convergence) is dropped and counted, never averaged in.
 * @return ::CX_OK; ::CX_EINVAL for bad options; ::CX_ERANGE when fewer than 2 replicates
 *         succeed; ::CX_ENOMEM.
 */
CX_API cx_status cx_pls_bootstrap(cx_pls_boot **out, const cx_pls_fit *fit,
                                  const cx_pls_boot_options *opt);
/**
 * cx_pls_bootstrap() that also bootstraps the index of every construct per segment
 * (::CX_PLS_STAT_SEGMENT_INDEX): @p segments holds one label in 0 .. n_segments-1 per data row
 * (as cx_pls_fit_index_segments()). A replicate that draws no row of a segment has no value for
 * that segment; summaries use the replicates that do.
 * @return as cx_pls_bootstrap(); ::CX_EINVAL for bad labels.
 */
CX_API cx_status cx_pls_bootstrap_segments(cx_pls_boot **out, const cx_pls_fit *fit,
                                           const cx_pls_boot_options *opt, const int64_t *segments,
                                           size_t n_labels, size_t n_segments);
/** Free a bootstrap result; NULL-safe. */
CX_API void cx_pls_boot_free(cx_pls_boot *boot);

/** Counts of a bootstrap run. */
typedef struct cx_pls_boot_info {
    size_t n_requested;       /**< replicates asked for. */
    size_t n_ok;              /**< replicates used. */
    size_t n_failed;          /**< replicates dropped (sum of the three below). */
    size_t n_failed_constant; /**< an indicator was constant in the resample. */
    size_t n_failed_singular; /**< a singular correlation matrix. */
    size_t n_failed_notconv;  /**< no convergence. */
    int threads_used;         /**< threads that ran. */
} cx_pls_boot_info;

/** Fill @p out with the counts. */
CX_API cx_status cx_pls_boot_get_info(cx_pls_boot_info *out, const cx_pls_boot *boot);

/** Bootstrap summary of one estimate. */
typedef struct cx_pls_boot_summary {
    double original; /**< estimate on the full sample. */
    double mean;     /**< mean of the replicates. */
    double sd;       /**< standard error: sd of the replicates (n_ok - 1). */
    double t;        /**< original / sd (NaN if sd <= 1e-12 |original|: a constant estimate). */
    double pct_lo;   /**< percentile interval (quantile type 7, as R). */
    double pct_hi;
    double bca_lo; /**< BCa interval (Efron 1987; jackknife acceleration); NaN if bca = 0. */
    double bca_hi;
    size_t n; /**< replicates with a value for this estimate (NaN ones are skipped). */
} cx_pls_boot_summary;

/**
 * Summary of estimate (@p stat, @p i, @p j); @p j is ignored for per-indicator and
 * per-construct families. Entries without an estimate (no path, exogenous R^2) summarise to
 * NaN with n = 0. @return ::CX_OK or ::CX_EINVAL naming the index out of range, or naming
 * `fsquare` when ::CX_PLS_STAT_FSQUARE is asked of a run made without options.fsquare.
 */
CX_API cx_status cx_pls_boot_get_summary(cx_pls_boot_summary *out, const cx_pls_boot *boot,
                                         cx_pls_stat stat, size_t i, size_t j);
/**
 * Specific indirect effect along @p chain (construct indices from, mediator(s), to; at least 3,
 * each consecutive pair a path of the model): the product of its path coefficients.
 * @return ::CX_OK or ::CX_EINVAL naming the missing path or the bad entry.
 */
CX_API cx_status cx_pls_fit_specific_indirect(double *out, const cx_pls_fit *fit,
                                              const int64_t *chain, size_t n_chain);
/**
 * Bootstrap summary of a specific indirect effect (the product of each replicate's paths; BCa
 * from the jackknife products). @p fit is the fit the bootstrap was made from.
 */
CX_API cx_status cx_pls_boot_specific_indirect(cx_pls_boot_summary *out, const cx_pls_boot *boot,
                                               const cx_pls_fit *fit, const int64_t *chain,
                                               size_t n_chain);
/** The n_ok replicate values of estimate (@p stat, @p i, @p j) into @p out (capacity @p n);
 *  NaN where a replicate has no value (a segment not drawn). */
CX_API cx_status cx_pls_boot_get_replicates(double *out, size_t n, const cx_pls_boot *boot,
                                            cx_pls_stat stat, size_t i, size_t j);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name PLSpredict */
/** @{ */

/** Columns of a cx_pls_predict() row. */
enum {
    CX_PLS_PRED_PLS_RMSE = 0, /**< PLS prediction ("earliest antecedents"), indicator units. */
    CX_PLS_PRED_PLS_MAE = 1,
    CX_PLS_PRED_LM_RMSE = 2, /**< linear benchmark: OLS of the item on all exogenous items. */
    CX_PLS_PRED_LM_MAE = 3,
    CX_PLS_PRED_Q2 = 4, /**< Q^2_predict = 1 - SSE(PLS) / SSE(training mean). */
    CX_PLS_PRED_COLUMNS = 5
};

/**
 * PLSpredict (Shmueli et al. 2016, 2019): k-fold cross-validation; in each fold the model is
 * estimated on the other folds, the exogenous constructs' scores of the held-out rows are formed
 * with the training weights, means and sds, the endogenous scores predicted through the
 * structural model and the indicators through the loadings. Folds come from a random
 * permutation drawn from cx_rng(seed, 0): position i of the permutation goes to fold i mod k.
 * @param[out] out  K x ::CX_PLS_PRED_COLUMNS row-major; rows of indicators of exogenous
 *                  constructs (which are not predicted) are NaN.
 * @return ::CX_OK; ::CX_EINVAL (k_folds < 2 or more folds than rows, n too small); the status of
 *         a failing fold estimation (message names the fold).
 */
CX_API cx_status cx_pls_predict(double *out, size_t n, const cx_pls_fit *fit, int k_folds,
                                uint64_t seed);
/** @} */

CX_END_DECLS

#endif /* CX_PLS_H */
