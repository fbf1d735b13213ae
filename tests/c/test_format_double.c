/* cx__format_double (the CSV writers' number text) against the plain method it speeds up
 * (cx__format_double_reference: snprintf "%.15g".."%.17g" until it reads back), byte for byte,
 * on a few million doubles of many kinds, plus fixed cases and a strtod round trip. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/log/log_internal.h"
#include "suites.h"

static uint64_t rng_state;

static uint64_t next_u64(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) * 0x1p-53;
}

static double from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static const double pow10_table[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static size_t n_checked;

/* Same bytes as the reference, and the text reads back (strtod) to x. */
static void check_one(double x)
{
    char got[40], want[40];
    memset(got, 'X', sizeof got);
    int n = cx__format_double(got, x);
    int m = cx__format_double_reference(want, x);
    ck_assert_msg(n == m && memcmp(got, want, (size_t)m + 1) == 0,
                  "%a (%.17g): got \"%.*s\" (%d), want \"%s\" (%d)", x, x, n > 0 ? n : 0, got, n,
                  want, m);
    if (!isnan(x)) {
        double back = strtod(got, NULL);
        ck_assert_msg(back == x && signbit(back) == signbit(x), "%a: \"%s\" reads back as %a", x,
                      got, back);
    }
    n_checked++;
}

/* x and its neighbours a few ulps away, both signs. */
static void check_around(double x)
{
    double lo = x, hi = x;
    for (int i = 0; i < 3; i++) {
        lo = nextafter(lo, -INFINITY);
        hi = nextafter(hi, INFINITY);
        check_one(lo);
        check_one(hi);
        check_one(-lo);
        check_one(-hi);
    }
    check_one(x);
    check_one(-x);
}

START_TEST(fixed_cases)
{
    static const struct {
        double x;
        const char *text;
    } cases[] = {
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0, "1"},
        {-1.0, "-1"},
        {100.0, "100"},
        {0.1, "0.1"},
        {0.3, "0.3"},
        {-80.23, "-80.23"},
        {2.675, "2.675"},
        {0.0001, "0.0001"},
        {0.00012, "0.00012"},
        {0.00001, "1e-05"},
        {123456789012345.0, "123456789012345"},
        {999999999999999.0, "999999999999999"},
        {1e15, "1e+15"},
        {1234567890123456.0, "1234567890123456"},
        {9007199254740992.0, "9007199254740992"},
        {1.0 / 3.0, "0.3333333333333333"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e100, "1e+100"},
        {5e-324, "4.94065645841247e-324"},
        {INFINITY, "inf"},
        {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        int n = cx__format_double(buf, cases[i].x);
        ck_assert_msg(n == (int)strlen(cases[i].text) && strcmp(buf, cases[i].text) == 0,
                      "%a: \"%s\", want \"%s\"", cases[i].x, buf, cases[i].text);
        check_one(cases[i].x);
    }
}
END_TEST

START_TEST(random_doubles_match_reference)
{
    rng_state = 20261123;
    n_checked = 0;
    enum { N = 150000 };
    for (int i = 0; i < N; i++) {
        /* any bit pattern (NaNs, subnormals, infinities included) */
        check_one(from_bits(next_u64()));
        /* k / 10^d with k of 1..17 digits (some beyond 2^53), d 0..12 */
        uint64_t k = next_u64() % (uint64_t)pow10_table[1 + next_u64() % 17];
        int d = (int)(next_u64() % 13);
        double x = (double)k / pow10_table[d];
        check_one(next_u64() & 1 ? -x : x);
        /* money: cents up to ten million, as a simulator computes them */
        check_one(round(uniform() * 1e9) / 100.0);
        check_one(round(uniform() * 1e4 * 100.0) / 100.0);
        /* rounded scores and rates, 1..6 decimals */
        int dd = 1 + (int)(next_u64() % 6);
        check_one(round(uniform() * pow10_table[dd]) / pow10_table[dd]);
        /* integers up to 2^60, and near 1e15 and 2^53 */
        check_one((double)(next_u64() >> (4 + next_u64() % 60)));
        check_one(1e15 + (double)(int64_t)(next_u64() % 2001) - 1000.0);
        check_one(9007199254740992.0 + 2.0 * ((double)(next_u64() % 2001) - 1000.0));
        /* tiny and huge, around 1e-4 and 1e15 in decimal steps */
        check_one(ldexp(uniform() + 0.5, (int)(next_u64() % 2100) - 1075));
        check_one(1e-4 * (1.0 + (double)(next_u64() % 1000) * 1e-3));
        check_one(1e-4 * (1.0 - (double)(next_u64() % 1000) * 1e-6));
        check_one(1e15 - (double)(next_u64() % 1000000) / 10.0);
        /* full-precision values in the usual range */
        check_one(uniform() * 1000.0);
    }
    ck_assert_uint_ge(n_checked, 13 * (size_t)N);
}
END_TEST

START_TEST(boundaries_match_reference)
{
    static const double edges[] = {1e-4,
                                   1e-5,
                                   9.99999999999999e-5,
                                   0.00010000000000000001,
                                   1e15,
                                   999999999999999.0,
                                   999999999999999.9,
                                   99999999999999.99,
                                   9999999999999.999,
                                   1e14,
                                   9007199254740992.0,
                                   9007199254740993.0,
                                   4503599627370496.0,
                                   0.1,
                                   0.5,
                                   1.0,
                                   1.5,
                                   123456.789,
                                   0.000123456789,
                                   0.999999999,
                                   0.9999999999,
                                   9.999999999,
                                   DBL_MIN,
                                   DBL_MAX,
                                   DBL_TRUE_MIN};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        check_around(edges[i]);
    /* every power of ten and its neighbours, and every 10^e * (1 +- 10^-15) */
    for (int e = -330; e <= 310; e++) {
        double p = pow(10.0, e);
        check_around(p);
        check_around(p * (1 + 1e-15));
        check_around(p * (1 - 1e-15));
    }
    /* k / 10^d at the scales of the fast path, near the 15-digit limit */
    for (int d = 0; d <= 12; d++)
        for (uint64_t k = 999999999999990u; k <= 1000000000000010u; k++)
            check_one((double)k / pow10_table[d]);
}
END_TEST

Suite *cx_suite_format_double(void)
{
    Suite *s = suite_create("format_double");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fixed_cases);
    tcase_add_test(tc, random_doubles_match_reference);
    tcase_add_test(tc, boundaries_match_reference);
    suite_add_tcase(s, tc);
    return s;
}
