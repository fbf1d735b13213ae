/* ISO-8601 and epoch-second times. Civil-date conversion follows Howard Hinnant's public-domain
 * days_from_civil / civil_from_days algorithms (proleptic Gregorian calendar, any year). */
#include "log_internal.h"

#include <string.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = era * 400 + yoe + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

/* Exactly n digits at s[*i]; -1 when not. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [+-]digits[.digits]: epoch seconds, fraction floored. */
static cx_status parse_epoch(int64_t *out, const char *s, size_t len)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    size_t start = i;
    uint64_t v = 0;
    for (; i < len && is_digit(s[i]); i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return CX_ERANGE;
        v = v * 10 + dgt;
    }
    if (i == start)
        return CX_EPARSE;
    int frac = 0;
    if (i < len && s[i] == '.') {
        size_t f0 = ++i;
        for (; i < len && is_digit(s[i]); i++)
            frac |= s[i] != '0';
        if (i == f0)
            return CX_EPARSE;
    }
    if (i != len)
        return CX_EPARSE;
    if (neg) {
        if (frac)
            v++; /* floor */
        if (v >= (uint64_t)INT64_MAX + 1)
            return CX_ERANGE; /* INT64_MIN is the absent marker */
        *out = -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return CX_ERANGE;
        *out = (int64_t)v;
    }
    return CX_OK;
}

static cx_status parse_iso(int64_t *out, const char *s, size_t len)
{
    size_t i = 0;
    int y = digits(s, len, &i, 4);
    if (y < 0 || i >= len || s[i++] != '-')
        return CX_EPARSE;
    int mo = digits(s, len, &i, 2);
    if (mo < 1 || mo > 12 || i >= len || s[i++] != '-')
        return CX_EPARSE;
    int d = digits(s, len, &i, 2);
    if (d < 1 || d > days_in_month(y, mo))
        return CX_EPARSE;
    int64_t t = days_from_civil(y, mo, d) * 86400;
    if (i == len) {
        *out = t;
        return CX_OK;
    }
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return CX_EPARSE;
    i++;
    int hh = digits(s, len, &i, 2);
    if (hh < 0 || hh > 23 || i >= len || s[i++] != ':')
        return CX_EPARSE;
    int mm = digits(s, len, &i, 2);
    if (mm < 0 || mm > 59)
        return CX_EPARSE;
    int ss = 0;
    if (i < len && s[i] == ':') {
        i++;
        ss = digits(s, len, &i, 2);
        if (ss < 0 || ss > 59)
            return CX_EPARSE;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t f0 = ++i;
            while (i < len && is_digit(s[i]))
                i++; /* fractional seconds are truncated */
            if (i == f0)
                return CX_EPARSE;
        }
    }
    t += hh * 3600 + mm * 60 + ss;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1;
        int oh = digits(s, len, &i, 2), om = 0;
        if (oh < 0 || oh > 23)
            return CX_EPARSE;
        if (i < len && s[i] == ':') {
            i++;
            if ((om = digits(s, len, &i, 2)) < 0)
                return CX_EPARSE;
        } else if (i < len) {
            if ((om = digits(s, len, &i, 2)) < 0)
                return CX_EPARSE;
        }
        if (om > 59)
            return CX_EPARSE;
        t -= sign * (oh * 3600 + om * 60); /* local = UTC + offset */
    }
    if (i != len)
        return CX_EPARSE;
    *out = t;
    return CX_OK;
}

cx_status cx__parse_time(const char *s, size_t len, int64_t *out)
{
    if (len >= 5 && is_digit(s[0]) && s[4] == '-')
        return parse_iso(out, s, len);
    return parse_epoch(out, s, len);
}

cx_status cx_time_parse(int64_t *out, const char *s, size_t len)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(s != NULL);
    int64_t t = 0;
    cx_status st = cx__parse_time(s, len, &t);
    if (st == CX_ERANGE)
        return cx__error_param(CX_ERANGE, "s", "time '%.*s' outside the int64 range",
                               (int)(len > 64 ? 64 : len), s);
    if (st != CX_OK)
        return cx__error_param(CX_EPARSE, "s",
                               "'%.*s' is neither an ISO-8601 date/time nor epoch seconds",
                               (int)(len > 64 ? 64 : len), s);
    *out = t;
    return CX_OK;
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

cx_status cx_time_format(char *buf, size_t cap, int64_t t)
{
    CX_CHECK_ARG(buf != NULL);
    CX_CHECK_ARG(cap >= 21);
    if (t == CX_TIME_ABSENT)
        return cx__error_param(CX_EINVAL, "t", "time is absent");
    int64_t days = t / 86400, sec = t % 86400;
    if (sec < 0) {
        sec += 86400;
        days--;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return cx__error_param(CX_ERANGE, "t", "time %lld is outside years 0000..9999",
                               (long long)t);
    put2(buf, (int)(y / 100));
    put2(buf + 2, (int)(y % 100));
    buf[4] = '-';
    put2(buf + 5, m);
    buf[7] = '-';
    put2(buf + 8, d);
    buf[10] = 'T';
    put2(buf + 11, (int)(sec / 3600));
    buf[13] = ':';
    put2(buf + 14, (int)(sec / 60 % 60));
    buf[16] = ':';
    put2(buf + 17, (int)(sec % 60));
    buf[19] = 'Z';
    buf[20] = '\0';
    return CX_OK;
}
