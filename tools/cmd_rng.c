/* `cxkit rng DIST [PARAMS] [options]`: reproducible random draws from the shell, the same numbers
 * as cx_rng in C, cxkit.RNG in Python and cx.rng in Lua for the same seed and stream
 * (docs/rng.md). One draw per line, or --json. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"
#include "util.h"

const char cx_cmd_rng_summary[] = "reproducible random draws (uniform, normal, gamma, ...)";

static const char prog[] = "cxkit rng";

static const struct dist {
    const char *name;
    int nparams;
    const char *params;
} dists[] = {
    {"uniform", 0, ""}, {"normal", 2, "MEAN SD"}, {"gamma", 2, "SHAPE SCALE"},
    {"beta", 2, "A B"}, {"poisson", 1, "LAMBDA"}, {"binomial", 2, "N P"},
    {"below", 1, "N"},
};
enum { NDISTS = sizeof dists / sizeof dists[0] };

static void usage(FILE *f, const cxu_opt *opts)
{
    fprintf(f, "usage: cxkit rng DIST [PARAMS] [options]\n\ndistributions:\n");
    for (int i = 0; i < NDISTS; i++)
        fprintf(f, "  %-9s %s\n", dists[i].name, dists[i].params);
    fprintf(f, "\noptions:\n");
    cxu_print_options(f, opts);
    fprintf(f, "\nexamples: cxkit rng gamma 2.5 1.7 --n 5 --seed 2024 --stream 3\n"
               "          cxkit rng normal --n 3 -- -2 0.5   (\"--\" before negative numbers)\n");
}

/* A number argument: finite double, or a usage error naming it. */
static int number(const char *s, const char *what, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || v != v) {
        fprintf(stderr, "%s: %s must be a number (got '%s')\n", prog, what, s);
        return CXU_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

/* Draw n values into out (doubles; counts are exact). */
static cx_status draw(double *out, size_t n, cx_rng *rng, int d, const double *p)
{
    const char *name = dists[d].name;
    if (!strcmp(name, "uniform"))
        return cx_rng_fill_uniform(out, n, rng);
    if (!strcmp(name, "normal"))
        return cx_rng_fill_normal(out, n, rng, p[0], p[1]);
    if (!strcmp(name, "gamma"))
        return cx_rng_fill_gamma(out, n, rng, p[0], p[1]);
    if (!strcmp(name, "beta"))
        return cx_rng_fill_beta(out, n, rng, p[0], p[1]);
    if (!strcmp(name, "poisson"))
        return cx_rng_fill_poisson(out, n, rng, p[0]);
    if (!(p[0] >= 0.0 && p[0] <= 9007199254740992.0 && p[0] == (double)(uint64_t)p[0])) {
        fprintf(stderr, "%s: N must be a whole number in [0, 2^53] (got %g)\n", prog, p[0]);
        return CX_EINVAL;
    }
    uint64_t k = (uint64_t)p[0];
    if (!strcmp(name, "binomial"))
        return cx_rng_fill_binomial(out, n, rng, k, p[1]);
    for (size_t i = 0; i < n; i++) /* below */
        out[i] = (double)cx_rng_below(rng, k);
    return CX_OK;
}

int cx_cmd_rng(int argc, char **argv)
{
    long n = 10, seed = 0, stream = 0;
    int json = 0, help = 0, npos = 0;
    const cxu_opt opts[] = {
        {"n", CXU_LONG, &n, "N", "number of draws (10)"},
        {"seed", CXU_LONG, &seed, "S", "seed, a non-negative integer (0)"},
        {"stream", CXU_LONG, &stream, "T", "stream, a non-negative integer (0)"},
        {"json", CXU_FLAG, &json, NULL, "JSON output"},
        {NULL, 0, NULL, NULL, NULL},
    };
    const char *pos[4];
    int rc = cxu_parse(argc, argv, 1, opts, pos, 4, &npos, &help, prog);
    if (rc != 0)
        return rc;
    if (help) {
        usage(stdout, opts);
        return CXU_EXIT_OK;
    }
    int d = -1;
    for (int i = 0; npos > 0 && i < NDISTS; i++)
        if (!strcmp(pos[0], dists[i].name))
            d = i;
    if (d < 0) {
        if (npos > 0)
            fprintf(stderr, "%s: unknown distribution '%s'\n", prog, pos[0]);
        usage(stderr, opts);
        return CXU_EXIT_USAGE;
    }
    if (npos - 1 != dists[d].nparams) {
        fprintf(stderr, "%s: %s takes %d parameter(s): %s\n", prog, dists[d].name, dists[d].nparams,
                dists[d].params);
        return CXU_EXIT_USAGE;
    }
    if (n < 0 || seed < 0 || stream < 0) {
        fprintf(stderr, "%s: --n, --seed and --stream must be >= 0\n", prog);
        return CXU_EXIT_USAGE;
    }
    double p[2] = {0.0, 0.0};
    for (int i = 0; i < dists[d].nparams; i++)
        if ((rc = number(pos[1 + i], "a parameter", &p[i])) != 0)
            return rc;

    double *out = malloc(((size_t)n ? (size_t)n : 1) * sizeof *out);
    cx_rng *rng = NULL;
    cx_status st = out ? cx_rng_new(&rng, (uint64_t)seed, (uint64_t)stream) : CX_ENOMEM;
    if (st == CX_OK)
        st = draw(out, (size_t)n, rng, d, p);
    if (st != CX_OK) {
        if (json)
            cxu_json_error(stdout, st);
        rc = cx_error_last()->code == st ? cxu_report(prog, st) : CXU_EXIT_INPUT;
    } else {
        int integer = d >= 4; /* poisson, binomial, below */
        if (json) {
            printf("{\"distribution\": \"%s\", \"seed\": %ld, \"stream\": %ld, \"draws\": [",
                   dists[d].name, seed, stream);
            for (long i = 0; i < n; i++) {
                fputs(i ? ", " : "", stdout);
                if (integer)
                    printf("%" PRIu64, (uint64_t)out[i]);
                else
                    cxu_json_number(stdout, out[i]);
            }
            printf("]}\n");
        } else {
            for (long i = 0; i < n; i++) {
                if (integer)
                    printf("%" PRIu64 "\n", (uint64_t)out[i]);
                else
                    printf("%.17g\n", out[i]);
            }
        }
        rc = CXU_EXIT_OK;
    }
    cx_rng_free(rng);
    free(out);
    return rc;
}
