/* Per-thread error detail. Messages are formatted into fixed thread-local buffers, so recording
 * an error never allocates (it must work while reporting CX_ENOMEM). */
#include "internal.h"

#include <stdio.h>
#include <string.h>

enum { MSG_CAP = 512, NAME_CAP = 256 };

static _Thread_local char msg_buf[MSG_CAP];
static _Thread_local char file_buf[NAME_CAP];
static _Thread_local char param_buf[NAME_CAP];
static _Thread_local cx_error last = {CX_OK, "", "", 0, 0, ""};

static void copy_name(char *dst, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= NAME_CAP)
        n = NAME_CAP - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static cx_status record(cx_status code, const char *file, long line, long column, const char *param,
                        const char *fmt, va_list ap) CX_PRINTF(6, 0);

static cx_status record(cx_status code, const char *file, long line, long column, const char *param,
                        const char *fmt, va_list ap)
{
    copy_name(file_buf, file);
    copy_name(param_buf, param);
    vsnprintf(msg_buf, sizeof msg_buf, fmt, ap);
    last.code = code;
    last.message = msg_buf;
    last.file = file_buf;
    last.line = line;
    last.column = column;
    last.param = param_buf;
    return code;
}

cx_status cx__error(cx_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

cx_status cx__error_param(cx_status code, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, NULL, 0, 0, param, fmt, ap);
    va_end(ap);
    return code;
}

cx_status cx__error_at(cx_status code, const char *file, long line, long column, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, file, line, column, NULL, fmt, ap);
    va_end(ap);
    return code;
}

cx_status cx__enomem(void)
{
    return cx__error(CX_ENOMEM, "out of memory");
}

const cx_error *cx_error_last(void)
{
    if (!last.message)
        last.message = "";
    return &last;
}

void cx_error_clear(void)
{
    msg_buf[0] = file_buf[0] = param_buf[0] = '\0';
    last.code = CX_OK;
    last.message = msg_buf;
    last.file = file_buf;
    last.line = last.column = 0;
    last.param = param_buf;
}

const char *cx_strerror(int code)
{
    switch (code) {
    case CX_OK:
        return "success";
    case CX_EINVAL:
        return "invalid argument";
    case CX_ENOMEM:
        return "out of memory";
    case CX_EIO:
        return "input/output error";
    case CX_EPARSE:
        return "parse error";
    case CX_ERANGE:
        return "out of range";
    case CX_ENOTCONV:
        return "did not converge";
    case CX_ESINGULAR:
        return "singular matrix";
    case CX_EUSER:
        return "user callback failed";
    case CX_ESTATE:
        return "object not in the required state";
    case CX_ENOTSUP:
        return "not supported";
    case CX_EFORMAT:
        return "corrupt or unsupported data format";
    default:
        return "unknown error";
    }
}

const char *cx_status_name(int code)
{
    switch (code) {
    case CX_OK:
        return "OK";
    case CX_EINVAL:
        return "EINVAL";
    case CX_ENOMEM:
        return "ENOMEM";
    case CX_EIO:
        return "EIO";
    case CX_EPARSE:
        return "EPARSE";
    case CX_ERANGE:
        return "ERANGE";
    case CX_ENOTCONV:
        return "ENOTCONV";
    case CX_ESINGULAR:
        return "ESINGULAR";
    case CX_EUSER:
        return "EUSER";
    case CX_ESTATE:
        return "ESTATE";
    case CX_ENOTSUP:
        return "ENOTSUP";
    case CX_EFORMAT:
        return "EFORMAT";
    default:
        return "UNKNOWN";
    }
}
