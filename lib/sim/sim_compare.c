/* Scenario comparison with common random numbers: replication r runs both scenarios with the
 * same seed, so each customer meets the same random numbers in both, and the per-replication
 * differences have far less variance than independent runs. Intervals: Student t over
 * replications of the difference. */
#include "sim_internal.h"
#include "special.h"

#include <math.h>
#include <string.h>

struct cx_sim_comparison {
    size_t periods, reps;
    double *vals; /* [which(2)][series][rep][period] */
};

static double *slot(const cx_sim_comparison *c, int which, int series, size_t rep)
{
    return c->vals +
           (((size_t)which * CX_SIM_SERIES_COUNT + (size_t)series) * c->reps + rep) * c->periods;
}

void cx_sim_comparison_free(cx_sim_comparison *cmp)
{
    if (!cmp)
        return;
    cx__free(cmp->vals);
    cx__free(cmp);
}

size_t cx_sim_comparison_periods(const cx_sim_comparison *cmp)
{
    return cmp ? cmp->periods : 0;
}

/* Seed of replication r: the first output of the library generator on (seed, stream r). */
static uint64_t rep_seed(uint64_t seed, size_t r)
{
    struct cx_rng g;
    cx__rng_seed(&g, seed, (uint64_t)r);
    return cx__rng_next(&g);
}

cx_status cx_sim_compare(cx_sim_comparison **out, const cx_sim_params *baseline,
                         const cx_sim_params *whatif, size_t replications,
                         const cx_sim_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(baseline != NULL);
    CX_CHECK_ARG(whatif != NULL);
    if (replications < 2 || replications > 100000)
        return cx__error_param(CX_EINVAL, "replications", "replications = %zu must be in 2..100000",
                               replications);
    if (baseline->v[CX__SIM_P_PERIODS] != whatif->v[CX__SIM_P_PERIODS])
        return cx__error_param(CX_EINVAL, "periods",
                               "baseline and what-if must have the same number of periods");
    cx_sim_options o;
    if (opts) {
        if (opts->version != CX_SIM_OPTIONS_VERSION)
            return cx__error_param(CX_EINVAL, "opts", "unknown cx_sim_options version %u",
                                   opts->version);
        o = *opts;
    } else {
        cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    }
    o.record_interactions = o.record_transactions = 0;
    o.progress = NULL;
    cx_status st;
    if ((st = cx_sim_params_validate(baseline)) || (st = cx_sim_params_validate(whatif)))
        return st;
    size_t P = (size_t)baseline->v[CX__SIM_P_PERIODS];
    cx_sim_comparison *c = cx__calloc(1, sizeof *c);
    if (!c)
        return cx__enomem();
    c->periods = P;
    c->reps = replications;
    c->vals = cx__malloc_array(2 * CX_SIM_SERIES_COUNT * replications, P * sizeof(double));
    if (!c->vals) {
        cx__free(c);
        return cx__enomem();
    }
    for (size_t r = 0; r < replications; r++) {
        o.seed = rep_seed(opts ? opts->seed : 1, r);
        for (int which = 0; which < 2; which++) {
            cx_sim_result *res = NULL;
            if ((st = cx_sim_run(&res, which ? whatif : baseline, &o))) {
                cx_sim_comparison_free(c);
                return st;
            }
            for (int s = 0; s < CX_SIM_SERIES_COUNT; s++)
                memcpy(slot(c, which, s, r), res->series + (size_t)s * P, P * sizeof(double));
            cx_sim_result_free(res);
        }
        /* progress per finished replication (the runs themselves report none) */
        if (opts && opts->progress &&
            opts->progress((double)(r + 1), (double)replications, opts->progress_payload)) {
            cx_sim_comparison_free(c);
            return cx__error_param(CX_EUSER, "progress",
                                   "the comparison was cancelled by the progress callback");
        }
    }
    *out = c;
    return CX_OK;
}

cx_status cx_sim_comparison_diff(double *mean, double *lower, double *upper, size_t n,
                                 const cx_sim_comparison *cmp, int series, double level)
{
    CX_CHECK_ARG(cmp != NULL);
    if (series < 0 || series >= CX_SIM_SERIES_COUNT)
        return cx__error_param(CX_EINVAL, "series", "invalid series %d", series);
    if (n != cmp->periods)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the comparison has %zu periods", n,
                               cmp->periods);
    if (!(level > 0 && level < 1))
        return cx__error_param(CX_EINVAL, "level", "level must be in (0, 1)");
    for (size_t t = 0; t < n; t++) {
        double m = 0, m2 = 0;
        size_t k = 0;
        for (size_t r = 0; r < cmp->reps; r++) {
            double d = slot(cmp, 1, series, r)[t] - slot(cmp, 0, series, r)[t];
            if (d != d)
                continue; /* undefined in a replication (e.g. no ratings) */
            k++;
            double delta = d - m;
            m += delta / (double)k;
            m2 += delta * (d - m);
        }
        double half = k > 1 ? cx__t_quantile(0.5 + level / 2, (double)(k - 1)) *
                                  sqrt(m2 / (double)(k - 1) / (double)k)
                            : NAN;
        if (mean)
            mean[t] = k ? m : NAN;
        if (lower)
            lower[t] = m - half;
        if (upper)
            upper[t] = m + half;
    }
    return CX_OK;
}

cx_status cx_sim_comparison_mean(double *out, size_t n, const cx_sim_comparison *cmp, int which,
                                 int series)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(cmp != NULL);
    if (which != 0 && which != 1)
        return cx__error_param(CX_EINVAL, "which", "which must be 0 (baseline) or 1 (what-if)");
    if (series < 0 || series >= CX_SIM_SERIES_COUNT)
        return cx__error_param(CX_EINVAL, "series", "invalid series %d", series);
    if (n != cmp->periods)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the comparison has %zu periods", n,
                               cmp->periods);
    for (size_t t = 0; t < n; t++) {
        double s = 0;
        for (size_t r = 0; r < cmp->reps; r++)
            s += slot(cmp, which, series, r)[t];
        out[t] = s / (double)cmp->reps;
    }
    return CX_OK;
}
