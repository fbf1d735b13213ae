-- Switching from lifetimes in Lua: the Quickstart's BG/NBD and Gamma-Gamma steps on tables,
-- with lifetimes' names (cx.clv.BetaGeoFitter, ...). Run from the source tree
-- (ctest examples.lua.clv_switch_from_lifetimes).
local cx = require("cxkit")
local root = os.getenv("CX_SOURCE_DIR") or "."
local data_dir = root .. "/bindings/python/cxkit/data/"

local data = cx.clv.read_csv(data_dir .. "cdnow_customers_summary.csv")
local bgf = cx.clv.BetaGeoFitter({ penalizer_coef = 0 }):fit(data.frequency, data.recency, data.T)
print(bgf) -- <cxkit.clv.BetaGeoFitter: fitted with 2357 subjects, a: 0.79, alpha: 4.41, ...>
for _, k in ipairs(bgf.params_names) do
  local s = bgf.summary[k]
  print(string.format("%-6s %9.6f  se %8.6f  [%9.6f, %9.6f]", k, s.coef, s.se, s.lower, s.upper))
end
print("P(alive) of customer 1:", bgf:conditional_probability_alive(2, 30.43, 38.86))

local tx = cx.clv.read_csv(data_dir .. "example_transactions.csv")
local summary = cx.clv.summary_data_from_transaction_data(tx, "id", "date",
  { observation_period_end = "2014-12-31" })
bgf:fit(summary.frequency, summary.recency, summary.T)
print(bgf) -- fitted with 5000 subjects, a: 1.85, alpha: 1.86, b: 3.18, r: 0.16

local m = cx.clv.read_csv(root .. "/tests/data/cdnow/cdnow_customers_summary_with_transactions.csv")
local f, mv = {}, {}
for i = 1, #m.x do
  if m.x[i] > 0 then table.insert(f, m.x[i]); table.insert(mv, m.zbar[i]) end
end
local ggf = cx.clv.GammaGammaFitter():fit(f, mv)
bgf:fit(m.x, m.t_x, m.T)
local clv = ggf:customer_lifetime_value(bgf, m.x, m.t_x, m.T, m.zbar, 12, 0.01)
print(ggf, "CLV of customers 1..3:", clv[1], clv[2], clv[3]) -- 140.096, 18.943, 38.181
