/* cx_lua.i: the Lua 5.4 side of the shared vocabulary (see cx_macros.i and docs/bindings.md).
 * Integers stay integers (SWIG 4.1's Lua typemaps are float-only), tables in and out, errors as
 * "cxkit: ECODE: message", callbacks run with lua_pcall and their error value re-raised once the
 * library has returned (never lua_error across library frames). */

%{
#include <lauxlib.h>

/* The lua_State of the wrapped call in progress on this thread (a coroutine's state when called
 * from one); trampolines call back on it. Set by the %exception block below. */
static _Thread_local lua_State *cx_lua_running;
/* Registry key under which a failed callback leaves its error value. */
static char cx_lua_errkey;

static int cx_lua_isint(lua_State *L, int idx)
{
    int ok = 0;
    if (lua_type(L, idx) == LUA_TNUMBER)
        (void)lua_tointegerx(L, idx, &ok); /* 3.0 is accepted, 2.7 is not */
    return ok;
}

static int cx_lua_isfunction_or_nil(lua_State *L, int idx)
{
    return lua_isfunction(L, idx) || lua_isnil(L, idx);
}

static void cx_lua_clear_pending(lua_State *L)
{
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cx_lua_errkey);
}

/* Push the error for a failed status: a callback's own error value if one is pending, else the
 * string "cxkit: ECODE: message". */
static void cx_lua_push_error(lua_State *L, int code)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &cx_lua_errkey) != LUA_TNIL) {
        cx_lua_clear_pending(L);
        return;
    }
    lua_pop(L, 1);
    const cx_error *e = cx_error_last();
    int same = e->code == (cx_status)code;
    const char *msg = same && e->message[0] ? e->message : cx_strerror(code);
    if (same && e->file[0] && e->line > 0) /* where in the input: file:line:column: */
        lua_pushfstring(L, "cxkit: %s: %s:%d:%d: %s", cx_status_name(code), e->file, (int)e->line,
                        (int)e->column, msg);
    else
        lua_pushfstring(L, "cxkit: %s: %s", cx_status_name(code), msg);
}

/* ---- callbacks: helpers for trampolines (see docs/bindings.md) ---- */
typedef struct cx_lua_cb {
    lua_State *main; /* the main thread: only for luaL_unref, which must outlive coroutines */
    int ref;         /* the function, in the registry */
} cx_lua_cb;

static void cx_lua_payload_free(void *payload)
{
    cx_lua_cb *cb = (cx_lua_cb *)payload;
    if (!cb)
        return;
    luaL_unref(cb->main, LUA_REGISTRYINDEX, cb->ref);
    free(cb);
}

/* Push the callback's function on the running state's stack and return that state. Guarantees
 * room for CX_LUA_CB_SLOTS more values (arguments); a trampoline pushing more calls
 * lua_checkstack itself (never luaL_checkstack: it raises across library frames). */
#define CX_LUA_CB_SLOTS 64
static lua_State *cx_lua_cb_push(void *payload)
{
    cx_lua_cb *cb = (cx_lua_cb *)payload;
    lua_State *L = cx_lua_running ? cx_lua_running : cb->main;
    (void)lua_checkstack(L, CX_LUA_CB_SLOTS + 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
    return L;
}

/* lua_pcall the function pushed by cx_lua_cb_push with nargs arguments. On error the error value
 * is kept for the status typemap and CX_EUSER is returned; otherwise 0 with nresults on the stack. */
static int cx_lua_cb_call(lua_State *L, int nargs, int nresults)
{
    if (lua_pcall(L, nargs, nresults, 0) != LUA_OK) {
        lua_rawsetp(L, LUA_REGISTRYINDEX, &cx_lua_errkey);
        return CX_EUSER;
    }
    return 0;
}

/* A trampoline rejecting the callback's result: keep a message as the error value. */
static int cx_lua_cb_fail(lua_State *L, const char *message)
{
    lua_pushfstring(L, "cxkit: EUSER: %s", message);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cx_lua_errkey);
    return CX_EUSER;
}

/* Convert the callback's result on top of the stack to a double and pop it. */
static int cx_lua_cb_result_double(lua_State *L, double *out)
{
    int ok = 0;
    double v = (double)lua_tonumberx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok)
        return cx_lua_cb_fail(L, "callback must return a number");
    *out = v;
    return 0;
}
%}

/* Every wrapped call records its lua_State (for callbacks) and clears a stale callback error. */
%exception {
    lua_State *cx_saved_L = cx_lua_running;
    cx_lua_running = L;
    cx_lua_clear_pending(L);
    $action
    cx_lua_running = cx_saved_L;
}

/* ---- integers stay integers (STYLE.md pitfall 8) ---- */
%define CX_LUA_INT(TYPE)
%typemap(in, checkfn="cx_lua_isint") TYPE %{ $1 = ($type)lua_tointeger(L, $input); %}
%typemap(out) TYPE %{ lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++; %}
%enddef
%define CX_LUA_UINT(TYPE)
%typemap(in, checkfn="cx_lua_isint") TYPE %{
    if (lua_tointeger(L, $input) < 0) {
        lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname must not be negative", $argnum);
        SWIG_fail;
    }
    $1 = ($type)lua_tointeger(L, $input);
%}
%typemap(out) TYPE %{ lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++; %}
%enddef
CX_LUA_INT(int)
CX_LUA_INT(short)
CX_LUA_INT(long)
CX_LUA_INT(long long)
CX_LUA_INT(int8_t)
CX_LUA_INT(int16_t)
CX_LUA_INT(int32_t)
CX_LUA_INT(int64_t)
CX_LUA_INT(enum SWIGTYPE)
CX_LUA_UINT(unsigned)
CX_LUA_UINT(unsigned short)
CX_LUA_UINT(unsigned long)
CX_LUA_UINT(unsigned long long)
CX_LUA_UINT(uint8_t)
CX_LUA_UINT(uint16_t)
CX_LUA_UINT(uint32_t)
/* uint64_t crosses as a Lua integer holding the same 64 bits: values >= 2^63 read as negative
 * (two's complement), exactly as Lua's own hex literal 0xffffffffffffffff is -1. Compare them
 * with math.ult, print them with cx.u64_tostring (bindings/lua/cxkit/u64.lua; docs/bindings.md). */
CX_LUA_UINT(uint64_t)
CX_LUA_UINT(size_t)
/* Seeds and streams are 64 bits of generator state, not counts: any integer is taken as its
 * bits, so a negative one is the uint64 >= 2^63 it stands for (a draw of rng_next_u64 can seed
 * a generator). Other unsigned parameters keep rejecting negative values. */
%typemap(in, checkfn="cx_lua_isint") uint64_t seed, uint64_t stream
%{ $1 = (uint64_t)lua_tointeger(L, $input); %}

/* ---- status ---- */
%typemap(out) cx_status {
    if ($1 < 0) {
        cx_lua_push_error(L, (int)$1);
        SWIG_fail;
    }
}

/* A status stored as data (cx_error.code) is a plain number, not a failure. */
%typemap(out) cx_status code %{ lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++; %}

/* ---- scalar outputs ---- */
%define CX_OUT_F64(DECL)
%typemap(in, numinputs=0) DECL ($*1_ltype tmp = 0) %{ $1 = &tmp; %}
%typemap(argout) DECL %{ lua_pushnumber(L, (lua_Number)*$1); SWIG_arg++; %}
%enddef
%define CX_OUT_I64(DECL)
%typemap(in, numinputs=0) DECL ($*1_ltype tmp = 0) %{ $1 = &tmp; %}
%typemap(argout) DECL %{ lua_pushinteger(L, (lua_Integer)*$1); SWIG_arg++; %}
%enddef
%define CX_OUT_U64(DECL)
CX_OUT_I64(DECL)
%enddef
%define CX_OUT_STR(DECL)
%typemap(in, numinputs=0) DECL (const char *tmp = NULL) %{ $1 = ($1_ltype)&tmp; %}
%typemap(argout) DECL %{
    if (*$1)
        lua_pushstring(L, *$1);
    else
        lua_pushnil(L);
    SWIG_arg++;
%}
/* Borrowed: nothing to free. Explicit, or SWIG would fall back to the `char **out` freearg
 * (qualifiers stripped) and free library memory. */
%typemap(freearg) DECL ""
%enddef
%define CX_OUT_OWNED_STR(DECL)
%typemap(in, numinputs=0) DECL (char *tmp = NULL) %{ $1 = &tmp; %}
%typemap(argout) DECL %{
    if (*$1)
        lua_pushstring(L, *$1);
    else
        lua_pushnil(L);
    SWIG_arg++;
%}
%typemap(freearg) DECL %{ cx_free(*$1); %}
%enddef

/* ---- opaque handles ---- */
%define CX_HANDLE(T, FREE)
%nodefaultctor T;
%nodefaultdtor T;
%typemap(in, numinputs=0) T ** (T *tmp = NULL) %{ $1 = &tmp; %}
%typemap(argout) T ** %{ SWIG_NewPointerObj(L, *$1, $*descriptor, 1); SWIG_arg++; %}
%ignore FREE;
struct T {};
%extend T { ~T() { FREE($self); } }
%enddef

/* ---- arrays: Lua tables in and out ---- */
%define CX_LUA_TABLE_IN(CTYPE, NAME, TOFN, WHAT, ONE)
%typemap(in) (const CTYPE *NAME, size_t IN_N) (CTYPE *buf = NULL) {
    if (!lua_istable(L, $input)) {
        lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname must be a table of " WHAT, $argnum);
        SWIG_fail;
    }
    size_t len = (size_t)lua_rawlen(L, $input);
    buf = (CTYPE *)malloc((len ? len : 1) * sizeof(CTYPE));
    if (!buf) {
        lua_pushliteral(L, "cxkit: ENOMEM: out of memory");
        SWIG_fail;
    }
    for (size_t i = 0; i < len; i++) {
        int ok = 0;
        lua_rawgeti(L, $input, (lua_Integer)i + 1);
        buf[i] = (CTYPE)TOFN(L, -1, &ok);
        lua_pop(L, 1);
        if (!ok) {
            lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname: element %d is not " ONE,
                            $argnum, (int)i + 1);
            SWIG_fail;
        }
    }
    $1 = buf;
    $2 = len;
}
%typemap(freearg) (const CTYPE *NAME, size_t IN_N) %{ free(buf$argnum); %}
%enddef
CX_LUA_TABLE_IN(double, IN_F64, lua_tonumberx, "numbers", "a number")
CX_LUA_TABLE_IN(int64_t, IN_I64, lua_tointegerx, "integers", "an integer")

/* Output arrays: the caller passes the length and receives a new table. */
%define CX_LUA_TABLE_OUT(CTYPE, NAME, PUSH)
%typemap(in, checkfn="cx_lua_isint") (CTYPE *NAME, size_t OUT_N) (CTYPE *buf = NULL) {
    lua_Integer len = lua_tointeger(L, $input);
    if (len < 0) {
        lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname must not be negative", $argnum);
        SWIG_fail;
    }
    buf = (CTYPE *)calloc((size_t)len ? (size_t)len : 1, sizeof(CTYPE));
    if (!buf) {
        lua_pushliteral(L, "cxkit: ENOMEM: out of memory");
        SWIG_fail;
    }
    $1 = buf;
    $2 = (size_t)len;
}
%typemap(argout) (CTYPE *NAME, size_t OUT_N) {
    lua_createtable(L, (int)$2, 0);
    for (size_t i = 0; i < $2; i++) {
        PUSH(L, $1[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    SWIG_arg++;
}
%typemap(freearg) (CTYPE *NAME, size_t OUT_N) %{ free(buf$argnum); %}
%enddef
CX_LUA_TABLE_OUT(double, OUT_F64, lua_pushnumber)
CX_LUA_TABLE_OUT(int64_t, OUT_I64, lua_pushinteger)

/* In-place arrays: a table in, the updated values back as a new table. */
%typemap(in) (double *INPLACE_F64, size_t INPLACE_N) = (const double *IN_F64, size_t IN_N);
%typemap(freearg) (double *INPLACE_F64, size_t INPLACE_N) = (const double *IN_F64, size_t IN_N);
%typemap(argout) (double *INPLACE_F64, size_t INPLACE_N) = (double *OUT_F64, size_t OUT_N);
%typemap(in) (int64_t *INPLACE_I64, size_t INPLACE_N) = (const int64_t *IN_I64, size_t IN_N);
%typemap(freearg) (int64_t *INPLACE_I64, size_t INPLACE_N) = (const int64_t *IN_I64, size_t IN_N);
%typemap(argout) (int64_t *INPLACE_I64, size_t INPLACE_N) = (int64_t *OUT_I64, size_t OUT_N);

/* Strings: a table of strings; false stands for NULL (absent). The table anchors the strings. */
%typemap(in) (const char *const *IN_STRS, size_t IN_N) (const char **strs = NULL) {
    if (!lua_istable(L, $input)) {
        lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname must be a table of strings", $argnum);
        SWIG_fail;
    }
    size_t len = (size_t)lua_rawlen(L, $input);
    strs = (const char **)malloc((len ? len : 1) * sizeof *strs);
    if (!strs) {
        lua_pushliteral(L, "cxkit: ENOMEM: out of memory");
        SWIG_fail;
    }
    for (size_t i = 0; i < len; i++) {
        int t = lua_rawgeti(L, $input, (lua_Integer)i + 1);
        int absent = t == LUA_TBOOLEAN && !lua_toboolean(L, -1);
        strs[i] = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        lua_pop(L, 1);
        if (t != LUA_TSTRING && !absent) {
            lua_pushfstring(L, "cxkit: EINVAL: argument %d of $symname: element %d is not a string",
                            $argnum, (int)i + 1);
            SWIG_fail;
        }
    }
    $1 = ($1_ltype)strs;
    $2 = len;
}
%typemap(freearg) (const char *const *IN_STRS, size_t IN_N) %{ free((void *)strs$argnum); %}

/* A Lua string with its length (may hold any bytes). */
%typemap(in, checkfn="lua_isstring") (const char *IN_BYTES, size_t IN_BYTES_N) {
    size_t l = 0;
    $1 = ($1_ltype)lua_tolstring(L, $input, &l);
    $2 = l;
}

/* ---- callbacks ---- */
%define CX_CALLBACK(FN, TRAMPOLINE)
%typemap(in, checkfn="cx_lua_isfunction_or_nil") (FN fn, void *payload, cx_free_fn payload_free) {
    if (lua_isnil(L, $input)) {
        $1 = NULL;
        $2 = NULL;
        $3 = NULL;
    } else {
        cx_lua_cb *cb = (cx_lua_cb *)malloc(sizeof *cb);
        if (!cb) {
            lua_pushliteral(L, "cxkit: ENOMEM: out of memory");
            SWIG_fail;
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
        cb->main = lua_tothread(L, -1);
        lua_pop(L, 1);
        lua_pushvalue(L, $input);
        cb->ref = luaL_ref(L, LUA_REGISTRYINDEX);
        $1 = TRAMPOLINE;
        $2 = cb;
        $3 = cx_lua_payload_free;
    }
}
%enddef
