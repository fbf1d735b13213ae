/* CSV in and out: every field kind, absent values, RFC 4180 quoting, CRLF and BOM, column
 * mapping, errors with exact positions, all-or-nothing loads, and read -> write -> read. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

static cx_status load(cx_log *log, const char *text, const cx_csv_options *opts)
{
    return cx_log_read_csv_buffer(log, text, strlen(text), "t.csv", opts);
}

static const char *str_at(const cx_log *log, int field, size_t row)
{
    int64_t codes[64];
    cx_log_get_i64(codes, cx_log_rows(log), log, field);
    const char *s = NULL;
    if (codes[row] < 0)
        return NULL;
    cx_log_dict_get(&s, log, field, (size_t)codes[row]);
    return s;
}

static double f64_at(const cx_log *log, int field, size_t row)
{
    double x[64];
    cx_log_get_f64(x, cx_log_rows(log), log, field);
    return x[row];
}

static int64_t i64_at(const cx_log *log, int field, size_t row)
{
    int64_t x[64];
    cx_log_get_i64(x, cx_log_rows(log), log, field);
    return x[row];
}

static const char full_csv[] =
    "customer,time,employee,team,touchpoint,channel,attentiveness,empathy,authenticity,ownership,"
    "competence,effort,wait_time,problem,resolved,csat,csat_min,csat_max,nps,ces,self_rating,"
    "leader_rating,feedback,feedback_acted,feedback_acted_time,spend,id\n"
    "c1,2024-03-01T10:00:00Z,e1,t1,checkin,in_person,0.9,0.8,0.7,0.6,0.5,2,30.5,yes,yes,4,1,5,9,"
    "2,5,4,\"Lovely, \"\"quick\"\"\nservice\",yes,2024-03-02,120.25,i1\n"
    "c2,1709287200,,,,,,,,,,,,,,,,,,,,,,,,,\n";

START_TEST(every_field_kind)
{
    cx_log *log;
    cx_log_new(&log);
    ck_assert_int_eq(load(log, full_csv, NULL), CX_OK);
    ck_assert_uint_eq(cx_log_rows(log), 2);
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 0), "c1");
    ck_assert(i64_at(log, CX_FIELD_TIME, 0) == 1709287200);
    ck_assert(i64_at(log, CX_FIELD_TIME, 1) == 1709287200);
    ck_assert_str_eq(str_at(log, CX_FIELD_EMPLOYEE, 0), "e1");
    ck_assert_str_eq(str_at(log, CX_FIELD_TEAM, 0), "t1");
    ck_assert_str_eq(str_at(log, CX_FIELD_TOUCHPOINT, 0), "checkin");
    ck_assert(i64_at(log, CX_FIELD_CHANNEL, 0) == CX_CHANNEL_IN_PERSON);
    ck_assert(f64_at(log, CX_FIELD_ATTENTIVENESS, 0) == 0.9);
    ck_assert(f64_at(log, CX_FIELD_EMPATHY, 0) == 0.8);
    ck_assert(f64_at(log, CX_FIELD_AUTHENTICITY, 0) == 0.7);
    ck_assert(f64_at(log, CX_FIELD_OWNERSHIP, 0) == 0.6);
    ck_assert(f64_at(log, CX_FIELD_COMPETENCE, 0) == 0.5);
    ck_assert(f64_at(log, CX_FIELD_EFFORT, 0) == 2);
    ck_assert(f64_at(log, CX_FIELD_WAIT_TIME, 0) == 30.5);
    ck_assert(i64_at(log, CX_FIELD_PROBLEM, 0) == 1);
    ck_assert(i64_at(log, CX_FIELD_RESOLVED, 0) == 1);
    ck_assert(f64_at(log, CX_FIELD_CSAT, 0) == 4);
    ck_assert(f64_at(log, CX_FIELD_CSAT_MIN, 0) == 1);
    ck_assert(f64_at(log, CX_FIELD_CSAT_MAX, 0) == 5);
    ck_assert(f64_at(log, CX_FIELD_NPS, 0) == 9);
    ck_assert(f64_at(log, CX_FIELD_CES, 0) == 2);
    ck_assert(f64_at(log, CX_FIELD_SELF_RATING, 0) == 5);
    ck_assert(f64_at(log, CX_FIELD_LEADER_RATING, 0) == 4);
    ck_assert_str_eq(str_at(log, CX_FIELD_FEEDBACK, 0), "Lovely, \"quick\"\nservice");
    ck_assert(i64_at(log, CX_FIELD_FEEDBACK_ACTED, 0) == 1);
    ck_assert(i64_at(log, CX_FIELD_FEEDBACK_ACTED_TIME, 0) == 1709337600);
    ck_assert(f64_at(log, CX_FIELD_SPEND, 0) == 120.25);
    ck_assert_str_eq(str_at(log, CX_FIELD_ID, 0), "i1");
    /* row 2: every optional field absent */
    for (int f = 2; f < cx_field_count(); f++) {
        if (cx_field_kind_of(f) == CX_KIND_DOUBLE)
            ck_assert_msg(isnan(f64_at(log, f, 1)), "%s", cx_field_name(f));
        else if (cx_field_kind_of(f) == CX_KIND_TIME)
            ck_assert(i64_at(log, f, 1) == CX_TIME_ABSENT);
        else if (cx_field_kind_of(f) == CX_KIND_CHANNEL)
            ck_assert(i64_at(log, f, 1) == CX_CHANNEL_UNKNOWN);
        else
            ck_assert_msg(i64_at(log, f, 1) == -1, "%s", cx_field_name(f));
        ck_assert_uint_eq(cx_log_count_present(log, f), 1);
    }
    cx_log_free(log);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(quoting_crlf_bom)
{
    cx_log *log;
    cx_log_new(&log);
    /* BOM, CRLF, quoted header, quoted empty cell (absent), embedded CRLF and delimiter,
     * quotes only, no final line break */
    const char *text = "\xEF\xBB\xBF\"customer\",time,feedback\r\n"
                       "\"a,b\",1,\"\"\r\n"
                       "\"x\"\"y\",2,\"line1\r\nline2\"\r\n"
                       "z,3,\"\"\"\"\"\"";
    ck_assert_int_eq(load(log, text, NULL), CX_OK);
    ck_assert_uint_eq(cx_log_rows(log), 3);
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 0), "a,b");
    ck_assert_ptr_null(str_at(log, CX_FIELD_FEEDBACK, 0));
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 1), "x\"y");
    ck_assert_str_eq(str_at(log, CX_FIELD_FEEDBACK, 1), "line1\r\nline2");
    ck_assert_str_eq(str_at(log, CX_FIELD_FEEDBACK, 2), "\"\"");
    /* trailing blank lines are ignored; UTF-8 text is kept as is */
    ck_assert_int_eq(
        load(log, "customer,time,feedback\nq,4,caf\xC3\xA9 \xE2\x82\xAC\n\n\r\n", NULL), CX_OK);
    ck_assert_str_eq(str_at(log, CX_FIELD_FEEDBACK, 3), "caf\xC3\xA9 \xE2\x82\xAC");
    /* another delimiter */
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.delimiter = ';';
    ck_assert_int_eq(load(log, "customer;time;nps\n\"a;b\";5;7,5\n", &o), CX_EPARSE); /* 7,5 */
    ck_assert_int_eq(load(log, "customer;time;nps\n\"a;b\";5;7.5\n", &o), CX_OK);
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 4), "a;b");
    cx_log_free(log);
}
END_TEST

/* Codes follow first appearance even though the reader interns plain cells one row late and
 * cells with doubled quotes at once. */
START_TEST(codes_in_order_of_first_appearance)
{
    cx_log *log;
    cx_log_new(&log);
    const char *text = "customer,time,feedback,employee\n"
                       "c1,1,plain,e1\n"
                       "c2,2,\"quo\"\"ted\",e2\n"
                       "c1,3,plain,\"e\"\"3\"\n"
                       "c3,4,third,e1\n";
    ck_assert_int_eq(load(log, text, NULL), CX_OK);
    const char *want_fb[] = {"plain", "quo\"ted", "third"};
    const char *want_emp[] = {"e1", "e2", "e\"3"};
    const char *want_cust[] = {"c1", "c2", "c3"};
    for (size_t c = 0; c < 3; c++) {
        const char *s;
        cx_log_dict_get(&s, log, CX_FIELD_FEEDBACK, c);
        ck_assert_str_eq(s, want_fb[c]);
        cx_log_dict_get(&s, log, CX_FIELD_EMPLOYEE, c);
        ck_assert_str_eq(s, want_emp[c]);
        cx_log_dict_get(&s, log, CX_FIELD_CUSTOMER, c);
        ck_assert_str_eq(s, want_cust[c]);
    }
    ck_assert(i64_at(log, CX_FIELD_EMPLOYEE, 2) == 2 && i64_at(log, CX_FIELD_EMPLOYEE, 3) == 0);
    ck_assert(i64_at(log, CX_FIELD_FEEDBACK, 2) == 0 && i64_at(log, CX_FIELD_FEEDBACK, 3) == 2);
    cx_log_free(log);
}
END_TEST

START_TEST(spellings)
{
    cx_log *log;
    cx_log_new(&log);
    const char *text = "customer,time,problem,channel\n"
                       "a,1,Yes,PHONE\n"
                       "a,2,no,chat\n"
                       "a,3,TRUE,e-mail\n"
                       "a,4,f,self_service\n"
                       "a,5,1,app\n"
                       "a,6,0,other\n"
                       "a,7,y,in person\n"
                       "a,8,N,\n";
    ck_assert_int_eq(load(log, text, NULL), CX_OK);
    int64_t p[8], c[8];
    cx_log_get_i64(p, 8, log, CX_FIELD_PROBLEM);
    cx_log_get_i64(c, 8, log, CX_FIELD_CHANNEL);
    const int64_t ep[] = {1, 0, 1, 0, 1, 0, 1, 0};
    const int64_t ec[] = {2, 3, 4, 5, 5, 6, 1, 0};
    for (int i = 0; i < 8; i++) {
        ck_assert(p[i] == ep[i]);
        ck_assert(c[i] == ec[i]);
    }
    cx_log_free(log);
}
END_TEST

START_TEST(column_mapping)
{
    cx_log *log;
    cx_log_new(&log);
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.columns = "customer=cust_id, time = created_at,nps=likelihood";
    const char *text = "created_at,likelihood,cust_id,customer,junk\n2024-01-01,8,A,B,x\n";
    ck_assert_int_eq(load(log, text, &o), CX_OK);
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 0), "A"); /* "customer" column ignored */
    ck_assert(f64_at(log, CX_FIELD_NPS, 0) == 8);
    o.ignore_unknown_columns = 0;
    ck_assert_int_eq(load(log, text, &o), CX_EPARSE);
    ck_assert_int_eq(cx_error_last()->line, 1);
    ck_assert_int_eq(cx_error_last()->column, 4);
    /* bad option strings */
    o.ignore_unknown_columns = 1;
    o.columns = "customer";
    ck_assert_int_eq(load(log, text, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "opts->columns");
    o.columns = "shoe_size=x";
    ck_assert_int_eq(load(log, text, &o), CX_EINVAL);
    o.columns = "customer=x,employee=x";
    ck_assert_int_eq(load(log, text, &o), CX_EINVAL);
    o.columns = "customer=";
    ck_assert_int_eq(load(log, text, &o), CX_EINVAL);
    /* the writer uses the same names */
    o.columns = "customer=cust_id,time=created_at";
    char *out;
    size_t len;
    ck_assert_int_eq(cx_log_write_csv_buffer(&out, &len, log, &o), CX_OK);
    ck_assert_str_eq(out, "cust_id,created_at,nps\nA,2024-01-01T00:00:00Z,8\n");
    ck_assert_uint_eq(len, strlen(out));
    cx_free(out);
    o.write_epoch_seconds = 1;
    ck_assert_int_eq(cx_log_write_csv_buffer(&out, &len, log, &o), CX_OK);
    ck_assert_str_eq(out, "cust_id,created_at,nps\nA,1704067200,8\n");
    cx_free(out);
    cx_log_free(log);
}
END_TEST

/* Every malformed input: exact line and column (CSV field number), and the log untouched. */
START_TEST(errors_have_positions_and_change_nothing)
{
    static const struct {
        const char *text;
        long line, column;
        const char *needle; /* in the message */
    } cases[] = {
        {"", 1, 0, "empty file"},
        {"customer,nps\na,1\n", 1, 0, "'time'"},
        {"time,nps\n1,1\n", 1, 0, "'customer'"},
        {"customer,time,customer\n", 1, 3, "duplicate"},
        {"customer,,time\n", 1, 2, "empty column name"},
        {"customer,time\na,1\nb,2,3\n", 3, 3, "more fields"},
        {"customer,time\na,1\nb\n", 3, 1, "1 fields"},
        {"customer,time\na,1\n\nb,2\n", 3, 0, "empty line"},
        {"customer,time\na,\"1\n", 2, 2, "not closed"},
        {"customer,time\na,\"1\"x\n", 2, 2, "after a closing quote"},
        {"customer,time\na,1\nb\"c,2\n", 3, 1, "quote inside"},
        {"customer,time\na,1\rb,2\n", 2, 2, "carriage return"},
        {"customer,time\na,yesterday\n", 2, 2, "column 'time'"},
        {"customer,time,nps\na,1,\n,2,3\n", 3, 1, "customer is required"},
        {"customer,time,nps\na,,3\n", 2, 2, "time is required"},
        {"customer,time,nps\na,1,11\n", 2, 3, "outside 0..10"},
        {"customer,time,nps\na,1,-0.5\n", 2, 3, "outside 0..10"},
        {"customer,time,nps\na,1,9x\n", 2, 3, "not a number"},
        {"customer,time,nps\na,1,nan\n", 2, 3, "not a number"},
        {"customer,time,ces\na,1,0\n", 2, 3, "outside 1..7"},
        {"customer,time,wait_time\na,1,-1\n", 2, 3, "negative"},
        {"customer,time,spend\na,1,1e999\n", 2, 3, "finite"},
        {"customer,time,csat,csat_min,csat_max\na,1,6,1,5\n", 2, 3, "CSAT scale"},
        {"customer,time,csat,csat_min,csat_max\na,1,3,5,1\n", 2, 5, "below"},
        {"customer,time,problem\na,1,maybe\n", 2, 3, "yes/no"},
        {"customer,time,channel\na,1,pigeon\n", 2, 3, "unknown channel"},
        {"customer,time,feedback\na,1,\"bad \xC3\x28\"\n", 2, 3, "UTF-8"},
        {"customer,time\na,1\nb,2\nc,\"x\ny\",\nd,4\n", 4, 2, "not an ISO"},
        {"customer,time\na,9999999999999999999999\n", 2, 2, "out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_log *log;
        cx_log_new(&log);
        ck_assert_int_eq(load(log, "customer,time,employee\nkeep,5,e0\n", NULL), CX_OK);
        ck_assert_int_eq(load(log, cases[i].text, NULL), CX_EPARSE);
        const cx_error *e = cx_error_last();
        ck_assert_str_eq(e->file, "t.csv");
        ck_assert_msg(e->line == cases[i].line && e->column == cases[i].column,
                      "case %zu: got %ld:%ld want %ld:%ld (%s)", i, e->line, e->column,
                      cases[i].line, cases[i].column, e->message);
        ck_assert_msg(strstr(e->message, cases[i].needle) != NULL, "case %zu: %s", i, e->message);
        /* unchanged: one row, one customer, no new columns */
        ck_assert_uint_eq(cx_log_rows(log), 1);
        size_t n;
        cx_log_dict_size(&n, log, CX_FIELD_CUSTOMER);
        ck_assert_uint_eq(n, 1);
        ck_assert_uint_eq(cx_log_count_present(log, CX_FIELD_EMPLOYEE), 1);
        ck_assert_ptr_null(cx_log_column_f64(log, CX_FIELD_NPS));
        cx_log_free(log);
    }
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(appending_files_merges_columns)
{
    cx_log *log;
    cx_log_new(&log);
    ck_assert_int_eq(load(log, "customer,time,nps\na,1,5\n", NULL), CX_OK);
    ck_assert_int_eq(load(log, "customer,time,csat\nb,2,3\na,0,4\n", NULL), CX_OK);
    ck_assert_uint_eq(cx_log_rows(log), 3);
    ck_assert(f64_at(log, CX_FIELD_NPS, 0) == 5 && isnan(f64_at(log, CX_FIELD_NPS, 1)));
    ck_assert(isnan(f64_at(log, CX_FIELD_CSAT, 0)) && f64_at(log, CX_FIELD_CSAT, 2) == 4);
    ck_assert_str_eq(str_at(log, CX_FIELD_CUSTOMER, 2), "a");
    ck_assert(i64_at(log, CX_FIELD_CUSTOMER, 2) == 0); /* same code as row 0 */
    /* a header-only file adds nothing and keeps the sorted flag */
    cx_log_sort(log);
    ck_assert_int_eq(load(log, "customer,time\n", NULL), CX_OK);
    ck_assert(cx_log_is_sorted(log));
    ck_assert_int_eq(load(log, "customer,time\nz,9\n", NULL), CX_OK);
    ck_assert(!cx_log_is_sorted(log));
    cx_log_free(log);
}
END_TEST

static void assert_logs_equal(const cx_log *a, const cx_log *b)
{
    size_t n = cx_log_rows(a);
    ck_assert_uint_eq(n, cx_log_rows(b));
    for (int f = 0; f < cx_field_count(); f++) {
        int kind = cx_field_kind_of(f);
        for (size_t r = 0; r < n; r++) {
            if (kind == CX_KIND_DOUBLE) {
                double x = f64_at(a, f, r), y = f64_at(b, f, r);
                ck_assert_msg((isnan(x) && isnan(y)) || x == y, "%s row %zu: %.17g vs %.17g",
                              cx_field_name(f), r, x, y);
            } else if (kind == CX_KIND_STRING) {
                const char *x = str_at(a, f, r), *y = str_at(b, f, r);
                ck_assert((x == NULL) == (y == NULL));
                if (x)
                    ck_assert_str_eq(x, y);
            } else {
                ck_assert(i64_at(a, f, r) == i64_at(b, f, r));
            }
        }
    }
}

START_TEST(round_trip)
{
    cx_log *a, *b;
    cx_log_new(&a);
    ck_assert_int_eq(load(a, full_csv, NULL), CX_OK);
    /* awkward values: shortest round-trip doubles, tiny/huge, negative zero, odd strings */
    const double xs[] = {0.1,
                         1.0 / 3,
                         1e-300,
                         6.02214076e23,
                         -0.0,
                         123456789.123456789,
                         4.9406564584124654e-324,
                         1.7976931348623157e308};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        cx_interaction r;
        cx_interaction_init(&r, CX_INTERACTION_VERSION);
        r.customer = i % 2 ? "has \"quotes\"" : " spaced , comma ";
        r.time = (int64_t)i * 86400 * 400 - INT64_C(100000000000); /* some outside 0..9999 */
        r.spend = xs[i];
        r.feedback = i % 3 ? "multi\nline\r\ntext" : NULL;
        r.channel = (cx_channel)(i % 7);
        r.problem = (int)(i % 3) - 1;
        ck_assert_int_eq(cx_log_append(a, &r), CX_OK);
    }
    char *text;
    size_t len;
    ck_assert_int_eq(cx_log_write_csv_buffer(&text, &len, a, NULL), CX_OK);
    cx_log_new(&b);
    ck_assert_int_eq(cx_log_read_csv_buffer(b, text, len, "rt", NULL), CX_OK);
    assert_logs_equal(a, b);
    ck_assert(strstr(text, ",0.1,") || strstr(text, ",0.1\n")); /* shortest form */
    cx_free(text);
    /* through a file too */
    char path[] = "/tmp/cx_csv_rt_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(cx_log_write_csv(a, path, NULL), CX_OK);
    cx_log *c;
    cx_log_new(&c);
    ck_assert_int_eq(cx_log_read_csv(c, path, NULL), CX_OK);
    assert_logs_equal(a, c);
    remove(path);
    ck_assert_int_eq(cx_log_read_csv(c, path, NULL), CX_EIO);
    ck_assert_str_eq(cx_error_last()->file, path);
    cx_log_free(a);
    cx_log_free(b);
    cx_log_free(c);
}
END_TEST

/* The hand-written number parser agrees bit for bit with glibc's correctly rounded strtod. */
START_TEST(number_parser_matches_strtod)
{
    cx_log *log;
    cx_log_new(&log);
    srand(12345);
    char text[200000];
    size_t len = (size_t)snprintf(text, sizeof text, "customer,time,spend\n");
    char nums[2000][40];
    int n = 0;
    const char *fixed[] = {"0",
                           "-0",
                           "+1",
                           ".5",
                           "5.",
                           "1e5",
                           "1E-5",
                           "0.1",
                           "0.2",
                           "0.3",
                           "9007199254740993",
                           "1e22",
                           "1e23",
                           "123456789012345678901234567890",
                           "2.2250738585072011e-308",
                           "0.000000000000000000000000000001",
                           "3.14159265358979323846264338327950288"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        snprintf(nums[n++], 40, "%s", fixed[i]);
    while (n < 2000) {
        int kind = rand() % 3;
        if (kind == 0)
            snprintf(nums[n++], 40, "%d.%0*d", rand() % 100000, 1 + rand() % 9, rand() % 100000);
        else if (kind == 1)
            snprintf(nums[n++], 40, "%.*g", 1 + rand() % 17,
                     (rand() / (double)RAND_MAX - 0.5) * pow(10, rand() % 40 - 20));
        else
            snprintf(nums[n++], 40, "%de%d", rand() % 1000000, rand() % 60 - 30);
    }
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "c,%d,%s\n", i, nums[i]);
    ck_assert_int_eq(cx_log_read_csv_buffer(log, text, len, "nums", NULL), CX_OK);
    const double *spend = cx_log_column_f64(log, CX_FIELD_SPEND);
    for (int i = 0; i < n; i++) {
        double want = strtod(nums[i], NULL);
        ck_assert_msg(memcmp(&want, &spend[i], sizeof want) == 0, "%s: %.17g vs %.17g", nums[i],
                      spend[i], want);
    }
    cx_log_free(log);
}
END_TEST

START_TEST(txlog_csv)
{
    cx_txlog *tx;
    ck_assert_int_eq(cx_txlog_new(&tx), CX_OK);
    const char *text = "cust,when,sales,extra\r\n"
                       "b,2024-01-02,10.5,x\r\n"
                       "a,2024-01-01T00:00:00Z,,y\r\n"
                       "b,1,3,\r\n";
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.columns = "customer=cust,time=when,amount=sales";
    ck_assert_int_eq(cx_txlog_read_csv_buffer(tx, text, strlen(text), "tx.csv", &o), CX_OK);
    ck_assert_uint_eq(cx_txlog_rows(tx), 3);
    ck_assert_uint_eq(cx_txlog_customer_count(tx), 2);
    double amt[3];
    cx_txlog_get_amounts(amt, 3, tx);
    ck_assert(amt[0] == 10.5 && isnan(amt[1]) && amt[2] == 3);
    ck_assert_int_eq(cx_txlog_sort(tx), CX_OK);
    int64_t t[3], c[3];
    cx_txlog_get_times(t, 3, tx);
    cx_txlog_get_customers(c, 3, tx);
    const char *name;
    cx_txlog_customer_name(&name, tx, (size_t)c[0]);
    ck_assert_str_eq(name, "a");
    ck_assert(t[0] == 1704067200 && t[1] == 1 && t[2] == 1704153600);
    ck_assert_int_eq(cx_txlog_customer_name(&name, tx, 2), CX_ERANGE);
    /* errors: position, unchanged */
    const char *bad[] = {"cust,when,sales\nc,5,1\nd,,2\n",
                         "cust,when,sales\nc,5,abc\n",
                         "cust,when\nc,5\n",
                         "cust,when,sales\nc,5,1,2\n",
                         "cust,when,sales\n,5,1\n",
                         "cust,when,sales\nc,5,inf\n"};
    const long lines[] = {3, 2, 1, 2, 2, 2};
    const long cols[] = {2, 3, 0, 4, 1, 3};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(cx_txlog_read_csv_buffer(tx, bad[i], strlen(bad[i]), "tx.csv", &o),
                         CX_EPARSE);
        ck_assert_msg(cx_error_last()->line == lines[i] && cx_error_last()->column == cols[i],
                      "case %zu: %ld:%ld %s", i, cx_error_last()->line, cx_error_last()->column,
                      cx_error_last()->message);
        ck_assert_uint_eq(cx_txlog_rows(tx), 3);
        ck_assert_uint_eq(cx_txlog_customer_count(tx), 2);
    }
    /* write and read back */
    char path[] = "/tmp/cx_tx_rt_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    ck_assert_int_eq(cx_txlog_write_csv(tx, path, NULL), CX_OK);
    cx_txlog *back;
    cx_txlog_new(&back);
    ck_assert_int_eq(cx_txlog_read_csv(back, path, NULL), CX_OK);
    ck_assert_uint_eq(cx_txlog_rows(back), 3);
    double amt2[3];
    int64_t t2[3];
    cx_txlog_get_amounts(amt2, 3, back);
    cx_txlog_get_times(t2, 3, back);
    cx_txlog_get_amounts(amt, 3, tx);
    for (int i = 0; i < 3; i++) {
        ck_assert(t2[i] == t[i]);
        ck_assert((isnan(amt[i]) && isnan(amt2[i])) || amt[i] == amt2[i]);
    }
    remove(path);
    /* appending from C */
    const char *cs[] = {"z", "y"};
    int64_t ts[] = {5, 6};
    double as[] = {1, INFINITY};
    ck_assert_int_eq(cx_txlog_append_columns(back, cs, ts, as, 2), CX_EINVAL);
    ck_assert_uint_eq(cx_txlog_rows(back), 3);
    ck_assert_uint_eq(cx_txlog_customer_count(back), 2);
    as[1] = NAN;
    ck_assert_int_eq(cx_txlog_append_columns(back, cs, ts, as, 2), CX_OK);
    ck_assert_int_eq(cx_txlog_append(back, "", 1, 1), CX_EINVAL);
    ck_assert_int_eq(cx_txlog_append(back, "q", CX_TIME_ABSENT, 1), CX_EINVAL);
    ck_assert_int_eq(cx_txlog_append(back, "q", 1, 1), CX_OK);
    ck_assert_uint_eq(cx_txlog_rows(back), 6);
    cx_txlog_free(back);
    cx_txlog_free(tx);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

Suite *cx_suite_csv(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, every_field_kind);
    tcase_add_test(tc, quoting_crlf_bom);
    tcase_add_test(tc, spellings);
    tcase_add_test(tc, codes_in_order_of_first_appearance);
    tcase_add_test(tc, column_mapping);
    tcase_add_test(tc, errors_have_positions_and_change_nothing);
    tcase_add_test(tc, appending_files_merges_columns);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, number_parser_matches_strtod);
    tcase_add_test(tc, txlog_csv);
    suite_add_tcase(s, tc);
    return s;
}
