/* Service recovery: no problem / problem resolved / problem unresolved at the index contact,
 * compared on later outcomes, unadjusted, stratified and by regression, with a verdict on the
 * service recovery paradox (docs/effects.md). */
#include <cxkit/effects.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "estimate.h"
#include "special.h"
#include "table.h"

static const char *group_names[] = {"none", "resolved", "unresolved"};

typedef struct outcome_def {
    const char *name;
    int binary;
} outcome_def;

static const outcome_def outcomes[] = {
    {"repurchase", 1}, {"retained", 1}, {"spend_change", 0}, {"nps_after", 0}};

static double outcome_value(const cx__outcome *o, int k)
{
    switch (k) {
    case 0:
        return o->repurchase;
    case 1:
        return o->retained;
    case 2:
        return o->spend_after - o->spend_before;
    default:
        return o->nps_after;
    }
}

typedef struct sortkey {
    uint64_t s;
    size_t i;
} sortkey;

static int key_cmp(const void *pa, const void *pb)
{
    const sortkey *a = pa, *b = pb;
    if (a->s != b->s)
        return a->s < b->s ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* group sums: count, sum, sum of squares */
typedef struct gsum {
    double n, s, ss;
} gsum;

static void gadd(gsum *g, double y)
{
    g->n += 1;
    g->s += y;
    g->ss += y * y;
}

static double gvar(const gsum *g)
{
    double m = g->s / g->n;
    return g->n > 1 ? fmax(0, (g->ss - g->n * m * m) / (g->n - 1)) : 0;
}

static cx__est compare(const gsum *a, const gsum *b, int binary, double level)
{
    if (binary)
        return cx__risk_difference(a->s, a->n, b->s, b->n, level);
    return cx__mean_difference(a->s / a->n, gvar(a), a->n, b->s / b->n, gvar(b), b->n, level);
}

/* Mantel-Haenszel-weighted stratified difference over strata holding both groups. */
static int stratified(cx__est *e, const sortkey *keys, size_t m, const double *y, const int *grp,
                      int ga, int gb, int binary, double level)
{
    double wsum = 0, est = 0, var = 0;
    for (size_t a = 0; a < m;) {
        size_t b = a;
        gsum sa = {0, 0, 0}, sb = {0, 0, 0};
        while (b < m && keys[b].s == keys[a].s) {
            size_t i = keys[b].i;
            if (grp[i] == ga)
                gadd(&sa, y[i]);
            else if (grp[i] == gb)
                gadd(&sb, y[i]);
            b++;
        }
        a = b;
        if (sa.n < (binary ? 1 : 2) || sb.n < (binary ? 1 : 2))
            continue;
        double w = sa.n * sb.n / (sa.n + sb.n);
        double pa = sa.s / sa.n, pb = sb.s / sb.n;
        double v = binary ? pa * (1 - pa) / sa.n + pb * (1 - pb) / sb.n
                          : gvar(&sa) / sa.n + gvar(&sb) / sb.n;
        wsum += w;
        est += w * (pa - pb);
        var += w * w * v;
    }
    if (wsum == 0)
        return 0;
    *e = cx__normal_est(est / wsum, sqrt(var) / wsum, level);
    return 1;
}

static const char *verdict_word(const cx__est *e, double null_value)
{
    if (e->lower > null_value)
        return "PRESENT";
    if (e->upper < null_value)
        return "ABSENT";
    return "INCONCLUSIVE";
}

typedef struct ctx {
    const cx__panel *p;
    const cx__outcome *o;
    size_t n;
    const int *grp;
    const cx__design *d;
    cx_effect_table *t;
    double level;
} ctx;

static cx_status add_row(cx_effect_table *t, const char *outcome, const char *cmp,
                         const char *method, const char *measure, cx__est e, double na, double nb)
{
    const char *texts[] = {outcome, cmp, method, measure};
    double nums[] = {e.est, e.lower, e.upper, e.p_value, na, nb};
    return cx__table_add(t, texts, nums);
}

/* regression: outcome on [1, group a indicator, confounders] among groups a and b */
static cx_status regress(cx__est *e, int *ok, const ctx *c, const double *y, int ga, int gb,
                         int binary)
{
    size_t q = 1 + c->d->p, m = 0;
    *ok = 0;
    double *x = cx__malloc_array(c->n, (q + 1) * sizeof(double));
    double *yy = cx__malloc_array(c->n, sizeof(double));
    cx_status st = CX_OK;
    if (!x || !yy) {
        st = cx__enomem();
        goto done;
    }
    for (size_t i = 0; i < c->n; i++) {
        if ((c->grp[i] != ga && c->grp[i] != gb) || isnan(y[i]) || !c->d->ok[i])
            continue;
        double *r = x + m * (q + 1);
        r[0] = 1;
        r[1] = c->grp[i] == ga;
        for (size_t j = 0; j < c->d->p; j++)
            r[2 + j] = c->d->x[i * c->d->p + j];
        yy[m++] = y[i];
    }
    if (binary) {
        /* the logit adds its own intercept: pass the columns after the 1 */
        double *xl = x;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < q; j++)
                xl[i * q + j] = x[i * (q + 1) + 1 + j];
        cx_logit *fit = NULL;
        cx_status fs = cx_logit_fit(&fit, yy, xl, NULL, m, q, 1);
        if (fs == CX_ENOMEM) {
            st = fs;
            goto done;
        }
        if (fs == CX_OK) {
            double b[2], se[2];
            size_t np = cx_logit_p(fit);
            double *bb = cx__malloc_array(np, 2 * sizeof(double));
            if (!bb) {
                cx_logit_free(fit);
                st = cx__enomem();
                goto done;
            }
            cx_logit_coef(bb, bb + np, NULL, NULL, NULL, np, fit, c->level);
            b[1] = bb[1];
            se[1] = bb[np + 1];
            cx__free(bb);
            cx_logit_free(fit);
            *e = cx__normal_est(b[1], se[1], c->level); /* log odds ratio */
            *ok = 1;
        }
    } else {
        size_t p = q + 1;
        double *b = cx__malloc_array(p, 2 * sizeof(double));
        if (!b) {
            st = cx__enomem();
            goto done;
        }
        cx_status fs = cx__ols_hc1(b, b + p, yy, x, m, p);
        if (fs == CX_ENOMEM)
            st = fs;
        else if (fs == CX_OK) {
            *e = cx__normal_est(b[1], b[p + 1], c->level);
            *ok = 1;
        }
        cx__free(b);
    }
done:
    cx__free(x);
    cx__free(yy);
    return st;
}

static cx_status analyse(const ctx *c)
{
    static const int pairs[3][2] = {{1, 0}, {2, 0}, {1, 2}};
    static const char *pair_names[] = {"resolved_vs_none", "unresolved_vs_none",
                                       "resolved_vs_unresolved"};
    cx_status st = CX_OK;
    double *y = cx__malloc_array(c->n, sizeof(double));
    sortkey *keys = cx__malloc_array(c->n, sizeof *keys);
    if (!y || !keys) {
        cx__free(y);
        cx__free(keys);
        return cx__enomem();
    }
    int adjusted = c->d->p > 0;
    for (int k = 0; k < 4 && !st; k++) {
        const outcome_def *od = &outcomes[k];
        size_t m = 0;
        for (size_t i = 0; i < c->n; i++) {
            y[i] = outcome_value(&c->o[i], k);
            if (!isnan(y[i]) && c->d->ok[i]) {
                keys[m].s = c->d->stratum[i];
                keys[m].i = i;
                m++;
            }
        }
        qsort(keys, m, sizeof *keys, key_cmp);
        for (int pi = 0; pi < 3 && !st; pi++) {
            int ga = pairs[pi][0], gb = pairs[pi][1];
            gsum a = {0, 0, 0}, b = {0, 0, 0};
            for (size_t j = 0; j < m; j++) {
                size_t i = keys[j].i;
                if (c->grp[i] == ga)
                    gadd(&a, y[i]);
                else if (c->grp[i] == gb)
                    gadd(&b, y[i]);
            }
            const char *measure = od->binary ? "risk_difference" : "mean_difference";
            if (a.n < 2 || b.n < 2) {
                st = cx__table_note(c->t,
                                    "%s, %s: fewer than 2 customers with the outcome in a "
                                    "group (n = %g, %g): not estimable",
                                    od->name, pair_names[pi], a.n, b.n);
                continue;
            }
            cx__est un = compare(&a, &b, od->binary, c->level), basis = un, se_basis = un;
            if ((st = add_row(c->t, od->name, pair_names[pi], "unadjusted", measure, un, a.n, b.n)))
                break;
            cx__est sx;
            if (stratified(&sx, keys, m, y, c->grp, ga, gb, od->binary, c->level)) {
                if ((st = add_row(c->t, od->name, pair_names[pi], "stratified", measure, sx, a.n,
                                  b.n)))
                    break;
            } else {
                st = cx__table_note(c->t, "%s, %s: no stratum holds both groups", od->name,
                                    pair_names[pi]);
            }
            cx__est re;
            int ok;
            if (!st)
                st = regress(&re, &ok, c, y, ga, gb, od->binary);
            if (st)
                break;
            if (ok) {
                cx__est shown = re;
                if (od->binary) { /* report the odds ratio */
                    shown.est = exp(re.est);
                    shown.lower = exp(re.lower);
                    shown.upper = exp(re.upper);
                }
                st = add_row(c->t, od->name, pair_names[pi], "regression",
                             od->binary ? "odds_ratio" : "mean_difference", shown, a.n, b.n);
                if (adjusted) {
                    basis = shown;
                    se_basis = re;
                }
            } else {
                st = cx__table_note(c->t, "%s, %s: regression not estimable (%s)", od->name,
                                    pair_names[pi], cx_error_last()->message);
            }
            if (st || pi != 0)
                continue;
            /* the verdict: resolved vs no problem, adjusted when confounders were named */
            int ratio = adjusted && od->binary && ok;
            const char *word = verdict_word(&basis, ratio ? 1 : 0);
            double p1 = se_basis.se > 0 ? cx__normal_sf(se_basis.est / se_basis.se)
                                        : (se_basis.est > 0 ? 0 : 1);
            cx__est v = basis;
            v.p_value = p1;
            if ((st = add_row(c->t, od->name, pair_names[0], "verdict", word, v, a.n, b.n)))
                break;
            st = cx__table_note(
                c->t,
                "%s: recovery paradox %s (resolved vs no problem, %s %s %.4g [%.4g, %.4g]; "
                "one-sided p that resolved customers do better = %.3g)",
                od->name, word, adjusted ? "adjusted" : "unadjusted",
                ratio ? "odds ratio" : measure, basis.est, basis.lower, basis.upper, p1);
        }
    }
    cx__free(y);
    cx__free(keys);
    return st;
}

cx_status cx_effects_recovery(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                              const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    int *grp = NULL;
    double *res = NULL;
    size_t n = 0;
    cx__design d;
    memset(&d, 0, sizeof d);
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, CX_FIELD_PROBLEM, -1);
    if (st)
        return st;
    grp = cx__malloc_array(n, sizeof(int));
    res = cx__malloc_array(p->nrows, sizeof(double));
    if (!grp || !res) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx_log_get_f64(res, p->nrows, log, CX_FIELD_RESOLVED)))
        goto done;
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        grp[i] = o[i].value == 0 ? 0 : res[o[i].row] == 1 ? 1 : 2;
        count[grp[i]]++;
    }
    for (int g = 0; g < 3; g++)
        if (count[g] == 0) {
            st = cx__error_param(CX_ERANGE, "log",
                                 "the group '%s' has no customers (none: %zu, resolved: %zu, "
                                 "unresolved: %zu): the comparisons need all three",
                                 group_names[g], count[0], count[1], count[2]);
            goto done;
        }
    if ((st = cx__design_build(&d, p, o, n, p->opts.confounders)))
        goto done;
    size_t pruned = cx__design_prune(&d);
    if ((st = cx__table_new(&t, "Service recovery: later outcomes by recovery group",
                            "$outcome,$comparison,$method,$measure,estimate,lower,upper,p_value,"
                            "n_a,n_b")))
        goto done;
    if ((st = cx__table_note(t,
                             "customers: %zu none, %zu resolved, %zu unresolved; window %g "
                             "days; confounders: %s",
                             count[0], count[1], count[2], p->opts.window_days,
                             d.p ? p->opts.confounders : "none")))
        goto done;
    if (pruned && (st = cx__table_note(t,
                                       "%zu confounder column(s) constant among the customers "
                                       "used were dropped",
                                       pruned)))
        goto done;
    ctx c = {p, o, n, grp, &d, t, p->opts.conf_level};
    if ((st = analyse(&c)))
        goto done;
    *out = t;
    t = NULL;
done:
    cx_effect_table_free(t);
    cx__design_free(&d);
    cx__free(grp);
    cx__free(res);
    cx__free(o);
    cx__panel_free(p);
    return st;
}
