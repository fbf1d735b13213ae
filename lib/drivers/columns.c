/* Binding-friendly forms of the drivers API: separate array lengths, flat numeric results. */
#include <math.h>
#include <string.h>

#include "drivers_internal.h"

static cx_status same_length(size_t want, size_t got, const char *name)
{
    if (want != got)
        return cx__error_param(CX_EINVAL, name, "%s has %zu entries; expected %zu", name, got,
                               want);
    return CX_OK;
}

CX_API cx_status cx_drivers_fit_columns(cx_drivers **out, const double *x, size_t n_x,
                                        const double *y, size_t n_y, const double *w, size_t n_w,
                                        size_t p, const cx_drivers_options *opts)
{
    CX_CHECK_ARG(p > 0);
    cx_status st = same_length(n_y * p, n_x, "x");
    if (st == CX_OK && n_w != 0)
        st = same_length(n_y, n_w, "w");
    if (st != CX_OK)
        return st;
    return cx_drivers_fit(out, x, y, n_w ? w : NULL, n_y, p, opts);
}

CX_API cx_status cx_drivers_complete_values(double *out, size_t n_out, const cx_drivers *d)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(d != NULL);
    size_t p = cx_drivers_count(d);
    cx_status st = same_length(p * p, n_out, "out");
    if (st != CX_OK)
        return st;
    int *tmp = cx__malloc_array(p * p, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    st = cx_drivers_complete(tmp, p, d);
    for (size_t i = 0; st == CX_OK && i < p * p; i++)
        out[i] = tmp[i];
    cx__free(tmp);
    return st;
}

CX_API cx_status cx_kano_classify_values(double *out, size_t n_out, const double *functional,
                                         size_t n_f, const double *dysfunctional, size_t n_d)
{
    cx_status st = same_length(n_f, n_d, "dysfunctional");
    if (st == CX_OK)
        st = same_length(n_f, n_out, "out");
    if (st != CX_OK)
        return st;
    int *tmp = cx__malloc_array(n_f, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    st = cx_kano_classify(tmp, functional, dysfunctional, n_f);
    for (size_t i = 0; st == CX_OK && i < n_f; i++)
        out[i] = tmp[i];
    cx__free(tmp);
    return st;
}

CX_API cx_status cx_kano_feature_values(double *out, size_t n_out, const double *functional,
                                        size_t n_f, const double *dysfunctional, size_t n_d)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = same_length(n_f, n_d, "dysfunctional");
    if (st == CX_OK)
        st = same_length(10, n_out, "out");
    if (st != CX_OK)
        return st;
    cx_kano_result r;
    st = cx_kano_feature(&r, functional, dysfunctional, n_f);
    if (st != CX_OK)
        return st;
    memcpy(out, r.counts, sizeof r.counts);
    out[6] = r.category;
    out[7] = r.mixed;
    out[8] = r.better;
    out[9] = r.worse;
    return CX_OK;
}

CX_API cx_status cx_ipa_quadrants_values(double *out, size_t n_out, const double *importance,
                                         size_t n_i, const double *performance, size_t n_p,
                                         double importance_cut, double performance_cut)
{
    cx_status st = same_length(n_i, n_p, "performance");
    if (st == CX_OK)
        st = same_length(n_i, n_out, "out");
    if (st != CX_OK)
        return st;
    int *tmp = cx__malloc_array(n_i ? n_i : 1, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    st = cx_ipa_quadrants(tmp, importance, performance, n_i, importance_cut, performance_cut);
    for (size_t i = 0; st == CX_OK && i < n_i; i++)
        out[i] = tmp[i];
    cx__free(tmp);
    return st;
}
