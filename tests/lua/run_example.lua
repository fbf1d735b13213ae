-- Runs a Lua example against the in-tree module: lua5.4 run_example.lua BUILD_LUA_DIR EXAMPLE [ARGS...]
-- (a script rather than `-e "package.cpath=...;..."`: ctest splits arguments on ';').
package.cpath = arg[1] .. "/?.so;" .. package.cpath
local script = arg[2]
arg = {[0] = script, table.unpack(arg, 3)}
dofile(script)
