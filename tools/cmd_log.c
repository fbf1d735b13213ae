/* `cxkit log info|validate FILE`: what an interaction log holds, or whether it loads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands.h"
#include "util.h"

const char cx_cmd_log_summary[] = "interaction logs: info (summary), validate (check a CSV file)";

static const char prog[] = "cxkit log";

typedef struct log_args {
    int json, help;
    const char *columns, *delimiter;
} log_args;

static void usage(FILE *f, const cxu_opt *opts)
{
    fprintf(f,
            "usage: cxkit log info [options] FILE      rows, customers, employees, touchpoints,\n"
            "                                           channels, time span, missing values\n"
            "       cxkit log validate [options] FILE  check that FILE loads (exit 0 or 1)\n\n"
            "options:\n");
    cxu_print_options(f, opts);
    fprintf(f, "\nFILE is an interaction log in CSV (docs/csv.md); exit codes: 0 ok, 1 bad input,"
               " 2 usage.\n");
}

/* Count values of a string field by code; returns a calloc'd array of dict-size entries. */
static size_t *count_codes(const cx_log *log, int field, size_t *ncodes)
{
    size_t n = cx_log_rows(log), nd = 0;
    cx_log_dict_size(&nd, log, field);
    int64_t *codes = malloc((n ? n : 1) * sizeof *codes);
    size_t *counts = calloc(nd ? nd : 1, sizeof *counts);
    if (!codes || !counts) {
        free(codes);
        free(counts);
        return NULL;
    }
    cx_log_get_i64(codes, n, log, field);
    for (size_t i = 0; i < n; i++)
        if (codes[i] >= 0)
            counts[codes[i]]++;
    free(codes);
    *ncodes = nd;
    return counts;
}

static const size_t *sort_counts;
static int by_count_desc(const void *a, const void *b)
{
    size_t x = sort_counts[*(const size_t *)a], y = sort_counts[*(const size_t *)b];
    if (x != y)
        return x < y ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int print_info(const cx_log *log, const char *path, int json)
{
    size_t n = cx_log_rows(log);
    size_t customers = 0, employees = 0, teams = 0;
    cx_log_dict_size(&customers, log, CX_FIELD_CUSTOMER);
    cx_log_dict_size(&employees, log, CX_FIELD_EMPLOYEE);
    cx_log_dict_size(&teams, log, CX_FIELD_TEAM);
    /* time span */
    int64_t *t = malloc((n ? n : 1) * sizeof *t);
    int64_t *ch = malloc((n ? n : 1) * sizeof *ch);
    if (!t || !ch) {
        free(t);
        free(ch);
        fprintf(stderr, "%s: out of memory\n", prog);
        return CXU_EXIT_INPUT;
    }
    cx_log_get_i64(t, n, log, CX_FIELD_TIME);
    cx_log_get_i64(ch, n, log, CX_FIELD_CHANNEL);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t chan[CX_CHANNEL_OTHER + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        lo = t[i] < lo ? t[i] : lo;
        hi = t[i] > hi ? t[i] : hi;
        chan[ch[i]]++;
    }
    free(t);
    free(ch);
    char first[32] = "", last[32] = "";
    if (n) {
        if (cx_time_format(first, sizeof first, lo) != CX_OK)
            snprintf(first, sizeof first, "%lld", (long long)lo);
        if (cx_time_format(last, sizeof last, hi) != CX_OK)
            snprintf(last, sizeof last, "%lld", (long long)hi);
    }
    size_t ntp = 0;
    size_t *tp = count_codes(log, CX_FIELD_TOUCHPOINT, &ntp);
    size_t *order = malloc((ntp ? ntp : 1) * sizeof *order);
    if (!tp || !order) {
        free(tp);
        free(order);
        fprintf(stderr, "%s: out of memory\n", prog);
        return CXU_EXIT_INPUT;
    }
    for (size_t i = 0; i < ntp; i++)
        order[i] = i;
    sort_counts = tp;
    qsort(order, ntp, sizeof *order, by_count_desc);
    int nf = cx_field_count();
    if (json) {
        printf("{\"file\": ");
        cxu_json_string(stdout, path);
        printf(", \"rows\": %zu, \"customers\": %zu, \"employees\": %zu, \"teams\": %zu,\n", n,
               customers, employees, teams);
        printf(" \"time_first\": ");
        cxu_json_string(stdout, n ? first : NULL);
        printf(", \"time_last\": ");
        cxu_json_string(stdout, n ? last : NULL);
        printf(",\n \"touchpoints\": {");
        for (size_t i = 0; i < ntp; i++) {
            const char *s;
            cx_log_dict_get(&s, log, CX_FIELD_TOUCHPOINT, order[i]);
            printf("%s", i ? ", " : "");
            cxu_json_string(stdout, s);
            printf(": %zu", tp[order[i]]);
        }
        printf("},\n \"channels\": {");
        int firstc = 1;
        for (int c = 0; c <= CX_CHANNEL_OTHER; c++) {
            if (!chan[c])
                continue;
            printf("%s", firstc ? "" : ", ");
            cxu_json_string(stdout, c ? cx_channel_name(c) : "unknown");
            printf(": %zu", chan[c]);
            firstc = 0;
        }
        printf("},\n \"missing\": {");
        int firstm = 1;
        for (int f = 0; f < nf; f++) {
            size_t present = cx_log_count_present(log, f);
            if (!present)
                continue;
            printf("%s", firstm ? "" : ", ");
            cxu_json_string(stdout, cx_field_name(f));
            printf(": %zu", n - present);
            firstm = 0;
        }
        printf("},\n \"absent_fields\": [");
        firstm = 1;
        for (int f = 0; f < nf; f++) {
            if (cx_log_count_present(log, f))
                continue;
            printf("%s", firstm ? "" : ", ");
            cxu_json_string(stdout, cx_field_name(f));
            firstm = 0;
        }
        printf("]}\n");
    } else {
        printf("file         %s\n", path);
        printf("rows         %zu\n", n);
        printf("customers    %zu\n", customers);
        printf("employees    %zu\n", employees);
        printf("teams        %zu\n", teams);
        printf("time span    %s .. %s\n", n ? first : "-", n ? last : "-");
        printf("touchpoints  %zu\n", ntp);
        for (size_t i = 0; i < ntp; i++) {
            const char *s;
            cx_log_dict_get(&s, log, CX_FIELD_TOUCHPOINT, order[i]);
            printf("  %-24s %10zu\n", s, tp[order[i]]);
        }
        printf("channels\n");
        for (int c = 0; c <= CX_CHANNEL_OTHER; c++)
            if (chan[c])
                printf("  %-24s %10zu\n", c ? cx_channel_name(c) : "(unknown)", chan[c]);
        printf("missing values (fields present in some rows)\n");
        for (int f = 0; f < nf; f++) {
            size_t present = cx_log_count_present(log, f);
            if (present)
                printf("  %-24s %10zu  %5.1f%%\n", cx_field_name(f), n - present,
                       n ? 100.0 * (double)(n - present) / (double)n : 0.0);
        }
        printf("fields absent in every row:");
        for (int f = 0; f < nf; f++)
            if (!cx_log_count_present(log, f))
                printf(" %s", cx_field_name(f));
        printf("\n");
    }
    free(tp);
    free(order);
    return CXU_EXIT_OK;
}

int cx_cmd_log(int argc, char **argv)
{
    log_args a = {0};
    const cxu_opt opts[] = {
        {"json", CXU_FLAG, &a.json, NULL, "machine-readable output"},
        {"columns", CXU_STRING, &a.columns, "SPEC",
         "column names that differ from the field names: field=column,..."},
        {"delimiter", CXU_STRING, &a.delimiter, "C", "field delimiter (default ',')"},
        {NULL, CXU_FLAG, NULL, NULL, NULL},
    };
    if (argc < 2) {
        usage(stderr, opts);
        return CXU_EXIT_USAGE;
    }
    const char *verb = argv[1];
    if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
        usage(stdout, opts);
        return CXU_EXIT_OK;
    }
    int is_info = strcmp(verb, "info") == 0, is_validate = strcmp(verb, "validate") == 0;
    if (!is_info && !is_validate) {
        fprintf(stderr, "%s: unknown verb '%s'\n\n", prog, verb);
        usage(stderr, opts);
        return CXU_EXIT_USAGE;
    }
    const char *pos[1];
    int npos = 0;
    int rc = cxu_parse(argc, argv, 2, opts, pos, 1, &npos, &a.help, prog);
    if (rc)
        return rc;
    if (a.help) {
        usage(stdout, opts);
        return CXU_EXIT_OK;
    }
    if (npos != 1) {
        fprintf(stderr, "%s %s: a FILE is required\n", prog, verb);
        return CXU_EXIT_USAGE;
    }
    if (a.delimiter && strlen(a.delimiter) != 1) {
        fprintf(stderr, "%s: --delimiter must be one character\n", prog);
        return CXU_EXIT_USAGE;
    }
    cx_csv_options o;
    cx_csv_options_init(&o, CX_CSV_OPTIONS_VERSION);
    o.columns = a.columns;
    if (a.delimiter)
        o.delimiter = a.delimiter[0];
    cx_log *log = NULL;
    cx_status st = cx_log_new(&log);
    if (st == CX_OK)
        st = cx_log_read_csv(log, pos[0], &o);
    if (st != CX_OK) {
        if (a.json) {
            printf("{\"file\": ");
            cxu_json_string(stdout, pos[0]);
            printf(", \"valid\": false, \"error\": ");
            cxu_json_error(stdout, st);
            printf("}\n");
        }
        cx_log_free(log);
        /* a bad --columns spec is a usage error; everything else is bad input */
        int code = cxu_report(prog, st);
        return st == CX_EINVAL ? CXU_EXIT_USAGE : code;
    }
    if (is_validate) {
        if (a.json) {
            printf("{\"file\": ");
            cxu_json_string(stdout, pos[0]);
            printf(", \"valid\": true, \"rows\": %zu}\n", cx_log_rows(log));
        } else {
            printf("%s: ok, %zu rows\n", pos[0], cx_log_rows(log));
        }
        cx_log_free(log);
        return CXU_EXIT_OK;
    }
    rc = print_info(log, pos[0], a.json);
    cx_log_free(log);
    return rc;
}
