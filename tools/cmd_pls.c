/* `cxkit pls fit --model MODEL.txt DATA.csv [options]`: estimate a PLS path model and print
 * paths, R², reliability, HTMT, the 0-100 index and, on request, bootstrap intervals, as text
 * or JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"

const char cx_cmd_pls_summary[] = "PLS path models (ACSI/ECSI): fit, bootstrap, index";

static void usage(FILE *f)
{
    fprintf(f, "usage: cxkit pls fit --model MODEL.txt DATA.csv [options]\n\n"
               "MODEL.txt: lavaan-style syntax (Sat =~ CUSA1 + CUSA2; Val <~ PERV1 + PERV2;\n"
               "           Loyalty ~ Sat + Val). DATA.csv: header + numeric columns; empty/NA = "
               "missing.\n\n"
               "options:\n"
               "  --bootstrap N       bootstrap with N resamples (e.g. 5000)\n"
               "  --seed S            bootstrap / PLSpredict seed (default 1)\n"
               "  --threads T         bootstrap threads (default: all cores)\n"
               "  --fsquare           bootstrap f^2 too (re-estimates once per path and resample)\n"
               "  --sign-change M     none | construct | individual (default none)\n"
               "  --scheme S          path | factorial | centroid (default path)\n"
               "  --consistent        PLSc for =~ constructs\n"
               "  --missing M         mean | casewise (default mean)\n"
               "  --missing-code V    value that marks a missing answer (e.g. -99)\n"
               "  --weights COLUMN    survey weights column\n"
               "  --scale MIN,MAX     rating scale for the 0-100 index (default: observed range)\n"
               "  --max-iter N        default 300;  --tolerance T  default 1e-7\n"
               "  --predict K         PLSpredict with K folds\n"
               "  --json              JSON instead of text\n");
}

typedef struct {
    const char *model_path, *data_path, *weights, *sign;
    long n_boot, threads, predict;
    unsigned long long seed;
    int json, fsquare;
    cx_pls_options opt;
} args;

static int fail(const char *what)
{
    const cx_error *e = cx_error_last();
    if (e->file[0] && e->line)
        fprintf(stderr, "cxkit pls: %s:%ld:%ld: %s\n", e->file, e->line, e->column, e->message);
    else
        fprintf(stderr, "cxkit pls: %s: %s\n", what, e->message);
    return 1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t r;
    while (s && (r = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                s = NULL;
            } else {
                s = t;
            }
        }
    }
    fclose(f);
    if (s)
        s[len] = 0;
    return s;
}

static int parse_args(args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    cx_pls_options_init(&a->opt);
    a->seed = 1;
    a->sign = "none";
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE                                                                                 \
    do {                                                                                           \
        if (!v) {                                                                                  \
            fprintf(stderr, "cxkit pls: %s needs a value\n", s);                                   \
            return 2;                                                                              \
        }                                                                                          \
        i++;                                                                                       \
    } while (0)
        if (strcmp(s, "--model") == 0) {
            NEED_VALUE;
            a->model_path = v;
        } else if (strcmp(s, "--bootstrap") == 0) {
            NEED_VALUE;
            a->n_boot = strtol(v, NULL, 10);
        } else if (strcmp(s, "--seed") == 0) {
            NEED_VALUE;
            a->seed = strtoull(v, NULL, 10);
        } else if (strcmp(s, "--threads") == 0) {
            NEED_VALUE;
            a->threads = strtol(v, NULL, 10);
        } else if (strcmp(s, "--predict") == 0) {
            NEED_VALUE;
            a->predict = strtol(v, NULL, 10);
        } else if (strcmp(s, "--sign-change") == 0) {
            NEED_VALUE;
            a->sign = v;
        } else if (strcmp(s, "--scheme") == 0) {
            NEED_VALUE;
            if (strcmp(v, "path") == 0)
                a->opt.scheme = CX_PLS_SCHEME_PATH;
            else if (strcmp(v, "factorial") == 0)
                a->opt.scheme = CX_PLS_SCHEME_FACTORIAL;
            else if (strcmp(v, "centroid") == 0)
                a->opt.scheme = CX_PLS_SCHEME_CENTROID;
            else {
                fprintf(stderr, "cxkit pls: unknown scheme '%s'\n", v);
                return 2;
            }
        } else if (strcmp(s, "--missing") == 0) {
            NEED_VALUE;
            if (strcmp(v, "mean") == 0)
                a->opt.missing = CX_PLS_MISSING_MEAN;
            else if (strcmp(v, "casewise") == 0)
                a->opt.missing = CX_PLS_MISSING_CASEWISE;
            else {
                fprintf(stderr, "cxkit pls: unknown missing treatment '%s'\n", v);
                return 2;
            }
        } else if (strcmp(s, "--missing-code") == 0) {
            NEED_VALUE;
            a->opt.use_missing_code = 1;
            a->opt.missing_code = strtod(v, NULL);
        } else if (strcmp(s, "--weights") == 0) {
            NEED_VALUE;
            a->weights = v;
        } else if (strcmp(s, "--scale") == 0) {
            NEED_VALUE;
            if (sscanf(v, "%lf,%lf", &a->opt.scale_min, &a->opt.scale_max) != 2) {
                fprintf(stderr, "cxkit pls: --scale wants MIN,MAX\n");
                return 2;
            }
        } else if (strcmp(s, "--max-iter") == 0) {
            NEED_VALUE;
            a->opt.max_iter = (int)strtol(v, NULL, 10);
        } else if (strcmp(s, "--tolerance") == 0) {
            NEED_VALUE;
            a->opt.tolerance = strtod(v, NULL);
        } else if (strcmp(s, "--consistent") == 0) {
            a->opt.consistent = 1;
        } else if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--fsquare") == 0) {
            a->fsquare = 1;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "cxkit pls: unknown option '%s'\n", s);
            return 2;
        } else if (!a->data_path) {
            a->data_path = s;
        } else {
            fprintf(stderr, "cxkit pls: more than one data file\n");
            return 2;
        }
#undef NEED_VALUE
    }
    if (!a->model_path || !a->data_path) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* JSON string (names are identifiers, but escape anyway) */
static void jstr(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static void jnum(double v)
{
    if (isfinite(v))
        printf("%.17g", v);
    else
        printf("null");
}

typedef struct {
    const cx_pls_model *m;
    size_t C, K;
    double *w, *l, *B, *r2, *ar2, *rel, *ht, *T, *idx;
} tables;

static int load_tables(tables *t, const cx_pls_fit *f)
{
    t->m = cx_pls_fit_model(f);
    size_t C = t->C = cx_pls_model_n_constructs(t->m), K = t->K = cx_pls_model_n_indicators(t->m);
    double *all = calloc(2 * K + 3 * C * C + 7 * C, sizeof(double));
    if (!all)
        return 1;
    t->w = all;
    t->l = t->w + K;
    t->B = t->l + K;
    t->ht = t->B + C * C;
    t->T = t->ht + C * C;
    t->r2 = t->T + C * C;
    t->ar2 = t->r2 + C;
    t->idx = t->ar2 + C;
    t->rel = t->idx + C;
    if (cx_pls_fit_outer_weights(t->w, K, f) || cx_pls_fit_loadings(t->l, K, f) ||
        cx_pls_fit_paths(t->B, C * C, f) || cx_pls_fit_rsquared(t->r2, C, f) ||
        cx_pls_fit_adj_rsquared(t->ar2, C, f) || cx_pls_fit_reliability(t->rel, 4 * C, f) ||
        cx_pls_fit_htmt(t->ht, C * C, f) || cx_pls_fit_total_effects(t->T, C * C, f) ||
        cx_pls_fit_index(t->idx, C, f))
        return 1;
    return 0;
}

/* Which estimates of a bootstrap family are reported. */
enum {
    ROWS_PATHS,
    ROWS_EFFECTS,
    ROWS_INDIRECT,
    ROWS_INDICATORS,
    ROWS_CONSTRUCTS,
    ROWS_ENDOGENOUS,
    ROWS_PAIRS,
    ROWS_PAIRS_DIAG
};

static const struct {
    cx_pls_stat stat;
    const char *name;
    int rows;
} boot_families[] = {
    {CX_PLS_STAT_PATH, "path", ROWS_PATHS},
    {CX_PLS_STAT_TOTAL_EFFECT, "total_effect", ROWS_EFFECTS},
    {CX_PLS_STAT_INDIRECT_EFFECT, "indirect_effect", ROWS_INDIRECT},
    {CX_PLS_STAT_WEIGHT, "weight", ROWS_INDICATORS},
    {CX_PLS_STAT_LOADING, "loading", ROWS_INDICATORS},
    {CX_PLS_STAT_RSQUARED, "rsquared", ROWS_ENDOGENOUS},
    {CX_PLS_STAT_ADJ_RSQUARED, "adj_rsquared", ROWS_ENDOGENOUS},
    {CX_PLS_STAT_FSQUARE, "fsquare", ROWS_PATHS},
    {CX_PLS_STAT_VIF_INNER, "vif_inner", ROWS_PATHS},
    {CX_PLS_STAT_ALPHA, "alpha", ROWS_CONSTRUCTS},
    {CX_PLS_STAT_RHO_A, "rho_a", ROWS_CONSTRUCTS},
    {CX_PLS_STAT_RHO_C, "rho_c", ROWS_CONSTRUCTS},
    {CX_PLS_STAT_AVE, "ave", ROWS_CONSTRUCTS},
    {CX_PLS_STAT_FORNELL_LARCKER, "fornell_larcker", ROWS_PAIRS_DIAG},
    {CX_PLS_STAT_CONSTRUCT_CORR, "construct_correlation", ROWS_PAIRS},
    {CX_PLS_STAT_HTMT, "htmt", ROWS_PAIRS},
    {CX_PLS_STAT_INDEX, "index", ROWS_CONSTRUCTS},
};
#define N_BOOT_FAMILIES (sizeof boot_families / sizeof boot_families[0])

static int reported(const tables *t, int rows, size_t a, size_t b)
{
    size_t C = t->C;
    switch (rows) {
    case ROWS_PATHS:
        return cx_pls_model_has_path(t->m, a, b);
    case ROWS_EFFECTS:
        return t->T[a * C + b] != 0;
    case ROWS_INDIRECT:
        return t->T[a * C + b] - t->B[a * C + b] != 0;
    case ROWS_PAIRS:
        return a < b;
    default: /* ROWS_PAIRS_DIAG */
        return a <= b;
    }
}

/* The r-th reported estimate (i, j) of family fam; 0 when there is none. */
static int boot_rows(const tables *t, size_t fam, size_t r, size_t *i, size_t *j)
{
    size_t C = t->C, count = 0;
    int rows = boot_families[fam].rows;
    if (rows == ROWS_INDICATORS || rows == ROWS_CONSTRUCTS || rows == ROWS_ENDOGENOUS) {
        size_t n = rows == ROWS_INDICATORS ? t->K : C;
        for (size_t a = 0; a < n; a++)
            if ((rows != ROWS_ENDOGENOUS || !isnan(t->r2[a])) && count++ == r) {
                *i = a;
                *j = 0;
                return 1;
            }
        return 0;
    }
    for (size_t a = 0; a < C; a++)
        for (size_t b = 0; b < C; b++)
            if (reported(t, rows, a, b) && count++ == r) {
                *i = a;
                *j = b;
                return 1;
            }
    return 0;
}

static const char *label(const tables *t, size_t fam, size_t i, size_t j, char *buf, size_t len)
{
    int rows = boot_families[fam].rows;
    if (rows == ROWS_INDICATORS)
        snprintf(buf, len, "%s", cx_pls_model_indicator_name(t->m, i));
    else if (rows == ROWS_CONSTRUCTS || rows == ROWS_ENDOGENOUS)
        snprintf(buf, len, "%s", cx_pls_model_construct_name(t->m, i));
    else
        snprintf(buf, len, "%s %s %s", cx_pls_model_construct_name(t->m, i),
                 rows >= ROWS_PAIRS ? "~" : "->", cx_pls_model_construct_name(t->m, j));
    return buf;
}

/* f^2 is only there when asked for (--fsquare). */
static int family_present(const cx_pls_boot *boot, size_t fam)
{
    cx_pls_boot_summary s;
    return boot_families[fam].stat != CX_PLS_STAT_FSQUARE ||
           cx_pls_boot_get_summary(&s, boot, CX_PLS_STAT_FSQUARE, 0, 0) == CX_OK;
}

static void print_text(const tables *t, const cx_pls_fit_info *info, const cx_pls_boot *boot,
                       const cx_pls_boot_info *binfo, const double *pred)
{
    size_t C = t->C, K = t->K;
    printf("PLS path model: %zu constructs, %zu indicators; %zu of %zu rows used "
           "(%zu missing values, %zu rows dropped)%s\n",
           C, K, info->n_used, info->n_rows, info->n_missing_cells, info->n_rows_dropped,
           info->consistent ? "; PLSc" : "");
    printf("converged at pass %d (0-based), sum |dw| = %.3g\n\n", info->iterations,
           info->weight_change);
    printf("%-14s %-14s %10s\n", "construct", "indicator", "weight    loading");
    for (size_t k = 0; k < K; k++)
        printf("%-14s %-14s %10.4f %8.4f\n",
               cx_pls_model_construct_name(t->m, cx_pls_model_indicator_construct(t->m, k)),
               cx_pls_model_indicator_name(t->m, k), t->w[k], t->l[k]);
    printf("\n%-14s %-14s %10s\n", "from", "to", "path");
    for (size_t a = 0; a < C; a++)
        for (size_t b = 0; b < C; b++)
            if (cx_pls_model_has_path(t->m, a, b))
                printf("%-14s %-14s %10.4f\n", cx_pls_model_construct_name(t->m, a),
                       cx_pls_model_construct_name(t->m, b), t->B[a * C + b]);
    printf("\n%-14s %8s %8s %8s %8s %8s %8s %8s\n", "construct", "R2", "adj.R2", "alpha", "rhoA",
           "rhoC", "AVE", "index");
    for (size_t j = 0; j < C; j++) {
        printf("%-14s ", cx_pls_model_construct_name(t->m, j));
        if (isnan(t->r2[j]))
            printf("%8s %8s ", "-", "-");
        else
            printf("%8.4f %8.4f ", t->r2[j], t->ar2[j]);
        printf("%8.4f %8.4f %8.4f %8.4f %8.2f\n", t->rel[4 * j], t->rel[4 * j + 1],
               t->rel[4 * j + 2], t->rel[4 * j + 3], t->idx[j]);
    }
    printf("\nHTMT\n");
    for (size_t a = 0; a < C; a++)
        for (size_t b = a + 1; b < C; b++)
            printf("  %-14s %-14s %8.4f\n", cx_pls_model_construct_name(t->m, a),
                   cx_pls_model_construct_name(t->m, b), t->ht[a * C + b]);
    if (boot) {
        printf("\nbootstrap: %zu of %zu replicates used (%zu failed: %zu constant item, %zu "
               "singular, %zu not converged), %d threads\n",
               binfo->n_ok, binfo->n_requested, binfo->n_failed, binfo->n_failed_constant,
               binfo->n_failed_singular, binfo->n_failed_notconv, binfo->threads_used);
        for (size_t kind = 0; kind < N_BOOT_FAMILIES; kind++) {
            if (!family_present(boot, kind))
                continue;
            printf("\n%-30s %9s %9s %8s %9s %9s %9s %9s\n", boot_families[kind].name, "estimate",
                   "sd", "t", "pct.lo", "pct.hi", "bca.lo", "bca.hi");
            size_t i, j;
            char buf[160];
            for (size_t r = 0; boot_rows(t, kind, r, &i, &j); r++) {
                cx_pls_boot_summary s;
                if (cx_pls_boot_get_summary(&s, boot, boot_families[kind].stat, i, j) != CX_OK)
                    continue;
                printf("%-30s %9.4f %9.4f %8.2f %9.4f %9.4f %9.4f %9.4f\n",
                       label(t, kind, i, j, buf, sizeof buf), s.original, s.sd, s.t, s.pct_lo,
                       s.pct_hi, s.bca_lo, s.bca_hi);
            }
        }
    }
    if (pred) {
        printf("\nPLSpredict %-14s %9s %9s %9s %9s %9s\n", "indicator", "PLS.RMSE", "PLS.MAE",
               "LM.RMSE", "LM.MAE", "Q2pred");
        for (size_t k = 0; k < K; k++)
            if (!isnan(pred[5 * k]))
                printf("           %-14s %9.4f %9.4f %9.4f %9.4f %9.4f\n",
                       cx_pls_model_indicator_name(t->m, k), pred[5 * k], pred[5 * k + 1],
                       pred[5 * k + 2], pred[5 * k + 3], pred[5 * k + 4]);
    }
}

static void print_json(const tables *t, const cx_pls_fit_info *info, const cx_pls_boot *boot,
                       const cx_pls_boot_info *binfo, const double *pred)
{
    size_t C = t->C, K = t->K;
    printf("{\"n_rows\": %zu, \"n_used\": %zu, \"n_missing_cells\": %zu, \"iterations\": %d,\n",
           info->n_rows, info->n_used, info->n_missing_cells, info->iterations);
    printf(" \"indicators\": [");
    for (size_t k = 0; k < K; k++) {
        printf("%s\n  {\"construct\": ", k ? "," : "");
        jstr(cx_pls_model_construct_name(t->m, cx_pls_model_indicator_construct(t->m, k)));
        printf(", \"indicator\": ");
        jstr(cx_pls_model_indicator_name(t->m, k));
        printf(", \"weight\": ");
        jnum(t->w[k]);
        printf(", \"loading\": ");
        jnum(t->l[k]);
        printf("}");
    }
    printf("],\n \"paths\": [");
    int first = 1;
    for (size_t a = 0; a < C; a++)
        for (size_t b = 0; b < C; b++)
            if (cx_pls_model_has_path(t->m, a, b)) {
                printf("%s\n  {\"from\": ", first ? "" : ",");
                first = 0;
                jstr(cx_pls_model_construct_name(t->m, a));
                printf(", \"to\": ");
                jstr(cx_pls_model_construct_name(t->m, b));
                printf(", \"estimate\": ");
                jnum(t->B[a * C + b]);
                printf(", \"total_effect\": ");
                jnum(t->T[a * C + b]);
                printf("}");
            }
    printf("],\n \"constructs\": [");
    for (size_t j = 0; j < C; j++) {
        printf("%s\n  {\"name\": ", j ? "," : "");
        jstr(cx_pls_model_construct_name(t->m, j));
        const char *keys[] = {"rsq", "adj_rsq", "alpha", "rhoA", "rhoC", "AVE", "index"};
        double vals[] = {t->r2[j],          t->ar2[j],         t->rel[4 * j], t->rel[4 * j + 1],
                         t->rel[4 * j + 2], t->rel[4 * j + 3], t->idx[j]};
        for (int q = 0; q < 7; q++) {
            printf(", \"%s\": ", keys[q]);
            jnum(vals[q]);
        }
        printf("}");
    }
    printf("],\n \"htmt\": [");
    first = 1;
    for (size_t a = 0; a < C; a++)
        for (size_t b = a + 1; b < C; b++) {
            printf("%s\n  {\"a\": ", first ? "" : ",");
            first = 0;
            jstr(cx_pls_model_construct_name(t->m, a));
            printf(", \"b\": ");
            jstr(cx_pls_model_construct_name(t->m, b));
            printf(", \"htmt\": ");
            jnum(t->ht[a * C + b]);
            printf("}");
        }
    printf("]");
    if (boot) {
        printf(",\n \"bootstrap\": {\"requested\": %zu, \"ok\": %zu, \"failed\": %zu, "
               "\"failed_constant\": %zu, \"failed_singular\": %zu, \"failed_notconv\": %zu",
               binfo->n_requested, binfo->n_ok, binfo->n_failed, binfo->n_failed_constant,
               binfo->n_failed_singular, binfo->n_failed_notconv);
        for (size_t kind = 0; kind < N_BOOT_FAMILIES; kind++) {
            if (!family_present(boot, kind))
                continue;
            printf(",\n  \"%s\": [", boot_families[kind].name);
            size_t i, j;
            char buf[160];
            for (size_t r = 0; boot_rows(t, kind, r, &i, &j); r++) {
                cx_pls_boot_summary s;
                if (cx_pls_boot_get_summary(&s, boot, boot_families[kind].stat, i, j) != CX_OK)
                    continue;
                printf("%s\n   {\"name\": ", r ? "," : "");
                jstr(label(t, kind, i, j, buf, sizeof buf));
                const char *keys[] = {"original", "mean",   "sd",     "t",
                                      "pct_lo",   "pct_hi", "bca_lo", "bca_hi"};
                double vals[] = {s.original, s.mean,   s.sd,     s.t,
                                 s.pct_lo,   s.pct_hi, s.bca_lo, s.bca_hi};
                for (int q = 0; q < 8; q++) {
                    printf(", \"%s\": ", keys[q]);
                    jnum(vals[q]);
                }
                printf(", \"n\": %zu}", s.n);
            }
            printf("]");
        }
        printf("}");
    }
    if (pred) {
        printf(",\n \"predict\": [");
        first = 1;
        for (size_t k = 0; k < K; k++)
            if (!isnan(pred[5 * k])) {
                printf("%s\n  {\"indicator\": ", first ? "" : ",");
                first = 0;
                jstr(cx_pls_model_indicator_name(t->m, k));
                const char *keys[] = {"pls_rmse", "pls_mae", "lm_rmse", "lm_mae", "q2_predict"};
                for (int q = 0; q < 5; q++) {
                    printf(", \"%s\": ", keys[q]);
                    jnum(pred[5 * k + q]);
                }
                printf("}");
            }
        printf("]");
    }
    printf("}\n");
}

static int fit(int argc, char **argv)
{
    args a;
    int rc = parse_args(&a, argc, argv);
    if (rc)
        return rc;
    char *syntax = slurp(a.model_path);
    if (!syntax) {
        fprintf(stderr, "cxkit pls: cannot read model file '%s'\n", a.model_path);
        return 1;
    }
    cx_pls_model *m = NULL;
    cx_pls_data *d = NULL;
    cx_pls_fit *f = NULL;
    cx_pls_boot *b = NULL;
    double *pred = NULL;
    tables t;
    memset(&t, 0, sizeof t);
    rc = 1;
    if (cx_pls_model_parse(&m, syntax, a.model_path) != CX_OK) {
        fail("model");
        goto done;
    }
    if (cx_pls_data_read_csv(&d, a.data_path) != CX_OK) {
        fail("data");
        goto done;
    }
    if (a.weights && cx_pls_data_set_weights_column(d, a.weights) != CX_OK) {
        fail("weights");
        goto done;
    }
    if (cx_pls_fit_estimate(&f, m, d, &a.opt) != CX_OK) {
        fail("estimation");
        goto done;
    }
    if (load_tables(&t, f)) {
        fail("results");
        goto done;
    }
    cx_pls_fit_info info;
    cx_pls_fit_get_info(&info, f);
    cx_pls_boot_info binfo;
    memset(&binfo, 0, sizeof binfo);
    if (a.n_boot > 0) {
        cx_pls_boot_options bo;
        cx_pls_boot_options_init(&bo);
        bo.n_boot = (size_t)a.n_boot;
        bo.seed = a.seed;
        bo.n_threads = (int)a.threads;
        bo.fsquare = a.fsquare;
        if (strcmp(a.sign, "none") == 0)
            bo.sign_change = CX_PLS_SIGN_NONE;
        else if (strcmp(a.sign, "construct") == 0)
            bo.sign_change = CX_PLS_SIGN_CONSTRUCT;
        else if (strcmp(a.sign, "individual") == 0)
            bo.sign_change = CX_PLS_SIGN_INDIVIDUAL;
        else {
            fprintf(stderr, "cxkit pls: unknown sign change '%s'\n", a.sign);
            rc = 2;
            goto done;
        }
        if (cx_pls_bootstrap(&b, f, &bo) != CX_OK) {
            fail("bootstrap");
            goto done;
        }
        cx_pls_boot_get_info(&binfo, b);
    }
    if (a.predict) {
        pred = malloc(5 * t.K * sizeof(double));
        if (!pred || cx_pls_predict(pred, 5 * t.K, f, (int)a.predict, a.seed) != CX_OK) {
            fail("predict");
            goto done;
        }
    }
    if (a.json)
        print_json(&t, &info, b, &binfo, pred);
    else
        print_text(&t, &info, b, &binfo, pred);
    rc = 0;
done:
    free(t.w);
    free(pred);
    free(syntax);
    cx_pls_boot_free(b);
    cx_pls_fit_free(f);
    cx_pls_data_free(d);
    cx_pls_model_free(m);
    return rc;
}

int cx_cmd_pls(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "fit") == 0)
        return fit(argc, argv);
    fprintf(stderr, "cxkit pls: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
