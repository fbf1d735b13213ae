/* `cxkit <area> <verb> [options] FILE`: dispatches to the area's command. Exit codes: 0 success,
 * 1 bad input (the message on stderr names file, line and column), 2 usage. */
#include <stdio.h>
#include <string.h>

#include <cxkit/cxkit.h>

#include "commands_table.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: cxkit <area> <verb> [options] FILE\n"
               "       cxkit --version | --help\n\n"
               "areas:\n");
    for (size_t i = 0; cx_commands[i].area; i++)
        fprintf(f, "  %-10s %s\n", cx_commands[i].area, cx_commands[i].summary);
    fprintf(f, "\n`cxkit <area> --help` describes an area's verbs and options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("cxkit %s\n", cx_version_string());
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; cx_commands[i].area; i++)
        if (strcmp(argv[1], cx_commands[i].area) == 0)
            return cx_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cxkit: unknown area '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
