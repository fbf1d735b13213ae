-- Customer-base analysis of the CDNOW summary on Lua tables: BG/NBD and Pareto/NBD fits,
-- P(alive) and expected purchases. Run from the source tree (ctest examples.lua.clv_cdnow).
local cx = require("cxkit")

local d = { frequency = {}, recency = {}, T = {}, monetary_value = {} }
local f = assert(io.open("tests/data/cdnow/cdnow_customers_summary_with_transactions.csv"))
f:read("l")
for line in f:lines() do
  local _, x, tx, T, m = line:match("([^,]+),([^,]+),([^,]+),([^,]+),([^,]+)")
  table.insert(d.frequency, tonumber(x))
  table.insert(d.recency, tonumber(tx))
  table.insert(d.T, tonumber(T))
  table.insert(d.monetary_value, tonumber(m))
end
f:close()

local bg = cx.clv.fit("bgnbd", d)
print(string.format("BG/NBD r %.4f alpha %.4f a %.4f b %.4f  LL %.2f",
  bg.params.r, bg.params.alpha, bg.params.a, bg.params.b, bg.loglik))
local pn = cx.clv.fit("pareto", d)
print(string.format("Pareto/NBD r %.4f alpha %.4f s %.4f beta %.4f  LL %.2f",
  pn.params.r, pn.params.alpha, pn.params.s, pn.params.beta, pn.loglik))

local alive = bg:p_alive(d)
local next39 = bg:predict(39, d)
for i = 1, 5 do
  print(string.format("customer %d: x %d, P(alive) %.3f, next 39 weeks %.3f", i, d.frequency[i],
    alive[i], next39[i]))
end
