/* bindings/modules/pls.i: PLS path modelling (include/cxkit/pls.h). The Pythonic layer is
 * bindings/python/cxkit/pls.py (pandas tables), the Lua one bindings/lua/cxkit/pls.lua. */
CX_HANDLE(cx_pls_model, cx_pls_model_free)
CX_HANDLE(cx_pls_data, cx_pls_data_free)
CX_HANDLE(cx_pls_fit, cx_pls_fit_free)
CX_HANDLE(cx_pls_boot, cx_pls_boot_free)
%apply (const int64_t *IN_I64, size_t IN_N) { (const int64_t *segments, size_t n_labels) };
%apply (const int64_t *IN_I64, size_t IN_N) { (const int64_t *chain, size_t n_chain) };
%include <cxkit/pls.h>
