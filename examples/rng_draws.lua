-- Reproducible draws from Lua: the same numbers as C and Python for the same (seed, stream).
local cx = require("cxkit")

local rng = cx.rng(2024, 0)
local waits = rng:gamma(2.0, 1.5, 5)
for i, w in ipairs(waits) do print(string.format("wait %d: %.2f min", i, w)) end
local a, b = cx.rng(2024, 7):normal(0, 1), cx.rng(2024, 7):normal(0, 1)
assert(a == b, "stream 7 not reproduced")
print("customer 7:", a)
