/* Writing a result to a directory: series.csv, interactions.csv, transactions.csv. Everything is
 * written under temporary names first and renamed only when all files are complete, so a failure
 * leaves no partial output behind. */
#include "sim_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static cx_status write_series(const cx_sim_result *res, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return cx__error_at(CX_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
    fputs("period,time", f);
    for (int s = 0; s < CX_SIM_SERIES_COUNT; s++)
        fprintf(f, ",%s", cx_sim_series_name(s));
    fputc('\n', f);
    for (size_t t = 0; t < res->periods; t++) {
        fprintf(f, "%zu,%.0f", t, res->start_time + (double)t * res->period_seconds);
        for (int s = 0; s < CX_SIM_SERIES_COUNT; s++) {
            double v = res->series[(size_t)s * res->periods + t];
            if (v != v)
                fputc(',', f);
            else
                fprintf(f, ",%.10g", v);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return cx__error_at(CX_EIO, path, 0, 0, "write failed");
    return CX_OK;
}

#define NFILES 3

cx_status cx_sim_result_write(const cx_sim_result *res, const char *dir)
{
    CX_CHECK_ARG(res != NULL);
    CX_CHECK_ARG(dir != NULL && dir[0] != '\0');
    static const char *const names[NFILES] = {"series.csv", "interactions.csv", "transactions.csv"};
    char final[NFILES][4096], tmp[NFILES][4096];
    for (int i = 0; i < NFILES; i++) {
        int a = snprintf(final[i], sizeof final[i], "%s/%s", dir, names[i]);
        int b = snprintf(tmp[i], sizeof tmp[i], "%s/.%s.partial", dir, names[i]);
        if (a < 0 || b < 0 || (size_t)b >= sizeof tmp[i])
            return cx__error_param(CX_EINVAL, "dir", "output directory path is too long");
    }
    int want[NFILES] = {1, res->n_recs > 0, res->n_txs > 0};
    cx_status st = write_series(res, tmp[0]);
    if (st == CX_OK)
        st = cx__sim_write_logs(res, want[1] ? tmp[1] : NULL, want[2] ? tmp[2] : NULL);
    int renamed = 0;
    for (; st == CX_OK && renamed < NFILES; renamed++)
        if (want[renamed] && rename(tmp[renamed], final[renamed]) != 0) {
            st = cx__error_at(CX_EIO, final[renamed], 0, 0, "cannot rename into place: %s",
                              strerror(errno));
            break;
        }
    if (st != CX_OK)
        for (int i = 0; i < NFILES; i++) {
            remove(tmp[i]);
            if (i < renamed && want[i])
                remove(final[i]); /* all files or none */
        }
    return st;
}
