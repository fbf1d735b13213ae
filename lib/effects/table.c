/* The result table of the log-level analyses: named text or numeric columns, a title and
 * notes. Built row by row by the analyses (table.h); read through the public getters. */
#include <cxkit/effects.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

struct cx_effect_table {
    size_t ncols, rows, cap;
    char **names;
    int *is_text;
    void **cols; /* double * or char ** per column */
    char *title, *notes;
    size_t notes_len;
};

void cx_effect_table_free(cx_effect_table *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->is_text && t->is_text[c] && t->cols && t->cols[c]) {
            char **s = t->cols[c];
            for (size_t r = 0; r < t->rows; r++)
                cx__free(s[r]);
        }
        if (t->cols)
            cx__free(t->cols[c]);
        if (t->names)
            cx__free(t->names[c]);
    }
    cx__free(t->cols);
    cx__free(t->names);
    cx__free(t->is_text);
    cx__free(t->title);
    cx__free(t->notes);
    cx__free(t);
}

cx_status cx__table_new(cx_effect_table **out, const char *title, const char *spec)
{
    cx_effect_table *t = cx__calloc(1, sizeof *t);
    if (!t)
        return cx__enomem();
    size_t n = 1;
    for (const char *p = spec; *p; p++)
        n += *p == ',';
    t->ncols = n;
    t->names = cx__calloc(n, sizeof(char *));
    t->is_text = cx__calloc(n, sizeof(int));
    t->cols = cx__calloc(n, sizeof(void *));
    t->title = cx__strdup(title);
    t->notes = cx__strdup("");
    if (!t->names || !t->is_text || !t->cols || !t->title || !t->notes)
        goto oom;
    const char *p = spec;
    for (size_t c = 0; c < n; c++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        /* a leading '$' marks a text column */
        int text = len > 0 && *p == '$';
        t->is_text[c] = text;
        t->names[c] = cx__malloc(len + 1);
        if (!t->names[c])
            goto oom;
        memcpy(t->names[c], p + text, len - (size_t)text);
        t->names[c][len - (size_t)text] = 0;
        p = e ? e + 1 : p + len;
    }
    *out = t;
    return CX_OK;
oom:
    cx_effect_table_free(t);
    return cx__enomem();
}

cx_status cx__table_add(cx_effect_table *t, const char *const *texts, const double *nums)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        for (size_t c = 0; c < t->ncols; c++) {
            void *nb =
                cx__realloc_array(t->cols[c], cap, t->is_text[c] ? sizeof(char *) : sizeof(double));
            if (!nb)
                return cx__enomem();
            t->cols[c] = nb;
        }
        t->cap = cap;
    }
    size_t r = t->rows, it = 0, in = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->is_text[c]) {
            char *s = cx__strdup(texts[it++]);
            if (!s) {
                for (size_t k = 0; k < c; k++)
                    if (t->is_text[k])
                        cx__free(((char **)t->cols[k])[r]);
                return cx__enomem();
            }
            ((char **)t->cols[c])[r] = s;
        } else {
            ((double *)t->cols[c])[r] = nums[in++];
        }
    }
    t->rows++;
    return CX_OK;
}

cx_status cx__table_note(cx_effect_table *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0)
        return cx__error(CX_EINVAL, "bad note format");
    size_t add = strlen(buf);
    char *nb = cx__realloc(t->notes, t->notes_len + add + 2);
    if (!nb)
        return cx__enomem();
    memcpy(nb + t->notes_len, buf, add);
    nb[t->notes_len + add] = '\n';
    nb[t->notes_len + add + 1] = 0;
    t->notes = nb;
    t->notes_len += add + 1;
    return CX_OK;
}

size_t cx_effect_table_rows(const cx_effect_table *t)
{
    return t ? t->rows : 0;
}

size_t cx_effect_table_cols(const cx_effect_table *t)
{
    return t ? t->ncols : 0;
}

const char *cx_effect_table_col_name(const cx_effect_table *t, size_t col)
{
    return t && col < t->ncols ? t->names[col] : NULL;
}

int cx_effect_table_col_is_text(const cx_effect_table *t, size_t col)
{
    return t && col < t->ncols ? t->is_text[col] : -1;
}

cx_status cx_effect_table_find(size_t *col, const cx_effect_table *t, const char *name)
{
    CX_CHECK_ARG(col != NULL);
    CX_CHECK_ARG(t != NULL);
    CX_CHECK_ARG(name != NULL);
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0) {
            *col = c;
            return CX_OK;
        }
    return cx__error_param(CX_ERANGE, "name", "no column named '%s'", name);
}

static cx_status cell_check(const cx_effect_table *t, size_t row, size_t col, int text)
{
    CX_CHECK_ARG(t != NULL);
    if (col >= t->ncols)
        return cx__error_param(CX_ERANGE, "col", "column %zu of %zu", col, t->ncols);
    if (row >= t->rows)
        return cx__error_param(CX_ERANGE, "row", "row %zu of %zu", row, t->rows);
    if (t->is_text[col] != text)
        return cx__error_param(CX_EINVAL, "col", "column '%s' holds %s", t->names[col],
                               t->is_text[col] ? "text" : "numbers");
    return CX_OK;
}

cx_status cx_effect_table_value(double *out, const cx_effect_table *t, size_t row, size_t col)
{
    CX_CHECK_ARG(out != NULL);
    cx_status st = cell_check(t, row, col, 0);
    if (st)
        return st;
    *out = ((double *)t->cols[col])[row];
    return CX_OK;
}

cx_status cx_effect_table_text(const char **text, const cx_effect_table *t, size_t row, size_t col)
{
    CX_CHECK_ARG(text != NULL);
    cx_status st = cell_check(t, row, col, 1);
    if (st)
        return st;
    *text = ((char **)t->cols[col])[row];
    return CX_OK;
}

cx_status cx_effect_table_column(double *out, size_t n, const cx_effect_table *t, size_t col)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(t != NULL);
    if (n != t->rows)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but the table has %zu rows", n, t->rows);
    if (col >= t->ncols || t->is_text[col])
        return cx__error_param(CX_EINVAL, "col", "column %zu is not numeric", col);
    if (n)
        memcpy(out, t->cols[col], n * sizeof(double));
    return CX_OK;
}

const char *cx_effect_table_title(const cx_effect_table *t)
{
    return t && t->title ? t->title : "";
}

const char *cx_effect_table_notes(const cx_effect_table *t)
{
    return t && t->notes ? t->notes : "";
}
