/*
 * The model object and maximum-likelihood fitting shared by every kind: validation, compression
 * of identical rows, the objective on log-parameters with lifetimes' L2 penalty, several
 * starting points, and standard errors by the delta method.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clv_internal.h"
#include "linalg.h"
#include "optim.h"
#include "parallel.h"

static const cx__clv_kind_info kinds[] = {
    {CX_CLV_BGNBD, "bgnbd", 4, {"r", "alpha", "a", "b"}, cx__ll_bgnbd, cx__llh_bgnbd},
    {CX_CLV_MBGNBD, "mbgnbd", 4, {"r", "alpha", "a", "b"}, cx__ll_mbgnbd, cx__llh_mbgnbd},
    {CX_CLV_PARETO_NBD, "pareto", 4, {"r", "alpha", "s", "beta"}, cx__ll_pnbd, cx__llh_pnbd},
    {CX_CLV_BGBB, "bgbb", 4, {"alpha", "beta", "gamma", "delta"}, cx__ll_bgbb, NULL},
    {CX_CLV_SBG, "sbg", 2, {"alpha", "beta", NULL, NULL}, cx__ll_sbg, NULL},
    {CX_CLV_GAMMA_GAMMA, "gg", 3, {"p", "q", "gamma", NULL}, cx__ll_gg, NULL},
};

const cx__clv_kind_info *cx__clv_info(int kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == kind)
            return &kinds[i];
    return NULL;
}

CX_API const char *cx_clv_kind_name(int kind)
{
    const cx__clv_kind_info *k = cx__clv_info(kind);
    return k ? k->name : NULL;
}

CX_API cx_status cx_clv_kind_parse(cx_clv_kind *out, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(name != NULL);
    static const struct {
        const char *name;
        cx_clv_kind kind;
    } alias[] = {{"bgnbd", CX_CLV_BGNBD},
                 {"bg/nbd", CX_CLV_BGNBD},
                 {"mbgnbd", CX_CLV_MBGNBD},
                 {"mbg/nbd", CX_CLV_MBGNBD},
                 {"pareto", CX_CLV_PARETO_NBD},
                 {"pnbd", CX_CLV_PARETO_NBD},
                 {"pareto/nbd", CX_CLV_PARETO_NBD},
                 {"bgbb", CX_CLV_BGBB},
                 {"bg/bb", CX_CLV_BGBB},
                 {"sbg", CX_CLV_SBG},
                 {"gg", CX_CLV_GAMMA_GAMMA},
                 {"gamma_gamma", CX_CLV_GAMMA_GAMMA}};
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(alias[i].name, name) == 0) {
            *out = alias[i].kind;
            return CX_OK;
        }
    return cx__error_param(CX_EINVAL, "name",
                           "unknown model '%s' (bgnbd, mbgnbd, pareto, bgbb, sbg, gg)", name);
}

CX_API cx_status cx_clv_model_new(cx_clv_model **out, int kind)
{
    CX_CHECK_ARG(out != NULL);
    const cx__clv_kind_info *info = cx__clv_info(kind);
    if (!info)
        return cx__error_param(CX_EINVAL, "kind", "unknown model kind %d", kind);
    cx_clv_model *m = cx__calloc(1, sizeof *m);
    if (!m)
        return cx__enomem();
    m->info = info;
    for (size_t j = 0; j < info->np; j++)
        m->p[j] = 1.0;
    *out = m;
    return CX_OK;
}

CX_API void cx_clv_model_free(cx_clv_model *model)
{
    if (model)
        cx__clv_cov_free(model->cov);
    cx__free(model);
}

CX_API cx_status cx_clv_model_set_threads(cx_clv_model *model, int n_threads)
{
    CX_CHECK_ARG(model != NULL);
    if (n_threads < 0)
        return cx__error_param(CX_EINVAL, "n_threads",
                               "n_threads = %d: must be >= 0 (0: all cores)", n_threads);
    model->n_threads = n_threads;
    return CX_OK;
}

CX_API int cx_clv_model_kind(const cx_clv_model *model)
{
    return model ? model->info->kind : 0;
}

CX_API size_t cx_clv_model_param_count(const cx_clv_model *model)
{
    return model ? model->info->np : 0;
}

CX_API const char *cx_clv_model_param_name(const cx_clv_model *model, size_t i)
{
    if (!model || i >= model->info->np)
        return NULL;
    return model->info->param_names[i];
}

CX_API cx_status cx_clv_model_params(double *out, size_t n, const cx_clv_model *model)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    if (n != model->info->np)
        return cx__error_param(CX_EINVAL, "n", "%s has %zu parameters, not %zu", model->info->name,
                               model->info->np, n);
    memcpy(out, model->p, n * sizeof *out);
    return CX_OK;
}

CX_API cx_status cx_clv_model_set_params(cx_clv_model *model, const double *params, size_t n)
{
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(params != NULL);
    if (n != model->info->np)
        return cx__error_param(CX_EINVAL, "n", "%s has %zu parameters, not %zu", model->info->name,
                               model->info->np, n);
    for (size_t j = 0; j < n; j++)
        if (!(params[j] > 0.0) || !isfinite(params[j]))
            return cx__error_param(CX_EINVAL, model->info->param_names[j],
                                   "parameter %s must be finite and > 0 (got %g)",
                                   model->info->param_names[j], params[j]);
    memcpy(model->p, params, n * sizeof *params);
    model->has_vcov = 0;
    return CX_OK;
}

CX_API cx_status cx_clv_fit_options_init(cx_clv_fit_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    if (version != CX_CLV_FIT_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unsupported options version %u", version);
    opts->version = version;
    opts->penalizer = 0.0;
    opts->n_starts = 3;
    opts->seed = 0;
    opts->max_iter = 200;
    opts->gtol = 1e-9;
    opts->all_starts = 0;
    return CX_OK;
}

static int is_int(double v)
{
    return isfinite(v) && v == floor(v);
}

#define BAD(col, i, ...) cx__error_param(CX_EINVAL, col, __VA_ARGS__)

/* Whether every row of a BG/NBD, MBG/NBD or Pareto/NBD data set is valid: one branch-free pass
 * that vectorises (it bounds predictions for every customer otherwise; the integer test avoids
 * floor(), a call on baseline x86-64). The row-by-row checks below then only run to name a bad
 * value. */
CX_TARGET_CLONES("avx2", "default")
static int continuous_rows_ok(const double *x, const double *tx, const double *T, const double *w,
                              size_t n)
{
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const double xi = x[i], ti = tx[i], Ti = T[i];
        /* below 2^52, adding and subtracting 2^52 rounds to an integer (vectorises, unlike a
         * conversion to a 64-bit integer) */
        const int xint = (xi >= 0) & (xi < 4e15) & ((xi + 0x1p52) - 0x1p52 == xi);
        /* T = 0 (first purchase at the observation end) only with x = 0: likelihood 1 */
        ok &= xint & (Ti >= 0) & (Ti <= DBL_MAX) & ((Ti > 0) | (xi == 0)) & (ti >= 0) & (ti <= Ti) &
              ((xi != 0) | (ti == 0));
    }
    for (size_t i = 0; w && i < n; i++)
        ok &= (w[i] >= 0) & (w[i] <= DBL_MAX);
    return ok;
}

cx_status cx__clv_check_data(int kind, const double *x, const double *tx, const double *T,
                             const double *w, size_t n)
{
    const int needs_T = kind != CX_CLV_SBG && kind != CX_CLV_GAMMA_GAMMA;
    if (n > 0 && (!x || !tx || (needs_T && !T)))
        return cx__error_param(CX_EINVAL, !x ? "x" : !tx ? "tx" : "T", "column is NULL");
    if ((kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD || kind == CX_CLV_PARETO_NBD) &&
        continuous_rows_ok(x, tx, T, w, n))
        return CX_OK;
    for (size_t i = 0; i < n; i++) {
        const double xi = x[i], ti = tx[i], Ti = needs_T ? T[i] : 0.0;
        if (w && (!(w[i] >= 0.0) || !isfinite(w[i])))
            return BAD("weights", i, "weights[%zu] = %g: weights must be finite and >= 0", i, w[i]);
        switch (kind) {
        case CX_CLV_BGNBD:
        case CX_CLV_MBGNBD:
        case CX_CLV_PARETO_NBD:
            if (!is_int(xi) || xi < 0)
                return BAD("frequency", i, "frequency[%zu] = %g: must be an integer >= 0", i, xi);
            if (!(Ti >= 0) || !isfinite(Ti))
                return BAD("T", i, "T[%zu] = %g: must be finite and >= 0", i, Ti);
            if (Ti == 0 && xi != 0)
                return BAD("T", i,
                           "T[%zu] = 0 with frequency %g: a customer of age 0 has no repeat "
                           "purchases (frequency and recency must be 0)",
                           i, xi);
            if (!(ti >= 0) || ti > Ti)
                return BAD("recency", i, "recency[%zu] = %g: must be in [0, T = %g]", i, ti, Ti);
            if (xi == 0 && ti != 0)
                return BAD("recency", i, "recency[%zu] = %g with frequency 0: must be 0", i, ti);
            break;
        case CX_CLV_BGBB:
            if (!is_int(Ti) || Ti < 0) /* 0: a customer of age 0 (likelihood 1) */
                return BAD("T", i, "n_periods[%zu] = %g: must be an integer >= 0", i, Ti);
            if (!is_int(xi) || xi < 0 || xi > Ti)
                return BAD("frequency", i, "frequency[%zu] = %g: must be an integer in [0, %g]", i,
                           xi, Ti);
            if (!is_int(ti) || ti < xi || ti > Ti || (xi == 0 && ti != 0))
                return BAD("recency", i,
                           "recency[%zu] = %g: must be an integer in [frequency, n] (0 if "
                           "frequency is 0)",
                           i, ti);
            break;
        case CX_CLV_SBG:
            if (ti != 0 && ti != 1)
                return BAD("churned", i, "churned[%zu] = %g: must be 0 or 1", i, ti);
            if (!is_int(xi) || xi < ti)
                return BAD("periods", i,
                           "periods[%zu] = %g: must be an integer >= 1 when churned, >= 0 "
                           "otherwise",
                           i, xi);
            break;
        case CX_CLV_GAMMA_GAMMA:
            if (!is_int(xi) || xi < 1)
                return BAD("frequency", i,
                           "frequency[%zu] = %g: Gamma-Gamma needs an integer >= 1 (drop "
                           "customers without repeat purchases)",
                           i, xi);
            if (!(ti > 0) || !isfinite(ti))
                return BAD("monetary_value", i, "monetary_value[%zu] = %g: must be > 0", i, ti);
            break;
        default:
            return cx__error_param(CX_EINVAL, "kind", "unknown model kind %d", kind);
        }
    }
    return CX_OK;
}

typedef struct row4 {
    double x, tx, T, w;
} row4;

static int row_cmp(const void *pa, const void *pb)
{
    const row4 *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->tx != b->tx)
        return a->tx < b->tx ? -1 : 1;
    if (a->T != b->T)
        return a->T < b->T ? -1 : 1;
    return 0;
}

static uint64_t bits(double v)
{
    uint64_t u;
    v += 0.0; /* -0 and +0 are the same value */
    memcpy(&u, &v, sizeof u);
    return u;
}

/* splitmix64's finaliser: every input bit reaches the low bits the table index uses (day-grid
 * values and small integers have long runs of zero low bits) */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t row_hash(const row4 *r)
{
    return mix(bits(r->x) ^ mix(bits(r->tx) ^ mix(bits(r->T))));
}

/* Rows hashed ahead of their insertion, their table slots prefetched: with every row distinct
 * (ages recorded continuously) each insertion is a cache miss, and this hides most of them. */
#define HASH_AHEAD 16

/* Merge identical rows (weights summed in input order) by hashing: linear time, where a sort of
 * a million rows costs more than fitting them. Returns the number of distinct rows, now first
 * in rows[] in order of first appearance; or 0 with *oom set. A slot holds the distinct index + 1
 * in its low half (0 = empty) and the upper half of the row's hash, compared before the rows. */
static size_t merge_identical(row4 *rows, size_t m, int *oom)
{
    size_t cap = 16;
    while (cap < 2 * m)
        cap *= 2;
    uint64_t *slot = cx__calloc(cap, sizeof *slot);
    if (!slot) {
        *oom = 1;
        return 0;
    }
    uint64_t ahead[HASH_AHEAD];
    for (size_t i = 0; i < HASH_AHEAD && i < m; i++) {
        ahead[i] = row_hash(&rows[i]);
        __builtin_prefetch(&slot[ahead[i] & (cap - 1)]);
    }
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        const uint64_t hv = ahead[i % HASH_AHEAD];
        if (i + HASH_AHEAD < m) {
            const uint64_t hn = row_hash(&rows[i + HASH_AHEAD]);
            ahead[i % HASH_AHEAD] = hn;
            __builtin_prefetch(&slot[hn & (cap - 1)]);
        }
        const uint64_t tag = hv >> 32 << 32;
        size_t h = hv & (cap - 1);
        for (;;) {
            const uint64_t k = slot[h];
            if (k == 0) {
                rows[u] = rows[i];
                slot[h] = tag | (uint64_t)++u;
                break;
            }
            const size_t kk = (size_t)(k & 0xffffffffu);
            if ((k >> 32 << 32) == tag && row_cmp(&rows[kk - 1], &rows[i]) == 0) {
                rows[kk - 1].w += rows[i].w;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    cx__free(slot);
    return u;
}

/* Merge identical rows and order them by frequency x (the likelihoods evaluate the terms that
 * depend on x once per distinct frequency); columns are stored in one block *mem. Frequencies
 * are integers, so a counting sort does it in linear time when they are not too spread out; the
 * general sort by (x, tx, T) is the fallback. */
static cx_status compress(cx__clv_data *d, double **mem, const double *x, const double *tx,
                          const double *T, const double *w, size_t n)
{
    row4 *rows = cx__malloc_array(n, sizeof *rows);
    if (!rows)
        return cx__enomem();
    size_t m = 0;
    double max_x = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        if (wi == 0.0)
            continue;
        rows[m].x = x[i];
        rows[m].tx = tx[i];
        rows[m].T = T ? T[i] : 0.0;
        rows[m].w = wi;
        if (x[i] > max_x)
            max_x = x[i];
        m++;
    }
    size_t u = 0;
    const int counting = m < UINT32_MAX && max_x <= (double)(4 * m + 1024);
    if (counting) {
        int oom = 0;
        u = merge_identical(rows, m, &oom);
        if (oom) {
            cx__free(rows);
            return cx__enomem();
        }
    } else {
        qsort(rows, m, sizeof *rows, row_cmp);
        for (size_t i = 0; i < m; i++) {
            if (u > 0 && row_cmp(&rows[u - 1], &rows[i]) == 0)
                rows[u - 1].w += rows[i].w;
            else
                rows[u++] = rows[i];
        }
    }
    double *cols = cx__malloc_array(4 * (u ? u : 1), sizeof *cols);
    size_t *start = counting ? cx__calloc((size_t)max_x + 2, sizeof *start) : NULL;
    if (!cols || (counting && !start)) {
        cx__free(start);
        cx__free(cols);
        cx__free(rows);
        return cx__enomem();
    }
    d->n = u;
    d->x = cols;
    d->tx = cols + u;
    d->T = cols + 2 * u;
    d->w = cols + 3 * u;
    d->total_w = 0.0;
    d->max_x = max_x;
    d->wx = NULL;
    if (counting) { /* stable: rows of one frequency keep their order */
        for (size_t i = 0; i < u; i++)
            start[(size_t)rows[i].x + 1]++;
        for (size_t v = 1; v <= (size_t)max_x + 1; v++)
            start[v] += start[v - 1];
    }
    for (size_t i = 0; i < u; i++) {
        const size_t j = counting ? start[(size_t)rows[i].x]++ : i;
        cols[j] = rows[i].x;
        cols[u + j] = rows[i].tx;
        cols[2 * u + j] = rows[i].T;
        cols[3 * u + j] = rows[i].w;
    }
    for (size_t i = 0; i < u; i++)
        d->total_w += cols[3 * u + i];
    cx__free(start);
    cx__free(rows);
    *mem = cols;
    return CX_OK;
}

/* Rows sampled to decide whether compression can pay (every row when there are fewer). */
#define DISTINCT_SAMPLE 1024

/* Whether the rows look all distinct, judged from DISTINCT_SAMPLE rows at fixed positions (and
 * the row after each, for data sorted so that repeats are adjacent): at most one repeat in 64
 * sampled rows. Ages recorded continuously give no repeats; ages on a grid of days repeat
 * (customers without repeat purchases share (0, 0, T)) and compression then divides the work of
 * every pass. Depends on the data alone, never on the threads. */
static int rows_look_distinct(const double *x, const double *tx, const double *T, size_t n,
                              int *oom)
{
    const size_t s = n < DISTINCT_SAMPLE ? n : DISTINCT_SAMPLE, cap = 4 * DISTINCT_SAMPLE;
    uint32_t *slot = cx__calloc(cap, sizeof *slot);
    if (!slot) {
        *oom = 1;
        return 0;
    }
    size_t repeats = 0;
    for (size_t j = 0; j < s; j++) {
        const size_t i = s == n ? j : (size_t)((double)j * (double)n / (double)s);
        const row4 r = {x[i], tx[i], T[i], 1.0};
        if (i + 1 < n && s < n) {
            const row4 next = {x[i + 1], tx[i + 1], T[i + 1], 1.0};
            repeats += row_cmp(&r, &next) == 0;
        }
        for (size_t h = row_hash(&r) & (cap - 1);; h = (h + 1) & (cap - 1)) {
            if (slot[h] == 0) {
                slot[h] = (uint32_t)i + 1;
                break;
            }
            const size_t k = slot[h] - 1;
            const row4 o = {x[k], tx[k], T[k], 1.0};
            if (row_cmp(&o, &r) == 0) {
                repeats++;
                break;
            }
        }
    }
    cx__free(slot);
    return repeats * 64 <= s;
}

/* d->wx: the total weight at each frequency 0..max x (into *owned), for the BG/NBD family's
 * per-frequency tables; left NULL for frequencies beyond CX__CLV_XTAB_MAX. */
static cx_status attach_freq_weights(cx__clv_data *d, double **owned)
{
    *owned = NULL;
    d->wx = NULL;
    if (d->max_x > CX__CLV_XTAB_MAX)
        return CX_OK;
    const size_t len = (size_t)d->max_x + 1;
    double *wx = cx__calloc(len, sizeof *wx);
    if (!wx)
        return cx__enomem();
    if (d->w) {
        for (size_t i = 0; i < d->n; i++)
            wx[(size_t)d->x[i]] += d->w[i];
    } else { /* counts in 4 interleaved tables: most rows share x = 0, and one table would
              * wait for each increment of the same slot before the next */
        uint32_t *cnt = cx__calloc(4 * len, sizeof *cnt);
        if (!cnt) {
            cx__free(wx);
            return cx__enomem();
        }
        for (size_t i = 0; i < d->n; i++)
            cnt[(i & 3) * len + (size_t)d->x[i]]++;
        for (size_t k = 0; k < len; k++)
            wx[k] = (double)cnt[k] + (double)cnt[len + k] + (double)cnt[2 * len + k] +
                    (double)cnt[3 * len + k];
        cx__free(cnt);
    }
    d->wx = *owned = wx;
    return CX_OK;
}

/* The rows of a BG/NBD or MBG/NBD fit. Where they look all distinct (rows_look_distinct), no
 * weight is 0 and the frequencies fit the per-frequency tables, the caller's columns are used
 * as they are (w = weights, NULL for none): a hash table over a million distinct rows costs
 * more than a pass of the likelihood. Otherwise they are compressed into *mem. *direct says
 * which. */
static cx_status bg_rows_data(cx__clv_data *d, double **mem, int *direct, const double *x,
                              const double *tx, const double *T, const double *w, size_t n)
{
    *mem = NULL;
    *direct = 0;
    double max_x = 0.0, total_w = 0.0;
    int zero_w = 0;
    for (size_t i = 0; i < n; i++)
        max_x = x[i] > max_x ? x[i] : max_x;
    if (w)
        for (size_t i = 0; i < n; i++) {
            zero_w |= w[i] == 0.0;
            total_w += w[i];
        }
    else
        total_w = (double)n;
    int oom = 0;
    if (!zero_w && max_x <= CX__CLV_XTAB_MAX && n < UINT32_MAX &&
        rows_look_distinct(x, tx, T, n, &oom)) {
        const cx__clv_data dd = {n, x, tx, T, w, total_w, max_x, 0, NULL};
        *d = dd;
        *direct = 1;
        return CX_OK;
    }
    if (oom)
        return cx__enomem();
    return compress(d, mem, x, tx, T, w, n);
}

/* Customers of age 0 (T = 0, hence x = t_x = 0: first purchase at the observation end; BG/BB:
 * n = 0 opportunities) have likelihood exactly 1 in BG/NBD, MBG/NBD, Pareto/NBD and BG/BB: no
 * information. The fit leaves them out, so it is the fit without them (with a penalty their
 * weight still counts in the mean log-likelihood it is added to, as in lifetimes). Sets *cols
 * (owned: x, tx, T, w of the other rows, *m of them) and *age0_w only where there are such rows;
 * *cols = NULL otherwise. */
static cx_status drop_age0(double **cols, size_t *m, double *age0_w, const double *x,
                           const double *tx, const double *T, const double *w, size_t n)
{
    *cols = NULL;
    *age0_w = 0.0;
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= T[i] == 0.0;
    if (!any)
        return CX_OK;
    double *c = cx__malloc_array(4 * n, sizeof *c);
    if (!c)
        return cx__enomem();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        if (T[i] == 0.0) {
            *age0_w += wi;
            continue;
        }
        c[k] = x[i];
        c[n + k] = tx[i];
        c[2 * n + k] = T[i];
        c[3 * n + k] = wi;
        k++;
    }
    *cols = c;
    *m = k;
    return CX_OK;
}

typedef struct fit_ctx {
    const cx__clv_kind_info *info;
    const cx__clv_data *d;
    double penalizer;
    /* the last evaluation with the analytic Hessian: at the optimum it gives the standard
     * errors without another pass over the data */
    int have_last;
    double last_theta[CX__CLV_MAXP], last_ll, last_h[CX__CLV_MAXP * CX__CLV_MAXP];
} fit_ctx;

/* Mean negative log-likelihood plus penalty on log-parameters theta. */
static cx_status objective_grad(double *f, double *grad, const double *theta, size_t n,
                                const fit_ctx *c)
{
    double p[CX__CLV_MAXP], g[CX__CLV_MAXP];
    for (size_t j = 0; j < n; j++) {
        if (!(fabs(theta[j]) < 700.0)) { /* exp would overflow: a step too far */
            *f = INFINITY;
            return CX_OK;
        }
        p[j] = exp(theta[j]);
    }
    double ll;
    cx_status st = c->info->ll(&ll, grad ? g : NULL, p, c->d);
    if (st == CX_ERANGE) { /* not finite here: let the optimiser step back */
        *f = INFINITY;
        return CX_OK;
    }
    if (st != CX_OK)
        return st;
    double pen = 0.0;
    for (size_t j = 0; j < n; j++)
        pen += p[j] * p[j];
    *f = -ll / c->d->total_w + c->penalizer * pen;
    if (grad)
        for (size_t j = 0; j < n; j++)
            grad[j] = -g[j] / c->d->total_w + 2.0 * c->penalizer * p[j] * p[j];
    return CX_OK;
}

static cx_status objective(double *f, double *grad, double *hess, const double *theta, size_t n,
                           void *ctx)
{
    fit_ctx *c = ctx;
    if (hess && c->info->llh) { /* analytic Hessian */
        double p[CX__CLV_MAXP], g[CX__CLV_MAXP], h[CX__CLV_MAXP * CX__CLV_MAXP], ll;
        for (size_t j = 0; j < n; j++) {
            if (!(fabs(theta[j]) < 700.0)) {
                *f = INFINITY;
                return CX_OK;
            }
            p[j] = exp(theta[j]);
        }
        cx_status st = c->info->llh(&ll, g, h, p, c->d);
        if (st == CX_ERANGE) {
            *f = INFINITY;
            return CX_OK;
        }
        if (st != CX_OK)
            return st;
        c->have_last = 1;
        memcpy(c->last_theta, theta, n * sizeof *theta);
        memcpy(c->last_h, h, n * n * sizeof *h);
        c->last_ll = ll;
        const double W = c->d->total_w;
        double pen = 0.0;
        for (size_t j = 0; j < n; j++)
            pen += p[j] * p[j];
        *f = -ll / W + c->penalizer * pen;
        for (size_t j = 0; j < n; j++) {
            if (grad)
                grad[j] = -g[j] / W + 2.0 * c->penalizer * p[j] * p[j];
            for (size_t k = 0; k < n; k++)
                hess[j * n + k] =
                    -h[j * n + k] / W + (j == k ? 4.0 * c->penalizer * p[j] * p[j] : 0.0);
        }
        return CX_OK;
    }
    cx_status st = objective_grad(f, grad, theta, n, ctx);
    if (st != CX_OK || !hess || !isfinite(*f))
        return st;
    /* Hessian by central differences of the analytic gradient. */
    double th[CX__CLV_MAXP], gp[CX__CLV_MAXP], gm[CX__CLV_MAXP], fd;
    memcpy(th, theta, n * sizeof *th);
    for (size_t j = 0; j < n; j++) {
        const double h = 1e-5 * (1.0 + fabs(theta[j]));
        th[j] = theta[j] + h;
        if ((st = objective_grad(&fd, gp, th, n, ctx)) != CX_OK)
            return st;
        th[j] = theta[j] - h;
        if ((st = objective_grad(&fd, gm, th, n, ctx)) != CX_OK)
            return st;
        th[j] = theta[j];
        for (size_t i = 0; i < n; i++)
            hess[i * n + j] = (gp[i] - gm[i]) / (2.0 * h);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            hess[i * n + j] = hess[j * n + i] = 0.5 * (hess[i * n + j] + hess[j * n + i]);
    return CX_OK;
}

/* Whether the data can identify the model at all. */
static cx_status check_identifiable(int kind, const cx__clv_data *d)
{
    if (d->n == 0 || !(d->total_w > 0))
        return cx__error_param(CX_ERANGE, "n", "no customers (or all weights 0) to fit");
    if ((kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD || kind == CX_CLV_PARETO_NBD ||
         kind == CX_CLV_BGBB) &&
        d->max_x == 0)
        return cx__error_param(CX_ERANGE, "frequency",
                               "every frequency is 0: the purchase process cannot be identified");
    if (kind == CX_CLV_GAMMA_GAMMA) { /* spend heterogeneity needs different mean spends */
        size_t i = 1;
        while (i < d->n && d->tx[i] == d->tx[0])
            i++;
        if (i == d->n)
            return cx__error_param(CX_ERANGE, "monetary_value",
                                   "every mean spend is %g (or one customer): the spread of "
                                   "spend cannot be identified",
                                   d->tx[0]);
    }
    return CX_OK;
}

cx_status cx__clv_check_options(const cx_clv_fit_options *opts)
{
    if (opts->version != CX_CLV_FIT_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "opts->version", "unsupported options version");
    if (!(opts->penalizer >= 0) || !isfinite(opts->penalizer))
        return cx__error_param(CX_EINVAL, "penalizer", "penalizer must be finite and >= 0");
    if (opts->n_starts < 1)
        return cx__error_param(CX_EINVAL, "n_starts", "n_starts must be >= 1");
    return CX_OK;
}

/* Trust-region Newton where the Hessian is analytic; BFGS otherwise (a Hessian by differences
 * would cost 2k gradients per step). Pareto/NBD takes Newton only from a warm start: from a far
 * start its steps can reach parameters where the 2F1 series needs up to 1e5 terms per
 * customer, which BFGS's line search avoids. */
static int use_newton(const cx__clv_kind_info *info, int warm)
{
    return info->llh != NULL && (warm || info->kind != CX_CLV_PARETO_NBD);
}

#define WARM_MAX_ITER 100

/* A starting point for Pareto/NBD from the BG/NBD fit on the same rows: BG/NBD's likelihood is
 * closed-form (a Newton fit costs a few passes of logarithms), Pareto/NBD's needs two 2F1
 * series per row, and from the default start (all parameters 1) BFGS needs about 30 of those
 * passes. Both models share the Gamma(r, alpha) purchase rates; BG/NBD's dropout after each
 * purchase with probability p ~ Beta(a, b) is mapped to a Gamma(s, beta) dropout rate with the
 * shape s = a and the mean rate E[p] E[lambda] scaled by PROXY_MU_SCALE (BG/NBD customers can
 * only drop out at a purchase, so the same data mean a larger Pareto/NBD dropout rate; on
 * CDNOW-like data the ratio is about 4). The start only has to be close enough for Newton's
 * trust region; *have = 0 when the BG/NBD fit fails (the usual starts then apply). */
#define PROXY_MU_SCALE 4.0

/* Fits that only give a start for another fit (the BG/NBD fit mapped to Pareto/NBD's
 * parameters, the subsample fits) stop once the full Newton step would raise their total
 * log-likelihood by at most START_DEC / 2: its Newton decrement g' H^-1 g (total log-likelihood
 * units) is the squared length of the remaining step in the metric of the sampling error, and the
 * start is off the whole data's optimum by about np (1 - 1/WARM_STEP) ~ 3.5 such squared units
 * (a subsample's sampling error; the proxy's mapping is cruder still). Newton's last one or two
 * passes on those fits would refine the start by far less than that; the whole-data fit keeps
 * the caller's gradient tolerance. */
#define START_DEC 0.1

static cx_status proxy_start(double *th, int *have, size_t *evals, const fit_ctx *c,
                             const cx__optim_opts *oo)
{
    *have = 0;
    if (c->info->kind != CX_CLV_PARETO_NBD)
        return CX_OK;
    fit_ctx bc;
    memset(&bc, 0, sizeof bc);
    bc.info = cx__clv_info(CX_CLV_BGNBD);
    bc.d = c->d;
    bc.penalizer = c->penalizer;
    double t[CX__CLV_MAXP] = {0, 0, 0, 0};
    cx__optim_opts o = *oo;
    o.use_hessian = 1;
    o.gtol = 1e-5; /* a start, not an answer */
    if (o.max_iter > WARM_MAX_ITER)
        o.max_iter = WARM_MAX_ITER;
    o.dtol = START_DEC / c->d->total_w; /* the objective is the mean over the total weight */
    cx__optim_report rep;
    cx_status st = cx__minimize(t, 4, objective, &bc, &o, &rep);
    if (st == CX_ENOTCONV)
        return CX_OK;
    if (st != CX_OK)
        return st;
    *evals += rep.evaluations;
    for (size_t j = 0; j < 4; j++)
        if (!(fabs(t[j]) <= 25.0))
            return CX_OK;
    /* theta = log parameters: r, alpha kept; s = a; beta = s / (scale E[p] r / alpha) */
    const double a = exp(t[2]), b = exp(t[3]);
    const double mu = PROXY_MU_SCALE * a / (a + b) * exp(t[0] - t[1]);
    th[0] = t[0];
    th[1] = t[1];
    th[2] = t[2];
    th[3] = t[2] - log(mu);
    *have = 1;
    return CX_OK;
}

/* Data sets of at least WARM_STEP * WARM_MIN distinct rows start from the optimum on every
 * WARM_STEP-th row (smaller subsamples identify Pareto/NBD's dropout parameters too poorly),
 * itself found the same way when that subsample is large enough. */
#define WARM_MIN     1024
#define WARM_BG_GTOL 1e-6
#define WARM_STEP    8

/* A starting point for a large data set: the optimum on every WARM_STEP-th (distinct) row, a
 * sample stratified by frequency since the rows are sorted by it. From there Newton needs two
 * or three iterations over the whole data instead of the ten or more a far start needs, and the
 * subsample's own fit costs an eighth of that (recursively). *have = 0 when the data are small
 * or the subsample fit fails (then the usual starts apply). */
static cx_status warm_start(double *th, int *have, size_t *evals, const fit_ctx *c,
                            const cx__optim_opts *oo)
{
    const cx__clv_data *d = c->d;
    *have = 0;
    const size_t m = d->n / WARM_STEP;
    if (m < WARM_MIN || !c->info->llh)
        return CX_OK;
    double *cols = cx__malloc_array(4 * m, sizeof *cols);
    if (!cols)
        return cx__enomem();
    cx__clv_data sub = {m,   cols, cols + m,     cols + 2 * m, cols + 3 * m,
                        0.0, 0.0,  d->n_threads, NULL};
    for (size_t j = 0; j < m; j++) {
        const size_t i = j * WARM_STEP + WARM_STEP / 2;
        cols[j] = d->x[i];
        cols[m + j] = d->tx[i];
        cols[2 * m + j] = d->T[i];
        cols[3 * m + j] = d->w ? d->w[i] : 1.0;
        sub.total_w += cols[3 * m + j];
        if (d->x[i] > sub.max_x)
            sub.max_x = d->x[i];
    }
    double *wx = NULL;
    cx_status st = attach_freq_weights(&sub, &wx);
    if (st == CX_OK && sub.max_x > 0) {
        fit_ctx sc;
        memset(&sc, 0, sizeof sc);
        sc.info = c->info;
        sc.d = &sub;
        sc.penalizer = c->penalizer;
        double t[CX__CLV_MAXP] = {0, 0, 0, 0};
        int have_sub = 0;
        st = warm_start(t, &have_sub, evals, &sc, oo);
        if (st == CX_OK && !have_sub)
            st = proxy_start(t, &have_sub, evals, &sc, oo);
        if (st == CX_OK && !have_sub)
            memset(t, 0, sizeof t);
        cx__optim_report rep;
        cx__optim_opts o = *oo;
        o.use_hessian = use_newton(c->info, have_sub);
        if (o.max_iter > WARM_MAX_ITER) /* a subsample that does not identify the model: */
            o.max_iter = WARM_MAX_ITER; /* give up early, the usual starts follow */
        /* BG/NBD family: the subsample's optimum is a start, off the whole data's by its
         * sampling error (~1e-2 on the log scale); Newton's last pass to reach a gradient of
         * 1e-14 on it buys nothing (Pareto/NBD keeps the full tolerance) */
        if (c->info->kind != CX_CLV_PARETO_NBD && o.gtol < WARM_BG_GTOL)
            o.gtol = WARM_BG_GTOL;
        o.dtol = START_DEC / sub.total_w;
        if (st == CX_OK)
            st = cx__minimize(t, c->info->np, objective, &sc, &o, &rep);
        if (st == CX_OK || st == CX_ENOTCONV)
            *evals += rep.evaluations;
        if (st == CX_OK) {
            *have = 1;
            for (size_t j = 0; j < c->info->np; j++)
                if (!(fabs(t[j]) <= 25.0))
                    *have = 0;
            memcpy(th, t, c->info->np * sizeof *t);
        }
        if (st == CX_ENOTCONV)
            st = CX_OK;
    }
    cx__free(wx);
    cx__free(cols);
    return st;
}

CX_API cx_status cx_clv_model_fit(cx_clv_model *model, const double *x, const double *tx,
                                  const double *T, const double *weights, size_t n,
                                  const cx_clv_fit_options *opts)
{
    CX_CHECK_ARG(model != NULL);
    cx_clv_fit_options defaults;
    cx_clv_fit_options_init(&defaults, CX_CLV_FIT_OPTIONS_VERSION);
    if (!opts)
        opts = &defaults;
    cx_status st = cx__clv_check_options(opts);
    if (st != CX_OK)
        return st;
    const int kind = model->info->kind;
    st = cx__clv_check_data(kind, x, tx, T, weights, n);
    if (st != CX_OK)
        return st;
    if (n == 0)
        return cx__error_param(CX_ERANGE, "n", "no customers to fit");
    if (model->cov)
        return cx__clv_fit_cov(model, x, tx, T, weights, n, opts, NULL, 1);

    cx__clv_data d;
    double *mem = NULL, *wx = NULL, *age0_cols = NULL, age0_w = 0.0;
    int direct = 0;
    if (kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD || kind == CX_CLV_PARETO_NBD ||
        kind == CX_CLV_BGBB) {
        size_t m = n;
        if ((st = drop_age0(&age0_cols, &m, &age0_w, x, tx, T, weights, n)) != CX_OK)
            return st;
        if (age0_cols) {
            x = age0_cols;
            tx = age0_cols + n;
            T = age0_cols + 2 * n;
            weights = weights ? age0_cols + 3 * n : NULL;
            n = m;
            if (n == 0) {
                cx__free(age0_cols);
                return cx__error_param(CX_ERANGE, "T",
                                       "every customer has age 0 (T = 0): nothing to fit");
            }
        }
    }
    if (kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD)
        st = bg_rows_data(&d, &mem, &direct, x, tx, T, weights, n);
    else
        st = compress(&d, &mem, x, tx, T, weights, n);
    if (st != CX_OK) {
        cx__free(age0_cols);
        return st;
    }
    if (direct) { /* the rows are used in place: keep them */
        mem = age0_cols;
        age0_cols = NULL;
    }
    cx__free(age0_cols);
    /* with a penalty they weigh in the mean log-likelihood (lifetimes' weights.sum()); without
     * one the objective's scale is free, and leaving it alone gives the fit without them */
    if (opts->penalizer > 0) {
        d.total_w += age0_w;
        age0_w = 0.0; /* (now in total_w) */
    }
    if ((st = check_identifiable(kind, &d)) != CX_OK ||
        (st = attach_freq_weights(&d, &wx)) != CX_OK) {
        cx__free(mem);
        return st;
    }
    d.n_threads = cx__parallel_threads(model->n_threads, (d.n + CX__CLV_BLOCK - 1) / CX__CLV_BLOCK);
    const size_t np = model->info->np;
    fit_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.info = model->info;
    ctx.d = &d;
    ctx.penalizer = opts->penalizer;
    cx__optim_opts oo = CX__OPTIM_OPTS_DEFAULT;
    oo.max_iter = opts->max_iter;
    oo.gtol = opts->gtol;
    double warm[CX__CLV_MAXP];
    size_t warm_evals = 0;
    int have_warm = 0;
    if ((st = warm_start(warm, &have_warm, &warm_evals, &ctx, &oo)) != CX_OK)
        goto done_early;
    if (!have_warm && (st = proxy_start(warm, &have_warm, &warm_evals, &ctx, &oo)) != CX_OK)
        goto done_early;

    cx_rng *rng = NULL;
    double best[CX__CLV_MAXP];
    double best_f = INFINITY;
    cx__optim_report best_rep = {0, 0, INFINITY, INFINITY, 0, "not started"};
    cx_clv_fit_report rep;
    memset(&rep, 0, sizeof rep);
    rep.evaluations = warm_evals;
    const char *fail_reason = "no start converged";
    for (unsigned s = 0; s < opts->n_starts; s++) {
        double th[CX__CLV_MAXP] = {0, 0, 0, 0};
        const int from_warm = s == 0 && have_warm;
        if (from_warm)
            memcpy(th, warm, np * sizeof *th);
        if (s > 0) {
            if (!rng && (st = cx_rng_new(&rng, opts->seed, 0)) != CX_OK)
                goto done;
            for (size_t j = 0; j < np; j++)
                th[j] = cx_rng_std_normal(rng);
        }
        cx__optim_report orep;
        oo.use_hessian = use_newton(model->info, from_warm);
        st = cx__minimize(th, np, objective, &ctx, &oo, &orep);
        rep.evaluations += orep.evaluations;
        if (from_warm && (st == CX_ENOTCONV || st == CX_OK)) {
            have_warm = 0;
            if (st == CX_ENOTCONV) { /* retry the first start from all parameters 1 */
                s--;
                continue;
            }
        }
        if (st == CX_ENOTCONV) {
            fail_reason = orep.reason;
            continue;
        }
        if (st != CX_OK)
            goto done;
        int runaway = 0;
        for (size_t j = 0; j < np; j++)
            if (fabs(th[j]) > 25.0)
                runaway = 1;
        if (runaway) {
            fail_reason = "a parameter ran off towards 0 or infinity (not identified by the "
                          "data)";
            continue;
        }
        rep.starts_converged++;
        if (orep.f < best_f) {
            best_f = orep.f;
            memcpy(best, th, np * sizeof *th);
            best_rep = orep;
        }
        if (!opts->all_starts)
            break;
    }
    st = CX_OK;
    if (rep.starts_converged == 0) {
        st = cx__error(CX_ENOTCONV, "%s fit did not converge from %u start(s): %s",
                       model->info->name, opts->n_starts, fail_reason);
        goto done;
    }
    {
        double p[CX__CLV_MAXP], ll, hess[CX__CLV_MAXP * CX__CLV_MAXP];
        for (size_t j = 0; j < np; j++)
            p[j] = exp(best[j]);
        /* covariance of log-parameters = inverse Hessian of the total negative LL (no
         * penalty); then the delta method: cov(p_i, p_j) = p_i p_j cov(theta_i, theta_j). */
        int has_vcov = 0;
        double inv[CX__CLV_MAXP * CX__CLV_MAXP];
        cx_status hs;
        if (model->info->llh && ctx.have_last &&
            memcmp(ctx.last_theta, best, np * sizeof *best) == 0) {
            /* the optimiser's last evaluation was at the optimum */
            ll = ctx.last_ll;
            for (size_t k = 0; k < np * np; k++)
                hess[k] = -ctx.last_h[k];
            hs = CX_OK;
        } else if (model->info->llh) { /* one pass gives the log-likelihood and its Hessian */
            double g[CX__CLV_MAXP];
            if ((st = model->info->llh(&ll, g, hess, p, &d)) != CX_OK)
                goto done;
            for (size_t k = 0; k < np * np; k++)
                hess[k] = -hess[k];
            hs = CX_OK;
        } else {
            if ((st = model->info->ll(&ll, NULL, p, &d)) != CX_OK)
                goto done;
            fit_ctx plain;
            memset(&plain, 0, sizeof plain);
            plain.info = model->info;
            plain.d = &d;
            double f0;
            hs = objective(&f0, NULL, hess, best, np, &plain);
            if (hs == CX_ENOMEM) {
                st = hs;
                goto done;
            }
            if (hs == CX_OK)
                for (size_t k = 0; k < np * np; k++)
                    hess[k] *= d.total_w;
        }
        if (hs == CX_OK && cx__chol(hess, np) == CX_OK && cx__chol_inverse(hess, np, inv) == CX_OK)
            has_vcov = 1;
        /* Without a penalty, a flat direction means the data do not pin the parameter down
         * (e.g. a single customer, or no sign of dropout): report it instead of a number. */
        if (opts->penalizer == 0.0) {
            size_t worst = 0;
            double worst_sd = has_vcov ? 0.0 : INFINITY;
            for (size_t j = 0; has_vcov && j < np; j++)
                if (sqrt(inv[j * np + j]) > worst_sd)
                    worst_sd = sqrt(inv[j * np + j]), worst = j;
            if (!(worst_sd <= 5.0)) {
                st = cx__error_param(
                    CX_ENOTCONV, model->info->param_names[worst],
                    "%s fit: the data do not identify %s (%s); use more customers or a "
                    "penalizer",
                    model->info->name,
                    has_vcov ? model->info->param_names[worst] : "the parameters",
                    has_vcov ? "log-scale standard error above 5" : "singular Hessian");
                goto done;
            }
        }
        memcpy(model->p, p, np * sizeof *p);
        model->has_vcov = has_vcov;
        if (has_vcov)
            for (size_t i = 0; i < np; i++)
                for (size_t j = 0; j < np; j++)
                    model->vcov[i * np + j] = inv[i * np + j] * p[i] * p[j];
        rep.loglik = ll;
        rep.iterations = best_rep.iterations;
        rep.grad_norm = best_rep.grad_norm;
        rep.n_rows = (size_t)(d.total_w + age0_w + 0.5);
        rep.n_unique = d.n;
        rep.converged = 1;
        rep.reason = "converged";
        model->report = rep;
        model->fitted = 1;
    }
done:
    cx_rng_free(rng);
done_early:
    cx__free(wx);
    cx__free(mem);
    return st;
}

CX_API cx_status cx_clv_model_report(cx_clv_fit_report *out, const cx_clv_model *model)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    if (!model->fitted)
        return cx__error(CX_ESTATE, "the model has not been fitted");
    *out = model->report;
    return CX_OK;
}

CX_API cx_status cx_clv_model_vcov(double *out, size_t n, const cx_clv_model *model)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    const size_t np = model->info->np;
    if (n != np * np)
        return cx__error_param(CX_EINVAL, "n", "n must be the parameter count squared (%zu)",
                               np * np);
    if (!model->fitted || !model->has_vcov)
        return cx__error(CX_ESTATE, !model->fitted
                                        ? "the model has not been fitted"
                                        : "no covariance: the Hessian was singular or the "
                                          "parameters were set by hand");
    memcpy(out, model->vcov, np * np * sizeof *out);
    return CX_OK;
}

CX_API cx_status cx_clv_model_stderr(double *out, size_t n, const cx_clv_model *model)
{
    double v[CX__CLV_MAXP * CX__CLV_MAXP];
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(model != NULL);
    if (n != model->info->np)
        return cx__error_param(CX_EINVAL, "n", "n must be the parameter count %zu",
                               model->info->np);
    cx_status st = cx_clv_model_vcov(v, n * n, model);
    if (st != CX_OK)
        return st;
    for (size_t j = 0; j < n; j++)
        out[j] = sqrt(v[j * n + j]);
    return CX_OK;
}

CX_API cx_status cx_clv_model_loglik(double *out, const cx_clv_model *model, const double *x,
                                     const double *tx, const double *T, size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    const int kind = model->info->kind;
    cx_status st = cx__clv_check_data(kind, x, tx, T, NULL, n);
    if (st != CX_OK)
        return st;
    if (model->cov && model->cov->n != n)
        return cx__error_param(CX_EINVAL, "n", "the covariates describe %zu customers, not %zu",
                               model->cov->n, n);
    double *tmp = cx__malloc_array(n, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    for (size_t i = 0; i < n; i++) {
        const double one = 1.0, Ti = T ? T[i] : 0.0;
        cx__clv_data d = {1, &x[i], &tx[i], &Ti, &one, 1.0, x[i], 0, NULL};
        double pi[CX__CLV_MAXP];
        memcpy(pi, model->p, sizeof pi);
        if (model->cov)
            cx__clv_cov_params(pi, model, model->cov->coef, i);
        if ((st = model->info->ll(&tmp[i], NULL, pi, &d)) != CX_OK) {
            cx__free(tmp);
            return st;
        }
    }
    memcpy(out, tmp, n * sizeof *out);
    cx__free(tmp);
    return CX_OK;
}
