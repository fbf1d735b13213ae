/* The Check runner: `cx_check [SUITE]` runs one suite (or all) and fails when nothing ran, so a
 * typo in a suite name cannot pass silently. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "suites_table.h"

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    SRunner *sr = NULL;
    for (size_t i = 0; i < sizeof cx_suites / sizeof cx_suites[0]; i++) {
        if (only && strcmp(only, cx_suites[i].name) != 0)
            continue;
        Suite *s = cx_suites[i].make();
        if (!sr)
            sr = srunner_create(s);
        else
            srunner_add_suite(sr, s);
    }
    if (!sr) {
        fprintf(stderr, "cx_check: no suite named '%s'\n", only ? only : "");
        return 2;
    }
    srunner_run_all(sr, CK_NORMAL);
    int ran = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "cx_check: no test ran\n");
        return 2;
    }
    return failed == 0 ? 0 : 1;
}
