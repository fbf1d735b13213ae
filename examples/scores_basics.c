/* Satisfaction scores in C: NPS and CSAT of a few ratings with intervals, a mergeable
 * accumulator sent as bytes, then NPS by touchpoint and quarter over the sample log. */
#include <stdio.h>

#include <cxkit/cxkit.h>

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, cx_error_last()->message);
    return 1;
}

int main(void)
{
    /* 1. NPS of ten 0..10 answers (standard buckets), Tango score interval. */
    double ltr[] = {10, 9, 9, 8, 7, 10, 6, 3, 9, 10};
    cx_acc *acc;
    cx_nps_result nps;
    if (cx_acc_new(&acc, 0, 10) || cx_acc_add_array(acc, ltr, NULL, 10) ||
        cx_acc_nps(&nps, acc, NULL, 0.95, CX_NPS_SCORE))
        return fail("nps");
    printf("NPS %.0f, 95%% CI [%.1f, %.1f], promoters %.0f%%, detractors %.0f%%\n", nps.nps, nps.lo,
           nps.hi, 100 * nps.promoters, 100 * nps.detractors);

    /* 2. The same accumulator as bytes (e.g. from another process), merged exactly. */
    uint8_t *bytes;
    size_t len;
    cx_acc *copy;
    if (cx_acc_serialize(&bytes, &len, acc) || cx_acc_deserialize(&copy, bytes, len) ||
        cx_acc_merge(copy, acc))
        return fail("serialise");
    printf("merged accumulator: %llu ratings from %zu bytes each\n",
           (unsigned long long)cx_acc_count(copy), len);
    cx_free(bytes);
    cx_acc_free(copy);
    cx_acc_free(acc);

    /* 3. CSAT on 1..5: mean and top-2-box with Wilson interval. */
    double sat[] = {5, 4, 4, 3, 5, 2, 5, 4, 1, 5, 4, 4};
    double mean, lo, hi, share, slo, shi;
    if (cx_acc_new(&acc, 1, 5) || cx_acc_add_array(acc, sat, NULL, 12) ||
        cx_acc_mean(&mean, NULL, &lo, &hi, acc, 0.95, CX_MEAN_T) ||
        cx_acc_top_box(&share, &slo, &shi, acc, 4, 0.95, CX_PROP_WILSON))
        return fail("csat");
    printf("CSAT mean %.2f [%.2f, %.2f], top-2-box %.0f%% [%.0f%%, %.0f%%]\n", mean, lo, hi,
           100 * share, 100 * slo, 100 * shi);
    cx_acc_free(acc);

    /* 4. NPS by touchpoint and quarter over the sample interaction log. */
    cx_log *log;
    if (cx_log_new(&log) || cx_log_read_csv(log, "examples/data/interactions.csv", NULL))
        return fail("examples/data/interactions.csv");
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    int by[1] = {CX_FIELD_TOUCHPOINT};
    o.by = by;
    o.n_by = 1;
    o.period = CX_PERIOD_QUARTER;
    o.rating_field = CX_FIELD_NPS;
    cx_scores *t;
    if (cx_scores_group(&t, log, &o))
        return fail("group");
    for (size_t g = 0; g < cx_scores_groups(t) && g < 6; g++) {
        const char *tp, *q;
        const cx_acc *a;
        cx_scores_key(&tp, t, g, 0);
        cx_scores_key(&q, t, g, 1);
        cx_scores_acc(&a, t, g);
        if (cx_acc_nps(&nps, a, NULL, 0.95, CX_NPS_SCORE))
            return fail("group nps");
        printf("%-12s %s  n=%4.0f  NPS %6.1f [%6.1f, %6.1f]\n", tp, q, nps.n, nps.nps, nps.lo,
               nps.hi);
    }
    cx_scores_free(t);
    cx_log_free(log);
    return 0;
}
