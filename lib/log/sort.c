/* Sorting by customer and time, journeys of one customer, and row selection. */
#include "log_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- sort ---- */

/* qsort over customer codes by their strings (codes are distinct, so the order is total). */
static _Thread_local const cx__dict *sort_dict;
static int cmp_code(const void *a, const void *b)
{
    return strcmp(cx__dict_str(sort_dict, *(const uint32_t *)a),
                  cx__dict_str(sort_dict, *(const uint32_t *)b));
}

/* Stable merge sort of idx[0..n) by key[idx], using tmp (n entries). */
static void merge_sort(uint32_t *idx, uint32_t *tmp, size_t n, const int64_t *key)
{
    if (n < 24) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = idx[i];
            size_t j = i;
            while (j > 0 && key[idx[j - 1]] > key[v]) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(idx, tmp, h, key);
    merge_sort(idx + h, tmp, n - h, key);
    if (key[idx[h - 1]] <= key[idx[h]])
        return;
    memcpy(tmp, idx, h * sizeof *idx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        idx[k++] = key[idx[j]] < key[tmp[i]] ? idx[j++] : tmp[i++];
    while (i < h)
        idx[k++] = tmp[i++];
}

/* Permutation that sorts rows by (customer string, time), stably. */
cx_status cx__sort_permutation(uint32_t *perm, const int32_t *cust, const int64_t *time, size_t n,
                               const cx__dict *dict)
{
    size_t nc = dict->count;
    uint32_t *order = cx__malloc_array(nc + 1, sizeof *order);
    uint32_t *start = cx__calloc(nc + 1, sizeof *start);
    uint32_t *tmp = cx__malloc_array(n ? n : 1, sizeof *tmp);
    if (!order || !start || !tmp) {
        cx__free(order);
        cx__free(start);
        cx__free(tmp);
        return cx__enomem();
    }
    for (size_t c = 0; c < nc; c++)
        order[c] = (uint32_t)c;
    sort_dict = dict;
    qsort(order, nc, sizeof *order, cmp_code);
    /* rank[code] reuses tmp's first nc entries (n >= nc whenever codes are in use). */
    uint32_t *rank = tmp;
    uint32_t *rank_store = NULL;
    if (nc > n) {
        rank_store = cx__malloc_array(nc, sizeof *rank_store);
        if (!rank_store) {
            cx__free(order);
            cx__free(start);
            cx__free(tmp);
            return cx__enomem();
        }
        rank = rank_store;
    }
    for (size_t r = 0; r < nc; r++)
        rank[order[r]] = (uint32_t)r;
    /* counting sort by rank (stable) */
    for (size_t i = 0; i < n; i++)
        start[rank[cust[i]] + 1]++;
    for (size_t r = 0; r < nc; r++)
        start[r + 1] += start[r];
    memcpy(order, start, (nc + 1) * sizeof *order); /* order now holds group starts */
    for (size_t i = 0; i < n; i++)
        perm[start[rank[cust[i]]]++] = (uint32_t)i;
    cx__free(rank_store);
    /* within each customer, stable by time */
    for (size_t r = 0; r < nc; r++) {
        size_t b = order[r], e = order[r + 1];
        merge_sort(perm + b, tmp, e - b, time);
    }
    cx__free(order);
    cx__free(start);
    cx__free(tmp);
    return CX_OK;
}

/* Reorder every column of the log by perm (needs one scratch column of 8 * n bytes). */
static void apply_perm(void **cols, const size_t *sizes, int ncols, const uint32_t *perm, size_t n,
                       char *scratch)
{
    for (int f = 0; f < ncols; f++) {
        if (!cols[f])
            continue;
        size_t es = sizes[f];
        const char *src = cols[f];
        switch (es) {
        case 8:
            for (size_t i = 0; i < n; i++)
                memcpy(scratch + i * 8, src + (size_t)perm[i] * 8, 8);
            break;
        case 4:
            for (size_t i = 0; i < n; i++)
                memcpy(scratch + i * 4, src + (size_t)perm[i] * 4, 4);
            break;
        default:
            for (size_t i = 0; i < n; i++)
                scratch[i] = src[perm[i]];
        }
        memcpy(cols[f], scratch, n * es);
    }
}

cx_status cx__permute_columns(void **cols, const size_t *sizes, int ncols, const uint32_t *perm,
                              size_t n)
{
    char *scratch = cx__malloc_array(n ? n : 1, 8);
    if (!scratch)
        return cx__enomem();
    apply_perm(cols, sizes, ncols, perm, n, scratch);
    cx__free(scratch);
    return CX_OK;
}

cx_status cx_log_sort(cx_log *log)
{
    CX_CHECK_ARG(log != NULL);
    if (log->sorted || log->n < 2) {
        log->sorted = 1;
        return CX_OK;
    }
    if (log->n > UINT32_MAX)
        return cx__error(CX_ENOTSUP, "sorting more than 2^32 rows is not supported");
    uint32_t *perm = cx__malloc_array(log->n, sizeof *perm);
    char *scratch = cx__malloc_array(log->n, 8);
    cx_status st = perm && scratch ? CX_OK : cx__enomem();
    if (st == CX_OK)
        st = cx__sort_permutation(perm, log->col[CX_FIELD_CUSTOMER], log->col[CX_FIELD_TIME],
                                  log->n, &log->dict[CX_FIELD_CUSTOMER]);
    if (st == CX_OK) {
        size_t sizes[CX__NFIELDS];
        for (int f = 0; f < CX__NFIELDS; f++)
            sizes[f] = cx__kind_size(cx__kind(f));
        apply_perm(log->col, sizes, CX__NFIELDS, perm, log->n, scratch);
        log->sorted = 1;
    }
    cx__free(perm);
    cx__free(scratch);
    return st;
}

/* ---- journeys ---- */

cx_status cx_log_journey(size_t *begin, size_t *end, const cx_log *log, const char *customer)
{
    CX_CHECK_ARG(begin != NULL);
    CX_CHECK_ARG(end != NULL);
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(customer != NULL);
    if (!log->sorted)
        return cx__error(CX_ESTATE, "the log is not sorted; call cx_log_sort first");
    const cx__dict *d = &log->dict[CX_FIELD_CUSTOMER];
    int32_t code = cx__dict_find(d, customer, strlen(customer));
    if (code < 0)
        return cx__error_param(CX_ERANGE, "customer", "no customer '%s' in the log", customer);
    const int32_t *c = log->col[CX_FIELD_CUSTOMER];
    /* rows are ordered by customer string: binary search for the first row >= customer */
    size_t lo = 0, hi = log->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(cx__dict_str(d, (size_t)c[mid]), customer) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t e = lo;
    while (e < log->n && c[e] == code)
        e++;
    if (e == lo) /* interned but no row (cannot happen after a successful append) */
        return cx__error_param(CX_ERANGE, "customer", "no rows for customer '%s'", customer);
    *begin = lo;
    *end = e;
    return CX_OK;
}

cx_status cx_log_next_journey(size_t *begin, size_t *end, const cx_log *log, size_t from)
{
    CX_CHECK_ARG(begin != NULL);
    CX_CHECK_ARG(end != NULL);
    CX_CHECK_ARG(log != NULL);
    if (!log->sorted)
        return cx__error(CX_ESTATE, "the log is not sorted; call cx_log_sort first");
    if (from >= log->n)
        return cx__error_param(CX_ERANGE, "from", "no journey starts at row %zu (%zu rows)", from,
                               log->n);
    const int32_t *c = log->col[CX_FIELD_CUSTOMER];
    size_t e = from + 1;
    while (e < log->n && c[e] == c[from])
        e++;
    *begin = from;
    *end = e;
    return CX_OK;
}

/* ---- select ---- */

cx_status cx_log_filter_init(cx_log_filter *filter, unsigned version)
{
    CX_CHECK_ARG(filter != NULL);
    CX_CHECK_ARG(version == CX_LOG_FILTER_VERSION);
    memset(filter, 0, sizeof *filter);
    filter->version = version;
    filter->time_from = filter->time_to = CX_TIME_ABSENT;
    return CX_OK;
}

cx_status cx_log_select(cx_log **out, const cx_log *log, const cx_log_filter *filter)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(filter != NULL);
    CX_CHECK_ARG(filter->version == CX_LOG_FILTER_VERSION);
    CX_CHECK_ARG(filter->touchpoints != NULL || filter->n_touchpoints == 0);
    for (size_t i = 0; i < filter->n_touchpoints; i++)
        CX_CHECK_ARG(filter->touchpoints[i] != NULL);
    size_t n = log->n;
    const cx__dict *tpd = &log->dict[CX_FIELD_TOUCHPOINT];
    uint8_t *keep_tp = NULL;
    if (filter->touchpoints) {
        keep_tp = cx__calloc(tpd->count + 1, 1);
        if (!keep_tp)
            return cx__enomem();
        for (size_t i = 0; i < filter->n_touchpoints; i++) {
            int32_t c = cx__dict_find(tpd, filter->touchpoints[i], strlen(filter->touchpoints[i]));
            if (c >= 0)
                keep_tp[c] = 1;
        }
    }
    uint32_t *rows = cx__malloc_array(n ? n : 1, sizeof *rows);
    cx_log *sel = NULL;
    cx_status st = rows ? cx_log_new(&sel) : cx__enomem();
    if (st != CX_OK) {
        cx__free(keep_tp);
        cx__free(rows);
        return st;
    }
    const int64_t *t = log->col[CX_FIELD_TIME];
    const int8_t *ch = log->col[CX_FIELD_CHANNEL];
    const int32_t *tp = log->col[CX_FIELD_TOUCHPOINT];
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        if (filter->time_from != CX_TIME_ABSENT && t[r] < filter->time_from)
            continue;
        if (filter->time_to != CX_TIME_ABSENT && t[r] >= filter->time_to)
            continue;
        if (filter->channel_mask && !(filter->channel_mask & (1u << (ch ? ch[r] : 0))))
            continue;
        if (keep_tp && !(tp && tp[r] >= 0 && keep_tp[tp[r]]))
            continue;
        rows[k++] = (uint32_t)r;
    }
    cx__free(keep_tp);
    sel->cap = k ? k : 1;
    int32_t *remap = NULL;
    for (int f = 0; f < CX__NFIELDS && st == CX_OK; f++) {
        if (!log->col[f] || k == 0)
            continue;
        int kind = cx__kind(f);
        size_t es = cx__kind_size(kind);
        char *dst = cx__malloc_array(k, es);
        if (!dst) {
            st = cx__enomem();
            break;
        }
        sel->col[f] = dst;
        const char *src = log->col[f];
        if (kind != CX_KIND_STRING) {
            for (size_t i = 0; i < k; i++)
                memcpy(dst + i * es, src + (size_t)rows[i] * es, es);
            continue;
        }
        /* re-intern the strings in use, in order of first appearance in the selection */
        const cx__dict *d = &log->dict[f];
        remap = cx__malloc_array(d->count ? d->count : 1, sizeof *remap);
        if (!remap) {
            st = cx__enomem();
            break;
        }
        for (size_t c = 0; c < d->count; c++)
            remap[c] = -1;
        for (size_t i = 0; i < k && st == CX_OK; i++) {
            int32_t c = ((const int32_t *)src)[rows[i]];
            if (c >= 0 && remap[c] < 0)
                st = cx__dict_intern(&sel->dict[f], cx__dict_str(d, (size_t)c),
                                     cx__dict_len(d, (size_t)c), &remap[c]);
            ((int32_t *)dst)[i] = c >= 0 ? remap[c] : -1;
        }
        cx__free(remap);
        remap = NULL;
    }
    cx__free(rows);
    if (st != CX_OK) {
        cx_log_free(sel);
        return st;
    }
    sel->n = k;
    sel->sorted = log->sorted;
    *out = sel;
    return CX_OK;
}
