/* cx_head.i: first file of every language's entry (python/python.i, lua/lua.i).
 * Brings the public headers into the wrapper and defines away the macros SWIG's parser must not
 * see. It must come first: language typemaps emitted later use cx_status and friends. */
%{
#include <cxkit/cxkit.h>
#include <stdlib.h>
#include <string.h>
%}

/* SWIG does not follow #include; these come from common.h and mean nothing to the parser. */
#define CX_API
#define CX_DEPRECATED(message)
#define CX_PRINTF(fmt, args)
#define CX_BEGIN_DECLS
#define CX_END_DECLS

%include <stdint.i>

/* Names ending in an underscore, and every cx__ internal, stay out of the bindings. */
%rename("$ignore", regexmatch$name="^cx__") "";
