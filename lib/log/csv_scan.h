/*
 * The RFC 4180 tokenizer shared by the CSV readers: one pass over a buffer in memory, cells
 * returned as (pointer, length) into the buffer, or into a scratch buffer when a quoted cell
 * holds doubled quotes. Never allocates per cell (the scratch grows geometrically, rarely).
 * Static inline so that the readers' hot loops get it inlined.
 */
#ifndef CX_CSV_SCAN_H
#define CX_CSV_SCAN_H

#include "log_internal.h"

#include <string.h>

typedef struct cx__csv {
    const char *base, *p, *end; /* the buffer and the cursor */
    const char *name;           /* file name for messages */
    char delim;
    unsigned char special[256]; /* bytes that end an unquoted cell or are invalid in it */
    char *scratch;              /* unescaped quoted cells */
    size_t scratch_cap;
    long field; /* 1-based number of the current cell in its record */
    /* error detail: set by cx__csv_cell on failure */
    const char *err_at;
    const char *err_msg;
} cx__csv;

typedef struct cx__cell {
    const char *s; /* contents (not NUL-terminated) */
    size_t len;
    const char *start; /* where the cell begins in the buffer (for error positions) */
    int quoted;
} cx__cell;

enum { CX__CELL_MORE = 1, CX__CELL_LAST = 2, CX__CELL_ERROR = -1, CX__CELL_NOMEM = -2 };

/* Open a buffer: skips a UTF-8 byte-order mark. */
static inline void cx__csv_init(cx__csv *c, const char *data, size_t len, const char *name,
                                char delim)
{
    memset(c, 0, sizeof *c);
    c->base = data;
    c->p = data;
    c->end = data + len;
    c->name = name;
    c->delim = delim;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
    c->special[(unsigned char)delim] = 1;
    c->special['\n'] = c->special['\r'] = c->special['"'] = c->special[0] = 1;
}

static inline void cx__csv_release(cx__csv *c)
{
    cx__free(c->scratch);
    c->scratch = NULL;
}

/* 1-based line of a position (counts newlines; only used on the error path). */
static inline long cx__csv_line(const cx__csv *c, const char *at)
{
    long line = 1;
    for (const char *q = c->base; q < at; q++) {
        const char *nl = memchr(q, '\n', (size_t)(at - q));
        if (!nl)
            break;
        line++;
        q = nl;
    }
    return line;
}

static inline int cx__csv_fail(cx__csv *c, const char *at, const char *msg)
{
    c->err_at = at;
    c->err_msg = msg;
    return CX__CELL_ERROR;
}

/* After a cell's contents: consume the delimiter or the line break. */
static inline int cx__csv_after(cx__csv *c, const char *q)
{
    if (q == c->end) {
        c->p = q;
        return CX__CELL_LAST;
    }
    char ch = *q;
    if (ch == c->delim) {
        c->p = q + 1;
        c->field++;
        return CX__CELL_MORE;
    }
    if (ch == '\n') {
        c->p = q + 1;
        return CX__CELL_LAST;
    }
    if (ch == '\r') {
        if (q + 1 < c->end && q[1] == '\n') {
            c->p = q + 2;
            return CX__CELL_LAST;
        }
        return cx__csv_fail(c, q, "carriage return not followed by a line feed");
    }
    return CX__CELL_ERROR; /* caller sets the message */
}

/* Read the cell at the cursor. Call at the start of a record only when c->p < c->end. */
static inline int cx__csv_cell(cx__csv *c, cx__cell *cell)
{
    const char *q = c->p, *end = c->end;
    cell->start = q;
    if (q < end && *q == '"') {
        const char *open = q++;
        const char *seg = q;
        size_t out = 0;
        int escaped = 0;
        for (;;) {
            const char *quote = memchr(q, '"', (size_t)(end - q));
            if (!quote)
                return cx__csv_fail(c, open, "quoted field is not closed");
            if (quote + 1 < end && quote[1] == '"') {
                /* a doubled quote: copy what we have into the scratch, unescaped */
                size_t add = (size_t)(quote + 1 - seg);
                if (out + add > c->scratch_cap) {
                    size_t cap = c->scratch_cap ? c->scratch_cap : 256;
                    while (cap < out + add)
                        cap *= 2;
                    char *s = cx__realloc(c->scratch, cap);
                    if (!s)
                        return CX__CELL_NOMEM;
                    c->scratch = s;
                    c->scratch_cap = cap;
                }
                memcpy(c->scratch + out, seg, add);
                out += add;
                escaped = 1;
                q = seg = quote + 2;
                continue;
            }
            if (escaped) {
                size_t add = (size_t)(quote - seg);
                if (out + add > c->scratch_cap) {
                    size_t cap = c->scratch_cap ? c->scratch_cap : 256;
                    while (cap < out + add)
                        cap *= 2;
                    char *s = cx__realloc(c->scratch, cap);
                    if (!s)
                        return CX__CELL_NOMEM;
                    c->scratch = s;
                    c->scratch_cap = cap;
                }
                memcpy(c->scratch + out, seg, add);
                out += add;
                cell->s = c->scratch;
                cell->len = out;
            } else {
                cell->s = open + 1;
                cell->len = (size_t)(quote - open - 1);
            }
            cell->quoted = 1;
            int r = cx__csv_after(c, quote + 1);
            if (r == CX__CELL_ERROR && !c->err_msg)
                return cx__csv_fail(c, quote + 1, "unexpected character after a closing quote");
            return r;
        }
    }
    const unsigned char *sp = c->special;
    while (q < end && !sp[(unsigned char)*q])
        q++;
    cell->s = c->p;
    cell->len = (size_t)(q - c->p);
    cell->quoted = 0;
    if (q < end && *q == '"')
        return cx__csv_fail(c, q, "quote inside an unquoted field");
    if (q < end && *q == '\0')
        return cx__csv_fail(c, q, "NUL byte in the input");
    return cx__csv_after(c, q);
}

/* At the start of a record: 1 if only line breaks remain (trailing blank lines), else 0. */
static inline int cx__csv_only_newlines_left(const cx__csv *c)
{
    for (const char *q = c->p; q < c->end; q++)
        if (*q != '\n' && *q != '\r')
            return 0;
    return 1;
}

/* Whether s[0..len) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static inline int cx__utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e) {
        unsigned char b = *p;
        if (b < 0x80) {
            p++;
            continue;
        }
        int n;
        uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) {
            n = 1;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 2;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 3;
            cp = b & 0x07;
        } else {
            return 0;
        }
        if (e - p <= n)
            return 0;
        for (int k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* Validates a string cell's bytes: no NUL, valid UTF-8. Returns a message or NULL. */
static inline const char *cx__csv_text_problem(const char *s, size_t len)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++)
        any |= (unsigned char)((unsigned char)s[i] >= 0x80 || s[i] == 0);
    if (!any)
        return NULL;
    if (memchr(s, 0, len))
        return "NUL byte in the input";
    return cx__utf8_valid(s, len) ? NULL : "invalid UTF-8";
}

#endif /* CX_CSV_SCAN_H */
