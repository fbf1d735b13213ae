/* Per-customer later outcomes around an index interaction; definitions in docs/effects.md. */
#include "outcomes.h"

#include <math.h>
#include <string.h>

#define DAY 86400.0

cx_status cx_effects_options_init(cx_effects_options *o, unsigned version)
{
    CX_CHECK_ARG(o != NULL);
    if (version != CX_EFFECTS_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unknown options version %u", version);
    memset(o, 0, sizeof *o);
    o->version = version;
    o->window_days = 90;
    o->churn_gap_days = 0;
    o->start_time = CX_TIME_ABSENT;
    o->end_time = CX_TIME_ABSENT;
    o->conf_level = 0.95;
    o->negative_below = 0.4;
    o->positive_from = 0.6;
    o->predictor = CX_FIELD_CSAT;
    o->confounders = NULL;
    o->covariates = NULL;
    return CX_OK;
}

static cx_status check_opts(const cx_effects_options *o)
{
    if (o->version != CX_EFFECTS_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "opts", "options not initialised (version %u)",
                               o->version);
    if (!(o->window_days > 0 && o->window_days < 1e6))
        return cx__error_param(CX_EINVAL, "window_days", "window_days = %g: must be > 0",
                               o->window_days);
    if (!(o->churn_gap_days >= 0 && o->churn_gap_days < 1e6))
        return cx__error_param(CX_EINVAL, "churn_gap_days",
                               "churn_gap_days = %g: must be >= 0 (0: the window)",
                               o->churn_gap_days);
    if (!(o->conf_level > 0 && o->conf_level < 1))
        return cx__error_param(CX_EINVAL, "conf_level", "conf_level = %g: must be in (0, 1)",
                               o->conf_level);
    if (!(o->negative_below >= 0 && o->negative_below <= o->positive_from && o->positive_from <= 1))
        return cx__error_param(CX_EINVAL, "negative_below",
                               "need 0 <= negative_below <= positive_from <= 1");
    int k = cx_field_kind_of(o->predictor);
    if (k != CX_KIND_DOUBLE && k != CX_KIND_BOOL)
        return cx__error_param(CX_EINVAL, "predictor", "predictor %d is not a numeric field",
                               o->predictor);
    return CX_OK;
}

void cx__panel_free(cx__panel *p)
{
    if (!p)
        return;
    cx__free(p->cust);
    cx__free(p->time);
    cx__free(p->lstart);
    cx__free(p->lrows);
    cx__free(p->spend);
    cx__free(p->nps);
    cx__free(p->txt);
    cx__free(p->txa);
    cx__free(p->tstart);
    cx__free(p);
}

/* Group the transactions by the log's customer codes (customers unknown to the log dropped). */
static cx_status group_tx(cx__panel *p, const cx_txlog *tx)
{
    size_t nt = cx_txlog_rows(tx), nc = cx_txlog_customer_count(tx);
    int64_t *tc = cx__malloc_array(nt, sizeof(int64_t));
    int64_t *tt = cx__malloc_array(nt, sizeof(int64_t));
    double *ta = cx__malloc_array(nt, sizeof(double));
    int64_t *map = cx__malloc_array(nc, sizeof(int64_t));
    p->tstart = cx__calloc(p->ncust + 1, sizeof(size_t));
    cx_status st = CX_OK;
    if (!tc || !tt || !ta || !map || !p->tstart) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx_txlog_get_customers(tc, nt, tx)) || (st = cx_txlog_get_times(tt, nt, tx)) ||
        (st = cx_txlog_get_amounts(ta, nt, tx)))
        goto done;
    for (size_t c = 0; c < nc; c++) {
        const char *name;
        size_t code;
        map[c] = -1;
        if (cx_txlog_customer_name(&name, tx, c) == CX_OK &&
            cx_log_dict_find(&code, p->log, CX_FIELD_CUSTOMER, name) == CX_OK)
            map[c] = (int64_t)code;
    }
    size_t kept = 0;
    for (size_t i = 0; i < nt; i++) {
        int64_t c = tc[i] >= 0 && (size_t)tc[i] < nc ? map[tc[i]] : -1;
        tc[i] = c;
        if (c >= 0) {
            p->tstart[c + 1]++;
            kept++;
        }
        if (tt[i] < p->start)
            p->start = tt[i];
        if (tt[i] > p->end)
            p->end = tt[i];
    }
    for (size_t c = 0; c < p->ncust; c++)
        p->tstart[c + 1] += p->tstart[c];
    p->txt = cx__malloc_array(kept, sizeof(int64_t));
    p->txa = cx__malloc_array(kept, sizeof(double));
    size_t *fill = cx__malloc_array(p->ncust, sizeof(size_t));
    if (!p->txt || !p->txa || !fill) {
        cx__free(fill);
        st = cx__enomem();
        goto done;
    }
    memcpy(fill, p->tstart, p->ncust * sizeof(size_t));
    for (size_t i = 0; i < nt; i++)
        if (tc[i] >= 0) {
            size_t k = fill[tc[i]]++;
            p->txt[k] = tt[i];
            p->txa[k] = isnan(ta[i]) ? 0 : ta[i]; /* unknown amount: a purchase worth 0 */
        }
    cx__free(fill);
    p->ntx = kept;
    p->have_tx = 1;
done:
    cx__free(tc);
    cx__free(tt);
    cx__free(ta);
    cx__free(map);
    return st;
}

cx_status cx__panel_new(cx__panel **out, const cx_log *log, const cx_txlog *tx,
                        const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx_effects_options defaults;
    if (!opts) {
        cx_effects_options_init(&defaults, CX_EFFECTS_OPTIONS_VERSION);
        opts = &defaults;
    }
    cx_status st = check_opts(opts);
    if (st)
        return st;
    size_t n = cx_log_rows(log), nc = 0;
    if (n == 0)
        return cx__error_param(CX_ERANGE, "log", "the interaction log is empty");
    if ((st = cx_log_dict_size(&nc, log, CX_FIELD_CUSTOMER)))
        return st;
    cx__panel *p = cx__calloc(1, sizeof *p);
    if (!p)
        return cx__enomem();
    p->log = log;
    p->opts = *opts;
    p->nrows = n;
    p->ncust = nc;
    p->window = opts->window_days * DAY;
    p->gap = (opts->churn_gap_days > 0 ? opts->churn_gap_days : opts->window_days) * DAY;
    p->cust = cx__malloc_array(n, sizeof(int64_t));
    p->time = cx__malloc_array(n, sizeof(int64_t));
    p->spend = cx__malloc_array(n, sizeof(double));
    p->nps = cx__malloc_array(n, sizeof(double));
    p->lstart = cx__calloc(nc + 1, sizeof(size_t));
    p->lrows = cx__malloc_array(n, sizeof(size_t));
    if (!p->cust || !p->time || !p->spend || !p->nps || !p->lstart || !p->lrows) {
        st = cx__enomem();
        goto fail;
    }
    if ((st = cx_log_get_i64(p->cust, n, log, CX_FIELD_CUSTOMER)) ||
        (st = cx_log_get_i64(p->time, n, log, CX_FIELD_TIME)) ||
        (st = cx_log_get_f64(p->spend, n, log, CX_FIELD_SPEND)) ||
        (st = cx_log_get_f64(p->nps, n, log, CX_FIELD_NPS)))
        goto fail;
    p->start = INT64_MAX;
    p->end = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        p->lstart[p->cust[i] + 1]++;
        if (p->time[i] < p->start)
            p->start = p->time[i];
        if (p->time[i] > p->end)
            p->end = p->time[i];
    }
    for (size_t c = 0; c < nc; c++)
        p->lstart[c + 1] += p->lstart[c];
    {
        size_t *fill = cx__malloc_array(nc ? nc : 1, sizeof(size_t));
        if (!fill) {
            st = cx__enomem();
            goto fail;
        }
        memcpy(fill, p->lstart, nc * sizeof(size_t));
        for (size_t i = 0; i < n; i++)
            p->lrows[fill[p->cust[i]]++] = i;
        cx__free(fill);
    }
    if (tx && cx_txlog_rows(tx) > 0 && (st = group_tx(p, tx)))
        goto fail;
    if (opts->start_time != CX_TIME_ABSENT)
        p->start = opts->start_time;
    if (opts->end_time != CX_TIME_ABSENT)
        p->end = opts->end_time;
    if ((double)(p->end - p->start) < 2 * p->window) {
        st = cx__error_param(CX_ERANGE, "window_days",
                             "the observation period (%.1f days) is shorter than two windows of "
                             "%g days: no index contact can have a full before and after window",
                             (double)(p->end - p->start) / DAY, opts->window_days);
        goto fail;
    }
    *out = p;
    return CX_OK;
fail:
    cx__panel_free(p);
    return st;
}

/* Outcomes of one customer around the index row. */
static void measure(cx__outcome *o, const cx__panel *p, size_t c)
{
    double t0 = (double)o->t0, W = p->window;
    double before = 0, after = 0, rep = 0, active = 0, nps_sum = 0, nps_n = 0, contacts = 0;
    double first = t0, last = t0;
    for (size_t k = p->lstart[c]; k < p->lstart[c + 1]; k++) {
        size_t r = p->lrows[k];
        double t = (double)p->time[r];
        if (t < t0)
            contacts++;
        first = fmin(first, t);
        if (t > last)
            last = t;
        if (r == o->row)
            continue;
        int later = t > t0 && t < t0 + W;
        if (later) {
            active = 1;
            if (!isnan(p->nps[r])) {
                nps_sum += p->nps[r];
                nps_n++;
            }
        }
        if (!p->have_tx && p->spend[r] > 0) {
            if (t >= t0 - W && t < t0)
                before += p->spend[r];
            if (later)
                rep = 1;
        }
    }
    if (!p->have_tx) {
        /* spend after includes the index contact's own spend ("in or after the contact") */
        for (size_t k = p->lstart[c]; k < p->lstart[c + 1]; k++) {
            size_t r = p->lrows[k];
            double t = (double)p->time[r];
            if (p->spend[r] > 0 && t >= t0 && t < t0 + W)
                after += p->spend[r];
        }
    } else {
        for (size_t k = p->tstart[c]; k < p->tstart[c + 1]; k++) {
            double t = (double)p->txt[k], a = p->txa[k];
            first = fmin(first, t);
            if (t > last)
                last = t;
            if (t >= t0 - W && t < t0)
                before += a;
            else if (t >= t0 && t < t0 + W)
                after += a;
            if (t > t0 && t < t0 + W)
                rep = active = 1;
        }
    }
    o->spend_before = before;
    o->spend_after = after;
    o->repurchase = rep;
    o->retained = active;
    o->nps_after = nps_n > 0 ? nps_sum / nps_n : NAN;
    o->tenure_days = (t0 - first) / DAY;
    o->contacts_before = contacts;
    double end = (double)p->end;
    if (last > end)
        last = end;
    o->churned = end - last >= p->gap;
    o->surv_days = ((o->churned ? last : end) - t0) / DAY;
}

cx_status cx__outcomes_cols(cx__outcome **out, size_t *n, const cx__panel *p, const double *val,
                            const int64_t *tpc, int64_t tp)
{
    size_t rows = p->nrows;
    size_t *best = cx__malloc_array(p->ncust ? p->ncust : 1, sizeof(size_t));
    if (!best)
        return cx__enomem();
    double lo = (double)p->start + p->window, hi = (double)p->end - p->window;
    size_t none = (size_t)-1, count = 0;
    for (size_t c = 0; c < p->ncust; c++)
        best[c] = none;
    for (size_t r = 0; r < rows; r++) {
        double t = (double)p->time[r];
        if (isnan(val[r]) || t < lo || t > hi || (tp >= 0 && tpc[r] != tp))
            continue;
        size_t c = (size_t)p->cust[r];
        if (best[c] == none) {
            best[c] = r;
            count++;
        } else if (p->time[r] < p->time[best[c]]) {
            best[c] = r;
        }
    }
    cx__outcome *o = NULL;
    if (count > 0) {
        o = cx__malloc_array(count, sizeof *o);
        if (!o) {
            cx__free(best);
            return cx__enomem();
        }
        size_t k = 0;
        for (size_t c = 0; c < p->ncust; c++) {
            if (best[c] == none)
                continue;
            o[k].cust = c;
            o[k].row = best[c];
            o[k].t0 = p->time[best[c]];
            o[k].value = val[best[c]];
            measure(&o[k], p, c);
            k++;
        }
    }
    cx__free(best);
    *out = o;
    *n = count;
    return CX_OK;
}

cx_status cx__outcomes(cx__outcome **out, size_t *n, const cx__panel *p, int field, int64_t tp)
{
    size_t rows = p->nrows;
    double *val = cx__malloc_array(rows, sizeof(double));
    int64_t *tpc = tp >= 0 ? cx__malloc_array(rows, sizeof(int64_t)) : NULL;
    cx_status st = CX_OK;
    if (!val || (tp >= 0 && !tpc))
        st = cx__enomem();
    if (!st)
        st = cx_log_get_f64(val, rows, p->log, field);
    if (!st && tpc)
        st = cx_log_get_i64(tpc, rows, p->log, CX_FIELD_TOUCHPOINT);
    if (!st)
        st = cx__outcomes_cols(out, n, p, val, tpc, tp);
    cx__free(val);
    cx__free(tpc);
    return st;
}

cx_status cx__scaled_rows(double *out, const cx__panel *p, int field)
{
    size_t rows = p->nrows;
    int csat = field == CX_FIELD_CSAT;
    double *lo = csat ? cx__malloc_array(rows, sizeof(double)) : NULL;
    double *hi = csat ? cx__malloc_array(rows, sizeof(double)) : NULL;
    cx_status st = CX_OK;
    if (csat && (!lo || !hi)) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx_log_get_f64(out, rows, p->log, field)))
        goto done;
    if (lo && ((st = cx_log_get_f64(lo, rows, p->log, CX_FIELD_CSAT_MIN)) ||
               (st = cx_log_get_f64(hi, rows, p->log, CX_FIELD_CSAT_MAX))))
        goto done;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t r = 0; r < rows; r++)
        if (!isnan(out[r])) {
            mn = fmin(mn, out[r]);
            mx = fmax(mx, out[r]);
        }
    for (size_t r = 0; r < rows; r++) {
        double a = mn, b = mx;
        if (lo && !isnan(lo[r]) && !isnan(hi[r]) && hi[r] > lo[r]) {
            a = lo[r];
            b = hi[r];
        }
        out[r] = b > a ? (out[r] - a) / (b - a) : NAN; /* NaN stays NaN */
    }
done:
    cx__free(lo);
    cx__free(hi);
    return st;
}

cx_status cx__scaled_value(double *out, const cx__outcome *o, size_t n, const cx__panel *p,
                           int field)
{
    double *v = cx__malloc_array(p->nrows, sizeof(double));
    if (!v)
        return cx__enomem();
    cx_status st = cx__scaled_rows(v, p, field);
    if (!st)
        for (size_t i = 0; i < n; i++)
            out[i] = v[o[i].row];
    cx__free(v);
    return st;
}

cx_status cx__index_outcomes(cx__panel **panel, cx__outcome **out, size_t *n, const cx_log *log,
                             const cx_txlog *tx, const cx_effects_options *opts, int field,
                             int64_t tp)
{
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    size_t m = 0;
    cx_status st = cx__panel_new(&p, log, tx, opts);
    if (st)
        return st;
    if (field < 0)
        field = p->opts.predictor;
    if ((st = cx__outcomes(&o, &m, p, field, tp))) {
        cx__panel_free(p);
        return st;
    }
    if (m == 0) {
        st = cx__error_param(CX_ERANGE, "log",
                             "no customer has a contact with '%s' inside the eligible period "
                             "[start + W, end - W] (W = %g days)",
                             cx_field_name(field), p->opts.window_days);
        cx__panel_free(p);
        return st;
    }
    *panel = p;
    *out = o;
    *n = m;
    return CX_OK;
}
