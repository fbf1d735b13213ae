/* `cxkit scores FILE [--by touchpoint,channel] [--period month] [--weights COL] [--json]`:
 * CSAT, NPS and CES per group of an interaction log, with intervals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"
#include "util.h"
#include "util_columns.h"

const char cx_cmd_scores_summary[] =
    "satisfaction scores: CSAT, NPS, CES per touchpoint/channel/employee/period with intervals";

static const char prog[] = "cxkit scores";

typedef struct scores_args {
    int json, help, shrink;
    const char *by, *period, *weights, *rating, *columns;
    double level, threshold;
} scores_args;

static void usage(FILE *f, const cxu_opt *opts)
{
    fprintf(f,
            "usage: cxkit scores [options] FILE\n\n"
            "CSAT (mean and top-box share), NPS and CES of an interaction log (CSV), overall or\n"
            "per group, with confidence intervals (Wilson for shares, t for means, Tango score\n"
            "for NPS; docs/scores.md). --shrink adds empirical-Bayes scores (columns marked *),\n"
            "fitted across the groups on unweighted counts.\n\noptions:\n");
    cxu_print_options(f, opts);
    fprintf(f, "\nexit codes: 0 ok, 1 bad input, 2 usage.\n");
}

static int print_group_keys(FILE *f, const cx_scores *t, size_t g, int json)
{
    for (size_t q = 0; q < cx_scores_keys(t); q++) {
        const char *name, *label;
        cx_scores_key_name(&name, t, q);
        cx_scores_key(&label, t, g, q);
        if (json) {
            cxu_json_string(f, name);
            fputc(':', f);
            cxu_json_string(f, label);
            fputc(',', f);
        } else {
            fprintf(f, "%-14s ", label);
        }
    }
    return 0;
}

static void json_field(FILE *f, const char *name, double v, int last)
{
    cxu_json_string(f, name);
    fputc(':', f);
    cxu_json_number(f, v);
    if (!last)
        fputc(',', f);
}

/* One rating's table. Returns an exit code. */
static int report(FILE *f, const cx_log *log, const scores_args *a, int field, const int *by,
                  size_t nby, int period, const double *w, int first)
{
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    o.rating_field = field;
    o.by = by;
    o.n_by = nby;
    o.period = period;
    o.weights = w;
    o.n_weights = w ? cx_log_rows(log) : 0;
    cx_scores *t;
    cx_status st = cx_scores_group(&t, log, &o);
    if (st != CX_OK)
        return cxu_report(prog, st);
    int nps = field == CX_FIELD_NPS;
    int smin = 0, smax = 0;
    if (cx_scores_groups(t) > 0) {
        const cx_acc *acc;
        cx_scores_acc(&acc, t, 0);
        cx_acc_scale(&smin, &smax, acc);
    }
    double thr = !isnan(a->threshold) ? a->threshold : field == CX_FIELD_CES ? 5.0 : smax - 1.0;
    const char *fname = cx_field_name(field);
    /* Optional shrinkage across the groups: NPS, or mean and top-box share. */
    size_t ng = cx_scores_groups(t);
    double *shr = NULL; /* [0, ng): NPS or top box; [ng, 2ng): mean */
    if (a->shrink && ng >= 2) {
        shr = malloc(2 * ng * sizeof *shr);
        if (!shr) {
            cx_scores_free(t);
            return CXU_EXIT_INPUT;
        }
        st = nps ? cx_scores_shrink(NULL, shr, NULL, ng, t, CX_SCORE_NPS, 0)
                 : cx_scores_shrink(NULL, shr, NULL, ng, t, CX_SCORE_TOP_BOX, thr);
        if (st == CX_OK && !nps)
            st = cx_scores_shrink(NULL, shr + ng, NULL, ng, t, CX_SCORE_MEAN, 0);
        if (st != CX_OK) {
            free(shr);
            cx_scores_free(t);
            return cxu_report(prog, st);
        }
    }
    if (a->json) {
        fprintf(f, "%s{\"rating\":", first ? "" : ",");
        cxu_json_string(f, fname);
        fprintf(f, ",\"scale\":[%d,%d],\"level\":", smin, smax);
        cxu_json_number(f, a->level);
        if (!nps) {
            fprintf(f, ",\"top_box_threshold\":");
            cxu_json_number(f, thr);
        }
        fprintf(f, ",\"groups\":[");
    } else {
        fprintf(f, "%s%s (scale %d..%d)", first ? "" : "\n", fname, smin, smax);
        if (!nps)
            fprintf(f, ", top box = ratings >= %g", thr);
        fprintf(f, ", %g%% intervals%s\n", 100 * a->level, w ? ", weighted (Kish n_eff)" : "");
        for (size_t q = 0; q < cx_scores_keys(t); q++) {
            const char *name;
            cx_scores_key_name(&name, t, q);
            fprintf(f, "%-14s ", name);
        }
        if (nps)
            fprintf(f, "%8s %8s %7s %-17s %6s %6s %6s%s\n", "n", "n_eff", "NPS", "[lo, hi]",
                    "prom%", "pass%", "detr%", shr ? "  shrunk" : "");
        else
            fprintf(f, "%8s %8s %6s %-15s %7s %-17s%s\n", "n", "n_eff", "mean", "[lo, hi]", "top%",
                    "[lo, hi]", shr ? "  mean* top%*" : "");
    }
    for (size_t g = 0; g < cx_scores_groups(t); g++) {
        const cx_acc *acc;
        cx_scores_acc(&acc, t, g);
        double n = 0, ne = 0;
        cx_acc_sizes(&n, NULL, &ne, acc);
        if (a->json) {
            fprintf(f, "%s{", g ? "," : "");
            print_group_keys(f, t, g, 1);
            json_field(f, "n", n, 0);
            json_field(f, "n_eff", ne, 0);
        } else {
            print_group_keys(f, t, g, 0);
            fprintf(f, "%8.0f %8.1f ", n, ne);
        }
        if (nps) {
            cx_nps_result r;
            st = cx_acc_nps(&r, acc, NULL, a->level, CX_NPS_SCORE);
            if (st != CX_OK)
                r.nps = r.lo = r.hi = r.se = r.promoters = r.passives = r.detractors = NAN;
            if (a->json) {
                json_field(f, "nps", r.nps, 0);
                json_field(f, "se", r.se, 0);
                json_field(f, "lo", r.lo, 0);
                json_field(f, "hi", r.hi, 0);
                json_field(f, "promoters", r.promoters, 0);
                json_field(f, "passives", r.passives, 0);
                json_field(f, "detractors", r.detractors, !shr);
                if (shr)
                    json_field(f, "nps_shrunk", shr[g], 1);
            } else {
                fprintf(f, "%7.1f [%6.1f, %6.1f] %6.1f %6.1f %6.1f", r.nps, r.lo, r.hi,
                        100 * r.promoters, 100 * r.passives, 100 * r.detractors);
                if (shr)
                    fprintf(f, "  %6.1f", shr[g]);
                fputc('\n', f);
            }
        } else {
            double m = NAN, ml = NAN, mh = NAN, se = NAN, s = NAN, sl = NAN, sh = NAN;
            if (cx_acc_mean(&m, &se, &ml, &mh, acc, a->level, CX_MEAN_T) != CX_OK)
                cx_acc_mean(&m, NULL, NULL, NULL, acc, a->level, CX_MEAN_T); /* n_eff <= 1 */
            cx_acc_top_box(&s, &sl, &sh, acc, thr, a->level, CX_PROP_WILSON);
            if (a->json) {
                json_field(f, "mean", m, 0);
                json_field(f, "mean_se", se, 0);
                json_field(f, "mean_lo", ml, 0);
                json_field(f, "mean_hi", mh, 0);
                json_field(f, "top_box", s, 0);
                json_field(f, "top_box_lo", sl, 0);
                json_field(f, "top_box_hi", sh, !shr);
                if (shr) {
                    json_field(f, "mean_shrunk", shr[ng + g], 0);
                    json_field(f, "top_box_shrunk", shr[g], 1);
                }
            } else {
                fprintf(f, "%6.2f [%5.2f, %5.2f] %7.1f [%6.1f, %6.1f]", m, ml, mh, 100 * s,
                        100 * sl, 100 * sh);
                if (shr)
                    fprintf(f, "  %5.2f %6.1f", shr[ng + g], 100 * shr[g]);
                fputc('\n', f);
            }
        }
        if (a->json)
            fputc('}', f);
    }
    if (a->json)
        fprintf(f, "]}");
    free(shr);
    cx_scores_free(t);
    return CXU_EXIT_OK;
}

int cx_cmd_scores(int argc, char **argv)
{
    scores_args a = {0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0.95, NAN};
    const cxu_opt opts[] = {
        {"by", CXU_STRING, &a.by, "LIST",
         "group by fields: touchpoint, channel, employee, team, customer (comma-separated)"},
        {"period", CXU_STRING, &a.period, "P", "and by day, week, month, quarter or year"},
        {"weights", CXU_STRING, &a.weights, "COL", "survey weights from column COL of FILE"},
        {"rating", CXU_STRING, &a.rating, "R",
         "csat, nps, ces, self_rating or leader_rating (default: csat, nps, ces present)"},
        {"threshold", CXU_DOUBLE, &a.threshold, "X", "top box = ratings >= X (default: top two)"},
        {"level", CXU_DOUBLE, &a.level, "X", "confidence level (default 0.95)"},
        {"columns", CXU_STRING, &a.columns, "MAP", "column names, e.g. csat=sat,time=created"},
        {"shrink", CXU_FLAG, &a.shrink, NULL,
         "add empirical-Bayes shrunk scores (small groups pulled to the prior)"},
        {"json", CXU_FLAG, &a.json, NULL, "JSON output"},
        {NULL, CXU_FLAG, NULL, NULL, NULL}};
    const char *pos[2];
    int npos = 0;
    int rc = cxu_parse(argc, argv, 1, opts, pos, 2, &npos, &a.help, prog);
    if (rc)
        return rc;
    if (a.help) {
        usage(stdout, opts);
        return CXU_EXIT_OK;
    }
    if (npos != 1) {
        fprintf(stderr, "%s: expected one FILE\n", prog);
        usage(stderr, opts);
        return CXU_EXIT_USAGE;
    }
    if (!(a.level > 0 && a.level < 1)) {
        fprintf(stderr, "%s: --level must be in (0, 1)\n", prog);
        return CXU_EXIT_USAGE;
    }
    int by[8];
    size_t nby = 0;
    char bybuf[256];
    if (a.by) {
        char *items[8];
        snprintf(bybuf, sizeof bybuf, "%s", a.by);
        int k = cxu_split_list(bybuf, items, 8);
        if (k < 0) {
            fprintf(stderr, "%s: --by: a comma-separated list of up to 8 fields\n", prog);
            return CXU_EXIT_USAGE;
        }
        for (int i = 0; i < k; i++) {
            cx_field fld;
            if (cx_field_from_name(&fld, items[i]) != CX_OK) {
                fprintf(stderr, "%s: --by: unknown field '%s'\n", prog, items[i]);
                return CXU_EXIT_USAGE;
            }
            by[nby++] = (int)fld;
        }
    }
    cx_period period = CX_PERIOD_NONE;
    if (a.period && cx_period_parse(&period, a.period) != CX_OK) {
        fprintf(stderr, "%s: --period: %s\n", prog, cx_error_last()->message);
        return CXU_EXIT_USAGE;
    }
    int fields[5], nf = 0;
    if (a.rating) {
        cx_field fld;
        if (cx_field_from_name(&fld, a.rating) != CX_OK) {
            fprintf(stderr, "%s: --rating: unknown field '%s'\n", prog, a.rating);
            return CXU_EXIT_USAGE;
        }
        fields[nf++] = (int)fld;
    }
    cx_log *log = NULL;
    cx_csv_options copts;
    cx_csv_options_init(&copts, CX_CSV_OPTIONS_VERSION);
    copts.columns = a.columns;
    cx_status st = cx_log_new(&log);
    if (st == CX_OK)
        st = cx_log_read_csv(log, pos[0], &copts);
    if (st != CX_OK) {
        cx_log_free(log);
        return cxu_report(prog, st);
    }
    if (!a.rating) {
        const int all[3] = {CX_FIELD_CSAT, CX_FIELD_NPS, CX_FIELD_CES};
        for (int i = 0; i < 3; i++)
            if (cx_log_count_present(log, all[i]) > 0)
                fields[nf++] = all[i];
    }
    double *w = NULL;
    if (a.weights) {
        size_t nrows = 0;
        const char *names[1] = {a.weights};
        if (cxu_read_columns(prog, pos[0], names, 1, &w, &nrows) != 0) {
            cx_log_free(log);
            return CXU_EXIT_INPUT;
        }
        if (nrows != cx_log_rows(log)) {
            fprintf(stderr, "%s: %s: %zu weights for %zu rows\n", prog, pos[0], nrows,
                    cx_log_rows(log));
            free(w);
            cx_log_free(log);
            return CXU_EXIT_INPUT;
        }
    }
    if (nf == 0 && !a.json)
        printf("%s: no csat, nps or ces ratings in %s\n", prog, pos[0]);
    if (a.json)
        printf("{\"file\":");
    if (a.json) {
        cxu_json_string(stdout, pos[0]);
        printf(",\"scores\":[");
    }
    rc = CXU_EXIT_OK;
    for (int i = 0; i < nf && rc == CXU_EXIT_OK; i++)
        rc = report(stdout, log, &a, fields[i], by, nby, (int)period, w, i == 0);
    if (a.json && rc == CXU_EXIT_OK)
        printf("]}\n");
    free(w);
    cx_log_free(log);
    return rc;
}
