/* Design matrices and strata for adjustment (see design.h). */
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cx__design_free(cx__design *d)
{
    if (!d)
        return;
    for (size_t j = 0; d->names && j < d->p; j++)
        cx__free(d->names[j]);
    cx__free(d->names);
    cx__free(d->x);
    cx__free(d->ok);
    cx__free(d->stratum);
    memset(d, 0, sizeof *d);
}

/* Values of one term for the records: derived column or index-row field. *levels > 0 for a
 * categorical term (values are level codes 0..levels-1, NaN absent). */
static cx_status term_values(double *v, size_t *levels, char ***level_names, const cx__panel *p,
                             const cx__outcome *o, size_t n, const char *name)
{
    *levels = 0;
    *level_names = NULL;
    static const char *derived[] = {"spend_before", "tenure_days", "contacts_before"};
    for (int k = 0; k < 3; k++)
        if (strcmp(name, derived[k]) == 0) {
            for (size_t i = 0; i < n; i++)
                v[i] = k == 0   ? o[i].spend_before
                       : k == 1 ? o[i].tenure_days
                                : o[i].contacts_before;
            return CX_OK;
        }
    cx_field f;
    if (cx_field_from_name(&f, name) != CX_OK || f == CX_FIELD_CUSTOMER || f == CX_FIELD_ID ||
        f == CX_FIELD_FEEDBACK)
        return cx__error_param(CX_EINVAL, "confounders",
                               "unknown variable '%s' (use a numeric or categorical log field, "
                               "spend_before, tenure_days or contacts_before)",
                               name);
    int kind = cx_field_kind_of(f);
    size_t rows = p->nrows;
    if (kind == CX_KIND_STRING || kind == CX_KIND_CHANNEL) {
        int64_t *codes = cx__malloc_array(rows, sizeof(int64_t));
        if (!codes)
            return cx__enomem();
        cx_status st = cx_log_get_i64(codes, rows, p->log, f);
        if (st) {
            cx__free(codes);
            return st;
        }
        /* compact the codes seen among the records to 0..L-1 in order of first appearance */
        int64_t maxc = 0;
        for (size_t i = 0; i < n; i++)
            if (codes[o[i].row] > maxc)
                maxc = codes[o[i].row];
        int64_t *map = cx__malloc_array((size_t)maxc + 1, sizeof(int64_t));
        char **names = cx__calloc((size_t)maxc + 1, sizeof(char *));
        if (!map || !names) {
            cx__free(codes);
            cx__free(map);
            cx__free(names);
            return cx__enomem();
        }
        for (int64_t c = 0; c <= maxc; c++)
            map[c] = -1;
        size_t L = 0;
        st = CX_OK;
        for (size_t i = 0; i < n && !st; i++) {
            int64_t c = codes[o[i].row];
            if (kind == CX_KIND_CHANNEL && c == CX_CHANNEL_UNKNOWN)
                c = -1;
            if (c < 0) {
                v[i] = NAN;
                continue;
            }
            if (map[c] < 0) {
                const char *s = NULL;
                if (kind == CX_KIND_CHANNEL)
                    s = cx_channel_name((int)c);
                else
                    cx_log_dict_get(&s, p->log, f, (size_t)c);
                names[L] = cx__strdup(s ? s : "?");
                if (!names[L])
                    st = cx__enomem();
                map[c] = (int64_t)L++;
            }
            v[i] = (double)map[c];
        }
        cx__free(codes);
        cx__free(map);
        if (st) {
            for (size_t k = 0; k < L; k++)
                cx__free(names[k]);
            cx__free(names);
            return st;
        }
        *levels = L;
        *level_names = names;
        return CX_OK;
    }
    double *all = cx__malloc_array(rows, sizeof(double));
    if (!all)
        return cx__enomem();
    cx_status st = cx_log_get_f64(all, rows, p->log, f);
    if (!st)
        for (size_t i = 0; i < n; i++)
            v[i] = all[o[i].row];
    cx__free(all);
    return st;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = cx__malloc(la + lb + 2);
    if (s) {
        memcpy(s, a, la);
        s[la] = '=';
        memcpy(s + la + 1, b, lb + 1);
    }
    return s;
}

cx_status cx__design_build(cx__design *d, const cx__panel *p, const cx__outcome *o, size_t n,
                           const char *spec)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->ok = cx__malloc_array(n ? n : 1, 1);
    d->stratum = cx__calloc(n ? n : 1, sizeof(uint64_t));
    double *v = cx__malloc_array(n ? n : 1, sizeof(double));
    double *tmp = cx__malloc_array(n ? n : 1, sizeof(double));
    char *copy = cx__strdup(spec ? spec : "");
    cx_status st = CX_OK;
    if (!d->ok || !d->stratum || !v || !tmp || !copy) {
        st = cx__enomem();
        goto done;
    }
    memset(d->ok, 1, n);
    uint64_t radix = 1;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t tl = strlen(tok);
        while (tl > 0 && tok[tl - 1] == ' ')
            tok[--tl] = 0;
        if (!*tok)
            continue;
        size_t L;
        char **lv = NULL;
        if ((st = term_values(v, &L, &lv, p, o, n, tok)))
            goto done;
        size_t add = L > 1 ? L - 1 : (L == 1 ? 0 : 1);
        double *nx = cx__malloc_array(n ? n : 1, (d->p + add) * sizeof(double));
        char **nn = cx__realloc_array(d->names, d->p + add + 1, sizeof(char *));
        if (nn)
            d->names = nn;
        if (!nx || !nn) {
            cx__free(nx);
            for (size_t k = 0; k < L; k++)
                cx__free(lv[k]);
            cx__free(lv);
            st = cx__enomem();
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d->p; j++)
                nx[i * (d->p + add) + j] = d->x[i * d->p + j];
        size_t q = d->p + add;
        for (size_t j = 0; j < add; j++)
            d->names[d->p + j] = NULL;
        int oom = 0;
        if (L == 0) {
            d->names[d->p] = cx__strdup(tok);
            oom = !d->names[d->p];
        } else {
            for (size_t j = 1; j < L; j++) { /* level 0 is the reference */
                d->names[d->p + j - 1] = join(tok, lv[j]);
                oom |= !d->names[d->p + j - 1];
            }
        }
        for (size_t k = 0; k < L; k++)
            cx__free(lv[k]);
        cx__free(lv);
        /* strata: the level, or the quartile of a numeric term */
        double q1 = 0, q2 = 0, q3 = 0;
        size_t m = 0;
        if (L == 0) {
            for (size_t i = 0; i < n; i++)
                if (!isnan(v[i]))
                    tmp[m++] = v[i];
            qsort(tmp, m, sizeof(double), dbl_cmp);
            if (m > 0) {
                q1 = tmp[m / 4];
                q2 = tmp[m / 2];
                q3 = tmp[(3 * m) / 4];
            }
        }
        uint64_t nb = L > 0 ? L : 4;
        for (size_t i = 0; i < n; i++) {
            double *row = nx + i * q;
            if (isnan(v[i])) {
                d->ok[i] = 0;
                for (size_t j = d->p; j < q; j++)
                    row[j] = 0;
                continue;
            }
            uint64_t bin;
            if (L == 0) {
                row[d->p] = v[i];
                bin = v[i] < q1 ? 0 : v[i] < q2 ? 1 : v[i] < q3 ? 2 : 3;
            } else {
                for (size_t j = 1; j < L; j++)
                    row[d->p + j - 1] = v[i] == (double)j;
                bin = (uint64_t)v[i];
            }
            d->stratum[i] += bin * radix;
        }
        if (radix > UINT64_MAX / (nb ? nb : 1))
            radix = 1; /* absurdly many strata: keys may collide, only stratification suffers */
        else
            radix *= nb;
        cx__free(d->x);
        d->x = nx;
        d->p = q;
        if (oom) {
            st = cx__enomem();
            goto done;
        }
    }
done:
    cx__free(v);
    cx__free(tmp);
    cx__free(copy);
    if (st)
        cx__design_free(d);
    return st;
}

size_t cx__design_prune(cx__design *d)
{
    size_t keep = 0, dropped = 0;
    for (size_t j = 0; j < d->p; j++) {
        double first = NAN;
        int constant = 1;
        for (size_t i = 0; i < d->n && constant; i++) {
            if (!d->ok[i])
                continue;
            double v = d->x[i * d->p + j];
            if (isnan(first))
                first = v;
            else if (v != first)
                constant = 0;
        }
        if (constant) {
            cx__free(d->names[j]);
            dropped++;
            continue;
        }
        for (size_t i = 0; i < d->n; i++)
            d->x[i * d->p + keep] = d->x[i * d->p + j]; /* in place: keep <= j, row-major */
        d->names[keep++] = d->names[j];
    }
    if (dropped) {
        /* compact rows to the new width */
        for (size_t i = 0; i < d->n; i++)
            for (size_t j = 0; j < keep; j++)
                d->x[i * keep + j] = d->x[i * d->p + j];
        d->p = keep;
    }
    return dropped;
}
