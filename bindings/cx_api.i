/* cx_api.i: the language-neutral API, shared by every language entry. Core headers first, then the
 * generated list of bindings/modules/*.i (one file per module; no shared edit to add one). */

%ignore cx_free;          /* scripts never free library memory by hand */
%immutable cx_error;      /* read-only view of the thread's last error */
%immutable;
%include <cxkit/common.h>
%include <cxkit/version.h>
%include <cxkit/errors.h>
%mutable;

%include "selftest.i"

%include "cx_modules.i"
