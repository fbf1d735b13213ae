/* Entry of the Lua 5.4 module cxkit (cxkit.so). Order matters: head, language, macros, API.
 * Lua names drop the cx_ prefix: cxkit.version_string(), cxkit.log_new(). */
%module cxkit
%rename(error_info) cx_error; /* "error" is a Lua builtin */
%rename("%(strip:[cx_])s", regexmatch$name="^cx_[^_]") "";
%include "cx_head.i"
%include "cx_lua.i"
%include "cx_macros.i"
%include "cx_api.i"

%{
#include "cx_lua_layers.h"

/* Run the embedded Lua layer (bindings/lua/cxkit/*.lua), each chunk called with the module
 * table; a broken layer makes require() fail with its message. */
static void cx_lua_run_layers(lua_State *L, int module)
{
    for (size_t i = 0; cx_lua_layers[i].name; i++) {
        if (luaL_loadbufferx(L, cx_lua_layers[i].code, cx_lua_layers[i].len,
                             cx_lua_layers[i].name, "t") != LUA_OK)
            lua_error(L);
        lua_pushvalue(L, module);
        lua_call(L, 1, 0);
    }
}
%}
%init %{
cx_lua_run_layers(L, lua_gettop(L));
%}
