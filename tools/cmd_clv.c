/* `cxkit clv summary|fit|predict`: RFM summaries from a transaction CSV, model fits and
 * per-customer predictions from a summary CSV (include/cxkit/clv.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"

const char cx_cmd_clv_summary[] =
    "customer-base models: RFM summary, BG/NBD, Pareto/NBD, ... fit, predict";

static void usage(FILE *f)
{
    fprintf(
        f, "usage: cxkit clv summary TRANSACTIONS.csv --end DATE [--calibration-end DATE]\n"
           "                 [--period day|hour|week|SECONDS] [--multiplier M]\n"
           "                 [--columns customer=COL,time=COL,amount=COL]\n"
           "                 [--update OLD_SUMMARY.csv --summary-end DATE]\n"
           "       cxkit clv fit --model bgnbd|mbgnbd|pareto|bgbb|sbg|gg SUMMARY.csv [--json]\n"
           "                 [--penalizer X] [--starts N] [--all-starts] [--level L]\n"
           "                 [--bootstrap B [--seed S]]\n"
           "       cxkit clv predict --model M SUMMARY.csv [--params P1,P2,...] [--horizon T]\n"
           "                 [--discount D] [--intervals] [--level L]\n"
           "                 [--clv MONTHS [--units-per-month U] [--clv-discount D] [--margin M]]\n"
           "fit and predict (bgnbd, pareto): [--purchase-covariates COL,...]\n"
           "                 [--dropout-covariates COL,...] (columns of SUMMARY.csv)\n\n"
           "Summary CSVs have a header; columns used: frequency, recency, T (bgbb: n_periods or\n"
           "periods; sbg: periods, churned; gg: frequency, monetary_value, rows with frequency 0\n"
           "skipped) and optional weights. summary writes customer,frequency,recency,T,\n"
           "monetary_value[,frequency_holdout,monetary_value_holdout,duration_holdout].\n"
           "summary --update folds the transactions into a summary written earlier (at\n"
           "--summary-end, same --period and --multiplier) without the old history.\n"
           "predict fits first unless --params is given, then writes per customer P(alive),\n"
           "expected purchases in the next --horizon units (default 1) and, with --discount for\n"
           "pareto/bgbb, DERT. --intervals adds _se, _lower and _upper columns (delta method\n"
           "from the Hessian, level --level, default 0.95; P(alive) bounds on the logit scale);\n"
           "--clv adds lifetimes' discounted\n"
           "CLV over MONTHS months (Gamma-Gamma fitted to the monetary_value column of the\n"
           "repeat customers; U time units per month, default 30; monthly discount default\n"
           "0.01). fit prints the estimates with their standard errors and Wald intervals, and\n"
           "with --bootstrap B percentile intervals from B refits on resampled customers.\n");
}

static int fail(const char *what)
{
    const cx_error *e = cx_error_last();
    if (e->file[0])
        fprintf(stderr, "cxkit clv: %s: %s:%ld:%ld: %s\n", what, e->file, e->line, e->column,
                e->message);
    else
        fprintf(stderr, "cxkit clv: %s: %s\n", what, e->message);
    return 1;
}

/* ---- a small numeric CSV reader for summary files ---- */

typedef struct table {
    size_t rows, cols;
    char **names;   /* header */
    double *values; /* rows x cols, NaN where not a number */
    char **first;   /* first field of each row as text (the customer id) */
} table;

static void table_free(table *t)
{
    for (size_t j = 0; j < t->cols; j++)
        free(t->names[j]);
    for (size_t i = 0; i < t->rows; i++)
        free(t->first[i]);
    free(t->names);
    free(t->values);
    free(t->first);
}

static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static int read_table(table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cxkit clv: cannot open %s\n", path);
        return 1;
    }
    char line[4096];
    char *fields[64];
    if (!fgets(line, sizeof line, f)) {
        fprintf(stderr, "cxkit clv: %s: empty file\n", path);
        fclose(f);
        return 1;
    }
    t->cols = split(line, fields, 64);
    t->names = calloc(t->cols, sizeof *t->names);
    for (size_t j = 0; j < t->cols; j++)
        t->names[j] = strdup(fields[j]);
    size_t cap = 1024;
    t->values = malloc(cap * t->cols * sizeof *t->values);
    t->first = malloc(cap * sizeof *t->first);
    long lineno = 1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
            continue;
        if (t->rows == cap) {
            cap *= 2;
            t->values = realloc(t->values, cap * t->cols * sizeof *t->values);
            t->first = realloc(t->first, cap * sizeof *t->first);
        }
        const size_t n = split(line, fields, 64);
        if (n != t->cols) {
            fprintf(stderr, "cxkit clv: %s:%ld: %zu fields, the header has %zu\n", path, lineno, n,
                    t->cols);
            fclose(f);
            return 1;
        }
        t->first[t->rows] = strdup(fields[0]);
        for (size_t j = 0; j < n; j++) {
            char *end;
            const double v = strtod(fields[j], &end);
            t->values[t->rows * t->cols + j] = (end != fields[j] && *end == '\0') ? v : NAN;
        }
        t->rows++;
    }
    fclose(f);
    return 0;
}

/* Copy column `name` (or its alternative) into a new array; NULL when absent. */
static double *column(const table *t, const char *name, const char *alt)
{
    for (size_t j = 0; j < t->cols; j++)
        if (strcmp(t->names[j], name) == 0 || (alt && strcmp(t->names[j], alt) == 0)) {
            double *c = malloc((t->rows ? t->rows : 1) * sizeof *c);
            for (size_t i = 0; i < t->rows; i++)
                c[i] = t->values[i * t->cols + j];
            return c;
        }
    return NULL;
}

typedef struct data {
    double *x, *tx, *T, *w;
    size_t n;
} data;

static int load_data(data *d, const table *t, int kind, const char *path)
{
    memset(d, 0, sizeof *d);
    const char *cx_ = "frequency", *ctx = "recency", *cT = "T";
    const char *altT = NULL;
    if (kind == CX_CLV_BGBB)
        cT = "n_periods", altT = "periods";
    if (kind == CX_CLV_SBG)
        cx_ = "periods", ctx = "churned", cT = NULL;
    if (kind == CX_CLV_GAMMA_GAMMA)
        ctx = "monetary_value", cT = NULL;
    d->x = column(t, cx_, kind == CX_CLV_SBG ? NULL : "x");
    d->tx = column(t, ctx, kind == CX_CLV_GAMMA_GAMMA ? "zbar" : "t_x");
    d->T = cT ? column(t, cT, altT) : NULL;
    d->w = column(t, "weights", NULL);
    d->n = t->rows;
    if (!d->x || !d->tx || (cT && !d->T)) {
        fprintf(stderr, "cxkit clv: %s: missing column %s\n", path,
                !d->x    ? cx_
                : !d->tx ? ctx
                         : cT);
        return 1;
    }
    if (kind == CX_CLV_GAMMA_GAMMA) { /* only customers with repeat purchases */
        size_t k = 0;
        for (size_t i = 0; i < d->n; i++)
            if (d->x[i] > 0) {
                d->x[k] = d->x[i];
                d->tx[k] = d->tx[i];
                if (d->w)
                    d->w[k] = d->w[i];
                k++;
            }
        d->n = k;
    }
    return 0;
}

static void data_free(data *d)
{
    free(d->x);
    free(d->tx);
    free(d->T);
    free(d->w);
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* The positional FILE: the last argument that is neither an option nor an option's value. */
static const char *positional(int argc, char **argv)
{
    static const char *with_value[] = {"--end",
                                       "--calibration-end",
                                       "--period",
                                       "--multiplier",
                                       "--columns",
                                       "--model",
                                       "--penalizer",
                                       "--starts",
                                       "--params",
                                       "--horizon",
                                       "--discount",
                                       "--level",
                                       "--clv",
                                       "--units-per-month",
                                       "--clv-discount",
                                       "--margin",
                                       "--purchase-covariates",
                                       "--dropout-covariates",
                                       "--update",
                                       "--summary-end",
                                       "--bootstrap",
                                       "--seed"};
    const char *file = NULL;
    for (int i = 2; i < argc; i++) {
        int skip = 0;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
            if (strcmp(argv[i], with_value[k]) == 0)
                skip = 1;
        if (skip) {
            i++;
            continue;
        }
        if (argv[i][0] != '-')
            file = argv[i];
    }
    return file;
}

/* --update OLD.csv --summary-end DATE: the old summary rebuilt from its columns (with the
 * period and multiplier of the options) for cx_rfm_update. */
static int rebuild_summary(cx_rfm **r, const char *path, int argc, char **argv,
                           const cx_rfm_options *o)
{
    const char *when = opt(argc, argv, "--summary-end");
    if (!when) {
        fprintf(stderr, "cxkit clv: --update needs --summary-end (the old summary's end)\n");
        return 2;
    }
    cx_rfm_options ro = *o;
    if (cx_time_parse(&ro.observation_end, when, strlen(when)) != CX_OK)
        return fail("--summary-end");
    table t;
    if (read_table(&t, path)) {
        table_free(&t);
        return 1;
    }
    double *f = column(&t, "frequency", "x"), *rec = column(&t, "recency", "t_x");
    double *T = column(&t, "T", NULL), *m = column(&t, "monetary_value", "zbar");
    int rc = 0;
    if (!f || !rec || !T) {
        fprintf(stderr, "cxkit clv: %s: missing column %s\n", path,
                !f     ? "frequency"
                : !rec ? "recency"
                       : "T");
        rc = 1;
    }
    if (!rc &&
        cx_rfm_from_columns(r, (const char *const *)t.first, f, rec, T, m, t.rows, &ro) != CX_OK)
        rc = fail(path);
    free(f);
    free(rec);
    free(T);
    free(m);
    table_free(&t);
    return rc;
}

static int cmd_summary(int argc, char **argv)
{
    const char *path = positional(argc, argv), *end = opt(argc, argv, "--end");
    if (!path || !end) {
        usage(stderr);
        return 2;
    }
    cx_rfm_options o;
    cx_rfm_options_init(&o, CX_RFM_OPTIONS_VERSION);
    if (cx_time_parse(&o.observation_end, end, strlen(end)) != CX_OK)
        return fail("--end");
    const char *cal = opt(argc, argv, "--calibration-end");
    if (cal && cx_time_parse(&o.calibration_end, cal, strlen(cal)) != CX_OK)
        return fail("--calibration-end");
    const char *period = opt(argc, argv, "--period");
    if (period) {
        if (strcmp(period, "day") == 0)
            o.period = 86400;
        else if (strcmp(period, "hour") == 0)
            o.period = 3600;
        else if (strcmp(period, "week") == 0)
            o.period = 7 * 86400;
        else
            o.period = strtoll(period, NULL, 10);
    }
    const char *mult = opt(argc, argv, "--multiplier");
    if (mult)
        o.multiplier = strtod(mult, NULL);
    cx_csv_options co;
    cx_csv_options_init(&co, CX_CSV_OPTIONS_VERSION);
    co.columns = opt(argc, argv, "--columns");
    cx_txlog *tx = NULL;
    cx_rfm *r = NULL;
    if (cx_txlog_new(&tx) != CX_OK || cx_txlog_read_csv(tx, path, &co) != CX_OK) {
        cx_txlog_free(tx);
        return fail("reading transactions");
    }
    const char *old = opt(argc, argv, "--update");
    if (old) {
        if (cal) {
            fprintf(stderr, "cxkit clv: --update does not take --calibration-end\n");
            cx_txlog_free(tx);
            return 2;
        }
        const int rc = rebuild_summary(&r, old, argc, argv, &o);
        if (rc) {
            cx_txlog_free(tx);
            return rc;
        }
        if (cx_rfm_update(r, tx, o.observation_end) != CX_OK) {
            cx_rfm_free(r);
            cx_txlog_free(tx);
            return fail("update");
        }
    } else if (cx_rfm_from_txlog(&r, tx, &o) != CX_OK) {
        cx_txlog_free(tx);
        return fail("summary");
    }
    const size_t n = cx_rfm_rows(r);
    const int ncol = cal ? 7 : 4;
    double *cols = malloc((n ? n : 1) * 7 * sizeof *cols);
    for (int c = 0; c < ncol; c++)
        cx_rfm_get(cols + (size_t)c * n, n, r, c);
    printf("customer,frequency,recency,T,monetary_value%s\n",
           cal ? ",frequency_holdout,monetary_value_holdout,duration_holdout" : "");
    for (size_t i = 0; i < n; i++) {
        const char *id;
        cx_rfm_customer(&id, r, i);
        printf("%s", id);
        for (int c = 0; c < ncol; c++)
            printf(",%.10g", cols[(size_t)c * n + i]);
        printf("\n");
    }
    free(cols);
    cx_rfm_free(r);
    cx_txlog_free(tx);
    return 0;
}

/* Two-sided normal critical value for a confidence level (bisection on erfc). */
static int z_for_level(double *z, int argc, char **argv)
{
    const char *lv = opt(argc, argv, "--level");
    const double level = lv ? strtod(lv, NULL) : 0.95;
    if (!(level > 0 && level < 1)) {
        fprintf(stderr, "cxkit clv: --level must be in (0, 1)\n");
        return 2;
    }
    double lo = 0, hi = 40;
    for (int i = 0; i < 200; i++) {
        const double mid = 0.5 * (lo + hi);
        if (erfc(mid / sqrt(2.0)) > 1 - level)
            lo = mid;
        else
            hi = mid;
    }
    *z = 0.5 * (lo + hi);
    return 0;
}

/* Covariate columns named in a comma list, laid out one after the other (k columns of n). */
static int covariate_columns(double **out, size_t *k, const table *t, const char *list,
                             const char *path)
{
    *out = NULL;
    *k = 0;
    if (!list)
        return 0;
    char *copy = strdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        double *c = column(t, tok, NULL);
        if (!c) {
            fprintf(stderr, "cxkit clv: %s: missing covariate column %s\n", path, tok);
            free(copy);
            free(*out);
            *out = NULL;
            return 1;
        }
        *out = realloc(*out, (*k + 1) * (t->rows ? t->rows : 1) * sizeof **out);
        memcpy(*out + *k * t->rows, c, t->rows * sizeof *c);
        free(c);
        ++*k;
    }
    free(copy);
    return 0;
}

/* --purchase-covariates / --dropout-covariates: attach the columns to the model. */
static int attach_covariates(cx_clv_model *m, const table *t, int argc, char **argv,
                             const char *path)
{
    const char *pl = opt(argc, argv, "--purchase-covariates");
    const char *dl = opt(argc, argv, "--dropout-covariates");
    if (!pl && !dl)
        return 0;
    double *zp = NULL, *zd = NULL;
    size_t kp = 0, kd = 0;
    int rc = covariate_columns(&zp, &kp, t, pl, path);
    if (!rc)
        rc = covariate_columns(&zd, &kd, t, dl, path);
    if (!rc && cx_clv_model_set_covariates(m, zp, kp, zd, kd, t->rows) != CX_OK)
        rc = fail("covariates");
    free(zp);
    free(zd);
    return rc;
}

static int model_from_args(cx_clv_model **m, cx_clv_kind *kind, int argc, char **argv)
{
    const char *name = opt(argc, argv, "--model");
    if (!name) {
        fprintf(stderr, "cxkit clv: --model is required\n");
        return 2;
    }
    if (cx_clv_kind_parse(kind, name) != CX_OK || cx_clv_model_new(m, *kind) != CX_OK)
        return fail("--model");
    return 0;
}

static void fit_options(cx_clv_fit_options *fo, int argc, char **argv)
{
    cx_clv_fit_options_init(fo, CX_CLV_FIT_OPTIONS_VERSION);
    const char *pen = opt(argc, argv, "--penalizer"), *starts = opt(argc, argv, "--starts");
    if (pen)
        fo->penalizer = strtod(pen, NULL);
    if (starts)
        fo->n_starts = (unsigned)strtoul(starts, NULL, 10);
    fo->all_starts = flag(argc, argv, "--all-starts");
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* --bootstrap B [--seed S]: percentile intervals at --level for every estimate (parameters,
 * then coefficients) into lo[k], hi[k]. */
static int bootstrap_bounds(double *lo, double *hi, const cx_clv_model *m, const data *d, int argc,
                            char **argv)
{
    const char *b = opt(argc, argv, "--bootstrap"), *sd = opt(argc, argv, "--seed");
    const char *lv = opt(argc, argv, "--level");
    const double level = lv ? strtod(lv, NULL) : 0.95;
    const size_t nb = b ? (size_t)strtoul(b, NULL, 10) : 0;
    const size_t k = cx_clv_model_param_count(m) + cx_clv_model_coef_count(m);
    if (nb < 2) {
        fprintf(stderr, "cxkit clv: --bootstrap needs at least 2 replicates\n");
        return 2;
    }
    cx_clv_fit_options fo;
    fit_options(&fo, argc, argv);
    double *draws = malloc(nb * k * sizeof *draws), *col = malloc(nb * sizeof *col);
    int rc = 0;
    if (cx_clv_model_bootstrap(draws, nb * k, m, d->x, d->tx, d->T, d->w, d->n, nb,
                               sd ? strtoull(sd, NULL, 10) : 0, &fo) != CX_OK)
        rc = fail("bootstrap");
    for (size_t j = 0; !rc && j < k; j++) {
        for (size_t r = 0; r < nb; r++)
            col[r] = draws[r * k + j];
        qsort(col, nb, sizeof *col, cmp_double);
        for (int side = 0; side < 2; side++) { /* linear interpolation between order stats */
            const double h = (double)(nb - 1) * (side ? 0.5 + level / 2 : 0.5 - level / 2);
            const size_t i = (size_t)h;
            const double v = i + 1 < nb ? col[i] + (h - (double)i) * (col[i + 1] - col[i]) : col[i];
            (side ? hi : lo)[j] = v;
        }
    }
    free(draws);
    free(col);
    return rc;
}

static int fit_model(cx_clv_model *m, const data *d, int argc, char **argv)
{
    cx_clv_fit_options fo;
    fit_options(&fo, argc, argv);
    if (cx_clv_model_fit(m, d->x, d->tx, d->T, d->w, d->n, &fo) != CX_OK)
        return fail("fit");
    return 0;
}

static int cmd_fit(int argc, char **argv)
{
    const char *path = positional(argc, argv);
    cx_clv_model *m = NULL;
    cx_clv_kind kind;
    int rc = model_from_args(&m, &kind, argc, argv);
    if (rc)
        return rc;
    if (!path) {
        usage(stderr);
        cx_clv_model_free(m);
        return 2;
    }
    table t;
    data d;
    memset(&d, 0, sizeof d);
    double z = 0;
    rc = z_for_level(&z, argc, argv);
    if (!rc)
        rc = read_table(&t, path);
    else
        memset(&t, 0, sizeof t);
    if (!rc)
        rc = load_data(&d, &t, kind, path);
    if (!rc)
        rc = attach_covariates(m, &t, argc, argv, path);
    if (!rc)
        rc = fit_model(m, &d, argc, argv);
    if (!rc && cx_clv_model_coef_count(m) > 64) {
        fprintf(stderr, "cxkit clv: at most 64 covariate coefficients\n");
        rc = 1;
    }
    const int boot = opt(argc, argv, "--bootstrap") != NULL;
    double blo[68], bhi[68];
    if (!rc && boot)
        rc = bootstrap_bounds(blo, bhi, m, &d, argc, argv);
    if (!rc) {
        const size_t np = cx_clv_model_param_count(m);
        const size_t nc = cx_clv_model_coef_count(m);
        double c[64], cse[64];
        for (size_t j = 0; j < 64; j++)
            cse[j] = NAN;
        cx_clv_model_coefs(c, nc, m);
        cx_clv_model_coef_stderr(cse, nc, m);
        double p[4], se[4] = {NAN, NAN, NAN, NAN};
        cx_clv_fit_report rep;
        cx_clv_model_params(p, np, m);
        cx_clv_model_stderr(se, np, m);
        cx_clv_model_report(&rep, m);
        const int json = flag(argc, argv, "--json");
        if (json) {
            printf("{\"model\": \"%s\", \"params\": {", cx_clv_kind_name(kind));
            for (size_t j = 0; j < np; j++)
                printf("%s\"%s\": %.12g", j ? ", " : "", cx_clv_model_param_name(m, j), p[j]);
            printf("}, \"stderr\": {");
            for (size_t j = 0; j < np; j++)
                printf("%s\"%s\": %.12g", j ? ", " : "", cx_clv_model_param_name(m, j), se[j]);
            printf("}");
            if (nc) {
                printf(", \"coefs\": [");
                for (size_t j = 0; j < nc; j++)
                    printf("%s%.12g", j ? ", " : "", c[j]);
                printf("], \"coef_stderr\": [");
                for (size_t j = 0; j < nc; j++)
                    printf("%s%.12g", j ? ", " : "", cse[j]);
                printf("]");
            }
            if (boot) {
                printf(", \"bootstrap\": {\"lower\": [");
                for (size_t j = 0; j < np + nc; j++)
                    printf("%s%.12g", j ? ", " : "", blo[j]);
                printf("], \"upper\": [");
                for (size_t j = 0; j < np + nc; j++)
                    printf("%s%.12g", j ? ", " : "", bhi[j]);
                printf("]}");
            }
            printf(", \"loglik\": %.12g, \"iterations\": %zu, \"evaluations\": %zu, "
                   "\"grad_norm\": %.3g, \"starts_converged\": %u, \"customers\": %zu, "
                   "\"unique_rows\": %zu, \"converged\": true}\n",
                   rep.loglik, rep.iterations, rep.evaluations, rep.grad_norm, rep.starts_converged,
                   rep.n_rows, rep.n_unique);
        } else {
            printf("%s fit on %zu customers (%zu distinct rows)\n", cx_clv_kind_name(kind),
                   rep.n_rows, rep.n_unique);
            printf("%-8s %14s %12s %12s %12s%s\n", "param", "estimate", "std.err", "lower", "upper",
                   boot ? "   boot.lower   boot.upper" : "");
            for (size_t j = 0; j < np + nc; j++) {
                char name[16];
                if (j < np)
                    snprintf(name, sizeof name, "%s", cx_clv_model_param_name(m, j));
                else
                    snprintf(name, sizeof name, "coef%zu", j - np + 1);
                const double v = j < np ? p[j] : c[j - np], e = j < np ? se[j] : cse[j - np];
                printf("%-8s %14.6f %12.6f %12.6f %12.6f", name, v, e, v - z * e, v + z * e);
                if (boot)
                    printf(" %12.6f %12.6f", blo[j], bhi[j]);
                printf("\n");
            }
            printf("log-likelihood %.6f after %zu iterations (%u of the starts converged)\n",
                   rep.loglik, rep.iterations, rep.starts_converged);
        }
    }
    data_free(&d);
    table_free(&t);
    cx_clv_model_free(m);
    return rc;
}

/* Delta-method bounds of a probability on the logit scale (the point at 0, 1 or se 0). */
static void logit_bounds(double *lo, double *hi, double p, double se, double z)
{
    if (!(p > 0 && p < 1 && se > 0)) {
        *lo = *hi = p;
        return;
    }
    const double lg = log(p / (1 - p)), half = z * se / (p * (1 - p));
    *lo = 1 / (1 + exp(half - lg));
    *hi = 1 / (1 + exp(-lg - half));
}

/* One output column per customer: name, values and, with intervals, standard errors. */
typedef struct outcol {
    const char *name;
    double *v, *se;
} outcol;

static int cmd_predict(int argc, char **argv)
{
    const char *path = positional(argc, argv);
    cx_clv_model *m = NULL, *gg = NULL;
    cx_clv_kind kind;
    int rc = model_from_args(&m, &kind, argc, argv);
    if (rc)
        return rc;
    if (!path || kind == CX_CLV_GAMMA_GAMMA || kind == CX_CLV_SBG) {
        fprintf(stderr, "cxkit clv predict: needs FILE and a bgnbd, mbgnbd, pareto or bgbb "
                        "model\n");
        cx_clv_model_free(m);
        return 2;
    }
    const int intervals = flag(argc, argv, "--intervals");
    const char *params = opt(argc, argv, "--params"), *months = opt(argc, argv, "--clv");
    double z = 0;
    if ((rc = z_for_level(&z, argc, argv)) != 0) {
        cx_clv_model_free(m);
        return rc;
    }
    table t;
    data d, ds;
    memset(&d, 0, sizeof d);
    memset(&ds, 0, sizeof ds);
    rc = read_table(&t, path);
    if (!rc)
        rc = load_data(&d, &t, kind, path);
    if (!rc && params &&
        (opt(argc, argv, "--purchase-covariates") || opt(argc, argv, "--dropout-covariates"))) {
        fprintf(stderr, "cxkit clv: covariates need a fit: they do not go with --params\n");
        rc = 2;
    }
    if (!rc && !params)
        rc = attach_covariates(m, &t, argc, argv, path);
    if (!rc && params) {
        double p[4];
        size_t k = 0;
        char *copy = strdup(params), *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok && k < 4; tok = strtok_r(NULL, ",", &save))
            p[k++] = strtod(tok, NULL);
        free(copy);
        if (cx_clv_model_set_params(m, p, k) != CX_OK)
            rc = fail("--params");
    } else if (!rc) {
        rc = fit_model(m, &d, argc, argv);
    }
    const char *hz = opt(argc, argv, "--horizon"), *disc = opt(argc, argv, "--discount");
    const double horizon = hz ? strtod(hz, NULL) : 1.0;
    const size_t n = d.n ? d.n : 1;
    outcol cols[4] = {{"p_alive", NULL, NULL},
                      {"expected_purchases", NULL, NULL},
                      {"dert", NULL, NULL},
                      {"clv", NULL, NULL}};
    for (int c = 0; c < 4; c++) {
        cols[c].v = calloc(n, sizeof *cols[c].v);
        cols[c].se = calloc(n, sizeof *cols[c].se);
    }
    const int with_dert = disc && (kind == CX_CLV_PARETO_NBD || kind == CX_CLV_BGBB);
    const double t_alive = kind == CX_CLV_BGBB ? 1 : 0;
    if (!rc && (cx_clv_p_alive(cols[0].v, m, t_alive, d.x, d.tx, d.T, d.n) != CX_OK ||
                cx_clv_conditional_purchases(cols[1].v, m, horizon, d.x, d.tx, d.T, d.n) != CX_OK))
        rc = fail("predict");
    if (!rc && intervals &&
        (cx_clv_predict_stderr(cols[0].se, m, CX_CLV_Q_P_ALIVE, t_alive, d.x, d.tx, d.T, d.n) !=
             CX_OK ||
         cx_clv_predict_stderr(cols[1].se, m, CX_CLV_Q_CONDITIONAL, horizon, d.x, d.tx, d.T, d.n) !=
             CX_OK))
        rc = fail("intervals");
    if (!rc && with_dert) {
        const double dr = strtod(disc, NULL);
        if (cx_clv_dert(cols[2].v, m, dr, d.x, d.tx, d.T, d.n) != CX_OK ||
            (intervals &&
             cx_clv_predict_stderr(cols[2].se, m, CX_CLV_Q_DERT, dr, d.x, d.tx, d.T, d.n) != CX_OK))
            rc = fail("dert");
    }
    if (!rc && months) {
        /* spend: Gamma-Gamma on the repeat customers' mean spend; CLV for everybody */
        const char *upm = opt(argc, argv, "--units-per-month");
        const char *cd = opt(argc, argv, "--clv-discount"), *mg = opt(argc, argv, "--margin");
        double *mbar = column(&t, "monetary_value", "zbar");
        const unsigned mo = (unsigned)strtoul(months, NULL, 10);
        const double u = upm ? strtod(upm, NULL) : 30.0, dc = cd ? strtod(cd, NULL) : 0.01;
        const double mar = mg ? strtod(mg, NULL) : 1.0;
        if (!mbar) {
            fprintf(stderr, "cxkit clv: %s: --clv needs a monetary_value column\n", path);
            rc = 1;
        }
        if (!rc)
            rc = load_data(&ds, &t, CX_CLV_GAMMA_GAMMA, path);
        if (!rc && (cx_clv_model_new(&gg, CX_CLV_GAMMA_GAMMA) != CX_OK ||
                    cx_clv_model_fit(gg, ds.x, ds.tx, NULL, ds.w, ds.n, NULL) != CX_OK))
            rc = fail("spend model");
        if (!rc && cx_clv_lifetime_value(cols[3].v, m, gg, d.x, d.tx, d.T, mbar, d.n, mo, u, dc,
                                         mar) != CX_OK)
            rc = fail("clv");
        if (!rc && intervals &&
            cx_clv_lifetime_value_stderr(cols[3].se, m, gg, d.x, d.tx, d.T, mbar, d.n, mo, u, dc,
                                         mar) != CX_OK)
            rc = fail("clv intervals");
        free(mbar);
    }
    if (!rc) {
        const int used[4] = {1, 1, with_dert, months != NULL};
        printf("customer");
        for (int c = 0; c < 4; c++)
            if (used[c]) {
                printf(",%s", cols[c].name);
                if (intervals)
                    printf(",%s_se,%s_lower,%s_upper", cols[c].name, cols[c].name, cols[c].name);
            }
        printf("\n");
        for (size_t i = 0; i < d.n; i++) {
            printf("%s", t.first[i]);
            for (int c = 0; c < 4; c++)
                if (used[c]) {
                    const double v = cols[c].v[i], e = cols[c].se[i];
                    double lo = v - z * e, hi = v + z * e;
                    if (c == 0) /* P(alive): logit scale, inside [0, 1] */
                        logit_bounds(&lo, &hi, v, e, z);
                    printf(",%.10g", v);
                    if (intervals)
                        printf(",%.10g,%.10g,%.10g", e, lo, hi);
                }
            printf("\n");
        }
    }
    for (int c = 0; c < 4; c++) {
        free(cols[c].v);
        free(cols[c].se);
    }
    data_free(&d);
    data_free(&ds);
    table_free(&t);
    cx_clv_model_free(gg);
    cx_clv_model_free(m);
    return rc;
}

int cx_cmd_clv(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "summary") == 0)
        return cmd_summary(argc, argv);
    if (strcmp(argv[1], "fit") == 0)
        return cmd_fit(argc, argv);
    if (strcmp(argv[1], "predict") == 0)
        return cmd_predict(argc, argv);
    fprintf(stderr, "cxkit clv: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
