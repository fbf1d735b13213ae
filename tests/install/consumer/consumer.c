/* A program outside the cxkit tree, built against an installed cxkit twice (pkg-config and
 * find_package). Checks that headers and library agree and that the error API works. */
#include <cxkit/cxkit.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (cx_version_number() != CX_VERSION_NUMBER ||
        strcmp(cx_version_string(), CX_VERSION_STRING)) {
        fprintf(stderr, "header %s != library %s\n", CX_VERSION_STRING, cx_version_string());
        return 1;
    }
    if (strcmp(cx_status_name(CX_EPARSE), "EPARSE") != 0 || !cx_strerror(CX_EINVAL)[0]) {
        fprintf(stderr, "error API broken\n");
        return 1;
    }
    cx_error_clear();
    if (cx_error_last()->code != CX_OK) {
        fprintf(stderr, "cx_error_clear did not clear\n");
        return 1;
    }
    printf("consumer OK against cxkit %s\n", cx_version_string());
    return 0;
}
