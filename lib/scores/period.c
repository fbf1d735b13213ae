/* Calendar periods (UTC) for grouping by time: codes, start times and labels. Civil-date
 * conversion after H. Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scores_internal.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t cx__period_code(int64_t t, int period)
{
    int64_t days = floor_div(t, 86400), y;
    int m, d;
    switch (period) {
    case CX_PERIOD_DAY:
        return days;
    case CX_PERIOD_WEEK:
        return floor_div(days + 3, 7); /* 1970-01-01 was a Thursday */
    default:
        civil_from_days(days, &y, &m, &d);
        if (period == CX_PERIOD_MONTH)
            return y * 12 + (m - 1);
        if (period == CX_PERIOD_QUARTER)
            return y * 4 + (m - 1) / 3;
        return y;
    }
}

int64_t cx__period_start(int64_t code, int period)
{
    switch (period) {
    case CX_PERIOD_DAY:
        return code * 86400;
    case CX_PERIOD_WEEK:
        return (code * 7 - 3) * 86400;
    case CX_PERIOD_MONTH:
        return days_from_civil(floor_div(code, 12), (int)(code - floor_div(code, 12) * 12) + 1, 1) *
               86400;
    case CX_PERIOD_QUARTER:
        return days_from_civil(floor_div(code, 4), (int)(code - floor_div(code, 4) * 4) * 3 + 1,
                               1) *
               86400;
    default:
        return days_from_civil(code, 1, 1) * 86400;
    }
}

void cx__period_label(char *buf, size_t cap, int64_t code, int period)
{
    int64_t y;
    int m, d;
    civil_from_days(floor_div(cx__period_start(code, period), 86400), &y, &m, &d);
    switch (period) {
    case CX_PERIOD_DAY:
    case CX_PERIOD_WEEK:
        snprintf(buf, cap, "%04lld-%02d-%02d", (long long)y, m, d);
        break;
    case CX_PERIOD_MONTH:
        snprintf(buf, cap, "%04lld-%02d", (long long)y, m);
        break;
    case CX_PERIOD_QUARTER:
        snprintf(buf, cap, "%04lld-Q%d", (long long)y, (m - 1) / 3 + 1);
        break;
    default:
        snprintf(buf, cap, "%04lld", (long long)y);
        break;
    }
}

CX_API cx_status cx_period_parse(cx_period *out, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(name != NULL);
    static const char *const names[] = {"none", "day", "week", "month", "quarter", "year"};
    for (int i = 0; i < 6; i++)
        if (strcasecmp(name, names[i]) == 0) {
            *out = (cx_period)i;
            return CX_OK;
        }
    return cx__error_param(CX_EINVAL, "name",
                           "unknown period '%s' (day, week, month, quarter, year, none)", name);
}
