/* Kano classification (Kano et al. 1984) with the Berger et al. (1993) / Sauerwein et al. (1996)
 * evaluation table, better-worse coefficients and the Fong test. REFERENCE.md section 3.5. */
#include <math.h>
#include <string.h>

#include "drivers_internal.h"

/* Rows: functional answer 1..5 (like, must-be, neutral, live with, dislike); columns: the
 * dysfunctional answer. */
static const signed char kano_table[5][5] = {
    {CX_KANO_Q, CX_KANO_A, CX_KANO_A, CX_KANO_A, CX_KANO_O},
    {CX_KANO_R, CX_KANO_I, CX_KANO_I, CX_KANO_I, CX_KANO_M},
    {CX_KANO_R, CX_KANO_I, CX_KANO_I, CX_KANO_I, CX_KANO_M},
    {CX_KANO_R, CX_KANO_I, CX_KANO_I, CX_KANO_I, CX_KANO_M},
    {CX_KANO_R, CX_KANO_R, CX_KANO_R, CX_KANO_R, CX_KANO_Q},
};

static int answer_ok(double a)
{
    return a >= 1.0 && a <= 5.0 && a == floor(a);
}

static cx_status check_pairs(const double *f, const double *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(f[i]) || isnan(d[i]))
            continue;
        if (!answer_ok(f[i]))
            return cx__error_param(CX_EINVAL, "functional",
                                   "answer %zu is %g; Kano answers are 1..5", i, f[i]);
        if (!answer_ok(d[i]))
            return cx__error_param(CX_EINVAL, "dysfunctional",
                                   "answer %zu is %g; Kano answers are 1..5", i, d[i]);
    }
    return CX_OK;
}

CX_API cx_status cx_kano_classify(int *category, const double *functional,
                                  const double *dysfunctional, size_t n)
{
    CX_CHECK_ARG(category != NULL || n == 0);
    CX_CHECK_ARG(functional != NULL || n == 0);
    CX_CHECK_ARG(dysfunctional != NULL || n == 0);
    cx_status st = check_pairs(functional, dysfunctional, n);
    if (st != CX_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        category[i] = isnan(functional[i]) || isnan(dysfunctional[i])
                          ? -1
                          : kano_table[(int)functional[i] - 1][(int)dysfunctional[i] - 1];
    return CX_OK;
}

CX_API cx_status cx_kano_feature(cx_kano_result *out, const double *functional,
                                 const double *dysfunctional, size_t n)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(functional != NULL || n == 0);
    CX_CHECK_ARG(dysfunctional != NULL || n == 0);
    cx_status st = check_pairs(functional, dysfunctional, n);
    if (st != CX_OK)
        return st;
    cx_kano_result r;
    memset(&r, 0, sizeof r);
    r.version = CX_KANO_RESULT_VERSION;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(functional[i]) || isnan(dysfunctional[i]))
            continue;
        r.counts[kano_table[(int)functional[i] - 1][(int)dysfunctional[i] - 1]] += 1.0;
        total += 1.0;
    }
    if (total == 0.0)
        return cx__error(CX_ERANGE, "no complete functional / dysfunctional answer pair");
    /* Mode with the tie order M > O > A > I > R > Q. */
    static const int order[6] = {CX_KANO_M, CX_KANO_O, CX_KANO_A, CX_KANO_I, CX_KANO_R, CX_KANO_Q};
    int best = order[0], second = -1;
    for (int t = 1; t < 6; t++)
        if (r.counts[order[t]] > r.counts[best])
            best = order[t];
    for (int t = 0; t < 6; t++) {
        int c = order[t];
        if (c != best && (second < 0 || r.counts[c] > r.counts[second]))
            second = c;
    }
    double a = r.counts[best], b = r.counts[second];
    /* Fong (1996): the top two are not distinguishable when |a - b| < 1.65 sqrt((a+b)(2n-a-b)/2n).
     */
    r.mixed = fabs(a - b) < 1.65 * sqrt((a + b) * (2.0 * total - a - b) / (2.0 * total));
    r.category = best;
    double aomi =
        r.counts[CX_KANO_A] + r.counts[CX_KANO_O] + r.counts[CX_KANO_M] + r.counts[CX_KANO_I];
    r.better = aomi > 0.0 ? (r.counts[CX_KANO_A] + r.counts[CX_KANO_O]) / aomi : NAN;
    r.worse = aomi > 0.0 ? -(r.counts[CX_KANO_O] + r.counts[CX_KANO_M]) / aomi : NAN;
    *out = r;
    return CX_OK;
}
