/**
 * @file sim.h
 * @brief Agent-based service-profit-chain simulator: leadership and culture -> employees ->
 *        interactions -> satisfaction -> loyalty -> revenue, run forward in time.
 *
 * A scenario (::cx_sim_params) holds every model parameter (documented in docs/simulator.md and
 * docs/simulator-parameters.md), the touchpoints, interventions scheduled in time and optional
 * plugin rules. cx_sim_run() simulates it and returns a ::cx_sim_result with per-period time
 * series, calibration statistics and, when asked for, the interaction and transaction records.
 *
 * Reproducibility: every customer draws from its own random stream (seed, customer index) and
 * every employee from its own, and per-period sums are reduced in a fixed order, so a seed gives
 * bit-identical results whatever the number of threads.
 */
#ifndef CX_SIM_H
#define CX_SIM_H

#include <cxkit/common.h>
#include <cxkit/errors.h>
#include <cxkit/log.h>

CX_BEGIN_DECLS

/** Opaque scenario: parameters, touchpoints, interventions and plugin rules. */
typedef struct cx_sim_params cx_sim_params;

/** A scenario with the calibrated defaults and the default touchpoints (docs/simulator.md). */
CX_API cx_status cx_sim_params_new(cx_sim_params **out);
/** Free a scenario and release its plugin payloads; a no-op on NULL. */
CX_API void cx_sim_params_free(cx_sim_params *params);
/** Deep copy of parameters, touchpoints and interventions. Plugin rules are NOT copied (their
 *  payloads have a single owner): the copy uses the built-in rules. */
CX_API cx_status cx_sim_params_dup(cx_sim_params **out, const cx_sim_params *params);

/**
 * Set a numeric parameter by name (the names are listed by cx_sim_param_info() and in
 * docs/simulator-parameters.md). Integer-valued parameters (customers, periods, employees)
 * must be whole numbers.
 * @return ::CX_OK; ::CX_EINVAL for an unknown name or a value outside the parameter's range,
 *         with cx_error_last()->param naming the parameter. The scenario is unchanged on error.
 */
CX_API cx_status cx_sim_params_set(cx_sim_params *params, const char *name, double value);
/** Read a parameter by name (::CX_EINVAL for an unknown name). */
CX_API cx_status cx_sim_params_get(double *out, const cx_sim_params *params, const char *name);

/** Number of numeric parameters. */
CX_API size_t cx_sim_param_count(void);
/**
 * Describe parameter @p index (0 <= index < cx_sim_param_count()). Any output may be NULL.
 * Strings are static. @p source names the research behind the default ("[D]" for a design
 * choice) and @p uncertainty says how firm the default is ("low", "medium", "high").
 * @return ::CX_OK or ::CX_ERANGE for a bad index.
 */
CX_API cx_status cx_sim_param_info(size_t index, const char **name, double *default_value,
                                   double *lo, double *hi, const char **meaning,
                                   const char **source, const char **uncertainty);

/** @name Touchpoints: where in the journey a contact happens. */
/** @{ */
/** Remove every touchpoint (then add at least one before running). */
CX_API cx_status cx_sim_params_clear_touchpoints(cx_sim_params *params);
/**
 * Add a touchpoint.
 * @param name             identifier written to the interaction log (copied; 1..63 bytes).
 * @param share            relative frequency among contacts, > 0 (normalised over touchpoints).
 * @param emotional_weight 0..1: how much the contact moves bond and wallet (routine ~0.2,
 *                         moment of truth 1).
 * @param failure_rate     0..1: probability of a service failure at this touchpoint.
 */
CX_API cx_status cx_sim_params_add_touchpoint(cx_sim_params *params, const char *name, double share,
                                              double emotional_weight, double failure_rate);
/**
 * Let contacts at a touchpoint include a purchase (an add-on sale): with probability sale_rate
 * the contact's `spend` is the amount (wallet x share of wallet x U(0.5, 1.5), like a period's
 * purchase), written to the interaction log and to the transaction log at the contact's time and
 * counted in revenue. Default 0.
 * @param touchpoint name given to cx_sim_params_add_touchpoint().
 * @param sale_rate  0..1.
 * @return CX_EINVAL naming `touchpoint` (unknown) or `sale_rate` (out of range).
 */
CX_API cx_status cx_sim_params_set_touchpoint_sales(cx_sim_params *params, const char *touchpoint,
                                                    double sale_rate);
/**
 * Give a touchpoint its own channel mix: contacts there use channel k (in_person, phone, chat,
 * email, self_service) with probability mix[k] / sum(mix) instead of the customer's preferred
 * channel (a channel shift still moves assisted contacts to self-service). n = 0 restores the
 * customer's preference.
 * @param mix 5 shares >= 0 with a positive sum (copied), or NULL with n = 0.
 * @return CX_EINVAL naming `touchpoint`, `n` or `mix`.
 */
CX_API cx_status cx_sim_params_set_touchpoint_channels(cx_sim_params *params,
                                                       const char *touchpoint, const double *mix,
                                                       size_t n);
/** Number of touchpoints. */
CX_API size_t cx_sim_params_touchpoint_count(const cx_sim_params *params);
/** @} */

/** Interventions ("levers") that change the organisation from a period on. */
typedef enum cx_sim_lever {
    CX_SIM_LEVER_LEADERSHIP = 0,    /**< leaders' visible belief in customer-centricity (+magnitude
                                         to leadership, 0..1 scale) */
    CX_SIM_LEVER_CUSTOMER_TALK = 1, /**< talking with and about customers (0..1 intensity):
                                         customer focus up, employees' self-assessment bias down */
    CX_SIM_LEVER_SERVE_EMPLOYEES = 2, /**< serving and engaging employees (+internal service
                                           quality, 0..1 scale) */
    CX_SIM_LEVER_TRAINING = 3,        /**< growing front-line skills (training intensity per
                                           period, 0..1) */
    CX_SIM_LEVER_COACHING = 4,        /**< coaching (intensity per period, 0..1) */
    CX_SIM_LEVER_CULTURE = 5,         /**< culture change: + towards people-focused, - towards
                                           target-driven (-1..1) */
    CX_SIM_LEVER_STAFFING = 6,        /**< staffing: relative change of staff, e.g. -0.2 = 20%
                                           fewer people (-0.9..3) */
    CX_SIM_LEVER_CHANNEL_SHIFT = 7    /**< share of assisted contacts moved to self-service
                                           (0..1) */
} cx_sim_lever;

/** Number of levers. */
#define CX_SIM_LEVER_COUNT 8

/** Name of a lever ("coaching", ...); NULL for an invalid value. */
CX_API const char *cx_sim_lever_name(int lever);
/** Parse a lever name (exact, as cx_sim_lever_name() spells it). */
CX_API cx_status cx_sim_lever_parse(cx_sim_lever *out, const char *name);

/**
 * Schedule an intervention: from period @p start (0-based) until period @p end (exclusive;
 * 0 = until the end of the run) the lever adds @p magnitude to its organisational variable.
 * Interventions on the same lever add up; the result is clamped to the variable's range.
 * @return ::CX_EINVAL naming "lever", "start", "end" or "magnitude" when out of range.
 */
CX_API cx_status cx_sim_params_add_intervention(cx_sim_params *params, cx_sim_lever lever,
                                                unsigned start, unsigned end, double magnitude);
/** Number of scheduled interventions. */
CX_API size_t cx_sim_params_intervention_count(const cx_sim_params *params);
/** Remove every intervention. */
CX_API cx_status cx_sim_params_clear_interventions(cx_sim_params *params);

/**
 * Check that the scenario is consistent (channel mix sums to 1 within 1e-9, at least one
 * touchpoint, attentiveness weights sum to at most 1, ...). cx_sim_run() calls it too.
 * @return ::CX_OK or ::CX_EINVAL naming the offending parameter.
 */
CX_API cx_status cx_sim_params_validate(const cx_sim_params *params);

/** @name Pluggable rules. */
/** @{ */
/** The replaceable rules. Each receives a documented vector of inputs whose last entry is what
 *  the built-in rule would return, so a plugin can adjust rather than rewrite it. */
typedef enum cx_sim_rule {
    /** Satisfaction response. in = {expectation, performance, emotional_weight, problem (0/1),
     *  resolved (0/1), recovery_quality, first_failure (0/1), severe (0/1), default};
     *  out = {satisfaction in [0, 1]}. */
    CX_SIM_RULE_SATISFACTION = 0,
    /** Loyalty update. in = {satisfaction_for_loyalty, bond, share_of_wallet, emotional_weight,
     *  channel_bond_strength, default_bond, default_share}; out = {bond, share} in [0, 1]. */
    CX_SIM_RULE_LOYALTY = 1,
    /** Churn hazard per period. in = {bond, indifference, dissatisfaction, last_satisfaction,
     *  default_hazard}; out = {hazard in [0, 1]}. Causes keep their default proportions. */
    CX_SIM_RULE_CHURN = 2,
    /** Employee learning of one skill in one period. in = {skill, training, coaching, engagement,
     *  learning_rate, default_skill}; out = {new skill in [0, 1]}. */
    CX_SIM_RULE_LEARNING = 3
} cx_sim_rule;

#define CX_SIM_RULE_COUNT 4

/** Lengths of a rule's input and output vectors (::CX_EINVAL for a bad rule). */
CX_API cx_status cx_sim_rule_arity(size_t *n_in, size_t *n_out, int rule);

/**
 * A plugin rule: write @p n_out values to @p out from @p n_in inputs. Return 0 on success,
 * anything else to stop the run (cx_sim_run() then fails with ::CX_EUSER naming the plugin).
 * Non-finite or out-of-range outputs also stop the run.
 */
typedef int (*cx_sim_rule_fn)(double *out, size_t n_out, const double *in, size_t n_in,
                              void *payload);

/** Flag for cx_sim_params_set_rule(): the function may be called from several threads at once.
 *  Without it the run uses one thread (results are identical either way). */
#define CX_SIM_RULE_THREAD_SAFE 1u

/**
 * Replace a rule (fn == NULL restores the built-in rule). The scenario takes ownership of
 * @p payload and calls @p payload_free on it when the rule is replaced or the scenario freed
 * (also when this call fails). @p name (copied) identifies the plugin in error messages.
 */
CX_API cx_status cx_sim_params_set_rule(cx_sim_params *params, cx_sim_rule rule, const char *name,
                                        unsigned flags, cx_sim_rule_fn fn, void *payload,
                                        cx_free_fn payload_free);
/** @} */

/** Progress callback: @p done of @p total work units finished. Return nonzero to cancel (the run
 *  then fails with ::CX_EUSER). Called on the thread that called cx_sim_run(). */
typedef int (*cx_sim_progress_fn)(double done, double total, void *payload);

/** Run options. Initialise with cx_sim_options_init(). Fields are only ever appended. */
typedef struct cx_sim_options {
    unsigned version;        /**< ::CX_SIM_OPTIONS_VERSION */
    uint64_t seed;           /**< random seed (default 1) */
    unsigned threads;        /**< worker threads; 0 = all online processors (default 0) */
    int record_interactions; /**< keep every interaction for cx_sim_result_write() (default 1) */
    int record_transactions; /**< keep every purchase (default 1) */
    cx_sim_progress_fn progress; /**< NULL for none */
    void *progress_payload;      /**< passed to @c progress; not owned */
} cx_sim_options;

#define CX_SIM_OPTIONS_VERSION 1
CX_API cx_status cx_sim_options_init(cx_sim_options *opts, unsigned version);

/** Opaque simulation result. */
typedef struct cx_sim_result cx_sim_result;

/**
 * Simulate the scenario.
 * @param[out] out the result; free with cx_sim_result_free().
 * @param opts     NULL for defaults.
 * @return ::CX_OK; ::CX_EINVAL for an inconsistent scenario; ::CX_EUSER when a plugin failed
 *         (cx_error_last()->param is the plugin name) or progress cancelled; ::CX_ENOMEM.
 */
CX_API cx_status cx_sim_run(cx_sim_result **out, const cx_sim_params *params,
                            const cx_sim_options *opts);
CX_API void cx_sim_result_free(cx_sim_result *res);

/** Per-period time series. */
typedef enum cx_sim_series {
    CX_SIM_SERIES_ACTIVE = 0,              /**< customers alive at the end of the period */
    CX_SIM_SERIES_RETENTION = 1,           /**< alive at end / alive at start */
    CX_SIM_SERIES_CSAT = 2,                /**< mean CSAT (1..5) of rated contacts */
    CX_SIM_SERIES_CSAT_TOP2 = 3,           /**< share of ratings 4 or 5 */
    CX_SIM_SERIES_NPS = 4,                 /**< NPS x 100 of contacts that answered */
    CX_SIM_SERIES_PERCEPTION_GAP = 5,      /**< mean employee self-rating - mean CSAT (assisted) */
    CX_SIM_SERIES_REVENUE = 6,             /**< sum of purchases */
    CX_SIM_SERIES_ENGAGEMENT = 7,          /**< mean employee engagement (0..1) */
    CX_SIM_SERIES_BOND = 8,                /**< mean emotional bond of active customers (0..1) */
    CX_SIM_SERIES_SHARE_OF_WALLET = 9,     /**< mean share of wallet of active customers */
    CX_SIM_SERIES_INTERACTIONS = 10,       /**< contacts in the period */
    CX_SIM_SERIES_CHURN_INDIFFERENCE = 11, /**< customers lost to perceived indifference */
    CX_SIM_SERIES_CHURN_DISSATISFACTION = 12, /**< lost to failures / dissatisfaction */
    CX_SIM_SERIES_CHURN_OTHER = 13,   /**< lost to other causes (moves, prices, competitors) */
    CX_SIM_SERIES_ATTENTIVENESS = 14, /**< mean employee attentiveness (0..1) */
    CX_SIM_SERIES_REFERRALS = 15      /**< referrals made by promoters (advocacy) */
} cx_sim_series;

#define CX_SIM_SERIES_COUNT 16
/** Column name of a series ("csat", ...); NULL for an invalid value. */
CX_API const char *cx_sim_series_name(int series);

/** Number of periods simulated. */
CX_API size_t cx_sim_result_periods(const cx_sim_result *res);
/** Copy one series (n must equal cx_sim_result_periods()). Undefined values (no ratings in a
 *  period) are NaN. */
CX_API cx_status cx_sim_result_series(double *out, size_t n, const cx_sim_result *res, int series);

/** Whole-run statistics used by calibration (docs/simulator.md, "Calibration"). */
typedef enum cx_sim_stat {
    CX_SIM_STAT_MOT_POSITIVE_INCREASE = 0, /**< share of attentive, positive (CSAT >= 4)
                                                moments of truth after which wallet share rose */
    CX_SIM_STAT_MOT_NEGATIVE_REDUCE = 1,   /**< share of neutral/negative (CSAT <= 3) moments of
                                                truth after which wallet share fell */
    CX_SIM_STAT_EMPLOYEE_SUPERIOR = 2,     /**< share of assisted contacts the employee rates 5/5 */
    CX_SIM_STAT_CUSTOMER_SUPERIOR = 3,     /**< share of assisted contacts the customer rates 5/5 */
    CX_SIM_STAT_CSAT_NO_PROBLEM = 4,       /**< mean CSAT of contacts without a failure */
    CX_SIM_STAT_CSAT_RECOVERED_PARADOX = 5,      /**< mean CSAT after a first, mild failure with an
                                                      excellent recovery */
    CX_SIM_STAT_CSAT_RECOVERED_OTHER = 6,        /**< mean CSAT after other excellently recovered
                                                      failures (repeat or severe) */
    CX_SIM_STAT_CSAT_UNRESOLVED = 7,             /**< mean CSAT after an unresolved failure */
    CX_SIM_STAT_CHURN_SHARE_INDIFFERENCE = 8,    /**< share of churners lost to indifference */
    CX_SIM_STAT_CHURN_SHARE_DISSATISFACTION = 9, /**< share lost to dissatisfaction */
    CX_SIM_STAT_CHURN_SHARE_OTHER = 10,          /**< share lost to other causes */
    CX_SIM_STAT_INTERACTIONS = 11,               /**< number of interactions */
    CX_SIM_STAT_CUSTOMER_PERIODS = 12 /**< customer-periods simulated (alive customers) */
} cx_sim_stat;

#define CX_SIM_STAT_COUNT 13
/** Name of a statistic; NULL for an invalid value. */
CX_API const char *cx_sim_stat_name(int stat);
/** One whole-run statistic (NaN when undefined, e.g. no such contacts). */
CX_API cx_status cx_sim_result_stat(double *out, const cx_sim_result *res, int stat);

/** Number of recorded interactions / transactions (0 when recording was off). */
CX_API size_t cx_sim_result_interaction_count(const cx_sim_result *res);
CX_API size_t cx_sim_result_transaction_count(const cx_sim_result *res);

/**
 * The recorded interactions as an interaction log (docs/log.md), in time order (ties by
 * customer): customer ids "C0000001", employee ids "E00001" (absent for self-service), teams
 * "T001" (`team_size` employees each), interaction ids "I000000001", touchpoint names, channel,
 * attentiveness, empathy, authenticity, ownership and competence as in the contact (0..1, two
 * decimals), effort (1..7, one decimal), wait_time (seconds; absent for self-service), problem /
 * resolved, CSAT on 1..5, NPS likelihood 0..10, CES 1..7 and the employee's self-rating (1..5)
 * when the customer answered, the team leader's rating (1..5) of observed contacts, free-text
 * feedback with feedback_acted / feedback_acted_time, and spend for add-on sales.
 * Times are start_time + period x period_days + an offset within the period.
 * @return ::CX_OK, ::CX_ENOMEM; an empty log when recording was off.
 */
CX_API cx_status cx_sim_result_to_log(cx_log **out, const cx_sim_result *res);
/** The recorded purchases as a transaction log (customer, time, amount rounded to cents). */
CX_API cx_status cx_sim_result_to_txlog(cx_txlog **out, const cx_sim_result *res);

/**
 * Write the result into directory @p dir (which must exist): series.csv (one row per period),
 * and, when recorded, interactions.csv and transactions.csv in cxkit's log formats
 * (docs/log.md). Files are written under temporary names and renamed at the end, so on error no
 * partial output file is left behind.
 */
CX_API cx_status cx_sim_result_write(const cx_sim_result *res, const char *dir);

/** Opaque scenario comparison. */
typedef struct cx_sim_comparison cx_sim_comparison;

/**
 * Run @p baseline and @p whatif @p replications times each with common random numbers
 * (replication r uses the same seed, derived from opts->seed and r, in both scenarios, and each
 * customer keeps its own stream), and summarise the per-period differences whatif - baseline.
 * @param replications 2..100000.
 * @param opts  seed and threads as for cx_sim_run() (records are never kept); opts->progress, if
 *              set, is called after each replication with (replications done, replications) and
 *              may cancel (::CX_EUSER naming "progress").
 */
CX_API cx_status cx_sim_compare(cx_sim_comparison **out, const cx_sim_params *baseline,
                                const cx_sim_params *whatif, size_t replications,
                                const cx_sim_options *opts);
CX_API void cx_sim_comparison_free(cx_sim_comparison *cmp);
/** Periods in the comparison. */
CX_API size_t cx_sim_comparison_periods(const cx_sim_comparison *cmp);
/**
 * Difference of one series, per period: the mean over replications of (whatif - baseline) and a
 * Monte Carlo interval at @p level (e.g. 0.95) from the Student t distribution of that mean.
 * Each output array has cx_sim_comparison_periods() entries; any may be NULL.
 */
CX_API cx_status cx_sim_comparison_diff(double *mean, double *lower, double *upper, size_t n,
                                        const cx_sim_comparison *cmp, int series, double level);
/** Mean over replications of one scenario's series (which = 0 baseline, 1 what-if). */
CX_API cx_status cx_sim_comparison_mean(double *out, size_t n, const cx_sim_comparison *cmp,
                                        int which, int series);

CX_END_DECLS

#endif /* CX_SIM_H */
