/**
 * @file survival.h
 * @brief Churn as survival: Kaplan-Meier curves with Greenwood intervals, the k-group log-rank
 *        test, and Cox proportional hazards (Efron or Breslow ties) with a test of proportional
 *        hazards from Schoenfeld residuals.
 *
 * Inputs are columns: @c time (any non-negative unit, e.g. days; finite) and @c event (1 = the
 * event, e.g. churn, was observed at @c time; 0 = censored at @c time). Results match R's
 * `survival` package (survfit, survdiff, coxph, cox.zph); docs/effects.md gives the formulas and
 * tests/c/test_survival.c the comparison with R.
 */
#ifndef CX_SURVIVAL_H
#define CX_SURVIVAL_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

CX_BEGIN_DECLS

/** How a pointwise confidence interval for a survival probability is formed (as R's
 *  `conf.type`). */
typedef enum cx_km_ci {
    CX_KM_CI_LOG = 0,     /**< S·exp(±z·σ), R's default ("log"); upper end capped at 1 */
    CX_KM_CI_LOG_LOG = 1, /**< S^exp(±z·σ/ln S) ("log-log"); stays inside (0, 1) */
    CX_KM_CI_PLAIN = 2    /**< S ± z·S·σ clipped to [0, 1] ("plain") */
} cx_km_ci;

/** Opaque Kaplan-Meier curve. */
typedef struct cx_km cx_km;

/**
 * Fit a Kaplan-Meier curve.
 *
 * The curve has one step per distinct time (event or censoring), as R's survfit. At each step:
 * Ŝ = Π(1 − d/n); Greenwood σ² = Σ d/(n(n − d)) (variance of ln Ŝ); the standard error of Ŝ is
 * Ŝ·σ. Where Ŝ reaches 0 (everyone at risk had the event) σ is infinite: the standard error is
 * then reported as 0 and the interval as [0, 0]. With no events at all Ŝ = 1, se = 0 and the
 * interval is [1, 1].
 *
 * @param[out] out     the curve; free with cx_km_free().
 * @param time         n finite times >= 0.
 * @param event        n values, each 0 (censored) or 1 (event).
 * @param n            number of subjects (>= 1).
 * @param conf_level   confidence level of the pointwise intervals, in (0, 1), e.g. 0.95.
 * @param ci           ::cx_km_ci.
 * @return ::CX_OK, ::CX_EINVAL (parameter named), ::CX_ENOMEM.
 */
CX_API cx_status cx_km_fit(cx_km **out, const double *time, const double *event, size_t n,
                           double conf_level, int ci);
/** Free a curve; a no-op on NULL. */
CX_API void cx_km_free(cx_km *km);
/** Number of steps (distinct times). */
CX_API size_t cx_km_size(const cx_km *km);
/**
 * Copy the curve into caller arrays of length @p n (== cx_km_size()); any pointer may be NULL.
 * @param time distinct times, ascending; @param n_risk number at risk just before each time;
 * @param n_event events at each time; @param surv Ŝ; @param se Greenwood standard error of Ŝ;
 * @param lower, upper pointwise interval.
 * @return ::CX_OK or ::CX_EINVAL when @p n differs from cx_km_size().
 */
CX_API cx_status cx_km_get(double *time, double *n_risk, double *n_event, double *surv, double *se,
                           double *lower, double *upper, size_t n, const cx_km *km);
/** Ŝ(t): the curve at time @p t (1 before the first time; right-continuous steps). */
CX_API cx_status cx_km_surv_at(double *out, const cx_km *km, double t);
/**
 * Median survival time: the smallest time with Ŝ <= 0.5; if Ŝ equals 0.5 exactly over a step,
 * the midpoint of that step and the next time (as R's print.survfit). ::CX_ERANGE when the
 * curve never falls to 0.5 (the median is not reached during follow-up).
 */
CX_API cx_status cx_km_median(double *out, const cx_km *km);

/**
 * Log-rank test of equal survival in k groups (R's survdiff with rho = 0).
 *
 * @param[out] chisq     test statistic, chi-square with k − 1 degrees of freedom.
 * @param[out] p_value   its upper tail probability.
 * @param[out] observed  k observed event counts (may be NULL).
 * @param[out] expected  k expected event counts under equal hazards (may be NULL).
 * @param k              number of groups (>= 2).
 * @param time, event    as for cx_km_fit().
 * @param group          n group codes: integers 0 .. k − 1 stored as doubles.
 * @param n              number of subjects.
 * @return ::CX_OK; ::CX_EINVAL for a bad argument; ::CX_ERANGE when a group has no subjects
 *         (message names the group) or there are no events at all (the test is undefined).
 */
CX_API cx_status cx_logrank_test(double *chisq, double *p_value, double *observed, double *expected,
                                 size_t k, const double *time, const double *event,
                                 const double *group, size_t n);

/** Handling of tied event times in the Cox partial likelihood. */
typedef enum cx_ties {
    CX_TIES_EFRON = 0,  /**< Efron's approximation (R's default) */
    CX_TIES_BRESLOW = 1 /**< Breslow's approximation */
} cx_ties;

/** Opaque fitted Cox proportional-hazards model. */
typedef struct cx_cox cx_cox;

/**
 * Fit h(t | x) = h₀(t)·exp(βᵀx) by Newton-Raphson on the partial likelihood (step halving when
 * the likelihood does not increase), to a relative change of the log partial likelihood below
 * 1e-12.
 *
 * @param[out] out   the model; free with cx_cox_free().
 * @param time, event  as for cx_km_fit() (at least one event is needed).
 * @param x          n × p covariates, row-major (row i = subject i); finite.
 * @param n          subjects; @param p covariates (>= 1).
 * @param ties       ::cx_ties.
 * @return ::CX_OK; ::CX_EINVAL (parameter named); ::CX_ERANGE when there are no events or a
 *   covariate is constant; ::CX_ESINGULAR when the covariates are collinear; ::CX_ENOTCONV when
 *   a coefficient diverges (monotone likelihood, the survival analogue of perfect separation:
 *   the message names the covariate) or 50 iterations do not converge; ::CX_ENOMEM.
 */
CX_API cx_status cx_cox_fit(cx_cox **out, const double *time, const double *event, const double *x,
                            size_t n, size_t p, int ties);
/** Free a model; a no-op on NULL. */
CX_API void cx_cox_free(cx_cox *cox);
/** Number of covariates p. */
CX_API size_t cx_cox_p(const cx_cox *cox);
/**
 * Coefficients and inference, arrays of length @p p (any may be NULL): β, standard error
 * (from the inverse observed information), hazard ratio exp(β), and the Wald interval of the
 * hazard ratio exp(β ± z·se) at @p conf_level in (0, 1); @p p_value two-sided Wald.
 */
CX_API cx_status cx_cox_coef(double *beta, double *se, double *hazard_ratio, double *hr_lower,
                             double *hr_upper, double *p_value, size_t p, const cx_cox *cox,
                             double conf_level);
/** p × p covariance matrix of β (row-major) into @p vcov. */
CX_API cx_status cx_cox_vcov(double *vcov, size_t p, const cx_cox *cox);
/**
 * Fit summary (any pointer may be NULL): log partial likelihood at β = 0 and at β̂, the
 * likelihood-ratio statistic 2(ll − ll₀) with its p-value (chi-square, p df), number of events
 * and Newton iterations.
 */
CX_API cx_status cx_cox_summary(double *loglik_null, double *loglik, double *lr_chisq,
                                double *lr_p_value, size_t *n_events, size_t *iterations,
                                const cx_cox *cox);

/** Time scale g(t) against which the proportional-hazards test looks for a trend. */
typedef enum cx_zph_transform {
    CX_ZPH_KM = 0,       /**< 1 − left-continuous Kaplan-Meier of the data (R's default) */
    CX_ZPH_IDENTITY = 1, /**< t itself */
    CX_ZPH_RANK = 2,     /**< mid-rank of the event time among all n times (as R) */
    CX_ZPH_LOG = 3       /**< ln t (all event times must be > 0) */
} cx_zph_transform;

/**
 * Test of proportional hazards (Grambsch & Therneau 1994; R's cox.zph in survival >= 3): the
 * score test, at the fitted β, of β_j(t) = β_j + θ_j·g(t). Per covariate (θ_j alone, 1 df) and
 * global (all θ, p df).
 *
 * @param[out] chisq    p + 1 statistics: covariates 0..p−1 then the global test.
 * @param[out] df       p + 1 degrees of freedom (may be NULL).
 * @param[out] p_value  p + 1 upper-tail probabilities (may be NULL).
 * @param np1           length of the arrays, p + 1.
 * @param cox           a fitted model.
 * @param transform     ::cx_zph_transform.
 * @return ::CX_OK, ::CX_EINVAL, ::CX_ESINGULAR (information matrix singular, e.g. all events at
 *         one time), ::CX_ENOMEM.
 */
CX_API cx_status cx_cox_zph(double *chisq, double *df, double *p_value, size_t np1,
                            const cx_cox *cox, int transform);

/**
 * Breslow baseline cumulative hazard Ĥ₀(t) (at covariates x = 0, not centred) at the @p n
 * distinct event times, ascending. Call with @p time NULL to get the count in @p *n.
 */
CX_API cx_status cx_cox_baseline(double *time, double *cumhaz, size_t *n, const cx_cox *cox);

CX_END_DECLS

#endif /* CX_SURVIVAL_H */
