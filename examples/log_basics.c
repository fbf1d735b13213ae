/* The interaction log in C: read the sample CSV, sort, walk one customer's journey, and keep
 * the phone and chat contacts of 2024.
 *
 *   build/examples/ex_log_basics [examples/data/interactions.csv]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cxkit/cxkit.h>

static int fail(const char *what)
{
    const cx_error *e = cx_error_last();
    fprintf(stderr, "%s: %s:%ld:%ld: %s\n", what, e->file, e->line, e->column, e->message);
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/data/interactions.csv";
    cx_log *log = NULL;
    if (cx_log_new(&log) != CX_OK || cx_log_read_csv(log, path, NULL) != CX_OK)
        return fail("read");
    size_t n = cx_log_rows(log), customers = 0;
    cx_log_dict_size(&customers, log, CX_FIELD_CUSTOMER);
    printf("%zu interactions of %zu customers\n", n, customers);

    /* Sorting groups each customer's contacts in time order; journeys are then row ranges. */
    if (cx_log_sort(log) != CX_OK)
        return fail("sort");
    const char *who = "C0000042";
    size_t begin, end;
    if (cx_log_journey(&begin, &end, log, who) != CX_OK)
        return fail("journey");
    /* Columns are read once; codes index the dictionaries. */
    int64_t *time = malloc(n * sizeof *time), *tp = malloc(n * sizeof *tp);
    double *csat = malloc(n * sizeof *csat), *problem = malloc(n * sizeof *problem);
    if (!time || !tp || !csat || !problem)
        return 1;
    cx_log_get_i64(time, n, log, CX_FIELD_TIME);
    cx_log_get_i64(tp, n, log, CX_FIELD_TOUCHPOINT);
    cx_log_get_f64(csat, n, log, CX_FIELD_CSAT);
    cx_log_get_f64(problem, n, log, CX_FIELD_PROBLEM);
    printf("journey of %s: %zu contacts\n", who, end - begin);
    for (size_t r = begin; r < end; r++) {
        char when[32];
        const char *where = "?";
        cx_time_format(when, sizeof when, time[r]);
        if (tp[r] >= 0)
            cx_log_dict_get(&where, log, CX_FIELD_TOUCHPOINT, (size_t)tp[r]);
        printf("  %s  %-16s problem=%-3s csat=", when, where,
               isnan(problem[r]) ? "?"
               : problem[r]      ? "yes"
                                 : "no");
        if (isnan(csat[r]))
            printf("-\n");
        else
            printf("%.0f\n", csat[r]);
    }

    /* Filter: phone and chat contacts in 2024, in their original order. */
    cx_log_filter f;
    cx_log_filter_init(&f, CX_LOG_FILTER_VERSION);
    f.channel_mask = (1u << CX_CHANNEL_PHONE) | (1u << CX_CHANNEL_CHAT);
    cx_time_parse(&f.time_from, "2024-01-01", 10);
    cx_time_parse(&f.time_to, "2025-01-01", 10);
    cx_log *sel = NULL;
    if (cx_log_select(&sel, log, &f) != CX_OK)
        return fail("select");
    const double *sel_csat = cx_log_column_f64(sel, CX_FIELD_CSAT);
    double sum = 0;
    size_t rated = 0;
    for (size_t r = 0; sel_csat && r < cx_log_rows(sel); r++)
        if (!isnan(sel_csat[r])) {
            sum += sel_csat[r];
            rated++;
        }
    printf("phone and chat in 2024: %zu contacts, %zu rated, mean CSAT %.2f\n", cx_log_rows(sel),
           rated, rated ? sum / (double)rated : NAN);
    free(time);
    free(tp);
    free(csat);
    free(problem);
    cx_log_free(sel);
    cx_log_free(log);
    return 0;
}
