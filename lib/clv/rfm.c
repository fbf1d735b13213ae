/*
 * RFM summaries from a transaction log, with the definitions of lifetimes'
 * summary_data_from_transaction_data and calibration_and_holdout_data: times are floored to
 * periods, purchases in one period count once (their amounts add up), frequency counts the
 * periods after the first, recency and T are measured in periods / multiplier from the first
 * period, and monetary value is the mean per-period spend over the repeat periods.
 *
 * Each row keeps (first period, last period, repeat periods, repeat spend), which is all that
 * is needed to fold in later transactions without the history (cx_rfm_update).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clv_internal.h"

struct cx_rfm {
    size_t n;
    char **names;
    int64_t *first, *last;
    double *count, *spend;    /* repeat periods and their total spend */
    double *freq_h, *spend_h; /* holdout periods and mean transaction amount (NULL: no split) */
    double duration_h;
    int64_t period, obs_period;
    double multiplier;
};

CX_API cx_status cx_rfm_options_init(cx_rfm_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    if (version != CX_RFM_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unsupported options version %u", version);
    opts->version = version;
    opts->period = 86400;
    opts->multiplier = 1.0;
    opts->observation_end = CX_TIME_ABSENT;
    opts->calibration_end = CX_TIME_ABSENT;
    return CX_OK;
}

static int64_t floor_div(int64_t t, int64_t p)
{
    int64_t q = t / p;
    return (t % p != 0 && t < 0) ? q - 1 : q;
}

static void rfm_release(cx_rfm *r)
{
    if (!r)
        return;
    if (r->names)
        for (size_t i = 0; i < r->n; i++)
            cx__free(r->names[i]);
    cx__free(r->names);
    cx__free(r->first);
    cx__free(r->last);
    cx__free(r->count);
    cx__free(r->spend);
    cx__free(r->freq_h);
    cx__free(r->spend_h);
}

CX_API void cx_rfm_free(cx_rfm *rfm)
{
    rfm_release(rfm);
    cx__free(rfm);
}

/* Allocate the per-row arrays for n rows (names zeroed). */
static cx_status rfm_alloc(cx_rfm *r, size_t n, int split)
{
    const size_t m = n ? n : 1;
    r->names = cx__calloc(m, sizeof *r->names);
    r->first = cx__malloc_array(m, sizeof *r->first);
    r->last = cx__malloc_array(m, sizeof *r->last);
    r->count = cx__malloc_array(m, sizeof *r->count);
    r->spend = cx__malloc_array(m, sizeof *r->spend);
    if (split) {
        r->freq_h = cx__calloc(m, sizeof *r->freq_h);
        r->spend_h = cx__calloc(m, sizeof *r->spend_h);
    }
    if (!r->names || !r->first || !r->last || !r->count || !r->spend ||
        (split && (!r->freq_h || !r->spend_h)))
        return cx__enomem();
    return CX_OK;
}

typedef struct txrow {
    int64_t code, period, time;
    double amount;
} txrow;

static int txrow_cmp(const void *pa, const void *pb)
{
    const txrow *a = pa, *b = pb;
    if (a->code != b->code)
        return a->code < b->code ? -1 : 1;
    if (a->period != b->period)
        return a->period < b->period ? -1 : 1;
    return (a->time > b->time) - (a->time < b->time);
}

/* Read the log as rows sorted by (customer, period). */
static cx_status read_rows(txrow **out, size_t *n_out, const cx_txlog *tx, int64_t period)
{
    const size_t n = cx_txlog_rows(tx);
    int64_t *codes = cx__malloc_array(n ? n : 1, sizeof *codes);
    int64_t *times = cx__malloc_array(n ? n : 1, sizeof *times);
    double *amounts = cx__malloc_array(n ? n : 1, sizeof *amounts);
    txrow *rows = cx__malloc_array(n ? n : 1, sizeof *rows);
    cx_status st = CX_OK;
    if (!codes || !times || !amounts || !rows)
        st = cx__enomem();
    if (st == CX_OK && n > 0 &&
        ((st = cx_txlog_get_customers(codes, n, tx)) != CX_OK ||
         (st = cx_txlog_get_times(times, n, tx)) != CX_OK ||
         (st = cx_txlog_get_amounts(amounts, n, tx)) != CX_OK)) {
    }
    if (st == CX_OK) {
        for (size_t i = 0; i < n; i++) {
            rows[i].code = codes[i];
            rows[i].time = times[i];
            rows[i].period = floor_div(times[i], period);
            rows[i].amount = isnan(amounts[i]) ? 0.0 : amounts[i];
        }
        qsort(rows, n, sizeof *rows, txrow_cmp);
        *out = rows;
        *n_out = n;
        rows = NULL;
    }
    cx__free(codes);
    cx__free(times);
    cx__free(amounts);
    cx__free(rows);
    return st;
}

/* Version, period, multiplier and a set observation end. */
static cx_status check_options(const cx_rfm_options *opts)
{
    if (opts->version != CX_RFM_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "opts->version", "unsupported options version");
    if (opts->period <= 0)
        return cx__error_param(CX_EINVAL, "period", "period must be > 0 seconds");
    if (!(opts->multiplier > 0) || !isfinite(opts->multiplier))
        return cx__error_param(CX_EINVAL, "multiplier", "multiplier must be finite and > 0");
    if (opts->observation_end == CX_TIME_ABSENT)
        return cx__error_param(CX_EINVAL, "observation_end", "observation_end must be set");
    return CX_OK;
}

CX_API cx_status cx_rfm_from_txlog(cx_rfm **out, const cx_txlog *tx, const cx_rfm_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(opts != NULL);
    cx_status st0 = check_options(opts);
    if (st0 != CX_OK)
        return st0;
    const int split = opts->calibration_end != CX_TIME_ABSENT;
    if (split && opts->calibration_end > opts->observation_end)
        return cx__error_param(CX_EINVAL, "calibration_end",
                               "calibration_end is after observation_end");
    /* lifetimes: calibration keeps raw times <= calibration_end and summarises up to its
     * period; without a split, periods up to the observation end's period are kept */
    const int64_t cal_period =
        floor_div(split ? opts->calibration_end : opts->observation_end, opts->period);
    txrow *rows = NULL;
    size_t n = 0;
    cx_status st = read_rows(&rows, &n, tx, opts->period);
    if (st != CX_OK)
        return st;
    const size_t ncust = cx_txlog_customer_count(tx);
    size_t *row_of = cx__malloc_array(ncust ? ncust : 1, sizeof *row_of);
    cx_rfm *r = cx__calloc(1, sizeof *r);
    size_t kept = 0;
    if (!row_of || !r) {
        st = cx__enomem();
        goto fail;
    }
    /* customers with a calibration purchase */
    for (size_t c = 0; c < ncust; c++)
        row_of[c] = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const int in_cal =
            split ? rows[i].time <= opts->calibration_end : rows[i].period <= cal_period;
        if (in_cal && row_of[rows[i].code] == (size_t)-1)
            row_of[rows[i].code] = 0, kept++;
    }
    if (kept == 0) {
        st = cx__error_param(CX_ERANGE, "observation_end",
                             "no customer has a purchase before the end of calibration");
        goto fail;
    }
    if ((st = rfm_alloc(r, kept, split)) != CX_OK)
        goto fail;
    /* rows in order of customer code */
    {
        size_t k = 0;
        for (size_t c = 0; c < ncust; c++)
            if (row_of[c] != (size_t)-1) {
                const char *name = NULL;
                if ((st = cx_txlog_customer_name(&name, tx, c)) != CX_OK)
                    goto fail;
                r->names[k] = cx__strdup(name ? name : "");
                r->n = k + 1;
                if (!r->names[k]) {
                    st = cx__enomem();
                    goto fail;
                }
                r->first[k] = INT64_MAX;
                r->last[k] = INT64_MIN;
                r->count[k] = r->spend[k] = 0.0;
                row_of[c] = k++;
            }
    }
    for (size_t i = 0; i < n; i++) {
        const txrow *t = &rows[i];
        const size_t k = row_of[t->code];
        if (k == (size_t)-1)
            continue;
        const int in_cal = split ? t->time <= opts->calibration_end : t->period <= cal_period;
        if (in_cal) {
            if (r->first[k] == INT64_MAX) {
                r->first[k] = r->last[k] = t->period; /* first period: spend not counted */
            } else if (t->period != r->last[k]) {
                r->last[k] = t->period;
                r->count[k] += 1.0;
                r->spend[k] += t->amount;
            } else if (r->count[k] > 0) {
                r->spend[k] += t->amount;
            }
        } else if (split && t->time <= opts->observation_end) {
            /* holdout: distinct periods, mean amount per transaction (as lifetimes) */
            if (i == 0 || rows[i - 1].code != t->code || rows[i - 1].period != t->period ||
                rows[i - 1].time <= opts->calibration_end)
                r->freq_h[k] += 1.0;
            r->spend_h[k] += t->amount;
        }
    }
    if (split) {
        /* turn holdout spend totals into means per transaction */
        double *cnt = cx__calloc(kept, sizeof *cnt);
        if (!cnt) {
            st = cx__enomem();
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            const size_t k = row_of[rows[i].code];
            if (k != (size_t)-1 && rows[i].time > opts->calibration_end &&
                rows[i].time <= opts->observation_end)
                cnt[k] += 1.0;
        }
        for (size_t k = 0; k < kept; k++)
            r->spend_h[k] = cnt[k] > 0 ? r->spend_h[k] / cnt[k] : 0.0;
        cx__free(cnt);
        r->duration_h = (double)(floor_div(opts->observation_end, opts->period) - cal_period) /
                        opts->multiplier;
    }
    r->period = opts->period;
    r->obs_period = cal_period;
    r->multiplier = opts->multiplier;
    cx__free(rows);
    cx__free(row_of);
    *out = r;
    return CX_OK;
fail:
    cx__free(rows);
    cx__free(row_of);
    cx_rfm_free(r);
    return st;
}

/* A summary value in units back on the period grid: v * multiplier periods, which must be a
 * whole number up to the rounding of a saved file (a quarter period). */
static int to_periods(int64_t *out, double v, double multiplier)
{
    const double p = v * multiplier, r = floor(p + 0.5);
    if (!isfinite(p) || fabs(p - r) > 0.25 || fabs(r) > 9e15)
        return 0;
    *out = (int64_t)r;
    return 1;
}

CX_API cx_status cx_rfm_from_columns(cx_rfm **out, const char *const *customers,
                                     const double *frequency, const double *recency,
                                     const double *T, const double *monetary, size_t n,
                                     const cx_rfm_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(opts != NULL);
    CX_CHECK_ARG(n == 0 || (customers && frequency && recency && T));
    cx_status st0 = check_options(opts);
    if (st0 != CX_OK)
        return st0;
    if (opts->calibration_end != CX_TIME_ABSENT)
        return cx__error_param(CX_EINVAL, "calibration_end",
                               "a summary rebuilt from columns has no holdout split");
    const int64_t obs = floor_div(opts->observation_end, opts->period);
    cx_rfm *r = cx__calloc(1, sizeof *r);
    if (!r)
        return cx__enomem();
    cx_status st = rfm_alloc(r, n, 0);
    for (size_t i = 0; i < n && st == CX_OK; i++) {
        const double f = frequency[i], m = monetary ? monetary[i] : 0.0;
        int64_t age = 0, rec = 0; /* set by to_periods; GCC -O2 cannot see it */
        if (!customers[i])
            st = cx__error_param(CX_EINVAL, "customers", "customers[%zu] is NULL", i);
        else if (!isfinite(f) || f < 0 || f != floor(f))
            st = cx__error_param(CX_EINVAL, "frequency",
                                 "frequency[%zu] = %g: must be an integer >= 0", i, f);
        else if (!to_periods(&age, T[i], opts->multiplier) || age < 0)
            st = cx__error_param(
                CX_EINVAL, "T", "T[%zu] = %g: must be >= 0 and a whole number of periods", i, T[i]);
        else if (!to_periods(&rec, recency[i], opts->multiplier) || rec < 0 || rec > age ||
                 (f == 0 && rec != 0) || (f > 0 && rec == 0))
            st = cx__error_param(CX_EINVAL, "recency",
                                 "recency[%zu] = %g: must be a whole number of periods in (0, T] "
                                 "(0 when frequency is 0)",
                                 i, recency[i]);
        else if (!isfinite(m))
            st = cx__error_param(CX_EINVAL, "monetary_value", "monetary_value[%zu] is not finite",
                                 i);
        else if (!(r->names[i] = cx__strdup(customers[i])))
            st = cx__enomem();
        if (st != CX_OK)
            break;
        r->first[i] = obs - age;
        r->last[i] = obs - age + rec;
        r->count[i] = f;
        r->spend[i] = f * m;
        r->n = i + 1;
    }
    if (st != CX_OK) {
        cx_rfm_free(r);
        return st;
    }
    r->n = n;
    r->period = opts->period;
    r->multiplier = opts->multiplier;
    r->obs_period = obs;
    *out = r;
    return CX_OK;
}

CX_API size_t cx_rfm_rows(const cx_rfm *rfm)
{
    return rfm ? rfm->n : 0;
}

CX_API cx_status cx_rfm_get(double *out, size_t n, const cx_rfm *rfm, int column)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(rfm != NULL);
    if (n != rfm->n)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the summary has %zu rows", n, rfm->n);
    if (column < CX_RFM_FREQUENCY || column > CX_RFM_DURATION_HOLDOUT)
        return cx__error_param(CX_EINVAL, "column", "unknown RFM column %d", column);
    const double m = rfm->multiplier;
    for (size_t i = 0; i < n; i++) {
        switch (column) {
        case CX_RFM_FREQUENCY:
            out[i] = rfm->count[i];
            break;
        case CX_RFM_RECENCY:
            out[i] = (double)(rfm->last[i] - rfm->first[i]) / m;
            break;
        case CX_RFM_T:
            out[i] = (double)(rfm->obs_period - rfm->first[i]) / m;
            break;
        case CX_RFM_MONETARY:
            out[i] = rfm->count[i] > 0 ? rfm->spend[i] / rfm->count[i] : 0.0;
            break;
        case CX_RFM_FREQUENCY_HOLDOUT:
            out[i] = rfm->freq_h ? rfm->freq_h[i] : 0.0;
            break;
        case CX_RFM_MONETARY_HOLDOUT:
            out[i] = rfm->spend_h ? rfm->spend_h[i] : 0.0;
            break;
        default:
            out[i] = rfm->freq_h ? rfm->duration_h : 0.0;
        }
    }
    return CX_OK;
}

CX_API cx_status cx_rfm_customer(const char **out, const cx_rfm *rfm, size_t i)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(rfm != NULL);
    if (i >= rfm->n)
        return cx__error_param(CX_ERANGE, "i", "row %zu past the end (%zu rows)", i, rfm->n);
    *out = rfm->names[i];
    return CX_OK;
}

/* FNV-1a hash of a string. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

CX_API cx_status cx_rfm_update(cx_rfm *rfm, const cx_txlog *tx, int64_t new_observation_end)
{
    CX_CHECK_ARG(rfm != NULL);
    CX_CHECK_ARG(tx != NULL);
    if (rfm->freq_h)
        return cx__error(CX_ESTATE, "cannot update a summary with a calibration/holdout split");
    const int64_t new_obs = floor_div(new_observation_end, rfm->period);
    if (new_observation_end == CX_TIME_ABSENT || new_obs < rfm->obs_period)
        return cx__error_param(CX_EINVAL, "new_observation_end",
                               "new_observation_end is before the summary's observation end");
    txrow *rows = NULL;
    size_t n = 0;
    cx_status st = read_rows(&rows, &n, tx, rfm->period);
    if (st != CX_OK)
        return st;
    const size_t ncust = cx_txlog_customer_count(tx);
    /* map log customer codes to summary rows (new customers get rows past the end) */
    size_t nb = 16;
    while (nb < 2 * (rfm->n + 1))
        nb *= 2;
    size_t *table = cx__malloc_array(nb, sizeof *table);
    size_t *row_of = cx__malloc_array(ncust ? ncust : 1, sizeof *row_of);
    cx_rfm nr;
    memset(&nr, 0, sizeof nr);
    if (!table || !row_of) {
        st = cx__enomem();
        goto done;
    }
    for (size_t b = 0; b < nb; b++)
        table[b] = (size_t)-1;
    for (size_t i = 0; i < rfm->n; i++) {
        size_t b = hash_str(rfm->names[i]) & (nb - 1);
        while (table[b] != (size_t)-1)
            b = (b + 1) & (nb - 1);
        table[b] = i;
    }
    size_t total = rfm->n;
    for (size_t c = 0; c < ncust; c++) {
        const char *name = NULL;
        if ((st = cx_txlog_customer_name(&name, tx, c)) != CX_OK)
            goto done;
        size_t b = hash_str(name) & (nb - 1), found = (size_t)-1;
        while (table[b] != (size_t)-1) {
            if (strcmp(rfm->names[table[b]], name) == 0) {
                found = table[b];
                break;
            }
            b = (b + 1) & (nb - 1);
        }
        row_of[c] = found;
    }
    /* new customers: those with a kept transaction and no row yet */
    for (size_t i = 0; i < n; i++)
        if (rows[i].period <= new_obs && row_of[rows[i].code] == (size_t)-1)
            row_of[rows[i].code] = total++;
    /* work on a copy so that a rejected transaction leaves the summary unchanged */
    if ((st = rfm_alloc(&nr, total, 0)) != CX_OK)
        goto done;
    for (size_t i = 0; i < rfm->n; i++) {
        nr.names[i] = rfm->names[i]; /* borrowed until commit */
        nr.first[i] = rfm->first[i];
        nr.last[i] = rfm->last[i];
        nr.count[i] = rfm->count[i];
        nr.spend[i] = rfm->spend[i];
    }
    for (size_t k = rfm->n; k < total; k++)
        nr.first[k] = INT64_MAX;
    for (size_t c = 0; c < ncust; c++)
        if (row_of[c] != (size_t)-1 && row_of[c] >= rfm->n) {
            const char *name = NULL;
            cx_txlog_customer_name(&name, tx, c);
            nr.names[row_of[c]] = cx__strdup(name ? name : "");
            if (!nr.names[row_of[c]]) {
                st = cx__enomem();
                goto done;
            }
        }
    for (size_t i = 0; i < n; i++) {
        const txrow *t = &rows[i];
        if (t->period > new_obs)
            continue;
        const size_t k = row_of[t->code];
        if (nr.first[k] == INT64_MAX) {
            nr.first[k] = nr.last[k] = t->period;
            nr.count[k] = nr.spend[k] = 0.0;
        } else if (t->period > nr.last[k]) {
            nr.last[k] = t->period;
            nr.count[k] += 1.0;
            nr.spend[k] += t->amount;
        } else if (t->period == nr.last[k]) {
            if (nr.count[k] > 0)
                nr.spend[k] += t->amount;
        } else {
            char when[32];
            cx_time_format(when, sizeof when, t->time);
            st = cx__error_param(CX_EINVAL, "tx",
                                 "transaction of customer '%s' at %s is before their last "
                                 "recorded purchase period; it cannot be placed without history",
                                 nr.names[k], when);
            goto done;
        }
    }
    /* commit: old names move over, the old arrays go */
    nr.n = total;
    nr.period = rfm->period;
    nr.multiplier = rfm->multiplier;
    nr.obs_period = new_obs;
    cx__free(rfm->names);
    cx__free(rfm->first);
    cx__free(rfm->last);
    cx__free(rfm->count);
    cx__free(rfm->spend);
    *rfm = nr;
    memset(&nr, 0, sizeof nr);
done:
    if (nr.names) /* failure: free only the names this call created */
        for (size_t k = rfm->n; k < total; k++)
            cx__free(nr.names[k]);
    cx__free(nr.names);
    cx__free(nr.first);
    cx__free(nr.last);
    cx__free(nr.count);
    cx__free(nr.spend);
    cx__free(table);
    cx__free(row_of);
    cx__free(rows);
    return st;
}
