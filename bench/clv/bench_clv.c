/* Times cxkit's BG/NBD and Pareto/NBD fits and predictions for all customers on synthetic data
 * drawn from the CDNOW estimates. Usage: bench_clv N GRID SEED OUTCSV THREADS [REPS]
 *   GRID 0: ages and recencies continuous (no two customers share a row: worst case for the
 *           compression of identical rows); GRID 1: recorded to the day (1/7 week), as
 *           transaction dates are. THREADS: cx_clv_model_set_threads (0 = all cores). REPS
 *           (default 1): fit each model REPS times and report the fastest (CPU and wall
 *           separately), for short fits on a shared machine.
 * Prints "key=value" lines, times in seconds as cpu (all threads of the process) and wall, and
 * the input bandwidth of the predictions (3 columns of doubles read per customer) against a
 * plain pass summing the same columns; writes the data set to OUTCSV (if not "-") for the
 * scipy peer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cxkit/cxkit.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct stamp {
    double cpu, wall;
} stamp;

static stamp now(void)
{
    stamp s = {cpu_now(), wall_now()};
    return s;
}

static stamp since(stamp s0)
{
    stamp s = now();
    s.cpu -= s0.cpu;
    s.wall -= s0.wall;
    return s;
}

static void check(cx_status st, const char *what)
{
    if (st != CX_OK) {
        fprintf(stderr, "bench_clv: %s: %s\n", what, cx_error_last()->message);
        exit(1);
    }
}

static volatile double sink;

/* The memory-speed yardstick: one pass reading the three columns a prediction reads. */
static stamp plain_pass(const double *x, const double *tx, const double *T, double *out, size_t n)
{
    stamp t0 = now();
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] + tx[i] + T[i];
    stamp t = since(t0);
    sink = out[n / 2];
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_clv N GRID SEED OUTCSV THREADS [REPS]\n");
        return 2;
    }
    const size_t n = (size_t)atof(argv[1]);
    const int grid = atoi(argv[2]);
    const uint64_t seed = (uint64_t)atoll(argv[3]);
    const int threads = atoi(argv[5]);
    const int reps = argc > 6 && atoi(argv[6]) > 1 ? atoi(argv[6]) : 1;
    double *T = malloc(n * sizeof *T), *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx);
    double *out = malloc(n * sizeof *out), *mbar = malloc(n * sizeof *mbar);
    const int kinds[2] = {CX_CLV_BGNBD, CX_CLV_PARETO_NBD};
    const double truth[2][4] = {{0.243, 4.414, 0.793, 2.426}, {0.553, 10.578, 0.606, 11.669}};
    const double gg[3] = {6.25, 3.74, 15.44}; /* CDNOW Gamma-Gamma estimates */
    const char *names[2] = {"bgnbd", "pareto"};
    FILE *csv = argv[4][0] == '-' ? NULL : fopen(argv[4], "w");
    cx_clv_model *spend = NULL;
    check(cx_clv_model_new(&spend, CX_CLV_GAMMA_GAMMA), "new");
    check(cx_clv_model_set_params(spend, gg, 3), "params");
    for (size_t i = 0; i < n; i++)
        mbar[i] = 10.0 + (double)(i % 97);
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
        if (csv)
            for (size_t i = 0; i < n; i++)
                fprintf(csv, "%s,%.17g,%.17g,%.17g\n", names[k], x[i], tx[i], T[i]);
        cx_clv_model *fit = NULL;
        check(cx_clv_model_new(&fit, kinds[k]), "new");
        check(cx_clv_model_set_threads(fit, threads), "threads");
        stamp t0, t_fit = {INFINITY, INFINITY};
        for (int r = 0; r < reps; r++) {
            t0 = now();
            check(cx_clv_model_fit(fit, x, tx, T, NULL, n, NULL), "fit");
            const stamp t = since(t0);
            t_fit.cpu = t.cpu < t_fit.cpu ? t.cpu : t_fit.cpu;
            t_fit.wall = t.wall < t_fit.wall ? t.wall : t_fit.wall;
        }
        cx_clv_fit_report rep;
        cx_clv_model_report(&rep, fit);
        double p[4];
        cx_clv_model_params(p, 4, fit);
        const stamp t_plain = plain_pass(x, tx, T, out, n);
        t0 = now();
        check(cx_clv_conditional_purchases(out, fit, 39.0, x, tx, T, n), "predict");
        const stamp t_pred = since(t0);
        t0 = now();
        check(cx_clv_p_alive(out, fit, 0.0, x, tx, T, n), "p_alive");
        const stamp t_alive = since(t0);
        for (size_t i = 0; i < n; i++) /* Gamma-Gamma needs a repeat purchase */
            x[i] = x[i] < 1 ? 1 : x[i];
        t0 = now();
        check(cx_clv_lifetime_value(out, fit, spend, x, tx, T, mbar, n, 12, 30.0 / 7.0, 0.01, 1.0),
              "clv");
        const stamp t_clv = since(t0);
        const double gb = 3.0 * 8.0 * (double)n / 1e9; /* input read per pass, GB */
        printf("%s_fit_cpu=%.6f %s_fit_wall=%.6f %s_predict_cpu=%.6f %s_predict_wall=%.6f "
               "%s_palive_cpu=%.6f %s_palive_wall=%.6f %s_clv_cpu=%.6f %s_clv_wall=%.6f "
               "%s_plain_wall=%.6f %s_gbs_predict=%.3f %s_gbs_palive=%.3f %s_gbs_plain=%.3f "
               "%s_unique=%zu %s_iter=%zu %s_evals=%zu %s_loglik=%.10g "
               "%s_params=%.6g,%.6g,%.6g,%.6g\n",
               names[k], t_fit.cpu, names[k], t_fit.wall, names[k], t_pred.cpu, names[k],
               t_pred.wall, names[k], t_alive.cpu, names[k], t_alive.wall, names[k], t_clv.cpu,
               names[k], t_clv.wall, names[k], t_plain.wall, names[k], gb / t_pred.wall, names[k],
               gb / t_alive.wall, names[k], gb / t_plain.wall, names[k], rep.n_unique, names[k],
               rep.iterations, names[k], rep.evaluations, names[k], rep.loglik, names[k], p[0],
               p[1], p[2], p[3]);
        cx_clv_model_free(m);
        cx_clv_model_free(fit);
    }
    if (csv)
        fclose(csv);
    cx_clv_model_free(spend);
    free(T);
    free(x);
    free(tx);
    free(out);
    free(mbar);
    return 0;
}
