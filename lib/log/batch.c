/* Columnar batch append: the bindings fill one array per field, then append all rows or none.
 * A batch is a log whose rows are not validated yet; appending remaps its string codes into
 * the target log's dictionaries. */
#include "log_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct cx_batch {
    cx_log rows; /* n rows; columns allocated as fields are set */
};

cx_status cx_batch_new(cx_batch **out, size_t n)
{
    CX_CHECK_ARG(out != NULL);
    cx_batch *b = cx__calloc(1, sizeof *b);
    if (!b)
        return cx__enomem();
    b->rows.cap = n ? n : 1;
    b->rows.n = n;
    *out = b;
    return CX_OK;
}

void cx_batch_free(cx_batch *batch)
{
    if (!batch)
        return;
    for (int f = 0; f < CX__NFIELDS; f++) {
        cx__free(batch->rows.col[f]);
        cx__dict_free(&batch->rows.dict[f]);
    }
    cx__free(batch);
}

static cx_status check_set(const cx_batch *b, int field, const void *xs, size_t n)
{
    CX_CHECK_ARG(b != NULL);
    if (field < 0 || field >= CX__NFIELDS)
        return cx__error_param(CX_EINVAL, "field", "invalid field %d", field);
    if (n != b->rows.n)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the batch has %zu rows", n, b->rows.n);
    CX_CHECK_ARG(xs != NULL || n == 0);
    return CX_OK;
}

/* Install a fully converted column (takes ownership of tmp). */
static void install(cx_batch *b, int field, void *tmp)
{
    cx__free(b->rows.col[field]);
    b->rows.col[field] = tmp;
}

static cx_status bad_value(int field, size_t i, const char *what)
{
    char param[40];
    snprintf(param, sizeof param, "%s", cx_field_name(field));
    return cx__error_param(CX_EINVAL, param, "%s[%zu]: %s", cx_field_name(field), i, what);
}

cx_status cx_batch_set_f64(cx_batch *batch, int field, const double *xs, size_t n)
{
    cx_status st = check_set(batch, field, xs, n);
    if (st != CX_OK)
        return st;
    int kind = cx__kind(field);
    if (kind == CX_KIND_STRING)
        return cx__error_param(CX_EINVAL, "field", "%s is a string field", cx_field_name(field));
    void *tmp = cx__malloc_array(n, cx__kind_size(kind));
    if (!tmp)
        return cx__enomem();
    for (size_t i = 0; i < n; i++) {
        double x = xs[i];
        switch (kind) {
        case CX_KIND_DOUBLE:
            ((double *)tmp)[i] = x;
            break;
        case CX_KIND_TIME:
            if (isnan(x))
                ((int64_t *)tmp)[i] = CX_TIME_ABSENT;
            else if (x != floor(x) || !(x > -9.2e18 && x < 9.2e18)) {
                cx__free(tmp);
                return bad_value(field, i, "time must be whole seconds within int64");
            } else
                ((int64_t *)tmp)[i] = (int64_t)x;
            break;
        case CX_KIND_BOOL:
            if (!isnan(x) && x != 0 && x != 1) {
                cx__free(tmp);
                return bad_value(field, i, "yes/no must be 0, 1 or NaN");
            }
            ((int8_t *)tmp)[i] = (int8_t)(isnan(x) ? -1 : (int)x);
            break;
        default:
            if (!isnan(x) && (x != floor(x) || x < 0 || x > CX_CHANNEL_OTHER)) {
                cx__free(tmp);
                return bad_value(field, i, "channel code must be 0..6 or NaN");
            }
            ((int8_t *)tmp)[i] = (int8_t)(isnan(x) ? 0 : (int)x);
        }
    }
    install(batch, field, tmp);
    return CX_OK;
}

cx_status cx_batch_set_i64(cx_batch *batch, int field, const int64_t *xs, size_t n)
{
    cx_status st = check_set(batch, field, xs, n);
    if (st != CX_OK)
        return st;
    int kind = cx__kind(field);
    if (kind == CX_KIND_STRING)
        return cx__error_param(CX_EINVAL, "field", "%s is a string field", cx_field_name(field));
    void *tmp = cx__malloc_array(n, cx__kind_size(kind));
    if (!tmp)
        return cx__enomem();
    for (size_t i = 0; i < n; i++) {
        int64_t x = xs[i];
        switch (kind) {
        case CX_KIND_DOUBLE:
            ((double *)tmp)[i] = (double)x;
            break;
        case CX_KIND_TIME:
            ((int64_t *)tmp)[i] = x;
            break;
        case CX_KIND_BOOL:
            if (x < -1 || x > 1) {
                cx__free(tmp);
                return bad_value(field, i, "yes/no must be 1, 0 or -1 (absent)");
            }
            ((int8_t *)tmp)[i] = (int8_t)x;
            break;
        default:
            if (x < 0 || x > CX_CHANNEL_OTHER) {
                cx__free(tmp);
                return bad_value(field, i, "channel code must be 0..6");
            }
            ((int8_t *)tmp)[i] = (int8_t)x;
        }
    }
    install(batch, field, tmp);
    return CX_OK;
}

cx_status cx_batch_set_str(cx_batch *batch, int field, const char *const *strs, size_t n)
{
    cx_status st = check_set(batch, field, strs, n);
    if (st != CX_OK)
        return st;
    int kind = cx__kind(field);
    cx__dict *d = &batch->rows.dict[field];
    size_t mark = d->count;
    void *tmp = cx__malloc_array(n, cx__kind_size(kind));
    if (!tmp)
        return cx__enomem();
    for (size_t i = 0; i < n && st == CX_OK; i++) {
        const char *s = strs[i] ? strs[i] : "";
        size_t len = strlen(s);
        int v = 0;
        switch (kind) {
        case CX_KIND_STRING: {
            int32_t code = -1;
            if (len)
                st = cx__dict_intern(d, s, len, &code);
            ((int32_t *)tmp)[i] = code;
            break;
        }
        case CX_KIND_TIME: {
            int64_t t = CX_TIME_ABSENT;
            if (len && cx_time_parse(&t, s, len) != CX_OK)
                st = bad_value(field, i, "not an ISO-8601 time or epoch seconds");
            ((int64_t *)tmp)[i] = t;
            break;
        }
        case CX_KIND_DOUBLE: {
            double x = NAN;
            if (len && cx__parse_double(s, len, &x) != 0)
                st = bad_value(field, i, "not a number");
            ((double *)tmp)[i] = x;
            break;
        }
        case CX_KIND_BOOL:
            v = -1;
            if (len && cx__parse_bool(s, len, &v) != 0)
                st = bad_value(field, i, "not yes/no");
            ((int8_t *)tmp)[i] = (int8_t)v;
            break;
        default:
            if (len && cx__parse_channel(s, len, &v) != 0)
                st = bad_value(field, i, "unknown channel");
            ((int8_t *)tmp)[i] = (int8_t)v;
        }
    }
    if (st != CX_OK) {
        cx__dict_truncate(d, mark);
        cx__free(tmp);
        return st;
    }
    install(batch, field, tmp);
    return CX_OK;
}

cx_status cx_log_append_batch(cx_log *log, const cx_batch *batch)
{
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(batch != NULL);
    const cx_log *b = &batch->rows;
    size_t n0 = log->n, k = b->n;
    if (k == 0)
        return CX_OK;
    cx__log_mark m;
    cx__log_mark_take(&m, log);
    cx_status st = cx__log_reserve(log, n0 + k);
    for (int f = 0; f < CX__NFIELDS && st == CX_OK; f++)
        if (b->col[f])
            st = cx__log_column_ensure(log, f, n0);
    int32_t *remap = NULL;
    for (int f = 0; f < CX__NFIELDS && st == CX_OK; f++) {
        if (!log->col[f])
            continue;
        int kind = cx__kind(f);
        size_t es = cx__kind_size(kind);
        char *dst = (char *)log->col[f] + n0 * es;
        if (!b->col[f]) {
            cx__column_fill_absent(log->col[f], kind, n0, n0 + k);
            continue;
        }
        if (kind != CX_KIND_STRING) {
            memcpy(dst, b->col[f], k * es);
            continue;
        }
        size_t nd = b->dict[f].count;
        remap = cx__malloc_array(nd ? nd : 1, sizeof *remap);
        if (!remap) {
            st = cx__enomem();
            break;
        }
        for (size_t c = 0; c < nd; c++)
            remap[c] = -1;
        const int32_t *src = b->col[f];
        for (size_t r = 0; r < k && st == CX_OK; r++) {
            int32_t c = src[r];
            if (c >= 0 && remap[c] < 0) {
                const cx__dict *bd = &b->dict[f];
                size_t len = cx__dict_len(bd, (size_t)c);
                st = cx__dict_intern(&log->dict[f], cx__dict_str(bd, (size_t)c), len, &remap[c]);
            }
            ((int32_t *)dst)[r] = c >= 0 ? remap[c] : -1;
        }
        cx__free(remap);
        remap = NULL;
    }
    if (st == CX_OK) {
        char msg[200];
        for (size_t r = 0; r < k; r++) {
            int bad = cx__log_row_check(log, n0 + r, msg, sizeof msg);
            if (bad >= 0) {
                st = cx__error_param(CX_EINVAL, cx_field_name(bad), "batch row %zu: %s", r, msg);
                break;
            }
        }
    }
    if (st != CX_OK) {
        cx__log_rollback(log, &m);
        return st;
    }
    log->n = n0 + k;
    log->sorted = 0;
    return CX_OK;
}
