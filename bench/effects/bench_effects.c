/* Times cxkit's effects estimators on data written by bench/effects/run (raw little-endian
 * columns in a directory). Prints "name seconds" lines.
 *   bench_effects arrays DIR   survival and logistic estimators on n customers
 *   bench_effects log DIR      log-level analyses on an interaction + transaction log */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cxkit/cxkit.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *slurp(const char *dir, const char *name, size_t *bytes)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_effects: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc((size_t)len + 1);
    if (!p || fread(p, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "bench_effects: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *bytes = (size_t)len;
    return p;
}

static void ok(cx_status st, const char *what)
{
    if (st != CX_OK) {
        fprintf(stderr, "bench_effects: %s: %s\n", what, cx_error_last()->message);
        exit(1);
    }
}

static int arrays(const char *dir)
{
    size_t b;
    double *t = slurp(dir, "time.f64", &b);
    size_t n = b / 8;
    double *e = slurp(dir, "event.f64", &b);
    double *g = slurp(dir, "group.f64", &b);
    double *x = slurp(dir, "x.f64", &b); /* n x 3 */
    double *y = slurp(dir, "y.f64", &b);
    double t0 = now();
    cx_km *km = NULL;
    ok(cx_km_fit(&km, t, e, n, 0.95, CX_KM_CI_LOG), "km");
    printf("km %.4f\n", now() - t0);
    double s;
    cx_km_surv_at(&s, km, 30);
    cx_km_free(km);
    t0 = now();
    double chisq, p;
    ok(cx_logrank_test(&chisq, &p, NULL, NULL, 3, t, e, g, n), "logrank");
    printf("logrank %.4f\n", now() - t0);
    t0 = now();
    cx_cox *cox = NULL;
    ok(cx_cox_fit(&cox, t, e, x, n, 3, CX_TIES_EFRON), "cox");
    printf("cox %.4f\n", now() - t0);
    t0 = now();
    double z[4];
    ok(cx_cox_zph(z, NULL, NULL, 4, cox, CX_ZPH_KM), "zph");
    printf("zph %.4f\n", now() - t0);
    double beta[3];
    cx_cox_coef(beta, NULL, NULL, NULL, NULL, NULL, 3, cox, 0.95);
    fprintf(stderr, "cox beta %.6f %.6f %.6f; S(30) %.6f; logrank %.4f; zph %.4f\n", beta[0],
            beta[1], beta[2], s, chisq, z[3]);
    cx_cox_free(cox);
    t0 = now();
    cx_logit *lg = NULL;
    ok(cx_logit_fit(&lg, y, x, NULL, n, 3, 1), "logit");
    printf("logit %.4f\n", now() - t0);
    double lb[4];
    cx_logit_coef(lb, NULL, NULL, NULL, NULL, 4, lg, 0.95);
    fprintf(stderr, "logit beta %.6f %.6f %.6f %.6f\n", lb[0], lb[1], lb[2], lb[3]);
    cx_logit_free(lg);
    /* zones on csat (column 0 of x) */
    double *s1 = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        s1[i] = x[3 * i];
    t0 = now();
    cx_zones zo;
    ok(cx_zones_fit(&zo, y, s1, NULL, n, 0.95), "zones");
    printf("zones %.4f\n", now() - t0);
    fprintf(stderr, "zones knots %g %g\n", zo.knot[0], zo.knot[1]);
    free(s1);
    free(t);
    free(e);
    free(g);
    free(x);
    free(y);
    return 0;
}

static int logbench(const char *dir)
{
    size_t b;
    int32_t *cust = slurp(dir, "cust.i32", &b);
    size_t n = b / 4;
    int64_t *time = slurp(dir, "time.i64", &b);
    int64_t *problem = slurp(dir, "problem.i64", &b);
    int64_t *resolved = slurp(dir, "resolved.i64", &b);
    int64_t *channel = slurp(dir, "channel.i64", &b);
    int64_t *tp = slurp(dir, "touchpoint.i64", &b);
    double *csat = slurp(dir, "csat.f64", &b);
    int32_t *tcust = slurp(dir, "tx_cust.i32", &b);
    size_t nt = b / 4;
    int64_t *ttime = slurp(dir, "tx_time.i64", &b);
    double *tamount = slurp(dir, "tx_amount.f64", &b);

    double t0 = now();
    char *names = malloc(n * 9), *tnames = malloc(nt * 9);
    const char **cp = malloc(n * sizeof(char *)), **tcp = malloc(nt * sizeof(char *));
    const char **tps = malloc(n * sizeof(char *));
    static const char *tpn[] = {"repair", "billing", "onboarding", "web"};
    double *cmin = malloc(n * sizeof(double)), *cmax = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        snprintf(names + 9 * i, 9, "C%07d", cust[i]);
        cp[i] = names + 9 * i;
        tps[i] = tpn[tp[i]];
        cmin[i] = 1;
        cmax[i] = 5;
    }
    for (size_t i = 0; i < nt; i++) {
        snprintf(tnames + 9 * i, 9, "C%07d", tcust[i]);
        tcp[i] = tnames + 9 * i;
    }
    cx_log *log = NULL;
    cx_batch *batch = NULL;
    ok(cx_log_new(&log), "log");
    ok(cx_batch_new(&batch, n), "batch");
    ok(cx_batch_set_str(batch, CX_FIELD_CUSTOMER, cp, n), "customer");
    ok(cx_batch_set_i64(batch, CX_FIELD_TIME, time, n), "time");
    ok(cx_batch_set_i64(batch, CX_FIELD_PROBLEM, problem, n), "problem");
    ok(cx_batch_set_i64(batch, CX_FIELD_RESOLVED, resolved, n), "resolved");
    ok(cx_batch_set_i64(batch, CX_FIELD_CHANNEL, channel, n), "channel");
    ok(cx_batch_set_str(batch, CX_FIELD_TOUCHPOINT, tps, n), "touchpoint");
    ok(cx_batch_set_f64(batch, CX_FIELD_CSAT, csat, n), "csat");
    ok(cx_batch_set_f64(batch, CX_FIELD_CSAT_MIN, cmin, n), "csat_min");
    ok(cx_batch_set_f64(batch, CX_FIELD_CSAT_MAX, cmax, n), "csat_max");
    ok(cx_log_append_batch(log, batch), "append");
    cx_batch_free(batch);
    cx_txlog *tx = NULL;
    ok(cx_txlog_new(&tx), "txlog");
    ok(cx_txlog_append_columns(tx, tcp, ttime, tamount, nt), "tx append");
    printf("load %.4f\n", now() - t0);
    free(names);
    free(tnames);
    free(cp);
    free(tcp);
    free(tps);
    free(cmin);
    free(cmax);

    cx_effects_options o;
    cx_effects_options_init(&o, CX_EFFECTS_OPTIONS_VERSION);
    o.confounders = "channel";
    static const struct {
        const char *name;
        cx_status (*fn)(cx_effect_table **, const cx_log *, const cx_txlog *,
                        const cx_effects_options *);
    } runs[] = {{"recovery", cx_effects_recovery},
                {"spend", cx_effects_spend},
                {"touchpoints", cx_effects_touchpoints},
                {"retention", cx_effects_retention},
                {"zones", cx_effects_zones},
                {"churn", cx_effects_churn}};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        cx_effect_table *t = NULL;
        o.covariates = "csat";
        t0 = now();
        ok(runs[k].fn(&t, log, tx, &o), runs[k].name);
        printf("%s %.4f\n", runs[k].name, now() - t0);
        if (k == 0) {
            size_t c;
            double est;
            cx_effect_table_find(&c, t, "estimate");
            cx_effect_table_value(&est, t, 1, c); /* repurchase, resolved vs none, stratified */
            fprintf(stderr, "recovery: stratified RD repurchase %.6f\n", est);
        }
        cx_effect_table_free(t);
    }
    cx_log_free(log);
    cx_txlog_free(tx);
    free(cust);
    free(time);
    free(problem);
    free(resolved);
    free(channel);
    free(tp);
    free(csat);
    free(tcust);
    free(ttime);
    free(tamount);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_effects arrays|log DIR\n");
        return 2;
    }
    if (!strcmp(argv[1], "arrays"))
        return arrays(argv[2]);
    if (!strcmp(argv[1], "log"))
        return logbench(argv[2]);
    fprintf(stderr, "usage: bench_effects arrays|log DIR\n");
    return 2;
}
