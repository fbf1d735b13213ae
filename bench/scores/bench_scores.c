/* Scores benchmark: NPS and CSAT by touchpoint x month over N interactions, through the
 * interaction log (cx_scores_group) and through precomputed group codes (the accumulator loop,
 * cx_scores_group_codes), with a plain read-bandwidth reference measured in the same process;
 * exact Shapley/LMG for 20 drivers. Writes the raw columns for the pandas peer (pandas_groupby.py).
 *   bench_scores N REPEATS OUTDIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cxkit/cxkit.h>

/* CPU time of this process: the build machine is shared, so wall time measures the
 * neighbours as much as the code (the run script prints both kinds for the peers too). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t s = 88172645463325252ull;
static uint64_t next(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static void die(const char *what, cx_status st)
{
    fprintf(stderr, "bench_scores: %s: %s\n", what, cx_error_last()->message);
    exit(st ? 1 : 1);
}

static void dump(const char *dir, const char *name, const void *p, size_t bytes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, bytes, f) != bytes) {
        fprintf(stderr, "bench_scores: cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 10000000;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    const char *dir = argc > 3 ? argv[3] : ".";
    enum { TOUCH = 30, CUST = 100000 };
    int32_t *tp = malloc(n * sizeof *tp);
    int64_t *tm = malloc(n * sizeof *tm), *codes = malloc(n * sizeof *codes);
    double *nps = malloc(n * sizeof *nps), *csat = malloc(n * sizeof *csat);
    const char **tps = malloc(n * sizeof *tps), **cus = malloc(n * sizeof *cus);
    static char tpname[TOUCH][16], cname[CUST][12];
    for (int i = 0; i < TOUCH; i++)
        snprintf(tpname[i], sizeof tpname[i], "tp%02d", i);
    for (int i = 0; i < CUST; i++)
        snprintf(cname[i], sizeof cname[i], "C%06d", i);
    const int64_t t0 = 1672531200; /* 2023-01-01 */
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next();
        tp[i] = (int32_t)(r % TOUCH);
        tm[i] = t0 + (int64_t)((r >> 8) % (2 * 365 * 86400ull));
        nps[i] = (double)((r >> 40) % 11);
        csat[i] = (double)(1 + (r >> 52) % 5);
        if ((r >> 60) == 0)
            nps[i] = NAN; /* some missing */
        tps[i] = tpname[tp[i]];
        cus[i] = cname[(r >> 20) % CUST];
    }
    /* the log, built column-wise (not timed against pandas) */
    double tb = now();
    cx_log *log;
    cx_batch *b;
    cx_status st = cx_log_new(&log);
    if (st == CX_OK)
        st = cx_batch_new(&b, n);
    if (st == CX_OK)
        st = cx_batch_set_str(b, CX_FIELD_CUSTOMER, cus, n);
    if (st == CX_OK)
        st = cx_batch_set_i64(b, CX_FIELD_TIME, tm, n);
    if (st == CX_OK)
        st = cx_batch_set_str(b, CX_FIELD_TOUCHPOINT, tps, n);
    if (st == CX_OK)
        st = cx_batch_set_f64(b, CX_FIELD_NPS, nps, n);
    if (st == CX_OK)
        st = cx_batch_set_f64(b, CX_FIELD_CSAT, csat, n);
    double ones[1] = {1};
    (void)ones;
    if (st == CX_OK) {
        double *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi);
        for (size_t i = 0; i < n; i++) {
            lo[i] = 1;
            hi[i] = 5;
        }
        st = cx_batch_set_f64(b, CX_FIELD_CSAT_MIN, lo, n);
        if (st == CX_OK)
            st = cx_batch_set_f64(b, CX_FIELD_CSAT_MAX, hi, n);
        free(lo);
        free(hi);
    }
    if (st == CX_OK)
        st = cx_log_append_batch(log, b);
    if (st != CX_OK)
        die("building the log", st);
    cx_batch_free(b);
    double build_s = now() - tb;

    /* 1. through the log: touchpoint x month, NPS and CSAT */
    int by[1] = {CX_FIELD_TOUCHPOINT};
    double best_log = 1e30;
    size_t groups = 0;
    double checksum = 0;
    for (int r = 0; r < reps; r++) {
        double t = now();
        checksum = 0;
        for (int which = 0; which < 2; which++) {
            cx_group_options o;
            cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
            o.rating_field = which ? CX_FIELD_CSAT : CX_FIELD_NPS;
            o.by = by;
            o.n_by = 1;
            o.period = CX_PERIOD_MONTH;
            cx_scores *g;
            if ((st = cx_scores_group(&g, log, &o)) != CX_OK)
                die("cx_scores_group", st);
            groups = cx_scores_groups(g);
            for (size_t k = 0; k < groups; k++) {
                const cx_acc *a;
                cx_scores_acc(&a, g, k);
                if (which == 0) {
                    cx_nps_result res;
                    cx_acc_nps(&res, a, NULL, 0.95, CX_NPS_SCORE);
                    checksum += res.nps;
                } else {
                    double m, sh;
                    cx_acc_mean(&m, NULL, NULL, NULL, a, 0.95, 0);
                    cx_acc_top_box(&sh, NULL, NULL, a, 4, 0.95, 0);
                    checksum += m + sh;
                }
            }
            cx_scores_free(g);
        }
        t = now() - t;
        best_log = t < best_log ? t : best_log;
    }

    /* 2. the accumulator loop alone: precomputed codes (touchpoint * 24 + month index) */
    for (size_t i = 0; i < n; i++) {
        int64_t days = (tm[i] - t0) / 86400;
        codes[i] = tp[i] * 24 + (days * 12) / 730; /* approximate month index; cost excluded */
    }
    double best_codes = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = now();
        cx_scores *g;
        if ((st = cx_scores_group_codes(&g, codes, nps, NULL, n, TOUCH * 24, 0, 10)) != CX_OK)
            die("cx_scores_group_codes", st);
        cx_scores_free(g);
        t = now() - t;
        best_codes = t < best_codes ? t : best_codes;
    }

    /* 3. read bandwidth reference: sum two arrays of the same size */
    double best_bw = 1e30, sink = 0;
    for (int r = 0; r < reps; r++) {
        double t = now();
        int64_t si = 0;
        double sd = 0;
        for (size_t i = 0; i < n; i++) {
            si += codes[i];
            sd += nps[i] == nps[i] ? nps[i] : 0;
        }
        sink += (double)si + sd;
        t = now() - t;
        best_bw = t < best_bw ? t : best_bw;
    }

    /* 4. exact LMG for 20 drivers */
    enum { P = 20, NR = 2000 };
    double *x = malloc(NR * P * sizeof *x), *y = malloc(NR * sizeof *y);
    for (size_t i = 0; i < NR; i++) {
        double common = (double)(next() % 1000) / 1000.0, acc = 0;
        for (size_t j = 0; j < P; j++) {
            x[i * P + j] = common * (double)(j % 4) + (double)(next() % 10000) / 10000.0;
            acc += (double)(j + 1) * x[i * P + j];
        }
        y[i] = acc + (double)(next() % 10000) / 1000.0;
    }
    double best_lmg = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = now();
        cx_drivers *d;
        if ((st = cx_drivers_fit(&d, x, y, NULL, NR, P, NULL)) != CX_OK)
            die("cx_drivers_fit", st);
        cx_drivers_free(d);
        t = now() - t;
        best_lmg = t < best_lmg ? t : best_lmg;
    }

    dump(dir, "touchpoint.i32", tp, n * sizeof *tp);
    dump(dir, "time.i64", tm, n * sizeof *tm);
    dump(dir, "nps.f64", nps, n * sizeof *nps);
    dump(dir, "csat.f64", csat, n * sizeof *csat);
    dump(dir, "lmg_x.f64", x, NR * P * sizeof *x);
    dump(dir, "lmg_y.f64", y, NR * sizeof *y);
    printf("rows=%zu groups=%zu build=%.3f log_seconds=%.4f codes_seconds=%.4f "
           "bw_seconds=%.4f lmg20_seconds=%.4f checksum=%.6f sink=%g\n",
           n, groups, build_s, best_log, best_codes, best_bw, best_lmg, checksum, sink);
    cx_log_free(log);
    free(tp);
    free(tm);
    free(codes);
    free(nps);
    free(csat);
    free(tps);
    free(cus);
    free(x);
    free(y);
    return 0;
}
