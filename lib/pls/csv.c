/*
 * A small numeric CSV reader for survey data (cx_pls_data_read_csv): header of names, numeric
 * fields, empty / NA = missing. Column-major accumulation so each column becomes one array.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pls_internal.h"

size_t cx_pls_data_n_columns(const cx_pls_data *d)
{
    return d ? d->ncol : 0;
}

const char *cx_pls_data_column_name(const cx_pls_data *d, size_t i)
{
    return d && i < d->ncol ? d->names[i] : NULL;
}

/* Split one line into fields in place (quotes removed); returns the count or (size_t)-1 on an
 * unterminated quote. */
static size_t split_fields(char *line, char **f, size_t max, size_t *bad_col)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *start = p, *w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) {
                    *bad_col = n + 1;
                    return (size_t)-1;
                }
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        char sep = *p;
        *w = 0;
        if (n < max)
            f[n] = start;
        n++;
        if (sep != ',')
            break;
        p++;
    }
    return n;
}

static void trim(char *s)
{
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = 0;
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    if (i)
        memmove(s, s + i, len - i + 1);
}

/* Read a whole line (any length) into *buf; returns 0 at EOF. */
static int read_line(FILE *fp, char **buf, size_t *cap, int *oom)
{
    size_t len = 0;
    int c;
    while ((c = fgetc(fp)) != EOF) {
        if (len + 2 > *cap) {
            size_t nc = *cap ? *cap * 2 : 4096;
            char *nb = cx__realloc(*buf, nc);
            if (!nb) {
                *oom = 1;
                return 0;
            }
            *buf = nb;
            *cap = nc;
        }
        if (c == '\n')
            break;
        (*buf)[len++] = (char)c;
    }
    if (c == EOF && len == 0)
        return 0;
    if (len && (*buf)[len - 1] == '\r')
        len--;
    (*buf)[len] = 0;
    return 1;
}

cx_status cx_pls_data_read_csv(cx_pls_data **out, const char *path)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(path != NULL);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return cx__error_at(CX_EIO, path, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    char *line = NULL, **f = NULL, **names = NULL;
    double **cols = NULL;
    size_t cap = 0, ncol = 0, nrow = 0, rcap = 0;
    long lineno = 0;
    int oom = 0;
    cx_status st = CX_OK;
    cx_pls_data *d = NULL;
    /* header */
    if (!read_line(fp, &line, &cap, &oom)) {
        st = oom ? cx__enomem() : cx__error_at(CX_EPARSE, path, 1, 0, "empty file");
        goto done;
    }
    lineno = 1;
    char *h = line;
    if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
        h += 3;
    size_t badc = 0;
    ncol = split_fields(h, NULL, 0, &badc);
    if (ncol == (size_t)-1) {
        st = cx__error_at(CX_EPARSE, path, 1, (long)badc, "unterminated quote");
        goto done;
    }
    f = cx__malloc_array(ncol, sizeof *f);
    names = cx__calloc(ncol, sizeof *names);
    cols = cx__calloc(ncol, sizeof *cols);
    if (!f || !names || !cols) {
        st = cx__enomem();
        goto done;
    }
    /* read the header again and keep the field pointers (the first pass only counted them and
     * may have rewritten quoted fields in place) */
    rewind(fp);
    read_line(fp, &line, &cap, &oom);
    h = line;
    if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
        h += 3;
    split_fields(h, f, ncol, &badc);
    for (size_t j = 0; j < ncol; j++) {
        trim(f[j]);
        if (!*f[j]) {
            st = cx__error_at(CX_EPARSE, path, 1, (long)j + 1, "empty column name");
            goto done;
        }
        for (size_t i = 0; i < j; i++)
            if (strcmp(names[i], f[j]) == 0) {
                st = cx__error_at(CX_EPARSE, path, 1, (long)j + 1, "duplicate column '%s'", f[j]);
                goto done;
            }
        if (!(names[j] = cx__strdup(f[j]))) {
            st = cx__enomem();
            goto done;
        }
    }
    while (read_line(fp, &line, &cap, &oom)) {
        lineno++;
        if (line[0] == 0)
            continue; /* blank line */
        size_t n = split_fields(line, f, ncol, &badc);
        if (n == (size_t)-1) {
            st = cx__error_at(CX_EPARSE, path, lineno, (long)badc, "unterminated quote");
            goto done;
        }
        if (n != ncol) {
            st = cx__error_at(CX_EPARSE, path, lineno, (long)(n < ncol ? n : ncol + 1),
                              "%zu fields, the header has %zu", n, ncol);
            goto done;
        }
        if (nrow == rcap) {
            size_t nc = rcap ? rcap * 2 : 256;
            for (size_t j = 0; j < ncol; j++) {
                double *c = cx__realloc_array(cols[j], nc, sizeof(double));
                if (!c) {
                    st = cx__enomem();
                    goto done;
                }
                cols[j] = c;
            }
            rcap = nc;
        }
        for (size_t j = 0; j < ncol; j++) {
            trim(f[j]);
            double v;
            if (!*f[j] || strcmp(f[j], "NA") == 0) {
                v = NAN;
            } else {
                char *end;
                errno = 0;
                v = strtod(f[j], &end);
                if (*end || errno == ERANGE) {
                    st = cx__error_at(CX_EPARSE, path, lineno, (long)j + 1,
                                      "column '%s': '%s' is not a number", names[j], f[j]);
                    goto done;
                }
            }
            cols[j][nrow] = v;
        }
        nrow++;
    }
    if (oom) {
        st = cx__enomem();
        goto done;
    }
    if (nrow == 0) {
        st = cx__error_at(CX_EPARSE, path, lineno + 1, 0, "no data rows");
        goto done;
    }
    if ((st = cx_pls_data_new(&d, nrow)) != CX_OK)
        goto done;
    for (size_t j = 0; j < ncol && st == CX_OK; j++)
        st = cx_pls_data_add_column(d, names[j], cols[j], nrow);
done:
    fclose(fp);
    if (names)
        for (size_t j = 0; j < ncol; j++)
            cx__free(names[j]);
    if (cols)
        for (size_t j = 0; j < ncol; j++)
            cx__free(cols[j]);
    cx__free(names);
    cx__free(cols);
    cx__free(f);
    cx__free(line);
    if (st != CX_OK) {
        cx_pls_data_free(d);
        return st;
    }
    *out = d;
    return CX_OK;
}
