/* The simulator: validated parameters, consistent scenarios, determinism across thread counts,
 * interventions moving outcomes the documented way, plugins, calibration targets and faults. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cxkit/cxkit.h>
#include <cxkit/sim.h>
#include <cxkit/drivers.h>
#include "internal.h"
#include "../../lib/sim/sim_internal.h"
#include "suites.h"

static cx_sim_params *small_params(double customers, double periods)
{
    cx_sim_params *p = NULL;
    ck_assert_int_eq(cx_sim_params_new(&p), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "customers", customers), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "periods", periods), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "employees", 40), CX_OK);
    return p;
}

static cx_sim_result *run(const cx_sim_params *p, uint64_t seed, unsigned threads, int record)
{
    cx_sim_options o;
    ck_assert_int_eq(cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION), CX_OK);
    o.seed = seed;
    o.threads = threads;
    o.record_interactions = o.record_transactions = record;
    cx_sim_result *r = NULL;
    cx_status st = cx_sim_run(&r, p, &o);
    ck_assert_msg(st == CX_OK, "run failed: %s", cx_error_last()->message);
    return r;
}

static double series_mean(const cx_sim_result *r, int series, size_t from)
{
    size_t P = cx_sim_result_periods(r);
    double *x = malloc(P * sizeof *x), s = 0;
    ck_assert_int_eq(cx_sim_result_series(x, P, r, series), CX_OK);
    for (size_t t = from; t < P; t++)
        s += x[t];
    free(x);
    return s / (double)(P - from);
}

static double stat(const cx_sim_result *r, int which)
{
    double v;
    ck_assert_int_eq(cx_sim_result_stat(&v, r, which), CX_OK);
    return v;
}

START_TEST(parameter_table_is_complete)
{
    cx_sim_params *p;
    ck_assert_int_eq(cx_sim_params_new(&p), CX_OK);
    ck_assert_uint_gt(cx_sim_param_count(), 80);
    for (size_t i = 0; i < cx_sim_param_count(); i++) {
        const char *name, *meaning, *source, *unc;
        double def, lo, hi, v;
        ck_assert_int_eq(cx_sim_param_info(i, &name, &def, &lo, &hi, &meaning, &source, &unc),
                         CX_OK);
        ck_assert(lo <= def && def <= hi);
        ck_assert(strlen(meaning) > 5 && strlen(source) > 0 && strlen(unc) > 0);
        ck_assert_int_eq(cx_sim_params_get(&v, p, name), CX_OK);
        ck_assert(v == def);
        for (size_t k = 0; k < i; k++) { /* names are unique */
            const char *other;
            cx_sim_param_info(k, &other, NULL, NULL, NULL, NULL, NULL, NULL);
            ck_assert_str_ne(other, name);
        }
    }
    ck_assert_int_eq(
        cx_sim_param_info(cx_sim_param_count(), NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        CX_ERANGE);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(setters_name_the_parameter)
{
    cx_sim_params *p;
    double v;
    ck_assert_int_eq(cx_sim_params_new(&p), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "leadership", 1.5), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "leadership");
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "[0, 1]"));
    ck_assert_int_eq(cx_sim_params_set(p, "leadership", NAN), CX_EINVAL);
    ck_assert_int_eq(cx_sim_params_get(&v, p, "leadership"), CX_OK);
    ck_assert(v == 0.5); /* unchanged */
    ck_assert_int_eq(cx_sim_params_set(p, "customers", 10.5), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "customers");
    ck_assert_int_eq(cx_sim_params_set(p, "no_such_thing", 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "no_such_thing");
    ck_assert_int_eq(cx_sim_params_set(p, "leadership", 0.9), CX_OK);
    ck_assert_int_eq(cx_sim_params_get(&v, p, "leadership"), CX_OK);
    ck_assert(v == 0.9);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_COACHING, 5, 3, 0.5),
                     CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "end");
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_COACHING, 5, 0, 2), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "magnitude");
    ck_assert_int_eq(cx_sim_params_add_intervention(p, (cx_sim_lever)99, 5, 0, 0.1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "lever");
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "x", 1, 1.5, 0.1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "emotional_weight");
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "advice", 1, 0.5, 0.1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "name"); /* duplicate */
    cx_sim_lever lv;
    ck_assert_int_eq(cx_sim_lever_parse(&lv, "channel_shift"), CX_OK);
    ck_assert_int_eq(lv, CX_SIM_LEVER_CHANNEL_SHIFT);
    ck_assert_int_eq(cx_sim_lever_parse(&lv, "pep talk"), CX_EINVAL);
    for (int i = 0; i < CX_SIM_LEVER_COUNT; i++) {
        ck_assert_int_eq(cx_sim_lever_parse(&lv, cx_sim_lever_name(i)), CX_OK);
        ck_assert_int_eq(lv, i);
    }
    cx_sim_params_free(p);
}
END_TEST

START_TEST(inconsistent_scenarios_are_refused)
{
    cx_sim_params *p = small_params(100, 4);
    cx_sim_result *r = NULL;
    ck_assert_int_eq(cx_sim_params_set(p, "mix_phone", 0.5), CX_OK); /* mix now sums to 1.15 */
    ck_assert_int_eq(cx_sim_run(&r, p, NULL), CX_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(cx_error_last()->param, "mix_in_person");
    ck_assert_int_eq(cx_sim_params_set(p, "mix_phone", 0.35), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "failure_penalty", 0.8), CX_OK);
    ck_assert_int_eq(cx_sim_params_validate(p), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "severe_penalty");
    ck_assert_int_eq(cx_sim_params_set(p, "failure_penalty", 0.3), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_TRAINING, 10, 0, 0.5), CX_OK);
    ck_assert_int_eq(cx_sim_params_validate(p), CX_EINVAL); /* starts after the last period */
    ck_assert_str_eq(cx_error_last()->param, "start");
    ck_assert_int_eq(cx_sim_params_clear_interventions(p), CX_OK);
    ck_assert_int_eq(cx_sim_params_clear_touchpoints(p), CX_OK);
    ck_assert_int_eq(cx_sim_params_validate(p), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "touchpoints");
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "only", 1, 1, 0.1), CX_OK);
    ck_assert_int_eq(cx_sim_params_validate(p), CX_OK);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(series_are_consistent)
{
    cx_sim_params *p = small_params(3000, 20);
    cx_sim_result *r = run(p, 7, 1, 1);
    size_t P = cx_sim_result_periods(r);
    ck_assert_uint_eq(P, 20);
    double active[20], ret[20], inter[20], ci[20], cd[20], co[20], csat[20], nps[20];
    cx_sim_result_series(active, P, r, CX_SIM_SERIES_ACTIVE);
    cx_sim_result_series(ret, P, r, CX_SIM_SERIES_RETENTION);
    cx_sim_result_series(inter, P, r, CX_SIM_SERIES_INTERACTIONS);
    cx_sim_result_series(ci, P, r, CX_SIM_SERIES_CHURN_INDIFFERENCE);
    cx_sim_result_series(cd, P, r, CX_SIM_SERIES_CHURN_DISSATISFACTION);
    cx_sim_result_series(co, P, r, CX_SIM_SERIES_CHURN_OTHER);
    cx_sim_result_series(csat, P, r, CX_SIM_SERIES_CSAT);
    cx_sim_result_series(nps, P, r, CX_SIM_SERIES_NPS);
    double prev = 3000, total_inter = 0;
    for (size_t t = 0; t < P; t++) {
        /* churners + survivors = customers alive at the start of the period */
        ck_assert(active[t] + ci[t] + cd[t] + co[t] == prev);
        ck_assert(fabs(ret[t] - active[t] / prev) < 1e-12);
        prev = active[t];
        ck_assert(csat[t] >= 1 && csat[t] <= 5);
        ck_assert(nps[t] >= -100 && nps[t] <= 100);
        total_inter += inter[t];
    }
    ck_assert(total_inter == (double)cx_sim_result_interaction_count(r));
    ck_assert(total_inter == stat(r, CX_SIM_STAT_INTERACTIONS));
    /* about contact_rate (0.3) contacts per customer-period */
    double rate = total_inter / stat(r, CX_SIM_STAT_CUSTOMER_PERIODS);
    ck_assert_msg(fabs(rate - 0.3) < 0.01, "contact rate %g", rate);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

static void assert_same(const cx_sim_result *a, const cx_sim_result *b)
{
    size_t P = cx_sim_result_periods(a);
    ck_assert_uint_eq(P, cx_sim_result_periods(b));
    double *x = malloc(P * sizeof *x), *y = malloc(P * sizeof *y);
    for (int s = 0; s < CX_SIM_SERIES_COUNT; s++) {
        cx_sim_result_series(x, P, a, s);
        cx_sim_result_series(y, P, b, s);
        ck_assert_msg(memcmp(x, y, P * sizeof *x) == 0, "series %s differs", cx_sim_series_name(s));
    }
    for (int s = 0; s < CX_SIM_STAT_COUNT; s++) {
        double u = stat(a, s), v = stat(b, s);
        ck_assert_msg(memcmp(&u, &v, sizeof u) == 0, "stat %s differs", cx_sim_stat_name(s));
    }
    ck_assert_uint_eq(a->n_recs, b->n_recs);
    ck_assert_uint_eq(a->n_txs, b->n_txs);
    ck_assert(memcmp(a->recs, b->recs, a->n_recs * sizeof *a->recs) == 0);
    ck_assert(memcmp(a->txs, b->txs, a->n_txs * sizeof *a->txs) == 0);
    free(x);
    free(y);
}

START_TEST(bit_identical_whatever_the_thread_count)
{
    cx_sim_params *p = small_params(5000, 12); /* 5 blocks */
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_COACHING, 3, 0, 0.5), CX_OK);
    cx_sim_result *r1 = run(p, 42, 1, 1), *r2 = run(p, 42, 2, 1), *r3 = run(p, 42, 3, 1);
    cx_sim_result *r8 = run(p, 42, 8, 1);
    assert_same(r1, r2);
    assert_same(r1, r3);
    assert_same(r1, r8);
    cx_sim_result *other = run(p, 43, 2, 1);
    ck_assert(stat(other, CX_SIM_STAT_INTERACTIONS) != stat(r1, CX_SIM_STAT_INTERACTIONS));
    cx_sim_result_free(r1);
    cx_sim_result_free(r2);
    cx_sim_result_free(r3);
    cx_sim_result_free(r8);
    cx_sim_result_free(other);
    cx_sim_params_free(p);
}
END_TEST

/* Compare a what-if with the baseline under the same seed (common random numbers). */
static void whatif(cx_sim_params *base, cx_sim_params *alt, int series, size_t from, double *b,
                   double *a)
{
    cx_sim_result *rb = run(base, 11, 2, 0), *ra = run(alt, 11, 2, 0);
    *b = series_mean(rb, series, from);
    *a = series_mean(ra, series, from);
    cx_sim_result_free(rb);
    cx_sim_result_free(ra);
}

START_TEST(levers_move_the_chain_the_documented_way)
{
    cx_sim_params *base = small_params(4000, 30), *alt;
    double b, a;
    /* coaching: attentiveness, CSAT and bond up */
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_COACHING, 2, 0, 0.6), CX_OK);
    whatif(base, alt, CX_SIM_SERIES_ATTENTIVENESS, 20, &b, &a);
    ck_assert_msg(a > b + 0.03, "attentiveness %g vs %g", a, b);
    whatif(base, alt, CX_SIM_SERIES_CSAT, 20, &b, &a);
    ck_assert_msg(a > b + 0.05, "csat %g vs %g", a, b);
    whatif(base, alt, CX_SIM_SERIES_BOND, 29, &b, &a);
    ck_assert_msg(a > b, "bond %g vs %g", a, b);
    cx_sim_params_free(alt);
    /* understaffing: engagement and attentiveness down, indifference churn up */
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_STAFFING, 0, 0, -0.3), CX_OK);
    whatif(base, alt, CX_SIM_SERIES_ENGAGEMENT, 10, &b, &a);
    ck_assert_msg(a < b - 0.05, "engagement %g vs %g", a, b);
    whatif(base, alt, CX_SIM_SERIES_CHURN_INDIFFERENCE, 0, &b, &a);
    ck_assert_msg(a > b, "indifference churn %g vs %g", a, b);
    cx_sim_params_free(alt);
    /* moving contacts online: weaker bonds */
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_CHANNEL_SHIFT, 0, 0, 0.8),
                     CX_OK);
    whatif(base, alt, CX_SIM_SERIES_BOND, 20, &b, &a);
    ck_assert_msg(a < b, "bond %g vs %g after moving contacts online", a, b);
    whatif(base, alt, CX_SIM_SERIES_INTERACTIONS, 0, &b, &a);
    ck_assert(fabs(a - b) / b < 0.02); /* same contacts, other channel */
    cx_sim_params_free(alt);
    /* talking with customers: perception gap shrinks */
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_CUSTOMER_TALK, 0, 0, 1),
                     CX_OK);
    whatif(base, alt, CX_SIM_SERIES_PERCEPTION_GAP, 0, &b, &a);
    ck_assert_msg(a < b - 0.3, "gap %g vs %g", a, b);
    cx_sim_params_free(alt);
    /* a target-driven culture: less authentic -> lower CSAT */
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_CULTURE, 0, 0, -0.4), CX_OK);
    whatif(base, alt, CX_SIM_SERIES_CSAT, 0, &b, &a);
    ck_assert_msg(a < b - 0.05, "csat %g vs %g", a, b);
    cx_sim_params_free(alt);
    cx_sim_params_free(base);
}
END_TEST

START_TEST(learning_has_diminishing_returns)
{
    /* Equal coaching in each of two windows buys less attentiveness the second time. */
    cx_sim_params *p = small_params(10, 40);
    ck_assert_int_eq(cx_sim_params_set(p, "employees", 500), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_TRAINING, 10, 20, 1), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_TRAINING, 30, 40, 1), CX_OK);
    cx_sim_result *r = run(p, 3, 1, 0);
    double a[40];
    cx_sim_result_series(a, 40, r, CX_SIM_SERIES_ATTENTIVENESS);
    double first = a[19] - a[9], second = a[39] - a[29];
    ck_assert_msg(first > 0 && second > 0 && second < 0.8 * first, "gains %g then %g", first,
                  second);
    ck_assert(a[25] == a[29]); /* no training, no change */
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(calibration_targets)
{
    /* docs/simulator.md, "Calibration": tolerances widen as the source's reliability falls. */
    cx_sim_params *p = NULL;
    ck_assert_int_eq(cx_sim_params_new(&p), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "customers", 20000), CX_OK);
    cx_sim_result *r = run(p, 2024, 0, 0);
    double pos = stat(r, CX_SIM_STAT_MOT_POSITIVE_INCREASE);
    double neg = stat(r, CX_SIM_STAT_MOT_NEGATIVE_REDUCE);
    double emp = stat(r, CX_SIM_STAT_EMPLOYEE_SUPERIOR);
    double cus = stat(r, CX_SIM_STAT_CUSTOMER_SUPERIOR);
    double noprob = stat(r, CX_SIM_STAT_CSAT_NO_PROBLEM);
    double srp = stat(r, CX_SIM_STAT_CSAT_RECOVERED_PARADOX);
    double other = stat(r, CX_SIM_STAT_CSAT_RECOVERED_OTHER);
    double ind = stat(r, CX_SIM_STAT_CHURN_SHARE_INDIFFERENCE);
    double dis = stat(r, CX_SIM_STAT_CHURN_SHARE_DISSATISFACTION);
    double oth = stat(r, CX_SIM_STAT_CHURN_SHARE_OTHER);
    /* Beaujean et al. 2006 (medium reliability): 85% / 72%, +-4 points */
    ck_assert_msg(fabs(pos - 0.85) <= 0.04, "positive moments -> more business: %g", pos);
    ck_assert_msg(fabs(neg - 0.72) <= 0.04, "negative moments -> less business: %g", neg);
    /* Bain 2005 (medium-low): 80% of the front line vs 8% of customers, +-8 / +-5 points */
    ck_assert_msg(fabs(emp - 0.80) <= 0.08, "employees rating superior: %g", emp);
    ck_assert_msg(fabs(cus - 0.08) <= 0.05, "customers rating superior: %g", cus);
    /* recovery paradox (de Matos 2007, Michel & Meuter 2008): small, and only first/mild */
    ck_assert_msg(srp > noprob && srp - noprob <= 0.35, "paradox %g vs no problem %g", srp, noprob);
    ck_assert_msg(other < noprob, "repeat/severe recovered %g vs no problem %g", other, noprob);
    /* folklore (very low): only that indifference is the largest cause */
    ck_assert_msg(ind > dis && ind > oth, "churn causes %g %g %g", ind, dis, oth);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

/* ---- plugins ---- */

typedef struct sat_check {
    double sat_base, sat_expectation, gain_pos, gain_neg;
    long checked, freed;
} sat_check;

/* Recomputes the documented satisfaction equation from the inputs (no failure -> no srp term)
 * and returns the default unchanged. */
static int check_sat(double *out, size_t n_out, const double *in, size_t n_in, void *payload)
{
    sat_check *c = payload;
    if (n_out != 1 || n_in != 9)
        return -1;
    if (in[3] == 0) {
        double d = in[1] - in[0];
        double s = c->sat_base + c->sat_expectation * (in[0] - 0.5) +
                   c->gain_pos * (d > 0 ? d : 0) + c->gain_neg * (d < 0 ? d : 0);
        s = s < 0 ? 0 : (s > 1 ? 1 : s);
        if (fabs(s - in[8]) > 1e-12)
            return -2;
        c->checked++;
    }
    out[0] = in[8];
    return 0;
}

static void count_free(void *payload)
{
    ((sat_check *)payload)->freed++;
}

START_TEST(satisfaction_plugin_sees_the_documented_default)
{
    cx_sim_params *p = small_params(500, 6);
    sat_check c = {0.64, 0.2, 0.8, 1.3, 0, 0};
    ck_assert_int_eq(
        cx_sim_params_set_rule(p, CX_SIM_RULE_SATISFACTION, "check", 0, check_sat, &c, count_free),
        CX_OK);
    cx_sim_result *with = run(p, 5, 2, 0);
    ck_assert_int_gt(c.checked, 500);
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_SATISFACTION, NULL, 0, NULL, NULL, NULL),
                     CX_OK);
    ck_assert_int_eq(c.freed, 1);
    cx_sim_result *without = run(p, 5, 2, 0);
    assert_same(with, without); /* returning the default changes nothing */
    cx_sim_result_free(with);
    cx_sim_result_free(without);
    cx_sim_params_free(p);
}
END_TEST

/* A custom recovery rule: any resolved failure leaves the customer delighted. */
static int delight_on_recovery(double *out, size_t n_out, const double *in, size_t n_in,
                               void *payload)
{
    (void)n_out, (void)n_in, (void)payload;
    out[0] = (in[3] == 1 && in[4] == 1) ? 1.0 : in[8];
    return 0;
}

START_TEST(recovery_plugin_changes_the_outcome)
{
    cx_sim_params *p = small_params(4000, 10);
    cx_sim_result *base = run(p, 9, 2, 0);
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_SATISFACTION, "delight",
                                            CX_SIM_RULE_THREAD_SAFE, delight_on_recovery, NULL,
                                            NULL),
                     CX_OK);
    cx_sim_result *alt = run(p, 9, 2, 0);
    /* recovered customers now rate 5 (rating noise cannot pull 1.0 below 5) */
    ck_assert(stat(alt, CX_SIM_STAT_CSAT_RECOVERED_OTHER) == 5);
    ck_assert(stat(base, CX_SIM_STAT_CSAT_RECOVERED_OTHER) < 4.5);
    /* contacts without failures are untouched */
    ck_assert(stat(alt, CX_SIM_STAT_CSAT_NO_PROBLEM) == stat(base, CX_SIM_STAT_CSAT_NO_PROBLEM) ||
              fabs(stat(alt, CX_SIM_STAT_CSAT_NO_PROBLEM) -
                   stat(base, CX_SIM_STAT_CSAT_NO_PROBLEM)) < 0.05);
    ck_assert(series_mean(alt, CX_SIM_SERIES_BOND, 9) > series_mean(base, CX_SIM_SERIES_BOND, 9));
    cx_sim_result_free(base);
    cx_sim_result_free(alt);
    cx_sim_params_free(p);
}
END_TEST

static int returns_nan(double *out, size_t n_out, const double *in, size_t n_in, void *payload)
{
    (void)n_in, (void)payload;
    for (size_t i = 0; i < n_out; i++)
        out[i] = in[0] > 0.5 ? NAN : 0.01;
    return 0;
}

static int raises(double *out, size_t n_out, const double *in, size_t n_in, void *payload)
{
    (void)out, (void)n_out, (void)in, (void)n_in, (void)payload;
    return 7;
}

START_TEST(failing_plugins_are_named)
{
    cx_sim_params *p = small_params(2000, 5);
    cx_sim_result *r = NULL;
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_CHURN, "nan-churn",
                                            CX_SIM_RULE_THREAD_SAFE, returns_nan, NULL, NULL),
                     CX_OK);
    ck_assert_int_eq(cx_sim_run(&r, p, NULL), CX_EUSER);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(cx_error_last()->param, "nan-churn");
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "nan"));
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_CHURN, NULL, 0, NULL, NULL, NULL),
                     CX_OK);
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_LOYALTY, "boom", 0, raises, NULL, NULL),
                     CX_OK);
    ck_assert_int_eq(cx_sim_run(&r, p, NULL), CX_EUSER);
    ck_assert_str_eq(cx_error_last()->param, "boom");
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "returned 7"));
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_LOYALTY, NULL, 0, NULL, NULL, NULL),
                     CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_TRAINING, 0, 0, 0.5), CX_OK);
    ck_assert_int_eq(
        cx_sim_params_set_rule(p, CX_SIM_RULE_LEARNING, "learn", 0, raises, NULL, NULL), CX_OK);
    ck_assert_int_eq(cx_sim_run(&r, p, NULL), CX_EUSER);
    ck_assert_str_eq(cx_error_last()->param, "learn");
    /* a failing set_rule still releases the payload */
    sat_check c = {0};
    ck_assert_int_eq(cx_sim_params_set_rule(p, (cx_sim_rule)9, "x", 0, check_sat, &c, count_free),
                     CX_EINVAL);
    ck_assert_int_eq(c.freed, 1);
    cx_sim_params_free(p);
}
END_TEST

static int cancel_at_two(double done, double total, void *payload)
{
    (void)total;
    *(int *)payload += 1;
    return done >= 2;
}

/* The kernel's shortcuts give the same results as the documented forms: integer cuts decide
 * u < p exactly as the double comparison does, and the one-product triangular noise equals
 * sqrt(6) (u1 + u2 - 1) bit for bit. */
START_TEST(integer_cuts_match_uniform_comparisons)
{
    const double ps[] = {
        0,           1,           0.3,         0.5, 0x1p-33,           0x1p-32,        3 * 0x1p-33,
        1 - 0x1p-53, 1 - 0x1p-32, 0.999999999, 0.1, nextafter(0.5, 0), 12345 * 0x1p-32};
    uint64_t halves[] = {0,
                         1,
                         2,
                         0x7fffffffu,
                         0x80000000u,
                         0xfffffffeu,
                         0xffffffffu,
                         (uint64_t)(0.3 * 0x1p32),
                         (uint64_t)(0.3 * 0x1p32) + 1,
                         12344,
                         12345,
                         12346,
                         429496729u,
                         429496730u};
    size_t nh = sizeof halves / sizeof *halves;
    struct cx_rng r;
    cx__rng_seed(&r, 99, 0);
    size_t mismatches = 0, checked = 0;
    for (size_t a = 0; a < sizeof ps / sizeof *ps; a++) {
        uint64_t cut = cx__sim_cut(ps[a]);
        for (size_t i = 0; i < nh + 2000; i++) {
            uint64_t hi = i < nh ? halves[i] : cx__rng_next(&r) >> 32;
            uint64_t lo = i < nh ? halves[nh - 1 - i] : cx__rng_next(&r) & 0xffffffffu;
            uint64_t x = hi << 32 | lo;
            mismatches += cx__sim_hi_below(x, cut) != (cx__sim_u_hi(x) < ps[a]);
            mismatches += cx__sim_lo_below(x, cut) != (cx__sim_u_lo(x) < ps[a]);
            double tri = 2.449489742783178 * (cx__sim_u_hi(x) + cx__sim_u_lo(x) - 1.0);
            mismatches += memcmp(&tri, &(double){cx__sim_tri(x)}, sizeof tri) != 0;
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 20000);
    ck_assert_uint_eq(mismatches, 0);
    /* the comparisons do depend on the cut: u = 0.3 - 2^-32 is below 0.3, u = 0.3 + 2^-32 not */
    uint64_t k = cx__sim_cut(0.3);
    ck_assert(cx__sim_hi_below((k - 1) << 32, k) && !cx__sim_hi_below(k << 32, k));
    ck_assert_uint_eq(cx__sim_cut(0), 0);
    ck_assert_uint_eq(cx__sim_cut(1), (uint64_t)1 << 32);
}
END_TEST

START_TEST(progress_can_cancel)
{
    cx_sim_params *p = small_params(5000, 3);
    cx_sim_options o;
    cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    int calls = 0;
    o.threads = 1;
    o.progress = cancel_at_two;
    o.progress_payload = &calls;
    cx_sim_result *r = NULL;
    ck_assert_int_eq(cx_sim_run(&r, p, &o), CX_EUSER);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(calls, 2);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(allocation_failures_leave_nothing_behind)
{
    cx_sim_params *p = small_params(1500, 3);
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_COACHING, 1, 0, 0.3), CX_OK);
    cx_sim_options o;
    cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    o.threads = 1; /* the failure hook is per thread */
    long live = cx__alloc_live();
    for (long k = 0;; k++) {
        cx_sim_result *r = NULL;
        cx__alloc_fail_after(k, 0);
        cx_status st = cx_sim_run(&r, p, &o);
        long failures = cx__alloc_failures();
        cx__alloc_fail_after(-1, 0);
        if (st == CX_OK) {
            ck_assert_int_eq(failures, 0);
            /* converting to logs fails cleanly at every allocation too */
            for (long m = 0;; m++) {
                cx_log *log = NULL;
                cx_txlog *tx = NULL;
                cx__alloc_fail_after(m, 0);
                cx_status a = cx_sim_result_to_log(&log, r);
                cx_status b = a == CX_OK ? cx_sim_result_to_txlog(&tx, r) : CX_ENOMEM;
                cx__alloc_fail_after(-1, 0);
                cx_log_free(log);
                cx_txlog_free(tx);
                if (a == CX_OK && b == CX_OK)
                    break;
                ck_assert(a == CX_ENOMEM || b == CX_ENOMEM);
                ck_assert_int_lt(m, 10000);
            }
            cx_sim_result_free(r);
            break;
        }
        ck_assert_int_eq(st, CX_ENOMEM);
        ck_assert_ptr_null(r);
        ck_assert_int_eq(cx__alloc_live(), live);
        ck_assert_int_lt(k, 10000);
    }
    ck_assert_int_eq(cx__alloc_live(), live);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(comparison_uses_common_random_numbers)
{
    cx_sim_params *base = small_params(1500, 16), *alt, *same;
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_dup(&same, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_COACHING, 0, 0, 0.8), CX_OK);
    cx_sim_options o;
    cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    o.seed = 77;
    cx_sim_comparison *c = NULL;
    ck_assert_int_eq(cx_sim_compare(&c, base, base, 1, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "replications");
    /* identical scenarios: every replication's difference is exactly zero */
    ck_assert_int_eq(cx_sim_compare(&c, base, same, 4, &o), CX_OK);
    double m[16], lo[16], hi[16];
    ck_assert_int_eq(cx_sim_comparison_diff(m, lo, hi, 16, c, CX_SIM_SERIES_REVENUE, 0.95), CX_OK);
    for (int t = 0; t < 16; t++)
        ck_assert(m[t] == 0 && lo[t] == 0 && hi[t] == 0);
    cx_sim_comparison_free(c);
    /* coaching: CSAT up, with an interval that excludes 0 late in the run */
    ck_assert_int_eq(cx_sim_compare(&c, base, alt, 6, &o), CX_OK);
    ck_assert_uint_eq(cx_sim_comparison_periods(c), 16);
    ck_assert_int_eq(cx_sim_comparison_diff(m, lo, hi, 16, c, CX_SIM_SERIES_CSAT, 0.95), CX_OK);
    ck_assert_msg(lo[15] > 0 && m[15] > lo[15] && hi[15] > m[15], "csat diff %g [%g, %g]", m[15],
                  lo[15], hi[15]);
    double mb[16], mw[16];
    ck_assert_int_eq(cx_sim_comparison_mean(mb, 16, c, 0, CX_SIM_SERIES_CSAT), CX_OK);
    ck_assert_int_eq(cx_sim_comparison_mean(mw, 16, c, 1, CX_SIM_SERIES_CSAT), CX_OK);
    ck_assert(fabs((mw[15] - mb[15]) - m[15]) < 1e-9);
    /* a wider level gives a wider interval */
    double lo99[16], hi99[16];
    cx_sim_comparison_diff(NULL, lo99, hi99, 16, c, CX_SIM_SERIES_CSAT, 0.99);
    ck_assert(hi99[15] - lo99[15] > hi[15] - lo[15]);
    cx_sim_comparison_free(c);
    cx_sim_params_free(base);
    cx_sim_params_free(alt);
    cx_sim_params_free(same);
}
END_TEST

START_TEST(outputs_are_cxkit_logs)
{
    cx_sim_params *p = small_params(800, 8);
    ck_assert_int_eq(cx_sim_params_set(p, "response_rate", 0.5), CX_OK);
    cx_sim_result *r = run(p, 21, 2, 1);
    size_t n = cx_sim_result_interaction_count(r);
    ck_assert_uint_gt(n, 1000);
    char dir[] = "/tmp/cx_sim_test_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(cx_sim_result_write(r, dir), CX_OK);
    char path[256];
    /* the interaction log reads back with every row and the same ratings */
    cx_log *log = NULL;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    snprintf(path, sizeof path, "%s/interactions.csv", dir);
    ck_assert_msg(cx_log_read_csv(log, path, NULL) == CX_OK, "%s", cx_error_last()->message);
    ck_assert_uint_eq(cx_log_rows(log), n);
    double *csat = malloc(n * sizeof *csat);
    ck_assert_int_eq(cx_log_get_f64(csat, n, log, CX_FIELD_CSAT), CX_OK);
    size_t rated = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (csat[i] == csat[i]) {
            rated++;
            sum += csat[i];
        }
    double csat_series[8], rated_total = 0, csat_total = 0, inter[8];
    cx_sim_result_series(csat_series, 8, r, CX_SIM_SERIES_CSAT);
    cx_sim_result_series(inter, 8, r, CX_SIM_SERIES_INTERACTIONS);
    (void)inter;
    ck_assert(fabs((double)rated / (double)n - 0.5) < 0.03); /* response_rate */
    for (size_t i = 0; i < n; i++)
        if (csat[i] == csat[i])
            csat_total += csat[i], rated_total += 1;
    ck_assert(fabs(sum / (double)rated - csat_total / rated_total) < 1e-12);
    ck_assert(cx_log_count_present(log, CX_FIELD_SELF_RATING) > 0);
    free(csat);
    cx_log_free(log);
    /* transactions add up to the revenue series (amounts are rounded to cents) */
    cx_txlog *tx = NULL;
    ck_assert_int_eq(cx_txlog_new(&tx), CX_OK);
    snprintf(path, sizeof path, "%s/transactions.csv", dir);
    ck_assert_msg(cx_txlog_read_csv(tx, path, NULL) == CX_OK, "%s", cx_error_last()->message);
    size_t m = cx_txlog_rows(tx);
    ck_assert_uint_eq(m, cx_sim_result_transaction_count(r));
    double *amt = malloc(m * sizeof *amt), tot = 0, rev[8], rtot = 0;
    cx_txlog_get_amounts(amt, m, tx);
    for (size_t i = 0; i < m; i++)
        tot += amt[i];
    cx_sim_result_series(rev, 8, r, CX_SIM_SERIES_REVENUE);
    for (int t = 0; t < 8; t++)
        rtot += rev[t];
    ck_assert_msg(fabs(tot - rtot) <= 0.006 * (double)m + 1e-6 * rtot, "%g vs %g", tot, rtot);
    free(amt);
    cx_txlog_free(tx);
    const char *names[] = {"series.csv", "interactions.csv", "transactions.csv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ck_assert_int_eq(remove(path), 0);
    }
    /* writing into a missing directory fails and leaves nothing */
    snprintf(path, sizeof path, "%s/missing", dir);
    ck_assert_int_eq(cx_sim_result_write(r, path), CX_EIO);
    ck_assert_int_eq(rmdir(dir), 0); /* empty: no partial files */
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

/* Parameter recovery: with a linear satisfaction response (c+ = c-), fixed expectations, no
 * failures and no empathy term, latent satisfaction is linear in the realised attentiveness and
 * authenticity with slopes proportional to perf_attentiveness and perf_authenticity. cxkit's key
 * driver analysis on the simulated interaction log (standardised betas, converted back with the
 * drivers' standard deviations) must recover their ratio. */
START_TEST(key_drivers_recover_performance_weights)
{
    cx_sim_params *p = small_params(6000, 10);
    const char *names[] = {"expectation_sd", "expectation_adapt", "segment_expectation_step",
                           "perf_empathy", "mix_self_service"};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(cx_sim_params_set(p, names[i], 0), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "mix_chat", 0.3), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "expectation_mean", 0.5), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "sat_gain_pos", 1), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "sat_gain_neg", 1), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "sat_base", 0.5), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "behaviour_sd", 0.15), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "perf_attentiveness", 0.5), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "perf_authenticity", 0.25), CX_OK);
    ck_assert_int_eq(cx_sim_params_clear_touchpoints(p), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "contact", 1, 0.5, 0), CX_OK);
    cx_sim_result *r = run(p, 31, 2, 1);
    cx_log *log = NULL;
    ck_assert_int_eq(cx_sim_result_to_log(&log, r), CX_OK);
    size_t n = cx_log_rows(log);
    double *a = malloc(n * sizeof *a), *u = malloc(n * sizeof *u), *y = malloc(n * sizeof *y);
    double *x = malloc(2 * n * sizeof *x);
    ck_assert_int_eq(cx_log_get_f64(a, n, log, CX_FIELD_ATTENTIVENESS), CX_OK);
    ck_assert_int_eq(cx_log_get_f64(u, n, log, CX_FIELD_AUTHENTICITY), CX_OK);
    ck_assert_int_eq(cx_log_get_f64(y, n, log, CX_FIELD_CSAT), CX_OK);
    double ma = 0, mu = 0;
    for (size_t i = 0; i < n; i++) {
        x[2 * i] = a[i];
        x[2 * i + 1] = u[i];
        ma += a[i] / (double)n;
        mu += u[i] / (double)n;
    }
    double va = 0, vu = 0;
    for (size_t i = 0; i < n; i++) {
        va += (a[i] - ma) * (a[i] - ma);
        vu += (u[i] - mu) * (u[i] - mu);
    }
    cx_drivers *d = NULL;
    ck_assert_msg(cx_drivers_fit(&d, x, y, NULL, n, 2, NULL) == CX_OK, "%s",
                  cx_error_last()->message);
    double beta[2];
    ck_assert_int_eq(cx_drivers_get(beta, 2, d, CX_DRIVER_BETA), CX_OK);
    double ratio = (beta[0] / sqrt(va)) / (beta[1] / sqrt(vu)); /* raw slope ratio */
    ck_assert_msg(fabs(ratio - 2.0) < 0.2, "slope ratio %g, truth 0.5 / 0.25 = 2", ratio);
    cx_drivers_free(d);
    free(a);
    free(u);
    free(y);
    free(x);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

/* Constant plugin rules: out[] = payload values. */
static int constant_rule(double *out, size_t n_out, const double *in, size_t n_in, void *payload)
{
    (void)in, (void)n_in;
    for (size_t i = 0; i < n_out; i++)
        out[i] = ((const double *)payload)[i];
    return 0;
}

static int no_learning(double *out, size_t n_out, const double *in, size_t n_in, void *payload)
{
    (void)n_out, (void)n_in, (void)payload;
    out[0] = in[0]; /* the skill stays where it was */
    return 0;
}

/* The loyalty, churn and learning rules, replaced, move the outcome the way they should. */
START_TEST(loyalty_churn_and_learning_plugins_change_the_outcome)
{
    enum { P = 6 };
    cx_sim_params *p = small_params(1200, P);
    ck_assert_int_eq(cx_sim_params_set(p, "contact_rate", 1), CX_OK);
    cx_sim_result *plain = run(p, 3, 2, 0);
    static const double devoted[2] = {1, 1}, never[1] = {0}, always[1] = {1};
    double x[P];
    /* loyalty: every contact bonds fully and wins the whole wallet */
    ck_assert_int_eq(cx_sim_params_set_rule(p, CX_SIM_RULE_LOYALTY, "devoted",
                                            CX_SIM_RULE_THREAD_SAFE, constant_rule, (void *)devoted,
                                            NULL),
                     CX_OK);
    cx_sim_result *r = run(p, 3, 2, 0);
    cx_sim_result_series(x, P, r, CX_SIM_SERIES_SHARE_OF_WALLET);
    for (int t = 0; t < P; t++)
        ck_assert(x[t] == 1);
    ck_assert(series_mean(plain, CX_SIM_SERIES_SHARE_OF_WALLET, 0) < 0.9);
    cx_sim_result_free(r);
    cx_sim_params_set_rule(p, CX_SIM_RULE_LOYALTY, NULL, 0, NULL, NULL, NULL);
    /* churn: nobody leaves, or everybody leaves at once */
    cx_sim_params_set_rule(p, CX_SIM_RULE_CHURN, "never", 0, constant_rule, (void *)never, NULL);
    r = run(p, 3, 2, 0);
    cx_sim_result_series(x, P, r, CX_SIM_SERIES_ACTIVE);
    ck_assert(x[P - 1] == 1200);
    cx_sim_result_series(x, P, plain, CX_SIM_SERIES_ACTIVE);
    ck_assert(x[P - 1] < 1200);
    cx_sim_result_free(r);
    cx_sim_params_set_rule(p, CX_SIM_RULE_CHURN, "always", 0, constant_rule, (void *)always, NULL);
    r = run(p, 3, 2, 0);
    cx_sim_result_series(x, P, r, CX_SIM_SERIES_ACTIVE);
    ck_assert(x[0] == 0);
    cx_sim_result_free(r);
    cx_sim_params_set_rule(p, CX_SIM_RULE_CHURN, NULL, 0, NULL, NULL, NULL);
    /* learning: training raises attentiveness; a rule that learns nothing undoes exactly that */
    ck_assert_int_eq(cx_sim_params_add_intervention(p, CX_SIM_LEVER_TRAINING, 0, 0, 1), CX_OK);
    r = run(p, 3, 2, 0);
    double a_plain[P], a_trained[P], a_frozen[P];
    cx_sim_result_series(a_plain, P, plain, CX_SIM_SERIES_ATTENTIVENESS);
    cx_sim_result_series(a_trained, P, r, CX_SIM_SERIES_ATTENTIVENESS);
    ck_assert(a_trained[P - 1] > a_plain[P - 1] + 0.01);
    cx_sim_result_free(r);
    cx_sim_params_set_rule(p, CX_SIM_RULE_LEARNING, "frozen", 0, no_learning, NULL, NULL);
    r = run(p, 3, 2, 0);
    cx_sim_result_series(a_frozen, P, r, CX_SIM_SERIES_ATTENTIVENESS);
    ck_assert_mem_eq(a_frozen, a_plain, sizeof a_plain);
    cx_sim_result_free(r);
    cx_sim_result_free(plain);
    cx_sim_params_free(p);
}
END_TEST

static int count_progress(double done, double total, void *payload)
{
    int *calls = payload;
    ck_assert(done == (double)(calls[0] + 1) && total == 3);
    calls[0]++;
    return done >= (double)calls[1];
}

/* A comparison gives bit-identical differences for any thread count, reports progress per
 * replication and can be cancelled. */
START_TEST(comparison_is_thread_independent_and_reports_progress)
{
    enum { P = 5 };
    cx_sim_params *base = small_params(2500, P), *alt;
    ck_assert_int_eq(cx_sim_params_dup(&alt, base), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_intervention(alt, CX_SIM_LEVER_COACHING, 0, 0, 0.6), CX_OK);
    cx_sim_options o;
    cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    o.seed = 5;
    int calls[2] = {0, 99};
    o.progress = count_progress;
    o.progress_payload = calls;
    double m[2][P], lo[2][P], hi[2][P];
    const unsigned threads[2] = {1, 3};
    for (int k = 0; k < 2; k++) {
        cx_sim_comparison *c = NULL;
        o.threads = threads[k];
        calls[0] = 0;
        ck_assert_int_eq(cx_sim_compare(&c, base, alt, 3, &o), CX_OK);
        ck_assert_int_eq(calls[0], 3);
        ck_assert_int_eq(
            cx_sim_comparison_diff(m[k], lo[k], hi[k], P, c, CX_SIM_SERIES_REVENUE, 0.9), CX_OK);
        cx_sim_comparison_free(c);
    }
    ck_assert_mem_eq(m[0], m[1], sizeof m[0]);
    ck_assert_mem_eq(lo[0], lo[1], sizeof lo[0]);
    ck_assert_mem_eq(hi[0], hi[1], sizeof hi[0]);
    cx_sim_comparison *c = NULL;
    calls[0] = 0;
    calls[1] = 2; /* cancel after the second replication */
    ck_assert_int_eq(cx_sim_compare(&c, base, alt, 3, &o), CX_EUSER);
    ck_assert_ptr_null(c);
    ck_assert_str_eq(cx_error_last()->param, "progress");
    cx_sim_params_free(base);
    cx_sim_params_free(alt);
}
END_TEST

Suite *cx_suite_sim(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parameter_table_is_complete);
    tcase_add_test(tc, setters_name_the_parameter);
    tcase_add_test(tc, inconsistent_scenarios_are_refused);
    tcase_add_test(tc, series_are_consistent);
    tcase_add_test(tc, bit_identical_whatever_the_thread_count);
    tcase_add_test(tc, levers_move_the_chain_the_documented_way);
    tcase_add_test(tc, learning_has_diminishing_returns);
    tcase_add_test(tc, calibration_targets);
    tcase_add_test(tc, satisfaction_plugin_sees_the_documented_default);
    tcase_add_test(tc, recovery_plugin_changes_the_outcome);
    tcase_add_test(tc, failing_plugins_are_named);
    tcase_add_test(tc, integer_cuts_match_uniform_comparisons);
    tcase_add_test(tc, progress_can_cancel);
    tcase_add_test(tc, outputs_are_cxkit_logs);
    tcase_add_test(tc, key_drivers_recover_performance_weights);
    tcase_add_test(tc, comparison_uses_common_random_numbers);
    tcase_add_test(tc, allocation_failures_leave_nothing_behind);
    tcase_add_test(tc, loyalty_churn_and_learning_plugins_change_the_outcome);
    tcase_add_test(tc, comparison_is_thread_independent_and_reports_progress);
    suite_add_tcase(s, tc);
    return s;
}
