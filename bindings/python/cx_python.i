/* cx_python.i: the Python side of the shared vocabulary (see cx_macros.i and docs/bindings.md).
 * numpy arrays in and out, cxkit.Error exceptions, callbacks that hold the GIL. Built with
 * -threads, so SWIG releases the GIL around every C call and trampolines must take it back. */

%{
#define SWIG_FILE_WITH_INIT
%}
%include "numpy.i"
%init %{
import_array();
%}

/* numpy.i instantiates int dimensions only; cxkit lengths are size_t. */
%numpy_typemaps(double, NPY_DOUBLE, size_t)
%numpy_typemaps(int64_t, NPY_INT64, size_t)

%{
/* Raise the cxkit.Error subclass for a status, with the detail of cx_error_last(). The classes
 * live in cxkit/errors.py; _from_status builds the instance. Falls back to RuntimeError when
 * the module is used without the package. */
static PyObject *cx_py_decode(const char *s)
{
    if (!s)
        s = "";
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

static void cx_py_raise(int code)
{
    static PyObject *factory = NULL;
    const cx_error *e = cx_error_last();
    int same = e->code == (cx_status)code;
    const char *msg = same && e->message[0] ? e->message : cx_strerror(code);
    if (!factory) {
        PyObject *m = PyImport_ImportModule("cxkit.errors");
        if (m) {
            factory = PyObject_GetAttrString(m, "_from_status");
            Py_DECREF(m);
        }
        if (!factory) {
            PyErr_Clear();
            PyErr_Format(PyExc_RuntimeError, "cxkit: %s: %s", cx_status_name(code), msg);
            return;
        }
    }
    PyObject *exc = NULL;
    PyObject *pmsg = cx_py_decode(msg);
    PyObject *pfile = cx_py_decode(same ? e->file : "");
    PyObject *pparam = cx_py_decode(same ? e->param : "");
    if (pmsg && pfile && pparam)
        exc = PyObject_CallFunction(factory, "iOOllO", code, pmsg, pfile, same ? e->line : 0L,
                                    same ? e->column : 0L, pparam);
    Py_XDECREF(pmsg);
    Py_XDECREF(pfile);
    Py_XDECREF(pparam);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* ---- callbacks: helpers for trampolines (see docs/bindings.md) ---- */

/* payload_free for a callable kept alive by a C object. Safe at interpreter shutdown. */
static void cx_py_payload_free(void *payload)
{
    if (!payload || !Py_IsInitialized())
        return;
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)payload);
    PyGILState_Release(g);
}

/* Convert a callback's result to a double; consumes r. Returns 0, or CX_EUSER with a Python
 * exception set (which then reaches the caller unchanged). */
static int cx_py_result_double(double *out, PyObject *r)
{
    if (!r)
        return CX_EUSER;
    double v = PyFloat_AsDouble(r);
    Py_DECREF(r);
    if (v == -1.0 && PyErr_Occurred())
        return CX_EUSER;
    *out = v;
    return 0;
}
%}

/* ---- status ---- */
%typemap(out) cx_status {
    if ($1 < 0) {
        if (!PyErr_Occurred()) /* a callback's own exception wins */
            cx_py_raise((int)$1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

/* A status stored as data (cx_error.code) is a plain number, not a failure. */
%typemap(out) cx_status code %{ $result = PyLong_FromLong((long)$1); %}

/* ---- scalar outputs ---- */
%define CX_OUT_F64(DECL)
%typemap(in, numinputs=0) DECL ($*1_ltype tmp = 0) { $1 = &tmp; }
%typemap(argout) DECL { $result = SWIG_Python_AppendOutput($result, PyFloat_FromDouble((double)*$1)); }
%enddef
%define CX_OUT_I64(DECL)
%typemap(in, numinputs=0) DECL ($*1_ltype tmp = 0) { $1 = &tmp; }
%typemap(argout) DECL { $result = SWIG_Python_AppendOutput($result, PyLong_FromLongLong((long long)*$1)); }
%enddef
%define CX_OUT_U64(DECL)
%typemap(in, numinputs=0) DECL ($*1_ltype tmp = 0) { $1 = &tmp; }
%typemap(argout) DECL { $result = SWIG_Python_AppendOutput($result, PyLong_FromUnsignedLongLong((unsigned long long)*$1)); }
%enddef
%define CX_OUT_STR(DECL)
%typemap(in, numinputs=0) DECL (const char *tmp = NULL) { $1 = ($1_ltype)&tmp; }
%typemap(argout) DECL {
    if (*$1) {
        $result = SWIG_Python_AppendOutput($result, cx_py_decode(*$1));
    } else {
        $result = SWIG_Python_AppendOutput($result, SWIG_Py_Void());
    }
}
/* Borrowed: nothing to free. Explicit, or SWIG would fall back to the `char **out` freearg
 * (qualifiers stripped) and free library memory. */
%typemap(freearg) DECL ""
%enddef
%define CX_OUT_OWNED_STR(DECL)
%typemap(in, numinputs=0) DECL (char *tmp = NULL) { $1 = &tmp; }
%typemap(argout) DECL {
    if (*$1) {
        $result = SWIG_Python_AppendOutput($result, cx_py_decode(*$1));
    } else {
        $result = SWIG_Python_AppendOutput($result, SWIG_Py_Void());
    }
}
%typemap(freearg) DECL { cx_free(*$1); }
%enddef

/* ---- opaque handles ---- */
%define CX_HANDLE(T, FREE)
%nodefaultctor T;
%nodefaultdtor T;
%typemap(in, numinputs=0) T ** (T *tmp = NULL) { $1 = &tmp; }
%typemap(argout) T ** {
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*descriptor, SWIG_POINTER_OWN));
}
%ignore FREE;
struct T {};
%extend T { ~T() { FREE($self); } }
%enddef

/* ---- arrays ---- */
%apply (double *IN_ARRAY1, size_t DIM1) { (const double *IN_F64, size_t IN_N) };
%apply (int64_t *IN_ARRAY1, size_t DIM1) { (const int64_t *IN_I64, size_t IN_N) };
%apply (double *INPLACE_ARRAY1, size_t DIM1) { (double *INPLACE_F64, size_t INPLACE_N) };
%apply (int64_t *INPLACE_ARRAY1, size_t DIM1) { (int64_t *INPLACE_I64, size_t INPLACE_N) };

/* Output arrays: the caller passes the length and receives a fresh array. (numpy.i's
 * ARGOUT_ARRAY1 leaks its array when the call fails, hence our own.) */
%define CX_PY_ARGOUT(CTYPE, NAME, NPYTYPE)
%typemap(in, numinputs=1) (CTYPE *NAME, size_t OUT_N) (PyObject *array = NULL) {
    Py_ssize_t len = PyLong_Check($input) ? PyLong_AsSsize_t($input) : -1;
    if (len < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "array length must be a non-negative integer");
        SWIG_fail;
    }
    npy_intp dims[1] = {(npy_intp)len};
    array = PyArray_SimpleNew(1, dims, NPYTYPE);
    if (!array)
        SWIG_fail;
    $1 = (CTYPE *)PyArray_DATA((PyArrayObject *)array);
    $2 = (size_t)len;
}
%typemap(argout) (CTYPE *NAME, size_t OUT_N) {
    $result = SWIG_Python_AppendOutput($result, array$argnum);
    array$argnum = NULL;
}
%typemap(freearg) (CTYPE *NAME, size_t OUT_N) { Py_XDECREF(array$argnum); }
%enddef
CX_PY_ARGOUT(double, OUT_F64, NPY_DOUBLE)
CX_PY_ARGOUT(int64_t, OUT_I64, NPY_INT64)

/* Strings: any sequence of str/bytes/None (list, tuple, numpy object or str array). The UTF-8
 * buffers belong to the str objects, which the fast sequence keeps alive during the call. */
%typemap(in) (const char *const *IN_STRS, size_t IN_N) (PyObject *seq = NULL, const char **strs = NULL) {
    seq = PySequence_Fast($input, "expected a sequence of str");
    if (!seq)
        SWIG_fail;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    strs = (const char **)malloc((size_t)(count ? count : 1) * sizeof *strs);
    if (!strs) {
        PyErr_NoMemory();
        SWIG_fail;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *it = items[i];
        if (it == Py_None) {
            strs[i] = NULL;
        } else if (PyUnicode_Check(it)) {
            strs[i] = PyUnicode_AsUTF8(it);
            if (!strs[i])
                SWIG_fail;
        } else if (PyBytes_Check(it)) {
            strs[i] = PyBytes_AS_STRING(it);
        } else {
            PyErr_Format(PyExc_TypeError, "expected str or None at index %zd, got %s", i,
                         Py_TYPE(it)->tp_name);
            SWIG_fail;
        }
    }
    $1 = ($1_ltype)strs;
    $2 = (size_t)count;
}
%typemap(freearg) (const char *const *IN_STRS, size_t IN_N) {
    free((void *)strs$argnum);
    Py_XDECREF(seq$argnum);
}

/* Text or bytes with an explicit length: str (as UTF-8) or bytes. */
%typemap(in) (const char *IN_BYTES, size_t IN_BYTES_N) {
    if (PyBytes_Check($input)) {
        char *p = NULL;
        Py_ssize_t l = 0;
        if (PyBytes_AsStringAndSize($input, &p, &l) < 0)
            SWIG_fail;
        $1 = p;
        $2 = (size_t)l;
    } else if (PyUnicode_Check($input)) {
        Py_ssize_t l = 0;
        const char *p = PyUnicode_AsUTF8AndSize($input, &l);
        if (!p)
            SWIG_fail;
        $1 = ($1_ltype)p;
        $2 = (size_t)l;
    } else {
        PyErr_Format(PyExc_TypeError, "expected str or bytes, got %s", Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
}

/* ---- callbacks ---- */
%define CX_CALLBACK(FN, TRAMPOLINE)
%typemap(in) (FN fn, void *payload, cx_free_fn payload_free) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = NULL;
        $3 = NULL;
    } else if (!PyCallable_Check($input)) {
        PyErr_Format(PyExc_TypeError, "expected a callable or None, got %s", Py_TYPE($input)->tp_name);
        SWIG_fail;
    } else {
        Py_INCREF($input); /* released by cx_py_payload_free when the library is done with it */
        $1 = TRAMPOLINE;
        $2 = (void *)$input;
        $3 = cx_py_payload_free;
    }
}
%enddef
