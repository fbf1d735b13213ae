/* Churn as survival from the index contact: Kaplan-Meier curves by experience segment with the
 * log-rank test, and a Cox model on named covariates with the proportional-hazards test. */
#include <cxkit/effects.h>
#include <cxkit/survival.h>

#include <math.h>
#include <string.h>

#include "design.h"
#include "table.h"

static const char *seg_names[] = {"negative", "neutral", "positive"};

cx_status cx_effects_churn_curves(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                                  const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    double *pos = NULL, *tt = NULL, *ee = NULL, *gg = NULL, *buf = NULL;
    cx_km *km = NULL;
    size_t n = 0;
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, CX_FIELD_CSAT, -1);
    if (st)
        return st;
    pos = cx__malloc_array(n, sizeof(double));
    tt = cx__malloc_array(n, sizeof(double));
    ee = cx__malloc_array(n, sizeof(double));
    gg = cx__malloc_array(n, sizeof(double));
    buf = cx__malloc_array(n, 7 * sizeof(double));
    if (!pos || !tt || !ee || !gg || !buf) {
        st = cx__enomem();
        goto done;
    }
    if ((st = cx__scaled_value(pos, o, n, p, CX_FIELD_CSAT)))
        goto done;
    if ((st = cx__table_new(&t, "Churn: Kaplan-Meier survival by experience segment",
                            "$segment,time_days,n_risk,n_event,surv,lower,upper")))
        goto done;
    int code[3] = {-1, -1, -1}, present = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(pos[i]))
            continue;
        int c = pos[i] < p->opts.negative_below ? 0 : pos[i] >= p->opts.positive_from ? 2 : 1;
        if (code[c] < 0)
            code[c] = present++;
        tt[m] = o[i].surv_days;
        ee[m] = o[i].churned;
        gg[m] = c;
        m++;
    }
    for (int c = 0; c < 3 && !st; c++) {
        if (code[c] < 0) {
            st = cx__table_note(t, "%s: no customers", seg_names[c]);
            continue;
        }
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (gg[i] == c) {
                pos[k] = tt[i]; /* reuse as the segment's times and events */
                buf[k] = ee[i];
                k++;
            }
        if ((st = cx_km_fit(&km, pos, buf, k, p->opts.conf_level, CX_KM_CI_LOG_LOG)))
            break;
        size_t steps = cx_km_size(km);
        double *col = buf; /* 7 columns of at most n steps each fit in buf */
        cx_km_get(col, col + steps, col + 2 * steps, col + 3 * steps, NULL, col + 5 * steps,
                  col + 6 * steps, steps, km);
        for (size_t j = 0; j < steps && !st; j++) {
            double nums[] = {col[j],
                             col[steps + j],
                             col[2 * steps + j],
                             col[3 * steps + j],
                             col[5 * steps + j],
                             col[6 * steps + j]};
            st = cx__table_add(t, &seg_names[c], nums);
        }
        double med;
        if (!st) {
            if (cx_km_median(&med, km) == CX_OK)
                st = cx__table_note(t, "%s: %zu customers, median survival %.1f days", seg_names[c],
                                    k, med);
            else
                st = cx__table_note(t, "%s: %zu customers, median survival not reached",
                                    seg_names[c], k);
        }
        cx_km_free(km);
        km = NULL;
    }
    if (st)
        goto done;
    if (present >= 2) {
        for (size_t i = 0; i < m; i++)
            gg[i] = code[(int)gg[i]];
        double chisq, pv;
        cx_status ls = cx_logrank_test(&chisq, &pv, NULL, NULL, (size_t)present, tt, ee, gg, m);
        if (ls == CX_ENOMEM)
            st = ls;
        else if (ls == CX_OK)
            st = cx__table_note(t,
                                "log-rank test across %d segments: chi2 = %.4g, df = %d, p = "
                                "%.3g",
                                present, chisq, present - 1, pv);
        else
            st = cx__table_note(t, "log-rank test not available: %s", cx_error_last()->message);
    }
    if (!st)
        st = cx__table_note(t,
                            "churn: no activity for %g days (or more) before the end of "
                            "observation; time from the first rated contact",
                            p->gap / 86400.0);
    if (!st) {
        *out = t;
        t = NULL;
    }
done:
    cx_km_free(km);
    cx__free(pos);
    cx__free(tt);
    cx__free(ee);
    cx__free(gg);
    cx__free(buf);
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}

cx_status cx_effects_churn(cx_effect_table **out, const cx_log *log, const cx_txlog *tx,
                           const cx_effects_options *opts)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(log != NULL);
    cx__panel *p = NULL;
    cx__outcome *o = NULL;
    cx_effect_table *t = NULL;
    cx_cox *cox = NULL;
    double *tt = NULL, *ee = NULL, *x = NULL, *r = NULL;
    size_t n = 0;
    cx__design d;
    memset(&d, 0, sizeof d);
    cx_status st = cx__index_outcomes(&p, &o, &n, log, tx, opts, -1, -1);
    if (st)
        return st;
    const char *cov = p->opts.covariates                                      ? p->opts.covariates
                      : cx_log_count_present(log, CX_FIELD_ATTENTIVENESS) > 0 ? "csat,attentiveness"
                                                                              : "csat";
    if ((st = cx__design_build(&d, p, o, n, cov)))
        goto done;
    size_t pruned = cx__design_prune(&d);
    if (d.p == 0) {
        st = cx__error_param(CX_EINVAL, "covariates",
                             "no covariate named, or none varies among the customers");
        goto done;
    }
    tt = cx__malloc_array(n, sizeof(double));
    ee = cx__malloc_array(n, sizeof(double));
    x = cx__malloc_array(n, d.p * sizeof(double));
    r = cx__malloc_array(d.p + 1, 9 * sizeof(double));
    if (!tt || !ee || !x || !r) {
        st = cx__enomem();
        goto done;
    }
    size_t m = 0;
    double events = 0;
    for (size_t i = 0; i < n; i++) {
        if (!d.ok[i])
            continue;
        tt[m] = o[i].surv_days;
        ee[m] = o[i].churned;
        events += ee[m];
        memcpy(x + m * d.p, d.x + i * d.p, d.p * sizeof(double));
        m++;
    }
    if (events == 0) {
        st = cx__error_param(CX_ERANGE, "log",
                             "no customer churned (censoring everywhere): hazard ratios are not "
                             "estimable; lower churn_gap_days or extend the log");
        goto done;
    }
    if ((st = cx_cox_fit(&cox, tt, ee, x, m, d.p, CX_TIES_EFRON)))
        goto done;
    size_t q = d.p;
    double *b = r, *se = b + q, *hr = se + q, *lo = hr + q, *hi = lo + q, *pv = hi + q;
    double *zc = pv + q, *zp = zc + q + 1;
    cx_cox_coef(b, se, hr, lo, hi, pv, q, cox, p->opts.conf_level);
    cx_status zs = cx_cox_zph(zc, NULL, zp, q + 1, cox, CX_ZPH_KM);
    if (zs == CX_ENOMEM) {
        st = zs;
        goto done;
    }
    if ((st = cx__table_new(&t, "Churn: Cox proportional hazards (Efron ties)",
                            "$term,beta,std_error,hazard_ratio,hr_lower,hr_upper,p_value,"
                            "ph_chisq,ph_p_value")))
        goto done;
    for (size_t j = 0; j < q && !st; j++) {
        const char *name = d.names[j];
        double nums[] = {
            b[j], se[j], hr[j], lo[j], hi[j], pv[j], zs ? NAN : zc[j], zs ? NAN : zp[j]};
        st = cx__table_add(t, &name, nums);
    }
    if (!st && zs)
        st = cx__table_note(t, "proportional-hazards test not available (NaN): %s",
                            cx_error_last()->message);
    else if (!st)
        st = cx__table_note(t,
                            "proportional-hazards test (global): chi2 = %.4g, df = %zu, p = "
                            "%.3g",
                            zc[q], q, zp[q]);
    if (!st)
        st = cx__table_note(t,
                            "%zu customers, %.0f churned (no activity for %g days before the "
                            "end of observation); time from the index contact in days",
                            m, events, p->gap / 86400.0);
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
    cx_cox_free(cox);
    cx__free(tt);
    cx__free(ee);
    cx__free(x);
    cx__free(r);
    cx__design_free(&d);
    cx_effect_table_free(t);
    cx__free(o);
    cx__panel_free(p);
    return st;
}
