-- A Lua plugin for the simulator: a custom service-recovery rule. Customers whose problem is
-- resolved with a high-quality recovery are delighted (satisfaction 0.95) even after a repeat or
-- severe failure -- a more generous rule than the research supports (docs/simulator.md) -- and the
-- example shows how CSAT for recovered contacts moves against the built-in rule.
local cx = require("cxkit")

local function scenario()
  local p = cx.sim_params_new()
  cx.sim_params_set(p, "customers", 2000)
  cx.sim_params_set(p, "periods", 12)
  cx.sim_params_set(p, "employees", 40)
  return p
end

local function run(p)
  local o = cx.sim_options()
  cx.sim_options_init(o, cx.CX_SIM_OPTIONS_VERSION)
  o.seed = 7
  o.record_interactions = 0
  o.record_transactions = 0
  return cx.sim_run(p, o)
end

-- inputs: expectation, performance, weight, problem, resolved, quality, first, severe, default
local function generous_recovery(e, perf, w, problem, resolved, quality, first, severe, default)
  if problem == 1 and resolved == 1 and quality >= 0.6 then
    return 0.95
  end
  return default
end

local p = scenario()
local before = run(p)
cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_SATISFACTION, "lua:generous_recovery",
  generous_recovery)
local after = run(p)
local b = cx.sim_result_stat(before, cx.CX_SIM_STAT_CSAT_RECOVERED_OTHER)
local a = cx.sim_result_stat(after, cx.CX_SIM_STAT_CSAT_RECOVERED_OTHER)
print(string.format("CSAT after repeat/severe recovered failures: built-in %.2f, plugin %.2f", b, a))
assert(a > b, "the plugin should raise CSAT for well-recovered failures")
