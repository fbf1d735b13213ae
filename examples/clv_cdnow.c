/* Customer-base analysis of the CDNOW sample: RFM summary from the transaction log, BG/NBD and
 * Gamma-Gamma fits, then P(alive), expected purchases and 12-month CLV of a few customers.
 * Run from the source tree: build/examples/ex_clv_cdnow (ctest examples.c.clv_cdnow). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

static int die(const char *what)
{
    fprintf(stderr, "clv_cdnow: %s: %s\n", what, cx_error_last()->message);
    return 1;
}

int main(void)
{
    /* 1. the transaction log: CDNOW_sample.txt is "master_id sample_id YYYYMMDD cds dollars" */
    FILE *f = fopen("tests/data/cdnow/CDNOW_sample.txt", "r");
    if (!f) {
        fprintf(stderr, "clv_cdnow: run from the source directory\n");
        return 1;
    }
    cx_txlog *tx = NULL;
    if (cx_txlog_new(&tx) != CX_OK)
        return die("txlog");
    char master[16], id[16], date[16];
    int cds;
    double dollars;
    while (fscanf(f, "%15s %15s %15s %d %lf", master, id, date, &cds, &dollars) == 5) {
        char iso[11];
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", date, date + 4, date + 6);
        int64_t t;
        if (cx_time_parse(&t, iso, 10) != CX_OK || cx_txlog_append(tx, id, t, dollars) != CX_OK)
            return die("append");
    }
    fclose(f);

    /* 2. RFM summary: days as periods, weeks as the unit, calibration ends 1997-09-30 */
    cx_rfm_options o;
    cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
    cx_time_parse(&o.observation_end, "1997-09-30", 10);
    o.multiplier = 7;
    cx_rfm *rfm = NULL;
    if (cx_rfm_from_txlog(&rfm, tx, &o) != CX_OK)
        return die("summary");
    const size_t n = cx_rfm_rows(rfm);
    double *x = malloc(n * sizeof *x), *rec = malloc(n * sizeof *rec), *T = malloc(n * sizeof *T),
           *m = malloc(n * sizeof *m), *pa = malloc(n * sizeof *pa), *ey = malloc(n * sizeof *ey),
           *clv = malloc(n * sizeof *clv);
    cx_rfm_get(x, n, rfm, CX_RFM_FREQUENCY);
    cx_rfm_get(rec, n, rfm, CX_RFM_RECENCY);
    cx_rfm_get(T, n, rfm, CX_RFM_T);
    cx_rfm_get(m, n, rfm, CX_RFM_MONETARY);
    printf("%zu customers in the calibration period\n", n);

    /* 3. BG/NBD: the published estimates are r 0.243, alpha 4.414, a 0.793, b 2.426 */
    cx_clv_model *bg = NULL;
    cx_clv_model_new(&bg, CX_CLV_BGNBD);
    if (cx_clv_model_fit(bg, x, rec, T, NULL, n, NULL) != CX_OK)
        return die("BG/NBD fit");
    double p[4], se[4];
    cx_clv_fit_report rep;
    cx_clv_model_params(p, 4, bg);
    cx_clv_model_stderr(se, 4, bg);
    cx_clv_model_report(&rep, bg);
    printf("BG/NBD  LL %.2f\n", rep.loglik);
    for (int j = 0; j < 4; j++)
        printf("  %-6s %8.4f (se %.4f)\n", cx_clv_model_param_name(bg, (size_t)j), p[j], se[j]);

    /* 4. Gamma-Gamma on the customers with repeat purchases */
    double *gx = malloc(n * sizeof *gx), *gm = malloc(n * sizeof *gm);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0) {
            gx[k] = x[i];
            gm[k++] = m[i];
        }
    cx_clv_model *gg = NULL;
    cx_clv_model_new(&gg, CX_CLV_GAMMA_GAMMA);
    if (cx_clv_model_fit(gg, gx, gm, NULL, NULL, k, NULL) != CX_OK)
        return die("Gamma-Gamma fit");
    cx_clv_model_params(p, 3, gg);
    printf("Gamma-Gamma p %.2f q %.2f gamma %.2f (published 6.25, 3.74, 15.44)\n", p[0], p[1],
           p[2]);

    /* 5. predictions for everyone: P(alive), purchases in the next 39 weeks, 12-month CLV at
     *    1% a month (4.345 weeks per month) */
    if (cx_clv_p_alive(pa, bg, 0, x, rec, T, n) != CX_OK ||
        cx_clv_conditional_purchases(ey, bg, 39, x, rec, T, n) != CX_OK ||
        cx_clv_lifetime_value(clv, bg, gg, x, rec, T, m, n, 12, 4.345, 0.01, 1.0) != CX_OK)
        return die("predict");
    printf("customer  x  recency      T  P(alive)  E[Y(39)]  CLV(12 months)\n");
    for (size_t i = 0; i < 5; i++) {
        const char *cid;
        cx_rfm_customer(&cid, rfm, i);
        printf("%8s %2.0f %8.2f %6.2f %9.3f %9.3f %15.2f\n", cid, x[i], rec[i], T[i], pa[i], ey[i],
               clv[i]);
    }
    /* 6. 95% intervals by the delta method: CLV over both models' covariances */
    double clv_se[5];
    if (cx_clv_lifetime_value_stderr(clv_se, bg, gg, x, rec, T, m, 5, 12, 4.345, 0.01, 1.0) !=
        CX_OK)
        return die("CLV standard errors");
    for (size_t i = 0; i < 5; i++)
        printf("customer %zu: CLV %.2f, 95%% interval [%.2f, %.2f]\n", i + 1, clv[i],
               clv[i] - 1.96 * clv_se[i], clv[i] + 1.96 * clv_se[i]);
    free(x), free(rec), free(T), free(m), free(pa), free(ey), free(clv), free(gx), free(gm);
    cx_clv_model_free(bg);
    cx_clv_model_free(gg);
    cx_rfm_free(rfm);
    cx_txlog_free(tx);
    return 0;
}
