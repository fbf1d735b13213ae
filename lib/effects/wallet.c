/* Wallet Allocation Rule (Keiningham, Aksoy, Buoye & Cooil 2011):
 * SoW = (1 - rank / (N + 1)) * (2 / N), ranks 1 = best, average ranks for ties. */
#include <cxkit/effects.h>

#include <math.h>
#include <stdlib.h>

#include "internal.h"

cx_status cx_wallet_share_from_ranks(double *share, const double *rank, const double *n_brands,
                                     size_t n)
{
    CX_CHECK_ARG(share != NULL);
    CX_CHECK_ARG(rank != NULL);
    CX_CHECK_ARG(n_brands != NULL);
    for (size_t i = 0; i < n; i++) {
        double nb = n_brands[i];
        if (!(nb >= 1 && nb == floor(nb) && nb < 1e9))
            return cx__error_param(CX_EINVAL, "n_brands",
                                   "n_brands[%zu] = %g: must be an integer >= 1", i, nb);
        if (!(rank[i] >= 1 && rank[i] <= nb))
            return cx__error_param(CX_EINVAL, "rank", "rank[%zu] = %g: must be in [1, %g]", i,
                                   rank[i], nb);
    }
    for (size_t i = 0; i < n; i++)
        share[i] = (1 - rank[i] / (n_brands[i] + 1)) * (2 / n_brands[i]);
    return CX_OK;
}

typedef struct row {
    double c, s;
    size_t i;
} row;

static int row_cmp(const void *pa, const void *pb)
{
    const row *a = pa, *b = pb;
    if (a->c != b->c)
        return a->c < b->c ? -1 : 1;
    if (a->s != b->s)
        return a->s > b->s ? -1 : 1; /* best score first */
    return (a->i > b->i) - (a->i < b->i);
}

cx_status cx_wallet_share_from_scores(double *share, double *rank, const double *customer,
                                      const double *score, size_t n)
{
    CX_CHECK_ARG(share != NULL);
    CX_CHECK_ARG(customer != NULL);
    CX_CHECK_ARG(score != NULL);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(customer[i]))
            return cx__error_param(CX_EINVAL, "customer", "customer[%zu] is not finite", i);
        if (!isfinite(score[i]))
            return cx__error_param(CX_EINVAL, "score",
                                   "score[%zu] = %g: every brand a customer uses needs a score", i,
                                   score[i]);
    }
    row *r = cx__malloc_array(n, sizeof *r);
    if (!r)
        return cx__enomem();
    for (size_t i = 0; i < n; i++) {
        r[i].c = customer[i];
        r[i].s = score[i];
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, row_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && r[b].c == r[a].c)
            b++;
        double nb = (double)(b - a);
        for (size_t u = a; u < b;) {
            size_t v = u;
            while (v < b && r[v].s == r[u].s)
                v++;
            double avg = ((double)(u - a) + 1 + (double)(v - a)) / 2; /* ranks u-a+1 .. v-a */
            for (size_t k = u; k < v; k++) {
                share[r[k].i] = (1 - avg / (nb + 1)) * (2 / nb);
                if (rank)
                    rank[r[k].i] = avg;
            }
            u = v;
        }
        a = b;
    }
    cx__free(r);
    return CX_OK;
}
