/* Shortest round-trip text of a double for the CSV writers: what "%.15g", then "%.16g", then
 * "%.17g" print, taking the first that reads back to the same double (the reference, kept as
 * the slow path below). Writing logs spends most of its time here, so the common values take a
 * fast exact path that prints byte-identical text with integer arithmetic (docs/csv.md). */
#include "log_internal.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The fast path relies on double arithmetic being done in double (IEEE binary64, correctly
 * rounded division); with excess precision (x87) only the slow path is used. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define FAST_PATH 1
#else
#define FAST_PATH 0
#endif

enum { MAX_SCALE = 9 }; /* largest d tried in k / 10^d */

static const double pow10_small[MAX_SCALE + 1] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const uint64_t pow10_int[MAX_SCALE + 1] = {1,      10,      100,      1000,      10000,
                                                  100000, 1000000, 10000000, 100000000, 1000000000};

/* Decimal digits of v (at least one) at p; returns the count. */
static int put_digits(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

static int count_digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* x = +-k / 10^d exactly as doubles, with k < 10^15 and d <= 9, smallest d first. Why the text is
 * the reference's: (double)k and 10^d are exact and the division is correctly rounded, so the
 * decimal k/10^d reads back (strtod, cx__parse_double) to x; it has at most 15 significant
 * digits, and two such decimals are further apart than a double's spacing, so "%.15g" rounds x
 * to exactly that decimal (trailing zeros dropped) and the reference stops at precision 15. It
 * prints in fixed notation when its decimal exponent X satisfies -4 <= X < 15, as here.
 * Returns the length, or 0 when x is not such a value. */
static int format_fast(char *buf, double x)
{
    double ax = fabs(x);
    if (!(ax >= 1e-4 && ax < 1e15)) /* also NaN, infinities and zeros */
        return 0;
    for (int d = 0; d <= MAX_SCALE; d++) {
        double scaled = ax * pow10_small[d];
        if (scaled >= 1e15)
            return 0;                          /* k would need 16 digits; larger d only grows it */
        uint64_t k = (uint64_t)(scaled + 0.5); /* candidate; the test below is exact */
        if ((double)k / pow10_small[d] != ax)
            continue;
        int exp10 = count_digits(k) - 1 - d;
        if (exp10 < -4)
            return 0; /* "%.15g" would print an exponent */
        char *p = buf;
        if (signbit(x))
            *p++ = '-';
        uint64_t ip = k / pow10_int[d], frac = k % pow10_int[d];
        p += put_digits(p, ip);
        if (frac) {
            *p++ = '.';
            int nf = d;
            while (frac % 10 == 0) { /* not reached with the smallest d; kept for safety */
                frac /= 10;
                nf--;
            }
            char *q = p + nf;
            for (char *r = q; r > p;) {
                *--r = (char)('0' + frac % 10);
                frac /= 10;
            }
            p = q;
        }
        *p = '\0';
        return (int)(p - buf);
    }
    return 0;
}

/* Replace the locale's decimal point (if not '.') by '.'. */
static int fix_point(char *buf, int n)
{
    const char *dp = localeconv()->decimal_point;
    if (!dp || !dp[0] || strcmp(dp, ".") == 0)
        return n;
    size_t k = strlen(dp);
    char *p = strstr(buf, dp);
    if (p) {
        *p = '.';
        memmove(p + 1, p + k, strlen(p + k) + 1);
        n -= (int)k - 1;
    }
    return n;
}

int cx__format_double_reference(char *buf, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, 32, "%.*g", prec, x);
        n = fix_point(buf, n);
        double back;
        if (prec == 17 || (cx__parse_double(buf, (size_t)n, &back) == 0 && back == x))
            return n;
    }
    return 0; /* not reached */
}

int cx__format_double(char *buf, double x)
{
    if (FAST_PATH) {
        int n = format_fast(buf, x);
        if (n)
            return n;
    }
    if (x == 0) { /* "%.15g" prints "0" and "-0" */
        int n = 0;
        if (signbit(x))
            buf[n++] = '-';
        buf[n++] = '0';
        buf[n] = '\0';
        return n;
    }
    return cx__format_double_reference(buf, x);
}
