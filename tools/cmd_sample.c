/* `cxkit sample`: a seeded, documented generator of a realistic interaction log and the
 * matching transaction log (docs/sample-data.md describes the model; examples/data/ holds its
 * output for the default seed). The structure is built in on purpose, because later analyses
 * look for it: attentive, empathetic, competent employees raise CSAT; engaged teams (good
 * leaders) have better employees; spend follows experience (up after a good one, down after a
 * poor one); defection is steep at the top of the scale, flat in the middle and high at the
 * bottom; emotional touchpoints are the moments of truth; a well recovered minor problem leaves
 * the customer slightly more loyal, an unrecovered one much less; employees rate themselves
 * higher than customers do, the least attentive the most. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"
#include "util.h"

const char cx_cmd_sample_summary[] = "generate the sample interaction and transaction logs";

static const char prog[] = "cxkit sample";

enum { N_TEAMS = 8, N_EMPLOYEES = 160, N_TP = 7 };

static const struct touchpoint {
    const char *name;
    double freq;      /* share of contacts */
    double emotion;   /* emotional weight of the moment, 0..1: how much it moves loyalty */
    double p_problem; /* base chance of a service failure */
    double channel[CX_CHANNEL_OTHER + 1]; /* channel mix */
    int sale;                             /* contacts here may include a purchase (spend) */
} tps[N_TP] = {
    /* channels: unknown, in_person, phone, chat, email, self_service, other (social media) */
    {"reservation", 0.25, 0.1, 0.05, {0, 0, 0.45, 0.2, 0, 0.25, 0.1}, 1},
    {"check_in", 0.20, 0.2, 0.06, {0, 0.85, 0, 0, 0, 0.15, 0}, 1},
    {"boarding", 0.15, 0.15, 0.05, {0, 1, 0, 0, 0, 0, 0}, 0},
    {"baggage", 0.10, 1.0, 0.18, {0, 0.6, 0.2, 0, 0.15, 0, 0.05}, 0},
    {"in_flight", 0.15, 0.6, 0.07, {0, 1, 0, 0, 0, 0, 0}, 1},
    {"complaint", 0.07, 1.0, 0.60, {0, 0, 0.35, 0.2, 0.25, 0, 0.2}, 0},
    {"loyalty_program", 0.08, 0.1, 0.04, {0, 0, 0.25, 0.25, 0.35, 0, 0.15}, 1},
};

static const char *const praise[] = {"Friendly and quick", "She listened and fixed it",
                                     "Great service, thank you!", "Went the extra mile"};
static const char *const neutral[] = {"OK, nothing special", "Fine"};
static const char *const complaints[] = {
    "Waited far too long", "Nobody took ownership", "Lost bag, \"sorry\" was all I got",
    "Polite agent.\nBroken process.", "Felt scripted, not sincere"};

typedef struct employee {
    int team;
    double att, emp, auth, own, comp; /* base behaviour, 0..1 */
    double self_bias;                 /* how much they overrate their own contacts */
} employee;

typedef struct team {
    double leadership; /* standard normal */
} team;

/* One generated interaction, compact (strings are built when appending). */
typedef struct gen_row {
    int64_t time, acted_time;
    int32_t customer, employee, tp, feedback_idx;
    int8_t channel, problem, resolved, acted;
    double att, emp, auth, own, comp, effort, wait, csat, nps, ces, self_rating, leader_rating,
        spend;
} gen_row;

typedef struct gen {
    cx_rng *rng; /* the library's generator: results are bit-identical for a seed */
    team teams[N_TEAMS];
    employee emps[N_EMPLOYEES];
    gen_row *rows;
    size_t n, cap;
    cx_txlog *tx;
    char namebuf[32];
} gen;

static double unif(gen *g)
{
    return cx_rng_uniform(g->rng);
}
static uint64_t below(gen *g, uint64_t n)
{
    return cx_rng_below(g->rng, n);
}
static double norm(gen *g)
{
    return cx_rng_std_normal(g->rng);
}
static double expo(gen *g, double mean)
{
    return -mean * log1p(-unif(g));
}
static double gamma_draw(gen *g, double shape, double scale)
{
    double x = shape * scale;
    cx_rng_gamma(&x, g->rng, shape, scale); /* shape, scale > 0 here: cannot fail */
    return x;
}
static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}
static double clip(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}
/* x rounded to a multiple of step (1, 0.1 or 0.01), exactly as its decimal text reads. */
static double round_to(double x, double step)
{
    if (step >= 1)
        return floor(x / step + 0.5) * step;
    double inv = floor(1 / step + 0.5);
    return floor(x * inv + 0.5) / inv;
}

static int pick(gen *g, const double *w, int n)
{
    double u = unif(g), acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        if (u < acc)
            return i;
    }
    return n - 1;
}

static void make_staff(gen *g)
{
    for (int t = 0; t < N_TEAMS; t++)
        g->teams[t].leadership = norm(g);
    for (int i = 0; i < N_EMPLOYEES; i++) {
        employee *e = &g->emps[i];
        e->team = i % N_TEAMS;
        double engagement = 0.6 * g->teams[e->team].leadership + 0.8 * norm(g);
        e->att = logistic(0.3 + 0.9 * engagement + 0.4 * norm(g));
        e->emp = logistic(0.2 + 0.7 * engagement + 0.5 * norm(g));
        e->auth = logistic(0.0 + 0.6 * engagement + 0.6 * norm(g));
        e->own = logistic(0.1 + 0.8 * engagement + 0.5 * norm(g));
        e->comp = logistic(0.5 + 0.5 * engagement + 0.6 * norm(g));
        e->self_bias = 0.3 + 1.2 * (1 - e->att);
    }
}

static int push(gen *g, const gen_row *r)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        gen_row *p = realloc(g->rows, cap * sizeof *p);
        if (!p)
            return -1;
        g->rows = p;
        g->cap = cap;
    }
    g->rows[g->n++] = *r;
    return 0;
}

/* One contact of customer c at time t; returns its effect on the purchase rate and churn. */
static int contact(gen *g, int32_t c, int64_t t, double bond, double monetary, double *mood,
                   int *alive)
{
    static double tp_freq[N_TP];
    for (int i = 0; i < N_TP; i++)
        tp_freq[i] = tps[i].freq;
    gen_row r;
    memset(&r, 0, sizeof r);
    r.time = t;
    r.customer = c;
    r.tp = pick(g, tp_freq, N_TP);
    const struct touchpoint *tp = &tps[r.tp];
    r.channel = (int8_t)pick(g, tp->channel, CX_CHANNEL_OTHER + 1);
    int human = r.channel != CX_CHANNEL_SELF_SERVICE;
    r.employee = -1;
    r.feedback_idx = -1;
    double att = 0.5, emp = 0.5, auth = 0.5, own = 0.5, comp = 0.6, self_bias = 0;
    if (human) {
        const employee *e = &g->emps[below(g, N_EMPLOYEES)];
        r.employee = (int32_t)(e - g->emps);
        att = clip(e->att + 0.12 * norm(g), 0, 1);
        emp = clip(e->emp + 0.12 * norm(g), 0, 1);
        auth = clip(e->auth + 0.12 * norm(g), 0, 1);
        own = clip(e->own + 0.12 * norm(g), 0, 1);
        comp = clip(e->comp + 0.12 * norm(g), 0, 1);
        self_bias = e->self_bias;
    }
    /* waiting: longer on the phone, much longer by email; none in self-service */
    static const double wait_mean[] = {0, 120, 240, 60, 21600, 0, 600};
    double wait = human ? round_to(expo(g, wait_mean[r.channel]), 1) : NAN;
    int problem = unif(g) < tp->p_problem * (human ? 1.4 - 0.8 * comp : 1.3);
    int severe = problem && unif(g) < 0.1 * tp->emotion; /* not in the log */
    int resolved = -1;
    if (problem) {
        double p = human ? logistic(-1.2 + 2.5 * own + 1.5 * comp + 0.5 * emp) : 0.3;
        resolved = unif(g) < p;
    }
    double effort = clip(2 + (human ? log1p(wait / 60) * 0.6 : 0.5) +
                             2.0 * problem * (resolved != 1) - 1.5 * (comp - 0.6) + 0.6 * norm(g),
                         1, 7);
    /* satisfaction: behaviours, waiting, failure and recovery weighted by the moment */
    double s = 3.85 + 1.6 * (att - 0.6) + 1.2 * (emp - 0.6) + 0.8 * (auth - 0.5) +
               1.0 * (comp - 0.6) - (human ? 0.25 * log1p(wait / 120) : 0) + 0.15 * bond;
    /* a minor failure recovered well ends slightly above no failure (the recovery paradox);
     * a severe one is never fully repaired */
    if (problem && !severe)
        s += -(1.2 + 0.5 * tp->emotion) + (resolved == 1 ? 1.5 + 0.5 * tp->emotion : 0);
    else if (problem)
        s += -(2.0 + tp->emotion) + (resolved == 1 ? 1.6 + 0.6 * tp->emotion : 0);
    s += 0.55 * norm(g);
    double csat_true = clip(round_to(s, 1), 1, 5);

    r.att = r.emp = r.auth = r.own = r.comp = r.effort = NAN;
    if (human && unif(g) < 0.95) { /* quality monitoring covers 95% of assisted contacts */
        r.att = round_to(att, 0.01);
        r.emp = round_to(emp, 0.01);
        r.auth = round_to(auth, 0.01);
        r.own = round_to(own, 0.01);
        r.comp = round_to(comp, 0.01);
    }
    r.effort = round_to(effort, 0.1);
    r.wait = wait;
    r.problem = (int8_t)problem;
    r.resolved = (int8_t)(problem && unif(g) < 0.1 ? -1 : resolved); /* outcome sometimes unknown */
    int surveyed = unif(g) < 0.35 + 0.2 * problem;
    r.csat = surveyed ? csat_true : NAN;
    r.nps = surveyed && unif(g) < 0.6
                ? clip(round_to(5.5 + 1.4 * (s - 3) + 1.2 * bond + 1.2 * norm(g), 1), 0, 10)
                : NAN;
    r.ces = surveyed && unif(g) < 0.5 ? clip(round_to(effort + 0.5 * norm(g), 1), 1, 7) : NAN;
    r.self_rating =
        human && unif(g) < 0.3 ? clip(round_to(s + self_bias + 0.5 * norm(g), 1), 1, 5) : NAN;
    r.leader_rating = human && unif(g) < 0.06 ? clip(round_to(s + 0.4 * norm(g), 1), 1, 5) : NAN;
    r.spend = tp->sale && unif(g) < 0.5
                  ? round_to(gamma_draw(g, 2, monetary / 2) * (1 + 0.1 * (csat_true - 3)), 0.01)
                  : NAN;
    r.acted = -1;
    r.acted_time = CX_TIME_ABSENT;
    if (surveyed && unif(g) < 0.25) {
        if (csat_true >= 4)
            r.feedback_idx = (int32_t)below(g, 4);
        else if (csat_true == 3)
            r.feedback_idx = 100 + (int32_t)below(g, 2);
        else
            r.feedback_idx = 200 + (int32_t)below(g, 5);
        double lead = human ? g->teams[g->emps[r.employee].team].leadership : 0;
        r.acted = (int8_t)(unif(g) < logistic(-0.3 + 0.8 * lead));
        if (r.acted)
            r.acted_time = t + (int64_t)expo(g, 3 * 86400.0);
    }
    if (push(g, &r) != 0)
        return -1;
    /* Consequences for loyalty, scaled by how much the moment matters (w: 0.3 at routine
     * touchpoints, 1 at the moments of truth). Spend: the log purchase-rate multiplier jumps
     * to the experience's level (keeping 30% of the earlier mood), then fades back to 0 over
     * about six weeks, so a good experience almost always raises spend in the following
     * months and a neutral or poor one cuts it (the bank study of docs/sample-data.md). Defection:
     * the customer leaves (no more contacts or purchases) with a chance that is steep between
     * the top rating and the next, flat in the middle, high at the bottom. */
    static const double spend_level[] = {0, 0.05, 0.08, 0.15, 8.0, 10.0};
    static const double defect[] = {0, 0.5, 0.4, 0.1, 0.1, 0.015};
    int k = (int)csat_true;
    double w = 0.1 + 0.9 * tp->emotion;
    double level = spend_level[k];
    if (problem && resolved == 1 && !severe)
        level *= 1.5;
    else if (problem && resolved != 1)
        level *= 0.6;
    *mood = clip(0.3 * *mood + (0.8 + 0.2 * tp->emotion) * log(level), -3, 2.5);
    double p_defect = w * defect[k];
    if (problem && resolved == 1 && !severe)
        p_defect *= 0.2;
    else if (problem && resolved != 1)
        p_defect += 0.05 + 0.15 * tp->emotion;
    if (unif(g) < p_defect)
        *alive = 0;
    return 0;
}

/* Regular buyers: the time to the next purchase is Gamma(4) with mean 1/rate (a renewal
 * process less bursty than Poisson, so a 90-day window holds a steady number of purchases). */
static double buy_gap(gen *g, double rate)
{
    return gamma_draw(g, 8, 0.125 / rate);
}
/* What remains of an experience's effect on the purchase rate after dt seconds. */
static double faded(double dt)
{
    return exp(-dt / (45 * 86400.0));
}

static int customer(gen *g, int32_t c, int64_t start, double days)
{
    double t = start + unif(g) * 0.5 * days * 86400; /* joins during the first half */
    double end = start + days * 86400;
    double contact_rate = gamma_draw(g, 2, 0.5) * 5 / (365 * 86400.0);
    double buy_rate = gamma_draw(g, 4, 0.25) * 14 / (365 * 86400.0);
    double monetary = gamma_draw(g, 3, 20);
    double bond = norm(g);
    double mood = 0, mood_time = t; /* log rate multiplier at the last contact, and when */
    int alive = 1;
    double next_contact = t + expo(g, 1 / contact_rate);
    double next_buy = t + buy_gap(g, buy_rate);
    snprintf(g->namebuf, sizeof g->namebuf, "C%06d", (int)c + 1);
    while (alive) {
        if (next_contact < next_buy) {
            if (next_contact >= end)
                break;
            double now = next_contact;
            mood *= faded(now - mood_time);
            mood_time = now;
            if (contact(g, c, (int64_t)now, bond, monetary, &mood, &alive) != 0)
                return -1;
            next_contact = now + expo(g, 1 / contact_rate);
            /* the purchase clock restarts at the new rate */
            next_buy = now + buy_gap(g, buy_rate * exp(0.25 * mood));
        } else {
            if (next_buy >= end)
                break;
            /* the mood acts mostly on the basket (amount), less on how often they buy */
            double m = mood * faded(next_buy - mood_time);
            double amount = round_to(gamma_draw(g, 10, monetary / 10) * exp(0.75 * m), 0.01);
            if (cx_txlog_append(g->tx, g->namebuf, (int64_t)next_buy, amount) != CX_OK)
                return -1;
            next_buy += buy_gap(g, buy_rate * exp(0.25 * m));
        }
    }
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const gen_row *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->customer < y->customer ? -1 : x->customer > y->customer;
}

static cx_status to_log(cx_log *log, const gen *g)
{
    char cust[32], emp[32], team_name[32], id[32];
    for (size_t i = 0; i < g->n; i++) {
        const gen_row *r = &g->rows[i];
        cx_interaction x;
        cx_interaction_init(&x, CX_INTERACTION_VERSION);
        snprintf(cust, sizeof cust, "C%06d", (int)r->customer + 1);
        snprintf(id, sizeof id, "I%07zu", i + 1);
        x.customer = cust;
        x.id = id;
        x.time = r->time;
        if (r->employee >= 0) {
            snprintf(emp, sizeof emp, "E%03d", (int)r->employee + 1);
            snprintf(team_name, sizeof team_name, "T%d", g->emps[r->employee].team + 1);
            x.employee = emp;
            x.team = team_name;
        }
        x.touchpoint = tps[r->tp].name;
        x.channel = (cx_channel)r->channel;
        x.attentiveness = r->att;
        x.empathy = r->emp;
        x.authenticity = r->auth;
        x.ownership = r->own;
        x.competence = r->comp;
        x.effort = r->effort;
        x.wait_time = r->wait;
        x.problem = r->problem;
        x.resolved = r->resolved;
        x.csat = r->csat;
        if (!isnan(r->csat)) {
            x.csat_min = 1;
            x.csat_max = 5;
        }
        x.nps = r->nps;
        x.ces = r->ces;
        x.self_rating = r->self_rating;
        x.leader_rating = r->leader_rating;
        if (!isnan(r->self_rating) || !isnan(r->leader_rating)) {
            x.csat_min = 1;
            x.csat_max = 5;
        }
        if (r->feedback_idx >= 0)
            x.feedback = r->feedback_idx < 100   ? praise[r->feedback_idx]
                         : r->feedback_idx < 200 ? neutral[r->feedback_idx - 100]
                                                 : complaints[r->feedback_idx - 200];
        x.feedback_acted = r->acted;
        x.feedback_acted_time = r->acted_time;
        x.spend = r->spend;
        cx_status st = cx_log_append(log, &x);
        if (st != CX_OK)
            return st;
    }
    return CX_OK;
}

static void usage(FILE *f, const cxu_opt *opts)
{
    fprintf(f, "usage: cxkit sample [options]\n\n"
               "Writes a synthetic interaction log and transaction log (docs/sample-data.md).\n\n"
               "options:\n");
    cxu_print_options(f, opts);
}

int cx_cmd_sample(int argc, char **argv)
{
    long seed = 20240601, customers = 4000;
    double days = 730;
    const char *interactions = NULL, *transactions = NULL, *start_text = "2023-01-01";
    int help = 0, epoch = 0;
    const cxu_opt opts[] = {
        {"seed", CXU_LONG, &seed, "N", "random seed (default 20240601)"},
        {"customers", CXU_LONG, &customers, "N", "number of customers (default 4000)"},
        {"start", CXU_STRING, &start_text, "DATE", "first day (default 2023-01-01)"},
        {"days", CXU_DOUBLE, &days, "D", "length of the period in days (default 730)"},
        {"interactions", CXU_STRING, &interactions, "FILE", "write the interaction log here"},
        {"transactions", CXU_STRING, &transactions, "FILE", "write the transaction log here"},
        {"epoch", CXU_FLAG, &epoch, NULL, "write times as epoch seconds instead of ISO-8601"},
        {NULL, CXU_FLAG, NULL, NULL, NULL},
    };
    const char *pos[1];
    int npos;
    int rc = cxu_parse(argc, argv, 1, opts, pos, 0, &npos, &help, prog);
    if (rc)
        return rc;
    if (help) {
        usage(stdout, opts);
        return 0;
    }
    if (!interactions && !transactions) {
        fprintf(stderr, "%s: give --interactions FILE and/or --transactions FILE\n", prog);
        return CXU_EXIT_USAGE;
    }
    if (customers < 1 || customers > 100000000 || days <= 0 || seed < 0) {
        fprintf(stderr, "%s: --customers must be 1..1e8, --days > 0, --seed >= 0\n", prog);
        return CXU_EXIT_USAGE;
    }
    int64_t start;
    if (cx_time_parse(&start, start_text, strlen(start_text)) != CX_OK) {
        fprintf(stderr, "%s: --start: not a date: %s\n", prog, start_text);
        return CXU_EXIT_USAGE;
    }
    gen g;
    memset(&g, 0, sizeof g);
    cx_log *log = NULL;
    cx_status st = cx_rng_new(&g.rng, (uint64_t)seed, 0);
    if (st == CX_OK)
        st = cx_txlog_new(&g.tx);
    if (st == CX_OK) {
        make_staff(&g);
        for (long c = 0; c < customers && st == CX_OK; c++)
            if (customer(&g, (int32_t)c, start, days) != 0)
                st = cx_error_last()->code ? cx_error_last()->code : CX_ENOMEM;
    }
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.write_epoch_seconds = epoch;
    if (st == CX_OK && interactions) {
        qsort(g.rows, g.n, sizeof *g.rows, by_time); /* exports come in time order */
        st = cx_log_new(&log);
        if (st == CX_OK)
            st = to_log(log, &g);
        if (st == CX_OK)
            st = cx_log_write_csv(log, interactions, &o);
    }
    if (st == CX_OK && transactions)
        st = cx_txlog_write_csv(g.tx, transactions, &o);
    if (st == CX_OK)
        fprintf(stderr, "%s: %zu interactions, %zu transactions, %ld customers\n", prog, g.n,
                cx_txlog_rows(g.tx), customers);
    else
        rc = cxu_report(prog, st);
    cx_log_free(log);
    cx_txlog_free(g.tx);
    cx_rng_free(g.rng);
    free(g.rows);
    return rc;
}
