/*
 * Sums over data rows in fixed blocks, run on threads and combined in block order, so that a
 * log-likelihood (or any other row sum) is bit-identical for every thread count.
 */
#include <string.h>

#include "clv_internal.h"
#include "parallel.h"

typedef struct sum_job {
    double *part;
    size_t nacc, n;
    cx__clv_rows_fn fn;
    const void *ctx;
} sum_job;

static cx_status sum_block(void *vjob, size_t b)
{
    const sum_job *j = vjob;
    double *acc = j->part + b * j->nacc;
    const size_t lo = b * CX__CLV_BLOCK, hi = lo + CX__CLV_BLOCK < j->n ? lo + CX__CLV_BLOCK : j->n;
    memset(acc, 0, j->nacc * sizeof *acc);
    return j->fn(acc, j->ctx, lo, hi);
}

cx_status cx__clv_sum_rows(double *acc, size_t nacc, size_t n, int n_threads, cx__clv_rows_fn fn,
                           const void *ctx)
{
    memset(acc, 0, nacc * sizeof *acc);
    if (n <= CX__CLV_BLOCK) /* one block: no scratch, no threads */
        return fn(acc, ctx, 0, n);
    const size_t nb = (n + CX__CLV_BLOCK - 1) / CX__CLV_BLOCK;
    double *part = cx__malloc_array(nb * nacc, sizeof *part);
    if (!part)
        return cx__enomem();
    sum_job j = {part, nacc, n, fn, ctx};
    /* a few blocks do not pay for starting a thread (tens of microseconds) */
    const int nt = n_threads < 1 || nb < CX__CLV_MIN_THREADED_BLOCKS ? 1 : n_threads;
    cx_status st = cx__parallel_for(nb, nt, sum_block, &j);
    if (st == CX_OK)
        for (size_t b = 0; b < nb; b++)
            for (size_t k = 0; k < nacc; k++)
                acc[k] += part[b * nacc + k];
    cx__free(part);
    return st;
}
