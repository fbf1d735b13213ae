/* Log-level analyses on simulated logs with known effects: a service recovery paradox present
 * and absent (with a confounder, channel, that biases the unadjusted comparison), moments of
 * truth, spend response, retention and churn; plus edge cases. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define DAY 86400
#define T0  1700000000 /* start of the simulated period */

static uint64_t st_rng;
static double unif(void)
{
    st_rng ^= st_rng << 13;
    st_rng ^= st_rng >> 7;
    st_rng ^= st_rng << 17;
    return ((double)(st_rng >> 11) + 0.5) / 9007199254740992.0;
}

static void add_contact(cx_log *log, const char *cust, double day, const char *channel)
{
    cx_interaction r;
    ck_assert_int_eq(cx_interaction_init(&r, CX_INTERACTION_VERSION), CX_OK);
    r.customer = cust;
    r.time = T0 + (int64_t)(day * DAY);
    if (channel)
        cx_channel_parse(&r.channel, channel);
    ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
}

/* Recovery world: index contact at day 100..400 with a problem (resolved or not) or none;
 * retention depends on the group and on the channel (phone customers have more problems and
 * stay less). retain[g] are the chances for a chat customer; phone subtracts 0.15. */
typedef struct rworld {
    cx_log *log;
    cx_txlog *tx;
} rworld;

static void recovery_world(rworld *w, const double retain[3], uint64_t seed, size_t n)
{
    st_rng = seed;
    ck_assert_int_eq(cx_log_new(&w->log), CX_OK);
    ck_assert_int_eq(cx_txlog_new(&w->tx), CX_OK);
    char id[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "c%zu", i);
        int phone = unif() < 0.5;
        const char *ch = phone ? "phone" : "chat";
        double t0 = 100 + unif() * 300;
        add_contact(w->log, id, unif() * 80, ch); /* history, before the eligible period */
        cx_txlog_append(w->tx, id, T0 + (int64_t)((t0 - 30) * DAY), 100);
        double u = unif(), pprob = phone ? 0.45 : 0.2;
        int g = u < 1 - pprob ? 0 : unif() < 0.65 ? 1 : 2;
        cx_interaction r;
        cx_interaction_init(&r, CX_INTERACTION_VERSION);
        r.customer = id;
        r.time = T0 + (int64_t)(t0 * DAY);
        cx_channel_parse(&r.channel, ch);
        r.problem = g > 0;
        if (g > 0)
            r.resolved = g == 1;
        ck_assert_int_eq(cx_log_append(w->log, &r), CX_OK);
        double pr = retain[g] - (phone ? 0.15 : 0);
        if (unif() < pr) {
            cx_interaction later;
            cx_interaction_init(&later, CX_INTERACTION_VERSION);
            later.customer = id;
            later.time = T0 + (int64_t)((t0 + 20) * DAY);
            later.nps = g == 1 ? 9 : g == 0 ? 8 : 4;
            ck_assert_int_eq(cx_log_append(w->log, &later), CX_OK);
            for (double d = t0 + 30; d < 730; d += 45)
                cx_txlog_append(w->tx, id, T0 + (int64_t)(d * DAY), 100);
        }
    }
}

static cx_effects_options opts_for_world(const char *confounders)
{
    cx_effects_options o;
    cx_effects_options_init(&o, CX_EFFECTS_OPTIONS_VERSION);
    o.start_time = T0;
    o.end_time = T0 + 730LL * DAY;
    o.confounders = confounders;
    return o;
}

/* the row of (outcome, comparison, method) */
static int find_row(const cx_effect_table *t, const char *outcome, const char *cmp,
                    const char *method)
{
    for (size_t r = 0; r < cx_effect_table_rows(t); r++) {
        const char *a, *b, *c;
        cx_effect_table_text(&a, t, r, 0);
        cx_effect_table_text(&b, t, r, 1);
        cx_effect_table_text(&c, t, r, 2);
        if (!strcmp(a, outcome) && !strcmp(b, cmp) && !strcmp(c, method))
            return (int)r;
    }
    return -1;
}

static double cell(const cx_effect_table *t, int row, const char *col)
{
    size_t c;
    ck_assert_int_eq(cx_effect_table_find(&c, t, col), CX_OK);
    double v;
    ck_assert_int_eq(cx_effect_table_value(&v, t, (size_t)row, c), CX_OK);
    return v;
}

static const char *verdict(const cx_effect_table *t, const char *outcome)
{
    int r = find_row(t, outcome, "resolved_vs_none", "verdict");
    ck_assert_int_ge(r, 0);
    const char *w;
    cx_effect_table_text(&w, t, (size_t)r, 3);
    return w;
}

START_TEST(recovery_paradox_present)
{
    double retain[3] = {0.70, 0.82, 0.40}; /* resolved customers stay more than no-problem ones */
    rworld w;
    recovery_world(&w, retain, 12345, 8000);
    cx_effects_options o = opts_for_world("channel");
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_recovery(&t, w.log, w.tx, &o), CX_OK);
    /* true risk difference resolved - none in each channel stratum is +0.12 */
    int r = find_row(t, "retained", "resolved_vs_none", "stratified");
    ck_assert_int_ge(r, 0);
    ck_assert(cell(t, r, "lower") < 0.12 && 0.12 < cell(t, r, "upper"));
    /* unadjusted is biased down by the channel mix (phone: more problems, less retention) */
    int u = find_row(t, "retained", "resolved_vs_none", "unadjusted");
    ck_assert(cell(t, u, "estimate") < cell(t, r, "estimate") - 0.02);
    ck_assert_str_eq(verdict(t, "retained"), "PRESENT");
    ck_assert_str_eq(verdict(t, "repurchase"), "PRESENT");
    /* unresolved customers do worse: -0.30 */
    r = find_row(t, "retained", "unresolved_vs_none", "stratified");
    ck_assert(cell(t, r, "lower") < -0.30 && -0.30 < cell(t, r, "upper"));
    /* regression-adjusted odds ratio > 1 */
    r = find_row(t, "retained", "resolved_vs_none", "regression");
    ck_assert(cell(t, r, "lower") > 1);
    /* later NPS: resolved 9 vs none 8, exactly */
    r = find_row(t, "nps_after", "resolved_vs_none", "unadjusted");
    ck_assert_double_eq_tol(cell(t, r, "estimate"), 1, 1e-9);
    ck_assert_ptr_nonnull(strstr(cx_effect_table_notes(t), "retained: recovery paradox PRESENT"));
    cx_effect_table_free(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(recovery_paradox_absent)
{
    double retain[3] = {0.70, 0.62, 0.40}; /* recovery repairs part of the damage only */
    rworld w;
    recovery_world(&w, retain, 999, 8000);
    cx_effects_options o = opts_for_world("channel");
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_recovery(&t, w.log, w.tx, &o), CX_OK);
    int r = find_row(t, "retained", "resolved_vs_none", "stratified");
    ck_assert(cell(t, r, "lower") < -0.08 && -0.08 < cell(t, r, "upper"));
    ck_assert_str_eq(verdict(t, "retained"), "ABSENT");
    r = find_row(t, "retained", "resolved_vs_unresolved", "stratified");
    ck_assert(cell(t, r, "lower") < 0.22 && 0.22 < cell(t, r, "upper"));
    cx_effect_table_free(t);
    /* without adjustment the comparison still runs (unadjusted verdict) */
    o.confounders = NULL;
    ck_assert_int_eq(cx_effects_recovery(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_str_eq(verdict(t, "retained"), "ABSENT");
    cx_effect_table_free(t);
    /* unknown confounder names the parameter */
    o.confounders = "channel,shoe_size";
    t = NULL;
    ck_assert_int_eq(cx_effects_recovery(&t, w.log, w.tx, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "confounders");
    ck_assert_ptr_null(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(recovery_outcomes_follow_the_definitions)
{
    double retain[3] = {0.7, 0.7, 0.7};
    rworld w;
    recovery_world(&w, retain, 77, 300);
    cx_effects_options o = opts_for_world(NULL);
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_outcomes(&t, w.log, w.tx, &o, CX_FIELD_PROBLEM, NULL), CX_OK);
    ck_assert_uint_eq(cx_effect_table_rows(t), 300);
    for (size_t r = 0; r < 300; r++) {
        double ret = cell(t, (int)r, "retained"), rep = cell(t, (int)r, "repurchase");
        double before = cell(t, (int)r, "spend_before"), after = cell(t, (int)r, "spend_after");
        double churned = cell(t, (int)r, "churned"), surv = cell(t, (int)r, "surv_days");
        double t0 = (cell(t, (int)r, "index_time") - T0) / DAY;
        ck_assert_double_eq(before, 100); /* the purchase 30 days before */
        ck_assert_double_eq(rep, ret);
        if (ret == 1) {
            /* purchases at t0 + 30 and t0 + 75 inside the 90-day window */
            ck_assert_double_eq(after, 200);
            ck_assert_double_eq(churned, 0);
            ck_assert_double_eq_tol(surv, 730 - t0, 1e-6);
            ck_assert(!isnan(cell(t, (int)r, "nps_after")));
        } else {
            ck_assert_double_eq(after, 0);
            ck_assert_double_eq(churned, 1);
            ck_assert_double_eq_tol(surv, 0, 1e-9);
            ck_assert(isnan(cell(t, (int)r, "nps_after")));
        }
        ck_assert_double_eq(cell(t, (int)r, "contacts_before"), 1);
    }
    cx_effect_table_free(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

/* Experience world: index contact with csat 1..5 at one of four touchpoints; the touchpoint
 * decides how much csat matters for retention; spend after depends on the experience. */
static const char *tps[] = {"repair", "billing", "onboarding", "web"};
static const double tp_slope[] = {3.0, 1.5, 0.5, 0.0};

typedef struct eworld {
    cx_log *log;
    cx_txlog *tx;
    double cls_n[3], cls_up[3], cls_down[3];
} eworld;

static void experience_world(eworld *w, uint64_t seed, size_t n)
{
    st_rng = seed;
    memset(w, 0, sizeof *w);
    ck_assert_int_eq(cx_log_new(&w->log), CX_OK);
    ck_assert_int_eq(cx_txlog_new(&w->tx), CX_OK);
    static const double cdf[] = {0.1, 0.25, 0.5, 0.8, 1.0};
    char id[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "e%zu", i);
        double t0 = 100 + unif() * 300, u = unif();
        int csat = 1;
        while (u > cdf[csat - 1])
            csat++;
        int k = (int)(unif() * 4);
        cx_interaction r;
        cx_interaction_init(&r, CX_INTERACTION_VERSION);
        r.customer = id;
        r.time = T0 + (int64_t)(t0 * DAY);
        r.touchpoint = tps[k];
        r.csat = csat;
        r.csat_min = 1;
        r.csat_max = 5;
        r.attentiveness = fmin(1, fmax(0, (csat - 1) / 4.0 + 0.2 * (unif() - 0.5)));
        ck_assert_int_eq(cx_log_append(w->log, &r), CX_OK);
        cx_txlog_append(w->tx, id, T0 + (int64_t)((t0 - 30) * DAY), 100);
        double eta = -0.5 + tp_slope[k] * (csat - 1) / 4.0;
        int cls = csat <= 2 ? 0 : csat == 3 ? 1 : 2;
        w->cls_n[cls]++;
        if (unif() < 1 / (1 + exp(-eta))) {
            /* stays: spends more after a positive experience (85%), less after a negative one
             * (70%) */
            double v = unif(), amount = 100;
            double up = cls == 2 ? 0.85 : cls == 1 ? 0.3 : 0.1;
            double down = cls == 0 ? 0.7 : cls == 1 ? 0.3 : 0.05;
            if (v < up)
                amount = 150;
            else if (v < up + down)
                amount = 50;
            cx_txlog_append(w->tx, id, T0 + (int64_t)((t0 + 20) * DAY), amount);
            for (double d = t0 + 120; d < 730; d += 45)
                cx_txlog_append(w->tx, id, T0 + (int64_t)(d * DAY), 100);
            w->cls_up[cls] += amount > 100;
            w->cls_down[cls] += amount < 100;
        } else {
            /* leaves after a last purchase 100..200 days later (outside the window) */
            cx_txlog_append(w->tx, id, T0 + (int64_t)((t0 + 100 + 100 * unif()) * DAY), 100);
            w->cls_down[cls] += 1;
        }
    }
}

START_TEST(table_accessors_check_their_arguments)
{
    eworld w;
    experience_world(&w, 5, 2000);
    cx_effects_options o = opts_for_world(NULL);
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_spend(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_uint_eq(cx_effect_table_cols(t), 11);
    ck_assert_str_eq(cx_effect_table_col_name(t, 0), "experience");
    ck_assert_ptr_null(cx_effect_table_col_name(t, 11));
    ck_assert_int_eq(cx_effect_table_col_is_text(t, 0), 1);
    ck_assert_int_eq(cx_effect_table_col_is_text(t, 1), 0);
    ck_assert_int_eq(cx_effect_table_col_is_text(t, 99), -1);
    double v = -7, col[3];
    const char *s = NULL;
    ck_assert_int_eq(cx_effect_table_value(&v, t, 0, 0), CX_EINVAL); /* text column */
    ck_assert_int_eq(cx_effect_table_value(&v, t, 3, 1), CX_ERANGE); /* row out of range */
    ck_assert_str_eq(cx_error_last()->param, "row");
    ck_assert_int_eq(cx_effect_table_text(&s, t, 0, 1), CX_EINVAL);
    ck_assert_double_eq(v, -7);
    ck_assert_ptr_null(s);
    size_t c;
    ck_assert_int_eq(cx_effect_table_find(&c, t, "no_such_column"), CX_ERANGE);
    ck_assert_int_eq(cx_effect_table_column(col, 2, t, 1), CX_EINVAL);
    ck_assert_int_eq(cx_effect_table_column(col, 3, t, 1), CX_OK);
    ck_assert_double_eq(col[0] + col[1] + col[2], 2000);
    ck_assert_str_eq(cx_effect_table_title(NULL), "");
    ck_assert_uint_eq(cx_effect_table_rows(NULL), 0);
    cx_effect_table_free(t);
    cx_effect_table_free(NULL);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(touchpoints_rank_moments_of_truth)
{
    eworld w;
    experience_world(&w, 4242, 12000);
    cx_effects_options o = opts_for_world(NULL);
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_touchpoints(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_uint_eq(cx_effect_table_rows(t), 4);
    for (int r = 0; r < 4; r++) {
        const char *name;
        cx_effect_table_text(&name, t, (size_t)r, 0);
        ck_assert_str_eq(name, tps[r]); /* ranked by the true slopes */
        ck_assert_double_eq(cell(t, r, "rank"), r + 1);
        ck_assert_msg(cell(t, r, "lower") < tp_slope[r] && tp_slope[r] < cell(t, r, "upper"),
                      "%s: %g [%g, %g]", name, cell(t, r, "retention_logodds"), cell(t, r, "lower"),
                      cell(t, r, "upper"));
    }
    cx_effect_table_free(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(spend_response_shares)
{
    eworld w;
    experience_world(&w, 777, 6000);
    cx_effects_options o = opts_for_world(NULL);
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_spend(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_uint_eq(cx_effect_table_rows(t), 3);
    for (int c = 0; c < 3; c++) {
        double n = cell(t, c, "n");
        ck_assert_double_eq(n, w.cls_n[c]);
        ck_assert_double_eq_tol(cell(t, c, "increase"), w.cls_up[c] / n, 1e-12);
        ck_assert_double_eq_tol(cell(t, c, "decrease"), w.cls_down[c] / n, 1e-12);
        /* Wilson interval by its formula */
        double p = w.cls_up[c] / n, z = 1.959963984540054;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        ck_assert_double_eq_tol(cell(t, c, "increase_lower"), centre - half, 1e-12);
        ck_assert_double_eq_tol(cell(t, c, "increase_upper"), centre + half, 1e-12);
    }
    /* positive experiences: most customers increase; negative: most decrease */
    ck_assert(cell(t, 2, "increase") > 0.5);
    ck_assert(cell(t, 0, "decrease") > 0.7);
    cx_effect_table_free(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(retention_zones_and_churn)
{
    eworld w;
    experience_world(&w, 31337, 8000);
    cx_effects_options o = opts_for_world(NULL);
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_effects_retention(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_uint_eq(cx_effect_table_rows(t), 3); /* intercept, csat, attentiveness */
    ck_assert(cell(t, 1, "estimate") + cell(t, 2, "estimate") / 4 > 0);
    cx_effect_table_free(t);
    o.covariates = "csat";
    ck_assert_int_eq(cx_effects_retention(&t, w.log, w.tx, &o), CX_OK);
    /* average slope per csat point: (3 + 1.5 + 0.5 + 0) / 4 / 4 ~ 0.31 (logit attenuates a bit) */
    ck_assert(cell(t, 1, "lower") > 0.15 && cell(t, 1, "upper") < 0.45);
    cx_effect_table_free(t);
    ck_assert_int_eq(cx_effects_zones(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_uint_eq(cx_effect_table_rows(t), 3);
    ck_assert(cell(t, 0, "retention") < cell(t, 2, "retention"));
    cx_effect_table_free(t);
    ck_assert_int_eq(cx_effects_churn(&t, w.log, w.tx, &o), CX_OK);
    ck_assert(cell(t, 0, "hr_upper") < 1); /* more satisfied, less churn */
    cx_effect_table_free(t);
    ck_assert_int_eq(cx_effects_churn_curves(&t, w.log, w.tx, &o), CX_OK);
    ck_assert_ptr_nonnull(strstr(cx_effect_table_notes(t), "log-rank test across 3 segments"));
    /* the negative segment's curve ends lower than the positive one's */
    double last_neg = 1, last_pos = 1;
    for (size_t r = 0; r < cx_effect_table_rows(t); r++) {
        const char *s;
        cx_effect_table_text(&s, t, r, 0);
        if (!strcmp(s, "negative"))
            last_neg = cell(t, (int)r, "surv");
        if (!strcmp(s, "positive"))
            last_pos = cell(t, (int)r, "surv");
    }
    ck_assert(last_neg < last_pos);
    cx_effect_table_free(t);
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

START_TEST(edge_cases)
{
    cx_log *log = NULL;
    cx_effect_table *t = NULL;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    cx_effects_options o = opts_for_world(NULL);
    /* empty log */
    ck_assert_int_eq(cx_effects_recovery(&t, log, NULL, &o), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "log");
    /* a group with no customers: nobody had a problem resolved */
    char id[16];
    for (int i = 0; i < 20; i++) {
        cx_interaction r;
        cx_interaction_init(&r, CX_INTERACTION_VERSION);
        snprintf(id, sizeof id, "x%d", i);
        r.customer = id;
        r.time = T0 + (int64_t)(200 + i) * DAY;
        r.problem = i % 2;
        if (i % 2)
            r.resolved = 0;
        ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
    }
    ck_assert_int_eq(cx_effects_recovery(&t, log, NULL, &o), CX_ERANGE);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "'resolved' has no customers"));
    /* window too long for the period */
    o.window_days = 400;
    ck_assert_int_eq(cx_effects_recovery(&t, log, NULL, &o), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "window_days");
    o.window_days = -1;
    ck_assert_int_eq(cx_effects_spend(&t, log, NULL, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "window_days");
    o.window_days = 90;
    /* no csat anywhere */
    ck_assert_int_eq(cx_effects_spend(&t, log, NULL, &o), CX_ERANGE);
    /* nobody churns (censoring everywhere): everyone active to the end */
    ck_assert_int_eq(cx_effects_churn(&t, log, NULL, &o), CX_ERANGE);
    ck_assert_ptr_null(t);
    cx_effects_options bad;
    memset(&bad, 0, sizeof bad);
    ck_assert_int_eq(cx_effects_spend(&t, log, NULL, &bad), CX_EINVAL);
    cx_log_free(log);
}
END_TEST

START_TEST(allocation_failures)
{
    double retain[3] = {0.7, 0.8, 0.4};
    rworld w;
    recovery_world(&w, retain, 5, 200);
    cx_effects_options o = opts_for_world("channel,spend_before");
    for (long k = 0; k < 200; k += 3) {
        long live = cx__alloc_live();
        cx__alloc_fail_after(k, 0);
        cx_effect_table *t = NULL;
        cx_status st = cx_effects_recovery(&t, w.log, w.tx, &o);
        cx__alloc_fail_after(-1, 0);
        ck_assert(st == CX_OK || st == CX_ENOMEM);
        ck_assert((st == CX_OK) == (t != NULL));
        cx_effect_table_free(t);
        ck_assert_int_eq(cx__alloc_live(), live);
    }
    cx_log_free(w.log);
    cx_txlog_free(w.tx);
}
END_TEST

Suite *cx_suite_effects_log(void)
{
    Suite *s = suite_create("effects_log");
    TCase *tc = tcase_create("effects_log");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, recovery_paradox_present);
    tcase_add_test(tc, recovery_paradox_absent);
    tcase_add_test(tc, recovery_outcomes_follow_the_definitions);
    tcase_add_test(tc, table_accessors_check_their_arguments);
    tcase_add_test(tc, touchpoints_rank_moments_of_truth);
    tcase_add_test(tc, spend_response_shares);
    tcase_add_test(tc, retention_zones_and_churn);
    tcase_add_test(tc, edge_cases);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}
