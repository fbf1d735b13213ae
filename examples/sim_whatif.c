/* What if we coach the front line? Runs the calibrated default bank for a year with and without
 * a coaching programme from week 13, with common random numbers over 5 replications, and prints
 * the difference in CSAT, NPS and active customers at the end of the year with 95% intervals. */
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
    cx_sim_params *base = NULL, *coach = NULL;
    cx_sim_comparison *cmp = NULL;
    int rc = 1;
    if (check(cx_sim_params_new(&base)) || check(cx_sim_params_set(base, "customers", 3000)) ||
        check(cx_sim_params_set(base, "employees", 40)) || check(cx_sim_params_dup(&coach, base)) ||
        check(cx_sim_params_add_intervention(coach, CX_SIM_LEVER_COACHING, 13, 0, 0.5)))
        goto done;
    cx_sim_options opts;
    cx_sim_options_init(&opts, CX_SIM_OPTIONS_VERSION);
    opts.seed = 2024;
    if (check(cx_sim_compare(&cmp, base, coach, 5, &opts)))
        goto done;
    size_t P = cx_sim_comparison_periods(cmp);
    const int series[] = {CX_SIM_SERIES_CSAT, CX_SIM_SERIES_NPS, CX_SIM_SERIES_ACTIVE,
                          CX_SIM_SERIES_ATTENTIVENESS};
    printf("coaching from week 13, week %zu, what-if minus baseline (95%% interval):\n", P);
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
        double m[52], lo[52], hi[52];
        if (P > 52 || check(cx_sim_comparison_diff(m, lo, hi, P, cmp, series[k], 0.95)))
            goto done;
        printf("  %-14s %+8.3f  [%+8.3f, %+8.3f]\n", cx_sim_series_name(series[k]), m[P - 1],
               lo[P - 1], hi[P - 1]);
    }
    rc = 0;
done:
    cx_sim_comparison_free(cmp);
    cx_sim_params_free(coach);
    cx_sim_params_free(base);
    return rc;
}
