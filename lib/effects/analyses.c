/* Log-level analyses other than recovery: the outcome table itself, moments of truth
 * (touchpoints), spend response, satisfaction -> retention (regression and zones). */
#include <cxkit/effects.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "estimate.h"
#include "special.h"
#include "surv_common.h"
#include "table.h"

/* ---- per-customer outcome table ---- */

cx_status cx_effects_outcomes(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                              const cx_effects_options *opts, int field, const char *touchpoint)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    if (cx_field_kind_of(field) != CX_KIND_DOUBLE && cx_field_kind_of(field) != CX_KIND_BOOL)
        return cx__error_param(CX_EINVAL, "field", "field %d is not numeric or yes/no", field);
    int64_t tp = -1;
    if (touchpoint) {
        size_t code;
        if (cx_log_dict_find(&code, log, CX_FIELD_TOUCHPOINT, touchpoint) != CX_OK)
            return cx__error_param(CX_ERANGE, "touchpoint", "no touchpoint '%s' in the log",
                                   touchpoint);
        tp = (int64_t)code;
    }
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    size_t n = 0;
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, field, tp);
    if (st)
        return st;
    if ((st = cx__table_new(&t, "Later outcomes per customer",
                            "$customer,index_time,index_row,value,spend_before,spend_after,"
                            "spend_change,repurchase,retained,nps_after,tenure_days,"
                            "contacts_before,surv_days,churned")))
        goto done;
    for (size_t i = 0; i < n && !st; i++) {
        const char *name = "";
        cx_log_dict_get(&name, log, CX_FIELD_CUSTOMER, o[i].cust);
        const cx__outcome *r = &o[i];
        double nums[] = {(double)r->t0,   (double)r->row,     r->value,
                         r->spend_before, r->spend_after,     r->spend_after - r->spend_before,
                         r->repurchase,   r->retained,        r->nps_after,
                         r->tenure_days,  r->contacts_before, r->surv_days,
                         r->churned};
        st = cx__table_add(t, &name, nums);
    }
    if (!st)
        st = cx__table_note(t,
                            "index: first contact with %s in [start + W, end - W]; W = %g "
                            "days; nps_after is NaN when no later rating exists",
                            cx_field_name(field), p->opts.window_days);
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}

/* ---- moments of truth ---- */

typedef struct tp_row {
    double beta, lo, hi, p, sbeta, slo, shi, sp, n, retention;
    size_t code;
} tp_row;

static int tp_cmp(const void *a, const void *b)
{
    double x = ((const tp_row *)a)->beta, y = ((const tp_row *)b)->beta;
    return (x < y) - (x > y); /* descending */
}

cx_status cx_effects_touchpoints(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                 const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx_effect_table *t = NULL;
    tp_row *rows = NULL;
    double *srow = NULL;
    int64_t *tpc = NULL;
    size_t ntp = 0, nrows = 0;
    cx_status st = cx__panel_new(&p, log, tx, opts);
    if (st)
        return st;
    int field = p->opts.predictor;
    double level = p->opts.conf_level;
    if ((st = cx_log_dict_size(&ntp, log, CX_FIELD_TOUCHPOINT)))
        goto done;
    if (ntp == 0) {
        st = cx__error_param(CX_ERANGE, "log", "the log records no touchpoints");
        goto done;
    }
    rows = cx__calloc(ntp, sizeof *rows);
    srow = cx__malloc_array(p->nrows, sizeof(double));
    tpc = cx__malloc_array(p->nrows, sizeof(int64_t));
    if (srow && tpc &&
        ((st = cx__scaled_rows(srow, p, field)) ||
         (st = cx_log_get_i64(tpc, p->nrows, log, CX_FIELD_TOUCHPOINT))))
        goto done;
    if (!rows || !srow || !tpc ||
        (st = cx__table_new(&t, "Moments of truth: effect of the predictor per touchpoint",
                            "$touchpoint,rank,retention_logodds,lower,upper,p_value,"
                            "spend_effect,spend_lower,spend_upper,spend_p_value,n,"
                            "retention"))) {
        if (!st)
            st = cx__enomem();
        goto done;
    }
    for (size_t k = 0; k < ntp && !st; k++) {
        cx__outcome *o = NULL;
        size_t n = 0;
        double *x = NULL, *y = NULL, *xs = NULL, *ys = NULL;
        const char *tpname = "";
        cx_log_dict_get(&tpname, log, CX_FIELD_TOUCHPOINT, k);
        if ((st = cx__outcomes_cols(&o, &n, p, srow, tpc, (int64_t)k)))
            break;
        x = cx__malloc_array(n ? n : 1, sizeof(double));
        y = cx__malloc_array(n ? n : 1, sizeof(double));
        xs = cx__malloc_array(n ? n : 1, 3 * sizeof(double));
        ys = cx__malloc_array(n ? n : 1, sizeof(double));
        if (!x || !y || !xs || !ys)
            st = cx__enomem();
        for (size_t i = 0; !st && i < n; i++)
            x[i] = o[i].value; /* already scaled: the index used the scaled column */
        size_t m = 0;
        double kept = 0;
        for (size_t i = 0; !st && i < n; i++) {
            if (isnan(x[i]))
                continue;
            x[m] = x[i];
            y[m] = o[i].retained;
            kept += y[m];
            xs[3 * m] = 1;
            xs[3 * m + 1] = x[i];
            xs[3 * m + 2] = o[i].spend_before;
            ys[m] = o[i].spend_after;
            m++;
        }
        cx_logit *fit = NULL;
        cx_status fs = st ? st : m >= 10 ? cx_logit_fit(&fit, y, x, NULL, m, 1, 1) : CX_ERANGE;
        if (fs == CX_ENOMEM)
            st = fs;
        else if (fs != CX_OK) {
            st = cx__table_note(t, "%s: not estimable (%zu customers%s%s)", tpname, m,
                                m >= 10 ? ": " : ", fewer than 10",
                                m >= 10 ? cx_error_last()->message : "");
        } else {
            double b[2], lo[2], hi[2], pv[2], sb[3], sse[3];
            cx_logit_coef(b, NULL, lo, hi, pv, 2, fit, level);
            tp_row *r = &rows[nrows];
            r->beta = b[1];
            r->lo = lo[1];
            r->hi = hi[1];
            r->p = pv[1];
            r->n = (double)m;
            r->retention = kept / (double)m;
            r->code = k;
            cx_status os = cx__ols_hc1(sb, sse, ys, xs, m, 3);
            if (os == CX_ENOMEM)
                st = os;
            else if (os == CX_OK) {
                cx__est e = cx__normal_est(sb[1], sse[1], level);
                r->sbeta = e.est;
                r->slo = e.lower;
                r->shi = e.upper;
                r->sp = e.p_value;
            } else {
                r->sbeta = r->slo = r->shi = r->sp = NAN;
                st = cx__table_note(t, "%s: spend effect not estimable (NaN)", tpname);
            }
            nrows++;
        }
        cx_logit_free(fit);
        cx__free(o);
        cx__free(x);
        cx__free(y);
        cx__free(xs);
        cx__free(ys);
    }
    if (st)
        goto done;
    if (nrows == 0) {
        st = cx__error_param(CX_ERANGE, "log",
                             "no touchpoint has enough customers with '%s' at their first contact "
                             "there to estimate an effect",
                             cx_field_name(field));
        goto done;
    }
    qsort(rows, nrows, sizeof *rows, tp_cmp);
    for (size_t r = 0; r < nrows && !st; r++) {
        const char *name = "";
        cx_log_dict_get(&name, log, CX_FIELD_TOUCHPOINT, rows[r].code);
        double nums[] = {(double)(r + 1), rows[r].beta,  rows[r].lo,       rows[r].hi,
                         rows[r].p,       rows[r].sbeta, rows[r].slo,      rows[r].shi,
                         rows[r].sp,      rows[r].n,     rows[r].retention};
        st = cx__table_add(t, &name, nums);
    }
    if (!st)
        st = cx__table_note(t,
                            "predictor %s scaled to 0..1 (worst..best); retention_logodds: "
                            "log odds ratio of retention, worst vs best; spend_effect: change "
                            "in spend after, worst to best, adjusted for spend before",
                            cx_field_name(field));
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx__free(rows);
    cx__free(srow);
    cx__free(tpc);
    cx_effect_table_free(t);
    cx__panel_free(p);
    return st;
}

/* ---- spend response ---- */

cx_status cx_effects_spend(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                           const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    double *pos = NULL;
    size_t n = 0;
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, CX_FIELD_CSAT, -1);
    if (st)
        return st;
    pos = cx__malloc_array(n, sizeof(double));
    if (!pos) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx__scaled_value(pos, o, n, p, CX_FIELD_CSAT)))
        goto done;
    double cnt[3][4] = {{0}}; /* class x (n, up, down, same) */
    for (size_t i = 0; i < n; i++) {
        if (isnan(pos[i]))
            continue;
        int c = pos[i] < p->opts.negative_below ? 0 : pos[i] >= p->opts.positive_from ? 2 : 1;
        double d = o[i].spend_after - o[i].spend_before;
        cnt[c][0]++;
        cnt[c][d > 0 ? 1 : d < 0 ? 2 : 3]++;
    }
    if ((st = cx__table_new(&t, "Spend response after the first rated experience",
                            "$experience,n,increase,increase_lower,increase_upper,decrease,"
                            "decrease_lower,decrease_upper,same,same_lower,same_upper")))
        goto done;
    static const char *names[] = {"negative", "neutral", "positive"};
    double level = p->opts.conf_level;
    for (int c = 0; c < 3 && !st; c++) {
        if (cnt[c][0] == 0) {
            st = cx__table_note(t, "%s: no customers", names[c]);
            continue;
        }
        double nums[10];
        nums[0] = cnt[c][0];
        for (int k = 0; k < 3; k++) {
            nums[1 + 3 * k] = cnt[c][1 + k] / cnt[c][0];
            cx__wilson(&nums[2 + 3 * k], &nums[3 + 3 * k], cnt[c][1 + k], cnt[c][0],
                       cx__z_for_level(level));
        }
        st = cx__table_add(t, &names[c], nums);
    }
    if (!st)
        st = cx__table_note(t,
                            "experience from the CSAT position on its scale: negative < %g <= "
                            "neutral < %g <= positive; spend over %g days before vs after; "
                            "Wilson intervals",
                            p->opts.negative_below, p->opts.positive_from, p->opts.window_days);
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx__free(pos);
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}

/* ---- satisfaction -> retention ---- */

static const char *default_covariates(const cx_log *log)
{
    int att = cx_log_count_present(log, CX_FIELD_ATTENTIVENESS) > 0;
    return att ? "csat,attentiveness" : "csat";
}

cx_status cx_effects_retention(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                               const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    cx_logit *fit = NULL;
    double *y = NULL, *x = NULL, *b = NULL;
    size_t n = 0;
    cx__design d;
    memset(&d, 0, sizeof d);
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, -1, -1);
    if (st)
        return st;
    const char *cov = p->opts.covariates ? p->opts.covariates : default_covariates(log);
    if ((st = cx__design_build(&d, p, o, n, cov)))
        goto done;
    size_t pruned = cx__design_prune(&d);
    if (d.p == 0) {
        st = cx__error_param(CX_EINVAL, "covariates",
                             "no covariate named, or none varies among the customers");
        goto done;
    }
    y = cx__malloc_array(n, sizeof(double));
    x = cx__malloc_array(n, d.p * sizeof(double));
    b = cx__malloc_array(d.p + 1, 5 * sizeof(double));
    if (!y || !x || !b) {
        st = cx__enomem();
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!d.ok[i])
            continue;
        y[m] = o[i].retained;
        memcpy(x + m * d.p, d.x + i * d.p, d.p * sizeof(double));
        m++;
    }
    if ((st = cx_logit_fit(&fit, y, x, NULL, m, d.p, 1)))
        goto done;
    size_t q = d.p + 1;
    double *se = b + q, *lo = se + q, *hi = lo + q, *pv = hi + q;
    cx_logit_coef(b, se, lo, hi, pv, q, fit, p->opts.conf_level);
    if ((st = cx__table_new(&t, "Satisfaction -> retention: logistic regression",
                            "$term,estimate,std_error,lower,upper,p_value,odds_ratio,or_lower,"
                            "or_upper")))
        goto done;
    for (size_t j = 0; j < q && !st; j++) {
        const char *name = j == 0 ? "(intercept)" : d.names[j - 1];
        double nums[] = {b[j], se[j], lo[j], hi[j], pv[j], exp(b[j]), exp(lo[j]), exp(hi[j])};
        st = cx__table_add(t, &name, nums);
    }
    double lr, lrp;
    cx_logit_summary(NULL, NULL, &lr, &lrp, NULL, fit);
    if (!st)
        st = cx__table_note(t,
                            "retained: any activity within %g days after the index contact; "
                            "%zu customers (%zu without every covariate left out); LR chi2 = "
                            "%.4g, p = %.3g",
                            p->opts.window_days, m, n - m, lr, lrp);
    if (!st && pruned)
        st = cx__table_note(t,
                            "%zu covariate column(s) constant among the customers used were "
                            "dropped",
                            pruned);
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx_logit_free(fit);
    cx__free(y);
    cx__free(x);
    cx__free(b);
    cx__design_free(&d);
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}

cx_status cx_effects_zones(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                           const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    double *y = NULL, *s = NULL;
    size_t n = 0;
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, -1, -1);
    if (st)
        return st;
    y = cx__malloc_array(n, sizeof(double));
    s = cx__malloc_array(n, sizeof(double));
    if (!y || !s) {
        st = cx__enomem();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        y[i] = o[i].retained;
        s[i] = o[i].value;
    }
    cx_zones z;
    if ((st = cx_zones_fit(&z, y, s, NULL, n, p->opts.conf_level)))
        goto done;
    if ((st = cx__table_new(&t, "Satisfaction -> retention zones",
                            "$zone,from,to,from_lower,from_upper,slope,slope_lower,slope_upper,"
                            "retention,retention_lower,retention_upper,n")))
        goto done;
    static const char *names[] = {"defection", "indifference", "affection"};
    for (int k = 0; k < 3 && !st; k++) {
        double from = k == 0 ? -INFINITY : z.knot[k - 1];
        double to = k == 2 ? INFINITY : z.knot[k];
        double fl = k == 0 ? -INFINITY : z.knot_lower[k - 1];
        double fu = k == 0 ? -INFINITY : z.knot_upper[k - 1];
        double nums[] = {from,
                         to,
                         fl,
                         fu,
                         z.slope[k],
                         z.slope_lower[k],
                         z.slope_upper[k],
                         z.retention[k],
                         z.retention_lower[k],
                         z.retention_upper[k],
                         z.n[k]};
        st = cx__table_add(t, &names[k], nums);
    }
    if (!st)
        st = cx__table_note(t,
                            "knots %g and %g of %s (profile ranges [%g, %g], [%g, %g]); "
                            "piecewise vs linear: LR chi2 = %.4g, p = %.3g (approximate)",
                            z.knot[0], z.knot[1], cx_field_name(p->opts.predictor), z.knot_lower[0],
                            z.knot_upper[0], z.knot_lower[1], z.knot_upper[1], z.lr_chisq,
                            z.lr_p_value);
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx__free(y);
    cx__free(s);
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}
