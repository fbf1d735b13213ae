/* Running a scenario: employees first (serially; they do not depend on customers), then blocks
 * of customers on worker threads. Each block has its own accumulators and record buffers, and the
 * blocks are reduced in block order, so results do not depend on the number of threads. */
#include "sim_kernel.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_CUSTOMERS CX__SIM_BLOCK

static const char *const SERIES_NAMES[CX_SIM_SERIES_COUNT] = {"active",
                                                              "retention",
                                                              "csat",
                                                              "csat_top2",
                                                              "nps",
                                                              "perception_gap",
                                                              "revenue",
                                                              "engagement",
                                                              "bond",
                                                              "share_of_wallet",
                                                              "interactions",
                                                              "churn_indifference",
                                                              "churn_dissatisfaction",
                                                              "churn_other",
                                                              "attentiveness",
                                                              "referrals"};

static const char *const STAT_NAMES[CX_SIM_STAT_COUNT] = {
    "mot_positive_increase",    "mot_negative_reduce",
    "employee_superior",        "customer_superior",
    "csat_no_problem",          "csat_recovered_paradox",
    "csat_recovered_other",     "csat_unresolved",
    "churn_share_indifference", "churn_share_dissatisfaction",
    "churn_share_other",        "interactions",
    "customer_periods"};

uint64_t cx__sim_cut(double p)
{
    return (uint64_t)ceil(p * 0x1p32);
}

const char *cx_sim_series_name(int series)
{
    return series >= 0 && series < CX_SIM_SERIES_COUNT ? SERIES_NAMES[series] : NULL;
}

const char *cx_sim_stat_name(int stat)
{
    return stat >= 0 && stat < CX_SIM_STAT_COUNT ? STAT_NAMES[stat] : NULL;
}

cx_status cx_sim_options_init(cx_sim_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    if (version != CX_SIM_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unknown cx_sim_options version %u", version);
    memset(opts, 0, sizeof *opts);
    opts->version = version;
    opts->seed = 1;
    opts->threads = 0;
    opts->record_interactions = 1;
    opts->record_transactions = 1;
    return CX_OK;
}

typedef struct run_state {
    const cx__sim_ctx *ctx;
    cx__sim_block *blocks;
    size_t n_blocks, chunk; /* blocks per work item */
    atomic_size_t next, done;
    atomic_int stop;
} run_state;

static void run_blocks(run_state *rs, int is_main, const cx_sim_options *opts, int *cancelled)
{
    for (;;) {
        if (atomic_load(&rs->stop))
            return;
        size_t b = atomic_fetch_add(&rs->next, rs->chunk);
        if (b >= rs->n_blocks)
            return;
        size_t nb = rs->n_blocks - b < rs->chunk ? rs->n_blocks - b : rs->chunk;
        cx__sim_chunk_run(rs->blocks, rs->ctx, b, nb);
        for (size_t k = b; k < b + nb; k++)
            if (rs->blocks[k].status != CX_OK)
                atomic_store(&rs->stop, 1);
        size_t done = atomic_fetch_add(&rs->done, nb) + nb;
        if (is_main && opts->progress &&
            opts->progress((double)done, (double)rs->n_blocks, opts->progress_payload)) {
            *cancelled = 1;
            atomic_store(&rs->stop, 1);
            return;
        }
    }
}

static void *worker(void *arg)
{
    run_state *rs = arg;
    int dummy = 0;
    cx_sim_options none;
    memset(&none, 0, sizeof none);
    run_blocks(rs, 0, &none, &dummy);
    return NULL;
}

static unsigned pick_threads(const cx_sim_params *p, const cx_sim_options *o, size_t n_blocks)
{
    unsigned t = o->threads;
    if (t == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        t = n > 0 ? (unsigned)n : 1;
    }
    for (int r = 0; r < CX_SIM_RULE_COUNT; r++)
        if (p->rules[r].fn && !(p->rules[r].flags & CX_SIM_RULE_THREAD_SAFE))
            t = 1; /* the results are the same; only the speed differs */
    if (t > n_blocks)
        t = (unsigned)n_blocks;
    if (t > 256)
        t = 256;
    return t ? t : 1;
}

void cx_sim_result_free(cx_sim_result *res)
{
    if (!res)
        return;
    cx__free(res->series);
    cx__free(res->recs);
    cx__free(res->txs);
    cx__free(res->tps);
    cx__free(res);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

static void summarise(cx_sim_result *res, const double *acc, const double *cal,
                      const cx__sim_staff *staff)
{
    size_t P = res->periods;
    for (size_t t = 0; t < P; t++) {
        const double *a = &acc[t * CX__ACC_COUNT];
        double *S = res->series;
        double alive = a[CX__ACC_ALIVE_END];
        S[CX_SIM_SERIES_ACTIVE * P + t] = alive;
        S[CX_SIM_SERIES_RETENTION * P + t] = ratio(alive, a[CX__ACC_ALIVE_START]);
        S[CX_SIM_SERIES_CSAT * P + t] = ratio(a[CX__ACC_CSAT_SUM], a[CX__ACC_RATED]);
        S[CX_SIM_SERIES_CSAT_TOP2 * P + t] = ratio(a[CX__ACC_CSAT_TOP2], a[CX__ACC_RATED]);
        S[CX_SIM_SERIES_NPS * P + t] =
            100 * ratio(a[CX__ACC_NPS_PROM] - a[CX__ACC_NPS_DET], a[CX__ACC_NPS_N]);
        S[CX_SIM_SERIES_PERCEPTION_GAP * P + t] =
            ratio(a[CX__ACC_SELF_SUM] - a[CX__ACC_CSAT_ASSISTED_SUM], a[CX__ACC_ASSISTED_RATED]);
        S[CX_SIM_SERIES_REVENUE * P + t] = a[CX__ACC_REVENUE] + a[CX__ACC_SALES_CENTS] / 100;
        S[CX_SIM_SERIES_BOND * P + t] = ratio(a[CX__ACC_BOND_SUM], alive);
        S[CX_SIM_SERIES_SHARE_OF_WALLET * P + t] = ratio(a[CX__ACC_SHARE_SUM], alive);
        S[CX_SIM_SERIES_INTERACTIONS * P + t] = a[CX__ACC_CONTACTS];
        S[CX_SIM_SERIES_CHURN_INDIFFERENCE * P + t] = a[CX__ACC_CHURN_IND];
        S[CX_SIM_SERIES_CHURN_DISSATISFACTION * P + t] = a[CX__ACC_CHURN_DIS];
        S[CX_SIM_SERIES_CHURN_OTHER * P + t] = a[CX__ACC_CHURN_OTHER];
        S[CX_SIM_SERIES_REFERRALS * P + t] = a[CX__ACC_REFERRALS];
        double es = 0, as = 0;
        for (size_t j = 0; j < staff->n_emp; j++) {
            es += staff->cells[t * staff->n_emp + j].engagement;
            as += staff->cells[t * staff->n_emp + j].att;
        }
        S[CX_SIM_SERIES_ENGAGEMENT * P + t] = es / (double)staff->n_emp;
        S[CX_SIM_SERIES_ATTENTIVENESS * P + t] = as / (double)staff->n_emp;
    }
    double *st = res->stats;
    st[CX_SIM_STAT_MOT_POSITIVE_INCREASE] = ratio(cal[CX__CAL_MOT_POS_INC], cal[CX__CAL_MOT_POS_N]);
    st[CX_SIM_STAT_MOT_NEGATIVE_REDUCE] = ratio(cal[CX__CAL_MOT_NEG_RED], cal[CX__CAL_MOT_NEG_N]);
    st[CX_SIM_STAT_EMPLOYEE_SUPERIOR] = ratio(cal[CX__CAL_SELF_TOP], cal[CX__CAL_ASSISTED_N]);
    st[CX_SIM_STAT_CUSTOMER_SUPERIOR] = ratio(cal[CX__CAL_CSAT_TOP], cal[CX__CAL_ASSISTED_N]);
    st[CX_SIM_STAT_CSAT_NO_PROBLEM] = ratio(cal[CX__CAL_NOPROB_SUM], cal[CX__CAL_NOPROB_N]);
    st[CX_SIM_STAT_CSAT_RECOVERED_PARADOX] = ratio(cal[CX__CAL_SRP_SUM], cal[CX__CAL_SRP_N]);
    st[CX_SIM_STAT_CSAT_RECOVERED_OTHER] =
        ratio(cal[CX__CAL_RECOTHER_SUM], cal[CX__CAL_RECOTHER_N]);
    st[CX_SIM_STAT_CSAT_UNRESOLVED] = ratio(cal[CX__CAL_UNRES_SUM], cal[CX__CAL_UNRES_N]);
    double ci = 0, cd = 0, co = 0;
    for (size_t t = 0; t < P; t++) {
        ci += acc[t * CX__ACC_COUNT + CX__ACC_CHURN_IND];
        cd += acc[t * CX__ACC_COUNT + CX__ACC_CHURN_DIS];
        co += acc[t * CX__ACC_COUNT + CX__ACC_CHURN_OTHER];
    }
    st[CX_SIM_STAT_CHURN_SHARE_INDIFFERENCE] = ratio(ci, ci + cd + co);
    st[CX_SIM_STAT_CHURN_SHARE_DISSATISFACTION] = ratio(cd, ci + cd + co);
    st[CX_SIM_STAT_CHURN_SHARE_OTHER] = ratio(co, ci + cd + co);
    st[CX_SIM_STAT_INTERACTIONS] = cal[CX__CAL_INTERACTIONS];
    st[CX_SIM_STAT_CUSTOMER_PERIODS] = cal[CX__CAL_CUSTOMER_PERIODS];
}

/* Concatenate the blocks' records in block order. */
static cx_status gather(cx_sim_result *res, cx__sim_block *blocks, size_t nb)
{
    size_t nr = 0, nt = 0;
    for (size_t b = 0; b < nb; b++) {
        nr += blocks[b].n_recs;
        nt += blocks[b].n_txs;
    }
    res->recs = cx__malloc_array(nr ? nr : 1, sizeof *res->recs);
    res->txs = cx__malloc_array(nt ? nt : 1, sizeof *res->txs);
    if (!res->recs || !res->txs)
        return cx__enomem();
    for (size_t b = 0; b < nb; b++) {
        if (blocks[b].n_recs)
            memcpy(res->recs + res->n_recs, blocks[b].recs, blocks[b].n_recs * sizeof *res->recs);
        res->n_recs += blocks[b].n_recs;
        if (blocks[b].n_txs)
            memcpy(res->txs + res->n_txs, blocks[b].txs, blocks[b].n_txs * sizeof *res->txs);
        res->n_txs += blocks[b].n_txs;
    }
    return CX_OK;
}

cx_status cx_sim_run(cx_sim_result **out, const cx_sim_params *p, const cx_sim_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(p != NULL);
    cx_sim_options defaults;
    if (!opts) {
        cx_sim_options_init(&defaults, CX_SIM_OPTIONS_VERSION);
        opts = &defaults;
    } else if (opts->version != CX_SIM_OPTIONS_VERSION) {
        return cx__error_param(CX_EINVAL, "opts", "unknown cx_sim_options version %u",
                               opts->version);
    }
    cx_status st = cx_sim_params_validate(p);
    if (st != CX_OK)
        return st;

    cx__sim_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.p = p;
    ctx.seed = opts->seed;
    ctx.customers = (size_t)p->v[CX__SIM_P_CUSTOMERS];
    ctx.periods = (size_t)p->v[CX__SIM_P_PERIODS];
    ctx.n_emp = (size_t)p->v[CX__SIM_P_EMPLOYEES];
    ctx.record_interactions = opts->record_interactions != 0;
    ctx.record_transactions = opts->record_transactions != 0;
    double c = 0;
    for (int k = 0; k < CX__SIM_NCHANNELS; k++)
        ctx.mix_cdf[k] = (c += p->v[CX__SIM_P_MIX_IN_PERSON + k]);

    size_t nb = (ctx.customers + BLOCK_CUSTOMERS - 1) / BLOCK_CUSTOMERS;
    cx__sim_staff staff;
    cx_sim_result *res = NULL;
    cx__sim_block *blocks = NULL;
    cx__sim_org *orgs = NULL;
    double *acc = NULL;
    if ((st = cx__sim_staff_alloc(&staff, ctx.n_emp, ctx.periods,
                                  (size_t)p->v[CX__SIM_P_TEAM_SIZE])))
        return st;
    st = CX_ENOMEM;
    ctx.tp_cut = cx__malloc_array(p->n_tps, 2 * sizeof(uint64_t));
    orgs = cx__malloc_array(ctx.periods, sizeof *orgs);
    blocks = cx__calloc(nb, sizeof *blocks);
    acc = cx__malloc_array(ctx.periods, CX__ACC_COUNT * sizeof(double));
    res = cx__calloc(1, sizeof *res);
    if (!ctx.tp_cut || !orgs || !blocks || !acc || !res)
        goto fail_nomem;
    res->series = cx__malloc_array(ctx.periods, CX_SIM_SERIES_COUNT * sizeof(double));
    res->tps = cx__malloc_array(p->n_tps, sizeof *res->tps);
    if (!res->series || !res->tps)
        goto fail_nomem;
    for (size_t b = 0; b < nb; b++) {
        blocks[b].acc = cx__calloc(ctx.periods * CX__ACC_COUNT, sizeof(double));
        if (!blocks[b].acc)
            goto fail_nomem;
    }
    memcpy(res->tps, p->tps, p->n_tps * sizeof *res->tps);
    res->n_tps = p->n_tps;
    res->periods = ctx.periods;
    res->customers = ctx.customers;
    res->start_time = p->v[CX__SIM_P_START_TIME];
    res->period_seconds = p->v[CX__SIM_P_PERIOD_DAYS] * 86400.0;
    res->team_size = (size_t)p->v[CX__SIM_P_TEAM_SIZE];
    double tot = 0;
    for (size_t k = 0; k < p->n_tps; k++)
        tot += p->tps[k].share;
    c = 0;
    ctx.fail_cut = ctx.tp_cut + p->n_tps;
    for (size_t k = 0; k < p->n_tps; k++) {
        ctx.tp_cut[k] = cx__sim_cut((c += p->tps[k].share) / tot);
        ctx.fail_cut[k] = cx__sim_cut(p->tps[k].failure_rate);
    }
    ctx.tp_cut[p->n_tps - 1] = cx__sim_cut(1);
    for (size_t t = 0; t < ctx.periods; t++)
        cx__sim_org_at(&orgs[t], p, (unsigned)t);
    ctx.orgs = orgs;

    if ((st = cx__sim_staff_simulate(&staff, p, opts->seed)))
        goto fail;
    ctx.staff = &staff;

    run_state rs;
    rs.ctx = &ctx;
    rs.blocks = blocks;
    rs.n_blocks = nb;
    atomic_init(&rs.next, 0);
    atomic_init(&rs.done, 0);
    atomic_init(&rs.stop, 0);
    unsigned nt = pick_threads(p, opts, nb);
    /* work items of up to 32 blocks (employee rows stay hot), at least 4 items per thread */
    rs.chunk = nb / (4 * (size_t)nt);
    rs.chunk = rs.chunk < 1 ? 1 : (rs.chunk > 32 ? 32 : rs.chunk);
    pthread_t tids[256];
    unsigned started = 0;
    for (unsigned i = 1; i < nt; i++) {
        if (pthread_create(&tids[started], NULL, worker, &rs) != 0)
            break; /* fewer threads: same results */
        started++;
    }
    int cancelled = 0;
    run_blocks(&rs, 1, opts, &cancelled);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    if (cancelled) {
        st = cx__error_param(CX_EUSER, "progress",
                             "the simulation was cancelled by the progress "
                             "callback");
        goto fail;
    }
    for (size_t b = 0; b < nb; b++)
        if (blocks[b].status != CX_OK) {
            st = blocks[b].plugin
                     ? cx__error_param(blocks[b].status, blocks[b].plugin, "%s", blocks[b].message)
                     : cx__error(blocks[b].status, "%s", blocks[b].message);
            goto fail;
        }
    /* reduce in block order */
    memset(acc, 0, ctx.periods * CX__ACC_COUNT * sizeof(double));
    double cal[CX__CAL_COUNT] = {0};
    for (size_t b = 0; b < nb; b++) {
        for (size_t k = 0; k < ctx.periods * CX__ACC_COUNT; k++)
            acc[k] += blocks[b].acc[k];
        for (size_t k = 0; k < CX__CAL_COUNT; k++)
            cal[k] += blocks[b].cal[k];
    }
    summarise(res, acc, cal, &staff);
    if ((st = gather(res, blocks, nb)))
        goto fail;
    st = CX_OK;
    goto done;

fail_nomem:
    st = cx__enomem();
fail:
    cx_sim_result_free(res);
    res = NULL;
done:
    if (blocks)
        for (size_t b = 0; b < nb; b++) {
            cx__free(blocks[b].acc);
            cx__free(blocks[b].recs);
            cx__free(blocks[b].txs);
        }
    cx__free(blocks);
    cx__free(acc);
    cx__free(orgs);
    cx__free(ctx.tp_cut);
    cx__sim_staff_free(&staff);
    if (st == CX_OK)
        *out = res;
    return st;
}

size_t cx_sim_result_periods(const cx_sim_result *res)
{
    return res ? res->periods : 0;
}

cx_status cx_sim_result_series(double *out, size_t n, const cx_sim_result *res, int series)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(res != NULL);
    if (series < 0 || series >= CX_SIM_SERIES_COUNT)
        return cx__error_param(CX_EINVAL, "series", "invalid series %d", series);
    if (n != res->periods)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the result has %zu periods", n,
                               res->periods);
    memcpy(out, res->series + (size_t)series * res->periods, n * sizeof *out);
    return CX_OK;
}

cx_status cx_sim_result_stat(double *out, const cx_sim_result *res, int stat)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(res != NULL);
    if (stat < 0 || stat >= CX_SIM_STAT_COUNT)
        return cx__error_param(CX_EINVAL, "stat", "invalid statistic %d", stat);
    *out = res->stats[stat];
    return CX_OK;
}

size_t cx_sim_result_interaction_count(const cx_sim_result *res)
{
    return res ? res->n_recs : 0;
}

size_t cx_sim_result_transaction_count(const cx_sim_result *res)
{
    return res ? res->n_txs : 0;
}
