/* Recorded interactions and purchases as cxkit's interaction and transaction logs (log.h), so
 * every analytic reads simulated data as it reads real data. Ids: customers "C0000001",
 * employees "E00001" (self-service contacts have no employee), teams "T001" of `team_size`
 * consecutive employees, interactions "I000000001" in log order. */
#include "sim_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LEN 16

/* Customers' comments by cx__sim_feedback code: praise, neutral, complaints (with the commas,
 * quotes and line breaks of real verbatims, which exercise CSV quoting). */
static const char *const FEEDBACK[CX__FB_COUNT] = {
    [CX__FB_PRAISE_QUICK] = "Friendly and quick",
    [CX__FB_PRAISE_FIXED] = "They listened and fixed it",
    [CX__FB_PRAISE_EXTRA_MILE] = "Went the extra mile, thank you!",
    [CX__FB_PRAISE_THANKS] = "Great service",
    [CX__FB_NEUTRAL_OK] = "OK, nothing special",
    [CX__FB_NEUTRAL_FINE] = "Fine",
    [CX__FB_WAITED] = "Waited far too long",
    [CX__FB_NO_OWNERSHIP] = "Nobody took ownership, I was passed on",
    [CX__FB_NOT_SOLVED] = "Still not solved, \"sorry\" was all I got",
    [CX__FB_BROKEN_PROCESS] = "Polite agent.\nBroken process.",
    [CX__FB_SCRIPTED] = "Felt scripted, not sincere",
    [CX__FB_TOO_HARD] = "The app made it hard, I gave up",
};

/* n id strings "<prefix><number>" in one block; ptrs[i] NULL where absent. */
static cx_status make_ids(char **block, const char ***ptrs, size_t n, const char *prefix,
                          const uint32_t *nums, size_t stride, int digits)
{
    *block = cx__malloc_array(n ? n : 1, ID_LEN);
    *ptrs = cx__malloc_array(n ? n : 1, sizeof(char *));
    if (!*block || !*ptrs) {
        cx__free(*block);
        cx__free((void *)*ptrs);
        *block = NULL;
        *ptrs = NULL;
        return cx__enomem();
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t v = *(const uint32_t *)((const char *)nums + i * stride);
        if (v == UINT32_MAX) {
            (*ptrs)[i] = NULL;
            continue;
        }
        char *s = *block + i * ID_LEN;
        snprintf(s, ID_LEN, "%s%0*u", prefix, digits, (unsigned)v + 1);
        (*ptrs)[i] = s;
    }
    return CX_OK;
}

/* Log order: by time, then customer (a customer has at most one contact per period, so the key
 * is unique and the order does not depend on how the blocks ran). */
static int by_time(const void *pa, const void *pb)
{
    const cx__sim_rec *a = *(const cx__sim_rec *const *)pa, *b = *(const cx__sim_rec *const *)pb;
    if (a->period != b->period)
        return a->period < b->period ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a->customer < b->customer ? -1 : a->customer > b->customer;
}

cx_status cx_sim_result_to_log(cx_log **out, const cx_sim_result *res)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(res != NULL);
    size_t n = res->n_recs;
    cx_status st = CX_ENOMEM;
    char *cblock = NULL, *eblock = NULL, *tblock = NULL, *iblock = NULL;
    const char **cust = NULL, **emp = NULL, **tps = NULL, **team = NULL, **ids = NULL;
    const char **fb = NULL;
    uint32_t *nums = NULL;
    const cx__sim_rec **ord = NULL;
    int64_t *iv = NULL;
    double *dv = NULL;
    cx_batch *b = NULL;
    cx_log *log = NULL;
    nums = cx__malloc_array(n ? n : 1, sizeof *nums);
    ord = cx__malloc_array(n ? n : 1, sizeof *ord);
    if (!nums || !ord) {
        st = cx__enomem();
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = &res->recs[i];
    qsort(ord, n, sizeof *ord, by_time);
    for (size_t i = 0; i < n; i++)
        nums[i] = ord[i]->customer;
    if ((st = make_ids(&cblock, &cust, n, "C", nums, sizeof *nums, 7)))
        goto done;
    for (size_t i = 0; i < n; i++)
        nums[i] = ord[i]->employee;
    if ((st = make_ids(&eblock, &emp, n, "E", nums, sizeof *nums, 5)))
        goto done;
    /* teams of team_size consecutive employees; interaction ids in log order */
    for (size_t i = 0; i < n; i++) {
        uint32_t e = ord[i]->employee;
        nums[i] = e == UINT32_MAX ? e : e / (uint32_t)res->team_size;
    }
    if ((st = make_ids(&tblock, &team, n, "T", nums, sizeof *nums, 3)))
        goto done;
    for (size_t i = 0; i < n; i++)
        nums[i] = (uint32_t)i;
    if ((st = make_ids(&iblock, &ids, n, "I", nums, sizeof *nums, 9)))
        goto done;
    st = CX_ENOMEM;
    tps = cx__malloc_array(n ? n : 1, sizeof *tps);
    iv = cx__malloc_array(n ? n : 1, sizeof *iv);
    dv = cx__malloc_array(n ? n : 1, sizeof *dv);
    fb = cx__malloc_array(n ? n : 1, sizeof *fb);
    if (!tps || !iv || !dv || !fb) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx_batch_new(&b, n)) || (st = cx_log_new(&log)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        tps[i] = res->tps[ord[i]->touchpoint].name;
        int f = ord[i]->feedback;
        fb[i] = f >= 0 && f < CX__FB_COUNT ? FEEDBACK[f] : NULL;
    }
    if ((st = cx_batch_set_str(b, CX_FIELD_CUSTOMER, cust, n)) ||
        (st = cx_batch_set_str(b, CX_FIELD_EMPLOYEE, emp, n)) ||
        (st = cx_batch_set_str(b, CX_FIELD_TOUCHPOINT, tps, n)) ||
        (st = cx_batch_set_str(b, CX_FIELD_TEAM, team, n)) ||
        (st = cx_batch_set_str(b, CX_FIELD_ID, ids, n)) ||
        (st = cx_batch_set_str(b, CX_FIELD_FEEDBACK, fb, n)))
        goto done;
#define SET_I64(FIELD, EXPR)                                                                       \
    do {                                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            const cx__sim_rec *r = ord[i];                                                         \
            (void)r;                                                                               \
            iv[i] = (EXPR);                                                                        \
        }                                                                                          \
        if ((st = cx_batch_set_i64(b, FIELD, iv, n)))                                              \
            goto done;                                                                             \
    } while (0)
#define SET_F64(FIELD, EXPR)                                                                       \
    do {                                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            const cx__sim_rec *r = ord[i];                                                         \
            (void)r;                                                                               \
            dv[i] = (EXPR);                                                                        \
        }                                                                                          \
        if ((st = cx_batch_set_f64(b, FIELD, dv, n)))                                              \
            goto done;                                                                             \
    } while (0)
    SET_I64(CX_FIELD_TIME,
            (int64_t)(res->start_time + r->period * res->period_seconds) + (int64_t)r->offset);
    SET_I64(CX_FIELD_CHANNEL, r->channel);
    SET_I64(CX_FIELD_PROBLEM, r->problem);
    SET_I64(CX_FIELD_RESOLVED, r->problem ? r->resolved : -1);
    SET_F64(CX_FIELD_ATTENTIVENESS, round(r->attentiveness * 100.0) / 100.0);
    SET_F64(CX_FIELD_EMPATHY, round(r->empathy * 100.0) / 100.0);
    SET_F64(CX_FIELD_AUTHENTICITY, round(r->authenticity * 100.0) / 100.0);
    SET_F64(CX_FIELD_CSAT, r->csat < 0 ? NAN : r->csat);
    SET_F64(CX_FIELD_CSAT_MIN, r->csat < 0 && r->leader_rating < 0 ? NAN : 1.0);
    SET_F64(CX_FIELD_CSAT_MAX, r->csat < 0 && r->leader_rating < 0 ? NAN : 5.0);
    SET_F64(CX_FIELD_NPS, r->nps < 0 ? NAN : r->nps);
    SET_F64(CX_FIELD_SELF_RATING, r->self_rating < 0 ? NAN : r->self_rating);
    SET_F64(CX_FIELD_OWNERSHIP, round(r->ownership * 100.0) / 100.0);
    SET_F64(CX_FIELD_COMPETENCE, round(r->competence * 100.0) / 100.0);
    SET_F64(CX_FIELD_EFFORT, round((1 + 6.0 * r->effort) * 10.0) / 10.0); /* 1..7 */
    SET_F64(CX_FIELD_WAIT_TIME, round(r->wait));
    SET_F64(CX_FIELD_CES, r->ces < 0 ? NAN : r->ces);
    SET_F64(CX_FIELD_LEADER_RATING, r->leader_rating < 0 ? NAN : r->leader_rating);
    SET_F64(CX_FIELD_SPEND, round((double)r->spend * 100.0) / 100.0);
    SET_I64(CX_FIELD_FEEDBACK_ACTED, r->acted);
    SET_I64(CX_FIELD_FEEDBACK_ACTED_TIME,
            r->acted == 1 ? (int64_t)(res->start_time + r->period * res->period_seconds) +
                                (int64_t)r->offset + (int64_t)r->acted_delay
                          : CX_TIME_ABSENT);
#undef SET_I64
#undef SET_F64
    if ((st = cx_log_append_batch(log, b)))
        goto done;
    *out = log;
    log = NULL;
done:
    cx_log_free(log);
    cx_batch_free(b);
    cx__free(cblock);
    cx__free(eblock);
    cx__free(tblock);
    cx__free(iblock);
    cx__free(nums);
    cx__free((void *)ord);
    cx__free((void *)cust);
    cx__free((void *)emp);
    cx__free((void *)team);
    cx__free((void *)ids);
    cx__free((void *)tps);
    cx__free((void *)fb);
    cx__free(iv);
    cx__free(dv);
    return st;
}

cx_status cx_sim_result_to_txlog(cx_txlog **out, const cx_sim_result *res)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(res != NULL);
    size_t n = res->n_txs;
    cx_status st;
    char *cblock = NULL;
    const char **cust = NULL;
    int64_t *times = NULL;
    double *amounts = NULL;
    cx_txlog *tx = NULL;
    if ((st = make_ids(&cblock, &cust, n, "C", &res->txs[0].customer, sizeof *res->txs, 7)))
        return st;
    times = cx__malloc_array(n ? n : 1, sizeof *times);
    amounts = cx__malloc_array(n ? n : 1, sizeof *amounts);
    if (!times || !amounts) {
        st = cx__enomem();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const cx__sim_tx *t = &res->txs[i];
        times[i] = (int64_t)(res->start_time + t->period * res->period_seconds) + t->offset;
        amounts[i] = round((double)t->amount * 100) / 100; /* cents */
    }
    if ((st = cx_txlog_new(&tx)) || (st = cx_txlog_append_columns(tx, cust, times, amounts, n)))
        goto done;
    *out = tx;
    tx = NULL;
done:
    cx_txlog_free(tx);
    cx__free(cblock);
    cx__free((void *)cust);
    cx__free(times);
    cx__free(amounts);
    return st;
}

cx_status cx__sim_write_logs(const cx_sim_result *res, const char *interactions_path,
                             const char *transactions_path)
{
    cx_status st = CX_OK;
    if (interactions_path) {
        cx_log *log = NULL;
        if ((st = cx_sim_result_to_log(&log, res)))
            return st;
        st = cx_log_write_csv(log, interactions_path, NULL);
        cx_log_free(log);
        if (st)
            return st;
    }
    if (transactions_path) {
        cx_txlog *tx = NULL;
        if ((st = cx_sim_result_to_txlog(&tx, res)))
            return st;
        st = cx_txlog_write_csv(tx, transactions_path, NULL);
        cx_txlog_free(tx);
    }
    return st;
}
