/* The interaction log: columns, staging rows with rollback, validation, append and getters. */
#include "log_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

cx_status cx_log_new(cx_log **out)
{
    CX_CHECK_ARG(out != NULL);
    cx_log *log = cx__calloc(1, sizeof *log);
    if (!log)
        return cx__enomem();
    *out = log;
    return CX_OK;
}

void cx_log_free(cx_log *log)
{
    if (!log)
        return;
    for (int f = 0; f < CX__NFIELDS; f++) {
        cx__free(log->col[f]);
        cx__dict_free(&log->dict[f]);
    }
    cx__free(log);
}

cx_status cx_log_dup(cx_log **out, const cx_log *log)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx_log *c;
    cx_status st = cx_log_new(&c);
    if (st != CX_OK)
        return st;
    c->n = c->cap = log->n;
    c->sorted = log->sorted;
    for (int f = 0; f < CX__NFIELDS; f++) {
        if (log->col[f]) {
            size_t bytes = cx__kind_size(cx__kind(f)) * log->n;
            c->col[f] = cx__malloc(bytes);
            if (!c->col[f]) {
                cx_log_free(c);
                return cx__enomem();
            }
            memcpy(c->col[f], log->col[f], bytes);
        }
        if ((st = cx__dict_copy(&c->dict[f], &log->dict[f])) != CX_OK) {
            cx_log_free(c);
            return st;
        }
    }
    *out = c;
    return CX_OK;
}

size_t cx_log_rows(const cx_log *log)
{
    return log ? log->n : 0;
}

int cx_log_is_sorted(const cx_log *log)
{
    return log ? log->sorted : 0;
}

static int present(const cx_log *log, int f, size_t r)
{
    const void *c = log->col[f];
    switch (cx__kind(f)) {
    case CX_KIND_DOUBLE:
        return !isnan(((const double *)c)[r]);
    case CX_KIND_TIME:
        return ((const int64_t *)c)[r] != CX_TIME_ABSENT;
    case CX_KIND_STRING:
        return ((const int32_t *)c)[r] >= 0;
    case CX_KIND_BOOL:
        return ((const int8_t *)c)[r] >= 0;
    default:
        return ((const int8_t *)c)[r] != CX_CHANNEL_UNKNOWN;
    }
}

size_t cx_log_count_present(const cx_log *log, int field)
{
    if (!log || field < 0 || field >= CX__NFIELDS || !log->col[field])
        return 0;
    size_t k = 0;
    for (size_t r = 0; r < log->n; r++)
        k += (size_t)present(log, field, r);
    return k;
}

/* ---- staging ---- */

void cx__log_mark_take(cx__log_mark *m, const cx_log *log)
{
    m->had_col = 0;
    for (int f = 0; f < CX__NFIELDS; f++) {
        m->dict_count[f] = log->dict[f].count;
        if (log->col[f])
            m->had_col |= 1u << f;
    }
}

void cx__log_rollback(cx_log *log, const cx__log_mark *m)
{
    for (int f = 0; f < CX__NFIELDS; f++) {
        cx__dict_truncate(&log->dict[f], m->dict_count[f]);
        if (log->col[f] && !(m->had_col & (1u << f))) {
            cx__free(log->col[f]);
            log->col[f] = NULL;
        }
    }
    int any = 0;
    for (int f = 0; f < CX__NFIELDS; f++)
        any |= log->col[f] != NULL;
    if (!any)
        log->cap = 0;
}

void cx__column_fill_absent(void *col, int kind, size_t from, size_t to)
{
    switch (kind) {
    case CX_KIND_DOUBLE:
        for (size_t r = from; r < to; r++)
            ((double *)col)[r] = NAN;
        break;
    case CX_KIND_TIME:
        for (size_t r = from; r < to; r++)
            ((int64_t *)col)[r] = CX_TIME_ABSENT;
        break;
    case CX_KIND_STRING:
        for (size_t r = from; r < to; r++)
            ((int32_t *)col)[r] = -1;
        break;
    case CX_KIND_BOOL:
        memset((int8_t *)col + from, -1, to - from);
        break;
    default:
        memset((int8_t *)col + from, 0, to - from);
    }
}

cx_status cx__log_reserve(cx_log *log, size_t rows)
{
    if (rows <= log->cap)
        return CX_OK;
    size_t cap = log->cap ? log->cap : 16;
    while (cap < rows)
        cap = cap > SIZE_MAX / 4 ? rows : cap + cap / 2 + cap / 4 + 1; /* x1.75 */
    for (int f = 0; f < CX__NFIELDS; f++) {
        if (!log->col[f])
            continue;
        void *p = cx__realloc_array(log->col[f], cap, cx__kind_size(cx__kind(f)));
        if (!p)
            return cx__enomem(); /* columns that grew stay valid; cap is unchanged */
        log->col[f] = p;
    }
    log->cap = cap;
    return CX_OK;
}

cx_status cx__log_column_ensure(cx_log *log, int field, size_t n_fill)
{
    if (log->col[field])
        return CX_OK;
    int kind = cx__kind(field);
    size_t cap = log->cap ? log->cap : 16;
    void *p = cx__malloc_array(cap, cx__kind_size(kind));
    if (!p)
        return cx__enomem();
    cx__column_fill_absent(p, kind, 0, n_fill);
    log->col[field] = p;
    log->cap = cap;
    return CX_OK;
}

void cx__log_row_clear(cx_log *log, size_t r)
{
    for (int f = 0; f < CX__NFIELDS; f++)
        if (log->col[f])
            cx__column_fill_absent(log->col[f], cx__kind(f), r, r + 1);
}

static double dval(const cx_log *log, int f, size_t r)
{
    return log->col[f] ? ((const double *)log->col[f])[r] : NAN;
}

int cx__log_row_check(const cx_log *log, size_t r, char *msg, size_t cap)
{
    if (!log->col[CX_FIELD_CUSTOMER] || ((const int32_t *)log->col[CX_FIELD_CUSTOMER])[r] < 0) {
        snprintf(msg, cap, "customer is required");
        return CX_FIELD_CUSTOMER;
    }
    if (!log->col[CX_FIELD_TIME] ||
        ((const int64_t *)log->col[CX_FIELD_TIME])[r] == CX_TIME_ABSENT) {
        snprintf(msg, cap, "time is required");
        return CX_FIELD_TIME;
    }
    for (int f = 0; f < CX__NFIELDS; f++) {
        if (cx__kind(f) != CX_KIND_DOUBLE || !log->col[f])
            continue;
        double x = ((const double *)log->col[f])[r];
        if (isinf(x)) {
            snprintf(msg, cap, "%s must be finite", cx_field_name(f));
            return f;
        }
    }
    double w = dval(log, CX_FIELD_WAIT_TIME, r);
    if (w < 0) {
        snprintf(msg, cap, "wait_time %.17g is negative", w);
        return CX_FIELD_WAIT_TIME;
    }
    double nps = dval(log, CX_FIELD_NPS, r);
    if (nps < 0 || nps > 10) {
        snprintf(msg, cap, "nps %.17g outside 0..10", nps);
        return CX_FIELD_NPS;
    }
    double ces = dval(log, CX_FIELD_CES, r);
    if (ces < 1 || ces > 7) {
        snprintf(msg, cap, "ces %.17g outside 1..7", ces);
        return CX_FIELD_CES;
    }
    double lo = dval(log, CX_FIELD_CSAT_MIN, r), hi = dval(log, CX_FIELD_CSAT_MAX, r);
    if (!isnan(lo) && !isnan(hi)) {
        if (!(lo < hi)) {
            snprintf(msg, cap, "csat_min %.17g must be below csat_max %.17g", lo, hi);
            return CX_FIELD_CSAT_MAX;
        }
        static const int rated[] = {CX_FIELD_CSAT, CX_FIELD_SELF_RATING, CX_FIELD_LEADER_RATING};
        for (size_t i = 0; i < sizeof rated / sizeof rated[0]; i++) {
            double x = dval(log, rated[i], r);
            if (x < lo || x > hi) {
                snprintf(msg, cap, "%s %.17g outside the CSAT scale %.17g..%.17g",
                         cx_field_name(rated[i]), x, lo, hi);
                return rated[i];
            }
        }
    }
    return -1;
}

cx_status cx_interaction_init(cx_interaction *row, unsigned version)
{
    CX_CHECK_ARG(row != NULL);
    CX_CHECK_ARG(version == CX_INTERACTION_VERSION);
    memset(row, 0, sizeof *row);
    row->version = version;
    row->time = row->feedback_acted_time = CX_TIME_ABSENT;
    row->channel = CX_CHANNEL_UNKNOWN;
    row->attentiveness = row->empathy = row->authenticity = row->ownership = NAN;
    row->competence = row->effort = row->wait_time = NAN;
    row->problem = row->resolved = row->feedback_acted = -1;
    row->csat = row->csat_min = row->csat_max = row->nps = row->ces = NAN;
    row->self_rating = row->leader_rating = row->spend = NAN;
    return CX_OK;
}

/* Store one value of an interaction struct into staging row r. */
static cx_status put_string(cx_log *log, int f, size_t r, const char *s)
{
    if (!s || !*s)
        return CX_OK; /* absent: the column (if any) is already cleared */
    cx_status st = cx__log_column_ensure(log, f, log->n);
    if (st != CX_OK)
        return st;
    int32_t code;
    if ((st = cx__dict_intern(&log->dict[f], s, strlen(s), &code)) != CX_OK)
        return st;
    ((int32_t *)log->col[f])[r] = code;
    return CX_OK;
}

static cx_status put_double(cx_log *log, int f, size_t r, double x)
{
    if (isnan(x))
        return CX_OK;
    cx_status st = cx__log_column_ensure(log, f, log->n);
    if (st == CX_OK)
        ((double *)log->col[f])[r] = x;
    return st;
}

static cx_status put_time(cx_log *log, int f, size_t r, int64_t t)
{
    if (t == CX_TIME_ABSENT)
        return CX_OK;
    cx_status st = cx__log_column_ensure(log, f, log->n);
    if (st == CX_OK)
        ((int64_t *)log->col[f])[r] = t;
    return st;
}

static cx_status put_small(cx_log *log, int f, size_t r, int v, int absent)
{
    if (v == absent)
        return CX_OK;
    cx_status st = cx__log_column_ensure(log, f, log->n);
    if (st == CX_OK)
        ((int8_t *)log->col[f])[r] = (int8_t)v;
    return st;
}

static cx_status put_row(cx_log *log, size_t r, const cx_interaction *x)
{
    cx_status st = CX_OK;
    const struct {
        int f;
        const char *s;
    } strs[] = {{CX_FIELD_CUSTOMER, x->customer}, {CX_FIELD_EMPLOYEE, x->employee},
                {CX_FIELD_TEAM, x->team},         {CX_FIELD_TOUCHPOINT, x->touchpoint},
                {CX_FIELD_FEEDBACK, x->feedback}, {CX_FIELD_ID, x->id}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0] && st == CX_OK; i++)
        st = put_string(log, strs[i].f, r, strs[i].s);
    const struct {
        int f;
        double v;
    } dbl[] = {{CX_FIELD_ATTENTIVENESS, x->attentiveness},
               {CX_FIELD_EMPATHY, x->empathy},
               {CX_FIELD_AUTHENTICITY, x->authenticity},
               {CX_FIELD_OWNERSHIP, x->ownership},
               {CX_FIELD_COMPETENCE, x->competence},
               {CX_FIELD_EFFORT, x->effort},
               {CX_FIELD_WAIT_TIME, x->wait_time},
               {CX_FIELD_CSAT, x->csat},
               {CX_FIELD_CSAT_MIN, x->csat_min},
               {CX_FIELD_CSAT_MAX, x->csat_max},
               {CX_FIELD_NPS, x->nps},
               {CX_FIELD_CES, x->ces},
               {CX_FIELD_SELF_RATING, x->self_rating},
               {CX_FIELD_LEADER_RATING, x->leader_rating},
               {CX_FIELD_SPEND, x->spend}};
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0] && st == CX_OK; i++)
        st = put_double(log, dbl[i].f, r, dbl[i].v);
    if (st == CX_OK)
        st = put_time(log, CX_FIELD_TIME, r, x->time);
    if (st == CX_OK)
        st = put_time(log, CX_FIELD_FEEDBACK_ACTED_TIME, r, x->feedback_acted_time);
    if (st == CX_OK)
        st = put_small(log, CX_FIELD_CHANNEL, r, (int)x->channel, CX_CHANNEL_UNKNOWN);
    if (st == CX_OK)
        st = put_small(log, CX_FIELD_PROBLEM, r, x->problem, -1);
    if (st == CX_OK)
        st = put_small(log, CX_FIELD_RESOLVED, r, x->resolved, -1);
    if (st == CX_OK)
        st = put_small(log, CX_FIELD_FEEDBACK_ACTED, r, x->feedback_acted, -1);
    return st;
}

static cx_status check_small(const char *name, int v, int lo, int hi)
{
    if (v < lo || v > hi)
        return cx__error_param(CX_EINVAL, name, "%s = %d outside %d..%d", name, v, lo, hi);
    return CX_OK;
}

cx_status cx_log_append(cx_log *log, const cx_interaction *row)
{
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(row != NULL);
    CX_CHECK_ARG(row->version == CX_INTERACTION_VERSION);
    cx_status st;
    if ((st = check_small("row->channel", (int)row->channel, 0, CX_CHANNEL_OTHER)) != CX_OK ||
        (st = check_small("row->problem", row->problem, -1, 1)) != CX_OK ||
        (st = check_small("row->resolved", row->resolved, -1, 1)) != CX_OK ||
        (st = check_small("row->feedback_acted", row->feedback_acted, -1, 1)) != CX_OK)
        return st;
    cx__log_mark m;
    cx__log_mark_take(&m, log);
    size_t r = log->n;
    if ((st = cx__log_reserve(log, r + 1)) != CX_OK)
        return st;
    cx__log_row_clear(log, r);
    if ((st = put_row(log, r, row)) != CX_OK) {
        cx__log_rollback(log, &m);
        return st;
    }
    char msg[200];
    int bad = cx__log_row_check(log, r, msg, sizeof msg);
    if (bad >= 0) {
        cx__log_rollback(log, &m);
        char param[40];
        snprintf(param, sizeof param, "row->%s", cx_field_name(bad));
        return cx__error_param(CX_EINVAL, param, "%s", msg);
    }
    log->n = r + 1;
    log->sorted = 0;
    return CX_OK;
}

/* ---- getters ---- */

static cx_status check_field(const cx_log *log, int field, size_t n)
{
    CX_CHECK_ARG(log != NULL);
    if (field < 0 || field >= CX__NFIELDS)
        return cx__error_param(CX_EINVAL, "field", "invalid field %d", field);
    if (n != log->n)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the log has %zu rows", n, log->n);
    return CX_OK;
}

cx_status cx_log_get_f64(double *out, size_t n, const cx_log *log, int field)
{
    cx_status st = check_field(log, field, n);
    if (st != CX_OK)
        return st;
    CX_CHECK_ARG(out != NULL || n == 0);
    int kind = cx__kind(field);
    if (kind == CX_KIND_STRING)
        return cx__error_param(CX_EINVAL, "field", "%s is a string field; use cx_log_get_i64",
                               cx_field_name(field));
    const void *c = log->col[field];
    for (size_t r = 0; r < n; r++) {
        if (!c) {
            out[r] = NAN;
            continue;
        }
        switch (kind) {
        case CX_KIND_DOUBLE:
            out[r] = ((const double *)c)[r];
            break;
        case CX_KIND_TIME: {
            int64_t t = ((const int64_t *)c)[r];
            out[r] = t == CX_TIME_ABSENT ? NAN : (double)t;
            break;
        }
        case CX_KIND_BOOL: {
            int v = ((const int8_t *)c)[r];
            out[r] = v < 0 ? NAN : v;
            break;
        }
        default: {
            int v = ((const int8_t *)c)[r];
            out[r] = v == CX_CHANNEL_UNKNOWN ? NAN : v;
        }
        }
    }
    return CX_OK;
}

cx_status cx_log_get_i64(int64_t *out, size_t n, const cx_log *log, int field)
{
    cx_status st = check_field(log, field, n);
    if (st != CX_OK)
        return st;
    CX_CHECK_ARG(out != NULL || n == 0);
    int kind = cx__kind(field);
    if (kind == CX_KIND_DOUBLE)
        return cx__error_param(CX_EINVAL, "field", "%s is a double field; use cx_log_get_f64",
                               cx_field_name(field));
    const void *c = log->col[field];
    for (size_t r = 0; r < n; r++) {
        if (!c) {
            out[r] = kind == CX_KIND_TIME      ? CX_TIME_ABSENT
                     : kind == CX_KIND_CHANNEL ? CX_CHANNEL_UNKNOWN
                                               : -1;
            continue;
        }
        switch (kind) {
        case CX_KIND_TIME:
            out[r] = ((const int64_t *)c)[r];
            break;
        case CX_KIND_STRING:
            out[r] = ((const int32_t *)c)[r];
            break;
        default:
            out[r] = ((const int8_t *)c)[r];
        }
    }
    return CX_OK;
}

const double *cx_log_column_f64(const cx_log *log, int field)
{
    return log ? cx__log_f64(log, field) : NULL;
}

static cx_status check_string_field(const cx_log *log, int field)
{
    CX_CHECK_ARG(log != NULL);
    if (cx__kind(field) != CX_KIND_STRING)
        return cx__error_param(CX_EINVAL, "field", "field %d is not a string field", field);
    return CX_OK;
}

cx_status cx_log_dict_size(size_t *out, const cx_log *log, int field)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = check_string_field(log, field);
    if (st == CX_OK)
        *out = log->dict[field].count;
    return st;
}

cx_status cx_log_dict_get(const char **out, const cx_log *log, int field, size_t code)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = check_string_field(log, field);
    if (st != CX_OK)
        return st;
    if (code >= log->dict[field].count)
        return cx__error_param(CX_ERANGE, "code", "code %zu out of range (%zu strings)", code,
                               log->dict[field].count);
    *out = cx__dict_str(&log->dict[field], code);
    return CX_OK;
}

cx_status cx_log_dict_find(size_t *out, const cx_log *log, int field, const char *s)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(s != NULL);
    cx_status st = check_string_field(log, field);
    if (st != CX_OK)
        return st;
    int32_t c = cx__dict_find(&log->dict[field], s, strlen(s));
    if (c < 0)
        return cx__error_param(CX_ERANGE, "s", "no %s '%s' in the log", cx_field_name(field), s);
    *out = (size_t)c;
    return CX_OK;
}
