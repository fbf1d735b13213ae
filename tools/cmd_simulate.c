/* `cxkit simulate SCENARIO --out DIR`: run a service-profit-chain scenario (docs/simulator.md) and
 * write series.csv, interactions.csv and transactions.csv (cxkit's log formats); with a "whatif"
 * section, also compare it with the baseline under common random numbers (comparison.csv). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxkit/cxkit.h>
#include <cxkit/sim.h>

#include "commands.h"
#include "util_scenario.h"

const char cx_cmd_simulate_summary[] = "run a service-profit-chain scenario (what-if simulation)";

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cxkit simulate SCENARIO.json --out DIR [options]\n"
        "       cxkit simulate --list-params\n\n"
        "Runs the scenario and writes DIR/series.csv (one row per period), DIR/interactions.csv\n"
        "and DIR/transactions.csv (cxkit log formats). A scenario with a \"whatif\" section is\n"
        "also compared with its baseline over replications with common random numbers\n"
        "(DIR/comparison.csv: mean difference and 95%% Monte Carlo interval per period).\n\n"
        "options:\n"
        "  --customers N     override the scenario's number of customers\n"
        "  --periods P       override the number of periods\n"
        "  --seed S          random seed (default: the scenario's, else 1)\n"
        "  --threads T       worker threads (default: all processors; output is identical)\n"
        "  --replications R  replications for the comparison (default: scenario's, else 10)\n"
        "  --no-logs         write only series.csv (and comparison.csv)\n"
        "  --progress        report progress on stderr even when it is not a terminal\n"
        "  --quiet           no progress (default when stderr is not a terminal)\n"
        "  --list-params     print every parameter (Markdown table) and exit\n"
        "exit status: 0 ok, 1 bad input, 2 usage\n");
}

static int list_params(void)
{
    printf("| parameter | default | range | meaning | source | uncertainty |\n"
           "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < cx_sim_param_count(); i++) {
        const char *name, *meaning, *source, *unc;
        double def, lo, hi;
        cx_sim_param_info(i, &name, &def, &lo, &hi, &meaning, &source, &unc);
        printf("| `%s` | %g | %g .. %g | %s | %s | %s |\n", name, def, lo, hi, meaning, source,
               unc);
    }
    return 0;
}

static int progress(double done, double total, void *payload)
{
    const char *what = payload;
    fprintf(stderr, "\rcxkit simulate: %s %3.0f%%", what, 100.0 * done / total);
    if (done >= total)
        fputc('\n', stderr);
    return 0;
}

static int parse_num(double *out, const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) {
        fprintf(stderr, "cxkit simulate: %s expects a number, got '%s'\n", opt, s);
        return 2;
    }
    *out = v;
    return 0;
}

/* Writes comparison.csv under the temporary name @p tmp (renamed by the caller once every other
 * output is in place, so that a failure leaves no partial set of files). */
static int write_comparison(const cx_sim_comparison *cmp, const char *tmp)
{
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "cxkit simulate: %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    size_t P = cx_sim_comparison_periods(cmp);
    double *b = malloc(5 * P * sizeof *b);
    if (!b) {
        fclose(f);
        remove(tmp);
        fprintf(stderr, "cxkit simulate: out of memory\n");
        return 1;
    }
    double *w = b + P, *m = w + P, *lo = m + P, *hi = lo + P;
    fprintf(f, "series,period,baseline,whatif,difference,lower95,upper95\n");
    for (int s = 0; s < CX_SIM_SERIES_COUNT; s++) {
        cx_sim_comparison_mean(b, P, cmp, 0, s);
        cx_sim_comparison_mean(w, P, cmp, 1, s);
        cx_sim_comparison_diff(m, lo, hi, P, cmp, s, 0.95);
        for (size_t t = 0; t < P; t++)
            fprintf(f, "%s,%zu,%.10g,%.10g,%.10g,%.10g,%.10g\n", cx_sim_series_name(s), t, b[t],
                    w[t], m[t], lo[t], hi[t]);
    }
    free(b);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        remove(tmp);
        fprintf(stderr, "cxkit simulate: cannot write %s\n", tmp);
        return 1;
    }
    return 0;
}

/* Removes the files cx_sim_result_write() put into @p dir (after a later step failed). */
static void remove_outputs(const char *dir)
{
    static const char *const names[] = {"series.csv", "interactions.csv", "transactions.csv"};
    char path[4096];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
}

int cx_cmd_simulate(int argc, char **argv)
{
    const char *scenario = NULL, *out = NULL;
    double customers = -1, periods = -1, seed = -1, threads = 0, reps = -1;
    int logs = 1, show_progress = isatty(2);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double *target = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--list-params") == 0) {
            return list_params();
        } else if (strcmp(a, "--no-logs") == 0) {
            logs = 0;
            continue;
        } else if (strcmp(a, "--progress") == 0 || strcmp(a, "--quiet") == 0) {
            show_progress = a[2] == 'p';
            continue;
        } else if (strcmp(a, "--out") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "cxkit simulate: --out needs a directory\n");
                return 2;
            }
            out = argv[i];
            continue;
        } else if (strcmp(a, "--customers") == 0) {
            target = &customers;
        } else if (strcmp(a, "--periods") == 0) {
            target = &periods;
        } else if (strcmp(a, "--seed") == 0) {
            target = &seed;
        } else if (strcmp(a, "--threads") == 0) {
            target = &threads;
        } else if (strcmp(a, "--replications") == 0) {
            target = &reps;
        } else if (a[0] == '-') {
            fprintf(stderr, "cxkit simulate: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!scenario) {
            scenario = a;
            continue;
        } else {
            fprintf(stderr, "cxkit simulate: more than one scenario given\n");
            return 2;
        }
        if (++i >= argc) {
            fprintf(stderr, "cxkit simulate: %s needs a value\n", a);
            return 2;
        }
        int rc = parse_num(target, a, argv[i]);
        if (rc)
            return rc;
    }
    if (!scenario || !out) {
        usage(stderr);
        return 2;
    }
    if (threads < 0 || threads > 4096 || seed > 9007199254740992.0 ||
        (reps != -1 && (reps < 2 || reps > 100000))) {
        fprintf(stderr, "cxkit simulate: --threads, --seed or --replications out of range\n");
        return 2;
    }
    char err[1024];
    cx_scenario sc;
    if (cx_scenario_load(&sc, scenario, err, sizeof err)) {
        fprintf(stderr, "cxkit simulate: %s\n", err);
        return 1;
    }
    int status = 1;
    cx_sim_result *res = NULL;
    cx_sim_comparison *cmp = NULL;
    cx_sim_params *both[2] = {sc.baseline, sc.whatif};
    for (int k = 0; k < 2; k++) {
        if (!both[k])
            continue;
        if ((customers >= 0 && cx_sim_params_set(both[k], "customers", customers)) ||
            (periods >= 0 && cx_sim_params_set(both[k], "periods", periods))) {
            fprintf(stderr, "cxkit simulate: %s\n", cx_error_last()->message);
            goto done;
        }
    }
    cx_sim_options o;
    cx_sim_options_init(&o, CX_SIM_OPTIONS_VERSION);
    o.seed = seed >= 0 ? (uint64_t)seed : sc.seed;
    o.threads = (unsigned)threads;
    o.record_interactions = o.record_transactions = logs;
    if (show_progress) {
        o.progress = progress;
        o.progress_payload = (void *)"baseline";
    }
    if (cx_sim_run(&res, sc.baseline, &o) != CX_OK) {
        const cx_error *e = cx_error_last();
        fprintf(stderr, "cxkit simulate: %s: %s (%s%s)\n", scenario, e->message,
                e->param[0] ? "in " : "", e->param[0] ? e->param : cx_status_name(e->code));
        goto done;
    }
    if (sc.whatif) {
        size_t r = reps > 0 ? (size_t)reps : sc.replications;
        if (show_progress) {
            fprintf(stderr, "cxkit simulate: comparing with the what-if (%zu replications)\n", r);
            o.progress = progress;
            o.progress_payload = (void *)"replications";
        }
        if (cx_sim_compare(&cmp, sc.baseline, sc.whatif, r, &o) != CX_OK) {
            fprintf(stderr, "cxkit simulate: %s: what-if: %s\n", scenario,
                    cx_error_last()->message);
            goto done;
        }
    }
    struct stat stt;
    int made_dir = 0;
    if (stat(out, &stt) != 0) {
        if (mkdir(out, 0777) != 0) {
            fprintf(stderr, "cxkit simulate: cannot create %s: %s\n", out, strerror(errno));
            goto done;
        }
        made_dir = 1;
    }
    /* every file goes under a temporary name first; on any failure nothing is left behind */
    char cmp_tmp[4096], cmp_path[4096];
    snprintf(cmp_tmp, sizeof cmp_tmp, "%s/.comparison.csv.partial", out);
    snprintf(cmp_path, sizeof cmp_path, "%s/comparison.csv", out);
    if (cmp && write_comparison(cmp, cmp_tmp))
        goto fail;
    if (cx_sim_result_write(res, out) != CX_OK) {
        fprintf(stderr, "cxkit simulate: %s\n", cx_error_last()->message);
        if (cmp)
            remove(cmp_tmp);
        goto fail;
    }
    if (cmp && rename(cmp_tmp, cmp_path) != 0) {
        fprintf(stderr, "cxkit simulate: cannot rename into place: %s: %s\n", cmp_path,
                strerror(errno));
        remove(cmp_tmp);
        remove_outputs(out);
        goto fail;
    }
    /* a short summary on stdout */
    printf("scenario %s: %zu periods\n", sc.name[0] ? sc.name : scenario,
           cx_sim_result_periods(res));
    for (int s = 0; s < CX_SIM_STAT_COUNT; s++) {
        double v;
        cx_sim_result_stat(&v, res, s);
        printf("  %-30s %.4g\n", cx_sim_stat_name(s), v);
    }
    status = 0;
    goto done;
fail:
    if (made_dir)
        rmdir(out); /* only ours, and only when empty */
done:
    cx_sim_comparison_free(cmp);
    cx_sim_result_free(res);
    cx_scenario_free(&sc);
    return status;
}
