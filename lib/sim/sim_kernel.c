/* The customer kernel: each customer, with its own random stream, goes through every period:
 * contacts (channel, touchpoint, employee, behaviour, failure and recovery), satisfaction by
 * expectation disconfirmation, the asymmetric loyalty update, purchases and the churn hazard with
 * competing causes; waits, effort, the team leader's view and free-text feedback for the log.
 * Equations: docs/simulator.md. Every contact consumes exactly CONTACT_DRAWS draws (cut into
 * 32-bit halves and 16-bit slices: the layout is in docs/simulator.md, "Random numbers") and
 * every period two more, whatever happens, so that two scenarios run with common random numbers
 * stay aligned customer by customer. */
#include "sim_kernel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MOMENT_OF_TRUTH_WEIGHT 0.75 /* touchpoints at least this emotional count as moments */
#define LOW_BOND               0.3
#define CONTACT_DRAWS          10
#define GROUP                  128 /* customers drawn ahead together; divides CX__SIM_BLOCK */
#define LANES                  8   /* contact lists are padded to a multiple of this (see below) */

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
/* The stages of the kernel are inlined into cx__sim_chunk_run so that its AVX2 clone (below)
 * vectorises them with 4-lane vectors; a separate function would be compiled once, for the
 * baseline. */
#define STAGE static inline __attribute__((always_inline))
#else
#define PREFETCH(p) ((void)(p))
#define STAGE       static inline
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

/* Integer cuts of the probabilities compared with a uniform in the loop: cx__sim_cut for the
 * contact (32-bit), cut16 of it for the others (compared with 16-bit slices). */
typedef struct cuts {
    uint64_t contact, severe, response, referral, shift, leader, feedback;
} cuts;

/* Per-customer model state (the random streams live apart, as structure of arrays: see lanes). */
typedef struct customer {
    double expectation, bond, share, wallet, indifference, dissatisfaction, last_sat;
    unsigned failures;
    uint64_t buy_cut; /* cx__sim_cut of this customer's purchase probability */
    int channel;      /* 0..4 = in_person .. self_service */
    int segment;      /* 0 mass, 1 affluent, 2 private */
} customer;

/* The customers of a chunk as structure of arrays ([k] for the k-th customer), so that a group's
 * period ends run across customers in vector lanes; crowd_at gives the view from customer g. */
typedef struct crowd {
    double *expectation, *bond, *share, *wallet, *indifference, *dissatisfaction, *last_sat;
    int64_t *alive;   /* 1 or 0 */
    int64_t *buy_cut; /* cx__sim_cut of the customer's purchase probability */
    uint32_t *failures;
    uint8_t *channel, *segment;
} crowd;

static crowd crowd_at(const crowd *C, size_t g)
{
    crowd v = {C->expectation + g, C->bond + g,         C->share + g,
               C->wallet + g,      C->indifference + g, C->dissatisfaction + g,
               C->last_sat + g,    C->alive + g,        C->buy_cut + g,
               C->failures + g,    C->channel + g,      C->segment + g};
    return v;
}

static void customer_init(customer *c, struct cx_rng *rng, const cx__sim_ctx *ctx, size_t i)
{
    const double *restrict x = ctx->p->v;
    cx__rng_seed(rng, ctx->seed, i);
    uint64_t d = cx__rng_next(rng);
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
                                     x[CX__SIM_P_EXPECTATION_SD] * cx__rng_std_normal(rng));
    c->bond =
        cx__sim_clamp01(x[CX__SIM_P_BOND_MEAN] + x[CX__SIM_P_BOND_SD] * cx__rng_std_normal(rng));
    double smin = x[CX__SIM_P_SHARE_MIN];
    double sh = x[CX__SIM_P_SHARE_MEAN] + x[CX__SIM_P_SHARE_SD] * cx__rng_std_normal(rng);
    c->share = sh < smin ? smin : (sh > 1 ? 1 : sh);
    double mult = c->segment == 2 ? x[CX__SIM_P_SEGMENT_PRIVATE_WALLET]
                                  : (c->segment == 1 ? x[CX__SIM_P_SEGMENT_AFFLUENT_WALLET] : 1);
    double sdl = x[CX__SIM_P_WALLET_SDLOG];
    c->wallet =
        x[CX__SIM_P_WALLET_MEAN] * mult * exp(sdl * cx__rng_std_normal(rng) - 0.5 * sdl * sdl);
    double sdp = x[CX__SIM_P_PURCHASE_RATE_SDLOG];
    c->buy_cut = cx__sim_cut(cx__sim_clamp01(x[CX__SIM_P_PURCHASE_RATE] *
                                             exp(sdp * cx__rng_std_normal(rng) - 0.5 * sdp * sdp)));
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

/* The same doubles as cx__sim_u_lo / cx__sim_u_hi, written with signed 32-bit conversions, which
 * vector units have (unsigned and 64-bit ones they lack before AVX-512): with h = hi ^ 2^31 read
 * as signed, (double)h = hi - 2^31 exactly. */
static inline double u_hi_v(uint64_t x)
{
    return ((double)(int32_t)(uint32_t)((x >> 32) ^ 0x80000000u) + 0x1p31) * 0x1p-32;
}
static inline double u_lo_v(uint64_t x)
{
    return ((double)(int32_t)(uint32_t)((x & 0xffffffffu) ^ 0x80000000u) + 0x1p31) * 0x1p-32;
}

/* Where 2^-16 resolution is enough (probabilities compared with a uniform, noise), a draw is cut
 * into 16-bit slices (slice k = bits 16k..16k+15) and a 32-bit half into two: this is how a contact
 * makes do with CONTACT_DRAWS draws (the layout is in docs/simulator.md, "Random numbers"). */
static inline int64_t s16(uint64_t x, int k)
{
    return (int64_t)((x >> (16 * k)) & 0xffffu);
}
static inline double u16_v(uint64_t x, int k)
{
    return (double)(int32_t)s16(x, k) * 0x1p-16;
}
/* Triangular noise sqrt(6) (u1 + u2 - 1) from the two 16-bit slices of half h (0 low, 1 high):
 * (a + b - 2^16) is exact in int32 and the scaling by 2^-16 is exact. */
static inline double tri16_v(uint64_t x, int h)
{
    uint32_t w = (uint32_t)(x >> (32 * h));
    int32_t m = (int32_t)(w >> 16) + (int32_t)(w & 0xffffu) - 65536;
    return (double)m * (2.449489742783178 * 0x1p-16);
}
/* The 16-bit cut for a probability from its 32-bit cut c = ceil(p 2^32): ceil(c / 2^16) =
 * ceil(p 2^16), so s16(x, k) < cut16(c) exactly when u16_v(x, k) < p. */
static inline uint64_t cut16(uint64_t c)
{
    return (c + 0xffffu) >> 16;
}

/* The contacts of one group, one array per quantity ([m] for the m-th contact of the group), so
 * that the model's arithmetic runs across contacts in vector lanes. Integers are int32 (counts
 * and ratings) or int64 (flags compared with doubles) as the vectoriser likes them. */
typedef struct contacts_scratch {
    /* inputs gathered per contact */
    int32_t ch[GROUP], emp[GROUP];
    int64_t tp[GROUP];
    int64_t first[GROUP];
    double w[GROUP], chbond[GROUP], s_att[GROUP], s_auth[GROUP], s_emp[GROUP], s_rec[GROUP],
        s_bias[GROUP], comp[GROUP], own[GROUP], frate[GROUP], wait_mean[GROUP], sale_rate[GROUP];
    double e[GROUP], bond[GROUP], share[GROUP], wallet[GROUP];
    double wait[GROUP], lwait[GROUP]; /* the wait and ln(1 + wait / wait_tolerance) */
    /* outcomes */
    int64_t problem[GROUP], resolved[GROUP], severe[GROUP], assisted[GROUP], paradox[GROUP],
        other[GROUP];
    double att[GROUP], auth[GROUP], perf[GROUP], quality[GROUP], srp[GROUP], sat[GROUP],
        dis_add[GROUP], ind_add[GROUP], nbond[GROUP], nshare[GROUP], dshare[GROUP], effort[GROUP],
        excess[GROUP], spend[GROUP];
    int32_t csat[GROUP], nps[GROUP], self[GROUP], bits[GROUP]; /* bits: flags, see ratings */
} contacts_scratch;

/* Stage 0a (vector): each contact's touchpoint, from the cumulative shares' cuts (increasing). */
STAGE void contacts_touchpoints(contacts_scratch *restrict S, const cx__sim_ctx *ctx, size_t nc,
                                const uint64_t (*restrict D)[GROUP])
{
    for (size_t m = 0; m < nc; m++)
        S->tp[m] = 0;
    for (size_t k = 0; k + 1 < ctx->p->n_tps; k++) {
        int64_t cut = (int64_t)cut16(ctx->tp_cut[k]);
        for (size_t m = 0; m < nc; m++)
            S->tp[m] += s16(D[0][m], 1) >= cut;
    }
}

/* Stage 0 (scalar): each contact's channel, touchpoint, employee and customer state, gathered
 * from tables indexed by its draws. */
STAGE void contacts_gather(contacts_scratch *restrict S, const cx__sim_ctx *ctx, const cuts *hot,
                           const crowd *restrict C, const unsigned char *restrict list, size_t nc,
                           size_t t, const uint64_t (*restrict D)[GROUP],
                           const cx__sim_staff_cell *restrict row)
{
    const cx_sim_params *p = ctx->p;
    const double *bonds = channel_bonds(p->v);
    const double wait_scale = ctx->orgs[t].wait_scale;
    int ss = CX__SIM_NCHANNELS - 1;
    for (size_t m = 0; m < nc; m++) {
        size_t k = list[m];
        uint64_t d0 = D[0][m];
        int tp = (int)S->tp[m];
        const cx__sim_touchpoint *T = &p->tps[tp];
        int ch = C->channel[k];
        if (T->mix_cdf[ss] > 0) { /* the touchpoint's own channel mix */
            double u = u16_v(D[3][m], 0);
            ch = 0;
            while (ch < ss && u >= T->mix_cdf[ch])
                ch++;
        }
        ch = ((ch != ss) & (s16(d0, 0) < (int64_t)hot->shift)) ? ss : ch;
        int assisted = ch != ss;
        size_t j = employee_of(d0, ctx->n_emp);
        const cx__sim_staff_cell *s = &row[j];
        S->ch[m] = ch;
        S->tp[m] = tp;
        S->emp[m] = (int32_t)j;
        S->first[m] = C->failures[k] == 0;
        S->frate[m] = T->failure_rate;
        S->sale_rate[m] = T->sale_rate;
        S->w[m] = T->weight;
        S->comp[m] = assisted ? (double)s->competence : 0.5;
        S->own[m] = s->ownership;
        S->wait_mean[m] = assisted ? p->v[CX__SIM_P_WAIT_IN_PERSON + ch] * wait_scale : 0;
        S->wallet[m] = C->wallet[k];
        S->chbond[m] = bonds[ch];
        S->s_att[m] = s->att;
        S->s_auth[m] = s->auth;
        S->s_emp[m] = s->empathy;
        S->s_rec[m] = s->recovery;
        S->s_bias[m] = s->bias;
        S->e[m] = C->expectation[k];
        S->bond[m] = C->bond[k];
        S->share[m] = C->share[k];
    }
}

/* ln(1 + x) for finite x > -1, from exactly rounded operations and bit moves only, so that the
 * vector lanes and the baseline build give the same doubles (libm's log1p has no vector form that
 * would). The classic method (as in fdlibm): 1 + x = 2^k f with f in [sqrt(2)/2, sqrt(2)),
 * ln f = 2 atanh(s), s = (f - 1) / (f + 1), by a minimax series in s^2, plus k ln 2 in two parts
 * and the rounding error of 1 + x to first order. Error below 0.87 ulp over the waits' arguments
 * (checked against log1pl on 2e7 points); differs from glibc's log1p in about 0.1% of them, by
 * one ulp. */
static inline double log1p_v(double x)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
                 lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
                 lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                 lg7 = 1.479819860511658591e-01;
    double u = 1 + x;
    uint64_t iu;
    memcpy(&iu, &u, sizeof iu);
    /* shift the exponent field by sqrt(2)/2's so that the mantissa lands in [sqrt(2)/2, sqrt(2)) */
    iu += 0x3ff0000000000000u - 0x3fe6a09e667f3bcdu;
    int32_t k = (int32_t)(iu >> 52) - 0x3ff;
    iu = (iu & 0x000fffffffffffffu) + 0x3fe6a09e667f3bcdu;
    double fr;
    memcpy(&fr, &iu, sizeof fr);
    double f = fr - 1;
    /* the rounding error of 1 + x relative to it (negligible once k >= 54) */
    double c1 = 1 - (u - x), c0 = x - (u - 1);
    double c = (k >= 2 ? c1 : c0) / u;
    c = k < 54 ? c : 0.0;
    double hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
    double t1 = w * (lg2 + w * (lg4 + w * lg6)), t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    double dk = (double)k;
    double r = s * (hfsq + t2 + t1) + (dk * ln2_lo + c) - hfsq + f + dk * ln2_hi;
    return x == 0 ? x : r; /* keeps the sign of a zero, as log1p does */
}

/* Stage 0b (vector): waiting, exponential with a mean that grows when understaffed, and its
 * contribution to effort, ln(1 + wait / wait_tolerance). */
STAGE void contacts_waits(contacts_scratch *restrict S, const double *restrict x, size_t nc,
                          const uint64_t (*restrict D)[GROUP])
{
    const double tol = x[CX__SIM_P_WAIT_TOLERANCE];
    const int32_t ss = CX__SIM_NCHANNELS - 1;
    for (size_t m = 0; m < nc; m++) {
        int64_t assisted = S->ch[m] != ss;
        double wait = -S->wait_mean[m] * log1p_v(-u_hi_v(D[1][m]));
        double lwait = log1p_v(wait / tol);
        S->wait[m] = assisted != 0 ? wait : 0.0;
        S->lwait[m] = assisted != 0 ? lwait : 0.0;
    }
}

/* Stage A (vector): behaviour, performance, failure and recovery, satisfaction. Written without
 * data-dependent branches: both the assisted and the self-service performance are computed and
 * one is selected. */
STAGE void contacts_satisfaction(contacts_scratch *restrict S, const double *restrict x,
                                 const cuts *hot, size_t nc, const uint64_t (*restrict D)[GROUP])
{
    const int64_t ss = CX__SIM_NCHANNELS - 1, severe_cut = (int64_t)hot->severe;
    const double bsd = x[CX__SIM_P_BEHAVIOUR_SD], pb = x[CX__SIM_P_PERF_BASE],
                 pa = x[CX__SIM_P_PERF_ATTENTIVENESS], pe = x[CX__SIM_P_PERF_EMPATHY],
                 pu = x[CX__SIM_P_PERF_AUTHENTICITY], ssq = x[CX__SIM_P_SELF_SERVICE_QUALITY],
                 gap = x[CX__SIM_P_SELF_SERVICE_EMOTIONAL_GAP], psd = x[CX__SIM_P_PERF_SD],
                 sevp = x[CX__SIM_P_SEVERE_PENALTY], failp = x[CX__SIM_P_FAILURE_PENALTY],
                 rsd = x[CX__SIM_P_RECOVERY_SD], rb = x[CX__SIM_P_RECOVERY_BASE],
                 rs = x[CX__SIM_P_RECOVERY_SKILL], rr = x[CX__SIM_P_RECOVERY_RESTORE],
                 exc = x[CX__SIM_P_EXCELLENT_RECOVERY], srpb = x[CX__SIM_P_SRP_BONUS],
                 ith = x[CX__SIM_P_INDIFFERENCE_THRESHOLD], s0 = x[CX__SIM_P_SAT_BASE],
                 se = x[CX__SIM_P_SAT_EXPECTATION], gpos = x[CX__SIM_P_SAT_GAIN_POS],
                 gneg = x[CX__SIM_P_SAT_GAIN_NEG], fc = x[CX__SIM_P_FAILURE_COMPETENCE],
                 ro = x[CX__SIM_P_RECOVERY_OWNERSHIP], rc = x[CX__SIM_P_RECOVERY_COMPETENCE],
                 eb = x[CX__SIM_P_EFFORT_BASE], ew = x[CX__SIM_P_EFFORT_WAIT],
                 ec = x[CX__SIM_P_EFFORT_COMPETENCE], ess = x[CX__SIM_P_EFFORT_SELF_SERVICE],
                 eu = x[CX__SIM_P_EFFORT_UNRESOLVED], er = x[CX__SIM_P_EFFORT_RECOVERED],
                 esd = x[CX__SIM_P_EFFORT_SD], en = x[CX__SIM_P_EFFORT_NEUTRAL],
                 pef = x[CX__SIM_P_PERF_EFFORT];
    for (size_t m = 0; m < nc; m++) {
        int64_t assisted = S->ch[m] != ss;
        double w = S->w[m];
        double att = cx__sim_clamp01(S->s_att[m] + bsd * tri16_v(D[5][m], 1));
        double auth = cx__sim_clamp01(S->s_auth[m] + bsd * tri16_v(D[5][m], 0));
        double perf_a = pb + pa * att + pe * S->s_emp[m] + pu * auth;
        double perf_s = ssq - gap * w;
        double perf = assisted != 0 ? perf_a : perf_s;
        double rskill = assisted != 0 ? S->s_rec[m] : ssq * 0.5;
        perf += psd * tri16_v(D[6][m], 0);
        /* failure and recovery: competence prevents failures, competence and ownership resolve
         * them */
        double comp = S->comp[m];
        double pfail = S->frate[m] * (1 + fc * (0.5 - comp));
        int64_t problem = u16_v(D[2][m], 3) < pfail;
        int64_t severe = problem & (s16(D[2][m], 2) < severe_cut);
        double pen = problem != 0 ? (severe != 0 ? sevp : failp) : 0.0;
        perf -= pen;
        double q = cx__sim_clamp01(rskill + rsd * tri16_v(D[6][m], 1));
        double quality = problem != 0 ? q : 0.0;
        double pres = rb + rs * rskill;
        double pres_a = ro * (S->own[m] - 0.5) + rc * (comp - 0.5);
        pres += assisted != 0 ? pres_a : 0.0;
        pres = cx__sim_clamp01(pres);
        int64_t resolved = problem & (u16_v(D[2][m], 1) < pres);
        double restore = pen * rr * quality; /* computed whatever the outcome: no branch */
        perf += resolved != 0 ? restore : 0.0;
        int64_t excellent = resolved & (quality >= exc);
        int64_t paradox = excellent & S->first[m] & (severe ^ 1);
        double srp = paradox != 0 ? srpb : 0.0;
        double dis_w = w * (severe != 0 ? 2.0 : 1.0);
        S->dis_add[m] = (problem & (resolved ^ 1)) != 0 ? dis_w : 0.0;
        /* waiting (longer when understaffed) and customer effort, which lowers performance */
        double eff_a = ew * S->lwait[m] + ec * (0.5 - comp);
        double effort = eb + (assisted != 0 ? eff_a : ess) +
                        ((problem & (resolved ^ 1)) != 0 ? eu : 0.0) +
                        (resolved != 0 ? er * (1 - quality) : 0.0) + esd * tri16_v(D[9][m], 1);
        effort = cx__sim_clamp01(effort);
        double excess = effort - en;
        perf -= pef * excess;
        S->effort[m] = effort;
        S->excess[m] = excess;
        perf = cx__sim_clamp01(perf);
        S->ind_add[m] = (assisted & (att < ith)) != 0 ? w : 0.0;
        double e = S->e[m], dis = perf - e;
        S->sat[m] = cx__sim_clamp01(s0 + se * (e - 0.5) + gpos * (dis > 0 ? dis : 0) +
                                    gneg * (dis < 0 ? dis : 0) + srp);
        S->assisted[m] = assisted;
        S->problem[m] = problem;
        S->resolved[m] = resolved;
        S->severe[m] = severe;
        S->att[m] = att;
        S->auth[m] = auth;
        S->perf[m] = perf;
        S->quality[m] = quality;
        S->srp[m] = srp;
        S->paradox[m] = paradox;
        S->other[m] = excellent & (paradox ^ 1);
    }
}

/* Stage B (vector): the asymmetric loyalty response around s0, scaled by emotional weight and
 * channel bond. */
STAGE void contacts_loyalty(contacts_scratch *restrict S, const double *restrict x, size_t nc,
                            const uint64_t (*restrict D)[GROUP])
{
    const double neutral = x[CX__SIM_P_SAT_NEUTRAL], bgp = x[CX__SIM_P_BOND_GAIN_POS],
                 bgn = x[CX__SIM_P_BOND_GAIN_NEG], sgp = x[CX__SIM_P_SHARE_GAIN_POS],
                 sgn = x[CX__SIM_P_SHARE_GAIN_NEG], ssd = x[CX__SIM_P_SHARE_SD_RESPONSE],
                 sef = x[CX__SIM_P_SHARE_EFFORT], smin = x[CX__SIM_P_SHARE_MIN];
    for (size_t m = 0; m < nc; m++) {
        double sl = S->sat[m] - S->srp[m]; /* the paradox does not reach repurchase (de Matos) */
        double dx = sl - neutral;
        double w = S->w[m], gw = w * S->chbond[m];
        double pos = dx > 0 ? dx : 0, neg = dx < 0 ? dx : 0;
        S->nbond[m] = cx__sim_clamp01(S->bond[m] + gw * (bgp * pos + bgn * neg));
        double dshare =
            gw * (sgp * pos + sgn * neg - sef * S->excess[m]) + w * ssd * tri16_v(D[8][m], 1);
        double share = S->share[m] + dshare;
        S->nshare[m] = share < smin ? smin : (share > 1 ? 1 : share);
        S->dshare[m] = dshare;
    }
}

/* clamp(floor(v), lo, hi) for integer 0 <= lo <= hi and finite v: clamping first leaves a
 * non-negative value, whose floor is its truncation. */
static inline int32_t rating_v(double v, double lo, double hi)
{
    double r = v >= lo ? v : lo;
    r = r > hi ? hi : r;
    return (int32_t)r;
}

/* Stage C (vector): ratings, responses, and the group's counts. */
STAGE void contacts_ratings(contacts_scratch *restrict S, const double *restrict x, const cuts *hot,
                            size_t nc, size_t npad, const uint64_t (*restrict D)[GROUP],
                            int64_t *restrict na, int64_t *restrict ncal)
{
    const double rsd = x[CX__SIM_P_RATING_SD], nb = x[CX__SIM_P_NPS_BOND_WEIGHT],
                 nshift = x[CX__SIM_P_NPS_SHIFT], nsd = x[CX__SIM_P_NPS_SD],
                 ith = x[CX__SIM_P_INDIFFERENCE_THRESHOLD];
    const int64_t resp_cut = (int64_t)hot->response, ref_cut = (int64_t)hot->referral;
    int32_t referrals = 0, rated = 0, csat_sum = 0, csat_top2 = 0, prom = 0, det = 0, ass_rated = 0,
            self_sum = 0, csat_ass_sum = 0;
    int32_t mot_pos_n = 0, mot_pos_inc = 0, mot_neg_n = 0, mot_neg_red = 0, ass_n = 0, self_top = 0,
            csat_top = 0, noprob_n = 0, noprob_sum = 0, srp_n = 0, srp_sum = 0, other_n = 0,
            other_sum = 0, unres_n = 0, unres_sum = 0;
    for (size_t m = 0; m < npad; m++) {
        double sat = S->sat[m], perf = S->perf[m], bond = S->nbond[m];
        S->csat[m] = rating_v(1 + 5 * (sat + rsd * tri16_v(D[7][m], 1)), 1, 5);
        S->self[m] = rating_v(1 + 5 * (perf + S->s_bias[m] + rsd * tri16_v(D[7][m], 0)), 1, 5);
        S->nps[m] = rating_v(
            10 * (nb * bond + (1 - nb) * sat) + nshift + 0.5 + nsd * tri16_v(D[8][m], 0), 0, 10);
        int64_t responded = s16(D[2][m], 0) < resp_cut;
        int64_t referred = s16(D[3][m], 3) < ref_cut;
        int64_t mot = S->w[m] >= MOMENT_OF_TRUTH_WEIGHT, att_ok = S->att[m] >= ith;
        int64_t up = S->dshare[m] > 0, down = S->dshare[m] < 0;
        /* a purchase during the contact (add-on sale), from the share after the contact */
        double u_sale = u_lo_v(D[1][m]), rate = S->sale_rate[m];
        int64_t sale = u_sale < rate;
        double spend = S->wallet[m] * S->nshare[m] * (0.5 + u_sale / rate);
        S->spend[m] = sale != 0 ? spend : 0.0;
        S->bits[m] = (int32_t)(S->assisted[m] | S->problem[m] << 1 | S->resolved[m] << 2 |
                               S->paradox[m] << 3 | S->other[m] << 4 | mot << 5 | att_ok << 6 |
                               up << 7 | down << 8 | responded << 9 | referred << 10 | sale << 11 |
                               (S->problem[m] ^ 1) << 12);
    }
    for (size_t m = nc; m < npad; m++) /* the padding lanes count nothing */
        S->bits[m] = S->csat[m] = S->self[m] = S->nps[m] = 0;
    /* counts in a second loop, on int32 only, as plain sums of masked values (v & -flag): the
     * vectoriser takes these as reductions, where conditional sums (flag ? v : 0), mixed widths
     * or counts next to the clamps that made the ratings defeat it */
    for (size_t m = 0; m < npad; m++) {
        int32_t csat = S->csat[m], self = S->self[m], nps = S->nps[m], b = S->bits[m];
        int32_t assisted = b & 1, problem = (b >> 1) & 1, resolved = (b >> 2) & 1,
                paradox = (b >> 3) & 1, other = (b >> 4) & 1, mot = (b >> 5) & 1,
                att_ok = (b >> 6) & 1, up = (b >> 7) & 1, down = (b >> 8) & 1,
                responded = (b >> 9) & 1, referred = (b >> 10) & 1;
        int32_t top2 = (csat >= 4) & 1, top = (csat >= 5) & 1, low = (csat <= 3) & 1;
        int32_t prom_m = (nps >= 9) & 1, det_m = (nps <= 6) & 1, self_top_m = (self >= 5) & 1;
        int32_t rated_assisted = responded & assisted;
        referrals += prom_m & referred;
        rated += responded;
        csat_sum += csat & -responded;
        csat_top2 += responded & top2;
        prom += responded & prom_m;
        det += responded & det_m;
        ass_rated += rated_assisted;
        self_sum += self & -rated_assisted;
        csat_ass_sum += csat & -rated_assisted;
        /* calibration statistics (latent, not subject to response) */
        int32_t mot_pos = mot & assisted & att_ok & top2;
        int32_t mot_neg = mot & (mot_pos ^ 1) & low;
        mot_pos_n += mot_pos;
        mot_pos_inc += mot_pos & up;
        mot_neg_n += mot_neg;
        mot_neg_red += mot_neg & down;
        ass_n += assisted;
        self_top += assisted & self_top_m;
        csat_top += assisted & top;
        int32_t unresolved = problem & (resolved ^ 1);
        noprob_n += (b >> 12) & 1;
        noprob_sum += csat & (problem - 1);
        srp_n += paradox;
        srp_sum += csat & -paradox;
        other_n += other;
        other_sum += csat & -other;
        unres_n += unresolved;
        unres_sum += csat & -unresolved;
    }
    na[CX__ACC_REFERRALS] += referrals;
    na[CX__ACC_CONTACTS] += (int64_t)nc;
    na[CX__ACC_RATED] += rated;
    na[CX__ACC_CSAT_SUM] += csat_sum;
    na[CX__ACC_CSAT_TOP2] += csat_top2;
    na[CX__ACC_NPS_N] += rated;
    na[CX__ACC_NPS_PROM] += prom;
    na[CX__ACC_NPS_DET] += det;
    na[CX__ACC_ASSISTED_RATED] += ass_rated;
    na[CX__ACC_SELF_SUM] += self_sum;
    na[CX__ACC_CSAT_ASSISTED_SUM] += csat_ass_sum;
    ncal[CX__CAL_INTERACTIONS] += (int64_t)nc;
    ncal[CX__CAL_MOT_POS_N] += mot_pos_n;
    ncal[CX__CAL_MOT_POS_INC] += mot_pos_inc;
    ncal[CX__CAL_MOT_NEG_N] += mot_neg_n;
    ncal[CX__CAL_MOT_NEG_RED] += mot_neg_red;
    ncal[CX__CAL_ASSISTED_N] += ass_n;
    ncal[CX__CAL_SELF_TOP] += self_top;
    ncal[CX__CAL_CSAT_TOP] += csat_top;
    ncal[CX__CAL_NOPROB_N] += noprob_n;
    ncal[CX__CAL_NOPROB_SUM] += noprob_sum;
    ncal[CX__CAL_SRP_N] += srp_n;
    ncal[CX__CAL_SRP_SUM] += srp_sum;
    ncal[CX__CAL_RECOTHER_N] += other_n;
    ncal[CX__CAL_RECOTHER_SUM] += other_sum;
    ncal[CX__CAL_UNRES_N] += unres_n;
    ncal[CX__CAL_UNRES_SUM] += unres_sum;
}

/* The contacts of a group, listed in list[0..nc) (indices into cs), from their draws D[i][m]:
 * the stages above, the satisfaction and loyalty plugins between them (scalar, per contact), the
 * customers' new state and the records. Returns 0, or -1 after recording an error in blk. */
STAGE int contacts_run(cx__sim_block *blk, const cx__sim_ctx *ctx, const cuts *hot,
                       contacts_scratch *restrict S, const crowd *restrict C,
                       const unsigned char *restrict list, size_t nc, size_t ci0, size_t t,
                       const uint64_t (*restrict D)[GROUP], const cx__sim_staff_cell *row,
                       int64_t *restrict na, int64_t *restrict ncal)
{
    const double *restrict x = ctx->p->v;
    const cx_sim_params *p = ctx->p;
    char buf[256];
    /* the vector stages run over npad >= nc lanes, a multiple of LANES, so that no contact
     * falls in a scalar remainder loop; the padding lanes repeat a real contact's inputs, and
     * only counts and state of the first nc are kept */
    size_t npad = (nc + LANES - 1) / LANES * LANES;
    contacts_touchpoints(S, ctx, npad, D);
    contacts_gather(S, ctx, hot, C, list, npad, t, D, row);
    contacts_waits(S, x, npad, D);
    contacts_satisfaction(S, x, hot, npad, D);
    const cx__sim_plugin *pl = &p->rules[CX_SIM_RULE_SATISFACTION];
    if (pl->fn)
        for (size_t m = 0; m < nc; m++) {
            double in[9] = {S->e[m],       S->perf[m],  S->w[m],      S->problem[m], S->resolved[m],
                            S->quality[m], S->first[m], S->severe[m], S->sat[m]};
            if (cx__sim_call_rule(pl, &S->sat[m], 1, in, 9, 0, 1, buf, sizeof buf)) {
                fail_plugin(blk, pl, buf);
                return -1;
            }
        }
    contacts_loyalty(S, x, npad, D);
    pl = &p->rules[CX_SIM_RULE_LOYALTY];
    if (pl->fn) {
        double smin = x[CX__SIM_P_SHARE_MIN];
        for (size_t m = 0; m < nc; m++) {
            double in[7] = {S->sat[m] - S->srp[m], S->bond[m],  S->share[m], S->w[m],
                            S->chbond[m],          S->nbond[m], S->nshare[m]};
            double out[2];
            if (cx__sim_call_rule(pl, out, 2, in, 7, 0, 1, buf, sizeof buf)) {
                fail_plugin(blk, pl, buf);
                return -1;
            }
            S->nbond[m] = out[0];
            S->dshare[m] = out[1] - S->share[m];
            S->nshare[m] = out[1] < smin ? smin : out[1];
        }
    }
    contacts_ratings(S, x, hot, nc, npad, D, na, ncal);
    double adapt = x[CX__SIM_P_EXPECTATION_ADAPT];
    for (size_t m = 0; m < nc; m++) {
        size_t k = list[m];
        double e = S->e[m];
        C->last_sat[k] = S->sat[m];
        C->bond[k] = S->nbond[m];
        C->share[k] = S->nshare[m];
        C->expectation[k] = e + adapt * (S->perf[m] - e);
        C->dissatisfaction[k] += S->dis_add[m];
        C->indifference[k] += S->ind_add[m];
        C->failures[k] += (uint32_t)S->problem[m];
    }
    /* add-on sales: money in integer cents (exact sums in any order), and their transactions */
    double days = x[CX__SIM_P_PERIOD_DAYS];
    int64_t cents = 0;
    for (size_t m = 0; m < nc; m++) {
        if (!((S->bits[m] >> 11) & 1))
            continue;
        cents += (int64_t)llround(S->spend[m] * 100);
        if (ctx->record_transactions) {
            if (grow((void **)&blk->txs, &blk->cap_txs, blk->n_txs + 1, sizeof *blk->txs)) {
                fail_nomem(blk);
                return -1;
            }
            cx__sim_tx *tx = &blk->txs[blk->n_txs++];
            tx->customer = (uint32_t)(ci0 + list[m]);
            tx->period = (uint32_t)t;
            tx->offset = (uint32_t)(u16_v(D[4][m], 1) * days * 86400.0);
            tx->amount = (float)S->spend[m];
        }
    }
    na[CX__ACC_SALES_CENTS] += cents;
    if (!ctx->record_interactions)
        return 0;
    if (grow((void **)&blk->recs, &blk->cap_recs, blk->n_recs + nc, sizeof *blk->recs)) {
        fail_nomem(blk);
        return -1;
    }
    double rsd = x[CX__SIM_P_RATING_SD];
    for (size_t m = 0; m < nc; m++) {
        int assisted = (int)S->assisted[m], responded = (S->bits[m] >> 9) & 1;
        int sale = (S->bits[m] >> 11) & 1, problem = (int)S->problem[m];
        int resolved = (int)S->resolved[m];
        size_t j = (size_t)S->emp[m];
        double att = S->att[m], auth = S->auth[m], own = S->own[m], wait = S->wait[m];
        double effort = S->effort[m];
        cx__sim_rec *r = &blk->recs[blk->n_recs++];
        r->customer = (uint32_t)(ci0 + list[m]);
        r->employee = assisted ? (uint32_t)j : UINT32_MAX;
        r->period = (uint32_t)t;
        r->offset = (uint32_t)(u16_v(D[4][m], 1) * days * 86400.0);
        r->touchpoint = (uint8_t)S->tp[m];
        r->channel = (uint8_t)(S->ch[m] + 1);
        r->problem = (uint8_t)S->problem[m];
        r->resolved = (uint8_t)S->resolved[m];
        r->csat = (int8_t)(responded ? S->csat[m] : -1);
        r->nps = (int8_t)(responded ? S->nps[m] : -1);
        r->self_rating = (int8_t)(responded & assisted ? S->self[m] : -1);
        r->segment = C->segment[list[m]];
        r->attentiveness = assisted ? (float)S->att[m] : NAN;
        r->empathy = assisted ? (float)S->s_emp[m] : NAN;
        r->authenticity = assisted ? (float)auth : NAN;
        r->ownership = assisted ? (float)own : NAN;
        r->competence = assisted ? (float)S->comp[m] : NAN;
        r->wait = assisted ? (float)wait : NAN;
        r->spend = sale ? (float)S->spend[m] : NAN;
        r->effort = (float)effort;
        r->ces =
            (int8_t)(responded ? rating_v(1 + 7 * (effort + rsd * tri16_v(D[4][m], 1)), 1, 7) : -1);
        /* the team leader watching a contact sees what the customer feels, without the bias */
        int watched = assisted & (s16(D[3][m], 2) < (int64_t)hot->leader);
        r->leader_rating =
            (int8_t)(watched ? rating_v(1 + 5 * (S->sat[m] + rsd * tri16_v(D[9][m], 0)), 1, 5)
                             : -1);
        r->feedback = -1;
        r->acted = -1;
        r->acted_delay = NAN;
        if (responded && (s16(D[3][m], 1) < (int64_t)hot->feedback)) {
            r->feedback = (int8_t)feedback_code(x, S->csat[m], assisted, problem, resolved, att,
                                                auth, own, wait, S->wait_mean[m], effort);
            /* better (more customer-centric) team leaders act on more feedback */
            double lead =
                assisted ? ctx->staff->lead[t * ctx->staff->n_teams + j / ctx->staff->team_size]
                         : ctx->orgs[t].leadership;
            double pact = cx__sim_clamp01(x[CX__SIM_P_FEEDBACK_ACT_BASE] +
                                          x[CX__SIM_P_FEEDBACK_ACT_LEADERSHIP] * (lead - 0.5));
            double ua = u16_v(D[4][m], 0);
            r->acted = (int8_t)(ua < pact);
            if (r->acted) {
                double dd = -x[CX__SIM_P_FEEDBACK_ACT_DAYS] * log((ua + 0x1p-17) / pact);
                r->acted_delay = (float)(dd > 0 ? dd * 86400.0 : 0.0);
            }
        }
    }
    return 0;
}

/* The period end of a group's gn customers (C viewed from the group's first), after their
 * contacts: purchase, churn by competing causes, decay. Hazards and outcomes run across customers
 * in vector lanes (customers who churned earlier compute too and count nothing); the churn plugin
 * and the transactions take scalar loops, and the real-valued sums (revenue, bond, share) add up
 * in customer order. Returns 0, or -1 after recording an error in blk. */
STAGE int period_end(cx__sim_block *blk, const cx__sim_ctx *ctx, const crowd *restrict C, size_t gn,
                     size_t ci0, size_t t, const uint64_t *restrict d0, const uint64_t *restrict d1,
                     double *restrict acc, int64_t *restrict na)
{
    const double *restrict x = ctx->p->v;
    const double ci = x[CX__SIM_P_CHURN_INDIFFERENCE], cd = x[CX__SIM_P_CHURN_DISSATISFACTION],
                 clb = x[CX__SIM_P_CHURN_LOW_BOND], cb = x[CX__SIM_P_CHURN_BASE],
                 decay = x[CX__SIM_P_STOCK_DECAY];
    double rev[GROUP], amount[GROUP], hind[GROUP], hdis[GROUP], hoth[GROUP], hsum[GROUP];
    int64_t buy[GROUP], n_over = 0;
    double *restrict bond = C->bond, *restrict share = C->share, *restrict ind = C->indifference,
                     *restrict dis = C->dissatisfaction;
    const double *restrict wallet = C->wallet;
    int64_t *restrict alive = C->alive;
    for (size_t k = 0; k < gn; k++) {
        int64_t b = alive[k] & ((int64_t)(d0[k] & 0xffffffffu) < C->buy_cut[k]);
        double a = wallet[k] * share[k] * (0.5 + u_hi_v(d1[k]));
        amount[k] = a;
        rev[k] = b != 0 ? a : 0.0; /* adding +0 leaves the sum as it is */
        buy[k] = b;
        double loose = 1 - bond[k];
        double h_ind = ci * ind[k] * loose;
        double low = bond[k] < LOW_BOND ? LOW_BOND - bond[k] : 0;
        double h_dis = cd * dis[k] * loose + clb * low;
        double h_oth = cb;
        double h = h_ind + h_dis + h_oth;
        n_over += h > 1;
        hind[k] = h_ind;
        hdis[k] = h_dis;
        hoth[k] = h_oth;
        hsum[k] = h;
    }
    /* a total hazard above 1 (rare) is scaled back to 1, in a scalar loop: divisions in the
     * vector loop would cost every customer */
    if (n_over)
        for (size_t k = 0; k < gn; k++) {
            double h = hsum[k];
            if (h > 1) {
                hind[k] /= h;
                hdis[k] /= h;
                hoth[k] /= h;
                hsum[k] = 1;
            }
        }
    const cx__sim_plugin *churn_pl = &ctx->p->rules[CX_SIM_RULE_CHURN];
    if (churn_pl->fn)
        for (size_t k = 0; k < gn; k++) {
            if (!alive[k])
                continue;
            double h = hsum[k];
            double in[5] = {bond[k], ind[k], dis[k], C->last_sat[k], h};
            double hn;
            char buf[256];
            if (cx__sim_call_rule(churn_pl, &hn, 1, in, 5, 0, 1, buf, sizeof buf)) {
                fail_plugin(blk, churn_pl, buf);
                return -1;
            }
            if (h > 0) {
                double f = hn / h;
                hind[k] *= f;
                hdis[k] *= f;
                hoth[k] *= f;
            } else {
                hoth[k] = hn;
            }
        }
    if (ctx->record_transactions) {
        double days = x[CX__SIM_P_PERIOD_DAYS];
        for (size_t k = 0; k < gn; k++) {
            if (!buy[k])
                continue;
            if (grow((void **)&blk->txs, &blk->cap_txs, blk->n_txs + 1, sizeof *blk->txs)) {
                fail_nomem(blk);
                return -1;
            }
            cx__sim_tx *tx = &blk->txs[blk->n_txs++];
            tx->customer = (uint32_t)(ci0 + k);
            tx->period = (uint32_t)t;
            tx->offset = (uint32_t)(cx__sim_u_hi(d1[k]) * days * 86400.0);
            tx->amount = (float)amount[k];
        }
    }
    int64_t n_start = 0, n_end = 0, n_ind = 0, n_dis = 0, n_oth = 0;
    double keep_bond[GROUP], keep_share[GROUP];
    for (size_t k = 0; k < gn; k++) {
        double u = u_lo_v(d1[k]), hi = hind[k], hd = hdis[k];
        int64_t a = alive[k];
        int64_t churn = a & (u < hi + hd + hoth[k]);
        int64_t by_ind = u < hi, by_dis = u < hi + hd;
        n_start += a;
        n_ind += churn & by_ind;
        n_dis += churn & (by_ind ^ 1) & by_dis;
        n_oth += churn & (by_dis ^ 1);
        int64_t stays = a & (churn ^ 1);
        n_end += stays;
        alive[k] = stays;
        keep_bond[k] = stays != 0 ? bond[k] : 0.0;
        keep_share[k] = stays != 0 ? share[k] : 0.0;
        ind[k] *= decay; /* whatever happened: a churned customer's stocks are never read again */
        dis[k] *= decay;
    }
    double r = acc[CX__ACC_REVENUE], sb = acc[CX__ACC_BOND_SUM], ss = acc[CX__ACC_SHARE_SUM];
    for (size_t k = 0; k < gn; k++) {
        r += rev[k];
        sb += keep_bond[k];
        ss += keep_share[k];
    }
    acc[CX__ACC_REVENUE] = r;
    acc[CX__ACC_BOND_SUM] = sb;
    acc[CX__ACC_SHARE_SUM] = ss;
    na[CX__ACC_ALIVE_START] += n_start;
    na[CX__ACC_ALIVE_END] += n_end;
    na[CX__ACC_CHURN_IND] += n_ind;
    na[CX__ACC_CHURN_DIS] += n_dis;
    na[CX__ACC_CHURN_OTHER] += n_oth;
    return 0;
}

/* The xoshiro256** streams of a chunk's customers as structure of arrays, so that one step runs
 * for several customers at once in vector lanes; each customer keeps its own stream and draws
 * exactly what cx__rng_next would give it. */
typedef struct lanes {
    uint64_t *s0, *s1, *s2, *s3;
} lanes;

/* cx__rng_next on a state held in four scalars (the compiler keeps them in registers, one lane
 * per customer when the loop around is vectorised). */
static inline uint64_t xoshiro_step(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d)
{
    uint64_t r = cx__rotl64(*b * 5, 7) * 9, t = *b << 17;
    *c ^= *a;
    *d ^= *b;
    *b ^= *c;
    *a ^= *d;
    *c ^= t;
    *d = cx__rotl64(*d, 45);
    return r;
}

/* Each customer's two draws of a period, for customers [0, n) of the lanes (churned customers draw
 * too: their streams are never read again, and no lane has to be masked). */
STAGE void draw_period(uint64_t *restrict d0, uint64_t *restrict d1, uint64_t *restrict s0,
                       uint64_t *restrict s1, uint64_t *restrict s2, uint64_t *restrict s3,
                       size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint64_t a = s0[k], b = s1[k], c = s2[k], d = s3[k];
        d0[k] = xoshiro_step(&a, &b, &c, &d);
        d1[k] = xoshiro_step(&a, &b, &c, &d);
        s0[k] = a;
        s1[k] = b;
        s2[k] = c;
        s3[k] = d;
    }
}

/* CONTACT_DRAWS draws for each of n listed contacts, D[i][m] the i-th draw of the m-th contact,
 * from (and back to) the dense copies a..d of their streams. */
STAGE void draw_contacts(uint64_t (*restrict D)[GROUP], uint64_t *restrict a, uint64_t *restrict b,
                         uint64_t *restrict c, uint64_t *restrict d, size_t n)
{
    for (size_t m = 0; m < n; m++) {
        uint64_t sa = a[m], sb = b[m], sc = c[m], sd = d[m];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 32 /* unrolled, the loop over contacts vectorises: one contact per lane */
#endif
        for (int i = 0; i < CONTACT_DRAWS; i++)
            D[i][m] = xoshiro_step(&sa, &sb, &sc, &sd);
        a[m] = sa;
        b[m] = sb;
        c[m] = sc;
        d[m] = sd;
    }
}

/* One group's draws for a period: each customer's two, and CONTACT_DRAWS more for each who is
 * alive and contacts (listed in contacts[], padded to a multiple of LANES: see contacts_run). */
typedef struct group_draws {
    uint64_t d0[GROUP], d1[GROUP], D[CONTACT_DRAWS][GROUP];
    unsigned char contacts[GROUP]; /* indices in the group of the customers who contact */
    size_t n_contacts;
} group_draws;

/* Makes the draws of the group starting at customer g (of n) and prefetches the employee each of
 * its contacts will meet. The streams of the contacts are copied into dense lanes, advanced
 * together (vectorised across contacts) and copied back. */
STAGE void group_prepare(group_draws *restrict G, const lanes *L, const crowd *C, const cuts *hot,
                         const cx__sim_ctx *ctx, const cx__sim_staff_cell *row, size_t g, size_t n)
{
    uint64_t sa[GROUP], sb[GROUP], sc[GROUP], sd[GROUP];
    size_t gn = n - g < GROUP ? n - g : GROUP;
    draw_period(G->d0, G->d1, L->s0 + g, L->s1 + g, L->s2 + g, L->s3 + g, gn);
    size_t n_contacts = 0;
    for (size_t k = 0; k < gn; k++) {
        G->contacts[n_contacts] = (unsigned char)k;
        n_contacts += (size_t)C->alive[g + k] & (size_t)cx__sim_hi_below(G->d0[k], hot->contact);
    }
    /* padding lanes copy the last contact: valid inputs, never kept */
    size_t npad = (n_contacts + LANES - 1) / LANES * LANES;
    for (size_t m = n_contacts; m < npad; m++)
        G->contacts[m] = G->contacts[n_contacts - 1];
    for (size_t m = 0; m < npad; m++) {
        size_t k = g + G->contacts[m];
        sa[m] = L->s0[k];
        sb[m] = L->s1[k];
        sc[m] = L->s2[k];
        sd[m] = L->s3[k];
    }
    draw_contacts(G->D, sa, sb, sc, sd, npad);
    for (size_t m = 0; m < n_contacts; m++) {
        size_t k = g + G->contacts[m];
        L->s0[k] = sa[m];
        L->s1[k] = sb[m];
        L->s2[k] = sc[m];
        L->s3[k] = sd[m];
        PREFETCH(&row[employee_of(G->D[0][m], ctx->n_emp)]);
    }
    G->n_contacts = n_contacts;
}

/* Period-major over a chunk of consecutive blocks: the chunk's customers are streamed in order
 * and one period's employees stay in cache while every customer of the chunk meets them. Each
 * customer draws from its own stream in the same order whatever the loop order, and each block's
 * acc[t] sums its customers in increasing order, so results depend neither on the chunking nor on
 * the number of threads.
 *
 * Within a period, customers go in groups of GROUP: a first pass makes every customer's two period
 * draws (vectorised across customers) and lists the customers who contact; their streams are
 * copied into dense lanes, advanced by CONTACT_DRAWS draws each (vectorised across contacts) and
 * copied back, and the employee each contact will meet is prefetched; then the listed contacts are
 * simulated from these draws, and last every customer's period end. The employee table of a period
 * (24 bytes per employee) does not stay in the core's cache while the chunk's customers stream
 * past, so without the prefetch every contact waits for its employee.
 *
 * Where the CPU has AVX2, a clone of this function with 4-lane vectors runs, else one for SSE4.2
 * (64-bit compares and blends: the baseline SSE2 build has to emulate them and is the slowest):
 * the same integer and exactly rounded operations in the same order (no FMA contraction), so
 * results are identical to the baseline build's. */
CX_TARGET_CLONES("avx2", "sse4.2", "default")
static void chunk_run(cx__sim_block *blks, const cx__sim_ctx *ctx, size_t first_block,
                      size_t n_blocks)
{
    const double *restrict x = ctx->p->v;
    size_t begin = first_block * CX__SIM_BLOCK, end = (first_block + n_blocks) * CX__SIM_BLOCK;
    if (end > ctx->customers)
        end = ctx->customers;
    size_t n = end - begin;
    /* one allocation: 4 stream words, 7 doubles, alive, buy_cut, failures, 2 bytes per customer */
    size_t per =
        4 * sizeof(uint64_t) + 7 * sizeof(double) + 2 * sizeof(int64_t) + sizeof(uint32_t) + 2;
    unsigned char *mem = cx__malloc_array(n, per);
    if (!mem) {
        fail_nomem(&blks[first_block]);
        return;
    }
    uint64_t *streams = (uint64_t *)(void *)mem;
    double *reals = (double *)(void *)(streams + 4 * n);
    lanes L = {streams, streams + n, streams + 2 * n, streams + 3 * n};
    crowd C = {reals,         reals + n,     reals + 2 * n, reals + 3 * n,
               reals + 4 * n, reals + 5 * n, reals + 6 * n, (int64_t *)(void *)(reals + 7 * n),
               NULL,          NULL,          NULL,          NULL};
    C.buy_cut = C.alive + n;
    C.failures = (uint32_t *)(void *)(C.buy_cut + n);
    C.channel = (uint8_t *)(C.failures + n);
    C.segment = C.channel + n;
    for (size_t k = 0; k < n; k++) {
        struct cx_rng rng;
        customer c;
        customer_init(&c, &rng, ctx, begin + k);
        L.s0[k] = rng.s[0];
        L.s1[k] = rng.s[1];
        L.s2[k] = rng.s[2];
        L.s3[k] = rng.s[3];
        C.expectation[k] = c.expectation;
        C.bond[k] = c.bond;
        C.share[k] = c.share;
        C.wallet[k] = c.wallet;
        C.indifference[k] = c.indifference;
        C.dissatisfaction[k] = c.dissatisfaction;
        C.last_sat[k] = c.last_sat;
        C.alive[k] = 1;
        C.buy_cut[k] = (int64_t)c.buy_cut;
        C.failures[k] = c.failures;
        C.channel[k] = (uint8_t)c.channel;
        C.segment[k] = (uint8_t)c.segment;
    }
    cuts hot;
    hot.contact = cx__sim_cut(x[CX__SIM_P_CONTACT_RATE]);
    hot.severe = cut16(cx__sim_cut(x[CX__SIM_P_SEVERE_SHARE]));
    hot.response = cut16(cx__sim_cut(x[CX__SIM_P_RESPONSE_RATE]));
    hot.referral = cut16(cx__sim_cut(x[CX__SIM_P_REFERRAL_RATE]));
    hot.leader = cut16(cx__sim_cut(x[CX__SIM_P_LEADER_RATING_RATE]));
    hot.feedback = cut16(cx__sim_cut(x[CX__SIM_P_FEEDBACK_RATE]));
    group_draws bufs[2];
    contacts_scratch S;
    for (size_t t = 0; t < ctx->periods; t++) {
        hot.shift = cut16(cx__sim_cut(ctx->orgs[t].shift));
        const cx__sim_staff_cell *row = &ctx->staff->cells[t * ctx->n_emp];
        /* the draws of the next group are made (and its employees prefetched) before this group
         * is simulated, so that the employee rows arrive while it runs */
        group_prepare(&bufs[0], &L, &C, &hot, ctx, row, 0, n);
        for (size_t g = 0, cur = 0; g < n; g += GROUP, cur ^= 1) {
            group_draws *G = &bufs[cur];
            if (g + GROUP < n)
                group_prepare(&bufs[cur ^ 1], &L, &C, &hot, ctx, row, g + GROUP, n);
            size_t gn = n - g < GROUP ? n - g : GROUP;
            /* a group lies inside one block (GROUP divides CX__SIM_BLOCK) */
            cx__sim_block *blk = &blks[first_block + g / CX__SIM_BLOCK];
            double *acc = &blk->acc[t * CX__ACC_COUNT];
            int64_t na[CX__ACC_COUNT] = {0}, nc[CX__CAL_COUNT] = {0};
            /* the group's contacts first, then every customer's period end: each customer's
             * contact still comes before its period end, and the real-valued sums of period_end
             * keep the customer order */
            crowd Cg = crowd_at(&C, g);
            if (G->n_contacts &&
                contacts_run(blk, ctx, &hot, &S, &Cg, G->contacts, G->n_contacts, begin + g, t,
                             (const uint64_t(*)[GROUP])G->D, row, na, nc))
                goto done;
            if (period_end(blk, ctx, &Cg, gn, begin + g, t, G->d0, G->d1, acc, na))
                goto done;
            nc[CX__CAL_CUSTOMER_PERIODS] += na[CX__ACC_ALIVE_START];
            /* counts and sums of ratings are integers: adding them up by group gives the same
             * doubles as adding them one by one (exact below 2^53) */
            for (int i = 0; i < CX__ACC_COUNT; i++)
                acc[i] += (double)na[i];
            for (int i = 0; i < CX__CAL_COUNT; i++)
                blk->cal[i] += (double)nc[i];
        }
    }
done:
    cx__free(mem);
}

/* The clones are static so that their load-time resolver stays a local symbol: a resolver of an
 * extern function is exported (default visibility, whatever CX_HIDDEN says) and would become part
 * of the library's ABI. */
void cx__sim_chunk_run(cx__sim_block *blks, const cx__sim_ctx *ctx, size_t first_block,
                       size_t n_blocks)
{
    chunk_run(blks, ctx, first_block, n_blocks);
}
