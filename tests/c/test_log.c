/* The interaction log: field table, append and validation, getters, dictionaries, batches,
 * sorting, journeys and selection. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

static cx_interaction row(const char *customer, int64_t time)
{
    cx_interaction r;
    cx_interaction_init(&r, CX_INTERACTION_VERSION);
    r.customer = customer;
    r.time = time;
    return r;
}

START_TEST(field_table)
{
    ck_assert_int_eq(cx_field_count(), CX_FIELD_ID + 1);
    for (int f = 0; f < cx_field_count(); f++) {
        cx_field back;
        ck_assert_ptr_nonnull(cx_field_name(f));
        ck_assert_int_eq(cx_field_from_name(&back, cx_field_name(f)), CX_OK);
        ck_assert_int_eq(back, f);
        ck_assert_int_ne(cx_field_kind_of(f), 0);
    }
    ck_assert_str_eq(cx_field_name(CX_FIELD_WAIT_TIME), "wait_time");
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_CUSTOMER), CX_KIND_STRING);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_TIME), CX_KIND_TIME);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_PROBLEM), CX_KIND_BOOL);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_CHANNEL), CX_KIND_CHANNEL);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_NPS), CX_KIND_DOUBLE);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_FEEDBACK_ACTED_TIME), CX_KIND_TIME);
    ck_assert_int_eq(cx_field_kind_of(-1), 0);
    ck_assert_int_eq(cx_field_kind_of(CX_FIELD_ID + 1), 0);
    ck_assert_ptr_null(cx_field_name(99));
    cx_field f;
    ck_assert_int_eq(cx_field_from_name(&f, "Customer"), CX_EINVAL);
}
END_TEST

START_TEST(channels)
{
    for (int c = 0; c <= CX_CHANNEL_OTHER; c++) {
        cx_channel back;
        ck_assert_int_eq(cx_channel_parse(&back, cx_channel_name(c)), CX_OK);
        ck_assert_int_eq(back, c);
    }
    ck_assert_str_eq(cx_channel_name(CX_CHANNEL_SELF_SERVICE), "self_service");
    ck_assert_str_eq(cx_channel_name(CX_CHANNEL_UNKNOWN), "");
    ck_assert_ptr_null(cx_channel_name(7));
    ck_assert_ptr_null(cx_channel_name(-1));
    cx_channel c;
    ck_assert_int_eq(cx_channel_parse(&c, "PHONE"), CX_OK);
    ck_assert_int_eq(c, CX_CHANNEL_PHONE);
    ck_assert_int_eq(cx_channel_parse(&c, "Web"), CX_OK);
    ck_assert_int_eq(c, CX_CHANNEL_SELF_SERVICE);
    ck_assert_int_eq(cx_channel_parse(&c, "in-person"), CX_OK);
    ck_assert_int_eq(c, CX_CHANNEL_IN_PERSON);
    ck_assert_int_eq(cx_channel_parse(&c, "fax"), CX_EINVAL);
}
END_TEST

START_TEST(append_every_field_kind)
{
    cx_log *log;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    cx_interaction r = row("alice", 1000);
    r.employee = "e1";
    r.team = "t1";
    r.touchpoint = "checkin";
    r.id = "i1";
    r.feedback = "great, thanks";
    r.channel = CX_CHANNEL_CHAT;
    r.attentiveness = 0.8;
    r.wait_time = 30;
    r.problem = 1;
    r.resolved = 0;
    r.csat = 4;
    r.csat_min = 1;
    r.csat_max = 5;
    r.nps = 9;
    r.ces = 2;
    r.self_rating = 5;
    r.feedback_acted = 1;
    r.feedback_acted_time = 2000;
    r.spend = -12.5; /* refunds are allowed */
    ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
    ck_assert_int_eq(cx_log_append(log, &(cx_interaction){0}), CX_EINVAL); /* version 0 */
    cx_interaction bare = row("bob", 500);
    ck_assert_int_eq(cx_log_append(log, &bare), CX_OK);
    ck_assert_uint_eq(cx_log_rows(log), 2);

    double x[2];
    int64_t k[2];
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_CSAT), CX_OK);
    ck_assert(x[0] == 4 && isnan(x[1]));
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_SPEND), CX_OK);
    ck_assert(x[0] == -12.5 && isnan(x[1]));
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_PROBLEM), CX_OK);
    ck_assert(x[0] == 1 && isnan(x[1]));
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_CHANNEL), CX_OK);
    ck_assert(x[0] == CX_CHANNEL_CHAT && isnan(x[1]));
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_TIME), CX_OK);
    ck_assert(x[0] == 1000 && x[1] == 500);
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_EMPATHY), CX_OK); /* never set */
    ck_assert(isnan(x[0]) && isnan(x[1]));
    ck_assert_int_eq(cx_log_get_f64(x, 2, log, CX_FIELD_CUSTOMER), CX_EINVAL);
    ck_assert_int_eq(cx_log_get_f64(x, 3, log, CX_FIELD_CSAT), CX_EINVAL);

    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_RESOLVED), CX_OK);
    ck_assert(k[0] == 0 && k[1] == -1);
    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_FEEDBACK_ACTED_TIME), CX_OK);
    ck_assert(k[0] == 2000 && k[1] == CX_TIME_ABSENT);
    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_EMPLOYEE), CX_OK);
    ck_assert(k[0] == 0 && k[1] == -1);
    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_CUSTOMER), CX_OK);
    ck_assert(k[0] == 0 && k[1] == 1);
    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_CHANNEL), CX_OK);
    ck_assert(k[0] == CX_CHANNEL_CHAT && k[1] == CX_CHANNEL_UNKNOWN);
    ck_assert_int_eq(cx_log_get_i64(k, 2, log, CX_FIELD_NPS), CX_EINVAL);

    const char *s;
    size_t n, code;
    ck_assert_int_eq(cx_log_dict_size(&n, log, CX_FIELD_CUSTOMER), CX_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(cx_log_dict_get(&s, log, CX_FIELD_FEEDBACK, 0), CX_OK);
    ck_assert_str_eq(s, "great, thanks");
    ck_assert_int_eq(cx_log_dict_get(&s, log, CX_FIELD_FEEDBACK, 1), CX_ERANGE);
    ck_assert_int_eq(cx_log_dict_find(&code, log, CX_FIELD_CUSTOMER, "bob"), CX_OK);
    ck_assert_uint_eq(code, 1);
    ck_assert_int_eq(cx_log_dict_find(&code, log, CX_FIELD_CUSTOMER, "carol"), CX_ERANGE);
    ck_assert_int_eq(cx_log_dict_size(&n, log, CX_FIELD_NPS), CX_EINVAL);

    ck_assert_uint_eq(cx_log_count_present(log, CX_FIELD_CSAT), 1);
    ck_assert_uint_eq(cx_log_count_present(log, CX_FIELD_CUSTOMER), 2);
    ck_assert_uint_eq(cx_log_count_present(log, CX_FIELD_EMPATHY), 0);
    const double *col = cx_log_column_f64(log, CX_FIELD_NPS);
    ck_assert_ptr_nonnull(col);
    ck_assert(col[0] == 9 && isnan(col[1]));
    ck_assert_ptr_null(cx_log_column_f64(log, CX_FIELD_EMPATHY)); /* absent everywhere */
    ck_assert_ptr_null(cx_log_column_f64(log, CX_FIELD_TIME));
    cx_log_free(log);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

/* Each validation rule rejects the row, names the field and leaves the log unchanged. */
START_TEST(validation_rules)
{
    cx_log *log;
    cx_log_new(&log);
    cx_interaction ok = row("a", 1);
    ck_assert_int_eq(cx_log_append(log, &ok), CX_OK);
    struct {
        cx_interaction r;
        const char *param;
    } bad[16];
    int nb = 0;
    bad[nb].r = row(NULL, 1), bad[nb++].param = "row->customer";
    bad[nb].r = row("", 1), bad[nb++].param = "row->customer";
    bad[nb].r = row("a", CX_TIME_ABSENT), bad[nb++].param = "row->time";
    bad[nb].r = row("a", 1), bad[nb].r.nps = 10.5, bad[nb++].param = "row->nps";
    bad[nb].r = row("a", 1), bad[nb].r.nps = -1, bad[nb++].param = "row->nps";
    bad[nb].r = row("a", 1), bad[nb].r.ces = 0.5, bad[nb++].param = "row->ces";
    bad[nb].r = row("a", 1), bad[nb].r.ces = 8, bad[nb++].param = "row->ces";
    bad[nb].r = row("a", 1), bad[nb].r.wait_time = -0.5, bad[nb++].param = "row->wait_time";
    bad[nb].r = row("a", 1), bad[nb].r.empathy = INFINITY, bad[nb++].param = "row->empathy";
    bad[nb].r = row("a", 1), bad[nb].r.csat = 6, bad[nb].r.csat_min = 1, bad[nb].r.csat_max = 5,
    bad[nb++].param = "row->csat";
    bad[nb].r = row("a", 1), bad[nb].r.self_rating = 0, bad[nb].r.csat_min = 1,
    bad[nb].r.csat_max = 5, bad[nb++].param = "row->self_rating";
    bad[nb].r = row("a", 1), bad[nb].r.csat_min = 5, bad[nb].r.csat_max = 5,
    bad[nb++].param = "row->csat_max";
    bad[nb].r = row("a", 1), bad[nb].r.channel = (cx_channel)9, bad[nb++].param = "row->channel";
    bad[nb].r = row("a", 1), bad[nb].r.problem = 2, bad[nb++].param = "row->problem";
    for (int i = 0; i < nb; i++) {
        bad[i].r.employee = "new-employee"; /* must not stay interned */
        ck_assert_int_eq(cx_log_append(log, &bad[i].r), CX_EINVAL);
        ck_assert_str_eq(cx_error_last()->param, bad[i].param);
        ck_assert_uint_eq(cx_log_rows(log), 1);
        size_t n;
        cx_log_dict_size(&n, log, CX_FIELD_EMPLOYEE);
        ck_assert_uint_eq(n, 0);
        ck_assert_ptr_null(cx_log_column_f64(log, CX_FIELD_NPS));
    }
    /* boundaries are inclusive; CSAT without a scale is not range-checked */
    cx_interaction edge = row("a", 1);
    edge.nps = 0, edge.ces = 7, edge.wait_time = 0, edge.csat = 42;
    ck_assert_int_eq(cx_log_append(log, &edge), CX_OK);
    edge.nps = 10, edge.ces = 1, edge.csat = 5, edge.csat_min = 1, edge.csat_max = 5;
    ck_assert_int_eq(cx_log_append(log, &edge), CX_OK);
    cx_log_free(log);
}
END_TEST

static cx_log *journeys_log(void)
{
    /* customers out of order, equal times to check stability (the id records input order) */
    static const struct {
        const char *c;
        int64_t t;
        const char *id;
    } rows[] = {{"carol", 50, "r0"}, {"alice", 30, "r1"}, {"bob", 10, "r2"},
                {"alice", 10, "r3"}, {"carol", 50, "r4"}, {"alice", 30, "r5"},
                {"carol", 20, "r6"}, {"alice", 30, "r7"}, {"Bob", 99, "r8"}};
    cx_log *log;
    cx_log_new(&log);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cx_interaction r = row(rows[i].c, rows[i].t);
        r.id = rows[i].id;
        r.channel = (cx_channel)(1 + i % 5);
        r.touchpoint = i % 2 ? "billing" : "repair";
        r.nps = (double)i;
        ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
    }
    return log;
}

static void ids(const cx_log *log, char *out)
{
    size_t n = cx_log_rows(log);
    int64_t codes[64];
    cx_log_get_i64(codes, n, log, CX_FIELD_ID);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *s;
        cx_log_dict_get(&s, log, CX_FIELD_ID, (size_t)codes[i]);
        strcat(out, s + 1);
        strcat(out, " ");
    }
}

START_TEST(sort_is_stable_by_customer_bytes_then_time)
{
    cx_log *log = journeys_log();
    ck_assert(!cx_log_is_sorted(log));
    size_t b, e;
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "alice"), CX_ESTATE);
    ck_assert_int_eq(cx_log_sort(log), CX_OK);
    ck_assert(cx_log_is_sorted(log));
    char got[256];
    ids(log, got);
    /* "Bob" < "alice" < "bob" < "carol" in byte order; ties keep input order */
    ck_assert_str_eq(got, "8 3 1 5 7 2 6 0 4 ");
    double nps[9];
    cx_log_get_f64(nps, 9, log, CX_FIELD_NPS);
    ck_assert(nps[0] == 8 && nps[1] == 3 && nps[8] == 4); /* every column moved together */
    ck_assert_int_eq(cx_log_sort(log), CX_OK);            /* idempotent */
    ids(log, got);
    ck_assert_str_eq(got, "8 3 1 5 7 2 6 0 4 ");
    cx_interaction r = row("zed", 1);
    cx_log_append(log, &r);
    ck_assert(!cx_log_is_sorted(log));
    cx_log_free(log);
}
END_TEST

START_TEST(journeys)
{
    cx_log *log = journeys_log();
    cx_log_sort(log);
    size_t b, e;
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "alice"), CX_OK);
    ck_assert_uint_eq(b, 1);
    ck_assert_uint_eq(e, 5);
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "carol"), CX_OK);
    ck_assert_uint_eq(b, 6);
    ck_assert_uint_eq(e, 9);
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "Bob"), CX_OK);
    ck_assert_uint_eq(b, 0);
    ck_assert_uint_eq(e, 1);
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "dave"), CX_ERANGE);
    /* walking all journeys visits every row once, customers in order */
    const char *expect[] = {"Bob", "alice", "bob", "carol"};
    size_t from = 0, k = 0;
    int64_t cust[9];
    cx_log_get_i64(cust, 9, log, CX_FIELD_CUSTOMER);
    while (cx_log_next_journey(&b, &e, log, from) == CX_OK) {
        const char *s;
        cx_log_dict_get(&s, log, CX_FIELD_CUSTOMER, (size_t)cust[b]);
        ck_assert_str_eq(s, expect[k++]);
        ck_assert_uint_eq(b, from);
        from = e;
    }
    ck_assert_uint_eq(k, 4);
    ck_assert_uint_eq(from, 9);
    ck_assert_int_eq(cx_log_next_journey(&b, &e, log, 9), CX_ERANGE);
    cx_log_free(log);
}
END_TEST

START_TEST(select_rows)
{
    cx_log *log = journeys_log(), *sel;
    cx_log_filter f;
    ck_assert_int_eq(cx_log_filter_init(&f, CX_LOG_FILTER_VERSION), CX_OK);
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK); /* everything passes */
    ck_assert_uint_eq(cx_log_rows(sel), 9);
    cx_log_free(sel);

    f.time_from = 20;
    f.time_to = 50; /* half-open */
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK);
    char got[256];
    ids(sel, got);
    ck_assert_str_eq(got, "1 5 6 7 ");
    cx_log_free(sel);

    cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    f.channel_mask = (1u << CX_CHANNEL_PHONE) | (1u << CX_CHANNEL_SELF_SERVICE);
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK);
    ids(sel, got); /* channel = 1 + i % 5: phone for i = 1, 6; self_service for i = 4 */
    ck_assert_str_eq(got, "1 4 6 ");
    /* the selection has its own dictionaries with only the strings in use */
    size_t n;
    cx_log_dict_size(&n, sel, CX_FIELD_CUSTOMER);
    ck_assert_uint_eq(n, 2); /* alice, carol */
    const char *first;
    cx_log_dict_get(&first, sel, CX_FIELD_CUSTOMER, 0);
    ck_assert_str_eq(first, "alice");
    cx_log_free(sel);

    const char *tps[] = {"billing", "nowhere"};
    cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    f.touchpoints = tps;
    f.n_touchpoints = 2;
    f.time_from = 30;
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK);
    ids(sel, got);
    ck_assert_str_eq(got, "1 5 7 ");
    cx_log_free(sel);

    f.n_touchpoints = 0; /* an empty list keeps nothing */
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK);
    ck_assert_uint_eq(cx_log_rows(sel), 0);
    cx_log_free(sel);

    /* selecting from a sorted log keeps it sorted */
    cx_log_sort(log);
    cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    f.time_from = 25;
    ck_assert_int_eq(cx_log_select(&sel, log, &f), CX_OK);
    ck_assert(cx_log_is_sorted(sel));
    size_t b, e;
    ck_assert_int_eq(cx_log_journey(&b, &e, sel, "alice"), CX_OK);
    ck_assert_uint_eq(e - b, 3);
    cx_log_free(sel);
    cx_log_free(log);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(dup_is_deep)
{
    cx_log *log = journeys_log(), *copy;
    ck_assert_int_eq(cx_log_dup(&copy, log), CX_OK);
    cx_log_free(log);
    char got[256];
    ids(copy, got);
    ck_assert_str_eq(got, "0 1 2 3 4 5 6 7 8 ");
    size_t code;
    ck_assert_int_eq(cx_log_dict_find(&code, copy, CX_FIELD_CUSTOMER, "carol"), CX_OK);
    ck_assert_uint_eq(code, 0);
    cx_interaction r = row("carol", 1);
    ck_assert_int_eq(cx_log_append(copy, &r), CX_OK);
    cx_log_free(copy);
}
END_TEST

START_TEST(batch_append)
{
    cx_log *log;
    cx_log_new(&log);
    cx_interaction first = row("zoe", 5);
    first.employee = "e9";
    cx_log_append(log, &first);
    cx_batch *b;
    ck_assert_int_eq(cx_batch_new(&b, 3), CX_OK);
    const char *cust[] = {"ann", "zoe", "ann"};
    const char *times[] = {"2024-01-01", "7", "2024-01-02T00:00:00+01:00"};
    const char *emp[] = {"e1", NULL, ""};
    const char *chan[] = {"phone", "", "WEB"};
    const char *yn[] = {"yes", "N", ""};
    double nps[] = {9, NAN, 0};
    int64_t ces[] = {1, 7, 4};
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_CUSTOMER, cust, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_TIME, times, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_EMPLOYEE, emp, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_CHANNEL, chan, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_PROBLEM, yn, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_f64(b, CX_FIELD_NPS, nps, 3), CX_OK);
    ck_assert_int_eq(cx_batch_set_i64(b, CX_FIELD_CES, ces, 3), CX_OK);
    /* argument errors */
    ck_assert_int_eq(cx_batch_set_f64(b, CX_FIELD_NPS, nps, 2), CX_EINVAL);
    ck_assert_int_eq(cx_batch_set_f64(b, CX_FIELD_CUSTOMER, nps, 3), CX_EINVAL);
    double badyn[] = {1, 0.5, 0};
    ck_assert_int_eq(cx_batch_set_f64(b, CX_FIELD_PROBLEM, badyn, 3), CX_EINVAL);
    const char *badtime[] = {"2024-01-01", "yesterday", ""};
    ck_assert_int_eq(cx_batch_set_str(b, CX_FIELD_TIME, badtime, 3), CX_EINVAL);

    ck_assert_int_eq(cx_log_append_batch(log, b), CX_OK);
    ck_assert_uint_eq(cx_log_rows(log), 4);
    int64_t k[4];
    cx_log_get_i64(k, 4, log, CX_FIELD_CUSTOMER);
    ck_assert(k[0] == 0 && k[1] == 1 && k[2] == 0 && k[3] == 1);
    cx_log_get_i64(k, 4, log, CX_FIELD_EMPLOYEE);
    ck_assert(k[0] == 0 && k[1] == 1 && k[2] == -1 && k[3] == -1);
    cx_log_get_i64(k, 4, log, CX_FIELD_TIME);
    ck_assert(k[1] == 1704067200 && k[2] == 7 && k[3] == 1704150000);
    cx_log_get_i64(k, 4, log, CX_FIELD_CHANNEL);
    ck_assert(k[0] == 0 && k[1] == CX_CHANNEL_PHONE && k[3] == CX_CHANNEL_SELF_SERVICE);
    cx_log_get_i64(k, 4, log, CX_FIELD_PROBLEM);
    ck_assert(k[0] == -1 && k[1] == 1 && k[2] == 0 && k[3] == -1);
    double x[4];
    cx_log_get_f64(x, 4, log, CX_FIELD_CES);
    ck_assert(isnan(x[0]) && x[1] == 1 && x[2] == 7 && x[3] == 4);

    /* an invalid row rejects the whole batch */
    double badnps[] = {9, 11, 0};
    ck_assert_int_eq(cx_batch_set_f64(b, CX_FIELD_NPS, badnps, 3), CX_OK);
    const char *cust2[] = {"new1", "new2", "new3"};
    cx_batch_set_str(b, CX_FIELD_CUSTOMER, cust2, 3);
    ck_assert_int_eq(cx_log_append_batch(log, b), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "nps");
    ck_assert_uint_eq(cx_log_rows(log), 4);
    size_t n;
    cx_log_dict_size(&n, log, CX_FIELD_CUSTOMER);
    ck_assert_uint_eq(n, 2);
    /* a batch without the required customer column fails */
    cx_batch *b2;
    cx_batch_new(&b2, 1);
    int64_t t1[] = {1};
    cx_batch_set_i64(b2, CX_FIELD_TIME, t1, 1);
    ck_assert_int_eq(cx_log_append_batch(log, b2), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "customer");
    cx_batch_free(b2);
    cx_batch_free(b);
    cx_log_free(log);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

/* Many distinct strings: the dictionary grows and keeps first-appearance codes. */
START_TEST(dictionary_growth)
{
    cx_log *log;
    cx_log_new(&log);
    char name[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "customer-%d", i % 5000);
        cx_interaction r = row(name, i);
        ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
    }
    size_t n, code;
    cx_log_dict_size(&n, log, CX_FIELD_CUSTOMER);
    ck_assert_uint_eq(n, 5000);
    for (int i = 0; i < 5000; i += 37) {
        snprintf(name, sizeof name, "customer-%d", i);
        ck_assert_int_eq(cx_log_dict_find(&code, log, CX_FIELD_CUSTOMER, name), CX_OK);
        ck_assert_uint_eq(code, (size_t)i);
    }
    cx_log_sort(log);
    size_t b, e;
    ck_assert_int_eq(cx_log_journey(&b, &e, log, "customer-42"), CX_OK);
    ck_assert_uint_eq(e - b, 4);
    int64_t t[4];
    int64_t all[20000];
    cx_log_get_i64(all, 20000, log, CX_FIELD_TIME);
    memcpy(t, all + b, sizeof t);
    ck_assert(t[0] == 42 && t[1] == 5042 && t[2] == 10042 && t[3] == 15042);
    cx_log_free(log);
}
END_TEST

Suite *cx_suite_log(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, field_table);
    tcase_add_test(tc, channels);
    tcase_add_test(tc, append_every_field_kind);
    tcase_add_test(tc, validation_rules);
    tcase_add_test(tc, sort_is_stable_by_customer_bytes_then_time);
    tcase_add_test(tc, journeys);
    tcase_add_test(tc, select_rows);
    tcase_add_test(tc, dup_is_deep);
    tcase_add_test(tc, batch_append);
    tcase_add_test(tc, dictionary_growth);
    suite_add_tcase(s, tc);
    return s;
}
