/* The simulator's log fields beyond satisfaction (docs/simulator.md: teams, competence and
 * ownership, waiting and effort, leaders' ratings, feedback, add-on sales, touchpoint channel
 * mixes): each is written, and each moves the way the documented equations say. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <cxkit/cxkit.h>

#include "suites.h"

typedef struct cols {
    size_t n;
    double *own, *comp, *effort, *wait, *csat, *ces, *self, *leader, *spend;
    int64_t *channel, *problem, *resolved, *acted, *acted_time, *time;
} cols;

static cx_sim_params *fields_params(void)
{
    cx_sim_params *p = NULL;
    ck_assert_int_eq(cx_sim_params_new(&p), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "customers", 6000), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "periods", 20), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "employees", 200), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "response_rate", 0.6), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "leader_rating_rate", 0.3), CX_OK);
    /* two touchpoints: a failure-prone one in the customer's channel, and a sales counter met
     * in person */
    ck_assert_int_eq(cx_sim_params_clear_touchpoints(p), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "claim", 1, 1, 0.4), CX_OK);
    ck_assert_int_eq(cx_sim_params_add_touchpoint(p, "shop", 1, 0.2, 0.02), CX_OK);
    double in_person[5] = {1, 0, 0, 0, 0};
    ck_assert_int_eq(cx_sim_params_set_touchpoint_channels(p, "shop", in_person, 5), CX_OK);
    ck_assert_int_eq(cx_sim_params_set_touchpoint_sales(p, "shop", 0.4), CX_OK);
    return p;
}

static cx_sim_result *run_fields(const cx_sim_params *p, uint64_t seed)
{
    cx_sim_options o;
    ck_assert_int_eq(cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION), CX_OK);
    o.seed = seed;
    o.threads = 2;
    cx_sim_result *r = NULL;
    ck_assert_msg(cx_sim_run(&r, p, &o) == CX_OK, "%s", cx_error_last()->message);
    return r;
}

static double *f64(const cx_log *log, size_t n, int field)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    ck_assert_int_eq(cx_log_get_f64(x, n, log, field), CX_OK);
    return x;
}

static int64_t *i64(const cx_log *log, size_t n, int field)
{
    int64_t *x = malloc((n ? n : 1) * sizeof *x);
    ck_assert_int_eq(cx_log_get_i64(x, n, log, field), CX_OK);
    return x;
}

static void cols_read(cols *c, const cx_sim_result *r, cx_log **logp)
{
    ck_assert_int_eq(cx_sim_result_to_log(logp, r), CX_OK);
    const cx_log *log = *logp;
    size_t n = c->n = cx_log_rows(log);
    c->own = f64(log, n, CX_FIELD_OWNERSHIP);
    c->comp = f64(log, n, CX_FIELD_COMPETENCE);
    c->effort = f64(log, n, CX_FIELD_EFFORT);
    c->wait = f64(log, n, CX_FIELD_WAIT_TIME);
    c->csat = f64(log, n, CX_FIELD_CSAT);
    c->ces = f64(log, n, CX_FIELD_CES);
    c->self = f64(log, n, CX_FIELD_SELF_RATING);
    c->leader = f64(log, n, CX_FIELD_LEADER_RATING);
    c->spend = f64(log, n, CX_FIELD_SPEND);
    c->channel = i64(log, n, CX_FIELD_CHANNEL);
    c->problem = i64(log, n, CX_FIELD_PROBLEM);
    c->resolved = i64(log, n, CX_FIELD_RESOLVED);
    c->acted = i64(log, n, CX_FIELD_FEEDBACK_ACTED);
    c->acted_time = i64(log, n, CX_FIELD_FEEDBACK_ACTED_TIME);
    c->time = i64(log, n, CX_FIELD_TIME);
}

static void cols_free(cols *c)
{
    free(c->own), free(c->comp), free(c->effort), free(c->wait), free(c->csat), free(c->ces);
    free(c->self), free(c->leader), free(c->spend), free(c->channel), free(c->problem);
    free(c->resolved), free(c->acted), free(c->acted_time), free(c->time);
}

/* Share of resolved problems among assisted contacts with x below / at or above the cut. */
static void resolved_by(const cols *c, const double *x, double cut, double *lo, double *hi)
{
    double n[2] = {0, 0}, k[2] = {0, 0};
    for (size_t i = 0; i < c->n; i++)
        if (c->problem[i] == 1 && x[i] == x[i]) {
            int h = x[i] >= cut;
            n[h] += 1;
            k[h] += c->resolved[i] == 1;
        }
    ck_assert(n[0] > 200 && n[1] > 200);
    *lo = k[0] / n[0];
    *hi = k[1] / n[1];
}

START_TEST(competence_and_ownership_drive_recovery)
{
    cx_sim_params *p = fields_params();
    /* make the effects large enough to see in one run */
    ck_assert_int_eq(cx_sim_params_set(p, "ownership_sd", 0.2), CX_OK);
    ck_assert_int_eq(cx_sim_params_set(p, "competence_sd", 0.25), CX_OK);
    cx_sim_result *r = run_fields(p, 3);
    cx_log *log = NULL;
    cols c;
    cols_read(&c, r, &log);
    double lo, hi;
    resolved_by(&c, c.own, 0.5, &lo, &hi);
    ck_assert_msg(hi > lo + 0.03, "resolved: low ownership %g, high %g", lo, hi);
    resolved_by(&c, c.comp, 0.5, &lo, &hi);
    ck_assert_msg(hi > lo + 0.03, "resolved: low competence %g, high %g", lo, hi);
    /* competent employees fail less often */
    double n[2] = {0, 0}, f[2] = {0, 0};
    for (size_t i = 0; i < c.n; i++)
        if (c.comp[i] == c.comp[i]) {
            int h = c.comp[i] >= 0.5;
            n[h] += 1;
            f[h] += c.problem[i] == 1;
        }
    ck_assert_msg(f[1] / n[1] < f[0] / n[0] - 0.01, "failures %g vs %g", f[0] / n[0], f[1] / n[1]);
    cols_free(&c);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(waits_and_unresolved_problems_drive_effort_which_lowers_satisfaction)
{
    cx_sim_params *p = fields_params();
    cx_sim_result *r = run_fields(p, 4);
    cx_log *log = NULL;
    cols c;
    cols_read(&c, r, &log);
    double s_none = 0, n_none = 0, s_unres = 0, n_unres = 0, s_ss = 0, n_ss = 0;
    double lowc = 0, nlow = 0, highc = 0, nhigh = 0;
    /* effort (1..7) after an unresolved problem is higher; waits are recorded for assisted
     * contacts only; long waits (over 3 means) cost effort */
    double wlong = 0, nlong = 0, wshort = 0, nshort = 0;
    for (size_t i = 0; i < c.n; i++) {
        ck_assert(c.effort[i] >= 1 && c.effort[i] <= 7);
        int ss = c.channel[i] == CX_CHANNEL_SELF_SERVICE;
        ck_assert(ss == isnan(c.wait[i]));
        if (ss) {
            s_ss += c.effort[i], n_ss += 1;
            continue;
        }
        if (c.problem[i] == 0)
            s_none += c.effort[i], n_none += 1;
        else if (c.resolved[i] == 0)
            s_unres += c.effort[i], n_unres += 1;
        if (c.problem[i] == 0 && c.channel[i] == CX_CHANNEL_PHONE) {
            if (c.wait[i] > 720)
                wlong += c.effort[i], nlong += 1;
            else if (c.wait[i] < 60)
                wshort += c.effort[i], nshort += 1;
        }
        if (c.ces[i] == c.ces[i]) {
            if (c.ces[i] <= 2)
                lowc += c.csat[i], nlow += 1;
            else if (c.ces[i] >= 4)
                highc += c.csat[i], nhigh += 1;
        }
    }
    ck_assert(n_ss > 100 && n_unres > 100 && nlong > 30 && nshort > 30);
    ck_assert_msg(s_unres / n_unres > s_none / n_none + 1.5, "effort unresolved %g, none %g",
                  s_unres / n_unres, s_none / n_none);
    ck_assert_msg(wlong / nlong > wshort / nshort + 0.2, "effort long wait %g, short %g",
                  wlong / nlong, wshort / nshort);
    ck_assert_msg(highc / nhigh < lowc / nlow - 1, "CSAT at high effort %g, low %g", highc / nhigh,
                  lowc / nlow);
    cols_free(&c);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(understaffing_lengthens_waits)
{
    double mean[2];
    for (int k = 0; k < 2; k++) {
        cx_sim_params *p = fields_params();
        ck_assert_int_eq(cx_sim_params_set(p, "staffing", k ? 0.5 : 1), CX_OK);
        cx_sim_result *r = run_fields(p, 5);
        cx_log *log = NULL;
        cols c;
        cols_read(&c, r, &log);
        double s = 0, n = 0;
        for (size_t i = 0; i < c.n; i++)
            if (c.channel[i] == CX_CHANNEL_IN_PERSON)
                s += c.wait[i], n += 1;
        mean[k] = s / n;
        cols_free(&c);
        cx_log_free(log);
        cx_sim_result_free(r);
        cx_sim_params_free(p);
    }
    /* mean wait x staffing^-wait_staffing: 120 s at staffing 1, 240 s at 0.5 (exponential waits,
     * thousands of contacts: within 8%) */
    ck_assert_msg(fabs(mean[0] / 120 - 1) < 0.08, "in-person wait %g", mean[0]);
    ck_assert_msg(fabs(mean[1] / mean[0] - 2) < 0.16, "waits %g -> %g", mean[0], mean[1]);
}
END_TEST

START_TEST(leaders_see_the_truth_employees_overrate)
{
    cx_sim_params *p = fields_params();
    cx_sim_result *r = run_fields(p, 6);
    cx_log *log = NULL;
    cols c;
    cols_read(&c, r, &log);
    double gs = 0, ns = 0, gl = 0, nl = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (c.csat[i] != c.csat[i])
            continue;
        if (c.self[i] == c.self[i])
            gs += c.self[i] - c.csat[i], ns += 1;
        if (c.leader[i] == c.leader[i])
            gl += c.leader[i] - c.csat[i], nl += 1;
    }
    ck_assert(ns > 1000 && nl > 1000);
    ck_assert_msg(gs / ns > 0.8, "employees overrate by %g", gs / ns);
    ck_assert_msg(fabs(gl / nl) < 0.1, "leaders differ from customers by %g", gl / nl);
    cols_free(&c);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(better_leadership_acts_on_more_feedback)
{
    double share[2];
    for (int k = 0; k < 2; k++) {
        cx_sim_params *p = fields_params();
        ck_assert_int_eq(cx_sim_params_set(p, "leadership", k ? 0.8 : 0.3), CX_OK);
        cx_sim_result *r = run_fields(p, 7);
        cx_log *log = NULL;
        cols c;
        cols_read(&c, r, &log);
        double n = 0, a = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (c.acted[i] < 0) {
                ck_assert(c.acted_time[i] == CX_TIME_ABSENT);
                continue;
            }
            n += 1;
            a += c.acted[i] == 1;
            /* an action comes after the comment, and only when acted on */
            ck_assert((c.acted[i] == 1) == (c.acted_time[i] != CX_TIME_ABSENT));
            if (c.acted[i] == 1)
                ck_assert(c.acted_time[i] >= c.time[i]);
        }
        ck_assert(n > 500);
        ck_assert(cx_log_count_present(log, CX_FIELD_FEEDBACK) == (size_t)n);
        share[k] = a / n;
        cols_free(&c);
        cx_log_free(log);
        cx_sim_result_free(r);
        cx_sim_params_free(p);
    }
    /* feedback_act_base 0.45 + 0.8 (L - 0.5): about 0.29 vs 0.69 */
    ck_assert_msg(share[1] > share[0] + 0.25, "acted on: %g vs %g", share[0], share[1]);
}
END_TEST

/* The code of a comment in the log, or -1 when no row has it. */
static int64_t comment_code(const cx_log *log, const char *text)
{
    size_t code;
    return cx_log_dict_find(&code, log, CX_FIELD_FEEDBACK, text) == CX_OK ? (int64_t)code : -1;
}

START_TEST(comments_follow_what_happened)
{
    cx_sim_params *p = fields_params();
    ck_assert_int_eq(cx_sim_params_set(p, "feedback_rate", 1), CX_OK);
    cx_sim_result *r = run_fields(p, 9);
    cx_log *log = NULL;
    cols c;
    cols_read(&c, r, &log);
    int64_t *fb = i64(log, c.n, CX_FIELD_FEEDBACK);
    int64_t fixed = comment_code(log, "They listened and fixed it");
    int64_t owner = comment_code(log, "Nobody took ownership, I was passed on");
    int64_t waited = comment_code(log, "Waited far too long");
    int64_t broken = comment_code(log, "Polite agent.\nBroken process.");
    ck_assert(fixed >= 0 && owner >= 0 && waited >= 0 && broken >= 0);
    size_t seen[4] = {0, 0, 0, 0};
    static const double mean_wait[] = {0, 120, 240, 60, 21600}; /* by channel, staffing 1 */
    for (size_t i = 0; i < c.n; i++) {
        /* every survey answer carries a comment at feedback_rate 1, and only answers do */
        ck_assert((fb[i] >= 0) == (c.csat[i] == c.csat[i]));
        if (fb[i] == fixed) {
            ck_assert(c.resolved[i] == 1 && c.csat[i] >= 4);
            seen[0]++;
        } else if (fb[i] == owner) {
            /* ownership is logged to two decimals */
            ck_assert(c.problem[i] == 1 && c.resolved[i] == 0 && c.own[i] <= 0.5 && c.csat[i] <= 2);
            seen[1]++;
        } else if (fb[i] == waited) {
            ck_assert(c.wait[i] > 2 * mean_wait[c.channel[i]] - 1 && c.csat[i] <= 2);
            seen[2]++;
        } else if (fb[i] == broken) {
            ck_assert(c.csat[i] <= 2 && c.channel[i] != CX_CHANNEL_SELF_SERVICE);
            seen[3]++;
        }
    }
    for (int k = 0; k < 4; k++)
        ck_assert_uint_gt(seen[k], 0);
    free(fb);
    cols_free(&c);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(touchpoint_channels_and_sales)
{
    cx_sim_params *p = fields_params();
    cx_sim_result *r = run_fields(p, 8);
    cx_log *log = NULL;
    cols c;
    cols_read(&c, r, &log);
    int64_t *tp = i64(log, c.n, CX_FIELD_TOUCHPOINT);
    size_t shop_code;
    ck_assert_int_eq(cx_log_dict_find(&shop_code, log, CX_FIELD_TOUCHPOINT, "shop"), CX_OK);
    double shop = 0, sold = 0, claim_ch[8] = {0};
    for (size_t i = 0; i < c.n; i++) {
        if (tp[i] == (int64_t)shop_code) {
            ck_assert_int_eq(c.channel[i], CX_CHANNEL_IN_PERSON); /* the touchpoint's mix */
            shop += 1;
            sold += c.spend[i] == c.spend[i];
            if (c.spend[i] == c.spend[i])
                ck_assert(c.spend[i] > 0);
        } else {
            ck_assert(isnan(c.spend[i])); /* no sales where sale_rate is 0 */
            claim_ch[c.channel[i]] += 1;
        }
    }
    ck_assert(fabs(sold / shop - 0.4) < 0.03);
    /* elsewhere the customers' own preferred channels */
    ck_assert(claim_ch[CX_CHANNEL_PHONE] > 0 && claim_ch[CX_CHANNEL_SELF_SERVICE] > 0);
    /* sales are purchases: in the transaction log and in revenue */
    size_t P = cx_sim_result_periods(r);
    double rev[20], rtot = 0, ttot = 0;
    ck_assert_int_eq(cx_sim_result_series(rev, P, r, CX_SIM_SERIES_REVENUE), CX_OK);
    for (size_t t = 0; t < P; t++)
        rtot += rev[t];
    cx_txlog *tx = NULL;
    ck_assert_int_eq(cx_sim_result_to_txlog(&tx, r), CX_OK);
    size_t m = cx_txlog_rows(tx);
    double *amt = malloc(m * sizeof *amt);
    ck_assert_int_eq(cx_txlog_get_amounts(amt, m, tx), CX_OK);
    for (size_t i = 0; i < m; i++)
        ttot += amt[i];
    ck_assert_msg(fabs(ttot - rtot) <= 0.006 * (double)m, "%g vs %g", ttot, rtot);
    free(amt);
    free(tp);
    cx_txlog_free(tx);
    cols_free(&c);
    cx_log_free(log);
    cx_sim_result_free(r);
    cx_sim_params_free(p);
}
END_TEST

START_TEST(touchpoint_options_are_checked)
{
    cx_sim_params *p = fields_params();
    double mix[5] = {1, 0, 0, 0, 0}, zero[5] = {0};
    ck_assert_int_eq(cx_sim_params_set_touchpoint_sales(p, "nosuch", 0.1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "touchpoint");
    ck_assert_int_eq(cx_sim_params_set_touchpoint_sales(p, "shop", 1.5), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "sale_rate");
    ck_assert_int_eq(cx_sim_params_set_touchpoint_channels(p, "shop", mix, 4), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "n");
    ck_assert_int_eq(cx_sim_params_set_touchpoint_channels(p, "shop", zero, 5), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "mix");
    mix[2] = -1;
    ck_assert_int_eq(cx_sim_params_set_touchpoint_channels(p, "shop", mix, 5), CX_EINVAL);
    ck_assert_int_eq(cx_sim_params_set_touchpoint_channels(p, "shop", NULL, 0), CX_OK);
    cx_sim_params_free(p);
}
END_TEST

Suite *cx_suite_sim_fields(void)
{
    Suite *s = suite_create("sim_fields");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, competence_and_ownership_drive_recovery);
    tcase_add_test(tc, waits_and_unresolved_problems_drive_effort_which_lowers_satisfaction);
    tcase_add_test(tc, understaffing_lengthens_waits);
    tcase_add_test(tc, leaders_see_the_truth_employees_overrate);
    tcase_add_test(tc, better_leadership_acts_on_more_feedback);
    tcase_add_test(tc, comments_follow_what_happened);
    tcase_add_test(tc, touchpoint_channels_and_sales);
    tcase_add_test(tc, touchpoint_options_are_checked);
    suite_add_tcase(s, tc);
    return s;
}
