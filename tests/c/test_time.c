/* Time parsing and formatting. Expected epoch seconds were computed with Python's datetime
 * (datetime.fromisoformat(...) - datetime(1970, 1, 1, tzinfo=timezone.utc)) //
 * timedelta(seconds=1), an implementation independent of ours. */
#include <check.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "suites.h"

static const struct {
    const char *text;
    int64_t t;
} iso_cases[] = {
    {"1970-01-01", INT64_C(0)},
    {"1970-01-01T00:00:00Z", INT64_C(0)},
    {"1969-12-31T23:59:59Z", INT64_C(-1)},
    {"1970-01-01T00:00:01Z", INT64_C(1)},
    {"2000-02-29", INT64_C(951782400)},
    {"1900-03-01", INT64_C(-2203891200)},
    {"2024-02-29T12:34:56Z", INT64_C(1709210096)},
    {"2100-03-01T00:00:00Z", INT64_C(4107542400)},
    {"2024-03-01 12:30:00+02:00", INT64_C(1709289000)},
    {"2024-03-01T12:30:00-05:30", INT64_C(1709316000)},
    {"2024-03-01T00:30+0100", INT64_C(1709249400)},
    {"2024-03-01T12:30:00.999Z", INT64_C(1709296200)},
    {"0001-01-01", INT64_C(-62135596800)},
    {"9999-12-31T23:59:59Z", INT64_C(253402300799)},
    {"1600-02-29", INT64_C(-11670998400)},
    {"2038-01-19T03:14:08Z", INT64_C(2147483648)},
    {"1969-12-31T23:59:59.5Z", INT64_C(-1)},
    {"2024-12-31T23:59:59+14:00", INT64_C(1735639199)},
    {"1970-01-01T00:00:00-00:01", INT64_C(60)},
    /* lower-case separators and comma fractions are ISO-8601 too */
    {"2024-02-29t12:34:56z", INT64_C(1709210096)},
    {"2024-03-01T12:30:00,5+02", INT64_C(1709289000)},
};

START_TEST(iso_matches_python)
{
    for (size_t i = 0; i < sizeof iso_cases / sizeof iso_cases[0]; i++) {
        int64_t t = 12345;
        ck_assert_msg(cx_time_parse(&t, iso_cases[i].text, strlen(iso_cases[i].text)) == CX_OK,
                      "%s: %s", iso_cases[i].text, cx_error_last()->message);
        ck_assert_msg(t == iso_cases[i].t, "%s: got %lld want %lld", iso_cases[i].text,
                      (long long)t, (long long)iso_cases[i].t);
    }
}
END_TEST

START_TEST(epoch_seconds)
{
    int64_t t;
    ck_assert_int_eq(cx_time_parse(&t, "1700000000", 10), CX_OK);
    ck_assert(t == 1700000000);
    ck_assert_int_eq(cx_time_parse(&t, "-1", 2), CX_OK);
    ck_assert(t == -1);
    ck_assert_int_eq(cx_time_parse(&t, "0", 1), CX_OK);
    ck_assert(t == 0);
    ck_assert_int_eq(cx_time_parse(&t, "+5", 2), CX_OK);
    ck_assert(t == 5);
    ck_assert_int_eq(cx_time_parse(&t, "1.9", 3), CX_OK); /* fractions are floored */
    ck_assert(t == 1);
    ck_assert_int_eq(cx_time_parse(&t, "-1.5", 4), CX_OK);
    ck_assert(t == -2);
    ck_assert_int_eq(cx_time_parse(&t, "9223372036854775807", 19), CX_OK);
    ck_assert(t == INT64_MAX);
    ck_assert_int_eq(cx_time_parse(&t, "-9223372036854775807", 20), CX_OK);
    ck_assert(t == -INT64_MAX);
    /* INT64_MIN is the absent marker, and beyond the range is an error */
    ck_assert_int_eq(cx_time_parse(&t, "-9223372036854775808", 20), CX_ERANGE);
    ck_assert_int_eq(cx_time_parse(&t, "9223372036854775808", 19), CX_ERANGE);
    ck_assert_int_eq(cx_time_parse(&t, "99999999999999999999999", 23), CX_ERANGE);
    /* only the first len bytes are read */
    ck_assert_int_eq(cx_time_parse(&t, "12xyz", 2), CX_OK);
    ck_assert(t == 12);
}
END_TEST

START_TEST(malformed_times_rejected)
{
    static const char *const bad[] = {
        "",
        "2023-02-29",
        "1900-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-01-01T24:00:00Z",
        "2024-01-01T12:60",
        "2024-01-01T12:00:60Z",
        "2024-01-01T12",
        "2024-1-01",
        "2024-01-01X",
        "2024-01-01T12:00:00+2",
        "2024-01-01T12:00:00+02:60",
        "2024-01-01T12:00:00.Z",
        "abc",
        "1e9",
        " 12",
        "12 ",
        "--1",
        "1.",
        "2024-01-01T12:00:00Z ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 777;
        ck_assert_msg(cx_time_parse(&t, bad[i], strlen(bad[i])) == CX_EPARSE, "'%s'", bad[i]);
        ck_assert(t == 777); /* output untouched */
    }
}
END_TEST

START_TEST(format_and_round_trip)
{
    char buf[32];
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, 0), CX_OK);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, -1), CX_OK);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59Z");
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, INT64_C(1709210096)), CX_OK);
    ck_assert_str_eq(buf, "2024-02-29T12:34:56Z");
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, INT64_C(-62135596800)), CX_OK);
    ck_assert_str_eq(buf, "0001-01-01T00:00:00Z");
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, INT64_C(253402300800)), CX_ERANGE);
    ck_assert_int_eq(cx_time_format(buf, 20, 0), CX_EINVAL);
    ck_assert_int_eq(cx_time_format(buf, sizeof buf, CX_TIME_ABSENT), CX_EINVAL);
    /* every 997 hours for ~1200 years around the epoch, plus odd seconds */
    for (int64_t t = INT64_C(-20000000000); t < INT64_C(20000000000); t += 3589207) {
        ck_assert_int_eq(cx_time_format(buf, sizeof buf, t), CX_OK);
        int64_t back;
        ck_assert_int_eq(cx_time_parse(&back, buf, strlen(buf)), CX_OK);
        ck_assert_msg(back == t, "%lld -> %s -> %lld", (long long)t, buf, (long long)back);
    }
}
END_TEST

Suite *cx_suite_time(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("time");
    tcase_add_test(tc, iso_matches_python);
    tcase_add_test(tc, epoch_seconds);
    tcase_add_test(tc, malformed_times_rejected);
    tcase_add_test(tc, format_and_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
