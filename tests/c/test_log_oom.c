/* Out-of-memory behaviour (issue 2, item 10): for every N reached while loading a file (and
 * while appending, sorting, selecting, copying and writing), make the N-th allocation fail,
 * transiently and persistently, and check CX_ENOMEM, an unchanged log and no leak. Run under
 * ASan/LSan (the sanitizer preset) or valgrind for the leak check of libc itself; the live
 * block counter of the allocator checks it here. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

/* A file that exercises every allocation the reader makes: many distinct strings (dictionary
 * growth), enough rows for several column reallocations, escaped quotes (the scratch buffer). */
static char *make_csv(size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n,
                          "customer,time,employee,channel,nps,problem,feedback,unknown\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(s + n, cap - n, "cust%d,%d,emp%d,%s,%d,%s,\"said \"\"%d\"\"\",x\n",
                              i % 120, 1000 + i, i % 7, i % 2 ? "phone" : "chat", i % 11,
                              i % 3 ? "yes" : "", i);
    *len = n;
    return s;
}

static cx_log *base_log(void)
{
    cx_log *log;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    const char *pre = "customer,time,csat,feedback\ncust1,5,3,\"old \"\"x\"\"\"\nzed,4,,hello\n";
    ck_assert_int_eq(cx_log_read_csv_buffer(log, pre, strlen(pre), "pre", NULL), CX_OK);
    return log;
}

static char *snapshot(const cx_log *log)
{
    char *text;
    size_t len;
    ck_assert_int_eq(cx_log_write_csv_buffer(&text, &len, log, NULL), CX_OK);
    return text;
}

/* Run op against a fresh copy of the base log for N = 0, 1, ... until it succeeds. */
static void sweep(cx_status (*op)(cx_log *log, void *arg), void *arg, int persistent,
                  int changes_log)
{
    long n;
    for (n = 0;; n++) {
        cx_log *log = base_log();
        char *before = snapshot(log);
        int was_sorted = cx_log_is_sorted(log);
        long live = cx__alloc_live();
        cx__alloc_fail_after(n, persistent);
        cx_status st = op(log, arg);
        long failures = cx__alloc_failures();
        cx__alloc_fail_after(-1, 0);
        if (failures == 0) {
            ck_assert_int_eq(st, CX_OK);
            cx_log_free(log);
            cx_free(before);
            break;
        }
        ck_assert_msg(st == CX_ENOMEM, "N=%ld: status %d (%s)", n, st, cx_error_last()->message);
        ck_assert_msg(cx__alloc_live() == live, "N=%ld: %ld blocks leaked", n,
                      cx__alloc_live() - live);
        char *after = snapshot(log);
        ck_assert_msg(strcmp(before, after) == 0, "N=%ld: log changed", n);
        ck_assert_int_eq(cx_log_is_sorted(log), was_sorted);
        cx_free(after);
        cx_free(before);
        cx_log_free(log);
    }
    (void)changes_log;
    ck_assert_msg(n > 3, "the sweep reached only %ld allocations", n);
    ck_assert_int_eq(cx__alloc_live(), 0);
}

static cx_status op_read_buffer(cx_log *log, void *arg)
{
    size_t len;
    char *text = make_csv(&len);
    cx_status st = cx_log_read_csv_buffer(log, text, len, "oom.csv", NULL);
    free(text);
    (void)arg;
    return st;
}

static cx_status op_read_file(cx_log *log, void *arg)
{
    return cx_log_read_csv(log, arg, NULL);
}

static cx_status op_append(cx_log *log, void *arg)
{
    (void)arg;
    cx_interaction r;
    cx_interaction_init(&r, CX_INTERACTION_VERSION);
    r.customer = "brand-new";
    r.time = 7;
    r.employee = "e-new";
    r.touchpoint = "tp";
    r.nps = 3;
    r.problem = 1;
    return cx_log_append(log, &r);
}

static cx_status op_batch(cx_log *log, void *arg)
{
    (void)arg;
    cx_batch *b;
    cx_status st = cx_batch_new(&b, 3);
    if (st != CX_OK)
        return st;
    const char *cust[] = {"n1", "cust1", "n2"};
    const char *team[] = {"t", NULL, "u"};
    int64_t t[] = {1, 2, 3};
    double nps[] = {1, NAN, 2};
    if ((st = cx_batch_set_str(b, CX_FIELD_CUSTOMER, cust, 3)) == CX_OK &&
        (st = cx_batch_set_str(b, CX_FIELD_TEAM, team, 3)) == CX_OK &&
        (st = cx_batch_set_i64(b, CX_FIELD_TIME, t, 3)) == CX_OK &&
        (st = cx_batch_set_f64(b, CX_FIELD_NPS, nps, 3)) == CX_OK)
        st = cx_log_append_batch(log, b);
    cx_batch_free(b);
    return st;
}

static cx_status op_sort(cx_log *log, void *arg)
{
    (void)arg;
    return cx_log_sort(log);
}

static cx_status op_select_dup_write(cx_log *log, void *arg)
{
    (void)arg;
    cx_log_filter f;
    cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    f.time_from = 5;
    cx_log *sel = NULL, *copy = NULL;
    char *text = NULL;
    size_t len;
    cx_status st = cx_log_select(&sel, log, &f);
    if (st == CX_OK)
        st = cx_log_dup(&copy, log);
    if (st == CX_OK)
        st = cx_log_write_csv_buffer(&text, &len, log, NULL);
    cx_free(text);
    cx_log_free(sel);
    cx_log_free(copy);
    return st;
}

START_TEST(read_csv_buffer_every_allocation)
{
    sweep(op_read_buffer, NULL, 0, 1);
    sweep(op_read_buffer, NULL, 1, 1);
}
END_TEST

START_TEST(read_csv_file_every_allocation)
{
    char path[] = "/tmp/cx_oom_XXXXXX";
    int fd = mkstemp(path);
    size_t len;
    char *text = make_csv(&len);
    ck_assert(write(fd, text, len) == (ssize_t)len);
    close(fd);
    free(text);
    sweep(op_read_file, path, 0, 1);
    sweep(op_read_file, path, 1, 1);
    remove(path);
}
END_TEST

START_TEST(other_operations_every_allocation)
{
    for (int persistent = 0; persistent < 2; persistent++) {
        sweep(op_append, NULL, persistent, 1);
        sweep(op_batch, NULL, persistent, 1);
        sweep(op_sort, NULL, persistent, 1);
        sweep(op_select_dup_write, NULL, persistent, 0);
    }
}
END_TEST

/* The transaction log, the same way. */
START_TEST(txlog_every_allocation)
{
    char text[20000];
    size_t len = (size_t)snprintf(text, sizeof text, "customer,time,amount\n");
    for (int i = 0; i < 400; i++)
        len +=
            (size_t)snprintf(text + len, sizeof text - len, "\"c\"\"%d\",%d,%d.5\n", i % 150, i, i);
    for (int persistent = 0; persistent < 2; persistent++) {
        long n;
        for (n = 0;; n++) {
            cx_txlog *tx;
            ck_assert_int_eq(cx_txlog_new(&tx), CX_OK);
            ck_assert_int_eq(cx_txlog_append(tx, "first", 1, 2), CX_OK);
            long live = cx__alloc_live();
            cx__alloc_fail_after(n, persistent);
            cx_status st = cx_txlog_read_csv_buffer(tx, text, len, "tx", NULL);
            if (st == CX_OK)
                st = cx_txlog_sort(tx);
            long failures = cx__alloc_failures();
            cx__alloc_fail_after(-1, 0);
            if (failures == 0) {
                ck_assert_int_eq(st, CX_OK);
                ck_assert_uint_eq(cx_txlog_rows(tx), 401);
                cx_txlog_free(tx);
                break;
            }
            ck_assert_int_eq(st, CX_ENOMEM);
            ck_assert_int_eq(cx__alloc_live(), live);
            if (cx_txlog_rows(tx) == 1) /* failed in the read: nothing added */
                ck_assert_uint_eq(cx_txlog_customer_count(tx), 1);
            else /* failed in the sort: read complete, order untouched */
                ck_assert_uint_eq(cx_txlog_rows(tx), 401);
            cx_txlog_free(tx);
        }
        ck_assert(n > 3);
    }
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

Suite *cx_suite_log_oom(void)
{
    Suite *s = suite_create("log_oom");
    TCase *tc = tcase_create("log_oom");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, read_csv_buffer_every_allocation);
    tcase_add_test(tc, read_csv_file_every_allocation);
    tcase_add_test(tc, other_operations_every_allocation);
    tcase_add_test(tc, txlog_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}
