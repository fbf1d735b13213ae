/* Subset R² by the sweep operator (Goodnight 1979) walked in Gray-code order: each step adds or
 * removes one driver, an O(p²) update of the (p+1) x (p+1) correlation matrix, so all 2^p subset
 * R² values cost O(2^p p²) instead of O(2^p p³). REFERENCE.md section 3.1. */
#include <math.h>
#include <string.h>

#include "drivers_internal.h"

/* ri -= f * rk over m entries; separate restrict pointers so the compiler vectorises it. */
static void axpy_row(double *restrict ri, const double *restrict rk, double f, size_t m)
{
    for (size_t j = 0; j < m; j++)
        ri[j] -= f * rk[j];
}

double cx__sweep(double *a, size_t m, size_t k, int reverse)
{
    double d = a[k * m + k], inv = 1.0 / d, sgn = reverse ? -inv : inv;
    double rk[CX_DRIVERS_EXACT_LIMIT + 1], *rkp = rk, *heap = NULL;
    if (m > CX_DRIVERS_EXACT_LIMIT + 1) { /* sampled LMG with many drivers: update in place */
        heap = a + k * m;
        rkp = heap;
    } else {
        memcpy(rk, a + k * m, m * sizeof *rk);
    }
    for (size_t i = 0; i < m; i++) {
        if (i == k)
            continue;
        double *ri = a + i * m, aik = ri[k];
        if (heap) {
            for (size_t j = 0; j < m; j++)
                ri[j] -= aik * inv * rkp[j];
        } else {
            axpy_row(ri, rkp, aik * inv, m);
        }
        ri[k] = aik * sgn;
    }
    double *row = a + k * m;
    for (size_t j = 0; j < m; j++)
        row[j] = rkp[j] * sgn;
    row[k] = -inv;
    return d;
}

cx_status cx__drivers_sweep_all(double *work, const double *corr, size_t p)
{
    size_t m = p + 1;
    memcpy(work, corr, m * m * sizeof *work);
    for (size_t k = 0; k < p; k++) {
        double piv = work[k * m + k];
        if (!(piv > CX__SWEEP_TOL))
            return cx__error_param(CX_ESINGULAR, "x",
                                   "driver %zu is collinear with drivers 0..%zu (1 - R² = %.3g)", k,
                                   k == 0 ? 0 : k - 1, piv);
        cx__sweep(work, m, k, 0);
    }
    return CX_OK;
}

static void anchor(double *a, const double *corr, size_t p, uint64_t mask)
{
    size_t m = p + 1;
    memcpy(a, corr, m * m * sizeof *a);
    for (size_t k = 0; k < p; k++)
        if (mask >> k & 1u)
            cx__sweep(a, m, k, 0);
}

cx_status cx__subset_r2(double *r2, const double *corr, size_t p)
{
    size_t m = p + 1;
    double *a = cx__malloc_array(m * m, sizeof *a);
    if (!a)
        return cx__enomem();
    memcpy(a, corr, m * m * sizeof *a);
    uint64_t mask = 0, total = (uint64_t)1 << p;
    r2[0] = 0.0;
    for (uint64_t i = 1; i < total; i++) {
        unsigned k = (unsigned)__builtin_ctzll(i);
        mask ^= (uint64_t)1 << k;
        if ((i & 4095u) == 0)
            anchor(a, corr, p, mask);
        else
            cx__sweep(a, m, k, !(mask >> k & 1u));
        r2[mask] = 1.0 - a[p * m + p];
    }
    cx__free(a);
    return CX_OK;
}

void cx__lmg_from_r2(double *cond, double *lmg, const double *r2, size_t p)
{
    uint64_t total = (uint64_t)1 << p;
    memset(cond, 0, p * p * sizeof *cond);
    for (uint64_t s = 0; s < total; s++) {
        unsigned k = (unsigned)__builtin_popcountll(s);
        if (k == p)
            continue;
        double base = r2[s];
        for (size_t j = 0; j < p; j++)
            if (!(s >> j & 1u))
                cond[j * p + k] += r2[s | (uint64_t)1 << j] - base;
    }
    /* Divide the sums at size k by C(p-1, k), the number of subsets of the other drivers. */
    double binom = 1.0;
    for (size_t k = 0; k < p; k++) {
        for (size_t j = 0; j < p; j++)
            cond[j * p + k] /= binom;
        binom = binom * (double)(p - 1 - k) / (double)(k + 1);
    }
    for (size_t j = 0; j < p; j++) {
        double sum = 0.0;
        for (size_t k = 0; k < p; k++)
            sum += cond[j * p + k];
        lmg[j] = sum / (double)p;
    }
}

cx_status cx__lmg_sampled(double *lmg, const double *corr, size_t p, size_t samples,
                          struct cx_rng *rng)
{
    size_t m = p + 1;
    double *a = cx__malloc_array(m * m, sizeof *a);
    size_t *perm = cx__malloc_array(p, sizeof *perm);
    double *sum = cx__calloc(p, sizeof *sum);
    if (!a || !perm || !sum) {
        cx__free(a);
        cx__free(perm);
        cx__free(sum);
        return cx__enomem();
    }
    for (size_t j = 0; j < p; j++)
        perm[j] = j;
    for (size_t s = 0; s < samples; s++) {
        for (size_t j = p - 1; j > 0; j--) { /* Fisher-Yates */
            size_t q = (size_t)cx__rng_below(rng, j + 1), t = perm[j];
            perm[j] = perm[q];
            perm[q] = t;
        }
        memcpy(a, corr, m * m * sizeof *a);
        double prev = 0.0;
        for (size_t t = 0; t < p; t++) {
            cx__sweep(a, m, perm[t], 0);
            double now = 1.0 - a[p * m + p];
            sum[perm[t]] += now - prev;
            prev = now;
        }
    }
    for (size_t j = 0; j < p; j++)
        lmg[j] = sum[j] / (double)samples;
    cx__free(a);
    cx__free(perm);
    cx__free(sum);
    return CX_OK;
}
