-- The simulator from Lua: parameters, runs, a Lua plugin rule, plugin errors.
local cx = require("cxkit")

local function scenario()
  local p = cx.sim_params_new()
  cx.sim_params_set(p, "customers", 600)
  cx.sim_params_set(p, "periods", 6)
  cx.sim_params_set(p, "employees", 20)
  return p
end

local function options(seed)
  local o = cx.sim_options()
  cx.sim_options_init(o, cx.CX_SIM_OPTIONS_VERSION)
  o.seed = seed
  o.record_interactions = 0
  o.record_transactions = 0
  return o
end

describe("cxkit sim", function()
  it("names a bad parameter", function()
    local p = cx.sim_params_new()
    assert.has_error(function() cx.sim_params_set(p, "culture", 3) end)
    assert.are.equal("culture", cx.error_last().param)
  end)

  it("runs and returns series as tables", function()
    local r = cx.sim_run(scenario(), options(3))
    local csat = cx.sim_result_series(6, r, cx.CX_SIM_SERIES_CSAT)
    assert.are.equal(6, #csat)
    for _, v in ipairs(csat) do assert.is_true(v >= 1 and v <= 5) end
  end)

  it("hands the recorded interactions over as a cxkit log", function()
    local o = options(4)
    o.record_interactions = 1
    local r = cx.sim_run(scenario(), o)
    local log = cx.sim_result_to_log(r)
    assert.are.equal(cx.sim_result_interaction_count(r), cx.log_rows(log))
    assert.are.equal(cx.sim_result_stat(r, cx.CX_SIM_STAT_INTERACTIONS), cx.log_rows(log))
  end)

  it("gives a touchpoint its own channel mix and add-on sales", function()
    local p = scenario()
    cx.sim_params_clear_touchpoints(p)
    cx.sim_params_add_touchpoint(p, "shop", 1, 0.2, 0.02)
    cx.sim_params_set_touchpoint_channels(p, "shop", {0, 0, 1, 0, 0}) -- chat only
    cx.sim_params_set_touchpoint_sales(p, "shop", 1)
    local o = options(6)
    o.record_interactions = 1
    local r = cx.sim_run(p, o)
    local log = cx.sim_result_to_log(r)
    local n = cx.log_rows(log)
    assert.is_true(n > 100)
    assert.are.equal(n, cx.log_count_present(log, cx.CX_FIELD_SPEND)) -- every contact buys
    local ch = cx.log_get_f64(n, log, cx.CX_FIELD_CHANNEL)
    for i = 1, n do assert.are.equal(cx.CX_CHANNEL_CHAT, ch[i]) end
    assert.has_error(function() cx.sim_params_set_touchpoint_sales(p, "nosuch", 0.5) end)
    assert.are.equal("touchpoint", cx.error_last().param)
  end)

  it("lets a Lua function replace the churn rule", function()
    local p = scenario()
    cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_CHURN, "lua:no-churn", function(...) return 0 end)
    local r = cx.sim_run(p, options(5))
    local active = cx.sim_result_series(6, r, cx.CX_SIM_SERIES_ACTIVE)
    assert.are.equal(600, active[6]) -- nobody leaves
  end)

  it("stops with the plugin's error or a NaN, naming the plugin", function()
    local p = scenario()
    cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_CHURN, "lua:broken", function() error("no way") end)
    assert.has_error(function() cx.sim_run(p, options(1)) end, nil)
    local ok0, err0 = pcall(cx.sim_run, p, options(1))
    assert.is_false(ok0)
    assert.matches("no way", tostring(err0), 1, true) -- the plugin's own error value wins
    assert.are.equal("lua:broken", cx.error_last().param) -- and the detail names the plugin
    cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_CHURN, "lua:nan", function() return 0 / 0 end)
    local ok, err = pcall(cx.sim_run, p, options(1))
    assert.is_false(ok)
    assert.matches("lua:nan", err, 1, true)
  end)
end)
