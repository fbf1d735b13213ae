/**
 * @file effects.h
 * @brief Loyalty effects of interactions: logistic regression, satisfaction -> retention zones,
 *        the Wallet Allocation Rule, and log-level analyses (service recovery, moments of truth,
 *        spend response, retention, churn) returning tables.
 *
 * Array-level estimators take columns; log-level analyses take an interaction log (and
 * optionally a transaction log) and derive each customer's later outcomes as docs/effects.md
 * defines (index interaction, windows, churn). Survival estimators are in survival.h.
 */
#ifndef CX_EFFECTS_H
#define CX_EFFECTS_H

#include <cxkit/common.h>
#include <cxkit/errors.h>
#include <cxkit/log.h>

CX_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/** @name Logistic regression */
/** @{ */

/** Opaque fitted logistic regression. */
typedef struct cx_logit cx_logit;

/**
 * Fit logit P(y = 1 | x) = β₀ + βᵀx by Newton-Raphson (IRLS) with step halving, until every
 * Newton step is below 1e-10 (relative).
 *
 * @param[out] out      the model; free with cx_logit_free().
 * @param y             n outcomes in [0, 1]: 0/1, or proportions of successes when @p w holds
 *                      the number of trials (aggregated data).
 * @param x             n × p covariates, row-major, finite (may be NULL when p == 0).
 * @param w             n frequency weights >= 0 (NULL: all 1). Weighting a row by k is the same
 *                      as repeating it k times.
 * @param n             rows; @param p covariates (0..1000).
 * @param add_intercept 1 to add β₀ (coefficient 0 of the results), 0 for none.
 * @return ::CX_OK; ::CX_EINVAL (parameter named); ::CX_ERANGE when y is constant or the data are
 *   perfectly or quasi-completely separated (the MLE does not exist; the message says how many
 *   observations are predicted exactly and which column diverges); ::CX_ESINGULAR for collinear
 *   columns; ::CX_ENOTCONV; ::CX_ENOMEM.
 */
CX_API cx_status cx_logit_fit(cx_logit **out, const double *y, const double *x, const double *w,
                              size_t n, size_t p, int add_intercept);
/** Free a model; a no-op on NULL. */
CX_API void cx_logit_free(cx_logit *m);
/** Number of coefficients (p, plus 1 with an intercept). */
CX_API size_t cx_logit_p(const cx_logit *m);
/**
 * Coefficients (intercept first when fitted), arrays of length @p p == cx_logit_p(); any
 * pointer may be NULL: β, standard error (inverse observed information), Wald interval
 * β ± z·se at @p conf_level, two-sided Wald p-value. Odds ratios are exp of these.
 */
CX_API cx_status cx_logit_coef(double *beta, double *se, double *lower, double *upper,
                               double *p_value, size_t p, const cx_logit *m, double conf_level);
/** Covariance of β (p × p, row-major). */
CX_API cx_status cx_logit_vcov(double *vcov, size_t p, const cx_logit *m);
/** Log-likelihood, null log-likelihood (intercept only; β = 0 without intercept),
 *  likelihood-ratio statistic and p-value, Newton iterations. Any pointer may be NULL. */
CX_API cx_status cx_logit_summary(double *loglik, double *loglik_null, double *lr_chisq,
                                  double *lr_p_value, size_t *iterations, const cx_logit *m);
/** Predicted probabilities for n rows of x (n × p, p without the intercept column). */
CX_API cx_status cx_logit_predict(double *prob, const double *x, size_t n, size_t p,
                                  const cx_logit *m);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Satisfaction -> retention zones */
/** @{ */

/** Result of cx_zones_fit(). Initialise nothing: the call fills it; check @c version. */
typedef struct cx_zones {
    unsigned version;                    /**< ::CX_ZONES_VERSION */
    double knot[2];                      /**< estimated breakpoints k1 < k2 (satisfaction units) */
    double knot_lower[2], knot_upper[2]; /**< profile-likelihood ranges of the candidates */
    double slope[3];                     /**< log-odds slope per satisfaction unit in each zone */
    double slope_lower[3], slope_upper[3];         /**< Wald intervals (knots taken as known) */
    double retention[3];                           /**< observed retention share in each zone */
    double retention_lower[3], retention_upper[3]; /**< Wilson intervals */
    double n[3];                                   /**< observations in each zone */
    double loglik;                                 /**< piecewise model */
    double loglik_linear;                          /**< linear logistic model */
    double lr_chisq, lr_p_value; /**< piecewise vs linear (2 df; approximate, knots searched) */
} cx_zones;

#define CX_ZONES_VERSION 1

/**
 * Locate the defection / indifference / affection zones of the satisfaction -> retention
 * curve: logit P(retain) = a + b₁s + b₂·max(s − k₁, 0) + b₃·max(s − k₂, 0), with the knots
 * chosen by profile likelihood among the interior distinct values of s (at most 19 quantiles
 * when s has more than 21 distinct values). Zones: defection s < k₁, indifference
 * k₁ <= s < k₂, affection s >= k₂.
 *
 * @param[out] out       the result.
 * @param retained       n values 0/1 (proportions allowed with weights).
 * @param satisfaction   n finite satisfaction values (any scale).
 * @param w              n frequency weights or NULL.
 * @param n              rows.
 * @param conf_level     level of the intervals, in (0, 1).
 * @return ::CX_OK; ::CX_EINVAL; ::CX_ERANGE when s has fewer than 4 distinct values or
 *   retention is constant; ::CX_ENOMEM. Candidate knot pairs whose fit separates or is singular
 *   are skipped; ::CX_ERANGE when none is estimable.
 */
CX_API cx_status cx_zones_fit(cx_zones *out, const double *retained, const double *satisfaction,
                              const double *w, size_t n, double conf_level);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Share of wallet: the Wallet Allocation Rule (Keiningham et al. 2011) */
/** @{ */

/**
 * Share of wallet from ranks: SoW = (1 − rank/(N + 1))·(2/N) for a brand ranked @p rank
 * (1 = best; average ranks for ties) among the N brands a customer uses.
 * @param[out] share  n shares.
 * @param rank        n ranks in [1, N].
 * @param n_brands    n values N >= 1 (integers).
 * @return ::CX_OK or ::CX_EINVAL naming the row.
 */
CX_API cx_status cx_wallet_share_from_ranks(double *share, const double *rank,
                                            const double *n_brands, size_t n);

/**
 * Share of wallet from satisfaction (or NPS-type) scores of the brands each customer uses: the
 * rows of one customer share a @p customer value (any order); within a customer, brands are
 * ranked by @p score (higher is better, ties get the average rank) and the rule above applied.
 * The shares of each customer sum to 1.
 * @param[out] share  n shares; @param[out] rank n ranks (may be NULL).
 * @param customer    n customer ids (any finite numbers).
 * @param score       n finite scores.
 */
CX_API cx_status cx_wallet_share_from_scores(double *share, double *rank, const double *customer,
                                             const double *score, size_t n);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Result tables of the log-level analyses */
/** @{ */

/** Opaque result table: named columns, each either text or numbers, plus a title and notes
 *  (e.g. a verdict). Rows and columns are in a documented order per analysis. */
typedef struct cx_effect_table cx_effect_table;

CX_API void cx_effect_table_free(cx_effect_table *t);
CX_API size_t cx_effect_table_rows(const cx_effect_table *t);
CX_API size_t cx_effect_table_cols(const cx_effect_table *t);
/** Column name (borrowed, valid while the table lives); NULL when @p col is out of range. */
CX_API const char *cx_effect_table_col_name(const cx_effect_table *t, size_t col);
/** 1 when the column holds text, 0 when numbers, -1 when out of range. */
CX_API int cx_effect_table_col_is_text(const cx_effect_table *t, size_t col);
/** Index of the column named @p name (::CX_ERANGE if none). */
CX_API cx_status cx_effect_table_find(size_t *col, const cx_effect_table *t, const char *name);
/** One number (NaN marks "not applicable"; documented per analysis). */
CX_API cx_status cx_effect_table_value(double *out, const cx_effect_table *t, size_t row,
                                       size_t col);
/** One text cell into @p text (borrowed, valid while the table lives). */
CX_API cx_status cx_effect_table_text(const char **text, const cx_effect_table *t, size_t row,
                                      size_t col);
/** A whole numeric column into @p out (n == rows). */
CX_API cx_status cx_effect_table_column(double *out, size_t n, const cx_effect_table *t,
                                        size_t col);
/** Title of the table (borrowed, never NULL). */
CX_API const char *cx_effect_table_title(const cx_effect_table *t);
/** Notes: verdicts and definitions used, one per line (borrowed, never NULL, may be ""). */
CX_API const char *cx_effect_table_notes(const cx_effect_table *t);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Log-level analyses (definitions in docs/effects.md) */
/** @{ */

/** Options of the log-level analyses. Initialise with cx_effects_options_init(). */
typedef struct cx_effects_options {
    unsigned version;        /**< ::CX_EFFECTS_OPTIONS_VERSION */
    double window_days;      /**< outcome window W before and after the index contact (90) */
    double churn_gap_days;   /**< inactivity that counts as churn in survival analyses (W) */
    int64_t start_time;      /**< start of observation (::CX_TIME_ABSENT: earliest record) */
    int64_t end_time;        /**< end of observation (::CX_TIME_ABSENT: latest record) */
    double conf_level;       /**< level of every interval (0.95) */
    double negative_below;   /**< CSAT position (0..1 on its scale) below which an experience is
                                  negative (0.4) */
    double positive_from;    /**< position from which it is positive (0.6) */
    int predictor;           /**< ::cx_field whose effect touchpoints/zones measure (CSAT) */
    const char *confounders; /**< comma-separated adjustment variables for recovery (see
                                  docs/effects.md), e.g. "channel,spend_before"; NULL: none */
    const char *covariates;  /**< comma-separated covariates for retention and churn models
                                  (NULL: "csat,attentiveness" where present) */
} cx_effects_options;

#define CX_EFFECTS_OPTIONS_VERSION 1
/** Defaults as documented in ::cx_effects_options. */
CX_API cx_status cx_effects_options_init(cx_effects_options *opts, unsigned version);

/**
 * Per-customer outcomes around each customer's index interaction (the first interaction, inside
 * the eligible period [start + W, end − W], in which @p field is present, and at touchpoint
 * @p touchpoint when not NULL). Columns: customer, index_time, index_row, value, spend_before,
 * spend_after, spend_change, repurchase, retained, nps_after, tenure_days, contacts_before,
 * surv_days, churned (see docs/effects.md). @p tx may be NULL (purchases are then the
 * interactions with spend > 0). @p opts may be NULL (defaults).
 * @return ::CX_OK; ::CX_EINVAL; ::CX_ERANGE when no customer has an eligible index interaction
 *   (the message says why: empty log, field never present, period too short for the window).
 */
CX_API cx_status cx_effects_outcomes(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                     const cx_effects_options *opts, int field,
                                     const char *touchpoint);

/**
 * Service recovery: customers whose index contact (first with `problem` recorded) had no
 * problem, a problem resolved, or a problem not resolved; later repurchase, retention, spend
 * change and NPS compared between the groups. Rows: one per outcome × comparison × method
 * (unadjusted, stratified, regression); columns: outcome, comparison, method, measure, estimate,
 * lower, upper, p_value, n_a, n_b. Notes carry the recovery-paradox verdict per outcome.
 * @return as cx_effects_outcomes(); ::CX_ERANGE when one of the three groups has no customers
 *   (named in the message) — the comparisons involving it are impossible.
 */
CX_API cx_status cx_effects_recovery(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                     const cx_effects_options *opts);

/** Moments of truth: per touchpoint, the effect of the predictor (opts->predictor, scaled to
 *  0..1) at the customer's first contact there on later retention (log-odds) and on spend after
 *  (adjusted for spend before); ranked by the retention effect. */
CX_API cx_status cx_effects_touchpoints(cx_effect_table **out, const cx_log *log,
                                        const cx_txlog *tx, const cx_effects_options *opts);

/** Spend response: share of customers who increase / decrease / keep their spend after a
 *  positive, neutral or negative index experience, with Wilson intervals. */
CX_API cx_status cx_effects_spend(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                  const cx_effects_options *opts);

/** Satisfaction -> retention: logistic regression of retention on opts->covariates at the
 *  index contact (first with the predictor present); one row per term with odds ratios.
 *  Customers lacking a covariate are left out (counted in the notes). */
CX_API cx_status cx_effects_retention(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                      const cx_effects_options *opts);

/** Satisfaction -> retention zones: cx_zones_fit() on the predictor at the index contact; rows
 *  defection, indifference, affection with their ranges (from = -inf for the first zone,
 *  to = +inf for the last), slopes and observed retention. */
CX_API cx_status cx_effects_zones(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                  const cx_effects_options *opts);

/** Churn as survival from the first rated contact: Kaplan-Meier curves (log-log intervals) by
 *  experience segment (negative / neutral / positive), one row per step; the notes give each
 *  segment's median and the log-rank test across the segments that have customers. */
CX_API cx_status cx_effects_churn_curves(cx_effect_table **out, const cx_log *log,
                                         const cx_txlog *tx, const cx_effects_options *opts);

/** Churn: Cox model (Efron ties) of time to churn on opts->covariates, with hazard ratios and
 *  the proportional-hazards test per covariate (global test in the notes).
 *  ::CX_ERANGE when no customer churned (censoring everywhere). */
CX_API cx_status cx_effects_churn(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                  const cx_effects_options *opts);
/** @} */

CX_END_DECLS

#endif /* CX_EFFECTS_H */
