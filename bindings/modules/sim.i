/* sim.i: the service-profit-chain simulator (cxkit/sim.h) for Python and Lua.
 * Plugin rules come from scripts as Python callables / Lua functions through
 * cx_sim_params_set_script_rule (flags 0: the run then stays on the calling thread, which is the
 * only thread a Lua state or the GIL-holding Python caller may be called from). */

%{
#include <math.h>
#include <cxkit/sim.h>

/* One output array of cx_sim_comparison_diff: which = 0 mean, 1 lower, 2 upper. */
static const char *cx_sim_param_text(size_t index, int what);
double cx_sim_param_number(size_t index, int what);
cx_status cx_sim_comparison_diff_part(double *out, size_t n, const cx_sim_comparison *cmp,
                                             int series, double level, int which)
{
    return cx_sim_comparison_diff(which == 0 ? out : NULL, which == 1 ? out : NULL,
                                  which == 2 ? out : NULL, n, cmp, series, level);
}

/* Parameter descriptions for scripts: what = 0 name, 1 meaning, 2 source, 3 uncertainty (NULL
 * for a bad index); bound what = 0 default, 1 lo, 2 hi (NaN for a bad index). */
static const char *cx_sim_param_text(size_t index, int what)
{
    const char *s[4] = {NULL, NULL, NULL, NULL};
    if (cx_sim_param_info(index, &s[0], NULL, NULL, NULL, &s[1], &s[2], &s[3]) != CX_OK ||
        what < 0 || what > 3)
        return NULL;
    return s[what];
}

double cx_sim_param_number(size_t index, int what)
{
    double v[3] = {NAN, NAN, NAN};
    if (cx_sim_param_info(index, NULL, &v[0], &v[1], &v[2], NULL, NULL, NULL) != CX_OK ||
        what < 0 || what > 2)
        return NAN;
    return v[what];
}

/* Script plugins: never flagged thread-safe. */
static cx_status cx_sim_params_set_script_rule(cx_sim_params *params, cx_sim_rule rule,
                                               const char *name, cx_sim_rule_fn fn,
                                               void *payload, cx_free_fn payload_free)
{
    return cx_sim_params_set_rule(params, rule, name, 0, fn, payload, payload_free);
}
%}

#if defined(SWIGPYTHON)
%{
/* Python rule: f(*inputs) -> a number, or a sequence of n_out numbers. */
static int cx_py_sim_rule_fn(double *out, size_t n_out, const double *in, size_t n_in,
                             void *payload)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = CX_EUSER;
    if (!PyErr_Occurred()) {
        PyObject *args = PyTuple_New((Py_ssize_t)n_in);
        for (size_t i = 0; args && i < n_in; i++)
            PyTuple_SET_ITEM(args, (Py_ssize_t)i, PyFloat_FromDouble(in[i]));
        PyObject *r = args ? PyObject_CallObject((PyObject *)payload, args) : NULL;
        Py_XDECREF(args);
        if (r && n_out == 1 && !PySequence_Check(r)) {
            rc = cx_py_result_double(out, r);
        } else if (r) {
            PyObject *seq = PySequence_Fast(r, "a plugin rule must return numbers");
            Py_DECREF(r);
            if (seq && (size_t)PySequence_Fast_GET_SIZE(seq) == n_out) {
                rc = 0;
                for (size_t i = 0; i < n_out && rc == 0; i++) {
                    out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, (Py_ssize_t)i));
                    if (out[i] == -1.0 && PyErr_Occurred())
                        rc = CX_EUSER;
                }
            } else if (seq) {
                PyErr_Format(PyExc_ValueError, "a plugin rule must return %zu numbers", n_out);
            }
            Py_XDECREF(seq);
        }
    }
    PyGILState_Release(g);
    return rc;
}
%}
CX_CALLBACK(cx_sim_rule_fn, cx_py_sim_rule_fn)
#elif defined(SWIGLUA)
%{
/* Lua rule: function(inputs...) return outputs... end */
static int cx_lua_sim_rule_fn(double *out, size_t n_out, const double *in, size_t n_in,
                              void *payload)
{
    lua_State *L = cx_lua_cb_push(payload);
    for (size_t i = 0; i < n_in; i++)
        lua_pushnumber(L, in[i]);
    if (cx_lua_cb_call(L, (int)n_in, (int)n_out) != 0)
        return CX_EUSER;
    for (size_t i = n_out; i-- > 0;)
        if (cx_lua_cb_result_double(L, &out[i]) != 0) {
            lua_pop(L, (int)i);
            return CX_EUSER;
        }
    return 0;
}
%}
CX_CALLBACK(cx_sim_rule_fn, cx_lua_sim_rule_fn)
#endif

CX_HANDLE(cx_sim_params, cx_sim_params_free)
CX_HANDLE(cx_sim_result, cx_sim_result_free)
CX_HANDLE(cx_sim_comparison, cx_sim_comparison_free)
CX_OUT_U64(size_t *n_in)
CX_OUT_U64(size_t *n_out)
CX_OUT_I64(cx_sim_lever *out)

%apply (const double *IN_F64, size_t IN_N) { (const double *mix, size_t n) };
%ignore cx_sim_params_set_rule;
%ignore cx_sim_param_info;
%ignore cx_sim_comparison_diff;
%ignore cx_sim_options::progress;
%ignore cx_sim_options::progress_payload;
%include <cxkit/sim.h>

const char *cx_sim_param_text(size_t index, int what);
double cx_sim_param_number(size_t index, int what);
cx_status cx_sim_comparison_diff_part(double *out, size_t n, const cx_sim_comparison *cmp,
                                      int series, double level, int which);
cx_status cx_sim_params_set_script_rule(cx_sim_params *params, cx_sim_rule rule,
                                        const char *name, cx_sim_rule_fn fn, void *payload,
                                        cx_free_fn payload_free);
