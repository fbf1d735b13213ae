-- Estimate the ECSI model on the mobile-phone data from Lua and print the satisfaction index.
-- Run from the source directory; the data live in ../shared/data/mobi (skipped when absent).
local cx = require("cxkit")

local f = io.open("../shared/data/mobi/mobi.csv", "r")
if not f then
  print("mobi data not found: skipped")
  return
end
local header, data = nil, {}
for line in f:lines() do
  local fields = {}
  for v in (line .. ","):gmatch("([^,]*),") do fields[#fields + 1] = v end
  if not header then
    header = fields
    for _, h in ipairs(header) do data[h] = {} end
  else
    for i, h in ipairs(header) do data[h][#data[h] + 1] = tonumber(fields[i]) end
  end
end
f:close()

local mf = assert(io.open("examples/data/ecsi_model.txt", "r"))
local syntax = mf:read("a")
mf:close()

local res = cx.pls.estimate(syntax, data, { scale = { 1, 10 } })
for _, c in ipairs(res.constructs) do
  print(string.format("%-14s index %6.2f  R2 %s", c, res.index[c],
                      res.rsquared[c] and string.format("%.3f", res.rsquared[c]) or "-"))
end
local boot = res:bootstrap({ n_boot = 500, seed = 1 })
local s = boot:summary("index", "Satisfaction")
print(string.format("Satisfaction index %.2f, 95%% BCa [%.2f, %.2f]", s.original, s.bca_lo,
                    s.bca_hi))
