/* Times cx_log_read_csv (and cx_txlog_read_csv with --tx) on a file: best of N runs, as MB/s
 * and rows/s, plus the process CPU time (robust when the machine is shared). With --write: reads
 * the file once, then times cx_log_write_csv_buffer (the CSV writer, in memory) instead. Output is
 * one line of key=value pairs for bench/csv/run to parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cxkit/cxkit.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(void)
{
    const cx_error *e = cx_error_last();
    fprintf(stderr, "%s:%ld:%ld: %s\n", e->file, e->line, e->column, e->message);
    return 1;
}

/* Best of `repeats` writes of the log read from path, into memory; MB are those written. */
static int bench_write(const char *path, int repeats)
{
    cx_log *log = NULL;
    if (cx_log_new(&log) != CX_OK || cx_log_read_csv(log, path, NULL) != CX_OK) {
        cx_log_free(log);
        return fail();
    }
    double best = 1e300, best_cpu = 1e300;
    size_t len = 0;
    for (int i = 0; i < (repeats > 0 ? repeats : 1); i++) {
        char *text = NULL;
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        cx_status st = cx_log_write_csv_buffer(&text, &len, log, NULL);
        double dt = clock_s(CLOCK_MONOTONIC) - t0;
        double dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        cx_free(text);
        if (st != CX_OK) {
            cx_log_free(log);
            return fail();
        }
        best = dt < best ? dt : best;
        best_cpu = dc < best_cpu ? dc : best_cpu;
    }
    size_t rows = cx_log_rows(log);
    cx_log_free(log);
    double mb = (double)len / 1e6;
    printf("seconds=%.4f cpu=%.4f rows=%zu mb=%.1f mb_per_s=%.1f rows_per_s=%.0f\n", best, best_cpu,
           rows, mb, mb / best, (double)rows / best);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_csv FILE [REPEATS] [--tx | --write]\n");
        return 2;
    }
    const char *path = argv[1];
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    int tx = argc > 3 && strcmp(argv[3], "--tx") == 0;
    int write = argc > 3 && strcmp(argv[3], "--write") == 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        return 1;
    }
    if (write)
        return bench_write(path, repeats);
    double best = 1e300, best_cpu = 1e300;
    size_t rows = 0;
    for (int i = 0; i < (repeats > 0 ? repeats : 1); i++) {
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        cx_status st;
        if (tx) {
            cx_txlog *t = NULL;
            st = cx_txlog_new(&t);
            if (st == CX_OK)
                st = cx_txlog_read_csv(t, path, NULL);
            rows = cx_txlog_rows(t);
            cx_txlog_free(t);
        } else {
            cx_log *log = NULL;
            st = cx_log_new(&log);
            if (st == CX_OK)
                st = cx_log_read_csv(log, path, NULL);
            rows = cx_log_rows(log);
            cx_log_free(log);
        }
        double dt = clock_s(CLOCK_MONOTONIC) - t0;
        double dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (st != CX_OK) {
            const cx_error *e = cx_error_last();
            fprintf(stderr, "%s:%ld:%ld: %s\n", e->file, e->line, e->column, e->message);
            return 1;
        }
        if (dt < best)
            best = dt;
        if (dc < best_cpu)
            best_cpu = dc;
    }
    double mb = (double)sb.st_size / 1e6;
    printf("seconds=%.4f cpu=%.4f rows=%zu mb=%.1f mb_per_s=%.1f rows_per_s=%.0f\n", best, best_cpu,
           rows, mb, mb / best, (double)rows / best);
    return 0;
}
