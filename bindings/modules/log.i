/* bindings/modules/log.i: the interaction log and the transaction log (include/cxkit/log.h).
 * The SWIG layer exposes the C functions; the Pythonic classes are in python/cxkit/log.py
 * (cxkit.Log, cxkit.TransactionLog) and the Lua ones in lua/cxkit/log.lua (cx.Log, ...).
 * Structs with string members (options, filter, one-row append) are replaced by the small helper
 * functions below, which take plain arguments: no struct crosses into the scripts. */

CX_HANDLE(cx_log, cx_log_free)
CX_HANDLE(cx_txlog, cx_txlog_free)
CX_HANDLE(cx_batch, cx_batch_free)

CX_OUT_I64(cx_channel *out)
CX_OUT_I64(cx_field *out)
CX_OUT_U64(size_t *begin)
CX_OUT_U64(size_t *end)

/* Replaced by the helpers below (structs with borrowed strings; a borrowed column pointer). */
%ignore cx_interaction;
%ignore cx_interaction_init;
%ignore cx_log_append;
%ignore cx_log_column_f64;
%ignore cx_log_filter;
%ignore cx_log_filter_init;
%ignore cx_log_select;
%ignore cx_csv_options;
%ignore cx_csv_options_init;
%ignore cx_log_read_csv;
%ignore cx_log_read_csv_buffer;
%ignore cx_log_write_csv;
%ignore cx_log_write_csv_buffer;
%ignore cx_txlog_read_csv;
%ignore cx_txlog_read_csv_buffer;
%ignore cx_txlog_write_csv;
%ignore cx_txlog_append_columns;
%ignore cx_time_format;

%include <cxkit/log.h>

%{
/* CSV options from plain arguments: delimiter "" means ','; columns NULL/"" means none. */
static cx_status cx_csv_opts_make(cx_csv_options *o, const char *delimiter, const char *columns,
                                  int ignore_unknown_columns, int write_epoch_seconds)
{
    cx_status rc = cx_csv_options_init(o, CX_CSV_OPTIONS_VERSION);
    if (rc != CX_OK)
        return rc;
    if (delimiter && delimiter[0]) {
        if (delimiter[1])
            return cx__error_param(CX_EINVAL, "delimiter", "the delimiter must be one character, got \"%s\"", delimiter);
        o->delimiter = delimiter[0];
    }
    o->columns = columns;
    o->ignore_unknown_columns = ignore_unknown_columns;
    o->write_epoch_seconds = write_epoch_seconds;
    return CX_OK;
}

static cx_status cx_log_read_csv_opts(cx_log *log, const char *path, const char *delimiter,
                                      const char *columns, int ignore_unknown_columns)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, ignore_unknown_columns, 0);
    return rc != CX_OK ? rc : cx_log_read_csv(log, path, &o);
}

static cx_status cx_log_read_csv_text(cx_log *log, const char *data, size_t len, const char *name,
                                      const char *delimiter, const char *columns,
                                      int ignore_unknown_columns)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, ignore_unknown_columns, 0);
    return rc != CX_OK ? rc : cx_log_read_csv_buffer(log, data, len, name, &o);
}

static cx_status cx_log_write_csv_opts(const cx_log *log, const char *path, const char *delimiter,
                                       const char *columns, int epoch_seconds)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, 1, epoch_seconds);
    return rc != CX_OK ? rc : cx_log_write_csv(log, path, &o);
}

static cx_status cx_log_write_csv_text(char **out, const cx_log *log, const char *delimiter,
                                       const char *columns, int epoch_seconds)
{
    cx_csv_options o;
    size_t len = 0;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, 1, epoch_seconds);
    return rc != CX_OK ? rc : cx_log_write_csv_buffer(out, &len, log, &o);
}

/* cx_log_select with the filter's fields as arguments; touchpoints are used only when
 * use_touchpoints is nonzero (an empty list then keeps nothing). */
static cx_status cx_log_select_by(cx_log **out, const cx_log *log, int64_t time_from,
                                  int64_t time_to, unsigned channel_mask,
                                  const char *const *strs, size_t n, int use_touchpoints)
{
    cx_log_filter f;
    cx_status rc = cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    if (rc != CX_OK)
        return rc;
    f.time_from = time_from;
    f.time_to = time_to;
    f.channel_mask = channel_mask;
    if (use_touchpoints) {
        static const char *const none[1] = {NULL};
        f.touchpoints = n ? strs : none;
        f.n_touchpoints = n;
    }
    return cx_log_select(out, log, &f);
}

static cx_status cx_txlog_read_csv_opts(cx_txlog *tx, const char *path, const char *delimiter,
                                        const char *columns, int ignore_unknown_columns)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, ignore_unknown_columns, 0);
    return rc != CX_OK ? rc : cx_txlog_read_csv(tx, path, &o);
}

static cx_status cx_txlog_read_csv_text(cx_txlog *tx, const char *data, size_t len,
                                        const char *name, const char *delimiter,
                                        const char *columns, int ignore_unknown_columns)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, ignore_unknown_columns, 0);
    return rc != CX_OK ? rc : cx_txlog_read_csv_buffer(tx, data, len, name, &o);
}

static cx_status cx_txlog_write_csv_opts(const cx_txlog *tx, const char *path,
                                         const char *delimiter, const char *columns,
                                         int epoch_seconds)
{
    cx_csv_options o;
    cx_status rc = cx_csv_opts_make(&o, delimiter, columns, 1, epoch_seconds);
    return rc != CX_OK ? rc : cx_txlog_write_csv(tx, path, &o);
}

/* cx_txlog_append_columns with a length per array (they must agree). */
static cx_status cx_txlog_append_arrays(cx_txlog *tx, const char *const *strs, size_t n,
                                        const int64_t *xs, size_t nx, const double *ys, size_t ny)
{
    if (nx != n || ny != n)
        return cx__error_param(CX_EINVAL, nx != n ? "times" : "amounts",
                               "customers, times and amounts differ in length (%zu, %zu, %zu)",
                               n, nx, ny);
    return cx_txlog_append_columns(tx, strs, xs, ys, n);
}

static cx_status cx_time_format_text(char **out, int64_t t)
{
    char buf[64];
    cx_status rc = cx_time_format(buf, sizeof buf, t);
    if (rc != CX_OK)
        return rc;
    char *s = cx__strdup(buf);
    if (!s)
        return cx__enomem();
    *out = s;
    return CX_OK;
}
%}

cx_status cx_log_read_csv_opts(cx_log *log, const char *path, const char *delimiter,
                               const char *columns, int ignore_unknown_columns);
cx_status cx_log_read_csv_text(cx_log *log, const char *data, size_t len, const char *name,
                               const char *delimiter, const char *columns,
                               int ignore_unknown_columns);
cx_status cx_log_write_csv_opts(const cx_log *log, const char *path, const char *delimiter,
                                const char *columns, int epoch_seconds);
cx_status cx_log_write_csv_text(char **out, const cx_log *log, const char *delimiter,
                                const char *columns, int epoch_seconds);
cx_status cx_log_select_by(cx_log **out, const cx_log *log, int64_t time_from, int64_t time_to,
                           unsigned channel_mask, const char *const *strs, size_t n,
                           int use_touchpoints);
cx_status cx_txlog_read_csv_opts(cx_txlog *tx, const char *path, const char *delimiter,
                                 const char *columns, int ignore_unknown_columns);
cx_status cx_txlog_read_csv_text(cx_txlog *tx, const char *data, size_t len, const char *name,
                                 const char *delimiter, const char *columns,
                                 int ignore_unknown_columns);
cx_status cx_txlog_write_csv_opts(const cx_txlog *tx, const char *path, const char *delimiter,
                                  const char *columns, int epoch_seconds);
cx_status cx_txlog_append_arrays(cx_txlog *tx, const char *const *strs, size_t n,
                                 const int64_t *xs, size_t nx, const double *ys, size_t ny);
cx_status cx_time_format_text(char **out, int64_t t);

#if defined(SWIGPYTHON)
/* Whole dictionaries as one list in one call (no per-entry round trip). Needs the GIL. */
%{
static PyObject *cx_py_strings(size_t n, cx_status (*get)(const char **, const void *, int, size_t),
                               const void *obj, int field)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        cx_status rc = get(&s, obj, field, i);
        if (rc != CX_OK) {
            Py_DECREF(list);
            cx_py_raise(rc);
            return NULL;
        }
        PyObject *u = cx_py_decode(s);
        if (!u) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, u);
    }
    return list;
}

static cx_status cx_py_log_dict_get(const char **out, const void *obj, int field, size_t code)
{
    return cx_log_dict_get(out, (const cx_log *)obj, field, code);
}

static cx_status cx_py_txlog_name_get(const char **out, const void *obj, int field, size_t code)
{
    (void)field;
    return cx_txlog_customer_name(out, (const cx_txlog *)obj, code);
}

static PyObject *cx_log_dictionary(const cx_log *log, int field)
{
    size_t n = 0;
    cx_status rc = cx_log_dict_size(&n, log, field);
    if (rc != CX_OK) {
        cx_py_raise(rc);
        return NULL;
    }
    return cx_py_strings(n, cx_py_log_dict_get, log, field);
}

static PyObject *cx_txlog_customer_names(const cx_txlog *tx)
{
    return cx_py_strings(cx_txlog_customer_count(tx), cx_py_txlog_name_get, tx, 0);
}
%}
%nothread cx_log_dictionary;
%nothread cx_txlog_customer_names;
PyObject *cx_log_dictionary(const cx_log *log, int field);
PyObject *cx_txlog_customer_names(const cx_txlog *tx);
#endif
