/* bindings/modules/scores.i: satisfaction scores (include/cxkit/scores.h). The struct-based and
 * multi-array C functions are replaced by their binding-friendly *_columns / *_values forms;
 * the Python layer (cxkit/scores.py) and Lua layer (cxkit/scores.lua) make them idiomatic. */

CX_HANDLE(cx_acc, cx_acc_free)
CX_HANDLE(cx_scores, cx_scores_free)

CX_OUT_F64(double *slope)
CX_OUT_F64(double *lo)
CX_OUT_F64(double *hi)
CX_OUT_F64(double *diff)
CX_OUT_F64(double *z)
CX_OUT_F64(double *p_value)
CX_OUT_F64(double *nps)
CX_OUT_F64(double *se)
CX_OUT_F64(double *mean)
CX_OUT_F64(double *share)
CX_OUT_F64(double *n)
CX_OUT_F64(double *weight_sum)
CX_OUT_F64(double *n_eff)
CX_OUT_I64(int *scale_min)
CX_OUT_I64(int *scale_max)

%apply (const double *IN_F64, size_t IN_N) {
    (const double *ratings, size_t n_ratings), (const double *weights, size_t n_weights),
    (const double *a, size_t n_a), (const double *b, size_t n_b),
    (const double *p, size_t n_p), (const double *e, size_t n_e),
    (const double *dims, size_t k), (const double *importance, size_t n_importance)
};
%apply (const int64_t *IN_I64, size_t IN_N) {
    (const int64_t *codes, size_t n_codes), (const int64_t *starts, size_t n),
    (const int64_t *by, size_t n_by)
};
%apply (double *OUT_F64, size_t OUT_N) { (double *out, size_t n_out) };

/* Serialised accumulators: bytes in Python, strings in Lua. */
#if defined(SWIGPYTHON)
%typemap(in, numinputs=0) (uint8_t **out, size_t *len) (uint8_t *buf = NULL, size_t blen = 0) {
    $1 = &buf;
    $2 = &blen;
}
%typemap(argout) (uint8_t **out, size_t *len) {
    $result = SWIG_Python_AppendOutput($result,
        PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2));
}
%typemap(freearg) (uint8_t **out, size_t *len) { cx_free(*$1); }
%typemap(in) (const uint8_t *bytes, size_t len) {
    char *bp = NULL;
    Py_ssize_t bl = 0;
    if (PyBytes_AsStringAndSize($input, &bp, &bl) < 0)
        SWIG_fail;
    $1 = (uint8_t *)bp;
    $2 = (size_t)bl;
}
#elif defined(SWIGLUA)
%typemap(in, numinputs=0) (uint8_t **out, size_t *len) (uint8_t *buf = NULL, size_t blen = 0) {
    $1 = &buf;
    $2 = &blen;
}
%typemap(argout) (uint8_t **out, size_t *len) {
    lua_pushlstring(L, (const char *)*$1, *$2);
    SWIG_arg++;
}
%typemap(freearg) (uint8_t **out, size_t *len) { cx_free(*$1); }
%typemap(in) (const uint8_t *bytes, size_t len) {
    size_t bl = 0;
    const char *bp = luaL_checklstring(L, $input, &bl);
    $1 = (uint8_t *)bp;
    $2 = bl;
}
#endif

%ignore cx_acc_add_array;
%ignore cx_acc_distribution;
%ignore cx_acc_nps;
%ignore cx_nps_diff;
%ignore cx_nps_buckets_init;
%ignore cx_nps_buckets;
%ignore cx_nps_result;
%ignore cx_group_options;
%ignore cx_group_options_init;
%ignore cx_scores_group;
%ignore cx_scores_group_codes;
%ignore cx_scores_acc;
%ignore cx_scores_shrink;
%ignore cx_gap_result;
%ignore cx_gap_paired;
%ignore cx_gap_by;
%ignore cx_servqual;
%ignore cx_period_parse;

%include <cxkit/scores.h>

%inline %{
/* Number of key columns and the label of group g, key q (for building an index). */
static cx_status cx_scores_label(const char **out, const cx_scores *t, size_t group, size_t key)
{
    return cx_scores_key(out, t, group, key);
}
/* Distribution of an accumulator: counts (what 0), weight sums (1) or shares (2) per point. */
static cx_status cx_acc_distribution_values(double *out, size_t n_out, const cx_acc *acc,
                                            int what)
{
    return cx_acc_distribution(what == 0 ? out : NULL, what == 1 ? out : NULL,
                               what == 2 ? out : NULL, n_out, acc);
}
/* NPS difference from two count triples (promoters, passives, detractors). */
static cx_status cx_nps_diff_counts(double *diff, double *lo, double *hi, double *z,
                                    double *p_value, double p1, double q1, double d1, double p2,
                                    double q2, double d2, double level, int method)
{
    double c1[3] = {p1, q1, d1}, c2[3] = {p2, q2, d2};
    return cx_nps_diff(diff, lo, hi, z, p_value, c1, c2, level, method);
}
/* An owned copy of group g's accumulator. */
static cx_status cx_scores_acc_copy(cx_acc **out, const cx_scores *t, size_t group)
{
    const cx_acc *a = NULL;
    cx_status st = cx_scores_acc(&a, t, group);
    return st == CX_OK ? cx_acc_dup(out, a) : st;
}
%}
