/**
 * @file clv.h
 * @brief Customer-base ("buy till you die") models and customer lifetime value.
 *
 * Two parts:
 *  - the RFM summary (::cx_rfm): frequency, recency, age T and mean repeat spend per customer,
 *    built from a ::cx_txlog with the definitions of lifetimes'
 *    `summary_data_from_transaction_data` / `calibration_and_holdout_data` (docs/clv.md);
 *  - the models (::cx_clv_model): BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, shifted-beta-geometric and
 *    Gamma-Gamma, fitted by maximum likelihood on log-parameters, with standard errors,
 *    predictions (expected purchases, P(alive), DERT, spend, CLV) and samplers.
 *
 * Data cross the API as columns. What the three data columns `x`, `tx`, `T` mean depends on the
 * model (docs/clv.md has the table):
 *
 * | model | x | tx | T |
 * | --- | --- | --- | --- |
 * | BG/NBD, MBG/NBD, Pareto/NBD | repeat purchases (integer >= 0) | recency (0 <= tx <= T, 0 if x =
 * 0) | age (>= 0; 0 only with x = 0: likelihood 1, a new customer) | | BG/BB | periods with a
 * purchase (integer) | last such period (integer, x <= tx
 * <= T, 0 if x = 0) | opportunities n (integer >= 0) | | sBG | periods survived (integer >= 1 if
 * churned, >= 0 if still active) | 1 churned in period x, 0 still active after x periods | unused
 * (may be NULL) | | Gamma-Gamma | repeat purchases (integer >= 1) | mean spend of those purchases
 * (> 0) | unused (may be NULL) |
 *
 * Time is in the unit of the summary (e.g. weeks); scale parameters (alpha, beta, gamma) are in
 * that unit too.
 */
#ifndef CX_CLV_H
#define CX_CLV_H

#include <cxkit/common.h>
#include <cxkit/errors.h>
#include <cxkit/log.h>
#include <cxkit/rng.h>

CX_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/** @name RFM summaries */
/** @{ */

/** Options for cx_rfm_from_txlog(). Initialise with cx_rfm_options_init(). */
typedef struct cx_rfm_options {
    unsigned version; /**< ::CX_RFM_OPTIONS_VERSION */
    /** Length of one period in seconds (lifetimes' `freq`): transactions in the same period
     *  count as one purchase and their amounts are added. Default 86400 (a UTC day). */
    int64_t period;
    /** Periods per reported time unit (lifetimes' `freq_multiplier`): recency and T are in
     *  periods / multiplier, e.g. 7 with daily periods gives weeks. Default 1. */
    double multiplier;
    /** End of the observation window (seconds); transactions after it are ignored. Required
     *  (::CX_TIME_ABSENT is an error). The period containing it is the last one observed. */
    int64_t observation_end;
    /** End of calibration (seconds) for a calibration / holdout split, or ::CX_TIME_ABSENT for
     *  none. Customers whose first purchase is after it are left out. */
    int64_t calibration_end;
} cx_rfm_options;

#define CX_RFM_OPTIONS_VERSION 1
/** Defaults: daily periods, multiplier 1, no observation end (must be set), no split. */
CX_API cx_status cx_rfm_options_init(cx_rfm_options *opts, unsigned version);

/** Opaque RFM summary: one row per customer, in order of first appearance in the log. */
typedef struct cx_rfm cx_rfm;

/** Columns of a summary. */
typedef enum cx_rfm_column {
    CX_RFM_FREQUENCY = 0,         /**< repeat purchase periods in calibration */
    CX_RFM_RECENCY = 1,           /**< time of the last purchase since the first (units) */
    CX_RFM_T = 2,                 /**< time from the first purchase to the end of calibration */
    CX_RFM_MONETARY = 3,          /**< mean spend per repeat period (0 when frequency is 0; NaN
                                       amounts count as 0) */
    CX_RFM_FREQUENCY_HOLDOUT = 4, /**< purchase periods in the holdout (0 without a split) */
    CX_RFM_MONETARY_HOLDOUT = 5,  /**< mean spend per holdout period (0 if none) */
    CX_RFM_DURATION_HOLDOUT = 6   /**< holdout length in units (0 without a split) */
} cx_rfm_column;

/**
 * Summarise a transaction log.
 * @param[out] out  new summary (free with cx_rfm_free()).
 * @param tx        the transactions (any order; not modified).
 * @param opts      window and time unit; required.
 * @return ::CX_OK; ::CX_EINVAL for bad options (named); ::CX_ERANGE when no customer has a
 *         purchase before the end of calibration; ::CX_ENOMEM.
 */
CX_API cx_status cx_rfm_from_txlog(cx_rfm **out, const cx_txlog *tx, const cx_rfm_options *opts);
/** Free a summary; a no-op on NULL. */
CX_API void cx_rfm_free(cx_rfm *rfm);
/** Number of customers. */
CX_API size_t cx_rfm_rows(const cx_rfm *rfm);
/** Copy a column (n must equal cx_rfm_rows()). */
CX_API cx_status cx_rfm_get(double *out, size_t n, const cx_rfm *rfm, int column);
/** Customer id of row @p i (borrowed; valid until the summary is freed or updated). */
CX_API cx_status cx_rfm_customer(const char **out, const cx_rfm *rfm, size_t i);
/**
 * Add new transactions to a summary without its history (calibration-only summaries): the
 * observation end moves to @p new_observation_end (>= the old one), T grows for everybody, new
 * customers are appended. A transaction before the customer's last recorded purchase period
 * cannot be placed without history and is rejected (::CX_EINVAL, nothing changed); one in that
 * same period adds to its spend. ::CX_ESTATE for a summary with a holdout split.
 */
CX_API cx_status cx_rfm_update(cx_rfm *rfm, const cx_txlog *tx, int64_t new_observation_end);
/**
 * Rebuild a summary from its columns (for example a summary saved as CSV), so that
 * cx_rfm_update() can fold new transactions into it without the history. Recency and T are
 * turned back into periods (value * multiplier, which must be within a quarter period of a
 * whole number, so files rounded to 0.01 week work); the first purchase period is the
 * observation end's period minus T.
 * @param customers  n customer ids (copied).
 * @param frequency,recency,T  the summary columns (recency 0 exactly when frequency is 0).
 * @param monetary   mean spend per repeat period, or NULL for none (0).
 * @param opts       period, multiplier and the observation end the summary was made with;
 *                   calibration_end must be ::CX_TIME_ABSENT.
 * @return ::CX_OK; ::CX_EINVAL naming the column and row of the first bad value; ::CX_ENOMEM.
 */
CX_API cx_status cx_rfm_from_columns(cx_rfm **out, const char *const *customers,
                                     const double *frequency, const double *recency,
                                     const double *T, const double *monetary, size_t n,
                                     const cx_rfm_options *opts);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Models */
/** @{ */

/** Model kinds. Parameter order (natural scale) in brackets. */
typedef enum cx_clv_kind {
    CX_CLV_BGNBD = 1,      /**< BG/NBD [r, alpha, a, b] */
    CX_CLV_MBGNBD = 2,     /**< MBG/NBD [r, alpha, a, b] */
    CX_CLV_PARETO_NBD = 3, /**< Pareto/NBD [r, alpha, s, beta] */
    CX_CLV_BGBB = 4,       /**< BG/BB [alpha, beta, gamma, delta] */
    CX_CLV_SBG = 5,        /**< shifted-beta-geometric [alpha, beta] */
    CX_CLV_GAMMA_GAMMA = 6 /**< Gamma-Gamma spend [p, q, gamma] */
} cx_clv_kind;

/** Opaque model: kind, parameters, and after a fit the covariance and the report. */
typedef struct cx_clv_model cx_clv_model;

/** Create an unfitted model of a kind (parameters all 1). */
CX_API cx_status cx_clv_model_new(cx_clv_model **out, int kind);
/** Free; a no-op on NULL. */
CX_API void cx_clv_model_free(cx_clv_model *model);
/**
 * Threads that this model's fits (without covariates) and predictions for many customers may
 * use. The sums and maps over customers run in fixed blocks of rows combined in block order, so
 * every thread count gives bit-identical results; only the speed differs.
 * @param n_threads 0 (the default of a new model) = all online cores; 1 = the calling thread.
 * @return ::CX_OK; ::CX_EINVAL when @p n_threads < 0.
 */
CX_API cx_status cx_clv_model_set_threads(cx_clv_model *model, int n_threads);
/** Kind, or 0 for NULL. */
CX_API int cx_clv_model_kind(const cx_clv_model *model);
/** Parse "bgnbd", "mbgnbd", "pareto" (or "pnbd"), "bgbb", "sbg", "gg" (or "gamma_gamma"). */
CX_API cx_status cx_clv_kind_parse(cx_clv_kind *out, const char *name);
/** Short name of a kind ("bgnbd", ...); NULL for an invalid kind. */
CX_API const char *cx_clv_kind_name(int kind);
/** Number of parameters (without covariate coefficients). */
CX_API size_t cx_clv_model_param_count(const cx_clv_model *model);
/** Name of parameter @p i ("r", "alpha", ...); NULL when out of range. */
CX_API const char *cx_clv_model_param_name(const cx_clv_model *model, size_t i);
/** Copy the parameters (natural scale) into out[0..n); n must be the parameter count. */
CX_API cx_status cx_clv_model_params(double *out, size_t n, const cx_clv_model *model);
/** Set parameters (all > 0 and finite) to predict with known values; drops the covariance. */
CX_API cx_status cx_clv_model_set_params(cx_clv_model *model, const double *params, size_t n);

/** Fit options. Initialise with cx_clv_fit_options_init(). */
typedef struct cx_clv_fit_options {
    unsigned version;  /**< ::CX_CLV_FIT_OPTIONS_VERSION */
    double penalizer;  /**< L2 penalty coefficient on the parameters, as lifetimes'
                            `penalizer_coef` (added to the mean negative log-likelihood). 0 */
    unsigned n_starts; /**< starting points, tried in turn until one converges (the first is
                            all parameters 1, the others random around it in log space).
                            Default 3 */
    uint64_t seed;     /**< seed of the random starts. Default 0 */
    size_t max_iter;   /**< per start; default 200 */
    double gtol;       /**< gradient tolerance on the mean log-likelihood; default 1e-9 */
    int all_starts;    /**< 1: run every start and keep the best optimum (a check for several
                            local optima); 0 (default): stop at the first that converges */
} cx_clv_fit_options;

#define CX_CLV_FIT_OPTIONS_VERSION 1
CX_API cx_status cx_clv_fit_options_init(cx_clv_fit_options *opts, unsigned version);

/** Outcome of a fit. */
typedef struct cx_clv_fit_report {
    double loglik;      /**< maximised log-likelihood (without penalty), summed over customers */
    size_t iterations;  /**< of the best start */
    size_t evaluations; /**< over all starts */
    double grad_norm;   /**< max |gradient| of the objective at the optimum (log-parameters) */
    unsigned starts_converged; /**< how many starts converged */
    size_t n_rows;             /**< customers (sum of weights) */
    size_t n_unique;    /**< data rows the fit iterated over: the distinct rows after compression
                             (BG/NBD and MBG/NBD skip the compression when a sample of the rows
                             shows no repeats, and then count the rows as given) */
    int converged;      /**< 1 on success */
    const char *reason; /**< static text: "converged" or why not */
} cx_clv_fit_report;

/**
 * Fit a model by maximum likelihood.
 * @param model   the model; on success its parameters, covariance and report are replaced.
 * @param x,tx,T  data columns of length n, meaning per kind in the table at the top.
 * @param weights optional counts per row (>= 0, NULL for all 1), e.g. for grouped data.
 * @param opts    may be NULL for the defaults.
 * @return ::CX_OK; ::CX_EINVAL naming the column and row of the first bad value; ::CX_ERANGE
 *         when the data cannot identify the model (empty, or every frequency 0);
 *         ::CX_ENOTCONV with the reason when no start converged (the model is unchanged).
 */
CX_API cx_status cx_clv_model_fit(cx_clv_model *model, const double *x, const double *tx,
                                  const double *T, const double *weights, size_t n,
                                  const cx_clv_fit_options *opts);
/**
 * Attach time-invariant covariates (Fader & Hardie, "Incorporating time-invariant covariates
 * into the Pareto/NBD and BG/NBD models", 2007) to a BG/NBD or Pareto/NBD model, for example a
 * customer's satisfaction or service-recovery experience. With purchase covariates z_p and
 * dropout covariates z_d of customer i:
 *  - both models: alpha_i = alpha exp(-g_p . z_p) (a positive g_p raises the purchase rate);
 *  - Pareto/NBD: beta_i = beta exp(-g_d . z_d) (a positive g_d raises the dropout rate);
 *  - BG/NBD: a_i = a exp(g_a . z_d), b_i = b exp(g_b . z_d).
 * @param purchase  k_purchase columns of n values, one after the other (may be NULL if 0).
 * @param dropout   k_dropout columns of n values (may be NULL if 0).
 * @param n         customers; later fits and predictions must pass the same n rows in the same
 *                  order. Coefficients start at 0; k_purchase = k_dropout = 0 removes them.
 * @return ::CX_OK; ::CX_ENOTSUP for other kinds; ::CX_EINVAL for non-finite values.
 */
CX_API cx_status cx_clv_model_set_covariates(cx_clv_model *model, const double *purchase,
                                             size_t k_purchase, const double *dropout,
                                             size_t k_dropout, size_t n);
/** Number of covariate coefficients: k_purchase + k_dropout (Pareto/NBD) or
 *  k_purchase + 2 k_dropout (BG/NBD); 0 without covariates. */
CX_API size_t cx_clv_model_coef_count(const cx_clv_model *model);
/** Covariate coefficients [g_p..., g_d...] (BG/NBD: [g_p..., g_a..., g_b...]). */
CX_API cx_status cx_clv_model_coefs(double *out, size_t n, const cx_clv_model *model);
/** Standard errors of the coefficients (::CX_ESTATE before a fit). */
CX_API cx_status cx_clv_model_coef_stderr(double *out, size_t n, const cx_clv_model *model);
/** Set coefficients to predict with known values. */
CX_API cx_status cx_clv_model_set_coefs(cx_clv_model *model, const double *coefs, size_t n);
/**
 * Covariance of all estimates [parameters (natural scale), covariate coefficients] after a
 * fit: k x k row-major with k = cx_clv_model_param_count() + cx_clv_model_coef_count(), so
 * @p n must be k * k. Without covariates it equals cx_clv_model_vcov().
 * @return ::CX_OK; ::CX_EINVAL for a wrong @p n; ::CX_ESTATE without a fitted covariance.
 */
CX_API cx_status cx_clv_model_vcov_all(double *out, size_t n, const cx_clv_model *model);
/**
 * Copy a model with its parameters, coefficients, covariance and fit report, optionally for
 * other customers: with covariate columns (the model's own k_purchase and k_dropout, n values
 * each, laid out as in cx_clv_model_set_covariates()) the copy describes those n customers, so
 * that predictions, their standard errors and samples are for new customers with given
 * covariates (e.g. a satisfaction score). Pass NULL, 0, NULL, 0, 0 for a plain copy.
 * @param[out] out  new model (free with cx_clv_model_free()).
 * @return ::CX_OK; ::CX_EINVAL when the covariate counts differ from the model's (named
 *         k_purchase / k_dropout), for covariates on a model without them, or non-finite
 *         values; ::CX_ENOMEM.
 */
CX_API cx_status cx_clv_model_copy(cx_clv_model **out, const cx_clv_model *model,
                                   const double *purchase, size_t k_purchase, const double *dropout,
                                   size_t k_dropout, size_t n);

/** Report of the last fit (::CX_ESTATE before any fit). */
CX_API cx_status cx_clv_model_report(cx_clv_fit_report *out, const cx_clv_model *model);
/** Standard errors of the parameters (natural scale, delta method from the Hessian of the
 *  log-likelihood in log-parameters); ::CX_ESTATE without a fit. */
CX_API cx_status cx_clv_model_stderr(double *out, size_t n, const cx_clv_model *model);
/** Covariance of the parameters (k x k row-major, k the parameter count; @p n must be k * k);
 *  ::CX_ESTATE without a fit. */
CX_API cx_status cx_clv_model_vcov(double *out, size_t n, const cx_clv_model *model);
/** Log-likelihood of each row at the current parameters (out has n entries). */
CX_API cx_status cx_clv_model_loglik(double *out, const cx_clv_model *model, const double *x,
                                     const double *tx, const double *T, size_t n);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Predictions. Columns of length n; outputs written only on success. */
/** @{ */

/** Unconditional expected purchases E[X(t)] of a new customer in (0, t] (BG/NBD, MBG/NBD,
 *  Pareto/NBD; BG/BB over t opportunities; sBG: the survival S(t)), one per entry of @p t. */
CX_API cx_status cx_clv_expected_purchases(double *out, const cx_clv_model *model, const double *t,
                                           size_t n);
/** Expected purchases in the next @p t units (t >= 0) for customers with history (x, tx, T).
 *  BG/BB: @p t is a number of future opportunities. */
CX_API cx_status cx_clv_conditional_purchases(double *out, const cx_clv_model *model, double t,
                                              const double *x, const double *tx, const double *T,
                                              size_t n);
/** Probability that each customer is alive at T (BG/BB: at opportunity T + @p t; other kinds
 *  ignore @p t). */
CX_API cx_status cx_clv_p_alive(double *out, const cx_clv_model *model, double t, const double *x,
                                const double *tx, const double *T, size_t n);
/** P(X(t) = k) for a new customer, k = counts[i] (integer >= 0), t = t[i] (BG/NBD, MBG/NBD,
 *  Pareto/NBD; BG/BB with t whole opportunities). */
CX_API cx_status cx_clv_p_purchases(double *out, const cx_clv_model *model, const double *t,
                                    const double *counts, size_t n);
/**
 * Discounted expected residual transactions. Pareto/NBD: continuous discounting at rate
 * delta = ln(1 + d) per unit for a per-unit rate @p d. BG/BB: per-period discount @p d.
 * sBG: discounted expected residual lifetime (DERL) of a customer active through period x-1
 * (x from the x column, tx and T unused).
 */
CX_API cx_status cx_clv_dert(double *out, const cx_clv_model *model, double d, const double *x,
                             const double *tx, const double *T, size_t n);
/** Gamma-Gamma: conditional expected mean spend E[M | x, mbar] (x >= 0; x = 0 gives the
 *  population mean, which needs q > 1). */
CX_API cx_status cx_clv_expected_spend(double *out, const cx_clv_model *spend, const double *x,
                                       const double *mbar, size_t n);
/**
 * Customer lifetime value as lifetimes' `customer_lifetime_value`: for months k = 1..@p months,
 * margin * E[M] * (E[Y(k * @p units_per_month)] - E[Y((k-1) * ...)]) / (1 + @p discount)^k,
 * with E[Y] the conditional expected purchases of @p model and E[M] from @p spend.
 */
CX_API cx_status cx_clv_lifetime_value(double *out, const cx_clv_model *model,
                                       const cx_clv_model *spend, const double *x, const double *tx,
                                       const double *T, const double *mbar, size_t n,
                                       unsigned months, double units_per_month, double discount,
                                       double margin);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Uncertainty */
/** @{ */

/** Per-customer quantities for cx_clv_predict_stderr(). */
typedef enum cx_clv_quantity {
    CX_CLV_Q_CONDITIONAL = 1, /**< cx_clv_conditional_purchases() in @p t */
    CX_CLV_Q_P_ALIVE = 2,     /**< cx_clv_p_alive() (t as there) */
    CX_CLV_Q_DERT = 3         /**< cx_clv_dert() at discount rate @p t */
} cx_clv_quantity;

/**
 * Standard errors of per-customer predictions by the delta method: the gradient of the
 * prediction in theta = [log-parameters, covariate coefficients] with the fitted covariance of
 * theta. The gradient in each customer's own log-parameters comes from central differences and
 * the covariate part from the chain rule of the link (cx_clv_model_set_covariates()), so with
 * covariates the standard errors include the coefficients' uncertainty; for customers other
 * than the fitted ones use cx_clv_model_copy() with their covariates. Approximate 95% intervals
 * are estimate +- 1.96 se (or use the bootstrap).
 * @return ::CX_OK; ::CX_ESTATE without a fitted covariance (parameters set by hand have none);
 *         the errors of the prediction itself.
 */
CX_API cx_status cx_clv_predict_stderr(double *out, const cx_clv_model *model, int quantity,
                                       double t, const double *x, const double *tx, const double *T,
                                       size_t n);

/**
 * Standard errors of cx_clv_lifetime_value() by the delta method over both models: the
 * transaction model's theta (with its covariates, as cx_clv_predict_stderr()) and the spend
 * model's log-parameters, taken as independent (they are fitted to different likelihoods).
 * Arguments as cx_clv_lifetime_value().
 * @return ::CX_OK; ::CX_ESTATE (named "model" or "spend") when either has no fitted covariance;
 *         the errors of cx_clv_lifetime_value().
 */
CX_API cx_status cx_clv_lifetime_value_stderr(double *out, const cx_clv_model *model,
                                              const cx_clv_model *spend, const double *x,
                                              const double *tx, const double *T, const double *mbar,
                                              size_t n, unsigned months, double units_per_month,
                                              double discount, double margin);

/**
 * Nonparametric bootstrap of the parameters: @p n_boot refits on customers resampled with
 * replacement in proportion to @p weights (drawn as multinomial counts, so each refit runs on
 * compressed rows). With covariates a customer is drawn together with their covariate row and
 * each refit starts from the model's estimate when it has been fitted.
 * @param out     n_boot x k draws, row-major: the k = parameter count + coefficient count
 *                values [parameters, coefficients] of each refit; @p n_out must be n_boot * k.
 *                Quantiles of the draws give intervals for the parameters, and predictions at
 *                each draw give intervals for predictions and CLV.
 * @param model   the model kind, covariates and fit options to use (it is not changed).
 * @return ::CX_OK; ::CX_EINVAL for bad data or @p n_out; ::CX_ENOTCONV if a replicate does not
 *         converge (its number in the message).
 */
CX_API cx_status cx_clv_model_bootstrap(double *out, size_t n_out, const cx_clv_model *model,
                                        const double *x, const double *tx, const double *T,
                                        const double *weights, size_t n, size_t n_boot,
                                        uint64_t seed, const cx_clv_fit_options *opts);
/** @} */

/* ------------------------------------------------------------------------------------------ */
/** @name Samplers: synthetic customers from the model's current parameters. */
/** @{ */

/**
 * Draw customers. BG/NBD, MBG/NBD, Pareto/NBD: @p T (input, ages >= 0) gives each customer's
 * age; x and tx are drawn. BG/BB: T is the number of opportunities. sBG: x = periods survived
 * (censored at T) and tx = 1 if churned. Gamma-Gamma: x (input, >= 1) is the number of
 * purchases and tx the drawn mean spend. @p alive (may be NULL) receives 1/0 for alive at T.
 * Customer i uses stream @p i of (@p seed) so results do not depend on n.
 */
CX_API cx_status cx_clv_model_sample(double *x, double *tx, double *alive,
                                     const cx_clv_model *model, const double *T, size_t n,
                                     uint64_t seed);
/** @} */

CX_END_DECLS

#endif /* CX_CLV_H */
