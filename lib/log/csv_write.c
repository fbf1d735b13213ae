/* Writing the interaction log as CSV: a header of the fields present in any row (in field
 * order, renamed by opts->columns), then one line per row, "\n"-terminated. Cells are quoted
 * only when they contain the delimiter, a quote or a line break; doubles use the shortest
 * text that reads back exactly; times ISO-8601 UTC (epoch seconds outside years 0..9999). */
#include "csv_sink.h"

#include <math.h>
#include <string.h>

cx_status cx__sink_grow(cx__sink *s, size_t need)
{
    if (s->file && s->len > 0) {
        if (fwrite(s->buf, 1, s->len, s->file) != s->len)
            return cx__error_at(CX_EIO, s->path, 0, 0, "write failed");
        s->len = 0;
        if (need <= s->cap)
            return CX_OK;
    }
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + need)
        cap *= 2;
    char *b = cx__realloc(s->buf, cap);
    if (!b)
        return cx__enomem();
    s->buf = b;
    s->cap = cap;
    return CX_OK;
}

cx_status cx__sink_text(cx__sink *s, const char *text, size_t len, char delim)
{
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = text[i] == delim || text[i] == '"' || text[i] == '\n' || text[i] == '\r';
    if (!quote)
        return cx__sink_put(s, text, len);
    cx_status st = cx__sink_put(s, "\"", 1);
    for (size_t i = 0; i < len && st == CX_OK; i++)
        st = text[i] == '"' ? cx__sink_put(s, "\"\"", 2) : cx__sink_put(s, text + i, 1);
    return st == CX_OK ? cx__sink_put(s, "\"", 1) : st;
}

cx_status cx__sink_time(cx__sink *s, int64_t t, int epoch)
{
    char buf[32];
    int n;
    if (epoch || cx_time_format(buf, sizeof buf, t) != CX_OK)
        n = snprintf(buf, sizeof buf, "%lld", (long long)t);
    else
        n = 20;
    return cx__sink_put(s, buf, (size_t)n);
}

cx_status cx__sink_double(cx__sink *s, double x)
{
    if (isnan(x))
        return CX_OK;
    char buf[40];
    int n = cx__format_double(buf, x);
    return cx__sink_put(s, buf, (size_t)n);
}

cx_status cx__sink_open(cx__sink *s, const char *path)
{
    memset(s, 0, sizeof *s);
    if (path) {
        s->path = path;
        cx_status st = cx__atomic_open(&s->out, path);
        if (st != CX_OK)
            return st;
        s->file = s->out.file;
    }
    return CX_OK;
}

cx_status cx__sink_close(cx__sink *s, cx_status st, char **out, size_t *len)
{
    if (s->file) {
        if (st == CX_OK && s->len && fwrite(s->buf, 1, s->len, s->file) != s->len)
            st = cx__error_at(CX_EIO, s->path, 0, 0, "write failed");
        cx__free(s->buf);
        return cx__atomic_close(&s->out, st);
    }
    if (st == CX_OK && (st = cx__sink_put(s, "", 1)) == CX_OK) { /* NUL-terminate */
        *out = s->buf;
        *len = s->len - 1;
        return CX_OK;
    }
    cx__free(s->buf);
    return st;
}

static cx_status write_log(cx__sink *s, const cx_log *log, const cx_csv_options *opts)
{
    const char *names[CX__NFIELDS];
    char *storage = NULL;
    cx_status st = cx__csv_column_names(names, &storage, opts ? opts->columns : NULL, CX__NFIELDS,
                                        cx_field_name);
    if (st != CX_OK)
        return st;
    char delim = opts ? opts->delimiter : ',';
    int epoch = opts ? opts->write_epoch_seconds : 0;
    int fields[CX__NFIELDS], nf = 0;
    for (int f = 0; f < CX__NFIELDS; f++)
        if (f <= CX_FIELD_TIME || cx_log_count_present(log, f) > 0)
            fields[nf++] = f;
    for (int i = 0; i < nf && st == CX_OK; i++) {
        if (i)
            st = cx__sink_put(s, &delim, 1);
        if (st == CX_OK)
            st = cx__sink_text(s, names[fields[i]], strlen(names[fields[i]]), delim);
    }
    cx__free(storage);
    if (st == CX_OK)
        st = cx__sink_put(s, "\n", 1);
    for (size_t r = 0; r < log->n && st == CX_OK; r++) {
        for (int i = 0; i < nf && st == CX_OK; i++) {
            int f = fields[i];
            if (i && (st = cx__sink_put(s, &delim, 1)) != CX_OK)
                break;
            const void *col = log->col[f];
            switch (cx__kind(f)) {
            case CX_KIND_DOUBLE:
                st = cx__sink_double(s, ((const double *)col)[r]);
                break;
            case CX_KIND_TIME: {
                int64_t t = ((const int64_t *)col)[r];
                if (t != CX_TIME_ABSENT)
                    st = cx__sink_time(s, t, epoch);
                break;
            }
            case CX_KIND_STRING: {
                int32_t c = ((const int32_t *)col)[r];
                if (c >= 0) {
                    const cx__dict *d = &log->dict[f];
                    st = cx__sink_text(s, cx__dict_str(d, (size_t)c), cx__dict_len(d, (size_t)c),
                                       delim);
                }
                break;
            }
            case CX_KIND_BOOL: {
                int v = ((const int8_t *)col)[r];
                if (v >= 0)
                    st = v ? cx__sink_put(s, "yes", 3) : cx__sink_put(s, "no", 2);
                break;
            }
            default: {
                const char *name = cx_channel_name(((const int8_t *)col)[r]);
                st = cx__sink_put(s, name, strlen(name));
            }
            }
        }
        if (st == CX_OK)
            st = cx__sink_put(s, "\n", 1);
    }
    return st;
}

cx_status cx_log_write_csv_buffer(char **out, size_t *len, const cx_log *log,
                                  const cx_csv_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(len != NULL);
    CX_CHECK_ARG(log != NULL);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    cx__sink s;
    cx__sink_open(&s, NULL);
    return cx__sink_close(&s, write_log(&s, log, opts), out, len);
}

cx_status cx_log_write_csv(const cx_log *log, const char *path, const cx_csv_options *opts)
{
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(path != NULL);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    cx__sink s;
    if ((st = cx__sink_open(&s, path)) != CX_OK)
        return st;
    return cx__sink_close(&s, write_log(&s, log, opts), NULL, NULL);
}
