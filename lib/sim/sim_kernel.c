/* The customer kernel: each customer, with its own random stream, goes through every period:
 * contacts (channel, touchpoint, employee, behaviour, failure and recovery), satisfaction by
 * expectation disconfirmation, the asymmetric loyalty update, purchases and the churn hazard with
 * competing causes; waits, effort, the team leader's view and free-text feedback for the log.
 * Equations: docs/simulator.md. Every contact consumes exactly CONTACT_DRAWS
 * draws and every period two more, whatever happens, so that two scenarios run with common
 * random numbers stay aligned customer by customer. */
#include "sim_kernel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MOMENT_OF_TRUTH_WEIGHT 0.75 /* touchpoints at least this emotional count as moments */
#define LOW_BOND               0.3
#define CONTACT_DRAWS          19
#define GROUP                  64 /* customers drawn ahead together; divides CX__SIM_BLOCK */

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    while (c < need)
        c *= 2;
    void *n = cx__realloc_array(*arr, c, elem);
    if (!n)
        return -1;
    *arr = n;
    *cap = c;
    return 0;
}

static void fail_plugin(cx__sim_block *blk, const cx__sim_plugin *pl, const char *msg)
{
    blk->status = CX_EUSER;
    blk->plugin = pl->name;
    snprintf(blk->message, sizeof blk->message, "%s", msg);
}

static void fail_nomem(cx__sim_block *blk)
{
    blk->status = CX_ENOMEM;
    blk->plugin = NULL;
    snprintf(blk->message, sizeof blk->message, "out of memory recording the simulation");
}

/* clamp(floor(v), lo, hi) for integer 0 <= lo <= hi and finite v: clamping first leaves a
 * non-negative value, whose floor is its truncation (a cheap conversion, not a libm floor). */
static inline int rating(double v, double lo, double hi)
{
    double r = v >= lo ? v : lo; /* (a NaN, which the model never produces, gives lo) */
    r = r > hi ? hi : r;
    return (int)r;
}

/* Integer cuts (cx__sim_cut) of the probabilities compared with a uniform in the loop. */
typedef struct cuts {
    uint64_t contact, severe, response, referral, shift, leader, feedback;
} cuts;

/* Per-customer state. */
typedef struct customer {
    struct cx_rng rng;
    double expectation, bond, share, wallet, indifference, dissatisfaction, last_sat;
    unsigned failures;
    uint64_t buy_cut; /* cx__sim_cut of this customer's purchase probability */
    int channel;      /* 0..4 = in_person .. self_service */
    int segment;      /* 0 mass, 1 affluent, 2 private */
} customer;

static void customer_init(customer *c, const cx__sim_ctx *ctx, size_t i)
{
    const double *restrict x = ctx->p->v;
    cx__rng_seed(&c->rng, ctx->seed, i);
    uint64_t d = cx__rng_next(&c->rng);
    double us = cx__sim_u_hi(d), uc = cx__sim_u_lo(d);
    double aff = x[CX__SIM_P_SEGMENT_AFFLUENT_SHARE], prv = x[CX__SIM_P_SEGMENT_PRIVATE_SHARE];
    c->segment = us < prv ? 2 : (us < prv + aff ? 1 : 0);
    c->channel = CX__SIM_NCHANNELS - 1;
    for (int k = 0; k < CX__SIM_NCHANNELS; k++)
        if (uc < ctx->mix_cdf[k]) {
            c->channel = k;
            break;
        }
    double seg_e = x[CX__SIM_P_SEGMENT_EXPECTATION_STEP] * c->segment;
    c->expectation = cx__sim_clamp01(x[CX__SIM_P_EXPECTATION_MEAN] + seg_e +
                                     x[CX__SIM_P_EXPECTATION_SD] * cx__rng_std_normal(&c->rng));
    c->bond = cx__sim_clamp01(x[CX__SIM_P_BOND_MEAN] +
                              x[CX__SIM_P_BOND_SD] * cx__rng_std_normal(&c->rng));
    double smin = x[CX__SIM_P_SHARE_MIN];
    double sh = x[CX__SIM_P_SHARE_MEAN] + x[CX__SIM_P_SHARE_SD] * cx__rng_std_normal(&c->rng);
    c->share = sh < smin ? smin : (sh > 1 ? 1 : sh);
    double mult = c->segment == 2 ? x[CX__SIM_P_SEGMENT_PRIVATE_WALLET]
                                  : (c->segment == 1 ? x[CX__SIM_P_SEGMENT_AFFLUENT_WALLET] : 1);
    double sdl = x[CX__SIM_P_WALLET_SDLOG];
    c->wallet =
        x[CX__SIM_P_WALLET_MEAN] * mult * exp(sdl * cx__rng_std_normal(&c->rng) - 0.5 * sdl * sdl);
    double sdp = x[CX__SIM_P_PURCHASE_RATE_SDLOG];
    c->buy_cut = cx__sim_cut(cx__sim_clamp01(
        x[CX__SIM_P_PURCHASE_RATE] * exp(sdp * cx__rng_std_normal(&c->rng) - 0.5 * sdp * sdp)));
    c->indifference = c->dissatisfaction = 0;
    c->last_sat = x[CX__SIM_P_SAT_BASE];
    c->failures = 0;
}

static const double *channel_bonds(const double *x)
{
    return &x[CX__SIM_P_BOND_IN_PERSON];
}

/* The free-text comment a customer leaves, from what happened (texts in sim_log.c). */
static int feedback_code(const double *x, int csat, int assisted, int problem, int resolved,
                         double att, double auth, double own, double wait, double wait_mean,
                         double effort)
{
    if (csat >= 4) {
        if (resolved)
            return CX__FB_PRAISE_FIXED;
        if (assisted && att >= 0.75)
            return CX__FB_PRAISE_EXTRA_MILE;
        return !assisted || wait < 0.5 * wait_mean ? CX__FB_PRAISE_QUICK : CX__FB_PRAISE_THANKS;
    }
    if (csat == 3)
        return effort < x[CX__SIM_P_EFFORT_NEUTRAL] ? CX__FB_NEUTRAL_FINE : CX__FB_NEUTRAL_OK;
    if (problem && !resolved)
        return assisted && own < 0.5 ? CX__FB_NO_OWNERSHIP : CX__FB_NOT_SOLVED;
    if (assisted && wait > 2 * wait_mean)
        return CX__FB_WAITED;
    if (!assisted)
        return CX__FB_TOO_HARD;
    if (auth < 0.4 || att < x[CX__SIM_P_INDIFFERENCE_THRESHOLD])
        return CX__FB_SCRIPTED;
    return CX__FB_BROKEN_PROCESS;
}

/* The employee an assisted contact meets, from its second draw: uniform in [0, n_emp). */
static inline size_t employee_of(uint64_t d1, size_t n_emp)
{
    return (size_t)(((d1 >> 32) * (uint64_t)n_emp) >> 32);
}

/* One contact, from its CONTACT_DRAWS draws d. Returns 0, or -1 after recording an error in
 * blk. */
static int contact(cx__sim_block *blk, const cx__sim_ctx *ctx, const cuts *hot,
                   customer *restrict c, size_t ci, size_t t, const uint64_t *restrict d,
                   int64_t *restrict na, int64_t *restrict nc)
{
    const double *restrict x = ctx->p->v;
    const cx_sim_params *p = ctx->p;

    /* Written without data-dependent branches where it matters: the outcome of a contact is
     * random, so branches on it would mostly be mispredicted. Both the assisted and the
     * self-service performance are computed and one is selected. */
    size_t tp = 0;
    for (size_t k = 0; k + 1 < p->n_tps; k++)
        tp += !cx__sim_lo_below(d[0], ctx->tp_cut[k]); /* cumulative shares are increasing */
    const cx__sim_touchpoint *T = &p->tps[tp];
    double w = T->weight;
    int ss = CX__SIM_NCHANNELS - 1;
    int ch = c->channel;
    if (T->mix_cdf[ss] > 0) { /* the touchpoint's own channel mix */
        double u = cx__sim_u_hi(d[18]);
        ch = 0;
        while (ch < ss && u >= T->mix_cdf[ch])
            ch++;
    }
    ch = (ch != ss) & cx__sim_hi_below(d[0], hot->shift) ? ss : ch;
    int assisted = ch != ss;

    size_t j = employee_of(d[1], ctx->n_emp);
    size_t at = t * ctx->n_emp + j;
    const cx__sim_staff_cell *s = &ctx->staff->cells[at];
    double comp = assisted ? (double)s->competence : 0.5, own = s->ownership;
    double bsd = x[CX__SIM_P_BEHAVIOUR_SD];
    double att = cx__sim_clamp01(s->att + bsd * cx__sim_tri(d[2]));
    double auth = cx__sim_clamp01(s->auth + bsd * cx__sim_tri(d[3]));
    double emp = s->empathy;
    double perf_a = x[CX__SIM_P_PERF_BASE] + x[CX__SIM_P_PERF_ATTENTIVENESS] * att +
                    x[CX__SIM_P_PERF_EMPATHY] * emp + x[CX__SIM_P_PERF_AUTHENTICITY] * auth;
    double perf_s = x[CX__SIM_P_SELF_SERVICE_QUALITY] - x[CX__SIM_P_SELF_SERVICE_EMOTIONAL_GAP] * w;
    double perf = assisted ? perf_a : perf_s;
    double rskill = assisted ? (double)s->recovery : x[CX__SIM_P_SELF_SERVICE_QUALITY] * 0.5;
    perf += x[CX__SIM_P_PERF_SD] * cx__sim_tri(d[6]);

    /* failure and recovery: competence prevents failures, competence and ownership resolve them */
    double pfail = T->failure_rate * (1 + x[CX__SIM_P_FAILURE_COMPETENCE] * (0.5 - comp));
    int problem = cx__sim_u_lo(d[1]) < pfail;
    int first = c->failures == 0;
    int severe = problem & cx__sim_hi_below(d[4], hot->severe);
    double pen =
        problem ? (severe ? x[CX__SIM_P_SEVERE_PENALTY] : x[CX__SIM_P_FAILURE_PENALTY]) : 0.0;
    perf -= pen;
    double q = cx__sim_clamp01(rskill + x[CX__SIM_P_RECOVERY_SD] * cx__sim_tri(d[5]));
    double quality = problem ? q : 0.0;
    double pres = x[CX__SIM_P_RECOVERY_BASE] + x[CX__SIM_P_RECOVERY_SKILL] * rskill;
    pres += assisted ? x[CX__SIM_P_RECOVERY_OWNERSHIP] * (own - 0.5) +
                           x[CX__SIM_P_RECOVERY_COMPETENCE] * (comp - 0.5)
                     : 0.0;
    pres = cx__sim_clamp01(pres);
    int resolved = problem & (cx__sim_u_lo(d[4]) < pres);
    perf += resolved ? pen * x[CX__SIM_P_RECOVERY_RESTORE] * quality : 0.0;
    int excellent = resolved & (quality >= x[CX__SIM_P_EXCELLENT_RECOVERY]);
    int paradox = excellent & first & !severe;
    double srp = paradox ? x[CX__SIM_P_SRP_BONUS] : 0.0;
    c->dissatisfaction += problem & !resolved ? w * (severe ? 2 : 1) : 0.0;
    c->failures += (unsigned)problem;

    /* waiting (longer when understaffed) and customer effort, which lowers performance */
    double wait_mean = assisted ? x[CX__SIM_P_WAIT_IN_PERSON + ch] * ctx->orgs[t].wait_scale : 0;
    double wait = assisted ? -wait_mean * log1p(-cx__sim_u_hi(d[13])) : 0.0;
    double effort =
        x[CX__SIM_P_EFFORT_BASE] +
        (assisted ? x[CX__SIM_P_EFFORT_WAIT] * log1p(wait / x[CX__SIM_P_WAIT_TOLERANCE]) +
                        x[CX__SIM_P_EFFORT_COMPETENCE] * (0.5 - comp)
                  : x[CX__SIM_P_EFFORT_SELF_SERVICE]) +
        (problem & !resolved ? x[CX__SIM_P_EFFORT_UNRESOLVED] : 0.0) +
        (resolved ? x[CX__SIM_P_EFFORT_RECOVERED] * (1 - quality) : 0.0) +
        x[CX__SIM_P_EFFORT_SD] * cx__sim_tri(d[14]);
    effort = cx__sim_clamp01(effort);
    double excess_effort = effort - x[CX__SIM_P_EFFORT_NEUTRAL];
    perf -= x[CX__SIM_P_PERF_EFFORT] * excess_effort;
    perf = cx__sim_clamp01(perf);
    c->indifference += assisted & (att < x[CX__SIM_P_INDIFFERENCE_THRESHOLD]) ? w : 0.0;

    /* satisfaction: expectation disconfirmation, asymmetric */
    double e = c->expectation, dis = perf - e;
    double sat = cx__sim_clamp01(x[CX__SIM_P_SAT_BASE] + x[CX__SIM_P_SAT_EXPECTATION] * (e - 0.5) +
                                 x[CX__SIM_P_SAT_GAIN_POS] * (dis > 0 ? dis : 0) +
                                 x[CX__SIM_P_SAT_GAIN_NEG] * (dis < 0 ? dis : 0) + srp);
    char buf[256];
    const cx__sim_plugin *pl = &p->rules[CX_SIM_RULE_SATISFACTION];
    if (pl->fn) {
        double in[9] = {e, perf, w, problem, resolved, quality, first, severe, sat};
        if (cx__sim_call_rule(pl, &sat, 1, in, 9, 0, 1, buf, sizeof buf)) {
            fail_plugin(blk, pl, buf);
            return -1;
        }
    }
    c->last_sat = sat;

    /* loyalty: asymmetric response around s0, scaled by emotional weight and channel bond */
    double sl = sat - srp; /* the recovery paradox does not reach repurchase (de Matos 2007) */
    double dx = sl - x[CX__SIM_P_SAT_NEUTRAL];
    double gw = w * channel_bonds(x)[ch];
    double pos = dx > 0 ? dx : 0, neg = dx < 0 ? dx : 0;
    double bond = cx__sim_clamp01(
        c->bond + gw * (x[CX__SIM_P_BOND_GAIN_POS] * pos + x[CX__SIM_P_BOND_GAIN_NEG] * neg));
    double dshare = gw * (x[CX__SIM_P_SHARE_GAIN_POS] * pos + x[CX__SIM_P_SHARE_GAIN_NEG] * neg -
                          x[CX__SIM_P_SHARE_EFFORT] * excess_effort) +
                    w * x[CX__SIM_P_SHARE_SD_RESPONSE] * cx__sim_tri(d[9]);
    double smin = x[CX__SIM_P_SHARE_MIN];
    double share = c->share + dshare;
    share = share < smin ? smin : (share > 1 ? 1 : share);
    pl = &p->rules[CX_SIM_RULE_LOYALTY];
    if (pl->fn) {
        double in[7] = {sl, c->bond, c->share, w, channel_bonds(x)[ch], bond, share};
        double out[2];
        if (cx__sim_call_rule(pl, out, 2, in, 7, 0, 1, buf, sizeof buf)) {
            fail_plugin(blk, pl, buf);
            return -1;
        }
        bond = out[0];
        dshare = out[1] - c->share;
        share = out[1] < smin ? smin : out[1];
    }
    c->bond = bond;
    c->share = share;
    c->expectation = e + x[CX__SIM_P_EXPECTATION_ADAPT] * (perf - e);

    /* ratings */
    double rsd = x[CX__SIM_P_RATING_SD];
    int csat = rating(1 + 5 * (sat + rsd * cx__sim_tri(d[7])), 1, 5);
    int self = rating(1 + 5 * (perf + s->bias + rsd * cx__sim_tri(d[8])), 1, 5);
    double nb = x[CX__SIM_P_NPS_BOND_WEIGHT];
    int nps = rating(10 * (nb * bond + (1 - nb) * sat) + x[CX__SIM_P_NPS_SHIFT] + 0.5 +
                         x[CX__SIM_P_NPS_SD] * cx__sim_tri(d[10]),
                     0, 10);
    int responded = cx__sim_lo_below(d[11], hot->response);
    int rated_assisted = responded & assisted;
    /* a purchase during the contact (add-on sale) */
    double u_sale = cx__sim_u_lo(d[18]);
    int sale = u_sale < T->sale_rate;
    double spend = sale ? c->wallet * c->share * (0.5 + u_sale / T->sale_rate) : 0.0;
    na[CX__ACC_SALES_CENTS] += sale ? (int64_t)llround(spend * 100) : 0;
    na[CX__ACC_REFERRALS] += (nps >= 9) & cx__sim_hi_below(d[12], hot->referral);
    na[CX__ACC_CONTACTS] += 1;
    na[CX__ACC_RATED] += responded;
    na[CX__ACC_CSAT_SUM] += responded ? csat : 0;
    na[CX__ACC_CSAT_TOP2] += responded & (csat >= 4);
    na[CX__ACC_NPS_N] += responded;
    na[CX__ACC_NPS_PROM] += responded & (nps >= 9);
    na[CX__ACC_NPS_DET] += responded & (nps <= 6);
    na[CX__ACC_ASSISTED_RATED] += rated_assisted;
    na[CX__ACC_SELF_SUM] += rated_assisted ? self : 0;
    na[CX__ACC_CSAT_ASSISTED_SUM] += rated_assisted ? csat : 0;

    /* calibration statistics (latent, not subject to response) */
    int mot = w >= MOMENT_OF_TRUTH_WEIGHT;
    int mot_pos = mot & assisted & (att >= x[CX__SIM_P_INDIFFERENCE_THRESHOLD]) & (csat >= 4);
    int mot_neg = mot & !mot_pos & (csat <= 3);
    nc[CX__CAL_INTERACTIONS] += 1;
    nc[CX__CAL_MOT_POS_N] += mot_pos;
    nc[CX__CAL_MOT_POS_INC] += mot_pos & (dshare > 0);
    nc[CX__CAL_MOT_NEG_N] += mot_neg;
    nc[CX__CAL_MOT_NEG_RED] += mot_neg & (dshare < 0);
    nc[CX__CAL_ASSISTED_N] += assisted;
    nc[CX__CAL_SELF_TOP] += assisted & (self >= 5);
    nc[CX__CAL_CSAT_TOP] += assisted & (csat >= 5);
    int other = excellent & !paradox, unresolved = problem & !resolved;
    nc[CX__CAL_NOPROB_N] += !problem;
    nc[CX__CAL_NOPROB_SUM] += problem ? 0 : csat;
    nc[CX__CAL_SRP_N] += paradox;
    nc[CX__CAL_SRP_SUM] += paradox ? csat : 0;
    nc[CX__CAL_RECOTHER_N] += other;
    nc[CX__CAL_RECOTHER_SUM] += other ? csat : 0;
    nc[CX__CAL_UNRES_N] += unresolved;
    nc[CX__CAL_UNRES_SUM] += unresolved ? csat : 0;

    uint32_t offset = (uint32_t)(cx__sim_u_hi(d[11]) * x[CX__SIM_P_PERIOD_DAYS] * 86400.0);
    if (sale && ctx->record_transactions) {
        if (grow((void **)&blk->txs, &blk->cap_txs, blk->n_txs + 1, sizeof *blk->txs)) {
            fail_nomem(blk);
            return -1;
        }
        cx__sim_tx *tx = &blk->txs[blk->n_txs++];
        tx->customer = (uint32_t)ci;
        tx->period = (uint32_t)t;
        tx->offset = offset;
        tx->amount = (float)spend;
    }
    if (ctx->record_interactions) {
        if (grow((void **)&blk->recs, &blk->cap_recs, blk->n_recs + 1, sizeof *blk->recs)) {
            fail_nomem(blk);
            return -1;
        }
        cx__sim_rec *r = &blk->recs[blk->n_recs++];
        r->customer = (uint32_t)ci;
        r->employee = assisted ? (uint32_t)j : UINT32_MAX;
        r->period = (uint32_t)t;
        r->offset = offset;
        r->touchpoint = (uint8_t)tp;
        r->channel = (uint8_t)(ch + 1);
        r->problem = (uint8_t)problem;
        r->resolved = (uint8_t)resolved;
        r->csat = (int8_t)(responded ? csat : -1);
        r->nps = (int8_t)(responded ? nps : -1);
        r->self_rating = (int8_t)(rated_assisted ? self : -1);
        r->segment = (uint8_t)c->segment;
        r->attentiveness = assisted ? (float)att : NAN;
        r->empathy = assisted ? (float)emp : NAN;
        r->authenticity = assisted ? (float)auth : NAN;
        r->ownership = assisted ? (float)own : NAN;
        r->competence = assisted ? (float)comp : NAN;
        r->wait = assisted ? (float)wait : NAN;
        r->spend = sale ? (float)spend : NAN;
        r->effort = (float)effort;
        r->ces =
            (int8_t)(responded ? rating(1 + 7 * (effort + rsd * cx__sim_tri(d[15])), 1, 7) : -1);
        /* the team leader watching a contact sees what the customer feels, without the bias */
        int watched = assisted & cx__sim_hi_below(d[17], hot->leader);
        r->leader_rating =
            (int8_t)(watched ? rating(1 + 5 * (sat + rsd * cx__sim_tri(d[16])), 1, 5) : -1);
        r->feedback = -1;
        r->acted = -1;
        r->acted_delay = NAN;
        if (responded && cx__sim_lo_below(d[17], hot->feedback)) {
            r->feedback = (int8_t)feedback_code(x, csat, assisted, problem, resolved, att, auth,
                                                own, wait, wait_mean, effort);
            /* better (more customer-centric) team leaders act on more feedback */
            double lead =
                assisted ? ctx->staff->lead[t * ctx->staff->n_teams + j / ctx->staff->team_size]
                         : ctx->orgs[t].leadership;
            double pact = cx__sim_clamp01(x[CX__SIM_P_FEEDBACK_ACT_BASE] +
                                          x[CX__SIM_P_FEEDBACK_ACT_LEADERSHIP] * (lead - 0.5));
            double ua = cx__sim_u_lo(d[13]);
            r->acted = (int8_t)(ua < pact);
            if (r->acted) {
                double days = -x[CX__SIM_P_FEEDBACK_ACT_DAYS] * log((ua + 0x1p-33) / pact);
                r->acted_delay = (float)(days > 0 ? days * 86400.0 : 0.0);
            }
        }
    }
    return 0;
}

/* One period of one customer after its contact: purchase, churn, decay. Returns 1 when the
 * customer churned, 0 otherwise, -1 on a plugin or memory failure. */
static int period_end(cx__sim_block *blk, const cx__sim_ctx *ctx, customer *restrict c, size_t ci,
                      size_t t, uint64_t d0, uint64_t d1, double *restrict acc,
                      int64_t *restrict na)
{
    const double *restrict x = ctx->p->v;
    const cx__sim_plugin *churn_pl = &ctx->p->rules[CX_SIM_RULE_CHURN];
    int buy = cx__sim_lo_below(d0, c->buy_cut);
    double amount = c->wallet * c->share * (0.5 + cx__sim_u_hi(d1));
    acc[CX__ACC_REVENUE] += buy ? amount : 0.0; /* no branch on a coin flip */
    if (ctx->record_transactions && buy) {
        if (grow((void **)&blk->txs, &blk->cap_txs, blk->n_txs + 1, sizeof *blk->txs)) {
            fail_nomem(blk);
            return -1;
        }
        cx__sim_tx *tx = &blk->txs[blk->n_txs++];
        tx->customer = (uint32_t)ci;
        tx->period = (uint32_t)t;
        tx->offset = (uint32_t)(cx__sim_u_hi(d1) * x[CX__SIM_P_PERIOD_DAYS] * 86400.0);
        tx->amount = (float)amount;
    }
    /* churn: competing causes */
    double loose = 1 - c->bond;
    double h_ind = x[CX__SIM_P_CHURN_INDIFFERENCE] * c->indifference * loose;
    double h_dis = x[CX__SIM_P_CHURN_DISSATISFACTION] * c->dissatisfaction * loose +
                   x[CX__SIM_P_CHURN_LOW_BOND] * (c->bond < LOW_BOND ? LOW_BOND - c->bond : 0);
    double h_oth = x[CX__SIM_P_CHURN_BASE];
    double h = h_ind + h_dis + h_oth;
    if (h > 1) {
        h_ind /= h;
        h_dis /= h;
        h_oth /= h;
        h = 1;
    }
    if (churn_pl->fn) {
        double in[5] = {c->bond, c->indifference, c->dissatisfaction, c->last_sat, h};
        double hn;
        char buf[256];
        if (cx__sim_call_rule(churn_pl, &hn, 1, in, 5, 0, 1, buf, sizeof buf)) {
            fail_plugin(blk, churn_pl, buf);
            return -1;
        }
        if (h > 0) {
            double f = hn / h;
            h_ind *= f;
            h_dis *= f;
            h_oth *= f;
        } else {
            h_oth = hn;
        }
    }
    double u = cx__sim_u_lo(d1);
    if (u < h_ind + h_dis + h_oth) {
        na[u < h_ind ? CX__ACC_CHURN_IND
                     : (u < h_ind + h_dis ? CX__ACC_CHURN_DIS : CX__ACC_CHURN_OTHER)] += 1;
        return 1;
    }
    na[CX__ACC_ALIVE_END] += 1;
    acc[CX__ACC_BOND_SUM] += c->bond;
    acc[CX__ACC_SHARE_SUM] += c->share;
    c->indifference *= x[CX__SIM_P_STOCK_DECAY];
    c->dissatisfaction *= x[CX__SIM_P_STOCK_DECAY];
    return 0;
}

/* Period-major over a chunk of consecutive blocks: the chunk's customers are streamed in order
 * and one period's employees stay in cache while every customer of the chunk meets them. Each
 * customer draws from its own stream in the same order whatever the loop order, and each block's
 * acc[t] sums its customers in increasing order, so results depend neither on the chunking nor on
 * the number of threads.
 *
 * Within a period, customers go in groups of GROUP: a first pass makes each customer's draws for
 * the period (2, plus CONTACT_DRAWS when it contacts; the same draws in the same order as drawing
 * them on the way), lists the customers who contact and prefetches the employee each contact will
 * meet; then the listed contacts are simulated from these draws, and last every customer's period
 * end (one unpredictable branch per customer instead of two). The employee table of a period (24
 * bytes per employee) does not stay in the core's cache while the chunk's customers stream past, so
 * without the prefetch every contact waits for its employee. */
void cx__sim_chunk_run(cx__sim_block *blks, const cx__sim_ctx *ctx, size_t first_block,
                       size_t n_blocks)
{
    const double *restrict x = ctx->p->v;
    size_t begin = first_block * CX__SIM_BLOCK, end = (first_block + n_blocks) * CX__SIM_BLOCK;
    if (end > ctx->customers)
        end = ctx->customers;
    size_t n = end - begin;
    customer *cs = cx__malloc_array(n, sizeof *cs);
    unsigned char *alive = cx__malloc(n);
    if (!cs || !alive) {
        fail_nomem(&blks[first_block]);
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        customer_init(&cs[k], ctx, begin + k);
        alive[k] = 1;
    }
    cuts hot;
    hot.contact = cx__sim_cut(x[CX__SIM_P_CONTACT_RATE]);
    hot.severe = cx__sim_cut(x[CX__SIM_P_SEVERE_SHARE]);
    hot.response = cx__sim_cut(x[CX__SIM_P_RESPONSE_RATE]);
    hot.referral = cx__sim_cut(x[CX__SIM_P_REFERRAL_RATE]);
    hot.leader = cx__sim_cut(x[CX__SIM_P_LEADER_RATING_RATE]);
    hot.feedback = cx__sim_cut(x[CX__SIM_P_FEEDBACK_RATE]);
    uint64_t draws[GROUP][2 + CONTACT_DRAWS];
    unsigned char contacts[GROUP]; /* indices in the group of the customers who contact */
    for (size_t t = 0; t < ctx->periods; t++) {
        hot.shift = cx__sim_cut(ctx->orgs[t].shift);
        const cx__sim_staff_cell *row = &ctx->staff->cells[t * ctx->n_emp];
        for (size_t g = 0; g < n; g += GROUP) {
            size_t gn = n - g < GROUP ? n - g : GROUP;
            size_t n_contacts = 0;
            for (size_t k = 0; k < gn; k++) {
                if (!alive[g + k])
                    continue;
                customer *c = &cs[g + k];
                uint64_t *d = draws[k];
                d[0] = cx__rng_next(&c->rng);
                d[1] = cx__rng_next(&c->rng);
                int contacts_now = cx__sim_hi_below(d[0], hot.contact);
                contacts[n_contacts] = (unsigned char)k;
                n_contacts += (size_t)contacts_now;
                if (contacts_now) {
                    for (int i = 0; i < CONTACT_DRAWS; i++)
                        d[2 + i] = cx__rng_next(&c->rng);
                    PREFETCH(&row[employee_of(d[3], ctx->n_emp)]);
                }
            }
            /* a group lies inside one block (GROUP divides CX__SIM_BLOCK) */
            cx__sim_block *blk = &blks[first_block + g / CX__SIM_BLOCK];
            double *acc = &blk->acc[t * CX__ACC_COUNT];
            int64_t na[CX__ACC_COUNT] = {0}, nc[CX__CAL_COUNT] = {0};
            /* the group's contacts first, then every customer's period end: each customer's
             * contact still comes before its period end, and the real-valued sums of period_end
             * keep the customer order */
            for (size_t m = 0; m < n_contacts; m++) {
                size_t k = contacts[m];
                if (contact(blk, ctx, &hot, &cs[g + k], begin + g + k, t, draws[k] + 2, na, nc))
                    goto done;
            }
            for (size_t k = 0; k < gn; k++) {
                if (!alive[g + k])
                    continue;
                customer *c = &cs[g + k];
                size_t ci = begin + g + k;
                const uint64_t *d = draws[k];
                na[CX__ACC_ALIVE_START] += 1;
                nc[CX__CAL_CUSTOMER_PERIODS] += 1;
                int rc = period_end(blk, ctx, c, ci, t, d[0], d[1], acc, na);
                if (rc < 0)
                    goto done;
                if (rc)
                    alive[g + k] = 0;
            }
            /* counts and sums of ratings are integers: adding them up by group gives the same
             * doubles as adding them one by one (exact below 2^53) */
            for (int i = 0; i < CX__ACC_COUNT; i++)
                acc[i] += (double)na[i];
            for (int i = 0; i < CX__CAL_COUNT; i++)
                blk->cal[i] += (double)nc[i];
        }
    }
done:
    cx__free(cs);
    cx__free(alive);
}
