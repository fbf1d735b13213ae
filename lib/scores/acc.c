/* The mergeable rating accumulator and the scores computed from it. Every score is a function
 * of (count, sum of weights, sum of squared weights) per scale point, so merging is addition. */
#include <math.h>
#include <string.h>

#include "scores_internal.h"
#include "special.h"

cx_status cx__acc_alloc(cx_acc **out, int scale_min, int scale_max)
{
    cx_acc *a = cx__calloc(1, sizeof *a);
    if (!a)
        return cx__enomem();
    a->min = scale_min;
    a->max = scale_max;
    a->k = (size_t)(scale_max - scale_min) + 1;
    a->count = cx__calloc(a->k, sizeof *a->count);
    a->w = cx__calloc(a->k, sizeof *a->w);
    a->w2 = cx__calloc(a->k, sizeof *a->w2);
    if (!a->count || !a->w || !a->w2) {
        cx_acc_free(a);
        return cx__enomem();
    }
    *out = a;
    return CX_OK;
}

CX_API cx_status cx_acc_new(cx_acc **out, int scale_min, int scale_max)
{
    CX_CHECK_ARG(out != NULL);
    if (scale_min <= -1000000 || scale_max >= 1000000)
        return cx__error_param(CX_EINVAL, "scale_min", "scale values must lie within +-1e6");
    if (scale_min >= scale_max)
        return cx__error_param(CX_EINVAL, "scale_max", "scale_max (%d) must exceed scale_min (%d)",
                               scale_max, scale_min);
    if ((long)scale_max - (long)scale_min + 1 > CX_ACC_MAX_POINTS)
        return cx__error_param(CX_EINVAL, "scale_max", "scale has more than %d points",
                               CX_ACC_MAX_POINTS);
    return cx__acc_alloc(out, scale_min, scale_max);
}

CX_API void cx_acc_free(cx_acc *acc)
{
    if (!acc)
        return;
    cx__free(acc->count);
    cx__free(acc->w);
    cx__free(acc->w2);
    cx__free(acc);
}

CX_API cx_status cx_acc_dup(cx_acc **out, const cx_acc *acc)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(acc != NULL);
    cx_acc *a;
    cx_status st = cx__acc_alloc(&a, acc->min, acc->max);
    if (st != CX_OK)
        return st;
    memcpy(a->count, acc->count, acc->k * sizeof *a->count);
    memcpy(a->w, acc->w, acc->k * sizeof *a->w);
    memcpy(a->w2, acc->w2, acc->k * sizeof *a->w2);
    *out = a;
    return CX_OK;
}

CX_API void cx_acc_reset(cx_acc *acc)
{
    if (!acc)
        return;
    memset(acc->count, 0, acc->k * sizeof *acc->count);
    memset(acc->w, 0, acc->k * sizeof *acc->w);
    memset(acc->w2, 0, acc->k * sizeof *acc->w2);
}

CX_API cx_status cx_acc_scale(int *scale_min, int *scale_max, const cx_acc *acc)
{
    CX_CHECK_ARG(acc != NULL);
    if (scale_min)
        *scale_min = acc->min;
    if (scale_max)
        *scale_max = acc->max;
    return CX_OK;
}

/* Index of a rating on the scale, or -1 when it is not an integer on the scale. */
static long point_of(const cx_acc *a, double r)
{
    if (!(r >= a->min && r <= a->max) || r != floor(r))
        return -1;
    return (long)r - a->min;
}

static cx_status check_weight(double w, size_t i)
{
    if (!(isfinite(w) && w >= 0.0))
        return cx__error_param(CX_EINVAL, "weights",
                               "weight %zu is %g; weights must be finite and >= 0", i, w);
    return CX_OK;
}

CX_API cx_status cx_acc_add(cx_acc *acc, double rating, double weight)
{
    CX_CHECK_ARG(acc != NULL);
    long j = point_of(acc, rating);
    if (j < 0)
        return cx__error_param(CX_EINVAL, "rating",
                               "rating %g is not an integer on the scale %d..%d", rating, acc->min,
                               acc->max);
    cx_status st = check_weight(weight, 0);
    if (st != CX_OK)
        return st;
    acc->count[j]++;
    acc->w[j] += weight;
    acc->w2[j] += weight * weight;
    return CX_OK;
}

CX_API cx_status cx_acc_add_array(cx_acc *acc, const double *ratings, const double *weights,
                                  size_t n)
{
    CX_CHECK_ARG(acc != NULL);
    CX_CHECK_ARG(ratings != NULL || n == 0);
    /* Validate everything first so that a failure leaves the accumulator untouched. */
    for (size_t i = 0; i < n; i++) {
        double r = ratings[i];
        if (isnan(r))
            continue;
        if (point_of(acc, r) < 0)
            return cx__error_param(CX_EINVAL, "ratings",
                                   "rating %zu is %g: not an integer on the scale %d..%d", i, r,
                                   acc->min, acc->max);
        if (weights) {
            cx_status st = check_weight(weights[i], i);
            if (st != CX_OK)
                return st;
        }
    }
    if (!weights) {
        /* Tally locally, then add: unit weight sums stay exact integers (below 2^53). */
        uint64_t tally[CX_ACC_MAX_POINTS] = {0};
        for (size_t i = 0; i < n; i++) {
            double r = ratings[i];
            if (r == r)
                tally[(long)r - acc->min]++;
        }
        for (size_t j = 0; j < acc->k; j++) {
            acc->count[j] += tally[j];
            acc->w[j] += (double)tally[j];
            acc->w2[j] += (double)tally[j];
        }
        return CX_OK;
    }
    for (size_t i = 0; i < n; i++) {
        double r = ratings[i], w = weights[i];
        if (r != r)
            continue;
        long j = (long)r - acc->min;
        acc->count[j]++;
        acc->w[j] += w;
        acc->w2[j] += w * w;
    }
    return CX_OK;
}

CX_API cx_status cx_acc_merge(cx_acc *acc, const cx_acc *other)
{
    CX_CHECK_ARG(acc != NULL);
    CX_CHECK_ARG(other != NULL);
    if (acc->min != other->min || acc->max != other->max)
        return cx__error_param(CX_EINVAL, "other", "cannot merge scale %d..%d into %d..%d",
                               other->min, other->max, acc->min, acc->max);
    for (size_t j = 0; j < acc->k; j++) {
        acc->count[j] += other->count[j];
        acc->w[j] += other->w[j];
        acc->w2[j] += other->w2[j];
    }
    return CX_OK;
}

CX_API uint64_t cx_acc_count(const cx_acc *acc)
{
    uint64_t n = 0;
    if (acc)
        for (size_t j = 0; j < acc->k; j++)
            n += acc->count[j];
    return n;
}

typedef struct sums {
    double n, w, w2;
} sums;

static sums totals(const cx_acc *a)
{
    sums s = {0, 0, 0};
    for (size_t j = 0; j < a->k; j++) {
        s.n += (double)a->count[j];
        s.w += a->w[j];
        s.w2 += a->w2[j];
    }
    return s;
}

/* All weights equal to 1: then Σw = Σw² = count at every point. */
static int unit_weights(const cx_acc *a)
{
    for (size_t j = 0; j < a->k; j++)
        if (a->w[j] != (double)a->count[j] || a->w2[j] != (double)a->count[j])
            return 0;
    return 1;
}

static cx_status need_weight(sums s)
{
    if (!(s.w > 0.0))
        return cx__error(CX_ERANGE, "no ratings (with positive weight) in the accumulator");
    return CX_OK;
}

CX_API cx_status cx_acc_distribution(double *counts, double *weights, double *shares, size_t k,
                                     const cx_acc *acc)
{
    CX_CHECK_ARG(acc != NULL);
    if (k != acc->k)
        return cx__error_param(CX_EINVAL, "k",
                               "k must be the number of scale points (%zu), got %zu", acc->k, k);
    sums s = totals(acc);
    for (size_t j = 0; j < k; j++) {
        if (counts)
            counts[j] = (double)acc->count[j];
        if (weights)
            weights[j] = acc->w[j];
        if (shares)
            shares[j] = s.w > 0.0 ? acc->w[j] / s.w : 0.0;
    }
    return CX_OK;
}

CX_API cx_status cx_acc_sizes(double *n, double *weight_sum, double *n_eff, const cx_acc *acc)
{
    CX_CHECK_ARG(acc != NULL);
    sums s = totals(acc);
    cx_status st = need_weight(s);
    if (st != CX_OK)
        return st;
    if (n)
        *n = s.n;
    if (weight_sum)
        *weight_sum = s.w;
    if (n_eff)
        *n_eff = s.w * s.w / s.w2;
    return CX_OK;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

CX_API cx_status cx_acc_mean(double *mean, double *se, double *lo, double *hi, const cx_acc *acc,
                             double level, int method)
{
    CX_CHECK_ARG(mean != NULL);
    CX_CHECK_ARG(acc != NULL);
    sums s = totals(acc);
    cx_status st = need_weight(s);
    if (st == CX_OK && (lo || hi))
        st = cx__check_level(level);
    if (st == CX_OK && (method < CX_MEAN_T || method > CX_MEAN_HOEFFDING))
        st = cx__error_param(CX_EINVAL, "method", "unknown mean interval method %d", method);
    if (st != CX_OK)
        return st;
    double m = 0.0, ss = 0.0, neff = s.w * s.w / s.w2;
    for (size_t j = 0; j < acc->k; j++)
        m += acc->w[j] * (acc->min + (double)j);
    m /= s.w;
    for (size_t j = 0; j < acc->k; j++) {
        double dv = acc->min + (double)j - m;
        ss += acc->w[j] * dv * dv;
    }
    double var_w = ss / s.w; /* population variance of the weighted ratings */
    int want_t = se || ((lo || hi) && method == CX_MEAN_T);
    if (want_t && !(neff > 1.0))
        return cx__error(CX_ERANGE, "a standard error needs more than one rating (n_eff = %g)",
                         neff);
    double sem = want_t ? sqrt(var_w / (neff - 1.0)) : NAN;
    double l = m, h = m;
    if (lo || hi) {
        double z = cx__z_for_level(level);
        if (method == CX_MEAN_T) {
            double t = cx__t_quantile(0.5 + level / 2.0, neff - 1.0);
            l = m - t * sem;
            h = m + t * sem;
        } else if (method == CX_MEAN_HOEFFDING) {
            double half = (acc->max - acc->min) * sqrt(log(2.0 / (1.0 - level)) / (2.0 * neff));
            l = m - half;
            h = m + half;
        } else { /* Dirichlet posterior over the points, effective counts share * n_eff */
            double a0 = 1.0 / (double)acc->k, atot = neff + 1.0, e = 0.0, e2 = 0.0;
            for (size_t j = 0; j < acc->k; j++) {
                double v = acc->min + (double)j, pi = (acc->w[j] / s.w * neff + a0) / atot;
                e += v * pi;
                e2 += v * v * pi;
            }
            double sd = sqrt(fmax(e2 - e * e, 0.0) / (atot + 1.0));
            l = e - z * sd;
            h = e + z * sd;
        }
    }
    *mean = m;
    if (se)
        *se = sem;
    if (lo)
        *lo = clampd(l, acc->min, acc->max);
    if (hi)
        *hi = clampd(h, acc->min, acc->max);
    return CX_OK;
}

static cx_status check_within(double v, const cx_acc *a, const char *name)
{
    if (!(v >= a->min && v <= a->max))
        return cx__error_param(CX_EINVAL, name, "%s (%g) must lie within the scale %d..%d", name, v,
                               a->min, a->max);
    return CX_OK;
}

CX_API cx_status cx_acc_top_box(double *share, double *lo, double *hi, const cx_acc *acc,
                                double threshold, double level, int method)
{
    CX_CHECK_ARG(share != NULL);
    CX_CHECK_ARG(acc != NULL);
    sums s = totals(acc);
    cx_status st = check_within(threshold, acc, "threshold");
    if (st == CX_OK)
        st = need_weight(s);
    if (st == CX_OK && (lo || hi))
        st = cx__check_level(level);
    if (st != CX_OK)
        return st;
    double top = 0.0;
    for (size_t j = 0; j < acc->k; j++)
        if (acc->min + (double)j >= threshold)
            top += acc->w[j];
    double p = top / s.w, neff = s.w * s.w / s.w2, l = p, h = p;
    if (lo || hi) {
        st = cx__prop_ci(&l, &h, p * neff, neff, level, method);
        if (st != CX_OK)
            return st;
    }
    *share = p;
    if (lo)
        *lo = l;
    if (hi)
        *hi = h;
    return CX_OK;
}

cx_status cx__check_buckets(const cx_nps_buckets *b, const cx_acc *acc)
{
    if (b->version != CX_NPS_BUCKETS_VERSION)
        return cx__error_param(CX_EINVAL, "buckets", "unsupported cx_nps_buckets version %u",
                               b->version);
    cx_status st = check_within(b->detractor_max, acc, "detractor_max");
    if (st == CX_OK)
        st = check_within(b->promoter_min, acc, "promoter_min");
    if (st == CX_OK && !(b->detractor_max < b->promoter_min))
        st = cx__error_param(CX_EINVAL, "promoter_min",
                             "promoter_min (%g) must exceed detractor_max (%g)", b->promoter_min,
                             b->detractor_max);
    return st;
}

CX_API cx_status cx_acc_nps(cx_nps_result *out, const cx_acc *acc, const cx_nps_buckets *buckets,
                            double level, int method)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(acc != NULL);
    cx_nps_buckets std_b;
    if (!buckets) {
        cx_nps_buckets_init(&std_b, CX_NPS_BUCKETS_VERSION);
        buckets = &std_b;
    }
    cx_status st = cx__check_buckets(buckets, acc);
    sums s = totals(acc);
    if (st == CX_OK)
        st = need_weight(s);
    if (st == CX_OK)
        st = cx__check_level(level);
    if (st == CX_OK)
        st = cx__check_nps_method(method);
    if (st != CX_OK)
        return st;
    double wp = 0.0, wd = 0.0;
    for (size_t j = 0; j < acc->k; j++) {
        double v = acc->min + (double)j;
        if (v >= buckets->promoter_min)
            wp += acc->w[j];
        else if (v <= buckets->detractor_max)
            wd += acc->w[j];
    }
    double p = wp / s.w, d = wd / s.w, nps = p - d, neff = s.w * s.w / s.w2, se;
    if (unit_weights(acc)) {
        se = sqrt(cx__nps_var1(p, d) / s.n);
    } else {
        /* Ratio-estimator linearisation: n/(n-1) Σ w²(s - NPS)² / (Σw)², n = ratings with w > 0. */
        double acc2 = 0.0, npos = 0.0;
        for (size_t j = 0; j < acc->k; j++) {
            double v = acc->min + (double)j;
            double sc =
                v >= buckets->promoter_min ? 1.0 : (v <= buckets->detractor_max ? -1.0 : 0.0);
            acc2 += acc->w2[j] * (sc - nps) * (sc - nps);
            if (acc->w[j] > 0.0)
                npos += (double)acc->count[j];
        }
        se = npos > 1.0 ? sqrt(npos / (npos - 1.0) * acc2) / s.w : NAN;
        if (!(npos > 1.0))
            return cx__error(CX_ERANGE, "weighted NPS needs more than one rating");
    }
    double l, h, xp = p * neff, xd = d * neff;
    if (method == CX_NPS_WALD) {
        double z = cx__z_for_level(level);
        l = fmax(nps - z * se, -1.0);
        h = fmin(nps + z * se, 1.0);
    } else {
        cx__nps_interval(&l, &h, xp, neff - xp - xd, xd, level, method);
    }
    cx_nps_result r;
    r.version = CX_NPS_RESULT_VERSION;
    r.nps = 100.0 * nps;
    r.se = 100.0 * se;
    r.lo = 100.0 * l;
    r.hi = 100.0 * h;
    r.promoters = p;
    r.passives = 1.0 - p - d;
    r.detractors = d;
    r.n = s.n;
    r.n_eff = neff;
    *out = r;
    return CX_OK;
}
