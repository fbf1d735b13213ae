/* The smallest cxkit program: check that the headers and the linked library agree (SQLite's
 * idiom) and print the version. */
#include <stdio.h>

#include <cxkit/cxkit.h>

int main(void)
{
    if (cx_version_number() != CX_VERSION_NUMBER) {
        fprintf(stderr, "header %s but library %s\n", CX_VERSION_STRING, cx_version_string());
        return 1;
    }
    printf("cxkit %s: %s\n", cx_version_string(), cx_strerror(CX_OK));
    return 0;
}
