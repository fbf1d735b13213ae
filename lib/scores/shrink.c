/* Empirical-Bayes shrinkage of per-group scores (docs/scores.md, "Small groups").
 * Top-box shares: beta-binomial prior Beta(a, b) fitted by maximum marginal likelihood over
 * (logit mean, log a + b) with alternating golden-section searches; posterior means.
 * Means and NPS: normal-normal model with the pooled within-group variance for each group's
 * sampling variance and the DerSimonian-Laird moment estimator of the between-group variance. */
#include <math.h>
#include <string.h>

#include "scores_internal.h"
#include "special.h"

typedef struct bb_data {
    const double *x, *n;
    size_t g;
} bb_data;

static double bb_loglik(const bb_data *d, double logit_mu, double log_m)
{
    double mu = 1.0 / (1.0 + exp(-logit_mu)), m = exp(log_m), a = mu * m, b = (1.0 - mu) * m;
    double ll = 0.0, base = cx__lbeta(a, b);
    for (size_t i = 0; i < d->g; i++)
        if (d->n[i] > 0.0)
            ll += cx__lbeta(d->x[i] + a, d->n[i] - d->x[i] + b) - base;
    return ll;
}

/* Maximise f along one coordinate on [lo, hi] by golden-section search. */
static double golden(const bb_data *d, int coord, double other, double lo, double hi)
{
    const double r = 0.6180339887498949;
    double a = lo, b = hi, c = b - r * (b - a), e = a + r * (b - a);
    double fc = coord ? bb_loglik(d, other, c) : bb_loglik(d, c, other);
    double fe = coord ? bb_loglik(d, other, e) : bb_loglik(d, e, other);
    for (int it = 0; it < 80 && b - a > 1e-9; it++) {
        if (fc > fe) {
            b = e;
            e = c;
            fe = fc;
            c = b - r * (b - a);
            fc = coord ? bb_loglik(d, other, c) : bb_loglik(d, c, other);
        } else {
            a = c;
            c = e;
            fc = fe;
            e = a + r * (b - a);
            fe = coord ? bb_loglik(d, other, e) : bb_loglik(d, e, other);
        }
    }
    return 0.5 * (a + b);
}

static void fit_beta_binomial(double *a_out, double *b_out, const double *x, const double *n,
                              size_t g)
{
    bb_data d = {x, n, g};
    double sx = 0.0, sn = 0.0;
    for (size_t i = 0; i < g; i++) {
        sx += x[i];
        sn += n[i];
    }
    double mu = fmin(fmax(sx / sn, 1e-6), 1.0 - 1e-6);
    double lmu = log(mu / (1.0 - mu)), lm = log(10.0);
    for (int round = 0; round < 25; round++) {
        double lmu0 = lmu, lm0 = lm;
        lmu = golden(&d, 0, lm, -14.0, 14.0);
        lm = golden(&d, 1, lmu, -6.0, 16.0);
        if (fabs(lmu - lmu0) < 1e-7 && fabs(lm - lm0) < 1e-7)
            break;
    }
    double m = exp(lm);
    mu = 1.0 / (1.0 + exp(-lmu));
    *a_out = mu * m;
    *b_out = (1.0 - mu) * m;
}

/* Per-group estimate, its per-rating variance contribution and size, by kind. */
static void group_stats(double *est, double *ss, double *size, double *top, const cx_acc *a,
                        int kind, double threshold)
{
    double n = 0.0, s1 = 0.0, t = 0.0;
    cx_nps_buckets b;
    cx_nps_buckets_init(&b, CX_NPS_BUCKETS_VERSION);
    for (size_t j = 0; j < a->k; j++) {
        double v = a->min + (double)j, c = (double)a->count[j];
        double sc = kind == CX_SCORE_NPS ? (v >= b.promoter_min    ? 1.0
                                            : v <= b.detractor_max ? -1.0
                                                                   : 0.0)
                                         : v;
        n += c;
        s1 += c * sc;
        if (v >= threshold)
            t += c;
    }
    double m = n > 0.0 ? s1 / n : NAN, q = 0.0;
    for (size_t j = 0; j < a->k; j++) {
        double v = a->min + (double)j, c = (double)a->count[j];
        double sc = kind == CX_SCORE_NPS ? (v >= b.promoter_min    ? 1.0
                                            : v <= b.detractor_max ? -1.0
                                                                   : 0.0)
                                         : v;
        q += c * (sc - m) * (sc - m);
    }
    *est = m;
    *ss = n > 0.0 ? q : 0.0;
    *size = n;
    *top = t;
}

CX_API cx_status cx_scores_shrink(double *raw, double *shrunk, double prior[2], size_t n,
                                  const cx_scores *t, int kind, double threshold)
{
    CX_CHECK_ARG(shrunk != NULL);
    CX_CHECK_ARG(t != NULL);
    if (n != t->n_groups)
        return cx__error_param(CX_EINVAL, "n", "n must be the number of groups (%zu)", t->n_groups);
    if (kind < CX_SCORE_TOP_BOX || kind > CX_SCORE_NPS)
        return cx__error_param(CX_EINVAL, "kind", "unknown score kind %d", kind);
    if (kind == CX_SCORE_TOP_BOX && n > 0 &&
        !(threshold >= t->accs[0]->min && threshold <= t->accs[0]->max))
        return cx__error_param(CX_EINVAL, "threshold", "threshold %g is off the scale %d..%d",
                               threshold, t->accs[0]->min, t->accs[0]->max);
    if (kind == CX_SCORE_NPS && n > 0 && (t->accs[0]->min > 6 || t->accs[0]->max < 9))
        return cx__error_param(CX_EINVAL, "kind", "NPS needs a scale covering 0..10 buckets");
    double *buf = cx__malloc_array(n ? 4 * n : 1, sizeof *buf);
    if (!buf)
        return cx__enomem();
    double *est = buf, *ss = buf + n, *size = buf + 2 * n, *top = buf + 3 * n;
    size_t used = 0;
    double tot_ss = 0.0, tot_n = 0.0;
    for (size_t g = 0; g < n; g++) {
        group_stats(&est[g], &ss[g], &size[g], &top[g], t->accs[g], kind, threshold);
        if (size[g] > 0.0) {
            used++;
            tot_ss += ss[g];
            tot_n += size[g];
        }
    }
    if (used < 2) {
        cx__free(buf);
        return cx__error(CX_ERANGE, "shrinkage needs at least 2 groups with ratings, got %zu",
                         used);
    }
    double p0, p1;
    if (kind == CX_SCORE_TOP_BOX) {
        fit_beta_binomial(&p0, &p1, top, size, n);
        for (size_t g = 0; g < n; g++) {
            double r = size[g] > 0.0 ? top[g] / size[g] : NAN;
            if (raw)
                raw[g] = r;
            shrunk[g] = size[g] > 0.0 ? (top[g] + p0) / (size[g] + p0 + p1) : NAN;
        }
    } else {
        /* Sampling variance of group g: pooled within-group variance / n_g, so that a group
         * whose few ratings happen to agree is still shrunk. */
        double sigma2 = tot_n > (double)used ? tot_ss / (tot_n - (double)used) : 0.0;
        double sw = 0.0, swy = 0.0, sw2 = 0.0, q = 0.0;
        for (size_t g = 0; g < n; g++)
            if (size[g] > 0.0) {
                double w = size[g] / fmax(sigma2, 1e-300);
                sw += w;
                sw2 += w * w;
                swy += w * est[g];
            }
        double ybar = swy / sw;
        for (size_t g = 0; g < n; g++)
            if (size[g] > 0.0)
                q += size[g] / fmax(sigma2, 1e-300) * (est[g] - ybar) * (est[g] - ybar);
        double tau2 = fmax(0.0, (q - (double)(used - 1)) / (sw - sw2 / sw));
        if (sigma2 <= 0.0)
            tau2 = INFINITY; /* no within-group noise at all: nothing to shrink */
        double sws = 0.0, swsy = 0.0;
        for (size_t g = 0; g < n; g++)
            if (size[g] > 0.0) {
                double w = 1.0 / (sigma2 / size[g] + (isinf(tau2) ? 0.0 : tau2));
                if (isinf(tau2))
                    w = 1.0;
                sws += w;
                swsy += w * est[g];
            }
        double m = swsy / sws, scale = kind == CX_SCORE_NPS ? 100.0 : 1.0;
        for (size_t g = 0; g < n; g++) {
            double s2 = size[g] > 0.0 ? sigma2 / size[g] : NAN;
            double sh = isinf(tau2) ? est[g] : (tau2 * est[g] + s2 * m) / (tau2 + s2);
            if (tau2 == 0.0)
                sh = m;
            if (raw)
                raw[g] = size[g] > 0.0 ? scale * est[g] : NAN;
            shrunk[g] = size[g] > 0.0 ? scale * sh : NAN;
        }
        p0 = scale * m;
        p1 = isinf(tau2) ? INFINITY : scale * scale * tau2;
    }
    if (prior) {
        prior[0] = p0;
        prior[1] = p1;
    }
    cx__free(buf);
    return CX_OK;
}

CX_API cx_status cx_scores_trend(double *slope, double *se, double *p_value, const cx_scores *t,
                                 int kind, double threshold)
{
    CX_CHECK_ARG(slope != NULL);
    CX_CHECK_ARG(t != NULL);
    if (!t->period_start || t->n_keys != 1)
        return cx__error_param(CX_ENOTSUP, "t",
                               "a trend needs a table grouped by period only (no other keys)");
    if (kind < CX_SCORE_TOP_BOX || kind > CX_SCORE_NPS)
        return cx__error_param(CX_EINVAL, "kind", "unknown score kind %d", kind);
    if (kind == CX_SCORE_NPS && t->n_groups > 0 && (t->accs[0]->min > 6 || t->accs[0]->max < 9))
        return cx__error_param(CX_EINVAL, "kind", "NPS needs a scale covering 0..10 buckets");
    double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0, used = 0;
    for (size_t g = 0; g < t->n_groups; g++) {
        double est, ss, size, top;
        group_stats(&est, &ss, &size, &top, t->accs[g], kind, threshold);
        if (size < 2)
            continue;
        double y = est, v = ss / (size - 1.0) / size;
        if (kind == CX_SCORE_TOP_BOX) {
            y = top / size;
            v = y * (1.0 - y) / size;
        } else if (kind == CX_SCORE_NPS) {
            v = ss / size / size; /* multinomial: (p + d - (p - d)^2) / n */
        }
        if (!(v > 0.0))
            continue;
        double x = (double)t->period_start[g] / (365.2425 * 86400.0), w = 1.0 / v;
        sw += w;
        swx += w * x;
        swy += w * y;
        swxx += w * x * x;
        swxy += w * x * y;
        used += 1;
    }
    double sxx = swxx - swx * swx / sw;
    if (used < 3 || !(sxx > 0.0))
        return cx__error(CX_ERANGE, "a trend needs at least 3 periods with 2+ varied ratings");
    double b = (swxy - swx * swy / sw) / sxx, s = sqrt(1.0 / sxx);
    double scale = kind == CX_SCORE_NPS ? 100.0 : 1.0;
    *slope = scale * b;
    if (se)
        *se = scale * s;
    if (p_value)
        *p_value = cx__two_sided_p(b / s);
    return CX_OK;
}
