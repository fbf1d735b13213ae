/* bindings/modules/effects.i: loyalty effects and survival (include/cxkit/effects.h and
 * survival.h). Functions taking several columns of one length, or filling several output arrays,
 * are replaced by binding-friendly forms defined below (one column per (pointer, length) pair,
 * one output array per call); the Python layer (cxkit/effects.py) turns them into pandas tables
 * and the Lua layer (cxkit/effects.lua) into tables. Log-level analyses take CSV paths here, so
 * they do not depend on a binding of cx_log. */

CX_HANDLE(cx_km, cx_km_free)
CX_HANDLE(cx_cox, cx_cox_free)
CX_HANDLE(cx_logit, cx_logit_free)
CX_HANDLE(cx_effect_table, cx_effect_table_free)

CX_OUT_F64(double *chisq)
CX_OUT_F64(double *p_value)
CX_OUT_F64(double *loglik)
CX_OUT_F64(double *loglik_null)
CX_OUT_F64(double *lr_chisq)
CX_OUT_F64(double *lr_p_value)
CX_OUT_U64(size_t *n_events)
CX_OUT_U64(size_t *iterations)
CX_OUT_U64(size_t *col)
/* named `text`, not `out`: a `const char **out` also picks up the freeing typemap of
 * `char **out` (CX_OUT_OWNED_STR), which would free the table's own string */
CX_OUT_STR(const char **text)

%apply (const double *IN_F64, size_t IN_N) {
    (const double *time, size_t n_time), (const double *event, size_t n_event),
    (const double *group, size_t n_group), (const double *x, size_t n_x),
    (const double *y, size_t n_y), (const double *w, size_t n_w),
    (const double *rank, size_t n_rank), (const double *n_brands, size_t n_brands_len),
    (const double *customer, size_t n_customer), (const double *score, size_t n_score),
    (const double *retained, size_t n_retained), (const double *satisfaction, size_t n_sat)
};

/* replaced by the forms below */
%ignore cx_km_fit;
%ignore cx_km_get;
%ignore cx_logrank_test;
%ignore cx_cox_fit;
%ignore cx_cox_coef;
%ignore cx_cox_vcov;
%ignore cx_cox_zph;
%ignore cx_cox_baseline;
%ignore cx_logit_fit;
%ignore cx_logit_coef;
%ignore cx_logit_vcov;
%ignore cx_logit_predict;
%ignore cx_zones;
%ignore cx_zones_fit;
%ignore cx_wallet_share_from_ranks;
%ignore cx_wallet_share_from_scores;
%ignore cx_effects_options;
%ignore cx_effects_options_init;
%ignore cx_effects_outcomes;
%ignore cx_effects_recovery;
%ignore cx_effects_touchpoints;
%ignore cx_effects_spend;
%ignore cx_effects_retention;
%ignore cx_effects_zones;
%ignore cx_effects_churn_curves;
%ignore cx_effects_churn;

%include <cxkit/survival.h>
%include <cxkit/effects.h>

%{
#include "internal.h"
/* a length mismatch between columns, reported like the library's own argument errors */
static cx_status cx__b_same(const char *what)
{
    return cx__error_param(CX_EINVAL, what, "'%s' does not match the length of the other columns",
                           what);
}
%}

%inline %{
/** Kaplan-Meier curve from columns time and event (same length). */
cx_status cx_km_fit_columns(cx_km **out, const double *time, size_t n_time, const double *event,
                            size_t n_event, double conf_level, int ci)
{
    if (n_time != n_event)
        return cx__b_same("event");
    return cx_km_fit(out, time, event, n_time, conf_level, ci);
}

/** One column of the curve: 0 time, 1 n_risk, 2 n_event, 3 surv, 4 se, 5 lower, 6 upper. */
cx_status cx_km_column(double *out, size_t n, const cx_km *km, int which)
{
    double *cols[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    if (which < 0 || which > 6)
        return cx__error_param(CX_EINVAL, "which", "which = %d: must be 0..6", which);
    cols[which] = out;
    return cx_km_get(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], n, km);
}

/** Log-rank test: returns [chisq, p_value]. */
cx_status cx_logrank_columns(double *chisq, double *p_value, size_t k, const double *time,
                             size_t n_time, const double *event, size_t n_event,
                             const double *group, size_t n_group)
{
    if (n_time != n_event || n_time != n_group)
        return cx__b_same("event");
    return cx_logrank_test(chisq, p_value, NULL, NULL, k, time, event, group, n_time);
}

/** Observed (which = 0) or expected (1) events per group of the log-rank test. */
cx_status cx_logrank_counts(double *out, size_t n, int which, const double *time, size_t n_time,
                            const double *event, size_t n_event, const double *group,
                            size_t n_group)
{
    double c, p;
    if (n_time != n_event || n_time != n_group)
        return cx__b_same("event");
    return cx_logrank_test(&c, &p, which == 0 ? out : NULL, which == 0 ? NULL : out, n, time,
                           event, group, n_time);
}

/** Cox model; x holds n_time * p values, row-major. */
cx_status cx_cox_fit_columns(cx_cox **out, const double *time, size_t n_time,
                             const double *event, size_t n_event, const double *x, size_t n_x,
                             size_t p, int ties)
{
    if (n_time != n_event || p == 0 || n_x != n_time * p)
        return cx__b_same("x");
    return cx_cox_fit(out, time, event, x, n_time, p, ties);
}

/** One coefficient column: 0 beta, 1 se, 2 hazard ratio, 3 lower, 4 upper, 5 p-value;
 *  6 the covariance matrix (n = p * p, row-major). */
cx_status cx_cox_column(double *out, size_t n, const cx_cox *cox, int which, double conf_level)
{
    double *c[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    if (which == 6)
        return cx_cox_vcov(out, cx_cox_p(cox) * cx_cox_p(cox) == n ? cx_cox_p(cox) : 0, cox);
    if (which < 0 || which > 5)
        return cx__error_param(CX_EINVAL, "which", "which = %d: must be 0..6", which);
    c[which] = out;
    return cx_cox_coef(c[0], c[1], c[2], c[3], c[4], c[5], n, cox, conf_level);
}

/** Proportional-hazards test (n = p + 1): which 0 chi-square, 1 df, 2 p-value. */
cx_status cx_cox_zph_column(double *out, size_t n, const cx_cox *cox, int transform, int which)
{
    double buf[3 * 1001];
    if (n > 1001 || which < 0 || which > 2)
        return cx__error_param(CX_EINVAL, "which", "which must be 0..2 and p <= 1000");
    cx_status st = cx_cox_zph(buf, buf + n, buf + 2 * n, n, cox, transform);
    if (st == CX_OK)
        for (size_t i = 0; i < n; i++)
            out[i] = buf[(size_t)which * n + i];
    return st;
}

/** Logistic regression; x holds n_y * p values row-major; w may be empty (all weights 1). */
cx_status cx_logit_fit_columns(cx_logit **out, const double *y, size_t n_y, const double *x,
                               size_t n_x, const double *w, size_t n_w, size_t p,
                               int add_intercept)
{
    if (n_x != n_y * p || (n_w != 0 && n_w != n_y))
        return cx__b_same("x");
    return cx_logit_fit(out, y, p ? x : NULL, n_w ? w : NULL, n_y, p, add_intercept);
}

/** One coefficient column: 0 beta, 1 se, 2 lower, 3 upper, 4 p-value; 5 covariance (p * p). */
cx_status cx_logit_column(double *out, size_t n, const cx_logit *m, int which, double conf_level)
{
    double *c[5] = {NULL, NULL, NULL, NULL, NULL};
    if (which == 5)
        return cx_logit_vcov(out, cx_logit_p(m) * cx_logit_p(m) == n ? cx_logit_p(m) : 0, m);
    if (which < 0 || which > 4)
        return cx__error_param(CX_EINVAL, "which", "which = %d: must be 0..5", which);
    c[which] = out;
    return cx_logit_coef(c[0], c[1], c[2], c[3], c[4], n, m, conf_level);
}

/** Predicted probabilities for n rows (x: n * p values, p without the intercept). */
cx_status cx_logit_predict_columns(double *out, size_t n, const double *x, size_t n_x, size_t p,
                                   const cx_logit *m)
{
    if (n_x != n * p)
        return cx__b_same("x");
    return cx_logit_predict(out, x, n, p, m);
}

/** cx_zones_fit() flattened into 31 values: knot[2], knot_lower[2], knot_upper[2], slope[3],
 *  slope_lower[3], slope_upper[3], retention[3], retention_lower[3], retention_upper[3], n[3],
 *  loglik, loglik_linear, lr_chisq, lr_p_value. */
cx_status cx_zones_fit_values(double *out, size_t n, const double *retained, size_t n_retained,
                              const double *satisfaction, size_t n_sat, const double *w,
                              size_t n_w, double conf_level)
{
    cx_zones z;
    if (n != 31)
        return cx__error_param(CX_EINVAL, "n", "n = %zu: the result has 31 values", n);
    if (n_retained != n_sat || (n_w && n_w != n_sat))
        return cx__b_same("satisfaction");
    cx_status st = cx_zones_fit(&z, retained, satisfaction, n_w ? w : NULL, n_sat, conf_level);
    if (st)
        return st;
    const double *parts[] = {z.knot, z.knot_lower, z.knot_upper, z.slope, z.slope_lower,
                             z.slope_upper, z.retention, z.retention_lower, z.retention_upper,
                             z.n};
    size_t k = 0;
    for (int a = 0; a < 10; a++)
        for (int b = 0; b < (a < 3 ? 2 : 3); b++)
            out[k++] = parts[a][b];
    out[k++] = z.loglik;
    out[k++] = z.loglik_linear;
    out[k++] = z.lr_chisq;
    out[k++] = z.lr_p_value;
    return CX_OK;
}

cx_status cx_wallet_share_from_ranks_columns(double *out, size_t n, const double *rank,
                                             size_t n_rank, const double *n_brands,
                                             size_t n_brands_len)
{
    if (n != n_rank || n != n_brands_len)
        return cx__b_same("rank");
    return cx_wallet_share_from_ranks(out, rank, n_brands, n);
}

/** which 0: shares, 1: ranks. */
cx_status cx_wallet_share_from_scores_columns(double *out, size_t n, int which,
                                              const double *customer, size_t n_customer,
                                              const double *score, size_t n_score)
{
    if (n != n_customer || n != n_score)
        return cx__b_same("score");
    if (which == 0)
        return cx_wallet_share_from_scores(out, NULL, customer, score, n);
    double *tmp = (double *)cx__malloc_array(n, sizeof(double));
    if (!tmp)
        return CX_ENOMEM;
    cx_status st = cx_wallet_share_from_scores(tmp, out, customer, score, n);
    cx__free(tmp);
    return st;
}

/** Run a log-level analysis on CSV files: analysis is one of outcomes, recovery, touchpoints,
 *  spend, retention, zones, churn, churn_curves. tx_csv may be "" (none); numbers <= 0 and
 *  empty strings keep the defaults of cx_effects_options_init(); predictor is a field name. */
cx_status cx_effects_run_csv(cx_effect_table **out, const char *analysis, const char *log_csv,
                             const char *tx_csv, const char *columns, double window_days,
                             double churn_gap_days, double conf_level, const char *confounders,
                             const char *covariates, const char *predictor)
{
    cx_effects_options o;
    cx_csv_options co;
    cx_log *log = NULL;
    cx_txlog *tx = NULL;
    cx_status st;
    cx_effects_options_init(&o, CX_EFFECTS_OPTIONS_VERSION);
    cx_csv_options_init(&co, CX_CSV_OPTIONS_VERSION);
    if (columns && *columns)
        co.columns = columns;
    if (window_days > 0)
        o.window_days = window_days;
    if (churn_gap_days > 0)
        o.churn_gap_days = churn_gap_days;
    if (conf_level > 0)
        o.conf_level = conf_level;
    if (confounders && *confounders)
        o.confounders = confounders;
    if (covariates && *covariates)
        o.covariates = covariates;
    if (predictor && *predictor) {
        cx_field f;
        if ((st = cx_field_from_name(&f, predictor)))
            return st;
        o.predictor = f;
    }
    if ((st = cx_log_new(&log)) || (st = cx_log_read_csv(log, log_csv, &co)))
        goto done;
    if (tx_csv && *tx_csv &&
        ((st = cx_txlog_new(&tx)) || (st = cx_txlog_read_csv(tx, tx_csv, &co))))
        goto done;
    if (!strcmp(analysis, "outcomes"))
        st = cx_effects_outcomes(out, log, tx, &o, o.predictor, NULL);
    else if (!strcmp(analysis, "recovery"))
        st = cx_effects_recovery(out, log, tx, &o);
    else if (!strcmp(analysis, "touchpoints"))
        st = cx_effects_touchpoints(out, log, tx, &o);
    else if (!strcmp(analysis, "spend"))
        st = cx_effects_spend(out, log, tx, &o);
    else if (!strcmp(analysis, "retention"))
        st = cx_effects_retention(out, log, tx, &o);
    else if (!strcmp(analysis, "zones"))
        st = cx_effects_zones(out, log, tx, &o);
    else if (!strcmp(analysis, "churn"))
        st = cx_effects_churn(out, log, tx, &o);
    else if (!strcmp(analysis, "churn_curves"))
        st = cx_effects_churn_curves(out, log, tx, &o);
    else
        st = cx__error_param(CX_EINVAL, "analysis", "unknown analysis '%s'", analysis);
done:
    cx_log_free(log);
    cx_txlog_free(tx);
    return st;
}
%}
