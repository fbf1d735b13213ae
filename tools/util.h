/*
 * Helpers shared by the cxkit command's areas (tools/cmd_*.c): option parsing, JSON output and
 * error reporting. Generic on purpose: nothing here knows about a particular area.
 *
 * Exit codes of every command: 0 success, 1 bad input (message on stderr naming file, line and
 * column), 2 usage.
 */
#ifndef CX_TOOLS_UTIL_H
#define CX_TOOLS_UTIL_H

#include <stdio.h>

#include <cxkit/errors.h>

enum { CXU_EXIT_OK = 0, CXU_EXIT_INPUT = 1, CXU_EXIT_USAGE = 2 };

/* ---- options (util_opts.c) ---- */

typedef enum cxu_opt_kind {
    CXU_FLAG,   /* --name            sets *(int *)value = 1 */
    CXU_STRING, /* --name VALUE      sets *(const char **)value (points into argv) */
    CXU_LONG,   /* --name N          sets *(long *)value, checked to be an integer */
    CXU_DOUBLE  /* --name X          sets *(double *)value, checked to be a finite number */
} cxu_opt_kind;

typedef struct cxu_opt {
    const char *name; /* long name without the dashes, e.g. "json" */
    cxu_opt_kind kind;
    void *value;
    const char *meta; /* placeholder in the help, e.g. "SPEC" (NULL for flags) */
    const char *help; /* one line */
} cxu_opt;

/* Parse argv[first..argc): options anywhere (--name VALUE, --name=VALUE), "--" ends them, the
 * rest are positionals stored in pos[0..*npos) (at most max_pos). Options in `opts` end with
 * an entry whose name is NULL. "-h"/"--help" sets *help (when help is not NULL). On a usage
 * error prints "PROG: message" to stderr and returns CXU_EXIT_USAGE; otherwise 0. */
int cxu_parse(int argc, char **argv, int first, const cxu_opt *opts, const char **pos, int max_pos,
              int *npos, int *help, const char *prog);

/* Print the options table (two columns) for a help text. */
void cxu_print_options(FILE *f, const cxu_opt *opts);

/* ---- JSON output (util_json.c) ---- */

/* A JSON string literal with the required escapes (quotes, backslash, control characters as
 * \uXXXX); bytes >= 0x80 are copied as they are (the library's strings are UTF-8). NULL -> null. */
void cxu_json_string(FILE *f, const char *s);
/* A JSON number with enough digits to round-trip; null for NaN and infinities. */
void cxu_json_number(FILE *f, double x);

/* ---- errors (util_report.c) ---- */

/* Print the last cxkit error to stderr as "PROG: FILE:LINE:COLUMN: message" (the location
 * parts only when known) and return the exit code for it (CXU_EXIT_INPUT). */
int cxu_report(const char *prog, cx_status st);
/* The same error as a JSON object {"code":..,"message":..,"file":..,"line":..,"column":..}. */
void cxu_json_error(FILE *f, cx_status st);

#endif /* CX_TOOLS_UTIL_H */
