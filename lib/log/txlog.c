/* The transaction log: (customer, time, amount) columns, append, sort, CSV in and out. */
#include "csv_scan.h"
#include "csv_sink.h"

#include <math.h>
#include <stdio.h>

enum { TX_CUSTOMER, TX_TIME, TX_AMOUNT, TX_NFIELDS };

static const char *tx_field_name(int f)
{
    static const char *const names[] = {"customer", "time", "amount"};
    return f >= 0 && f < TX_NFIELDS ? names[f] : NULL;
}

cx_status cx_txlog_new(cx_txlog **out)
{
    CX_CHECK_ARG(out != NULL);
    cx_txlog *tx = cx__calloc(1, sizeof *tx);
    if (!tx)
        return cx__enomem();
    *out = tx;
    return CX_OK;
}

void cx_txlog_free(cx_txlog *tx)
{
    if (!tx)
        return;
    cx__free(tx->customer);
    cx__free(tx->time);
    cx__free(tx->amount);
    cx__dict_free(&tx->customers);
    cx__free(tx);
}

size_t cx_txlog_rows(const cx_txlog *tx)
{
    return tx ? tx->n : 0;
}

static cx_status reserve(cx_txlog *tx, size_t rows)
{
    if (rows <= tx->cap)
        return CX_OK;
    size_t cap = tx->cap ? tx->cap : 64;
    while (cap < rows)
        cap = cap > SIZE_MAX / 4 ? rows : cap * 2;
    int32_t *c = cx__realloc_array(tx->customer, cap, sizeof *c);
    if (!c)
        return cx__enomem();
    tx->customer = c;
    int64_t *t = cx__realloc_array(tx->time, cap, sizeof *t);
    if (!t)
        return cx__enomem();
    tx->time = t;
    double *a = cx__realloc_array(tx->amount, cap, sizeof *a);
    if (!a)
        return cx__enomem();
    tx->amount = a;
    tx->cap = cap;
    return CX_OK;
}

/* Stage row r; the caller commits by advancing n or truncates the dictionary on failure. */
static cx_status stage(cx_txlog *tx, size_t r, const char *customer, int64_t time, double amount,
                       size_t i)
{
    if (!customer || !*customer)
        return cx__error_param(CX_EINVAL, "customer", "row %zu: customer is required", i);
    if (time == CX_TIME_ABSENT)
        return cx__error_param(CX_EINVAL, "time", "row %zu: time is required", i);
    if (isinf(amount))
        return cx__error_param(CX_EINVAL, "amount", "row %zu: amount must be finite or NaN", i);
    cx_status st = reserve(tx, r + 1);
    if (st != CX_OK)
        return st;
    int32_t code;
    if ((st = cx__dict_intern(&tx->customers, customer, strlen(customer), &code)) != CX_OK)
        return st;
    tx->customer[r] = code;
    tx->time[r] = time;
    tx->amount[r] = amount;
    return CX_OK;
}

cx_status cx_txlog_append(cx_txlog *tx, const char *customer, int64_t time, double amount)
{
    CX_CHECK_ARG(tx != NULL);
    size_t mark = tx->customers.count;
    cx_status st = stage(tx, tx->n, customer, time, amount, 0);
    if (st != CX_OK) {
        cx__dict_truncate(&tx->customers, mark);
        return st;
    }
    tx->n++;
    tx->sorted = 0;
    return CX_OK;
}

cx_status cx_txlog_append_columns(cx_txlog *tx, const char *const *customers, const int64_t *times,
                                  const double *amounts, size_t n)
{
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(n == 0 || (customers && times));
    size_t mark = tx->customers.count;
    cx_status st = reserve(tx, tx->n + n);
    for (size_t i = 0; i < n && st == CX_OK; i++)
        st = stage(tx, tx->n + i, customers[i], times[i], amounts ? amounts[i] : NAN, i);
    if (st != CX_OK) {
        cx__dict_truncate(&tx->customers, mark);
        return st;
    }
    tx->n += n;
    if (n)
        tx->sorted = 0;
    return CX_OK;
}

static cx_status check_out(const void *out, size_t n, const cx_txlog *tx)
{
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(out != NULL || n == 0);
    if (n != tx->n)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the log has %zu rows", n, tx->n);
    return CX_OK;
}

cx_status cx_txlog_get_customers(int64_t *out, size_t n, const cx_txlog *tx)
{
    cx_status st = check_out(out, n, tx);
    for (size_t i = 0; st == CX_OK && i < n; i++)
        out[i] = tx->customer[i];
    return st;
}

cx_status cx_txlog_get_times(int64_t *out, size_t n, const cx_txlog *tx)
{
    cx_status st = check_out(out, n, tx);
    if (st == CX_OK && n)
        memcpy(out, tx->time, n * sizeof *out);
    return st;
}

cx_status cx_txlog_get_amounts(double *out, size_t n, const cx_txlog *tx)
{
    cx_status st = check_out(out, n, tx);
    if (st == CX_OK && n)
        memcpy(out, tx->amount, n * sizeof *out);
    return st;
}

size_t cx_txlog_customer_count(const cx_txlog *tx)
{
    return tx ? tx->customers.count : 0;
}

cx_status cx_txlog_customer_name(const char **out, const cx_txlog *tx, size_t code)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(tx != NULL);
    if (code >= tx->customers.count)
        return cx__error_param(CX_ERANGE, "code", "code %zu out of range (%zu customers)", code,
                               tx->customers.count);
    *out = cx__dict_str(&tx->customers, code);
    return CX_OK;
}

cx_status cx_txlog_sort(cx_txlog *tx)
{
    CX_CHECK_ARG(tx != NULL);
    if (tx->sorted || tx->n < 2) {
        tx->sorted = 1;
        return CX_OK;
    }
    if (tx->n > UINT32_MAX)
        return cx__error(CX_ENOTSUP, "sorting more than 2^32 rows is not supported");
    uint32_t *perm = cx__malloc_array(tx->n, sizeof *perm);
    if (!perm)
        return cx__enomem();
    cx_status st = cx__sort_permutation(perm, tx->customer, tx->time, tx->n, &tx->customers);
    if (st == CX_OK) {
        void *cols[] = {tx->customer, tx->time, tx->amount};
        size_t sizes[] = {4, 8, 8};
        st = cx__permute_columns(cols, sizes, 3, perm, tx->n);
    }
    cx__free(perm);
    if (st == CX_OK)
        tx->sorted = 1;
    return st;
}

/* ---- CSV ---- */

/* hdr names the columns (NULL while reading the header); columns past nhdr have no name. */
static cx_status tx_fail(const cx__csv *c, const char *at, long col, const char *const *hdr,
                         int nhdr, const char *fmt, ...) CX_PRINTF(6, 7);

static cx_status tx_fail(const cx__csv *c, const char *at, long col, const char *const *hdr,
                         int nhdr, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (hdr && col > 0 && col <= nhdr)
        return cx__error_at(CX_EPARSE, c->name, cx__csv_line(c, at), col, "column '%s': %s",
                            hdr[col - 1], msg);
    return cx__error_at(CX_EPARSE, c->name, cx__csv_line(c, at), col, "%s", msg);
}

#define CLIP(len) ((int)((len) > 40 ? 40 : (len)))

enum { TX_MAX_COLUMNS = 256 };

static cx_status tx_read(cx_txlog *tx, cx__csv *c, const cx_csv_options *opts)
{
    const char *names[TX_NFIELDS];
    char *storage = NULL;
    cx_status st = cx__csv_column_names(names, &storage, opts ? opts->columns : NULL, TX_NFIELDS,
                                        tx_field_name);
    if (st != CX_OK)
        return st;
    if (c->p == c->end) {
        cx__free(storage);
        return cx__error_at(CX_EPARSE, c->name, 1, 0, "empty file: a header line is required");
    }
    /* header: remember the names (copied into one block) and the field of each column */
    int field_of[TX_MAX_COLUMNS];
    const char *hdr[TX_MAX_COLUMNS];
    char *hdr_store = NULL;
    size_t hdr_len = 0;
    int ncols = 0, col_of[TX_NFIELDS] = {0, 0, 0};
    size_t off[TX_MAX_COLUMNS];
    c->field = 1;
    for (int r = CX__CELL_MORE; r == CX__CELL_MORE && st == CX_OK;) {
        cx__cell cell;
        r = cx__csv_cell(c, &cell);
        if (r < 0) {
            st = r == CX__CELL_NOMEM ? cx__enomem()
                                     : tx_fail(c, c->err_at, c->field, NULL, 0, "%s", c->err_msg);
            break;
        }
        if (ncols == TX_MAX_COLUMNS) {
            st = tx_fail(c, cell.start, ncols + 1, NULL, 0, "more than 256 columns");
            break;
        }
        char *h = cx__realloc(hdr_store, hdr_len + cell.len + 1);
        if (!h) {
            st = cx__enomem();
            break;
        }
        hdr_store = h;
        memcpy(hdr_store + hdr_len, cell.s, cell.len);
        hdr_store[hdr_len + cell.len] = '\0';
        off[ncols] = hdr_len;
        hdr_len += cell.len + 1;
        int f = 0;
        while (f < TX_NFIELDS &&
               (strlen(names[f]) != cell.len || memcmp(names[f], cell.s, cell.len) != 0))
            f++;
        ncols++;
        if (f < TX_NFIELDS && col_of[f]) {
            st = tx_fail(c, cell.start, ncols, NULL, 0, "duplicate column '%.*s'", CLIP(cell.len),
                         cell.s);
            break;
        }
        if (f == TX_NFIELDS && opts && !opts->ignore_unknown_columns) {
            st = tx_fail(c, cell.start, ncols, NULL, 0, "unknown column '%.*s'", CLIP(cell.len),
                         cell.s);
            break;
        }
        field_of[ncols - 1] = f < TX_NFIELDS ? f : -1;
        if (f < TX_NFIELDS)
            col_of[f] = ncols;
    }
    for (int i = 0; i < ncols && st == CX_OK; i++)
        hdr[i] = hdr_store + off[i];
    for (int f = 0; f < TX_NFIELDS && st == CX_OK; f++)
        if (!col_of[f])
            st = cx__error_at(CX_EPARSE, c->name, 1, 0,
                              "the header has no column '%s' (field %s), which is required",
                              names[f], tx_field_name(f));
    cx__free(storage);
    size_t r = tx->n;
    while (st == CX_OK && c->p < c->end) {
        const char *rec = c->p;
        if (*rec == '\n' || *rec == '\r') {
            if (cx__csv_only_newlines_left(c))
                break;
            st = tx_fail(c, rec, 0, NULL, 0, "empty line");
            break;
        }
        if ((st = reserve(tx, r + 1)) != CX_OK)
            break;
        c->field = 1;
        int res = CX__CELL_MORE, i = 0;
        const char *cust = NULL, *cust_at = rec;
        size_t cust_len = 0;
        int64_t t = CX_TIME_ABSENT;
        double amount = NAN;
        const char *time_at = rec;
        while (res == CX__CELL_MORE && st == CX_OK) {
            cx__cell cell;
            res = cx__csv_cell(c, &cell);
            if (res < 0) {
                st = res == CX__CELL_NOMEM
                         ? cx__enomem()
                         : tx_fail(c, c->err_at, c->field, hdr, ncols, "%s", c->err_msg);
                break;
            }
            if (i >= ncols) {
                st = tx_fail(c, cell.start, i + 1, NULL, 0, "more fields than the header has");
                break;
            }
            int f = field_of[i++];
            if (f == TX_CUSTOMER) {
                const char *why = cx__csv_text_problem(cell.s, cell.len);
                if (why)
                    st = tx_fail(c, cell.start, i, hdr, ncols, "%s", why);
                /* intern now: the cell may live in the scratch buffer */
                int32_t code = -1;
                if (st == CX_OK && cell.len)
                    st = cx__dict_intern(&tx->customers, cell.s, cell.len, &code);
                cust = code >= 0 ? "" : NULL;
                cust_len = (size_t)code;
                cust_at = cell.start;
            } else if (f == TX_TIME) {
                time_at = cell.start;
                if (cell.len) {
                    cx_status ts = cx__parse_time(cell.s, cell.len, &t);
                    if (ts != CX_OK)
                        st = tx_fail(c, cell.start, i, hdr, ncols,
                                     "'%.*s' is not an ISO-8601 time or epoch seconds",
                                     CLIP(cell.len), cell.s);
                }
            } else if (f == TX_AMOUNT && cell.len) {
                if (cx__parse_double(cell.s, cell.len, &amount) != 0)
                    st = tx_fail(c, cell.start, i, hdr, ncols, "'%.*s' is not a number",
                                 CLIP(cell.len), cell.s);
                else if (isinf(amount))
                    st = tx_fail(c, cell.start, i, hdr, ncols, "amount '%.*s' is not finite",
                                 CLIP(cell.len), cell.s);
            }
        }
        if (st != CX_OK)
            break;
        if (i != ncols) {
            st = tx_fail(c, rec, i, NULL, 0, "%d fields where the header has %d", i, ncols);
            break;
        }
        if (!cust) {
            st = tx_fail(c, cust_at, col_of[TX_CUSTOMER], hdr, ncols, "customer is required");
            break;
        }
        if (t == CX_TIME_ABSENT) {
            st = tx_fail(c, time_at, col_of[TX_TIME], hdr, ncols, "time is required");
            break;
        }
        tx->customer[r] = (int32_t)cust_len;
        tx->time[r] = t;
        tx->amount[r] = amount;
        r++;
    }
    cx__free(hdr_store);
    if (st == CX_OK) {
        if (r > tx->n)
            tx->sorted = 0;
        tx->n = r;
    }
    return st;
}

cx_status cx_txlog_read_csv_buffer(cx_txlog *tx, const char *data, size_t len, const char *name,
                                   const cx_csv_options *opts)
{
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(data != NULL || len == 0);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    cx__csv c;
    cx__csv_init(&c, data ? data : "", len, name ? name : "<buffer>", opts ? opts->delimiter : ',');
    size_t mark = tx->customers.count;
    st = tx_read(tx, &c, opts);
    cx__csv_release(&c);
    if (st != CX_OK)
        cx__dict_truncate(&tx->customers, mark);
    return st;
}

cx_status cx_txlog_read_csv(cx_txlog *tx, const char *path, const cx_csv_options *opts)
{
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(path != NULL);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    cx__file_bytes fb;
    if ((st = cx__file_map(&fb, path)) != CX_OK)
        return st;
    st = cx_txlog_read_csv_buffer(tx, fb.data, fb.len, path, opts);
    cx__file_unmap(&fb);
    return st;
}

cx_status cx_txlog_write_csv(const cx_txlog *tx, const char *path, const cx_csv_options *opts)
{
    CX_CHECK_ARG(tx != NULL);
    CX_CHECK_ARG(path != NULL);
    cx_status st = cx__csv_options_check(opts);
    if (st != CX_OK)
        return st;
    const char *names[TX_NFIELDS];
    char *storage = NULL;
    if ((st = cx__csv_column_names(names, &storage, opts ? opts->columns : NULL, TX_NFIELDS,
                                   tx_field_name)) != CX_OK)
        return st;
    char delim = opts ? opts->delimiter : ',';
    int epoch = opts ? opts->write_epoch_seconds : 0;
    cx__sink s;
    if ((st = cx__sink_open(&s, path)) != CX_OK) {
        cx__free(storage);
        return st;
    }
    for (int f = 0; f < TX_NFIELDS && st == CX_OK; f++) {
        if (f)
            st = cx__sink_put(&s, &delim, 1);
        if (st == CX_OK)
            st = cx__sink_text(&s, names[f], strlen(names[f]), delim);
    }
    cx__free(storage);
    if (st == CX_OK)
        st = cx__sink_put(&s, "\n", 1);
    for (size_t r = 0; r < tx->n && st == CX_OK; r++) {
        const cx__dict *d = &tx->customers;
        int32_t code = tx->customer[r];
        st = cx__sink_text(&s, cx__dict_str(d, (size_t)code), cx__dict_len(d, (size_t)code), delim);
        if (st == CX_OK)
            st = cx__sink_put(&s, &delim, 1);
        if (st == CX_OK)
            st = cx__sink_time(&s, tx->time[r], epoch);
        if (st == CX_OK)
            st = cx__sink_put(&s, &delim, 1);
        if (st == CX_OK)
            st = cx__sink_double(&s, tx->amount[r]);
        if (st == CX_OK)
            st = cx__sink_put(&s, "\n", 1);
    }
    return cx__sink_close(&s, st, NULL, NULL);
}
