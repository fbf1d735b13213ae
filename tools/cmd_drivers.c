/* `cxkit drivers FILE --target csat --drivers a,b,c`: key-driver analysis of any CSV file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"
#include "util.h"
#include "util_columns.h"

const char cx_cmd_drivers_summary[] =
    "key drivers: standardised betas, relative weights, Shapley/LMG, bootstrap intervals";

static const char prog[] = "cxkit drivers";

#define MAX_DRIVERS 64

static void usage(FILE *f, const cxu_opt *opts)
{
    fprintf(f, "usage: cxkit drivers --target COL --drivers A,B,C [options] FILE\n\n"
               "Which drivers move the target: standardised regression coefficients, Johnson's\n"
               "relative weights and the Shapley / LMG share of R^2 (exact up to --exact-max\n"
               "drivers, sampled beyond), rows with a missing value dropped (docs/drivers.md).\n\n"
               "options:\n");
    cxu_print_options(f, opts);
    fprintf(f, "\nexit codes: 0 ok, 1 bad input, 2 usage.\n");
}

int cx_cmd_drivers(int argc, char **argv)
{
    int json = 0, help = 0;
    const char *target = NULL, *list = NULL, *weights = NULL;
    long bootstrap = 0, exact_max = 22, samples = 4000, seed = 1;
    double level = 0.95;
    const cxu_opt opts[] = {
        {"target", CXU_STRING, &target, "COL", "outcome column (e.g. csat or nps)"},
        {"drivers", CXU_STRING, &list, "LIST", "driver columns, comma-separated"},
        {"weights", CXU_STRING, &weights, "COL", "survey weights column"},
        {"bootstrap", CXU_LONG, &bootstrap, "B", "bootstrap replicates for intervals (0)"},
        {"exact-max", CXU_LONG, &exact_max, "P", "exact Shapley up to P drivers (22, max 26)"},
        {"samples", CXU_LONG, &samples, "M", "permutations when sampling (4000)"},
        {"seed", CXU_LONG, &seed, "S", "seed for sampling and bootstrap (1)"},
        {"level", CXU_DOUBLE, &level, "X", "interval level (0.95)"},
        {"json", CXU_FLAG, &json, NULL, "JSON output"},
        {NULL, CXU_FLAG, NULL, NULL, NULL}};
    const char *pos[2];
    int npos = 0;
    int rc = cxu_parse(argc, argv, 1, opts, pos, 2, &npos, &help, prog);
    if (rc)
        return rc;
    if (help) {
        usage(stdout, opts);
        return CXU_EXIT_OK;
    }
    if (npos != 1 || !target || !list) {
        fprintf(stderr, "%s: need FILE, --target and --drivers\n", prog);
        usage(stderr, opts);
        return CXU_EXIT_USAGE;
    }
    if (bootstrap < 0 || exact_max < 0 || samples < 1 || seed < 0) {
        fprintf(stderr, "%s: --bootstrap, --exact-max, --samples and --seed must be >= 0\n", prog);
        return CXU_EXIT_USAGE;
    }
    char *buf = malloc(strlen(list) + 1);
    char *names[MAX_DRIVERS + 2];
    if (!buf)
        return CXU_EXIT_INPUT;
    strcpy(buf, list);
    int p = cxu_split_list(buf, names + 1, MAX_DRIVERS);
    if (p <= 0) {
        fprintf(stderr, "%s: --drivers: a comma-separated list of 1..%d columns\n", prog,
                MAX_DRIVERS);
        free(buf);
        return CXU_EXIT_USAGE;
    }
    names[0] = (char *)target;
    size_t k = (size_t)p + 1 + (weights ? 1 : 0);
    if (weights)
        names[k - 1] = (char *)weights;
    double *cols[MAX_DRIVERS + 2];
    size_t n = 0;
    if (cxu_read_columns(prog, pos[0], (const char *const *)names, k, cols, &n) != 0) {
        free(buf);
        return CXU_EXIT_INPUT;
    }
    double *x = malloc((n ? n : 1) * (size_t)p * sizeof *x);
    cx_drivers *d = NULL;
    cx_status st = x ? CX_OK : CX_ENOMEM;
    for (size_t i = 0; x && i < n; i++)
        for (int j = 0; j < p; j++)
            x[i * (size_t)p + (size_t)j] = cols[j + 1][i];
    cx_drivers_options o;
    cx_drivers_options_init(&o, CX_DRIVERS_OPTIONS_VERSION);
    o.bootstrap = (size_t)bootstrap;
    o.exact_max = (size_t)exact_max;
    o.samples = (size_t)samples;
    o.seed = (uint64_t)seed;
    o.level = level;
    if (st == CX_OK)
        st = cx_drivers_fit(&d, x, cols[0], weights ? cols[k - 1] : NULL, n, (size_t)p, &o);
    if (st != CX_OK) {
        rc = cxu_report(prog, st);
        const char *msg = strstr(cx_error_last()->message, "driver ");
        int which = -1;
        if (msg && sscanf(msg, "driver %d", &which) == 1 && which >= 0 && which < p)
            fprintf(stderr, "%s: (driver %d is column '%s')\n", prog, which, names[which + 1]);
    } else {
        double r2, used, v[6][MAX_DRIVERS];
        int exact;
        cx_drivers_summary(&r2, &used, &exact, d);
        cx_drivers_get(v[0], (size_t)p, d, CX_DRIVER_BETA);
        cx_drivers_get(v[1], (size_t)p, d, CX_DRIVER_RW);
        cx_drivers_get(v[2], (size_t)p, d, CX_DRIVER_LMG);
        int boot = bootstrap > 0;
        if (boot) {
            cx_drivers_get(v[3], (size_t)p, d, CX_DRIVER_LMG_LO);
            cx_drivers_get(v[4], (size_t)p, d, CX_DRIVER_LMG_HI);
        }
        if (json) {
            printf("{\"file\":");
            cxu_json_string(stdout, pos[0]);
            printf(",\"target\":");
            cxu_json_string(stdout, target);
            printf(",\"n\":%.0f,\"r2\":", used);
            cxu_json_number(stdout, r2);
            printf(",\"exact\":%s,\"drivers\":[", exact ? "true" : "false");
            for (int j = 0; j < p; j++) {
                printf("%s{\"driver\":", j ? "," : "");
                cxu_json_string(stdout, names[j + 1]);
                const char *keys[5] = {"beta", "relative_weight", "lmg", "lmg_lo", "lmg_hi"};
                for (int m = 0; m < (boot ? 5 : 3); m++) {
                    printf(",\"%s\":", keys[m]);
                    cxu_json_number(stdout, v[m][j]);
                }
                printf("}");
            }
            printf("]}\n");
        } else {
            printf("target %s, %.0f complete rows, R^2 = %.4f, Shapley/LMG %s\n", target, used, r2,
                   exact ? "exact" : "sampled");
            printf("%-20s %8s %9s %7s %9s %7s%s\n", "driver", "beta", "rel.wt", "%R2", "LMG", "%R2",
                   boot ? "   LMG interval" : "");
            for (int j = 0; j < p; j++) {
                printf("%-20s %8.4f %9.4f %6.1f%% %9.4f %6.1f%%", names[j + 1], v[0][j], v[1][j],
                       100 * v[1][j] / r2, v[2][j], 100 * v[2][j] / r2);
                if (boot)
                    printf("   [%.4f, %.4f]", v[3][j], v[4][j]);
                printf("\n");
            }
        }
    }
    cx_drivers_free(d);
    free(x);
    for (size_t j = 0; j < k; j++)
        free(cols[j]);
    free(buf);
    return rc;
}
