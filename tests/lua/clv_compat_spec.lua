-- lifetimes' names on Lua tables (bindings/lua/cxkit/clv_lifetimes.lua): lifetimes' Quickstart
-- run on tables against its published output, the table of names, return types, and the added
-- computations against independent checks (hand-made summaries, the conditional pmf's sum and
-- mean). The same table as tests/python/test_clv_compat.py.
local cx = require("cxkit")

local root = os.getenv("CX_SOURCE_DIR") or "."
local DATA = root .. "/bindings/python/cxkit/data/"

local function near(a, b, tol) return math.abs(a - b) <= tol end

describe("cxkit.clv with lifetimes' names", function()
  local data = cx.clv.read_csv(DATA .. "cdnow_customers_summary.csv")
  local tx = cx.clv.read_csv(DATA .. "example_transactions.csv")

  it("runs the Quickstart's BG/NBD on CDNOW as published", function()
    assert.are.equal(2357, #data.ID)
    local bgf = cx.clv.BetaGeoFitter({ penalizer_coef = 0.0 })
    bgf:fit(data.frequency, data.recency, data.T)
    assert.are.equal("<cxkit.clv.BetaGeoFitter: fitted with 2357 subjects, a: 0.79, "
                     .. "alpha: 4.41, b: 2.43, r: 0.24>", tostring(bgf))
    local want = { r = { 0.242593, 0.012557, 0.217981, 0.267205 },
                   alpha = { 4.413532, 0.378221, 3.672218, 5.154846 },
                   a = { 0.792886, 0.185719, 0.428877, 1.156895 },
                   b = { 2.425752, 0.705345, 1.043276, 3.808229 } }
    for k, w in pairs(want) do
      local s = bgf.summary[k]
      assert.is_true(near(s.coef, w[1], 3e-6) and near(s.se, w[2], 3e-6), k)
      assert.is_true(near(s.lower, w[3], 3e-6) and near(s.upper, w[4], 3e-6), k)
      assert.are.equal(s.se, bgf.standard_errors_[k])
      assert.is_true(near(bgf.variance_matrix_[k][k], s.se ^ 2, 1e-12))
    end
    -- the five best customers for the next week
    local p = bgf:conditional_expected_number_of_purchases_up_to_time(1, data.frequency,
                                                                       data.recency, data.T)
    local order = {}
    for i = 1, #p do order[i] = i end
    table.sort(order, function(i, j) return p[i] > p[j] end)
    local ids, vals = { 1516, 157, 1981, 841, 509 }, { 0.710623, 0.662396, 0.486526, 0.474738,
                                                      0.424877 }
    for j = 1, 5 do
      assert.are.equal(ids[j], data.ID[order[j]])
      assert.is_true(near(p[order[j]], vals[j], 2e-6))
    end
    local m = bgf:conditional_probability_alive_matrix()
    assert.are.equal(39, #m)
    assert.are.equal(30, #m[1])
    assert.are.equal(1.0, m[11][1])
  end)

  it("summarises the Quickstart's transactions and predicts as published", function()
    local s = cx.clv.summary_data_from_transaction_data(tx, "id", "date",
                                                        { observation_period_end = "2014-12-31" })
    local want = { { 0, 0, 298 }, { 0, 0, 224 }, { 6, 142, 292 }, { 0, 0, 147 }, { 2, 9, 183 } }
    for i = 1, 5 do
      assert.are.equal(i - 1, s.id[i])
      assert.are.same(want[i], { s.frequency[i], s.recency[i], s.T[i] })
    end
    local bgf = cx.clv.BetaGeoFitter():fit(s.frequency, s.recency, s.T)
    assert.are.equal("<cxkit.clv.BetaGeoFitter: fitted with 5000 subjects, a: 1.85, "
                     .. "alpha: 1.86, b: 3.18, r: 0.16>", tostring(bgf))
    local c = cx.clv.calibration_and_holdout_data(tx, "id", "date", "2014-09-01",
                                                  { observation_period_end = "2014-12-31" })
    local cw = { { 0, 0, 177, 0, 121 }, { 0, 0, 103, 0, 121 }, { 6, 142, 171, 0, 121 },
                 { 0, 0, 26, 0, 121 }, { 2, 9, 62, 0, 121 } }
    for i = 1, 5 do
      assert.are.same(cw[i], { c.frequency_cal[i], c.recency_cal[i], c.T_cal[i],
                               c.frequency_holdout[i], c.duration_holdout[i] })
    end
    bgf:fit(c.frequency_cal, c.recency_cal, c.T_cal) -- with customers of age 0, as lifetimes
    local one = bgf:predict(10, s.frequency[21], s.recency[21], s.T[21])
    assert.are.equal("number", type(one))
    assert.is_true(near(one, 0.0576511, 1e-7))
  end)

  it("fits Gamma-Gamma and values customers as the Quickstart", function()
    local m = cx.clv.read_csv(root .. "/tests/data/cdnow/cdnow_customers_summary_with_transactions.csv")
    local f, mv = {}, {}
    for i = 1, #m.x do
      if m.x[i] > 0 then table.insert(f, m.x[i]); table.insert(mv, m.zbar[i]) end
    end
    local gg = cx.clv.GammaGammaFitter({ penalizer_coef = 0 }):fit(f, mv)
    assert.are.equal("<cxkit.clv.GammaGammaFitter: fitted with 946 subjects, p: 6.25, "
                     .. "q: 3.74, v: 15.45>", tostring(gg))
    local pr = gg:conditional_expected_average_profit(m.x, m.zbar)
    local want = { 24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489,
                   35.170981, 27.282408, 35.170981 }
    for i = 1, 10 do assert.is_true(near(pr[i], want[i], 1e-6 * want[i]), i) end
    local bgf = cx.clv.BetaGeoFitter():fit(m.x, m.t_x, m.T)
    local clv = gg:customer_lifetime_value(bgf, m.x, m.t_x, m.T, m.zbar, 12, 0.01)
    local cw = { 140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683,
                 38.180574, 167.418216, 38.180574 }
    for i = 1, 10 do assert.is_true(near(clv[i], cw[i], 1e-6 * cw[i]), i) end
    -- per-month discounting with freq the unit of T: by hand for one customer, weeks
    local by_hand, prev = 0, 0
    for k = 1, 3 do
      local cur = bgf:predict(4.345 * k, m.x[1], m.t_x[1], m.T[1])
      by_hand = by_hand + pr[1] * (cur - prev) / 1.02 ^ k
      prev = cur
    end
    local got = gg:customer_lifetime_value(bgf, m.x[1], m.t_x[1], m.T[1], m.zbar[1], 3, 0.02, "W")
    assert.is_true(near(got, by_hand, 1e-12 * by_hand))
    -- a customer of age 0 is valued as a new customer, the others as before
    local two = gg:customer_lifetime_value(bgf, { 0, m.x[1] }, { 0, m.t_x[1] }, { 0, m.T[1] },
                                           { 20, m.zbar[1] }, 3, 0.02, "W")
    local new, last = 0, 0
    for k = 1, 3 do
      local cur = bgf:expected_number_of_purchases_up_to_time(4.345 * k)
      new = new + gg:conditional_expected_average_profit(0, 20) * (cur - last) / 1.02 ^ k
      last = cur
    end
    assert.is_true(near(two[1], new, 1e-12 * new))
    assert.are.equal(got, two[2])
  end)

  it("has lifetimes' names on every fitter", function()
    local common = { "fit", "_unload_params", "set_params" }
    local continuous = { "conditional_expected_number_of_purchases_up_to_time", "predict",
                         "conditional_probability_alive", "conditional_probability_alive_matrix",
                         "expected_number_of_purchases_up_to_time",
                         "probability_of_n_purchases_up_to_time", "generate_new_data" }
    local names = {
      BetaGeoFitter = continuous, ModifiedBetaGeoFitter = continuous,
      ParetoNBDFitter = { "conditional_probability_of_n_purchases_up_to_time",
                          "discounted_expected_residual_transactions", table.unpack(continuous) },
      BetaGeoBetaBinomFitter = { "conditional_expected_number_of_purchases_up_to_time",
                                 "conditional_probability_alive",
                                 "expected_number_of_transactions_in_first_n_periods" },
      GammaGammaFitter = { "conditional_expected_average_profit", "customer_lifetime_value" },
    }
    for cls, methods in pairs(names) do
      local obj = cx.clv[cls]()
      assert.are.equal(0, obj.penalizer_coef)
      for _, m in ipairs(common) do assert.is_function(obj[m], cls .. "." .. m) end
      for _, m in ipairs(methods) do assert.is_function(obj[m], cls .. "." .. m) end
      assert.are.equal("<cxkit.clv." .. cls .. ">", tostring(obj))
    end
    for _, fn in ipairs({ "summary_data_from_transaction_data", "calibration_and_holdout_data",
                          "read_csv" }) do
      assert.is_function(cx.clv[fn])
    end
    assert.has_error(function() cx.clv.BetaGeoFitter():_unload_params("r") end)
  end)

  it("returns numbers for numbers and columns for columns, broadcasting", function()
    local bgf = cx.clv.BetaGeoFitter():set_params({ r = 0.243, alpha = 4.414, a = 0.793,
                                                    b = 2.426 })
    assert.is_true(near(bgf:conditional_probability_alive(2, 30.43, 38.86), 0.7266, 1e-4))
    local col = bgf:conditional_probability_alive({ 1, 2, 3 }, 30.43, 38.86)
    assert.are.equal(3, #col)
    assert.are.equal(bgf:conditional_probability_alive(2, 30.43, 38.86), col[2])
    assert.are.equal("number", type(bgf:expected_number_of_purchases_up_to_time(39)))
    assert.are.equal(2, #bgf:expected_number_of_purchases_up_to_time({ 10, 39 }))
    -- age 0: a new customer
    assert.are.equal(1.0, bgf:conditional_probability_alive(0, 0, 0))
    assert.is_true(near(bgf:predict(10, 0, 0, 0), bgf:expected_number_of_purchases_up_to_time(10),
                        1e-14))
    local sim = bgf:generate_new_data(50, 38.86, 1)
    assert.are.equal(50, #sim.frequency)
    -- lifetimes' positional weights (grouped customers) equal the ungrouped fit
    local f = cx.clv.BetaGeoFitter():fit(data.frequency, data.recency, data.T)
    local rows, gx, gr, gT, gw = {}, {}, {}, {}, {}
    for i = 1, #data.frequency do
      local key = data.frequency[i] .. ":" .. data.recency[i] .. ":" .. data.T[i]
      if not rows[key] then
        gx[#gx + 1] = data.frequency[i]
        gr[#gx], gT[#gx], gw[#gx] = data.recency[i], data.T[i], 0
        rows[key] = #gx
      end
      gw[rows[key]] = gw[rows[key]] + 1
    end
    assert.is_true(#gx < #data.frequency)
    local g = cx.clv.BetaGeoFitter():fit(gx, gr, gT, gw)
    for _, k in ipairs(f.params_names) do
      assert.is_true(near(f.params_[k], g.params_[k], 1e-6 * f.params_[k]), k)
    end
  end)

  it("gives the Pareto/NBD conditional pmf (sums to 1, conditional mean)", function()
    local pn = cx.clv.ParetoNBDFitter():fit(data.frequency, data.recency, data.T)
    for _, c in ipairs({ { 0, 0, 38.86 }, { 2, 30.43, 38.86 }, { 29, 37.71, 38 } }) do
      local sum, mean = 0, 0
      for n = 0, 300 do
        local p = pn:conditional_probability_of_n_purchases_up_to_time(n, 39, c[1], c[2], c[3])
        sum, mean = sum + p, mean + n * p
      end
      assert.is_true(near(sum, 1, 1e-10))
      assert.is_true(near(mean, pn:predict(39, c[1], c[2], c[3]), 1e-9 * mean))
    end
    for k = 0, 3 do -- seen for an instant: the C library's unconditional pmf
      local got = pn:conditional_probability_of_n_purchases_up_to_time(k, 39, 0, 0, 1e-9)
      local want = pn:probability_of_n_purchases_up_to_time(39, k)
      assert.is_true(near(got, want, 1e-6 * want))
    end
  end)

  it("summarises with pandas' weeks and the first transaction as lifetimes", function()
    -- 2014-01-05 is a Sunday: W (= W-SUN) weeks start on Mondays, W-WED weeks on Thursdays
    local t = { id = { "a", "a", "b" }, date = { "2014-01-05", "2014-01-06", "2014-01-02" },
                amount = { 10, 20, 5 } }
    local w = cx.clv.summary_data_from_transaction_data(t, "id", "date",
      { observation_period_end = "2014-01-20", freq = "W", monetary_value_col = "amount" })
    assert.are.same({ "a", "b" }, w.id)
    assert.are.same({ 1, 0 }, w.frequency)
    assert.are.same({ 3, 3 }, w.T) -- both first bought in the week of 2013-12-30; end: 01-20
    assert.are.same({ 20, 0 }, w.monetary_value)
    local thu = cx.clv.summary_data_from_transaction_data(t, "id", "date",
      { observation_period_end = "2014-01-20", freq = "W-WED" })
    assert.are.same({ 0, 0 }, thu.frequency)
    local first = cx.clv.summary_data_from_transaction_data(t, "id", "date",
      { observation_period_end = "2014-01-20", freq = "W", monetary_value_col = "amount",
        include_first_transaction = true })
    assert.are.same({ 2, 1 }, first.frequency)
    assert.are.same({ 15, 5 }, first.monetary_value)
  end)

  it("penalises as lifetimes (times over max T) and answers in the data's unit", function()
    -- lifetimes' penalised objective (penalizer_coef 0.01) minimised with scipy: see
    -- tests/python/test_clv_compat.py::test_penalised_fits_minimise_lifetimes_objective
    local want = {
      BetaGeoFitter = { r = 0.24294033, alpha = 4.43243709, a = 0.28564151, b = 0.65845352 },
      ParetoNBDFitter = { r = 0.55330558, alpha = 10.57765885, s = 0.60565464,
                          beta = 11.65005091 },
    }
    for cls, w in pairs(want) do
      local m = cx.clv[cls]({ penalizer_coef = 0.01 }):fit(data.frequency, data.recency, data.T)
      for k, v in pairs(w) do assert.is_true(near(m.params_[k], v, 2e-4 * v), cls .. " " .. k) end
      local known = cx.clv[cls]():set_params(m.params_)
      assert.is_true(near(m:predict(10, 2, 30.43, 38.86), known:predict(10, 2, 30.43, 38.86),
                          1e-12))
      assert.is_true(near(m:conditional_probability_alive(2, 30.43, 38.86),
                          known:conditional_probability_alive(2, 30.43, 38.86), 1e-12))
      assert.is_true(near(m:expected_number_of_purchases_up_to_time(39),
                          known:expected_number_of_purchases_up_to_time(39), 1e-12))
      assert.is_true(m.standard_errors_.alpha > 0)
      assert.is_true(near(m.variance_matrix_.alpha.alpha, m.standard_errors_.alpha ^ 2, 1e-9))
    end
  end)

  it("fits BG/BB to the donations with lifetimes' names", function()
    local don = cx.clv.read_csv(root .. "/tests/data/cdnow/donations.csv")
    local bb = cx.clv.BetaGeoBetaBinomFitter():fit(don.frequency, don.recency, don.periods,
                                                   { weights = don.weights })
    local want = { alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783 }
    for k, v in pairs(want) do assert.is_true(near(bb.params_[k], v, 6e-4), k) end
    local tab = bb:expected_number_of_transactions_in_first_n_periods(6)
    local total = 0
    for _, v in ipairs(tab.model) do total = total + v end
    assert.is_true(near(total, 11104, 1e-6))
    assert.are.equal("number", type(bb:conditional_probability_alive(1, 3, 5, 6)))
  end)

  it("fits customers of age 0 and gives their DERT and intervals as a new customer's", function()
    local f, r, T = {}, {}, {}
    for i = 1, #data.frequency do f[i], r[i], T[i] = data.frequency[i], data.recency[i], data.T[i] end
    for _ = 1, 5 do f[#f + 1], r[#r + 1], T[#T + 1] = 0, 0, 0 end
    local pn = cx.clv.ParetoNBDFitter():fit(data.frequency, data.recency, data.T)
    local pz = cx.clv.ParetoNBDFitter():fit(f, r, T)
    for _, k in ipairs(pn.params_names) do
      assert.is_true(near(pz.params_[k], pn.params_[k], 1e-12 * pn.params_[k]), k)
    end
    -- DERT of a new customer: integral of e^(-delta t) (r / alpha) (beta / (beta + t))^s
    -- (Simpson's rule; the discount rate d per time unit is delta = ln(1 + d))
    local p, d = pn.params_, 0.05
    local delta, steps, hi = math.log(1 + d), 200000, 1200
    local h, sum = hi / steps, 0
    for i = 0, steps do
      local t = i * h
      local v = math.exp(-delta * t) * p.r / p.alpha * (p.beta / (p.beta + t)) ^ p.s
      sum = sum + v * ((i == 0 or i == steps) and 1 or (i % 2 == 1) and 4 or 2)
    end
    local dert = pn:discounted_expected_residual_transactions(0, 0, 0, d)
    assert.is_true(near(dert, sum * h / 3, 1e-9 * dert))
    local born = { frequency = { 0 }, recency = { 0 }, T = { 0 } }
    for _, iv in ipairs({ pn.model:dert_interval(d, born), pn.model:predict_interval(39, born),
                          pn.model:p_alive_interval(born) }) do
      assert.is_true(iv.se[1] >= 0 and iv.lower[1] <= iv.estimate[1]
                     and iv.estimate[1] <= iv.upper[1])
    end
    assert.is_true(near(pn.model:dert_interval(d, born).estimate[1], dert, 1e-15 * dert))
    assert.is_true(pn.model:predict_interval(39, born).se[1] > 0)
    assert.has_error(function() pn:predict(39, 1, 0, 0) end)
  end)
end)
