/*
 * Named numeric columns of any CSV file (RFC 4180: quoted fields, "" escapes, CRLF), for the
 * commands that take arbitrary column names (`cxkit drivers`, `cxkit scores --weights`).
 * Empty cells, NA and NaN read as NaN; yes/true and no/false as 1 and 0.
 */
#ifndef CX_TOOLS_UTIL_COLUMNS_H
#define CX_TOOLS_UTIL_COLUMNS_H

#include <stddef.h>

/* Read columns names[0..k) of `path` into cols[j] (malloc'd arrays of *nrows doubles; free
 * each with free()). On failure prints "PROG: FILE:LINE:COLUMN: message" to stderr, leaves
 * cols unset and returns 1 (bad input); 0 on success. */
int cxu_read_columns(const char *prog, const char *path, const char *const *names, size_t k,
                     double **cols, size_t *nrows);

/* Split a comma-separated list in place (modifies s): up to max items into items; returns the
 * count, or -1 when there are more than max items or an item is empty. */
int cxu_split_list(char *s, char **items, int max);

#endif /* CX_TOOLS_UTIL_COLUMNS_H */
