/* Named numeric columns of a CSV file; see util_columns.h. */
#include "util_columns.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct reader {
    const char *p, *end;
    long line;
} reader;

/* Next field into a malloc'd buffer (grown as needed); returns 1 at end of record, 0 when more
 * fields follow, -1 at end of input before any character, -2 for an unterminated quote. */
static int next_field(reader *r, char **buf, size_t *cap, size_t *len)
{
    *len = 0;
    if (r->p >= r->end)
        return -1;
    int quoted = r->p < r->end && *r->p == '"';
    if (quoted)
        r->p++;
    for (;;) {
        if (r->p >= r->end) {
            if (quoted)
                return -2;
            break;
        }
        char c = *r->p;
        if (quoted) {
            if (c == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    r->p++;
                } else {
                    quoted = 0;
                    r->p++;
                    continue;
                }
            } else if (c == '\n') {
                r->line++;
            }
        } else if (c == ',' || c == '\n' || c == '\r') {
            break;
        }
        if (*len + 2 > *cap) {
            size_t nc = *cap ? 2 * *cap : 64;
            char *nb = realloc(*buf, nc);
            if (!nb)
                return -3;
            *buf = nb;
            *cap = nc;
        }
        (*buf)[(*len)++] = c;
        r->p++;
    }
    if (*cap == 0) {
        *buf = malloc(64);
        if (!*buf)
            return -3;
        *cap = 64;
    }
    (*buf)[*len] = '\0';
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        return 0;
    }
    if (r->p < r->end && *r->p == '\r')
        r->p++;
    if (r->p < r->end && *r->p == '\n')
        r->p++;
    r->line++;
    return 1;
}

static int parse_cell(const char *s, double *out)
{
    while (*s == ' ')
        s++;
    if (!*s || strcasecmp(s, "na") == 0 || strcasecmp(s, "nan") == 0) {
        *out = NAN;
        return 0;
    }
    if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0) {
        *out = 0;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cxu_read_columns(const char *prog, const char *path, const char *const *names, size_t k,
                     double **cols, size_t *nrows)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", prog, path, strerror(errno));
        return 1;
    }
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    for (size_t got; data && (got = fread(data + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) {
            char *nd = realloc(data, cap *= 2);
            if (!nd) {
                free(data);
                data = NULL;
            }
            data = nd;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: %s: out of memory\n", prog, path);
        return 1;
    }
    reader r = {data, data + len, 1};
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    char *buf = NULL;
    size_t bcap = 0, blen = 0, ncol = 0, rows = 0, rcap = 1024;
    long *where = malloc(k * sizeof *where); /* column index of each name */
    double **out = calloc(k, sizeof *out);
    int rc = 1, st;
    if (!where || !out)
        goto oom;
    for (size_t j = 0; j < k; j++)
        where[j] = -1;
    do { /* header */
        st = next_field(&r, &buf, &bcap, &blen);
        if (st == -3)
            goto oom;
        if (st < 0)
            break;
        for (size_t j = 0; j < k; j++)
            if (where[j] < 0 && strcmp(buf, names[j]) == 0)
                where[j] = (long)ncol;
        ncol++;
    } while (st == 0);
    for (size_t j = 0; j < k; j++)
        if (where[j] < 0) {
            fprintf(stderr, "%s: %s:1: no column named '%s'\n", prog, path, names[j]);
            goto done;
        }
    for (size_t j = 0; j < k; j++)
        if (!(out[j] = malloc(rcap * sizeof **out)))
            goto oom;
    while (r.p < r.end) {
        long line = r.line;
        if (rows == rcap) {
            rcap *= 2;
            for (size_t j = 0; j < k; j++) {
                double *nd = realloc(out[j], rcap * sizeof **out);
                if (!nd)
                    goto oom;
                out[j] = nd;
            }
        }
        for (size_t j = 0; j < k; j++)
            out[j][rows] = NAN;
        size_t c = 0;
        do {
            st = next_field(&r, &buf, &bcap, &blen);
            if (st == -3)
                goto oom;
            if (st == -2) {
                fprintf(stderr, "%s: %s:%ld: unterminated quoted field\n", prog, path, line);
                goto done;
            }
            if (st < 0)
                break;
            for (size_t j = 0; j < k; j++)
                if ((long)c == where[j] && parse_cell(buf, &out[j][rows]) != 0) {
                    fprintf(stderr, "%s: %s:%ld:%zu: '%s' in column '%s' is not a number\n", prog,
                            path, line, c + 1, buf, names[j]);
                    goto done;
                }
            c++;
        } while (st == 0);
        if (c == 1 && blen == 0) /* blank line */
            continue;
        rows++;
    }
    for (size_t j = 0; j < k; j++)
        cols[j] = out[j];
    *nrows = rows;
    free(out);
    out = NULL;
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "%s: %s: out of memory\n", prog, path);
done:
    if (out)
        for (size_t j = 0; j < k; j++)
            free(out[j]);
    free(out);
    free(where);
    free(buf);
    free(data);
    return rc;
}

int cxu_split_list(char *s, char **items, int max)
{
    int n = 0;
    for (char *tok = s;; n++) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        if (!*tok || n >= max)
            return -1;
        items[n] = tok;
        if (!comma)
            return n + 1;
        tok = comma + 1;
    }
}
