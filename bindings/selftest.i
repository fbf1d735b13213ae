/* selftest.i: tiny functions that exercise every pattern of cx_macros.i, so the plumbing is
 * tested in both languages before any module uses it (tests/python/test_core.py,
 * tests/lua/core_spec.lua). Also the worked example of docs/bindings.md. Not public C API. */

%{
#include "internal.h"

typedef struct cx_selftest_obj {
    double value;
} cx_selftest_obj;

/* Callback type: compute *out from x; nonzero return stops the caller. */
typedef int (*cx_selftest_fn)(double *out, double x, void *payload);

static cx_status cx_selftest_sum(double *out, const double *xs, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += xs[i];
    *out = s;
    return CX_OK;
}

static cx_status cx_selftest_isum(int64_t *out, const int64_t *xs, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += xs[i];
    *out = s;
    return CX_OK;
}

static cx_status cx_selftest_iota(double *out, size_t n, double start)
{
    for (size_t i = 0; i < n; i++)
        out[i] = start + (double)i;
    return CX_OK;
}

static cx_status cx_selftest_iota_i64(int64_t *out, size_t n, int64_t start)
{
    for (size_t i = 0; i < n; i++)
        out[i] = start + (int64_t)i;
    return CX_OK;
}

static cx_status cx_selftest_scale(double *xs, size_t n, double k)
{
    if (!(k == k))
        return cx__error_param(CX_EINVAL, "k", "k must not be NaN");
    for (size_t i = 0; i < n; i++)
        xs[i] *= k;
    return CX_OK;
}

static size_t cx_selftest_count(size_t n)
{
    return n + 1;
}

/* Joins strings with sep; NULL entries are written as "<null>". Result released with cx_free. */
static cx_status cx_selftest_name(const char **out, int i);
cx_status cx_selftest_join(char **out, const char *const *strs, size_t n, const char *sep)
{
    size_t len = 1, seplen = strlen(sep);
    for (size_t i = 0; i < n; i++)
        len += (strs[i] ? strlen(strs[i]) : 6) + (i ? seplen : 0);
    char *s = (char *)cx__malloc(len);
    if (!s)
        return cx__enomem();
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, strs[i] ? strs[i] : "<null>");
    }
    *out = s;
    return CX_OK;
}

/* A borrowed string (static storage): must not be freed by the binding. */
static cx_status cx_selftest_name(const char **out, int i)
{
    static const char *const names[] = {"zero", "one"};
    if (i < 0 || i > 1)
        return cx__error_param(CX_ERANGE, "i", "i must be 0 or 1");
    *out = names[i];
    return CX_OK;
}

/* Fails with the given detail: file/line/column when file is not empty, else the parameter. */
static cx_status cx_selftest_fail(int code, const char *message, const char *file, long line,
                                  long column, const char *param)
{
    if (file && file[0])
        return cx__error_at((cx_status)code, file, line, column, "%s", message);
    if (param && param[0])
        return cx__error_param((cx_status)code, param, "%s", message);
    return cx__error((cx_status)code, "%s", message);
}

/* out[i] = fn(xs[i]) for i < min(n, nx). Owns payload: releases it before returning, whatever
 * happens (the convention for every (fn, payload, payload_free) triple). */
static cx_status cx_selftest_map(double *out, size_t n, const double *xs, size_t nx,
                                 cx_selftest_fn fn, void *payload, cx_free_fn payload_free)
{
    cx_status rc = CX_OK;
    if (!fn) {
        rc = cx__error_param(CX_EINVAL, "fn", "a callback is required");
    } else {
        for (size_t i = 0; i < n && i < nx; i++) {
            double y = 0;
            if (fn(&y, xs[i], payload) != 0) {
                rc = cx__error(CX_EUSER, "callback failed at element %zu", i);
                break;
            }
            out[i] = y;
        }
    }
    if (payload_free)
        payload_free(payload);
    return rc;
}

static cx_status cx_selftest_obj_new(cx_selftest_obj **out, double value)
{
    cx_selftest_obj *o = (cx_selftest_obj *)cx__malloc(sizeof *o);
    if (!o)
        return cx__enomem();
    o->value = value;
    *out = o;
    return CX_OK;
}

static void cx_selftest_obj_free(cx_selftest_obj *o)
{
    cx__free(o);
}

static cx_status cx_selftest_obj_get(double *out, const cx_selftest_obj *o)
{
    if (!o)
        return cx__error_param(CX_EINVAL, "o", "o is NULL");
    *out = o->value;
    return CX_OK;
}

/* Blocks allocated through cxkit's allocator and not yet freed: leak checks from scripts. */
static long cx_selftest_alloc_live(void)
{
    return cx__alloc_live();
}
%}

/* The per-language trampolines for cx_selftest_fn. */
#if defined(SWIGPYTHON)
%{
static int cx_py_selftest_fn(double *out, double x, void *payload)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = CX_EUSER;
    if (!PyErr_Occurred()) /* an earlier call already failed: do not call again */
        rc = cx_py_result_double(out, PyObject_CallFunction((PyObject *)payload, "d", x));
    PyGILState_Release(g);
    return rc;
}
%}
CX_CALLBACK(cx_selftest_fn, cx_py_selftest_fn)
#elif defined(SWIGLUA)
%{
static int cx_lua_selftest_fn(double *out, double x, void *payload)
{
    lua_State *L = cx_lua_cb_push(payload);
    lua_pushnumber(L, x);
    if (cx_lua_cb_call(L, 1, 1) != 0)
        return CX_EUSER;
    return cx_lua_cb_result_double(L, out);
}
%}
CX_CALLBACK(cx_selftest_fn, cx_lua_selftest_fn)
#endif

CX_HANDLE(cx_selftest_obj, cx_selftest_obj_free)

typedef int (*cx_selftest_fn)(double *out, double x, void *payload);
cx_status cx_selftest_sum(double *out, const double *xs, size_t n);
cx_status cx_selftest_isum(int64_t *out, const int64_t *xs, size_t n);
cx_status cx_selftest_iota(double *out, size_t n, double start);
cx_status cx_selftest_iota_i64(int64_t *out, size_t n, int64_t start);
%apply (double *INPLACE_F64, size_t INPLACE_N) { (double *xs, size_t n) };
cx_status cx_selftest_scale(double *xs, size_t n, double k);
%clear (double *xs, size_t n);
size_t cx_selftest_count(size_t n);
cx_status cx_selftest_name(const char **out, int i);
cx_status cx_selftest_join(char **out, const char *const *strs, size_t n, const char *sep);
cx_status cx_selftest_fail(int code, const char *message, const char *file, long line,
                           long column, const char *param);
cx_status cx_selftest_map(double *out, size_t n, const double *xs, size_t nx, cx_selftest_fn fn,
                          void *payload, cx_free_fn payload_free);
cx_status cx_selftest_obj_new(cx_selftest_obj **out, double value);
void cx_selftest_obj_free(cx_selftest_obj *o);
cx_status cx_selftest_obj_get(double *out, const cx_selftest_obj *o);
long cx_selftest_alloc_live(void);
