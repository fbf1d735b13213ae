/* cx_macros.i: the language-neutral vocabulary every bindings/modules/<module>.i uses.
 *
 * Each language file (python/cx_python.i, lua/cx_lua.i) implements the same macros; this file
 * only documents them and applies the conventions that hold for the whole API. See
 * docs/bindings.md for worked examples.
 *
 *   CX_HANDLE(T, FREE)          opaque object T: `T **` parameters become owned return values,
 *                               FREE (cx_T_free) becomes the proxy's destructor and is hidden.
 *   CX_OUT_F64(T NAME)          a scalar output parameter returned as a float    (double *out)
 *   CX_OUT_I64(T NAME)          ... returned as an integer (int64_t *out, int *out, enum *out)
 *   CX_OUT_U64(T NAME)          ... returned as a non-negative integer (size_t *out, uint64_t *out)
 *   CX_OUT_STR(T NAME)          `const char **out` (borrowed): returned as a string copy
 *   CX_OUT_OWNED_STR(T NAME)    `char **out` released with cx_free(): returned as a string
 *   CX_CALLBACK(FN, TRAMPOLINE) (FN fn, void *payload, cx_free_fn payload_free) from a Python
 *                               callable / Lua function; TRAMPOLINE is the language's C function
 *                               of type FN (write one per language, see docs/bindings.md).
 *
 *
 * Conventions (typemaps match parameter NAMES too, so the API's names matter):
 *   cx_status return            CX_OK -> nothing; < 0 -> Python cxkit.Error subclass / Lua error
 *                               "cxkit: ECODE: message"; a callback's own exception wins.
 *   (FN fn, void *payload, cx_free_fn payload_free)
 *                               the callback triple, once CX_CALLBACK(FN, ...) is declared.
 *
 * Array and string patterns have canonical names; the common spellings are applied below and a
 * module applies the canonical typemap to its own names, e.g.
 *   %apply (const double *IN_F64, size_t IN_N) { (const double *ratings, size_t n) };
 *   (const double *IN_F64, size_t IN_N)   numpy array (anything float-convertible, copied if
 *                                         needed) / Lua table of numbers
 *   (const int64_t *IN_I64, size_t IN_N)  the same for int64 / Lua integers
 *   (double *OUT_F64, size_t OUT_N)       output array: the script passes the length n and gets
 *                                         a new numpy float64 array / Lua table of n numbers
 *   (int64_t *OUT_I64, size_t OUT_N)      the same for int64
 *   (double *INPLACE_F64, size_t INPLACE_N)  Python: updates a float64 numpy array in place;
 *                                         Lua: a table in, the updated values as a new table
 *   (const char *const *IN_STRS, size_t IN_N)  list / tuple / numpy array of str (None = NULL) /
 *                                         Lua table of strings (false = NULL)
 *   (const char *IN_BYTES, size_t IN_BYTES_N)  text with a length: str (UTF-8) or bytes / string
 * Scalar outputs named `out` are returned (several outputs: a list in Python, several values in
 * Lua); use CX_OUT_*(...) for other names, e.g. CX_OUT_U64(size_t *begin).
 */

CX_OUT_F64(double *out)
CX_OUT_I64(int64_t *out)
CX_OUT_I64(int *out)
CX_OUT_U64(size_t *out)
CX_OUT_U64(uint64_t *out)
CX_OUT_STR(const char **out)
CX_OUT_OWNED_STR(char **out)

%apply (const double *IN_F64, size_t IN_N) {
    (const double *xs, size_t n), (const double *ys, size_t n), (const double *ws, size_t n),
    (const double *xs, size_t nx), (const double *ys, size_t ny), (const double *ws, size_t nw)
};
%apply (const int64_t *IN_I64, size_t IN_N) {
    (const int64_t *xs, size_t n), (const int64_t *xs, size_t nx), (const int64_t *ys, size_t ny)
};
%apply (double *OUT_F64, size_t OUT_N) { (double *out, size_t n) };
%apply (int64_t *OUT_I64, size_t OUT_N) { (int64_t *out, size_t n) };
%apply (const char *const *IN_STRS, size_t IN_N) { (const char *const *strs, size_t n) };
%apply (const char *IN_BYTES, size_t IN_BYTES_N) { (const char *data, size_t len), (const char *s, size_t len) };
