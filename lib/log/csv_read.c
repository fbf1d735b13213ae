/* Reading interactions from CSV: header -> field mapping, then one pass over the records that
 * converts each cell straight into staging rows of the log. Any error rolls the log back. */
#include "csv_scan.h"

#include <math.h>
#include <stdio.h>

cx_status cx_csv_options_init(cx_csv_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    CX_CHECK_ARG(version == CX_CSV_OPTIONS_VERSION);
    memset(opts, 0, sizeof *opts);
    opts->version = version;
    opts->delimiter = ',';
    opts->ignore_unknown_columns = 1;
    return CX_OK;
}

cx_status cx__csv_options_check(const cx_csv_options *opts)
{
    if (!opts)
        return CX_OK;
    CX_CHECK_ARG(opts->version == CX_CSV_OPTIONS_VERSION);
    char d = opts->delimiter;
    if (d == '"' || d == '\n' || d == '\r' || d == '\0' || (unsigned char)d >= 0x80)
        return cx__error_param(CX_EINVAL, "opts->delimiter", "invalid delimiter");
    return CX_OK;
}

typedef struct reader {
    cx__csv csv;
    cx_log *log;
    int ncols;
    int *field_of; /* header column -> field, or -1 to skip */
    char **header; /* header names (for messages) */
    int col_of[CX__NFIELDS];
    int clear[CX__NFIELDS]; /* allocated columns the file does not set */
    int nclear;
    /* string cells of the current record, interned after the other cells so that the
     * dictionary slots (prefetched when the cell is read) have arrived by then */
    struct pending {
        const char *s, *start;
        size_t len;
        uint32_t hash;
        int field;
        int col;
    } * pending;
} reader;

static cx_status fail_at(const reader *rd, const char *at, long field, const char *fmt, ...)
    CX_PRINTF(4, 5);

static cx_status fail_at(const reader *rd, const char *at, long field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = cx__csv_line(&rd->csv, at);
    if (rd->header && field >= 1 && field <= rd->ncols)
        return cx__error_at(CX_EPARSE, rd->csv.name, line, field, "column '%s': %s",
                            rd->header[field - 1], msg);
    return cx__error_at(CX_EPARSE, rd->csv.name, line, field, "%s", msg);
}

/* The status of a failed cx__csv_cell. */
static cx_status cell_error(const reader *rd, int r)
{
    if (r == CX__CELL_NOMEM)
        return cx__enomem();
    return fail_at(rd, rd->csv.err_at, rd->csv.field, "%s", rd->csv.err_msg);
}

static void free_header(reader *rd)
{
    if (rd->header)
        for (int i = 0; i < rd->ncols; i++)
            cx__free(rd->header[i]);
    cx__free(rd->header);
    cx__free(rd->field_of);
    cx__free(rd->pending);
    rd->header = NULL;
    rd->field_of = NULL;
    rd->pending = NULL;
}

static cx_status read_header(reader *rd, const cx_csv_options *opts)
{
    const char *names[CX__NFIELDS];
    char *storage = NULL;
    cx_status st = cx__csv_column_names(names, &storage, opts ? opts->columns : NULL, CX__NFIELDS,
                                        cx_field_name);
    if (st != CX_OK)
        return st;
    cx__csv *c = &rd->csv;
    if (c->p == c->end) {
        cx__free(storage);
        return cx__error_at(CX_EPARSE, c->name, 1, 0, "empty file: a header line is required");
    }
    int cap = 0;
    c->field = 1;
    for (int r = CX__CELL_MORE; r == CX__CELL_MORE;) {
        cx__cell cell;
        r = cx__csv_cell(c, &cell);
        if (r < 0) {
            st = cell_error(rd, r);
            break;
        }
        if (rd->ncols == cap) {
            int nc = cap ? cap * 2 : 16;
            char **h = cx__realloc_array(rd->header, (size_t)nc, sizeof *h);
            if (h)
                rd->header = h;
            int *fo = h ? cx__realloc_array(rd->field_of, (size_t)nc, sizeof *fo) : NULL;
            if (!h || !fo) {
                st = cx__enomem();
                break;
            }
            rd->field_of = fo;
            cap = nc;
        }
        char *name = cx__malloc(cell.len + 1);
        if (!name) {
            st = cx__enomem();
            break;
        }
        memcpy(name, cell.s, cell.len);
        name[cell.len] = '\0';
        rd->header[rd->ncols++] = name;
        long col = rd->ncols;
        if (cell.len == 0 || memchr(cell.s, 0, cell.len)) {
            st = fail_at(rd, cell.start, col, "empty column name in the header");
            break;
        }
        for (int i = 0; i + 1 < rd->ncols; i++)
            if (strcmp(rd->header[i], name) == 0) {
                st = fail_at(rd, cell.start, col, "duplicate column name");
                break;
            }
        if (st != CX_OK)
            break;
        int f = 0;
        while (f < CX__NFIELDS && strcmp(names[f], name) != 0)
            f++;
        if (f == CX__NFIELDS) {
            if (opts && !opts->ignore_unknown_columns) {
                st = fail_at(rd, cell.start, col, "unknown column");
                break;
            }
            f = -1;
        }
        rd->field_of[rd->ncols - 1] = f;
    }
    if (st == CX_OK) {
        static const int required[] = {CX_FIELD_CUSTOMER, CX_FIELD_TIME};
        for (int i = 0; i < CX__NFIELDS; i++)
            rd->col_of[i] = 0;
        for (int i = 0; i < rd->ncols; i++)
            if (rd->field_of[i] >= 0)
                rd->col_of[rd->field_of[i]] = i + 1;
        for (int k = 0; k < 2; k++)
            if (!rd->col_of[required[k]]) {
                st = cx__error_at(CX_EPARSE, c->name, 1, 0,
                                  "the header has no column '%s' (field %s), which is required",
                                  names[required[k]], cx_field_name(required[k]));
                break;
            }
    }
    cx__free(storage);
    return st;
}

/* Convert one cell into staging row r. Returns CX_OK or an error already recorded. */
static inline cx_status put_cell(reader *rd, int f, size_t r, const cx__cell *cell, long col)
{
    cx_log *log = rd->log;
    void *dst = log->col[f];
    switch (cx__kinds[f]) {
    case CX_KIND_DOUBLE: {
        double x = NAN;
        if (cell->len && cx__parse_double(cell->s, cell->len, &x) != 0)
            return fail_at(rd, cell->start, col, "'%.*s' is not a number",
                           (int)(cell->len > 40 ? 40 : cell->len), cell->s);
        ((double *)dst)[r] = x;
        return CX_OK;
    }
    case CX_KIND_STRING: {
        int32_t code = -1;
        if (cell->len) {
            const char *why = cx__csv_text_problem(cell->s, cell->len);
            if (why)
                return fail_at(rd, cell->start, col, "%s", why);
            if (cx__dict_intern(&log->dict[f], cell->s, cell->len, &code) != CX_OK)
                return cx_error_last()->code;
        }
        ((int32_t *)dst)[r] = code;
        return CX_OK;
    }
    case CX_KIND_TIME: {
        int64_t t = CX_TIME_ABSENT;
        if (cell->len) {
            cx_status st = cx__parse_time(cell->s, cell->len, &t);
            if (st != CX_OK)
                return fail_at(rd, cell->start, col,
                               st == CX_ERANGE ? "time '%.*s' out of range"
                                               : "'%.*s' is not an ISO-8601 time or epoch seconds",
                               (int)(cell->len > 40 ? 40 : cell->len), cell->s);
        }
        ((int64_t *)dst)[r] = t;
        return CX_OK;
    }
    case CX_KIND_BOOL: {
        int v = -1;
        if (cell->len && cx__parse_bool(cell->s, cell->len, &v) != 0)
            return fail_at(rd, cell->start, col, "'%.*s' is not yes/no",
                           (int)(cell->len > 40 ? 40 : cell->len), cell->s);
        ((int8_t *)dst)[r] = (int8_t)v;
        return CX_OK;
    }
    default: {
        int v = 0;
        if (cell->len && cx__parse_channel(cell->s, cell->len, &v) != 0)
            return fail_at(rd, cell->start, col, "unknown channel '%.*s'",
                           (int)(cell->len > 40 ? 40 : cell->len), cell->s);
        ((int8_t *)dst)[r] = (int8_t)v;
        return CX_OK;
    }
    }
}

/* Intern the deferred string cells of row r. */
static cx_status flush_pending(reader *rd, const struct pending *p, int n, size_t r)
{
    for (int k = 0; k < n; k++) {
        int32_t code;
        cx_status st =
            cx__dict_intern_hashed(&rd->log->dict[p[k].field], p[k].s, p[k].len, p[k].hash, &code);
        if (st != CX_OK)
            return st;
        ((int32_t *)rd->log->col[p[k].field])[r] = code;
    }
    return CX_OK;
}

/* The record loop. String cells are validated at once but interned one row later: their
 * dictionary slot is prefetched when the cell is read, and a whole row of other work hides the
 * cache miss (large dictionaries such as interaction ids miss on every lookup). Interning order,
 * and so the codes, are unchanged: rows are flushed in order, and a cell that must be interned
 * at once (unescaped in the scratch buffer) flushes the previous row first. */
static cx_status read_records(reader *rd, size_t *rows_out)
{
    cx__csv *c = &rd->csv;
    cx_log *log = rd->log;
    size_t r = log->n, prev_r = 0;
    struct pending *prev = rd->pending, *cur = rd->pending + rd->ncols;
    int nprev = 0;
    cx_status st = CX_OK;
    while (c->p < c->end) {
        const char *rec = c->p;
        if (*rec == '\n' || *rec == '\r') {
            if (cx__csv_only_newlines_left(c))
                break;
            return fail_at(rd, rec, 0, "empty line");
        }
        if (r >= log->cap && (st = cx__log_reserve(log, r + 1)) != CX_OK)
            return st;
        for (int k = 0; k < rd->nclear; k++)
            cx__column_fill_absent(log->col[rd->clear[k]], cx__kind(rd->clear[k]), r, r + 1);
        c->field = 1;
        int res = CX__CELL_MORE;
        int i = 0, ncur = 0;
        while (res == CX__CELL_MORE) {
            cx__cell cell;
            res = cx__csv_cell(c, &cell);
            if (res < 0)
                return cell_error(rd, res);
            if (i >= rd->ncols)
                return fail_at(rd, cell.start, i + 1, "more fields than the header's %d",
                               rd->ncols);
            int f = rd->field_of[i++];
            if (f < 0)
                continue;
            if (cx__kinds[f] == CX_KIND_STRING && cell.len) {
                const char *why = cx__csv_text_problem(cell.s, cell.len);
                if (why)
                    return fail_at(rd, cell.start, i, "%s", why);
                if (cell.s != c->scratch) {
                    struct pending *p = &cur[ncur++];
                    p->s = cell.s;
                    p->len = cell.len;
                    p->field = f;
                    p->hash = cx__dict_hash(cell.s, cell.len);
                    cx__dict_prefetch(&log->dict[f], p->hash);
                    ((int32_t *)log->col[f])[r] = 0; /* present; the code comes later */
                    continue;
                }
                if (nprev && (st = flush_pending(rd, prev, nprev, prev_r)) != CX_OK)
                    return st;
                nprev = 0;
            }
            if ((st = put_cell(rd, f, r, &cell, i)) != CX_OK)
                return st;
        }
        if (i != rd->ncols)
            return fail_at(rd, rec, i, "%d fields where the header has %d", i, rd->ncols);
        char msg[200];
        int bad = cx__log_row_check(log, r, msg, sizeof msg);
        if (bad >= 0)
            return fail_at(rd, rec, rd->col_of[bad], "%s", msg);
        if (nprev && (st = flush_pending(rd, prev, nprev, prev_r)) != CX_OK)
            return st;
        struct pending *t = prev;
        prev = cur;
        cur = t;
        nprev = ncur;
        prev_r = r;
        r++;
    }
    if (nprev && (st = flush_pending(rd, prev, nprev, prev_r)) != CX_OK)
        return st;
    *rows_out = r - log->n;
    return CX_OK;
}

cx_status cx_log_read_csv_buffer(cx_log *log, const char *data, size_t len, const char *name,
                                 const cx_csv_options *opts)
{
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(data != NULL || len == 0);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    reader rd;
    memset(&rd, 0, sizeof rd);
    cx__csv_init(&rd.csv, data ? data : "", len, name ? name : "<buffer>",
                 opts ? opts->delimiter : ',');
    rd.log = log;
    cx__log_mark m;
    cx__log_mark_take(&m, log);
    st = read_header(&rd, opts);
    for (int f = 0; f < CX__NFIELDS && st == CX_OK; f++) {
        if (rd.col_of[f])
            st = cx__log_column_ensure(log, f, log->n);
        else if (log->col[f])
            rd.clear[rd.nclear++] = f;
    }
    if (st == CX_OK) {
        rd.pending = cx__malloc_array(2 * (size_t)rd.ncols, sizeof *rd.pending);
        if (!rd.pending)
            st = cx__enomem();
    }
    size_t added = 0;
    if (st == CX_OK)
        st = read_records(&rd, &added);
    free_header(&rd);
    cx__csv_release(&rd.csv);
    if (st != CX_OK) {
        cx__log_rollback(log, &m);
        return st;
    }
    if (added) {
        log->n += added;
        log->sorted = 0;
    }
    return CX_OK;
}

cx_status cx_log_read_csv(cx_log *log, const char *path, const cx_csv_options *opts)
{
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(path != NULL);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    cx__file_bytes fb;
    if ((st = cx__file_map(&fb, path)) != CX_OK)
        return st;
    st = cx_log_read_csv_buffer(log, fb.data, fb.len, path, opts);
    cx__file_unmap(&fb);
    return st;
}
