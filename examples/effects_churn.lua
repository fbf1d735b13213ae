-- Loyalty effects from Lua: a log-level analysis and a Kaplan-Meier curve on tables.
local cx = require("cxkit")
local fx = cx.effects

local res = fx.analyse("touchpoints", "examples/data/effects_interactions.csv",
  "examples/data/effects_transactions.csv")
print(res.title)
for _, r in ipairs(res.rows) do
  print(string.format("%-12s rank %d  log-odds %.2f [%.2f, %.2f]", r.touchpoint, r.rank,
    r.retention_logodds, r.lower, r.upper))
end

local rows, median = fx.kaplan_meier({ 5, 8, 8, 12, 16, 23, 27 }, { 1, 1, 1, 1, 0, 1, 1 })
for _, r in ipairs(rows) do
  print(string.format("t = %3d  S = %.3f  [%.3f, %.3f]", r.time, r.surv, r.lower, r.upper))
end
print("median", median)
