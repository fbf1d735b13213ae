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
  local function contacted(extra)
    local p = scenario()
    cx.sim_params_set(p, "contact_rate", 1)
    if extra then extra(p) end
    return p
  end

  it("lets Lua functions replace the loyalty, learning and satisfaction rules", function()
    local p = contacted()
    cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_LOYALTY, "lua:devoted", function() return 1, 1 end)
    local r = cx.sim_run(p, options(6))
    for _, v in ipairs(cx.sim_result_series(6, r, cx.CX_SIM_SERIES_BOND)) do assert.are.equal(1, v) end
    -- learning: training raises attentiveness; a rule that learns nothing undoes exactly that
    local att = function(q) return cx.sim_result_series(6, cx.sim_run(q, options(6)), cx.CX_SIM_SERIES_ATTENTIVENESS) end
    local plain = att(contacted())
    local trained = contacted(function(q) cx.sim_params_add_intervention(q, cx.CX_SIM_LEVER_TRAINING, 0, 0, 1) end)
    assert.is_true(att(trained)[6] > plain[6] + 0.01)
    cx.sim_params_set_script_rule(trained, cx.CX_SIM_RULE_LEARNING, "lua:frozen", function(skill) return skill end)
    assert.are.same(plain, att(trained))
    local d = contacted()
    cx.sim_params_set_script_rule(d, cx.CX_SIM_RULE_SATISFACTION, "lua:delight", function() return 1 end)
    for _, v in ipairs(cx.sim_result_series(6, cx.sim_run(d, options(6)), cx.CX_SIM_SERIES_CSAT)) do
      assert.are.equal(5, v)
    end
  end)

  it("gives the same series whatever the number of threads", function()
    local runs = {}
    for _, threads in ipairs({1, 3}) do
      local o = options(8)
      o.threads = threads
      local r = cx.sim_run(contacted(function(q) cx.sim_params_set(q, "customers", 2500) end), o)
      runs[threads] = cx.sim_result_series(6, r, cx.CX_SIM_SERIES_REVENUE)
    end
    assert.are.same(runs[1], runs[3])
  end)

  it("names bad interventions, touchpoints and inconsistent scenarios", function()
    local p = scenario()
    assert.has_error(function() cx.sim_params_add_intervention(p, cx.CX_SIM_LEVER_COACHING, 2, 0, 5) end)
    assert.are.equal("magnitude", cx.error_last().param)
    assert.has_error(function() cx.sim_params_add_touchpoint(p, "late", 1, 1.5, 0) end)
    assert.are.equal("emotional_weight", cx.error_last().param)
    cx.sim_params_set(p, "mix_phone", 0.6)
    assert.has_error(function() cx.sim_run(p, options(1)) end)
    assert.matches("^mix_", cx.error_last().param)
  end)

  it("names a plugin that returns an out-of-range value", function()
    local p = scenario()
    cx.sim_params_set_script_rule(p, cx.CX_SIM_RULE_LOYALTY, "lua:too-loyal", function() return 1.5, 0.5 end)
    local ok, err = pcall(cx.sim_run, p, options(1))
    assert.is_false(ok)
    assert.matches("lua:too-loyal", err, 1, true)
  end)
  -- Parameter recovery (docs/simulator.md): with a linear satisfaction response and rating noise
  -- spanning one rating point, employees' self-ratings exceed customers' CSAT by exactly
  -- 5 x self_bias_mean on contacts whose performance stays in [0.2, 0.8]; cxkit's paired gap on
  -- the simulator's log recovers it.
  it("recovers the self-assessment bias as the perception gap of the log", function()
    local p = cx.sim_params_new()
    local set = {customers = 2000, periods = 5, employees = 40, contact_rate = 1,
                 rating_sd = 1 / (5 * math.sqrt(6)), perf_sd = 0.02, behaviour_sd = 0.15,
                 sat_base = 0.5, sat_expectation = 0, sat_gain_pos = 1, sat_gain_neg = 1,
                 self_bias_mean = 0.12, self_bias_sd = 0, perf_effort = 0, expectation_sd = 0,
                 expectation_adapt = 0, segment_expectation_step = 0, mix_self_service = 0,
                 mix_in_person = 0.4, mix_phone = 0.3, mix_chat = 0.2, mix_email = 0.1}
    for k, v in pairs(set) do cx.sim_params_set(p, k, v) end
    cx.sim_params_clear_touchpoints(p)
    cx.sim_params_add_touchpoint(p, "contact", 1, 0.5, 0)
    local o = options(4)
    o.record_interactions = 1
    local log = cx.sim_result_to_log(cx.sim_run(p, o))
    local n = cx.log_rows(log)
    local col = function(f) return cx.log_get_f64(n, log, f) end
    local a, m, u = col(cx.CX_FIELD_ATTENTIVENESS), col(cx.CX_FIELD_EMPATHY), col(cx.CX_FIELD_AUTHENTICITY)
    local self, csat = col(cx.CX_FIELD_SELF_RATING), col(cx.CX_FIELD_CSAT)
    local half = math.sqrt(6) * 0.02 + 0.005
    local sa, sb = {}, {}
    for i = 1, n do
      local perf = 0.1 + 0.45 * a[i] + 0.2 * m[i] + 0.25 * u[i]
      if perf - half >= 0.2 and perf + half + 0.12 <= 0.8 then
        sa[#sa + 1], sb[#sb + 1] = self[i], csat[i]
      end
    end
    assert.is_true(#sa > 5000)
    local g = cx.scores.gap(sa, sb, 5, 0.99)
    assert.is_true(g.lo <= 0.6 and 0.6 <= g.hi, string.format("gap %g [%g, %g]", g.gap, g.lo, g.hi))
  end)
  -- What-if with a known effect: talking with customers (att_focus 0) lowers employees'
  -- self-assessment bias by talk_bias_reduction x 0.5, so with linear ratings the perception gap
  -- falls by 5 x 0.1 x 0.6 x 0.5 = 0.15; customers' CSAT does not move (common random numbers).
  it("compares a what-if with Monte Carlo intervals that cover a known effect", function()
    local function linear()
      local p = cx.sim_params_new()
      local set = {customers = 1500, periods = 8, employees = 40, contact_rate = 1,
                   rating_sd = 1 / (5 * math.sqrt(6)), perf_sd = 0.02, perf_base = 0.05,
                   sat_base = 0.5, sat_expectation = 0, sat_gain_pos = 1, sat_gain_neg = 1,
                   self_bias_mean = 0.1, self_bias_sd = 0, att_focus = 0, perf_effort = 0,
                   expectation_sd = 0,
                   expectation_adapt = 0, segment_expectation_step = 0, mix_self_service = 0,
                   mix_in_person = 0.4, mix_phone = 0.3, mix_chat = 0.2, mix_email = 0.1}
      for k, v in pairs(set) do cx.sim_params_set(p, k, v) end
      cx.sim_params_clear_touchpoints(p)
      cx.sim_params_add_touchpoint(p, "contact", 1, 0.5, 0)
      return p
    end
    local base, alt = linear(), linear()
    cx.sim_params_add_intervention(alt, cx.CX_SIM_LEVER_CUSTOMER_TALK, 0, 0, 0.5)
    local c = cx.sim_compare(base, alt, 6, options(13))
    assert.are.equal(8, cx.sim_comparison_periods(c))
    local part = function(series, which) return cx.sim_comparison_diff_part(8, c, series, 0.99, which) end
    local m, lo, hi = part(cx.CX_SIM_SERIES_PERCEPTION_GAP, 0), part(cx.CX_SIM_SERIES_PERCEPTION_GAP, 1),
                      part(cx.CX_SIM_SERIES_PERCEPTION_GAP, 2)
    local covered, mean = 0, 0
    for t = 1, 8 do
      if lo[t] <= -0.15 and -0.15 <= hi[t] then covered = covered + 1 end
      mean = mean + m[t] / 8
    end
    assert.is_true(covered >= 6, "covered " .. covered)
    assert.is_true(math.abs(mean + 0.15) < 0.02, "mean difference " .. mean)
    for _, d in ipairs(part(cx.CX_SIM_SERIES_CSAT, 0)) do assert.are.equal(0, d) end
  end)
end)
