/* Times cxkit's BG/NBD and Pareto/NBD fits and predictions for all customers on synthetic data
 * drawn from the CDNOW estimates. Usage: bench_clv N GRID SEED OUTCSV
 *   GRID 0: ages and recencies continuous (no two customers share a row: worst case for the
 *           compression of identical rows); GRID 1: recorded to the day (1/7 week), as
 *           transaction dates are.
 * Prints "key=value" lines; writes the data set to OUTCSV for the scipy peer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cxkit/cxkit.h>

static double now(void)
{
    struct timespec ts;
    /* CPU time of this process: the machine is shared, so wall time measures the neighbours */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int check(cx_status st, const char *what)
{
    if (st != CX_OK) {
        fprintf(stderr, "bench_clv: %s: %s\n", what, cx_error_last()->message);
        exit(1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_clv N GRID SEED OUTCSV\n");
        return 2;
    }
    const size_t n = (size_t)atof(argv[1]);
    const int grid = atoi(argv[2]);
    const uint64_t seed = (uint64_t)atoll(argv[3]);
    double *T = malloc(n * sizeof *T), *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx);
    double *out = malloc(n * sizeof *out);
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    const double truth[2][4] = {{0.243, 4.414, 0.793, 2.426}, {0.553, 10.578, 0.606, 11.669}};
    const char *names[2] = {"bgnbd", "pareto"};
    FILE *csv = fopen(argv[4], "w");
    for (int k = 0; k < 2; k++) {
        /* first purchases spread over 12 weeks before a 39-week end, as CDNOW */
        for (size_t i = 0; i < n; i++) {
            T[i] = 27.0 + 12.0 * (double)i / (double)n;
            if (grid)
                T[i] = round(T[i] * 7) / 7;
        }
        cx_clv_model *m = NULL;
        check(cx_clv_model_new(&m, kinds[k]), "new");
        check(cx_clv_model_set_params(m, truth[k], 4), "params");
        check(cx_clv_model_sample(x, tx, NULL, m, T, n, seed + (uint64_t)k), "sample");
        if (grid)
            for (size_t i = 0; i < n; i++)
                tx[i] = round(tx[i] * 7) / 7;
        for (size_t i = 0; i < n; i++)
            fprintf(csv, "%s,%.17g,%.17g,%.17g\n", names[k], x[i], tx[i], T[i]);
        cx_clv_model *fit = NULL;
        check(cx_clv_model_new(&fit, kinds[k]), "new");
        double t0 = now();
        check(cx_clv_model_fit(fit, x, tx, T, NULL, n, NULL), "fit");
        const double t_fit = now() - t0;
        cx_clv_fit_options one;
        cx_clv_fit_options_init(&one, CX_CLV_FIT_OPTIONS_VERSION);
        one.n_starts = 1;
        t0 = now();
        check(cx_clv_model_fit(fit, x, tx, T, NULL, n, &one), "fit");
        const double t_fit1 = now() - t0;
        cx_clv_fit_report rep;
        cx_clv_model_report(&rep, fit);
        double p[4];
        cx_clv_model_params(p, 4, fit);
        t0 = now();
        check(cx_clv_conditional_purchases(out, fit, 39.0, x, tx, T, n), "predict");
        const double t_pred = now() - t0;
        t0 = now();
        check(cx_clv_p_alive(out, fit, 0.0, x, tx, T, n), "p_alive");
        const double t_alive = now() - t0;
        printf("%s_fit=%.6f %s_fit1=%.6f %s_predict=%.6f %s_palive=%.6f %s_unique=%zu "
               "%s_iter=%zu %s_loglik=%.10g %s_params=%.6g,%.6g,%.6g,%.6g\n",
               names[k], t_fit, names[k], t_fit1, names[k], t_pred, names[k], t_alive, names[k],
               rep.n_unique, names[k], rep.iterations, names[k], rep.loglik, names[k], p[0], p[1],
               p[2], p[3]);
        cx_clv_model_free(m);
        cx_clv_model_free(fit);
    }
    fclose(csv);
    free(T);
    free(x);
    free(tx);
    free(out);
    return 0;
}
