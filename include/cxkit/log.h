/**
 * @file log.h
 * @brief The interaction log and the transaction log: columnar tables in memory, CSV in and out.
 *
 * An interaction is one contact between a customer and the organisation (docs/log.md lists every
 * field). The log stores each field as a column; ids (customer, employee, team, touchpoint,
 * interaction id) are interned strings with integer codes in order of first appearance. Every
 * field except customer and time may be absent: doubles are NaN, times ::CX_TIME_ABSENT,
 * yes/no fields -1, channel ::CX_CHANNEL_UNKNOWN, strings code -1.
 *
 * Every function that modifies a log is atomic: on error the log is exactly as before.
 */
#ifndef CX_LOG_H
#define CX_LOG_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

CX_BEGIN_DECLS

/** Absent time value (times are seconds since 1970-01-01T00:00:00Z). */
#define CX_TIME_ABSENT INT64_MIN

/** Contact channel. Values are fixed; CSV spells them as the lower-case names. */
typedef enum cx_channel {
    CX_CHANNEL_UNKNOWN = 0,      /**< absent */
    CX_CHANNEL_IN_PERSON = 1,    /**< "in_person" */
    CX_CHANNEL_PHONE = 2,        /**< "phone" */
    CX_CHANNEL_CHAT = 3,         /**< "chat" */
    CX_CHANNEL_EMAIL = 4,        /**< "email" */
    CX_CHANNEL_SELF_SERVICE = 5, /**< "self_service" (web, app) */
    CX_CHANNEL_OTHER = 6         /**< "other" */
} cx_channel;

/** Name of a channel ("phone", ...); "" for ::CX_CHANNEL_UNKNOWN; NULL for invalid values. */
CX_API const char *cx_channel_name(int channel);
/** Parse a channel name (case-insensitive; "" gives ::CX_CHANNEL_UNKNOWN). */
CX_API cx_status cx_channel_parse(cx_channel *out, const char *name);

/** Fields of an interaction. Values are fixed. */
typedef enum cx_field {
    CX_FIELD_CUSTOMER = 0,      /**< id, required */
    CX_FIELD_TIME = 1,          /**< time, required */
    CX_FIELD_EMPLOYEE = 2,      /**< id */
    CX_FIELD_TEAM = 3,          /**< id of the employee's team */
    CX_FIELD_TOUCHPOINT = 4,    /**< id: where in the journey */
    CX_FIELD_CHANNEL = 5,       /**< ::cx_channel */
    CX_FIELD_ATTENTIVENESS = 6, /**< double, 0..1 or a rating */
    CX_FIELD_EMPATHY = 7,       /**< double */
    CX_FIELD_AUTHENTICITY = 8,  /**< double: sincere (high) vs scripted (low) */
    CX_FIELD_OWNERSHIP = 9,     /**< double */
    CX_FIELD_COMPETENCE = 10,   /**< double */
    CX_FIELD_EFFORT = 11,       /**< double: customer effort */
    CX_FIELD_WAIT_TIME = 12,    /**< double, seconds */
    CX_FIELD_PROBLEM = 13,      /**< yes/no: a service failure occurred */
    CX_FIELD_RESOLVED = 14,     /**< yes/no: the failure was recovered */
    CX_FIELD_CSAT = 15,         /**< double: satisfaction rating */
    CX_FIELD_CSAT_MIN = 16,     /**< double: lowest value of the CSAT scale (e.g. 1) */
    CX_FIELD_CSAT_MAX = 17,     /**< double: highest value of the CSAT scale (e.g. 5) */
    CX_FIELD_NPS = 18,          /**< double: likelihood to recommend, 0..10 */
    CX_FIELD_CES = 19,          /**< double: customer effort score, 1..7 */
    CX_FIELD_SELF_RATING =
        20, /**< double: the employee's rating of the same contact (CSAT scale) */
    CX_FIELD_LEADER_RATING = 21,       /**< double: a leader's or auditor's rating (CSAT scale) */
    CX_FIELD_FEEDBACK = 22,            /**< text: the customer's verbatim comment */
    CX_FIELD_FEEDBACK_ACTED = 23,      /**< yes/no: the feedback was acted on, customer told */
    CX_FIELD_FEEDBACK_ACTED_TIME = 24, /**< time the loop was closed */
    CX_FIELD_SPEND = 25,               /**< double: money spent in or after the contact */
    CX_FIELD_ID = 26                   /**< id of the interaction itself */
} cx_field;

/** Number of fields (the largest ::cx_field + 1) in this version of the library. */
CX_API int cx_field_count(void);

/** Storage kind of a field. */
typedef enum cx_field_kind {
    CX_KIND_STRING = 1, /**< interned string (ids, team, touchpoint, feedback text) */
    CX_KIND_TIME = 2,   /**< int64 seconds since the epoch */
    CX_KIND_DOUBLE = 3, /**< double, NaN when absent */
    CX_KIND_BOOL = 4,   /**< 1 yes, 0 no, -1 absent */
    CX_KIND_CHANNEL = 5 /**< ::cx_channel */
} cx_field_kind;

/** Kind of a field; 0 for an invalid field. */
CX_API int cx_field_kind_of(int field);
/** Canonical (CSV header) name of a field, e.g. "touchpoint"; NULL for an invalid field. */
CX_API const char *cx_field_name(int field);
/** Field for a canonical name (exact match). */
CX_API cx_status cx_field_from_name(cx_field *out, const char *name);

/** One interaction, for appending from C. Initialise with cx_interaction_init(), which marks
 *  every field absent, then set what you have. Fields are only ever appended to this struct. */
typedef struct cx_interaction {
    unsigned version; /**< ::CX_INTERACTION_VERSION */
    const char *customer, *employee, *team, *touchpoint, *id, *feedback;
    int64_t time, feedback_acted_time;
    cx_channel channel;
    double attentiveness, empathy, authenticity, ownership, competence, effort, wait_time;
    int problem, resolved, feedback_acted;
    double csat, csat_min, csat_max, nps, ces, self_rating, leader_rating, spend;
} cx_interaction;

#define CX_INTERACTION_VERSION 1

/** Mark every field of @p row absent and set its version (::CX_INTERACTION_VERSION). */
CX_API cx_status cx_interaction_init(cx_interaction *row, unsigned version);

/** Opaque interaction log. */
typedef struct cx_log cx_log;

/** Create an empty log. */
CX_API cx_status cx_log_new(cx_log **out);
/** Free a log; a no-op on NULL. */
CX_API void cx_log_free(cx_log *log);
/** Deep copy. */
CX_API cx_status cx_log_dup(cx_log **out, const cx_log *log);
/** Number of rows. */
CX_API size_t cx_log_rows(const cx_log *log);
/** Number of rows in which @p field is present. */
CX_API size_t cx_log_count_present(const cx_log *log, int field);

/** Append one interaction (copied). Customer and time are required; values are validated
 *  (finite numbers, NPS in 0..10, CES in 1..7, CSAT within its scale when given, ...). */
CX_API cx_status cx_log_append(cx_log *log, const cx_interaction *row);

/** @name Columnar batch append (what the bindings use: one array per field). */
/** @{ */
typedef struct cx_batch cx_batch;
/** A batch of @p n rows with every field absent. */
CX_API cx_status cx_batch_new(cx_batch **out, size_t n);
CX_API void cx_batch_free(cx_batch *batch);
/** Set a double, yes/no (0, 1, NaN) , channel (code) or time (seconds; NaN absent) column. */
CX_API cx_status cx_batch_set_f64(cx_batch *batch, int field, const double *xs, size_t n);
/** Set a time, yes/no (-1 absent), channel or double column from integers. */
CX_API cx_status cx_batch_set_i64(cx_batch *batch, int field, const int64_t *xs, size_t n);
/** Set a column from strings (NULL or "" is absent); for time fields ISO-8601 or epoch seconds,
 *  for channel fields channel names, for yes/no fields 1/0/true/false/yes/no. */
CX_API cx_status cx_batch_set_str(cx_batch *batch, int field, const char *const *strs, size_t n);
/** Validate the batch as cx_log_append() would and append all rows, or none. */
CX_API cx_status cx_log_append_batch(cx_log *log, const cx_batch *batch);
/** @} */

/** @name Reading columns. Arrays have cx_log_rows() entries. */
/** @{ */
/** Numeric view of any non-string field: doubles as stored, times as seconds (NaN absent),
 *  yes/no as 1/0/NaN, channel as its code (NaN when unknown). */
CX_API cx_status cx_log_get_f64(double *out, size_t n, const cx_log *log, int field);
/** Integer view: times (::CX_TIME_ABSENT), yes/no (-1), channels, string codes (-1 absent). */
CX_API cx_status cx_log_get_i64(int64_t *out, size_t n, const cx_log *log, int field);
/** Borrowed pointer to a double column of cx_log_rows() entries (NaN where absent; valid until
 *  the log is modified or freed); NULL for other kinds and when the field is absent in every
 *  row (columns are allocated only once a value appears). For zero-copy use from C. */
CX_API const double *cx_log_column_f64(const cx_log *log, int field);
/** Number of distinct strings interned for a string field. */
CX_API cx_status cx_log_dict_size(size_t *out, const cx_log *log, int field);
/** The string for a code (borrowed; valid until the log is modified or freed). */
CX_API cx_status cx_log_dict_get(const char **out, const cx_log *log, int field, size_t code);
/** The code of a string, ::CX_ERANGE when the log has no such value. */
CX_API cx_status cx_log_dict_find(size_t *out, const cx_log *log, int field, const char *s);
/** @} */

/** Stable sort by customer id (byte order) and time. */
CX_API cx_status cx_log_sort(cx_log *log);
/** Whether the log is sorted by customer and time (set by cx_log_sort, cleared by appends). */
CX_API int cx_log_is_sorted(const cx_log *log);
/** Rows [*begin, *end) of one customer's journey in a sorted log (::CX_ESTATE if unsorted,
 *  ::CX_ERANGE if the customer is unknown). */
CX_API cx_status cx_log_journey(size_t *begin, size_t *end, const cx_log *log,
                                const char *customer);
/** Iterate journeys of a sorted log: the rows [*begin, *end) of the customer whose journey
 *  starts at row @p from; ::CX_ERANGE when @p from == cx_log_rows(). */
CX_API cx_status cx_log_next_journey(size_t *begin, size_t *end, const cx_log *log, size_t from);

/** Row filter. Initialise with cx_log_filter_init() (everything passes), then narrow. */
typedef struct cx_log_filter {
    unsigned version;               /**< ::CX_LOG_FILTER_VERSION */
    int64_t time_from;              /**< keep time >= time_from (::CX_TIME_ABSENT: no bound) */
    int64_t time_to;                /**< keep time < time_to (::CX_TIME_ABSENT: no bound) */
    unsigned channel_mask;          /**< bit (1u << channel) set = keep; 0 keeps all channels */
    const char *const *touchpoints; /**< keep these touchpoints (NULL: all) */
    size_t n_touchpoints;
} cx_log_filter;

#define CX_LOG_FILTER_VERSION 1
CX_API cx_status cx_log_filter_init(cx_log_filter *filter, unsigned version);
/** A new log with the rows that pass the filter, in their original order. */
CX_API cx_status cx_log_select(cx_log **out, const cx_log *log, const cx_log_filter *filter);

/** CSV options. Initialise with cx_csv_options_init(). */
typedef struct cx_csv_options {
    unsigned version; /**< ::CX_CSV_OPTIONS_VERSION */
    char delimiter;   /**< ',' by default */
    /** Column names that differ from the canonical field names, as "field=column" pairs
     *  separated by commas, e.g. "customer=cust_id,time=created_at"; NULL or "" for none. */
    const char *columns;
    int ignore_unknown_columns; /**< 1 (default): extra columns are skipped; 0: an error */
    int write_epoch_seconds;    /**< writing: 1 writes times as seconds, 0 (default) ISO-8601 */
} cx_csv_options;

#define CX_CSV_OPTIONS_VERSION 1
CX_API cx_status cx_csv_options_init(cx_csv_options *opts, unsigned version);

/** Append the rows of a CSV file (RFC 4180; see docs/csv.md). All or nothing: on any error the
 *  log is unchanged and cx_error_last() names file, line and column. @p opts may be NULL. */
CX_API cx_status cx_log_read_csv(cx_log *log, const char *path, const cx_csv_options *opts);
/** The same from memory; @p name is used in error messages. */
CX_API cx_status cx_log_read_csv_buffer(cx_log *log, const char *data, size_t len, const char *name,
                                        const cx_csv_options *opts);
/** Write the log as CSV with a header of the fields that are present in any row. All or
 *  nothing: written to a temporary file beside @p path and renamed over it on success; on
 *  failure (CX_EIO naming the path, CX_ENOMEM) an existing file is untouched (docs/csv.md). */
CX_API cx_status cx_log_write_csv(const cx_log *log, const char *path, const cx_csv_options *opts);
/** The same into a new buffer (release with cx_free()); *len excludes the final NUL. */
CX_API cx_status cx_log_write_csv_buffer(char **out, size_t *len, const cx_log *log,
                                         const cx_csv_options *opts);

/* ------------------------------------------------------------------------------------------ */

/** Opaque transaction log: (customer, time, amount) rows, for customer-base models. */
typedef struct cx_txlog cx_txlog;

CX_API cx_status cx_txlog_new(cx_txlog **out);
CX_API void cx_txlog_free(cx_txlog *tx);
CX_API size_t cx_txlog_rows(const cx_txlog *tx);
/** Append one transaction; amount may be NaN (unknown) but not infinite. */
CX_API cx_status cx_txlog_append(cx_txlog *tx, const char *customer, int64_t time, double amount);
/** Append columns: customers (strings), times (seconds), amounts (NaN allowed); all or nothing. */
CX_API cx_status cx_txlog_append_columns(cx_txlog *tx, const char *const *customers,
                                         const int64_t *times, const double *amounts, size_t n);
/** Columns: customer codes (index into the customer dictionary), times and amounts. */
CX_API cx_status cx_txlog_get_customers(int64_t *out, size_t n, const cx_txlog *tx);
CX_API cx_status cx_txlog_get_times(int64_t *out, size_t n, const cx_txlog *tx);
CX_API cx_status cx_txlog_get_amounts(double *out, size_t n, const cx_txlog *tx);
CX_API size_t cx_txlog_customer_count(const cx_txlog *tx);
CX_API cx_status cx_txlog_customer_name(const char **out, const cx_txlog *tx, size_t code);
/** Stable sort by customer id and time. */
CX_API cx_status cx_txlog_sort(cx_txlog *tx);
/** CSV with columns customer, time, amount (renamable through opts->columns, e.g.
 *  "customer=cust,amount=sales"). All or nothing, as for the interaction log. */
CX_API cx_status cx_txlog_read_csv(cx_txlog *tx, const char *path, const cx_csv_options *opts);
CX_API cx_status cx_txlog_read_csv_buffer(cx_txlog *tx, const char *data, size_t len,
                                          const char *name, const cx_csv_options *opts);
CX_API cx_status cx_txlog_write_csv(const cx_txlog *tx, const char *path,
                                    const cx_csv_options *opts);

/** Parse an ISO-8601 date or date-time ("2024-03-01", "2024-03-01T12:30:00Z",
 *  "2024-03-01 12:30:00+02:00", fractional seconds truncated) or integer epoch seconds. */
CX_API cx_status cx_time_parse(int64_t *out, const char *s, size_t len);
/** Format seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
CX_API cx_status cx_time_format(char *buf, size_t cap, int64_t t);

CX_END_DECLS

#endif /* CX_LOG_H */
