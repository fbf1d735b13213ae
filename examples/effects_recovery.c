/* Service recovery on the sample data: is there a recovery paradox once the channel mix is
 * taken into account? (Run from the repository root: examples/data/...) */
#include <stdio.h>

#include <cxkit/cxkit.h>

int main(void)
{
    cx_log *log = NULL;
    cx_txlog *tx = NULL;
    cx_effect_table *t = NULL;
    cx_effects_options o;
    int rc = 1;
    cx_effects_options_init(&o, CX_EFFECTS_OPTIONS_VERSION);
    o.confounders = "channel";
    if (cx_log_new(&log) || cx_log_read_csv(log, "examples/data/effects_interactions.csv", NULL) ||
        cx_txlog_new(&tx) ||
        cx_txlog_read_csv(tx, "examples/data/effects_transactions.csv", NULL) ||
        cx_effects_recovery(&t, log, tx, &o)) {
        fprintf(stderr, "cxkit: %s\n", cx_error_last()->message);
        goto done;
    }
    size_t col_est, col_lo, col_hi;
    cx_effect_table_find(&col_est, t, "estimate");
    cx_effect_table_find(&col_lo, t, "lower");
    cx_effect_table_find(&col_hi, t, "upper");
    printf("%-13s %-23s %-11s %9s  95%% interval\n", "outcome", "comparison", "method", "estimate");
    for (size_t r = 0; r < cx_effect_table_rows(t); r++) {
        const char *outcome, *cmp, *method;
        double est, lo, hi;
        cx_effect_table_text(&outcome, t, r, 0);
        cx_effect_table_text(&cmp, t, r, 1);
        cx_effect_table_text(&method, t, r, 2);
        cx_effect_table_value(&est, t, r, col_est);
        cx_effect_table_value(&lo, t, r, col_lo);
        cx_effect_table_value(&hi, t, r, col_hi);
        printf("%-13s %-23s %-11s %9.3f  [%.3f, %.3f]\n", outcome, cmp, method, est, lo, hi);
    }
    printf("\n%s", cx_effect_table_notes(t));
    rc = 0;
done:
    cx_effect_table_free(t);
    cx_txlog_free(tx);
    cx_log_free(log);
    return rc;
}
