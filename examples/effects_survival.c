/* Churn as survival on R's `aml` data: Kaplan-Meier with Greenwood intervals, the log-rank test
 * and a Cox model with its proportional-hazards test. */
#include <stdio.h>

#include <cxkit/cxkit.h>

static int check(cx_status st)
{
    if (st != CX_OK)
        fprintf(stderr, "cxkit: %s\n", cx_error_last()->message);
    return st != CX_OK;
}

int main(void)
{
    const double time[] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                           5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
    const double event[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    const double group[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const size_t n = sizeof time / sizeof time[0];

    cx_km *km = NULL;
    if (check(cx_km_fit(&km, time, event, n, 0.95, CX_KM_CI_LOG_LOG)))
        return 1;
    size_t m = cx_km_size(km);
    double t[32], s[32], lo[32], hi[32];
    cx_km_get(t, NULL, NULL, s, NULL, lo, hi, m, km);
    printf("time  surv   95%% CI (log-log)\n");
    for (size_t i = 0; i < m; i++)
        printf("%4.0f  %.3f  [%.3f, %.3f]\n", t[i], s[i], lo[i], hi[i]);
    double median;
    if (cx_km_median(&median, km) == CX_OK)
        printf("median survival: %g\n", median);
    cx_km_free(km);

    double chisq, p;
    if (check(cx_logrank_test(&chisq, &p, NULL, NULL, 2, time, event, group, n)))
        return 1;
    printf("log-rank: chi2 = %.3f, p = %.4f\n", chisq, p);

    cx_cox *cox = NULL;
    if (check(cx_cox_fit(&cox, time, event, group, n, 1, CX_TIES_EFRON)))
        return 1;
    double beta, hr, hlo, hhi, zph[2], zp[2];
    cx_cox_coef(&beta, NULL, &hr, &hlo, &hhi, &p, 1, cox, 0.95);
    printf("Cox: beta = %.4f, hazard ratio %.2f [%.2f, %.2f], p = %.3f\n", beta, hr, hlo, hhi, p);
    if (check(cx_cox_zph(zph, NULL, zp, 2, cox, CX_ZPH_KM)))
        return 1;
    printf("proportional hazards test: chi2 = %.3f, p = %.3f\n", zph[0], zp[0]);
    cx_cox_free(cox);
    return 0;
}
