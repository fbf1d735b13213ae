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

-- Intervals: expected purchases of the first customers (delta method, 90%) and their 12-month
-- CLV with a Gamma-Gamma spend model fitted to the repeat customers.
local first = { frequency = {}, recency = {}, T = {}, monetary_value = {} }
for i = 1, 3 do
  for k in pairs(first) do first[k][i] = d[k][i] end
end
local iv = bg:predict_interval(39, first, { level = 0.9 })
local rep = { frequency = {}, monetary_value = {} }
for i = 1, #d.frequency do
  if d.frequency[i] > 0 then
    table.insert(rep.frequency, d.frequency[i])
    table.insert(rep.monetary_value, d.monetary_value[i])
  end
end
local gg = cx.clv.fit("gg", rep)
local clv = cx.clv.lifetime_value_interval(bg, gg, first, { months = 12, units_per_month = 4.345,
                                                            level = 0.9 })
for i = 1, 3 do
  print(string.format("customer %d: next 39 weeks %.3f [%.3f, %.3f], CLV %.2f [%.2f, %.2f]", i,
    iv.estimate[i], iv.lower[i], iv.upper[i], clv.estimate[i], clv.lower[i], clv.upper[i]))
end
