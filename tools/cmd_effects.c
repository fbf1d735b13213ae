/* `cxkit effects recovery|touchpoints|spend|retention|churn FILE [options]`: loyalty effects
 * of the interactions in a log (docs/effects.md). Tables by default, --json for machines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"

const char cx_cmd_effects_summary[] =
    "loyalty effects: service recovery, moments of truth, spend, retention, churn";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cxkit effects <verb> [options] FILE\n\n"
            "verbs:\n"
            "  recovery     no problem / resolved / unresolved: later repurchase, retention,\n"
            "               spend change and NPS, with the recovery-paradox verdict\n"
            "  touchpoints  moments of truth: effect of the predictor per touchpoint\n"
            "  spend        share increasing / decreasing spend after each kind of experience\n"
            "  retention    logistic regression of retention, and satisfaction zones\n"
            "  churn        Kaplan-Meier by experience, log-rank, Cox hazard ratios\n"
            "  outcomes     the per-customer outcome table the analyses use\n\n"
            "options:\n"
            "  --tx FILE            transaction log CSV (customer,time,amount); default: the\n"
            "                       interactions' spend column\n"
            "  --window DAYS        outcome window before/after the index contact (90)\n"
            "  --churn-gap DAYS     inactivity that counts as churn (the window)\n"
            "  --confounders LIST   adjustment variables for recovery, e.g. channel,spend_before\n"
            "  --covariates LIST    covariates for retention and churn (csat,attentiveness)\n"
            "  --predictor FIELD    field for touchpoints and zones (csat)\n"
            "  --level L            confidence level (0.95)\n"
            "  --columns MAP        CSV column names, e.g. customer=cust_id,time=created_at\n"
            "  --json               JSON output\n");
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f); /* NaN (not applicable) and infinite zone bounds */
}

static void print_json(FILE *f, const cx_effect_table *t)
{
    size_t rows = cx_effect_table_rows(t), cols = cx_effect_table_cols(t);
    fputs("{\"title\": ", f);
    json_string(f, cx_effect_table_title(t));
    fputs(", \"columns\": [", f);
    for (size_t c = 0; c < cols; c++) {
        fputs(c ? ", " : "", f);
        json_string(f, cx_effect_table_col_name(t, c));
    }
    fputs("], \"rows\": [", f);
    for (size_t r = 0; r < rows; r++) {
        fputs(r ? ",\n  {" : "\n  {", f);
        for (size_t c = 0; c < cols; c++) {
            fputs(c ? ", " : "", f);
            json_string(f, cx_effect_table_col_name(t, c));
            fputs(": ", f);
            if (cx_effect_table_col_is_text(t, c)) {
                const char *s = "";
                cx_effect_table_text(&s, t, r, c);
                json_string(f, s);
            } else {
                double v = NAN;
                cx_effect_table_value(&v, t, r, c);
                json_number(f, v);
            }
        }
        fputs("}", f);
    }
    fputs("], \"notes\": [", f);
    const char *notes = cx_effect_table_notes(t);
    int first = 1;
    while (*notes) {
        const char *e = strchr(notes, '\n');
        size_t len = e ? (size_t)(e - notes) : strlen(notes);
        char buf[1100];
        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, notes, len);
        buf[len] = 0;
        fputs(first ? "" : ", ", f);
        json_string(f, buf);
        first = 0;
        notes += len + (e ? 1 : 0);
    }
    fputs("]}", f);
}

static void print_text(FILE *f, const cx_effect_table *t, size_t max_rows)
{
    size_t rows = cx_effect_table_rows(t), cols = cx_effect_table_cols(t);
    fprintf(f, "%s\n\n", cx_effect_table_title(t));
    size_t shown = rows < max_rows ? rows : max_rows;
    int width[64];
    for (size_t c = 0; c < cols && c < 64; c++) {
        width[c] = (int)strlen(cx_effect_table_col_name(t, c));
        if (cx_effect_table_col_is_text(t, c))
            for (size_t r = 0; r < shown; r++) {
                const char *s = "";
                cx_effect_table_text(&s, t, r, c);
                if ((int)strlen(s) > width[c])
                    width[c] = (int)strlen(s);
            }
        else if (width[c] < 10)
            width[c] = 10;
    }
    for (size_t c = 0; c < cols && c < 64; c++)
        fprintf(f, "%s%*s", c ? "  " : "", cx_effect_table_col_is_text(t, c) ? -width[c] : width[c],
                cx_effect_table_col_name(t, c));
    fputc('\n', f);
    for (size_t r = 0; r < shown; r++) {
        for (size_t c = 0; c < cols && c < 64; c++) {
            fputs(c ? "  " : "", f);
            if (cx_effect_table_col_is_text(t, c)) {
                const char *s = "";
                cx_effect_table_text(&s, t, r, c);
                fprintf(f, "%-*s", width[c], s);
            } else {
                double v = NAN;
                cx_effect_table_value(&v, t, r, c);
                fprintf(f, "%*.4g", width[c], v);
            }
        }
        fputc('\n', f);
    }
    if (shown < rows)
        fprintf(f, "... %zu more rows (use --json for all)\n", rows - shown);
    const char *notes = cx_effect_table_notes(t);
    if (*notes)
        fprintf(f, "\n%s", notes);
}

typedef cx_status (*analysis_fn)(cx_effect_table **, const cx_log *, const cx_txlog *,
                                 const cx_effects_options *);

static int fail(const char *what)
{
    const cx_error *e = cx_error_last();
    if (e->file[0] && e->line)
        fprintf(stderr, "cxkit effects: %s:%ld:%ld: %s\n", e->file, e->line, e->column, e->message);
    else
        fprintf(stderr, "cxkit effects: %s: %s\n", what, e->message);
    return 1;
}

int cx_cmd_effects(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *verb = argv[1], *file = NULL, *txfile = NULL, *columns = NULL;
    int json = 0;
    cx_effects_options o;
    cx_effects_options_init(&o, CX_EFFECTS_OPTIONS_VERSION);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] == '-' && !v) {
            fprintf(stderr, "cxkit effects: %s needs a value\n", a);
            return 2;
        } else if (!strcmp(a, "--tx")) {
            txfile = argv[++i];
        } else if (!strcmp(a, "--columns")) {
            columns = argv[++i];
        } else if (!strcmp(a, "--confounders")) {
            o.confounders = argv[++i];
        } else if (!strcmp(a, "--covariates")) {
            o.covariates = argv[++i];
        } else if (!strcmp(a, "--predictor")) {
            cx_field f;
            if (cx_field_from_name(&f, argv[++i]) != CX_OK) {
                fprintf(stderr, "cxkit effects: unknown field '%s'\n", argv[i]);
                return 2;
            }
            o.predictor = f;
        } else if (!strcmp(a, "--window") || !strcmp(a, "--churn-gap") || !strcmp(a, "--level")) {
            double x = strtod(argv[++i], &end);
            if (!end || *end) {
                fprintf(stderr, "cxkit effects: %s: not a number: '%s'\n", a, argv[i]);
                return 2;
            }
            if (!strcmp(a, "--window"))
                o.window_days = x;
            else if (!strcmp(a, "--churn-gap"))
                o.churn_gap_days = x;
            else
                o.conf_level = x;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cxkit effects: unknown option '%s'\n", a);
            return 2;
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "cxkit effects: more than one FILE\n");
            return 2;
        }
    }
    analysis_fn fns[2] = {NULL, NULL};
    size_t max_rows = 1000;
    if (!strcmp(verb, "recovery"))
        fns[0] = cx_effects_recovery;
    else if (!strcmp(verb, "touchpoints"))
        fns[0] = cx_effects_touchpoints;
    else if (!strcmp(verb, "spend"))
        fns[0] = cx_effects_spend;
    else if (!strcmp(verb, "retention")) {
        fns[0] = cx_effects_retention;
        fns[1] = cx_effects_zones;
    } else if (!strcmp(verb, "churn")) {
        fns[0] = cx_effects_churn;
        fns[1] = cx_effects_churn_curves;
    } else if (strcmp(verb, "outcomes") != 0) {
        fprintf(stderr, "cxkit effects: unknown verb '%s'\n\n", verb);
        usage(stderr);
        return 2;
    }
    if (!file) {
        fprintf(stderr, "cxkit effects %s: FILE missing\n", verb);
        return 2;
    }
    cx_csv_options co;
    cx_csv_options_init(&co, CX_CSV_OPTIONS_VERSION);
    co.columns = columns;
    cx_log *log = NULL;
    cx_txlog *tx = NULL;
    int rc = 0;
    if (cx_log_new(&log) || cx_log_read_csv(log, file, &co)) {
        rc = fail(file);
        goto done;
    }
    if (txfile && (cx_txlog_new(&tx) || cx_txlog_read_csv(tx, txfile, &co))) {
        rc = fail(txfile);
        goto done;
    }
    cx_effect_table *t[2] = {NULL, NULL};
    if (!fns[0]) {
        if (cx_effects_outcomes(&t[0], log, tx, &o, o.predictor, NULL)) {
            rc = fail(verb);
            goto done;
        }
    } else {
        for (int k = 0; k < 2 && fns[k]; k++)
            if (fns[k](&t[k], log, tx, &o)) {
                rc = fail(verb);
                cx_effect_table_free(t[0]);
                goto done;
            }
    }
    if (json) {
        fputs(t[1] ? "[" : "", stdout);
        for (int k = 0; k < 2 && t[k]; k++) {
            fputs(k ? ",\n" : "", stdout);
            print_json(stdout, t[k]);
        }
        fputs(t[1] ? "]\n" : "\n", stdout);
    } else {
        for (int k = 0; k < 2 && t[k]; k++) {
            if (k)
                fputc('\n', stdout);
            /* survival curves are long: the text view shows the notes and the first steps */
            print_text(stdout, t[k], fns[0] == cx_effects_churn && k == 1 ? 12 : max_rows);
        }
    }
    cx_effect_table_free(t[0]);
    cx_effect_table_free(t[1]);
done:
    cx_log_free(log);
    cx_txlog_free(tx);
    return rc;
}
