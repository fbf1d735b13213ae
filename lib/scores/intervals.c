/* Intervals and tests for shares and NPS from (possibly non-integer) counts: REFERENCE.md
 * sections 1.2 and 1.4. Shared by the array-level API and the accumulators. */
#include <math.h>

#include <cxkit/scores.h>
#include "scores_internal.h"
#include "special.h"

cx_status cx__check_level(double level)
{
    if (!(level > 0.0 && level < 1.0))
        return cx__error_param(CX_EINVAL, "level", "confidence level must be in (0, 1), got %g",
                               level);
    return CX_OK;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

cx_status cx__prop_ci(double *lo, double *hi, double x, double n, double level, int method)
{
    double z = cx__z_for_level(level), alpha = 1.0 - level, p = x / n;
    double l, h;
    switch (method) {
    case CX_PROP_WILSON:
        cx__wilson(&l, &h, x, n, z);
        break;
    case CX_PROP_WALD: {
        double half = z * sqrt(p * (1.0 - p) / n);
        l = p - half;
        h = p + half;
        break;
    }
    case CX_PROP_AGRESTI_COULL: {
        double nt = n + z * z, pt = (x + z * z / 2.0) / nt;
        double half = z * sqrt(pt * (1.0 - pt) / nt);
        l = pt - half;
        h = pt + half;
        break;
    }
    case CX_PROP_CLOPPER_PEARSON:
        l = x <= 0.0 ? 0.0 : cx__beta_inc_inv(x, n - x + 1.0, alpha / 2.0);
        h = x >= n ? 1.0 : cx__beta_inc_inv(x + 1.0, n - x, 1.0 - alpha / 2.0);
        break;
    case CX_PROP_JEFFREYS:
        l = x <= 0.0 ? 0.0 : cx__beta_inc_inv(x + 0.5, n - x + 0.5, alpha / 2.0);
        h = x >= n ? 1.0 : cx__beta_inc_inv(x + 0.5, n - x + 0.5, 1.0 - alpha / 2.0);
        break;
    default:
        return cx__error_param(CX_EINVAL, "method", "unknown proportion interval method %d",
                               method);
    }
    *lo = clamp(l, 0.0, 1.0);
    *hi = clamp(h, 0.0, 1.0);
    return CX_OK;
}

static cx_status check_xn(double x, double n, const char *xname, const char *nname)
{
    if (!(isfinite(n) && n > 0.0))
        return cx__error_param(CX_EINVAL, nname, "%s must be finite and > 0, got %g", nname, n);
    if (!(isfinite(x) && x >= 0.0 && x <= n))
        return cx__error_param(CX_EINVAL, xname, "%s must be in [0, %s], got %g", xname, nname, x);
    return CX_OK;
}

CX_API cx_status cx_prop_ci(double *lo, double *hi, double x, double n, double level, int method)
{
    CX_CHECK_ARG(lo != NULL);
    CX_CHECK_ARG(hi != NULL);
    cx_status st = check_xn(x, n, "x", "n");
    if (st == CX_OK)
        st = cx__check_level(level);
    if (st != CX_OK)
        return st;
    double l, h;
    st = cx__prop_ci(&l, &h, x, n, level, method);
    if (st == CX_OK) {
        *lo = l;
        *hi = h;
    }
    return st;
}

double cx__two_sided_p(double z)
{
    return 2.0 * cx__normal_sf(fabs(z));
}

CX_API cx_status cx_prop_diff(double *diff, double *lo, double *hi, double *z, double *p_value,
                              double x1, double n1, double x2, double n2, double level)
{
    CX_CHECK_ARG(diff != NULL);
    cx_status st = check_xn(x1, n1, "x1", "n1");
    if (st == CX_OK)
        st = check_xn(x2, n2, "x2", "n2");
    if (st == CX_OK)
        st = cx__check_level(level);
    if (st != CX_OK)
        return st;
    double l, h, zz;
    cx__prop_diff_newcombe(&l, &h, &zz, x1, n1, x2, n2, cx__z_for_level(level));
    *diff = x1 / n1 - x2 / n2;
    if (lo)
        *lo = clamp(l, -1.0, 1.0);
    if (hi)
        *hi = clamp(h, -1.0, 1.0);
    if (z)
        *z = zz;
    if (p_value)
        *p_value = cx__two_sided_p(zz);
    return CX_OK;
}

/* ---- NPS (fractions -1..1 internally) ---- */

double cx__nps_var1(double p, double d)
{
    return fmax(p + d - (p - d) * (p - d), 0.0);
}

/* Tango's score statistic at NPS = delta, with the restricted MLE of the detractor share. */
static double tango_z(double xp, double xd, double n, double delta)
{
    double b = -xd - xp + (2.0 * n - xp + xd) * delta;
    double c = -xd * delta * (1.0 - delta);
    double q = (sqrt(fmax(b * b - 8.0 * n * c, 0.0)) - b) / (4.0 * n);
    double num = xp - xd - n * delta;
    double den = n * (2.0 * q + delta * (1.0 - delta));
    if (!(den > 0.0))
        return num > 0.0 ? INFINITY : (num < 0.0 ? -INFINITY : 0.0);
    return num / sqrt(den);
}

/* Root of tango_z(delta) = target on [a, b], where tango_z is decreasing in delta. */
static double tango_root(double xp, double xd, double n, double target, double a, double b)
{
    if (tango_z(xp, xd, n, a) - target <= 0.0)
        return a;
    if (tango_z(xp, xd, n, b) - target >= 0.0)
        return b;
    for (int i = 0; i < 200 && b - a > 1e-13; i++) {
        double m = 0.5 * (a + b);
        if (tango_z(xp, xd, n, m) - target > 0.0)
            a = m;
        else
            b = m;
    }
    return 0.5 * (a + b);
}

void cx__nps_interval(double *lo, double *hi, double xp, double xq, double xd, double level,
                      int method)
{
    double n = xp + xq + xd, z = cx__z_for_level(level);
    double p = xp / n, d = xd / n, est = p - d;
    double l = est, h = est;
    switch (method) {
    case CX_NPS_WALD: {
        double half = z * sqrt(cx__nps_var1(p, d) / n);
        l = est - half;
        h = est + half;
        break;
    }
    case CX_NPS_ADJUSTED_WALD: {
        double n2 = n + 3.0, p2 = (xp + 0.75) / n2, d2 = (xd + 0.75) / n2;
        double half = z * sqrt(cx__nps_var1(p2, d2) / n2);
        l = p2 - d2 - half;
        h = p2 - d2 + half;
        break;
    }
    case CX_NPS_BAYES: {
        double ap = xp + 1.0, ad = xd + 1.0, a = n + 3.0;
        double mean = (ap - ad) / a;
        double var = (ap * (a - ap) + ad * (a - ad) + 2.0 * ap * ad) / (a * a * (a + 1.0));
        l = mean - z * sqrt(var);
        h = mean + z * sqrt(var);
        break;
    }
    default: /* CX_NPS_SCORE */
        l = tango_root(xp, xd, n, z, -1.0, est);
        h = tango_root(xp, xd, n, -z, est, 1.0);
        break;
    }
    *lo = clamp(l, -1.0, 1.0);
    *hi = clamp(h, -1.0, 1.0);
}

cx_status cx__check_nps_counts(const double c[3], const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!(isfinite(c[i]) && c[i] >= 0.0))
            return cx__error_param(CX_EINVAL, name, "%s: counts must be finite and >= 0", name);
    if (!(c[0] + c[1] + c[2] > 0.0))
        return cx__error_param(CX_EINVAL, name, "%s: no responses (all counts are 0)", name);
    return CX_OK;
}

cx_status cx__check_nps_method(int method)
{
    if (method < CX_NPS_SCORE || method > CX_NPS_BAYES)
        return cx__error_param(CX_EINVAL, "method", "unknown NPS interval method %d", method);
    return CX_OK;
}

CX_API cx_status cx_nps_counts(double *nps, double *se, double *lo, double *hi, double promoters,
                               double passives, double detractors, double level, int method)
{
    CX_CHECK_ARG(nps != NULL);
    double c[3] = {promoters, passives, detractors};
    cx_status st = cx__check_nps_counts(c, "counts");
    if (st == CX_OK)
        st = cx__check_level(level);
    if (st == CX_OK)
        st = cx__check_nps_method(method);
    if (st != CX_OK)
        return st;
    double n = promoters + passives + detractors, p = promoters / n, d = detractors / n;
    double l, h;
    cx__nps_interval(&l, &h, promoters, passives, detractors, level, method);
    *nps = 100.0 * (p - d);
    if (se)
        *se = 100.0 * sqrt(cx__nps_var1(p, d) / n);
    if (lo)
        *lo = 100.0 * l;
    if (hi)
        *hi = 100.0 * h;
    return CX_OK;
}

CX_API cx_status cx_nps_diff(double *diff, double *lo, double *hi, double *z, double *p_value,
                             const double c1[3], const double c2[3], double level, int method)
{
    CX_CHECK_ARG(diff != NULL);
    CX_CHECK_ARG(c1 != NULL);
    CX_CHECK_ARG(c2 != NULL);
    cx_status st = cx__check_nps_counts(c1, "c1");
    if (st == CX_OK)
        st = cx__check_nps_counts(c2, "c2");
    if (st == CX_OK)
        st = cx__check_level(level);
    if (st == CX_OK)
        st = cx__check_nps_method(method);
    if (st != CX_OK)
        return st;
    double n1 = c1[0] + c1[1] + c1[2], n2 = c2[0] + c2[1] + c2[2];
    double e1 = (c1[0] - c1[2]) / n1, e2 = (c2[0] - c2[2]) / n2;
    double v =
        cx__nps_var1(c1[0] / n1, c1[2] / n1) / n1 + cx__nps_var1(c2[0] / n2, c2[2] / n2) / n2;
    double zz = v > 0.0 ? (e1 - e2) / sqrt(v) : 0.0, l, h;
    if (method == CX_NPS_WALD) {
        double half = cx__z_for_level(level) * sqrt(v);
        l = e1 - e2 - half;
        h = e1 - e2 + half;
    } else {
        double l1, u1, l2, u2;
        cx__nps_interval(&l1, &u1, c1[0], c1[1], c1[2], level, method);
        cx__nps_interval(&l2, &u2, c2[0], c2[1], c2[2], level, method);
        cx__newcombe(&l, &h, e1, l1, u1, e2, l2, u2);
    }
    *diff = 100.0 * (e1 - e2);
    if (lo)
        *lo = 100.0 * clamp(l, -2.0, 2.0);
    if (hi)
        *hi = 100.0 * clamp(h, -2.0, 2.0);
    if (z)
        *z = zz;
    if (p_value)
        *p_value = cx__two_sided_p(zz);
    return CX_OK;
}

CX_API cx_status cx_nps_buckets_init(cx_nps_buckets *b, unsigned version)
{
    CX_CHECK_ARG(b != NULL);
    if (version != CX_NPS_BUCKETS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unsupported cx_nps_buckets version %u",
                               version);
    b->version = version;
    b->detractor_max = 6.0;
    b->promoter_min = 9.0;
    return CX_OK;
}
