/* Option parsing for the cxkit command (see util.h). */
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cxu_opt *find(const cxu_opt *opts, const char *name, size_t len)
{
    for (const cxu_opt *o = opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static int set_value(const cxu_opt *o, const char *v, const char *prog)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case CXU_STRING:
        *(const char **)o->value = v;
        return 0;
    case CXU_LONG: {
        long x = strtol(v, &end, 10);
        if (!*v || *end || errno) {
            fprintf(stderr, "%s: --%s needs an integer, not '%s'\n", prog, o->name, v);
            return CXU_EXIT_USAGE;
        }
        *(long *)o->value = x;
        return 0;
    }
    case CXU_DOUBLE: {
        double x = strtod(v, &end);
        if (!*v || *end || !isfinite(x)) {
            fprintf(stderr, "%s: --%s needs a number, not '%s'\n", prog, o->name, v);
            return CXU_EXIT_USAGE;
        }
        *(double *)o->value = x;
        return 0;
    }
    default:
        return 0;
    }
}

int cxu_parse(int argc, char **argv, int first, const cxu_opt *opts, const char **pos, int max_pos,
              int *npos, int *help, const char *prog)
{
    *npos = 0;
    int only_pos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && help && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            *help = 1;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const cxu_opt *o = find(opts, name, len);
            if (!o) {
                fprintf(stderr, "%s: unknown option '--%.*s'\n", prog, (int)len, name);
                return CXU_EXIT_USAGE;
            }
            if (o->kind == CXU_FLAG) {
                if (eq) {
                    fprintf(stderr, "%s: --%s takes no value\n", prog, o->name);
                    return CXU_EXIT_USAGE;
                }
                *(int *)o->value = 1;
                continue;
            }
            const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                fprintf(stderr, "%s: --%s needs a value\n", prog, o->name);
                return CXU_EXIT_USAGE;
            }
            int rc = set_value(o, v, prog);
            if (rc)
                return rc;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            return CXU_EXIT_USAGE;
        }
        if (*npos >= max_pos) {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            return CXU_EXIT_USAGE;
        }
        pos[(*npos)++] = a;
    }
    return 0;
}

void cxu_print_options(FILE *f, const cxu_opt *opts)
{
    for (const cxu_opt *o = opts; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->meta ? " " : "",
                 o->meta ? o->meta : "");
        fprintf(f, "  %-24s %s\n", left, o->help);
    }
}
