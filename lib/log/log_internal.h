/*
 * Internal layout of the interaction log (cx_log), the transaction log (cx_txlog) and the
 * interning dictionary they share. Analytics modules in lib/ may include this header
 * (`#include "../log/log_internal.h"`) to read columns directly instead of copying them out
 * through the public getters. Read only: every change goes through the public functions, which
 * keep the invariants below.
 *
 * Columns. A log has `n` committed rows. Column `col[f]` of field f is either NULL, meaning the
 * field is absent in every row, or an array of at least `n` entries (`cap` is the capacity every
 * allocated column has; entries past `n` are scratch). The element type follows the field kind:
 *
 *   CX_KIND_DOUBLE   double   NaN when absent                       (cx__log_f64)
 *   CX_KIND_TIME     int64_t  CX_TIME_ABSENT when absent (the `time` field never is) (cx__log_time)
 *   CX_KIND_STRING   int32_t  code into dict[f], -1 when absent     (cx__log_codes)
 *   CX_KIND_BOOL     int8_t   1 yes, 0 no, -1 absent                 (cx__log_i8)
 *   CX_KIND_CHANNEL  int8_t   cx_channel value, 0 = unknown          (cx__log_i8)
 *
 * The customer column (int32 codes) and the time column (int64) are always allocated once the
 * log has a row. `sorted` is 1 when rows are ordered by customer string (byte order) then time,
 * stably (set by cx_log_sort, cleared by appends that add rows).
 *
 * Dictionaries. Codes are 0, 1, 2, ... in order of first appearance. cx__dict_str(d, c) is the
 * NUL-terminated string of code c and cx__dict_len(d, c) its length in bytes. Pointers into
 * a dictionary are invalidated by any modification of the log.
 */
#ifndef CX_LOG_INTERNAL_H
#define CX_LOG_INTERNAL_H

#include <cxkit/log.h>

#include "internal.h"

#include <stdint.h>
#include <string.h>

#define CX__NFIELDS 27 /* CX_FIELD_ID + 1 */

/* Interning dictionary: strings -> dense int32 codes, open addressing with linear probing.
 * The strings live in one block as entries [uint32 code][uint32 length][bytes][NUL]; a slot
 * holds a hash tag and the entry's position, so a successful probe touches the slot and one
 * entry (code, length and bytes together) -- one cache miss in a big dictionary, not three. */
typedef struct cx__dict {
    size_t count;     /* number of strings (codes 0 .. count-1) */
    size_t count_cap; /* capacity of offset and hash */
    size_t *offset;   /* count entries: position of each string's bytes in `strings` */
    uint32_t *hash;   /* hash of each string, for rehashing and truncation */
    char *strings;    /* the entries back to back */
    size_t bytes_len, bytes_cap;
    uint64_t *slots; /* nslots entries: (hash >> 8) << 40 | (entry position + 1), or 0 (empty) */
    size_t nslots;   /* a power of two, or 0 */
} cx__dict;

struct cx_log {
    size_t n;   /* committed rows */
    size_t cap; /* every allocated column has at least cap entries */
    int sorted; /* rows ordered by customer (byte order), then time, stably */
    void *col[CX__NFIELDS];
    cx__dict dict[CX__NFIELDS]; /* used by CX_KIND_STRING fields only */
};

struct cx_txlog {
    size_t n, cap;
    int sorted;
    int32_t *customer; /* codes into customers */
    int64_t *time;     /* seconds since the epoch */
    double *amount;    /* NaN when unknown */
    cx__dict customers;
};

/* Kind of each field (the same table as cx_field_kind_of, without the call through the PLT). */
CX_HIDDEN extern const unsigned char cx__kinds[CX__NFIELDS];
static inline int cx__kind(int field)
{
    return field >= 0 && field < CX__NFIELDS ? cx__kinds[field] : 0;
}

/* ---- typed column access (NULL when the field is absent in every row or of another kind) ---- */

static inline const double *cx__log_f64(const cx_log *log, int field)
{
    return (field >= 0 && field < CX__NFIELDS && cx__kind(field) == CX_KIND_DOUBLE)
               ? (const double *)log->col[field]
               : NULL;
}
static inline const int64_t *cx__log_time(const cx_log *log, int field)
{
    return (field >= 0 && field < CX__NFIELDS && cx__kind(field) == CX_KIND_TIME)
               ? (const int64_t *)log->col[field]
               : NULL;
}
static inline const int32_t *cx__log_codes(const cx_log *log, int field)
{
    return (field >= 0 && field < CX__NFIELDS && cx__kind(field) == CX_KIND_STRING)
               ? (const int32_t *)log->col[field]
               : NULL;
}
static inline const int8_t *cx__log_i8(const cx_log *log, int field)
{
    int k = cx__kind(field);
    return (k == CX_KIND_BOOL || k == CX_KIND_CHANNEL) ? (const int8_t *)log->col[field] : NULL;
}
static inline const char *cx__dict_str(const cx__dict *d, size_t code)
{
    return d->strings + d->offset[code];
}
static inline size_t cx__dict_len(const cx__dict *d, size_t code)
{
    uint32_t len;
    memcpy(&len, d->strings + d->offset[code] - 4, sizeof len);
    return len;
}

/* ---- fields ---- */

CX_HIDDEN size_t cx__kind_size(int kind); /* bytes per element of a column of that kind */

/* ---- dictionary (dict.c) ---- */

/* Code of s[0..len) (no NUL inside), adding it when new. CX_ENOMEM leaves d unchanged. */
CX_HIDDEN cx_status cx__dict_intern(cx__dict *d, const char *s, size_t len, int32_t *code);
/* The same with the string's hash already computed (cx__dict_hash), so that a caller can
 * prefetch the slot (cx__dict_prefetch) and do other work while it arrives. */
CX_HIDDEN uint32_t cx__dict_hash(const char *s, size_t len);
CX_HIDDEN cx_status cx__dict_intern_hashed(cx__dict *d, const char *s, size_t len, uint32_t h,
                                           int32_t *code);
static inline void cx__dict_prefetch(const cx__dict *d, uint32_t h)
{
#if defined(__GNUC__)
    if (d->nslots)
        __builtin_prefetch(&d->slots[h & (d->nslots - 1)]);
#else
    (void)d;
    (void)h;
#endif
}
/* Code of s or -1. */
CX_HIDDEN int32_t cx__dict_find(const cx__dict *d, const char *s, size_t len);
/* Forget codes >= count (rollback of a failed append); never allocates. */
CX_HIDDEN void cx__dict_truncate(cx__dict *d, size_t count);
CX_HIDDEN void cx__dict_free(cx__dict *d);
CX_HIDDEN cx_status cx__dict_copy(cx__dict *dst, const cx__dict *src);

/* ---- staging rows (log.c): every modification appends rows [n, n + k) as scratch, validates
 * them, then commits by setting n; on failure cx__log_rollback restores the marked state. ---- */

typedef struct cx__log_mark {
    size_t dict_count[CX__NFIELDS];
    uint32_t had_col; /* bit f: col[f] was allocated */
} cx__log_mark;

CX_HIDDEN void cx__log_mark_take(cx__log_mark *m, const cx_log *log);
CX_HIDDEN void cx__log_rollback(cx_log *log, const cx__log_mark *m);
/* Make every allocated column hold at least `rows` entries (geometric growth). */
CX_HIDDEN cx_status cx__log_reserve(cx_log *log, size_t rows);
/* Allocate column f (cap entries, rows [0, n_fill) absent) unless it exists. */
CX_HIDDEN cx_status cx__log_column_ensure(cx_log *log, int field, size_t n_fill);
/* Set entries [from, to) of a column of that kind to the absent value. */
CX_HIDDEN void cx__column_fill_absent(void *col, int kind, size_t from, size_t to);
/* Mark row r absent in every allocated column. */
CX_HIDDEN void cx__log_row_clear(cx_log *log, size_t r);
/* Check row r's values (required fields, ranges). On failure returns the offending field and
 * writes a message into msg (cap bytes); returns -1 when the row is valid. */
CX_HIDDEN int cx__log_row_check(const cx_log *log, size_t r, char *msg, size_t cap);

/* ---- text parsing shared by the CSV readers and cx_batch_set_str (parse.c) ---- */

/* Exactly rounded decimal -> double; accepts [+-]digits[.digits][(e|E)[+-]digits] and
 * [+-].digits. Returns 0 on success, -1 on malformed text. Never reads past s + len. */
CX_HIDDEN int cx__parse_double(const char *s, size_t len, double *out);
/* ISO-8601 or epoch seconds (see cx_time_parse) without recording an error: CX_OK,
 * CX_EPARSE or CX_ERANGE. */
CX_HIDDEN cx_status cx__parse_time(const char *s, size_t len, int64_t *out);
/* 1/0, true/false, yes/no, y/n, t/f (case-insensitive). 0 on success. */
CX_HIDDEN int cx__parse_bool(const char *s, size_t len, int *out);
/* Channel names and aliases (case-insensitive). 0 on success. */
CX_HIDDEN int cx__parse_channel(const char *s, size_t len, int *out);
/* Shortest text that reads back to x exactly ("%.15g".."%.17g"), '.' as decimal point whatever
 * the locale (format_double.c). Returns the length; buf needs 32 bytes. */
CX_HIDDEN int cx__format_double(char *buf, double x);
/* The same text by the plain method (snprintf at precision 15, 16, 17 until it reads back):
 * the slow path of cx__format_double and the tests' reference. */
CX_HIDDEN int cx__format_double_reference(char *buf, double x);

/* ---- column-name mapping shared by the readers and writers (csv_columns.c) ---- */

/* Column name for each field given "field=column,..." (names point into `storage`, which the
 * caller frees with cx__free; fields not mentioned keep their canonical names). n_fields is the
 * number of entries of names; field_name(i) names entry i. */
CX_HIDDEN cx_status cx__csv_column_names(const char **names, char **storage, const char *spec,
                                         size_t n_fields, const char *(*field_name)(int));

/* Validate CSV options (NULL is fine). */
CX_HIDDEN cx_status cx__csv_options_check(const cx_csv_options *opts);

/* ---- a file's bytes (csv_source.c) ---- */

typedef struct cx__file_bytes {
    const char *data;
    size_t len;
    int mapped;  /* data is an mmap of len bytes */
    char *owned; /* or a buffer from cx__malloc */
} cx__file_bytes;

/* CX_EIO (naming the file) when it cannot be opened or read. */
CX_HIDDEN cx_status cx__file_map(cx__file_bytes *fb, const char *path);
CX_HIDDEN void cx__file_unmap(cx__file_bytes *fb);

/* ---- sorting (sort.c), shared with the transaction log ---- */

/* perm[i] = row that goes to position i when sorting by (customer string, time), stably. */
CX_HIDDEN cx_status cx__sort_permutation(uint32_t *perm, const int32_t *cust, const int64_t *time,
                                         size_t n, const cx__dict *dict);
/* Reorder ncols columns (element sizes 1, 4 or 8; NULL columns skipped) by perm. */
CX_HIDDEN cx_status cx__permute_columns(void **cols, const size_t *sizes, int ncols,
                                        const uint32_t *perm, size_t n);

#endif /* CX_LOG_INTERNAL_H */
