/* PLS model: builder API, lavaan-style parser, checks (cycles, empty blocks). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "pls_internal.h"

cx_status cx_pls_model_new(cx_pls_model **out)
{
    CX_CHECK_ARG(out != NULL);
    cx_pls_model *m = cx__calloc(1, sizeof *m);
    if (!m)
        return cx__enomem();
    *out = m;
    return CX_OK;
}

void cx_pls_model_free(cx_pls_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nc; i++)
        cx__free(m->cname[i]);
    for (size_t i = 0; i < m->ni; i++)
        cx__free(m->iname[i]);
    cx__free(m->cname);
    cx__free(m->mode);
    cx__free(m->iname);
    cx__free(m->iconstruct);
    cx__free(m->pfrom);
    cx__free(m->pto);
    cx__free(m);
}

static int valid_name(const char *s)
{
    if (!s || !*s || isdigit((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return 0;
    return 1;
}

size_t cx_pls_model_find_construct(const cx_pls_model *m, const char *name)
{
    if (!m || !name)
        return (size_t)-1;
    for (size_t i = 0; i < m->nc; i++)
        if (strcmp(m->cname[i], name) == 0)
            return i;
    return (size_t)-1;
}

static size_t find_indicator(const cx_pls_model *m, const char *name)
{
    for (size_t i = 0; i < m->ni; i++)
        if (strcmp(m->iname[i], name) == 0)
            return i;
    return (size_t)-1;
}

/* Grow an array of `size`-byte elements to hold at least need; *cap updated on success. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *q = cx__realloc_array(*p, nc, size);
    if (!q)
        return 0;
    *p = q;
    *cap = nc;
    return 2;
}

cx_status cx_pls_model_add_construct(cx_pls_model *m, const char *name, cx_pls_mode mode)
{
    CX_CHECK_ARG(m != NULL);
    if (!valid_name(name))
        return cx__error_param(CX_EINVAL, "name", "invalid construct name '%s'",
                               name ? name : "(null)");
    if (mode != CX_PLS_MODE_A && mode != CX_PLS_MODE_B)
        return cx__error_param(CX_EINVAL, "mode", "unknown mode %d", (int)mode);
    if (cx_pls_model_find_construct(m, name) != (size_t)-1)
        return cx__error_param(CX_EINVAL, name, "construct '%s' is already declared", name);
    if (find_indicator(m, name) != (size_t)-1)
        return cx__error_param(CX_EINVAL, name, "'%s' is already an indicator", name);
    char *copy = cx__strdup(name);
    if (!copy)
        return cx__enomem();
    size_t cap = m->cap_c, cap2 = m->cap_c;
    if (!grow((void **)&m->cname, &cap, m->nc + 1, sizeof(char *)) ||
        !grow((void **)&m->mode, &cap2, m->nc + 1, sizeof(cx_pls_mode))) {
        cx__free(copy); /* an array that did grow is merely larger than recorded */
        return cx__enomem();
    }
    m->cap_c = cap;
    m->cname[m->nc] = copy;
    m->mode[m->nc] = mode;
    m->nc++;
    return CX_OK;
}

cx_status cx_pls_model_add_indicator(cx_pls_model *m, const char *construct, const char *indicator)
{
    CX_CHECK_ARG(m != NULL);
    size_t c = cx_pls_model_find_construct(m, construct);
    if (c == (size_t)-1)
        return cx__error_param(CX_EINVAL, construct ? construct : "construct",
                               "unknown construct '%s'", construct ? construct : "(null)");
    if (!valid_name(indicator))
        return cx__error_param(CX_EINVAL, "indicator", "invalid indicator name '%s'",
                               indicator ? indicator : "(null)");
    size_t k = find_indicator(m, indicator);
    if (k != (size_t)-1)
        return cx__error_param(CX_EINVAL, indicator,
                               "indicator '%s' already measures construct '%s'", indicator,
                               m->cname[m->iconstruct[k]]);
    if (cx_pls_model_find_construct(m, indicator) != (size_t)-1)
        return cx__error_param(CX_EINVAL, indicator, "'%s' is a construct, not an indicator",
                               indicator);
    char *copy = cx__strdup(indicator);
    if (!copy)
        return cx__enomem();
    size_t cap = m->cap_i, cap2 = m->cap_i;
    if (!grow((void **)&m->iname, &cap, m->ni + 1, sizeof(char *)) ||
        !grow((void **)&m->iconstruct, &cap2, m->ni + 1, sizeof(size_t))) {
        cx__free(copy);
        return cx__enomem();
    }
    m->cap_i = cap;
    m->iname[m->ni] = copy;
    m->iconstruct[m->ni] = c;
    m->ni++;
    return CX_OK;
}

int cx_pls_model_has_path(const cx_pls_model *m, size_t from, size_t to)
{
    if (!m)
        return 0;
    for (size_t p = 0; p < m->np; p++)
        if (m->pfrom[p] == from && m->pto[p] == to)
            return 1;
    return 0;
}

/* Is `to` reachable from `from` along the paths? */
static int reaches(const cx_pls_model *m, size_t from, size_t to, unsigned char *seen)
{
    if (from == to)
        return 1;
    if (seen[from])
        return 0;
    seen[from] = 1;
    for (size_t p = 0; p < m->np; p++)
        if (m->pfrom[p] == from && reaches(m, m->pto[p], to, seen))
            return 1;
    return 0;
}

cx_status cx_pls_model_add_path(cx_pls_model *m, const char *from, const char *to)
{
    CX_CHECK_ARG(m != NULL);
    size_t a = cx_pls_model_find_construct(m, from), b = cx_pls_model_find_construct(m, to);
    if (a == (size_t)-1)
        return cx__error_param(CX_EINVAL, from ? from : "from", "unknown construct '%s'",
                               from ? from : "(null)");
    if (b == (size_t)-1)
        return cx__error_param(CX_EINVAL, to ? to : "to", "unknown construct '%s'",
                               to ? to : "(null)");
    if (a == b)
        return cx__error_param(CX_EINVAL, from, "path from '%s' to itself", from);
    if (cx_pls_model_has_path(m, a, b))
        return cx__error_param(CX_EINVAL, from, "duplicate path '%s' -> '%s'", from, to);
    unsigned char *seen = cx__calloc(m->nc, 1);
    if (!seen)
        return cx__enomem();
    int cyc = reaches(m, b, a, seen);
    cx__free(seen);
    if (cyc)
        return cx__error_param(CX_EINVAL, from,
                               "path '%s' -> '%s' closes a cycle in the inner model through '%s'",
                               from, to, to);
    size_t cap = m->cap_p, cap2 = m->cap_p;
    if (!grow((void **)&m->pfrom, &cap, m->np + 1, sizeof(size_t)) ||
        !grow((void **)&m->pto, &cap2, m->np + 1, sizeof(size_t)))
        return cx__enomem();
    m->cap_p = cap;
    m->pfrom[m->np] = a;
    m->pto[m->np] = b;
    m->np++;
    return CX_OK;
}

size_t cx_pls_model_n_constructs(const cx_pls_model *m)
{
    return m ? m->nc : 0;
}

size_t cx_pls_model_n_indicators(const cx_pls_model *m)
{
    return m ? m->ni : 0;
}

const char *cx_pls_model_construct_name(const cx_pls_model *m, size_t i)
{
    return m && i < m->nc ? m->cname[i] : NULL;
}

const char *cx_pls_model_indicator_name(const cx_pls_model *m, size_t k)
{
    return m && k < m->ni ? m->iname[k] : NULL;
}

size_t cx_pls_model_indicator_construct(const cx_pls_model *m, size_t k)
{
    return m && k < m->ni ? m->iconstruct[k] : (size_t)-1;
}

cx_pls_mode cx_pls_model_construct_mode(const cx_pls_model *m, size_t i)
{
    return m && i < m->nc ? m->mode[i] : CX_PLS_MODE_A;
}

cx_status cx__pls_model_dup(cx_pls_model **out, const cx_pls_model *m)
{
    cx_pls_model *d = NULL;
    cx_status st = cx_pls_model_new(&d);
    for (size_t i = 0; st == CX_OK && i < m->nc; i++)
        st = cx_pls_model_add_construct(d, m->cname[i], m->mode[i]);
    for (size_t k = 0; st == CX_OK && k < m->ni; k++)
        st = cx_pls_model_add_indicator(d, m->cname[m->iconstruct[k]], m->iname[k]);
    for (size_t p = 0; st == CX_OK && p < m->np; p++)
        st = cx_pls_model_add_path(d, m->cname[m->pfrom[p]], m->cname[m->pto[p]]);
    if (st != CX_OK) {
        cx_pls_model_free(d);
        return st;
    }
    *out = d;
    return CX_OK;
}

/* Ready for estimation: at least one construct, every construct has indicators and a path. */
cx_status cx__pls_model_check(const cx_pls_model *m)
{
    if (m->nc == 0)
        return cx__error_param(CX_EINVAL, "model", "the model has no constructs");
    for (size_t c = 0; c < m->nc; c++) {
        size_t nk = 0, np = 0;
        for (size_t k = 0; k < m->ni; k++)
            nk += m->iconstruct[k] == c;
        for (size_t p = 0; p < m->np; p++)
            np += m->pfrom[p] == c || m->pto[p] == c;
        if (nk == 0)
            return cx__error_param(CX_EINVAL, m->cname[c], "construct '%s' has no indicators",
                                   m->cname[c]);
        if (np == 0)
            return cx__error_param(CX_EINVAL, m->cname[c],
                                   "construct '%s' is in no structural path", m->cname[c]);
    }
    return CX_OK;
}

unsigned char *cx__pls_model_adjacency(const cx_pls_model *m)
{
    unsigned char *a = cx__calloc(m->nc * m->nc + 1, 1);
    if (!a)
        return NULL;
    for (size_t p = 0; p < m->np; p++)
        a[m->pfrom[p] * m->nc + m->pto[p]] = 1;
    return a;
}

/* ---------------------------------------------------------------- parser */

typedef struct {
    char name[128];
    long line, col;
} tok_name;

typedef struct {
    int op; /* 0 =~, 1 <~, 2 ~ */
    tok_name lhs;
    tok_name *rhs;
    size_t nrhs, cap;
} stmt;

typedef struct {
    const char *s, *src;
    size_t pos;
    long line, col;
} lexer;

static void skip_space(lexer *lx, int cross_newline)
{
    for (;;) {
        char c = lx->s[lx->pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
            lx->col++;
        } else if (c == '#') {
            while (lx->s[lx->pos] && lx->s[lx->pos] != '\n') {
                lx->pos++;
                lx->col++;
            }
        } else if (c == '\n' && cross_newline) {
            lx->pos++;
            lx->line++;
            lx->col = 1;
        } else {
            return;
        }
    }
}

static cx_status read_name(lexer *lx, tok_name *t)
{
    t->line = lx->line;
    t->col = lx->col;
    const char *p = lx->s + lx->pos;
    size_t len = 0;
    if (!(isalpha((unsigned char)p[0]) || p[0] == '_' || p[0] == '.')) {
        if (!p[0] || p[0] == '\n' || p[0] == ';')
            return cx__error_at(CX_EPARSE, lx->src, lx->line, lx->col,
                                "expected a name before the end of the statement");
        return cx__error_at(CX_EPARSE, lx->src, lx->line, lx->col, "expected a name, found '%c'",
                            p[0]);
    }
    while (isalnum((unsigned char)p[len]) || p[len] == '_' || p[len] == '.')
        len++;
    if (len >= sizeof t->name)
        return cx__error_at(CX_EPARSE, lx->src, lx->line, lx->col, "name too long");
    memcpy(t->name, p, len);
    t->name[len] = 0;
    lx->pos += len;
    lx->col += (long)len;
    return CX_OK;
}

static void free_stmts(stmt *st, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cx__free(st[i].rhs);
    cx__free(st);
}

/* Parse all statements into an array. */
static cx_status parse_stmts(stmt **out, size_t *nout, lexer *lx)
{
    stmt *sts = NULL;
    size_t n = 0, cap = 0;
    cx_status rc = CX_OK;
    for (;;) {
        skip_space(lx, 1);
        while (lx->s[lx->pos] == ';') {
            lx->pos++;
            lx->col++;
            skip_space(lx, 1);
        }
        if (!lx->s[lx->pos])
            break;
        if (!grow((void **)&sts, &cap, n + 1, sizeof *sts)) {
            rc = cx__enomem();
            break;
        }
        stmt *st = &sts[n];
        memset(st, 0, sizeof *st);
        n++;
        if ((rc = read_name(lx, &st->lhs)) != CX_OK)
            break;
        skip_space(lx, 0);
        const char *p = lx->s + lx->pos;
        if (p[0] == '=' && p[1] == '~')
            st->op = 0;
        else if (p[0] == '<' && p[1] == '~')
            st->op = 1;
        else if (p[0] == '~')
            st->op = 2;
        else {
            rc = cx__error_at(CX_EPARSE, lx->src, lx->line, lx->col,
                              "expected '=~', '<~' or '~' after '%s'", st->lhs.name);
            break;
        }
        lx->pos += st->op == 2 ? 1 : 2;
        lx->col += st->op == 2 ? 1 : 2;
        for (;;) {
            skip_space(lx, 0);
            if (!grow((void **)&st->rhs, &st->cap, st->nrhs + 1, sizeof *st->rhs)) {
                rc = cx__enomem();
                break;
            }
            if ((rc = read_name(lx, &st->rhs[st->nrhs])) != CX_OK)
                break;
            st->nrhs++;
            skip_space(lx, 0);
            char c = lx->s[lx->pos];
            if (c == '+') {
                lx->pos++;
                lx->col++;
                skip_space(lx, 1); /* a trailing '+' continues on the next line */
                continue;
            }
            if (c == '\n' || c == ';' || c == 0)
                break;
            rc = cx__error_at(CX_EPARSE, lx->src, lx->line, lx->col,
                              "expected '+', ';' or the end of the line, found '%c'", c);
            break;
        }
        if (rc != CX_OK)
            break;
    }
    if (rc != CX_OK) {
        free_stmts(sts, n);
        return rc;
    }
    *out = sts;
    *nout = n;
    return CX_OK;
}

/* Re-raise a builder error at a source position, keeping its message. */
static cx_status at(const lexer *lx, const tok_name *t, cx_status st)
{
    if (st == CX_ENOMEM)
        return st;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", cx_error_last()->message);
    return cx__error_at(CX_EPARSE, lx->src, t->line, t->col, "%s", msg);
}

cx_status cx_pls_model_parse(cx_pls_model **out, const char *syntax, const char *source_name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(syntax != NULL);
    lexer lx = {syntax, source_name, 0, 1, 1};
    stmt *sts = NULL;
    size_t n = 0;
    cx_status rc = parse_stmts(&sts, &n, &lx);
    if (rc != CX_OK)
        return rc;
    cx_pls_model *m = NULL;
    if ((rc = cx_pls_model_new(&m)) != CX_OK) {
        free_stmts(sts, n);
        return rc;
    }
    /* measurement statements first, so paths may mention constructs declared later */
    for (size_t i = 0; rc == CX_OK && i < n; i++) {
        if (sts[i].op == 2)
            continue;
        rc = cx_pls_model_add_construct(m, sts[i].lhs.name,
                                        sts[i].op == 0 ? CX_PLS_MODE_A : CX_PLS_MODE_B);
        if (rc != CX_OK) {
            rc = at(&lx, &sts[i].lhs, rc);
            break;
        }
        for (size_t j = 0; rc == CX_OK && j < sts[i].nrhs; j++)
            if ((rc = cx_pls_model_add_indicator(m, sts[i].lhs.name, sts[i].rhs[j].name)) != CX_OK)
                rc = at(&lx, &sts[i].rhs[j], rc);
    }
    for (size_t i = 0; rc == CX_OK && i < n; i++) {
        if (sts[i].op != 2)
            continue;
        const tok_name *names[1] = {&sts[i].lhs};
        for (size_t j = 0; rc == CX_OK && j <= sts[i].nrhs; j++) {
            const tok_name *t = j == 0 ? names[0] : &sts[i].rhs[j - 1];
            if (cx_pls_model_find_construct(m, t->name) == (size_t)-1)
                rc = cx__error_at(CX_EPARSE, lx.src, t->line, t->col,
                                  find_indicator(m, t->name) != (size_t)-1
                                      ? "'%s' is an indicator, not a construct"
                                      : "construct '%s' has no indicators (declare it with =~ "
                                        "or <~)",
                                  t->name);
        }
        for (size_t j = 0; rc == CX_OK && j < sts[i].nrhs; j++)
            if ((rc = cx_pls_model_add_path(m, sts[i].rhs[j].name, sts[i].lhs.name)) != CX_OK)
                rc = at(&lx, &sts[i].rhs[j], rc);
    }
    free_stmts(sts, n);
    if (rc == CX_OK && m->nc == 0)
        rc = cx__error_at(CX_EPARSE, lx.src, lx.line, lx.col, "the model declares no construct");
    if (rc != CX_OK) {
        cx_pls_model_free(m);
        return rc;
    }
    *out = m;
    return CX_OK;
}
