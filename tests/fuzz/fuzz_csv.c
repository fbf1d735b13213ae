/* libFuzzer harness for the CSV readers (interaction and transaction logs) and the time parser.
 *
 * Invariants checked on every input, beyond "no crash, no sanitizer report":
 *   - a failed read leaves the log exactly as it was (row count and dictionary sizes);
 *   - a successful read round-trips: write(read(write(log))) == write(log), byte for byte;
 *   - a failed call reports a status, never CX_OK with a half-loaded log.
 * The first byte picks options (delimiter, strict columns, epoch output), the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t customers(const cx_log *log)
{
    size_t n = 0;
    cx_log_dict_size(&n, log, CX_FIELD_CUSTOMER);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char delims[] = {',', ';', '\t', '|'};
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.delimiter = delims[data[0] & 3];
    o.ignore_unknown_columns = !(data[0] & 4);
    o.write_epoch_seconds = (data[0] & 8) != 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    /* the interaction log, starting from one row so that "unchanged" means something */
    cx_log *log = NULL;
    CHECK(cx_log_new(&log) == CX_OK);
    cx_interaction r;
    cx_interaction_init(&r, CX_INTERACTION_VERSION);
    r.customer = "seed";
    r.time = 0;
    r.nps = 5;
    CHECK(cx_log_append(log, &r) == CX_OK);
    cx_status st = cx_log_read_csv_buffer(log, text, len, "fuzz", &o);
    if (st != CX_OK) {
        CHECK(cx_log_rows(log) == 1);
        CHECK(customers(log) == 1);
    } else {
        char *a = NULL, *b = NULL;
        size_t alen = 0, blen = 0;
        CHECK(cx_log_write_csv_buffer(&a, &alen, log, &o) == CX_OK);
        cx_log *back = NULL;
        CHECK(cx_log_new(&back) == CX_OK);
        CHECK(cx_log_read_csv_buffer(back, a, alen, "again", &o) == CX_OK);
        CHECK(cx_log_rows(back) == cx_log_rows(log));
        CHECK(cx_log_write_csv_buffer(&b, &blen, back, &o) == CX_OK);
        CHECK(alen == blen && memcmp(a, b, alen) == 0);
        CHECK(cx_log_sort(back) == CX_OK);
        size_t begin = 0, end = 0, rows = 0;
        for (size_t from = 0; cx_log_next_journey(&begin, &end, back, from) == CX_OK; from = end)
            rows += end - begin;
        CHECK(rows == cx_log_rows(back));
        /* a selection keeps a subset in order; a copy writes the same bytes */
        cx_log_filter f;
        CHECK(cx_log_filter_init(&f, CX_LOG_FILTER_VERSION) == CX_OK);
        f.channel_mask = data[0] & 0x70 ? (unsigned)(data[0] >> 4) << 1 : 0;
        f.time_from = data[0] & 1 ? 0 : CX_TIME_ABSENT;
        cx_log *sel = NULL, *copy = NULL;
        CHECK(cx_log_select(&sel, back, &f) == CX_OK);
        CHECK(cx_log_rows(sel) <= cx_log_rows(back));
        CHECK(cx_log_is_sorted(sel));
        CHECK(cx_log_dup(&copy, log) == CX_OK);
        char *c = NULL;
        size_t clen = 0;
        CHECK(cx_log_write_csv_buffer(&c, &clen, copy, &o) == CX_OK);
        CHECK(clen == alen && memcmp(a, c, alen) == 0);
        cx_free(c);
        cx_log_free(copy);
        cx_log_free(sel);
        cx_free(a);
        cx_free(b);
        cx_log_free(back);
    }
    cx_log_free(log);

    /* the transaction log */
    cx_txlog *tx = NULL;
    CHECK(cx_txlog_new(&tx) == CX_OK);
    st = cx_txlog_read_csv_buffer(tx, text, len, "fuzz-tx", &o);
    if (st != CX_OK)
        CHECK(cx_txlog_rows(tx) == 0 && cx_txlog_customer_count(tx) == 0);
    else
        CHECK(cx_txlog_sort(tx) == CX_OK);
    cx_txlog_free(tx);

    /* the time parser on the raw bytes */
    int64_t t = 0;
    if (cx_time_parse(&t, text, len < 64 ? len : 64) == CX_OK) {
        char buf[32];
        if (cx_time_format(buf, sizeof buf, t) == CX_OK) {
            int64_t back = 0;
            CHECK(cx_time_parse(&back, buf, strlen(buf)) == CX_OK && back == t);
        }
    }
    return 0;
}
