/* Output for the CSV writers: a growing buffer, flushed in chunks to a temporary file beside
 * the target when writing to a path; the file replaces the target only when all went well
 * (atomic_file.h), so a failure never leaves a partial file. */
#ifndef CX_CSV_SINK_H
#define CX_CSV_SINK_H

#include "atomic_file.h"
#include "log_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct cx__sink {
    char *buf;
    size_t len, cap;
    FILE *file; /* NULL: accumulate in memory; else out.file */
    const char *path;
    cx__atomic_file out;
} cx__sink;

enum { CX__SINK_CHUNK = 1 << 20 };

CX_HIDDEN cx_status cx__sink_grow(cx__sink *s, size_t need);

static inline cx_status cx__sink_put(cx__sink *s, const char *p, size_t n)
{
    if (s->len + n > s->cap || (s->file && s->len + n > CX__SINK_CHUNK)) {
        cx_status st = cx__sink_grow(s, n);
        if (st != CX_OK)
            return st;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return CX_OK;
}

CX_HIDDEN cx_status cx__sink_open(cx__sink *s, const char *path);
/* Flush, close and rename into place (file) or hand the NUL-terminated buffer over (*out, *len
 * excluding the NUL). Passes `st` through; frees everything (and removes the temporary file) on
 * failure. */
CX_HIDDEN cx_status cx__sink_close(cx__sink *s, cx_status st, char **out, size_t *len);
/* A text cell, quoted when it holds the delimiter, a quote or a line break. */
CX_HIDDEN cx_status cx__sink_text(cx__sink *s, const char *text, size_t len, char delim);
CX_HIDDEN cx_status cx__sink_time(cx__sink *s, int64_t t, int epoch);
/* Nothing for NaN. */
CX_HIDDEN cx_status cx__sink_double(cx__sink *s, double x);

#endif /* CX_CSV_SINK_H */
