/* Error reporting for the cxkit command (see util.h). */
#include "util.h"

int cxu_report(const char *prog, cx_status st)
{
    const cx_error *e = cx_error_last();
    fprintf(stderr, "%s: ", prog);
    if (e->file[0]) {
        fprintf(stderr, "%s:", e->file);
        if (e->line > 0) {
            fprintf(stderr, "%ld:", e->line);
            if (e->column > 0)
                fprintf(stderr, "%ld:", e->column);
        }
        fputc(' ', stderr);
    }
    fprintf(stderr, "%s", e->message[0] ? e->message : cx_strerror(st));
    if (e->param[0] && !e->file[0])
        fprintf(stderr, " (%s)", e->param);
    fprintf(stderr, " [%s]\n", cx_status_name(st));
    return CXU_EXIT_INPUT;
}

void cxu_json_error(FILE *f, cx_status st)
{
    const cx_error *e = cx_error_last();
    fputs("{\"code\": ", f);
    cxu_json_string(f, cx_status_name(st));
    fputs(", \"message\": ", f);
    cxu_json_string(f, e->message[0] ? e->message : cx_strerror(st));
    fputs(", \"file\": ", f);
    cxu_json_string(f, e->file);
    fprintf(f, ", \"line\": %ld, \"column\": %ld, \"param\": ", e->line, e->column);
    cxu_json_string(f, e->param);
    fputc('}', f);
}
