/* The group-by result table and the fast grouped tally over integer group codes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scores_internal.h"

void cx__scores_free_impl(cx_scores *t)
{
    if (!t)
        return;
    if (t->accs)
        for (size_t g = 0; g < t->n_groups; g++)
            cx_acc_free(t->accs[g]);
    cx__free(t->accs);
    if (t->labels)
        for (size_t i = 0; i < t->n_groups * t->n_keys; i++)
            cx__free(t->labels[i]);
    cx__free(t->labels);
    if (t->key_names)
        for (size_t i = 0; i < t->n_keys; i++)
            cx__free(t->key_names[i]);
    cx__free(t->key_names);
    cx__free(t->period_start);
    cx__free(t);
}

CX_API void cx_scores_free(cx_scores *t)
{
    cx__scores_free_impl(t);
}

cx_status cx__scores_alloc(cx_scores **out, size_t n_groups, size_t n_keys, int with_period)
{
    cx_scores *t = cx__calloc(1, sizeof *t);
    if (!t)
        return cx__enomem();
    t->n_groups = n_groups;
    t->n_keys = n_keys;
    t->accs = cx__calloc(n_groups, sizeof *t->accs);
    t->labels = cx__calloc(n_groups * n_keys, sizeof *t->labels);
    t->key_names = cx__calloc(n_keys, sizeof *t->key_names);
    if (with_period)
        t->period_start = cx__calloc(n_groups, sizeof *t->period_start);
    if (!t->accs || !t->labels || !t->key_names || (with_period && !t->period_start)) {
        cx__scores_free_impl(t);
        return cx__enomem();
    }
    *out = t;
    return CX_OK;
}

cx_status cx__tally(cx_acc **accs, const int64_t *codes, const double *ratings,
                    const double *weights, size_t n, size_t n_groups, int smin, int smax)
{
    size_t k = (size_t)(smax - smin) + 1;
    uint64_t *cnt = cx__calloc(n_groups * k, sizeof *cnt);
    double *w = weights ? cx__calloc(n_groups * k, sizeof *w) : NULL;
    double *w2 = weights ? cx__calloc(n_groups * k, sizeof *w2) : NULL;
    if (!cnt || (weights && (!w || !w2))) {
        cx__free(cnt);
        cx__free(w);
        cx__free(w2);
        return cx__enomem();
    }
    cx_status st = CX_OK;
    double top = (double)(k - 1), lo = (double)smin;
    if (!weights) {
        for (size_t i = 0; i < n; i++) {
            int64_t c = codes[i];
            double t = ratings[i] - lo;
            if (c < 0 || t != t)
                continue;
            if (CX_UNLIKELY(!(t >= 0.0 && t <= top) || t != (double)(size_t)t ||
                            (uint64_t)c >= n_groups)) {
                st = (uint64_t)c >= n_groups
                         ? cx__error_param(CX_EINVAL, "codes", "code %zu is %lld; must be < %zu", i,
                                           (long long)c, n_groups)
                         : cx__error_param(CX_EINVAL, "ratings",
                                           "rating %zu is %g: not an integer on the scale %d..%d",
                                           i, ratings[i], smin, smax);
                break;
            }
            cnt[(size_t)c * k + (size_t)t]++;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            int64_t c = codes[i];
            double t = ratings[i] - lo, wi = weights[i];
            if (c < 0 || t != t)
                continue;
            if (CX_UNLIKELY(!(t >= 0.0 && t <= top) || t != (double)(size_t)t ||
                            (uint64_t)c >= n_groups || !(wi >= 0.0 && isfinite(wi)))) {
                st = (uint64_t)c >= n_groups
                         ? cx__error_param(CX_EINVAL, "codes", "code %zu is %lld; must be < %zu", i,
                                           (long long)c, n_groups)
                     : !(wi >= 0.0 && isfinite(wi))
                         ? cx__error_param(CX_EINVAL, "weights",
                                           "weight %zu is %g; must be finite and >= 0", i, wi)
                         : cx__error_param(CX_EINVAL, "ratings",
                                           "rating %zu is %g: not an integer on the scale %d..%d",
                                           i, ratings[i], smin, smax);
                break;
            }
            size_t j = (size_t)c * k + (size_t)t;
            cnt[j]++;
            w[j] += wi;
            w2[j] += wi * wi;
        }
    }
    for (size_t g = 0; g < n_groups && st == CX_OK; g++) {
        st = cx__acc_alloc(&accs[g], smin, smax);
        if (st != CX_OK)
            break;
        for (size_t j = 0; j < k; j++) {
            uint64_t c = cnt[g * k + j];
            accs[g]->count[j] = c;
            accs[g]->w[j] = weights ? w[g * k + j] : (double)c;
            accs[g]->w2[j] = weights ? w2[g * k + j] : (double)c;
        }
    }
    cx__free(cnt);
    cx__free(w);
    cx__free(w2);
    return st;
}

CX_API cx_status cx_scores_group_codes(cx_scores **out, const int64_t *codes, const double *ratings,
                                       const double *weights, size_t n, size_t n_groups,
                                       int scale_min, int scale_max)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(codes != NULL || n == 0);
    CX_CHECK_ARG(ratings != NULL || n == 0);
    cx_acc *probe; /* validates the scale with the accumulator's own checks */
    cx_status st = cx_acc_new(&probe, scale_min, scale_max);
    if (st != CX_OK)
        return st;
    cx_acc_free(probe);
    cx_scores *t;
    st = cx__scores_alloc(&t, n_groups, 1, 0);
    if (st != CX_OK)
        return st;
    t->key_names[0] = cx__strdup("group");
    if (!t->key_names[0])
        st = cx__enomem();
    for (size_t g = 0; g < n_groups && st == CX_OK; g++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", g);
        t->labels[g] = cx__strdup(buf);
        if (!t->labels[g])
            st = cx__enomem();
    }
    if (st == CX_OK)
        st = cx__tally(t->accs, codes, ratings, weights, n, n_groups, scale_min, scale_max);
    if (st != CX_OK) {
        cx__scores_free_impl(t);
        return st;
    }
    *out = t;
    return CX_OK;
}

CX_API size_t cx_scores_groups(const cx_scores *t)
{
    return t ? t->n_groups : 0;
}

CX_API size_t cx_scores_keys(const cx_scores *t)
{
    return t ? t->n_keys : 0;
}

CX_API cx_status cx_scores_key_name(const char **out, const cx_scores *t, size_t key)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(t != NULL);
    if (key >= t->n_keys)
        return cx__error_param(CX_ERANGE, "key", "key %zu out of range (%zu keys)", key, t->n_keys);
    *out = t->key_names[key];
    return CX_OK;
}

CX_API cx_status cx_scores_key(const char **out, const cx_scores *t, size_t group, size_t key)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(t != NULL);
    if (group >= t->n_groups)
        return cx__error_param(CX_ERANGE, "group", "group %zu out of range (%zu groups)", group,
                               t->n_groups);
    if (key >= t->n_keys)
        return cx__error_param(CX_ERANGE, "key", "key %zu out of range (%zu keys)", key, t->n_keys);
    *out = t->labels[group * t->n_keys + key];
    return CX_OK;
}

CX_API cx_status cx_scores_period_start(int64_t *out, const cx_scores *t, size_t group)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(t != NULL);
    if (!t->period_start)
        return cx__error(CX_ESTATE, "the table was not grouped by a period");
    if (group >= t->n_groups)
        return cx__error_param(CX_ERANGE, "group", "group %zu out of range", group);
    *out = t->period_start[group];
    return CX_OK;
}

CX_API cx_status cx_scores_acc(const cx_acc **out, const cx_scores *t, size_t group)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(t != NULL);
    if (group >= t->n_groups)
        return cx__error_param(CX_ERANGE, "group", "group %zu out of range (%zu groups)", group,
                               t->n_groups);
    *out = t->accs[group];
    return CX_OK;
}

CX_API cx_status cx_scores_set_periods(cx_scores *t, const int64_t *starts, size_t n)
{
    CX_CHECK_ARG(t != NULL);
    CX_CHECK_ARG(starts != NULL || n == 0);
    if (n != t->n_groups)
        return cx__error_param(CX_EINVAL, "n", "%zu period starts for %zu groups", n, t->n_groups);
    for (size_t g = 0; g < n; g++)
        if (starts[g] == CX_TIME_ABSENT)
            return cx__error_param(CX_EINVAL, "starts", "period start %zu is absent", g);
    int64_t *p = t->period_start;
    if (!p && !(p = cx__malloc_array(n, sizeof *p)))
        return cx__enomem();
    memcpy(p, starts, n * sizeof *p);
    t->period_start = p;
    return CX_OK;
}
