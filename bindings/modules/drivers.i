/* bindings/modules/drivers.i: key drivers, IPA and Kano (include/cxkit/drivers.h), through the
 * binding-friendly *_columns / *_values forms; cxkit/drivers.py is the Pythonic layer. */

CX_HANDLE(cx_drivers, cx_drivers_free)

CX_OUT_F64(double *r2)
CX_OUT_F64(double *n_used)
CX_OUT_I64(int *exact)

%apply (const double *IN_F64, size_t IN_N) {
    (const double *x, size_t n_x), (const double *y, size_t n_y), (const double *w, size_t n_w),
    (const double *functional, size_t n_f), (const double *dysfunctional, size_t n_d),
    (const double *importance, size_t n_i), (const double *performance, size_t n_p)
};
%apply (double *OUT_F64, size_t OUT_N) { (double *out, size_t n_out), (double *out, size_t p) };

%ignore cx_drivers_fit;
%ignore cx_drivers_fit_corr;
%ignore cx_drivers_complete;
%ignore cx_kano_classify;
%ignore cx_kano_feature;
%ignore cx_kano_result;
%ignore cx_ipa_quadrants;

%include <cxkit/drivers.h>
