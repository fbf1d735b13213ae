/* Binding-friendly forms of the scores API: separate array lengths, flat result arrays. */
#include <math.h>
#include <string.h>

#include "scores_internal.h"

static cx_status same_length(size_t a, size_t b, const char *name)
{
    if (a != b)
        return cx__error_param(CX_EINVAL, name, "%s has %zu entries; expected %zu", name, b, a);
    return CX_OK;
}

CX_API cx_status cx_acc_add_columns(cx_acc *acc, const double *ratings, size_t n_ratings,
                                    const double *weights, size_t n_weights)
{
    if (n_weights != 0) {
        cx_status st = same_length(n_ratings, n_weights, "weights");
        if (st != CX_OK)
            return st;
    }
    return cx_acc_add_array(acc, ratings, n_weights ? weights : NULL, n_ratings);
}

CX_API cx_status cx_acc_nps_values(double *out, size_t n_out, const cx_acc *acc,
                                   double detractor_max, double promoter_min, double level,
                                   int method)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = same_length(9, n_out, "out");
    if (st != CX_OK)
        return st;
    cx_nps_buckets b;
    cx_nps_buckets_init(&b, CX_NPS_BUCKETS_VERSION);
    b.detractor_max = detractor_max;
    b.promoter_min = promoter_min;
    cx_nps_result r;
    st = cx_acc_nps(&r, acc, &b, level, method);
    if (st != CX_OK)
        return st;
    double v[9] = {r.nps, r.se, r.lo, r.hi, r.promoters, r.passives, r.detractors, r.n, r.n_eff};
    memcpy(out, v, sizeof v);
    return CX_OK;
}

CX_API cx_status cx_scores_group_columns(cx_scores **out, const int64_t *codes, size_t n_codes,
                                         const double *ratings, size_t n_ratings,
                                         const double *weights, size_t n_weights, size_t n_groups,
                                         int scale_min, int scale_max)
{
    cx_status st = same_length(n_codes, n_ratings, "ratings");
    if (st == CX_OK && n_weights != 0)
        st = same_length(n_codes, n_weights, "weights");
    if (st != CX_OK)
        return st;
    return cx_scores_group_codes(out, codes, ratings, n_weights ? weights : NULL, n_codes, n_groups,
                                 scale_min, scale_max);
}

CX_API cx_status cx_scores_shrink_values(double *out, size_t n_out, const cx_scores *t, int kind,
                                         double threshold)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(t != NULL);
    cx_status st = same_length(2 * t->n_groups + 2, n_out, "out");
    if (st != CX_OK)
        return st;
    size_t g = t->n_groups;
    return cx_scores_shrink(out, out + g, out + 2 * g, g, t, kind, threshold);
}

CX_API cx_status cx_gap_paired_values(double *out, size_t n_out, const double *a, size_t n_a,
                                      const double *b, size_t n_b, double superior, double level)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = same_length(14, n_out, "out");
    if (st == CX_OK)
        st = same_length(n_a, n_b, "b");
    if (st != CX_OK)
        return st;
    cx_gap_result r;
    st = cx_gap_paired(&r, a, b, n_a, superior, level);
    if (st != CX_OK)
        return st;
    double v[14] = {r.n,       r.mean_a, r.mean_b, r.gap,      r.lo,     r.hi,     r.t,
                    r.p_value, r.top_a,  r.top_b,  r.top_diff, r.top_lo, r.top_hi, r.mcnemar_p};
    memcpy(out, v, sizeof v);
    return CX_OK;
}

CX_API cx_status cx_servqual_values(double *out, size_t n_out, const double *p, size_t n_p,
                                    const double *e, size_t n_e, const double *dims, size_t k,
                                    const double *importance, size_t n_importance)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(k > 0);
    cx_status st = same_length(k + 7, n_out, "out");
    if (st == CX_OK)
        st = same_length(n_p, n_e, "e");
    if (st == CX_OK && n_p % k != 0)
        st = cx__error_param(CX_EINVAL, "p", "%zu entries is not a multiple of %zu items", n_p, k);
    size_t n = n_p / k;
    if (st == CX_OK && n_importance != 0)
        st = same_length(n * CX_SERVQUAL_DIMS, n_importance, "importance");
    if (st != CX_OK)
        return st;
    int *dim = cx__malloc_array(k, sizeof *dim);
    if (!dim)
        return cx__enomem();
    for (size_t j = 0; j < k; j++)
        dim[j] = dims[j] >= 0.0 && dims[j] < CX_SERVQUAL_DIMS && dims[j] == floor(dims[j])
                     ? (int)dims[j]
                     : -1;
    double dg[CX_SERVQUAL_DIMS], overall, weighted;
    double *items = cx__malloc_array(k, sizeof *items);
    st = items ? cx_servqual(items, dg, &overall, &weighted, p, e, dim, n, k,
                             n_importance ? importance : NULL)
               : cx__enomem();
    if (st == CX_OK) {
        memcpy(out, items, k * sizeof *out);
        memcpy(out + k, dg, sizeof dg);
        out[k + 5] = overall;
        out[k + 6] = weighted;
    }
    cx__free(items);
    cx__free(dim);
    return st;
}

CX_API cx_status cx_scores_group_log(cx_scores **out, const cx_log *log, int rating_field,
                                     const int64_t *by, size_t n_by, int period,
                                     const double *weights, size_t n_weights, int scale_min,
                                     int scale_max)
{
    CX_CHECK_ARG(by != NULL || n_by == 0);
    if (n_by > 8)
        return cx__error_param(CX_EINVAL, "by", "at most 8 key fields, got %zu", n_by);
    int keys[8];
    for (size_t q = 0; q < n_by; q++) {
        if (by[q] < 0 || by[q] > 64)
            return cx__error_param(CX_EINVAL, "by", "field %lld is not a key field",
                                   (long long)by[q]);
        keys[q] = (int)by[q];
    }
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    o.rating_field = rating_field;
    o.by = keys;
    o.n_by = n_by;
    o.period = period;
    o.weights = n_weights ? weights : NULL;
    o.n_weights = n_weights;
    o.scale_min = scale_min;
    o.scale_max = scale_max;
    return cx_scores_group(out, log, &o);
}
