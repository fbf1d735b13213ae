/* Group-by over the interaction log: keys (customer, employee, team, touchpoint, channel) and a
 * calendar period combine into one mixed-radix key per row. When (key space x scale points) is
 * small the ratings are tallied straight into a dense count table in one pass over the columns;
 * otherwise keys map to groups through a hash table first. Groups come out ordered by key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scores_internal.h"
#include "../log/log_internal.h"

#define MAX_KEYS    9
#define DENSE_LIMIT ((uint64_t)1 << 22) /* count-table entries for the one-pass path */

CX_API cx_status cx_group_options_init(cx_group_options *opts, unsigned version)
{
    CX_CHECK_ARG(opts != NULL);
    if (version != CX_GROUP_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "version", "unsupported cx_group_options version %u",
                               version);
    memset(opts, 0, sizeof *opts);
    opts->version = version;
    opts->rating_field = CX_FIELD_CSAT;
    opts->period = CX_PERIOD_NONE;
    return CX_OK;
}

/* One key column: per-row codes in 0..card-1, or -1 when absent. */
typedef struct key_col {
    int field; /* or -1 for the period */
    const int32_t *codes;
    const int8_t *chan;
    const int64_t *time;
    int64_t pmin;            /* smallest period code */
    int64_t dmin;            /* first day (days since the epoch) covered by day_code */
    const int32_t *day_code; /* period code - pmin for each day dmin.. (NULL: compute) */
    uint64_t card;
} key_col;

static int64_t key_of(const key_col *k, size_t i, int period)
{
    if (k->codes)
        return k->codes[i];
    if (k->chan)
        return k->chan[i] > 0 ? k->chan[i] : -1;
    int64_t t = k->time[i];
    if (t == CX_TIME_ABSENT)
        return -1;
    if (k->day_code) { /* one table lookup instead of calendar arithmetic per row */
        int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        return k->day_code[d - k->dmin];
    }
    return cx__period_code(t, period) - k->pmin;
}

static cx_status resolve_scale(int *smin, int *smax, const cx_log *log, const cx_group_options *o,
                               const double *rating)
{
    if (o->scale_min != 0 || o->scale_max != 0) {
        *smin = o->scale_min;
        *smax = o->scale_max;
        return CX_OK;
    }
    if (o->rating_field == CX_FIELD_NPS) {
        *smin = 0;
        *smax = 10;
        return CX_OK;
    }
    if (o->rating_field == CX_FIELD_CES) {
        *smin = 1;
        *smax = 7;
        return CX_OK;
    }
    const double *lo = cx__log_f64(log, CX_FIELD_CSAT_MIN),
                 *hi = cx__log_f64(log, CX_FIELD_CSAT_MAX);
    double a = NAN, b = NAN;
    for (size_t i = 0; rating && i < log->n; i++) {
        if (isnan(rating[i]))
            continue;
        double l = lo ? lo[i] : NAN, h = hi ? hi[i] : NAN;
        if (isnan(l) || isnan(h))
            return cx__error_param(CX_EINVAL, "scale_min",
                                   "row %zu has a rating but no csat_min/csat_max; pass the "
                                   "scale in the options",
                                   i);
        if (isnan(a)) {
            a = l;
            b = h;
        } else if (a != l || b != h) {
            return cx__error_param(CX_ENOTSUP, "scale_min",
                                   "the log mixes CSAT scales (%g..%g and %g..%g at row %zu); "
                                   "select one scale first",
                                   a, b, l, h, i);
        }
    }
    if (isnan(a)) { /* no ratings at all: any scale will do */
        a = 1;
        b = 5;
    }
    if (a != floor(a) || b != floor(b) || fabs(a) > 1e6 || fabs(b) > 1e6)
        return cx__error_param(CX_EINVAL, "scale_min", "CSAT scale %g..%g is not integer", a, b);
    *smin = (int)a;
    *smax = (int)b;
    return CX_OK;
}

typedef struct gsort {
    uint64_t key;
    size_t group;
} gsort;

static int cmp_gsort(const void *a, const void *b)
{
    uint64_t x = ((const gsort *)a)->key, y = ((const gsort *)b)->key;
    return (x > y) - (x < y);
}

/* Labels and period starts of group g with composite key `key`. */
static cx_status label_group(cx_scores *t, size_t g, uint64_t key, const key_col *keys, size_t nk,
                             const cx_log *log, int period)
{
    for (size_t q = nk; q-- > 0;) {
        uint64_t c = key % keys[q].card;
        key /= keys[q].card;
        char buf[40];
        const char *s = buf;
        if (keys[q].codes)
            s = cx__dict_str(&log->dict[keys[q].field], (size_t)c);
        else if (keys[q].chan)
            s = cx_channel_name((int)c);
        else {
            cx__period_label(buf, sizeof buf, (int64_t)c + keys[q].pmin, period);
            t->period_start[g] = cx__period_start((int64_t)c + keys[q].pmin, period);
        }
        t->labels[g * nk + q] = cx__strdup(s);
        if (!t->labels[g * nk + q])
            return cx__enomem();
    }
    return CX_OK;
}

static cx_status check_options(const cx_group_options *o, const cx_log *log)
{
    if (o->version != CX_GROUP_OPTIONS_VERSION)
        return cx__error_param(CX_EINVAL, "opts", "unsupported cx_group_options version %u",
                               o->version);
    int rf = o->rating_field;
    if (rf != CX_FIELD_CSAT && rf != CX_FIELD_NPS && rf != CX_FIELD_CES &&
        rf != CX_FIELD_SELF_RATING && rf != CX_FIELD_LEADER_RATING)
        return cx__error_param(CX_EINVAL, "rating_field", "field %d is not a rating", rf);
    if (o->n_by > MAX_KEYS - 1 || (o->n_by > 0 && !o->by))
        return cx__error_param(CX_EINVAL, "by", "between 0 and %d key fields", MAX_KEYS - 1);
    for (size_t q = 0; q < o->n_by; q++) {
        int f = o->by[q];
        if (f != CX_FIELD_CUSTOMER && f != CX_FIELD_EMPLOYEE && f != CX_FIELD_TEAM &&
            f != CX_FIELD_TOUCHPOINT && f != CX_FIELD_CHANNEL)
            return cx__error_param(CX_EINVAL, "by",
                                   "cannot group by field %d (customer, employee, team, "
                                   "touchpoint or channel)",
                                   f);
    }
    if (o->period < CX_PERIOD_NONE || o->period > CX_PERIOD_YEAR)
        return cx__error_param(CX_EINVAL, "period", "unknown period %d", o->period);
    if (o->weights && o->n_weights != log->n)
        return cx__error_param(CX_EINVAL, "n_weights", "%zu weights for %zu rows", o->n_weights,
                               log->n);
    for (size_t i = 0; o->weights && i < log->n; i++) /* NaN = skip the row */
        if (o->weights[i] < 0.0 || isinf(o->weights[i]))
            return cx__error_param(CX_EINVAL, "weights", "weight %zu is %g; must be finite, >= 0",
                                   i, o->weights[i]);
    return CX_OK;
}

CX_API cx_status cx_scores_group(cx_scores **out, const cx_log *log, const cx_group_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx_group_options def;
    if (!opts) {
        cx_group_options_init(&def, CX_GROUP_OPTIONS_VERSION);
        opts = &def;
    }
    cx_status st = check_options(opts, log);
    if (st != CX_OK)
        return st;
    const double *rating = cx__log_f64(log, opts->rating_field);
    int smin = 0, smax = 0;
    st = resolve_scale(&smin, &smax, log, opts, rating);
    if (st != CX_OK)
        return st;
    cx_acc *probe;
    if ((st = cx_acc_new(&probe, smin, smax)) != CX_OK)
        return st;
    cx_acc_free(probe);

    size_t n = log->n, nk = 0, k = (size_t)(smax - smin) + 1;
    int32_t *day_table = NULL;
    key_col keys[MAX_KEYS];
    int period = opts->period;
    for (size_t q = 0; q < opts->n_by; q++, nk++) {
        key_col *kc = &keys[nk];
        memset(kc, 0, sizeof *kc);
        kc->field = opts->by[q];
        if (kc->field == CX_FIELD_CHANNEL) {
            kc->chan = cx__log_i8(log, kc->field);
            kc->card = CX_CHANNEL_OTHER + 1;
        } else {
            kc->codes = cx__log_codes(log, kc->field);
            kc->card = log->dict[kc->field].count ? log->dict[kc->field].count : 1;
        }
        if (!kc->codes && !kc->chan)
            rating = NULL; /* key absent in every row: every row is skipped */
    }
    if (period != CX_PERIOD_NONE) {
        key_col *kc = &keys[nk++];
        memset(kc, 0, sizeof *kc);
        kc->field = -1;
        kc->time = cx__log_time(log, CX_FIELD_TIME);
        int64_t tlo = INT64_MAX, thi = INT64_MIN;
        for (size_t i = 0; rating && kc->time && i < n; i++) {
            int64_t t = kc->time[i];
            if (!isnan(rating[i]) && t != CX_TIME_ABSENT) {
                tlo = t < tlo ? t : tlo;
                thi = t > thi ? t : thi;
            }
        }
        int64_t lo = tlo == INT64_MAX ? 0 : cx__period_code(tlo, period);
        int64_t hi = tlo == INT64_MAX ? 0 : cx__period_code(thi, period);
        kc->pmin = lo;
        kc->card = (uint64_t)(hi - lo) + 1;
        if (tlo != INT64_MAX && thi - tlo < (int64_t)400 * 366 * 86400) {
            int64_t d0 = cx__period_code(tlo, CX_PERIOD_DAY),
                    d1 = cx__period_code(thi, CX_PERIOD_DAY);
            day_table = cx__malloc_array((size_t)(d1 - d0 + 1), sizeof *day_table);
            if (!day_table)
                return cx__enomem();
            for (int64_t d = d0; d <= d1; d++)
                day_table[d - d0] = (int32_t)(cx__period_code(d * 86400, period) - lo);
            kc->day_code = day_table;
            kc->dmin = d0;
        }
    }
    uint64_t space = 1;
    int overflow = 0;
    for (size_t q = 0; q < nk; q++) {
        if (space > UINT64_MAX / keys[q].card)
            overflow = 1;
        space *= keys[q].card;
    }
    if (overflow) {
        cx__free(day_table);
        return cx__error_param(CX_ENOTSUP, "by", "too many key combinations");
    }

    /* Pass 1: composite key per row -> dense slot or hashed group id. */
    int dense = space <= DENSE_LIMIT / k;
    const double *w = opts->weights;
    size_t ng = 0;
    uint64_t *cnt = NULL;
    double *sw = NULL, *sw2 = NULL;
    int64_t *gcode = NULL;
    uint64_t *gkeys = NULL; /* hash path: group -> key; dense path: unused */
    size_t *slot_group = NULL;
    uint64_t *hkeys = NULL;
    size_t hcap = 0;
    if (dense) {
        cnt = cx__calloc(space * k, sizeof *cnt);
        if (w) {
            sw = cx__calloc(space * k, sizeof *sw);
            sw2 = cx__calloc(space * k, sizeof *sw2);
        }
        if (!cnt || (w && (!sw || !sw2))) {
            st = cx__enomem();
            goto done;
        }
    } else {
        gcode = cx__malloc_array(n, sizeof *gcode);
        hcap = 1024;
        while (hcap < 2 * (n < 1024 ? 1024 : n) && hcap < ((size_t)1 << 40))
            hcap <<= 1;
        hkeys = cx__malloc_array(hcap, sizeof *hkeys);
        slot_group = cx__malloc_array(hcap, sizeof *slot_group);
        gkeys = cx__malloc_array(n ? n : 1, sizeof *gkeys);
        if (!gcode || !hkeys || !slot_group || !gkeys) {
            st = cx__enomem();
            goto done;
        }
        memset(hkeys, 0xFF, hcap * sizeof *hkeys);
    }
    double top = (double)(k - 1);
    for (size_t i = 0; rating && i < n; i++) {
        double r = rating[i] - smin;
        if (!dense)
            gcode[i] = -1;
        if (r != r)
            continue;
        uint64_t key = 0;
        int skip = 0;
        for (size_t q = 0; q < nk; q++) {
            int64_t c = key_of(&keys[q], i, period);
            if (c < 0) {
                skip = 1;
                break;
            }
            key = key * keys[q].card + (uint64_t)c;
        }
        if (skip)
            continue;
        if (CX_UNLIKELY(!(r >= 0.0 && r <= top) || r != (double)(size_t)r)) {
            st = cx__error_param(CX_EINVAL, "rating_field",
                                 "row %zu: rating %g is not an integer on the scale %d..%d", i,
                                 rating[i], smin, smax);
            goto done;
        }
        double wi = w ? w[i] : 1.0;
        if (w && isnan(wi))
            continue;
        if (CX_UNLIKELY(w && !(wi >= 0.0 && isfinite(wi)))) {
            st = cx__error_param(CX_EINVAL, "weights", "weight %zu is %g; must be finite, >= 0", i,
                                 wi);
            goto done;
        }
        if (dense) {
            size_t j = (size_t)key * k + (size_t)r;
            cnt[j]++;
            if (w) {
                sw[j] += wi;
                sw2[j] += wi * wi;
            }
        } else {
            size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (hcap - 1);
            while (hkeys[h] != UINT64_MAX && hkeys[h] != key)
                h = (h + 1) & (hcap - 1);
            if (hkeys[h] == UINT64_MAX) {
                hkeys[h] = key;
                slot_group[h] = ng;
                gkeys[ng++] = key;
            }
            gcode[i] = (int64_t)slot_group[h];
        }
    }

    /* Groups in key order. */
    gsort *order = NULL;
    if (dense) {
        for (uint64_t s = 0; s < space; s++)
            for (size_t j = 0; j < k; j++)
                if (cnt[s * k + j]) {
                    ng++;
                    break;
                }
    }
    order = cx__malloc_array(ng ? ng : 1, sizeof *order);
    if (!order) {
        st = cx__enomem();
        goto done;
    }
    if (dense) {
        size_t g = 0;
        for (uint64_t s = 0; s < space; s++)
            for (size_t j = 0; j < k; j++)
                if (cnt[s * k + j]) {
                    order[g].key = s;
                    order[g++].group = (size_t)s;
                    break;
                }
    } else {
        for (size_t g = 0; g < ng; g++) {
            order[g].key = gkeys[g];
            order[g].group = g;
        }
        qsort(order, ng, sizeof *order, cmp_gsort);
    }
    cx_scores *t = NULL;
    st = cx__scores_alloc(&t, ng, nk, period != CX_PERIOD_NONE);
    if (st == CX_OK)
        for (size_t q = 0; q < nk && st == CX_OK; q++) {
            t->key_names[q] =
                cx__strdup(keys[q].field < 0 ? "period" : cx_field_name(keys[q].field));
            if (!t->key_names[q])
                st = cx__enomem();
        }
    for (size_t g = 0; g < ng && st == CX_OK; g++)
        st = label_group(t, g, order[g].key, keys, nk, log, period);
    if (st == CX_OK && dense) {
        for (size_t g = 0; g < ng && st == CX_OK; g++) {
            st = cx__acc_alloc(&t->accs[g], smin, smax);
            for (size_t j = 0; j < k && st == CX_OK; j++) {
                size_t s = order[g].group * k + j;
                t->accs[g]->count[j] = cnt[s];
                t->accs[g]->w[j] = w ? sw[s] : (double)cnt[s];
                t->accs[g]->w2[j] = w ? sw2[s] : (double)cnt[s];
            }
        }
    } else if (st == CX_OK) {
        /* remap hashed group ids to key order, then tally */
        size_t *rank = cx__malloc_array(ng ? ng : 1, sizeof *rank);
        if (!rank)
            st = cx__enomem();
        for (size_t g = 0; rank && g < ng; g++)
            rank[order[g].group] = g;
        for (size_t i = 0; rank && i < n; i++)
            if (gcode[i] >= 0)
                gcode[i] = (int64_t)rank[gcode[i]];
        cx__free(rank);
        if (st == CX_OK) {
            /* rows with a NaN weight were skipped above (gcode -1); tally validates again */
            st = cx__tally(t->accs, gcode, rating, w, n, ng, smin, smax);
        }
    }
    cx__free(order);
    if (st != CX_OK) {
        cx__scores_free_impl(t);
        goto done;
    }
    *out = t;
done:
    cx__free(day_table);
    cx__free(cnt);
    cx__free(sw);
    cx__free(sw2);
    cx__free(gcode);
    cx__free(gkeys);
    cx__free(hkeys);
    cx__free(slot_group);
    return st;
}

/* ---- perception gaps per group ---- */

CX_API cx_status cx_gap_by(cx_gap_result *out, const char **labels, size_t *n_groups, size_t cap,
                           const cx_log *log, int by, double superior, double level)
{
    CX_CHECK_ARG(n_groups != NULL);
    CX_CHECK_ARG(log != NULL);
    CX_CHECK_ARG(out != NULL || cap == 0);
    cx_status st = cx__check_level(level);
    if (st != CX_OK)
        return st;
    if (!isfinite(superior))
        return cx__error_param(CX_EINVAL, "superior", "superior threshold must be finite");
    key_col kc;
    memset(&kc, 0, sizeof kc);
    kc.field = by;
    size_t ng = 1;
    if (by == CX_FIELD_CHANNEL) {
        kc.chan = cx__log_i8(log, by);
        ng = CX_CHANNEL_OTHER + 1;
    } else if (by == CX_FIELD_CUSTOMER || by == CX_FIELD_EMPLOYEE || by == CX_FIELD_TEAM ||
               by == CX_FIELD_TOUCHPOINT) {
        kc.codes = cx__log_codes(log, by);
        ng = log->dict[by].count;
    } else if (by != -1) {
        return cx__error_param(CX_EINVAL, "by", "cannot group gaps by field %d", by);
    }
    if (ng > cap) {
        *n_groups = ng;
        if (cap == 0 && out == NULL)
            return CX_OK;
        return cx__error_param(CX_ERANGE, "cap", "%zu groups do not fit in %zu", ng, cap);
    }
    const double *a = cx__log_f64(log, CX_FIELD_SELF_RATING), *b = cx__log_f64(log, CX_FIELD_CSAT);
    size_t n = a && b ? log->n : 0;
    /* Counting sort of the rows by group, then one pass per group over its own rows. */
    double *pa = cx__malloc_array(n ? n : 1, sizeof *pa),
           *pb = cx__malloc_array(n ? n : 1, sizeof *pb);
    size_t *start = cx__calloc(ng + 1, sizeof *start);
    if (!pa || !pb || !start) {
        cx__free(pa);
        cx__free(pb);
        cx__free(start);
        return cx__enomem();
    }
    for (size_t i = 0; i < n; i++) {
        int64_t c = by == -1 ? 0 : key_of(&kc, i, 0);
        if (c >= 0 && (size_t)c < ng)
            start[c + 1]++;
    }
    for (size_t g = 0; g < ng; g++)
        start[g + 1] += start[g];
    for (size_t i = 0; i < n; i++) {
        int64_t c = by == -1 ? 0 : key_of(&kc, i, 0);
        if (c >= 0 && (size_t)c < ng) {
            size_t j = start[c]++;
            pa[j] = a[i];
            pb[j] = b[i];
        }
    }
    for (size_t g = ng; g > 0; g--) /* the scatter moved each start to its group's end */
        start[g] = start[g - 1];
    start[0] = 0;
    for (size_t g = 0; g < ng; g++) {
        size_t lo = start[g], m = start[g + 1] - lo;
        cx__gap_compute(&out[g], pa + lo, pb + lo, m, superior, level); /* < 2 pairs: NaN */
        if (labels)
            labels[g] = by == -1   ? "overall"
                        : kc.codes ? cx__dict_str(&log->dict[by], g)
                                   : cx_channel_name((int)g);
    }
    cx__free(pa);
    cx__free(pb);
    cx__free(start);
    *n_groups = ng;
    return CX_OK;
}
