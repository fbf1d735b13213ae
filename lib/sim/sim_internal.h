/* Internal structures of the simulator (lib/sim): the scenario, the per-period organisation
 * and employee states, and the result. Not installed. */
#ifndef CX_SIM_INTERNAL_H
#define CX_SIM_INTERNAL_H

#include <cxkit/sim.h>

#include "internal.h"
#include "rng_internal.h"

#include <stdint.h>

enum {
#define X(id, name, def, lo, hi, integer, meaning, source, unc) CX__SIM_P_##id,
#include "sim_params.def"
#undef X
    CX__SIM_P_COUNT
};

#define CX__SIM_TP_NAME_MAX 64
#define CX__SIM_BLOCK       1024 /* customers per block (fixed: results depend on it) */

/* Channels used by the simulator, in cx_channel order starting at in_person (1). */
#define CX__SIM_NCHANNELS 5

typedef struct cx__sim_touchpoint {
    char name[CX__SIM_TP_NAME_MAX];
    double share, weight, failure_rate;
    double sale_rate;                  /* probability of a purchase during the contact */
    double mix_cdf[CX__SIM_NCHANNELS]; /* cumulative channel mix; all 0: customer's preference */
} cx__sim_touchpoint;

typedef struct cx__sim_intervention {
    cx_sim_lever lever;
    unsigned start, end;
    double magnitude;
} cx__sim_intervention;

typedef struct cx__sim_plugin {
    cx_sim_rule_fn fn;
    void *payload;
    cx_free_fn payload_free;
    char *name;
    unsigned flags;
} cx__sim_plugin;

struct cx_sim_params {
    double v[CX__SIM_P_COUNT];
    cx__sim_touchpoint *tps;
    size_t n_tps, cap_tps;
    cx__sim_intervention *ivs;
    size_t n_ivs, cap_ivs;
    cx__sim_plugin rules[CX_SIM_RULE_COUNT];
};

/* Organisational variables per period after interventions (clamped). */
typedef struct cx__sim_org {
    double leadership, culture, staffing, serve, talk, training, coaching, shift;
    double isq, focus, overload;
    double wait_scale; /* staffing^-wait_staffing: mean waits are multiplied by it */
} cx__sim_org;

CX_HIDDEN void cx__sim_org_at(cx__sim_org *org, const cx_sim_params *p, unsigned period);

/* One employee in one period (packed: a contact reads one cache line). */
typedef struct cx__sim_staff_cell {
    float att, auth, empathy, recovery, bias, engagement, competence, ownership;
} cx__sim_staff_cell;

/* Employee states for every period, row-major cells[period * n_emp + j]. */
typedef struct cx__sim_staff {
    size_t n_emp, periods, n_teams, team_size;
    cx__sim_staff_cell *cells;
    float *lead; /* team leaders' customer-centricity, lead[period * n_teams + team] */
} cx__sim_staff;

/* Fills staff (allocated by the caller through cx__sim_staff_alloc); returns CX_EUSER with the
 * message in err when the learning plugin fails. */
CX_HIDDEN cx_status cx__sim_staff_alloc(cx__sim_staff *s, size_t n_emp, size_t periods,
                                        size_t team_size);
CX_HIDDEN void cx__sim_staff_free(cx__sim_staff *s);
CX_HIDDEN cx_status cx__sim_staff_simulate(cx__sim_staff *s, const cx_sim_params *p, uint64_t seed);

/* Per-period accumulators (one set per block of customers, reduced in block order). */
enum {
    CX__ACC_ALIVE_START,
    CX__ACC_ALIVE_END,
    CX__ACC_CONTACTS,
    CX__ACC_RATED,
    CX__ACC_CSAT_SUM,
    CX__ACC_CSAT_TOP2,
    CX__ACC_NPS_N,
    CX__ACC_NPS_PROM,
    CX__ACC_NPS_DET,
    CX__ACC_ASSISTED_RATED,
    CX__ACC_SELF_SUM,
    CX__ACC_CSAT_ASSISTED_SUM,
    CX__ACC_REVENUE,
    CX__ACC_BOND_SUM,
    CX__ACC_SHARE_SUM,
    CX__ACC_CHURN_IND,
    CX__ACC_CHURN_DIS,
    CX__ACC_CHURN_OTHER,
    CX__ACC_REFERRALS,
    CX__ACC_SALES_CENTS, /* purchases during contacts, in cents (an integer count) */
    CX__ACC_COUNT
};

/* Whole-run calibration counters (per block, reduced in block order). */
enum {
    CX__CAL_MOT_POS_N,
    CX__CAL_MOT_POS_INC,
    CX__CAL_MOT_NEG_N,
    CX__CAL_MOT_NEG_RED,
    CX__CAL_ASSISTED_N,
    CX__CAL_SELF_TOP,
    CX__CAL_CSAT_TOP,
    CX__CAL_NOPROB_N,
    CX__CAL_NOPROB_SUM,
    CX__CAL_SRP_N,
    CX__CAL_SRP_SUM,
    CX__CAL_RECOTHER_N,
    CX__CAL_RECOTHER_SUM,
    CX__CAL_UNRES_N,
    CX__CAL_UNRES_SUM,
    CX__CAL_INTERACTIONS,
    CX__CAL_CUSTOMER_PERIODS,
    CX__CAL_COUNT
};

/* One recorded interaction (compact; expanded to a cx_log when written). */
typedef struct cx__sim_rec {
    uint32_t customer, employee; /* employee UINT32_MAX for self-service */
    uint32_t period, offset;     /* offset: seconds into the period */
    uint8_t touchpoint, channel, problem, resolved;
    int8_t csat, nps, self_rating; /* -1 absent */
    uint8_t segment;
    int8_t ces, leader_rating, feedback; /* -1 absent; feedback: cx__sim_feedback code */
    int8_t acted;                        /* -1 no feedback, 0 not acted on, 1 acted on */
    float attentiveness, empathy, authenticity, ownership, competence;
    float wait, spend; /* seconds (NaN for self-service); money (NaN: no purchase) */
    float effort;      /* customer effort, 0..1 */
    float acted_delay; /* seconds from the contact to the action on its feedback */
} cx__sim_rec;

/* Free-text feedback templates chosen by the contact's outcome (texts in sim_log.c). */
enum {
    CX__FB_PRAISE_QUICK,
    CX__FB_PRAISE_FIXED,
    CX__FB_PRAISE_EXTRA_MILE,
    CX__FB_PRAISE_THANKS,
    CX__FB_NEUTRAL_OK,
    CX__FB_NEUTRAL_FINE,
    CX__FB_WAITED,
    CX__FB_NO_OWNERSHIP,
    CX__FB_NOT_SOLVED,
    CX__FB_BROKEN_PROCESS,
    CX__FB_SCRIPTED,
    CX__FB_TOO_HARD,
    CX__FB_COUNT
};

typedef struct cx__sim_tx {
    uint32_t customer, period, offset;
    float amount;
} cx__sim_tx;

struct cx_sim_result {
    size_t periods, customers;
    double *series; /* [series * periods + t] */
    double stats[CX_SIM_STAT_COUNT];
    cx__sim_rec *recs;
    size_t n_recs;
    cx__sim_tx *txs;
    size_t n_txs;
    cx__sim_touchpoint *tps; /* copy of the touchpoint names */
    size_t n_tps;
    double start_time, period_seconds;
    size_t team_size;
};

/* ---- random numbers: the library's xoshiro256** (lib/core/rng_internal.h), one generator per
 * customer and per employee. Uniforms for the hot loop come from 32-bit halves of one draw. */

/* Uniform in [0, 1) from the upper / lower 32 bits of a draw (two uniforms per draw). */
static inline double cx__sim_u_hi(uint64_t x)
{
    return (double)(x >> 32) * 0x1p-32;
}
static inline double cx__sim_u_lo(uint64_t x)
{
    return (double)(x & 0xffffffffu) * 0x1p-32;
}
/* Zero-mean, unit-variance triangular noise from one draw: sqrt(6) (u1 + u2 - 1). Computed as
 * sqrt(6) 2^-32 (hi + lo - 2^32): u1 + u2 - 1 is exact in either form and scaling by 2^-32 is
 * exact, so the result is the same double with one conversion and one product. */
static inline double cx__sim_tri(uint64_t x)
{
    int64_t m = (int64_t)((x >> 32) + (x & 0xffffffffu)) - ((int64_t)1 << 32);
    return (double)m * (2.449489742783178 * 0x1p-32);
}
/* Integer cut for a probability p in [0, 1]: cx__sim_u_hi(x) < p exactly when (x >> 32) < cut
 * (and likewise for the lower half), as u = k 2^-32 < p <=> k < p 2^32 <=> k < ceil(p 2^32).
 * Compares draws without converting them to doubles. */
CX_HIDDEN uint64_t cx__sim_cut(double p);
static inline int cx__sim_hi_below(uint64_t x, uint64_t cut)
{
    return (x >> 32) < cut;
}
static inline int cx__sim_lo_below(uint64_t x, uint64_t cut)
{
    return (x & 0xffffffffu) < cut;
}

/* Same result as x < 0 ? 0 : (x > 1 ? 1 : x) for every x (NaN and -0 included), written as two
 * single comparisons so that the compiler emits minsd/maxsd instead of mispredicted branches. */
static inline double cx__sim_clamp01(double x)
{
    x = x > 1 ? 1 : x;
    return x < 0 ? 0 : x;
}

/* Call a plugin and check its outputs lie in [lo, hi]; returns 0 or nonzero on failure with a
 * message in buf. */
CX_HIDDEN int cx__sim_call_rule(const cx__sim_plugin *pl, double *out, size_t n_out,
                                const double *in, size_t n_in, double lo, double hi, char *buf,
                                size_t cap);

/* Write the recorded interactions / transactions as cxkit log CSVs (NULL path: skip). */
CX_HIDDEN cx_status cx__sim_write_logs(const cx_sim_result *res, const char *interactions_path,
                                       const char *transactions_path);

#endif /* CX_SIM_INTERNAL_H */
