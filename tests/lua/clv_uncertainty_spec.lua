-- cxkit.clv intervals on Lua tables: the delta method with covariates against differences of
-- plain-model predictions at each customer's own parameters (computed here), CLV intervals,
-- the bootstrap against the Hessian, and recovery of covariate coefficients.
local cx = require("cxkit")

local BG = { r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 }

-- n customers with a covariate z in [-1.5, 1.5] and ages 27..39, drawn from BG/NBD with
-- alpha_i = alpha exp(-0.6 z) (purchase covariate only).
local function simulate(n, seed)
  local z, T = {}, {}
  for i = 1, n do
    z[i] = -1.5 + 3 * ((i * 7919) % n) / n
    T[i] = 27 + 12 * (i - 1) / n
  end
  local truth = cx.clv.new("bgnbd", BG)
  truth:set_covariates({ z }, nil, { 0.6 })
  local d = truth:sample(T, seed)
  d.z = z
  return d
end

local function own_predict(theta, z, what, c)
  local m = cx.clv.new("bgnbd", { theta[1], theta[2] * math.exp(-theta[5] * z), theta[3],
                                  theta[4] })
  local one = { frequency = { c.x }, recency = { c.tx }, T = { c.T } }
  if what == "predict" then return m:predict(39, one)[1] end
  return m:p_alive(one)[1]
end

describe("cxkit.clv intervals", function()
  local d = simulate(3000, 3)
  local m = cx.clv.fit("bgnbd", d, { purchase = { d.z } })

  it("recovers the covariate coefficient within its standard error", function()
    assert.is_true(math.abs(m.coefs[1] - 0.6) < 4 * m.coef_stderr[1])
    assert.are.same({ "r", "alpha", "a", "b", "coef1" }, m:estimate_names())
  end)

  it("gives delta-method intervals equal to differences at the customers' own parameters", function()
    local V = m:vcov_all()
    local theta = { m.params.r, m.params.alpha, m.params.a, m.params.b, m.coefs[1] }
    local z = { -1.0, 1.5 }
    local cust = { { x = 2, tx = 30.43, T = 38.86 }, { x = 7, tx = 20, T = 35 } }
    local new = m:for_customers({ z })
    local data = { frequency = { 2, 7 }, recency = { 30.43, 20 }, T = { 38.86, 35 } }
    for _, what in ipairs({ "predict", "p_alive" }) do
      local iv = what == "predict" and new:predict_interval(39, data, { level = 0.9 })
                 or new:p_alive_interval(data, { level = 0.9 })
      for i = 1, 2 do
        assert.is_true(math.abs(iv.estimate[i] - own_predict(theta, z[i], what, cust[i]))
                       <= 1e-12 * iv.estimate[i])
        local g = {}
        for j = 1, 5 do
          local up, dn = { table.unpack(theta) }, { table.unpack(theta) }
          local h = 1e-6 * math.max(1, math.abs(theta[j]))
          up[j], dn[j] = theta[j] + h, theta[j] - h
          g[j] = (own_predict(up, z[i], what, cust[i]) - own_predict(dn, z[i], what, cust[i]))
                 / (2 * h)
        end
        local var = 0
        for a = 1, 5 do for b = 1, 5 do var = var + g[a] * g[b] * V[a][b] end end
        assert.is_true(math.abs(iv.se[i] - math.sqrt(var)) <= 1e-4 * math.sqrt(var))
        if what == "predict" then
          assert.is_true(math.abs(iv.upper[i] - iv.estimate[i] - 1.6448536 * iv.se[i])
                         <= 1e-6 * iv.se[i])
        else -- logit scale
          local p, lg = iv.estimate[i], function(v) return math.log(v / (1 - v)) end
          assert.is_true(math.abs(lg(iv.upper[i]) - lg(p) - 1.6448536 * iv.se[i] / (p * (1 - p)))
                         <= 1e-6 * iv.se[i] / (p * (1 - p)))
          assert.is_true(iv.lower[i] > 0 and iv.upper[i] < 1)
        end
      end
    end
  end)

  it("bootstraps with the covariates and agrees with the Hessian", function()
    local draws = m:bootstrap(20, 1)
    assert.are.equal(20, #draws)
    assert.are.equal(5, #draws[1])
    local V = m:vcov_all()
    for j = 1, 5 do
      local mean, ss = 0, 0
      for b = 1, 20 do mean = mean + draws[b][j] / 20 end
      for b = 1, 20 do ss = ss + (draws[b][j] - mean) ^ 2 end
      local ratio = math.sqrt(ss / 19) / math.sqrt(V[j][j])
      assert.is_true(ratio > 0.5 and ratio < 1.8, "estimate " .. j .. " ratio " .. ratio)
    end
    local data = { frequency = { 2 }, recency = { 30 }, T = { 38 } }
    local new = m:for_customers({ { 0.5 } })
    local bi = new:predict_interval(39, data, { method = "bootstrap", n_boot = 20, seed = 1 })
    local di = new:predict_interval(39, data)
    assert.is_true(bi.lower[1] < bi.estimate[1] and bi.estimate[1] < bi.upper[1])
    assert.is_true(bi.se[1] / di.se[1] > 0.5 and bi.se[1] / di.se[1] < 2)
  end)

  it("gives CLV intervals over both models", function()
    local f = {}
    for i = 1, 2000 do f[i] = 1 + i % 5 end
    local gg0 = cx.clv.new("gg", { 6.25, 3.74, 15.44 })
    local s = gg0:sample(f, 4)
    local gg = cx.clv.fit("gg", { frequency = f, monetary_value = s.recency })
    local new = m:for_customers({ { -0.5, 1.0 } })
    local data = { frequency = { 2, 5 }, recency = { 30, 20 }, T = { 38, 36 },
                   monetary_value = { 25, 40 } }
    local opts = { months = 12, units_per_month = 4.345 }
    local iv = cx.clv.lifetime_value_interval(new, gg, data, opts)
    local plain = cx.clv.lifetime_value(new, gg, data, opts)
    for i = 1, 2 do
      assert.is_true(math.abs(iv.estimate[i] - plain[i]) <= 1e-12 * plain[i])
      assert.is_true(iv.se[i] > 0 and iv.lower[i] < plain[i] and plain[i] < iv.upper[i])
    end
    opts.method, opts.n_boot = "bootstrap", 15
    local bi = cx.clv.lifetime_value_interval(new, gg, data, opts)
    for i = 1, 2 do
      assert.is_true(bi.se[i] / iv.se[i] > 0.4 and bi.se[i] / iv.se[i] < 2.5)
    end
    -- parameters set by hand have no covariance: a named error, not a number
    local ok, err = pcall(cx.clv.lifetime_value_interval, new, gg0, data, {})
    assert.is_false(ok)
    assert.matches("ESTATE", err)
  end)

  it("names the bad input of every model (issue 4 item 8)", function()
    local cases = {
      { "bgnbd", { frequency = { 1, 2 }, recency = { 12, 5 }, T = { 10, 10 } }, "EINVAL", "recency" },
      { "pareto", { frequency = { -1, 2 }, recency = { 0, 5 }, T = { 10, 10 } }, "EINVAL", "frequency" },
      { "mbgnbd", { frequency = { 1.5, 2 }, recency = { 3, 5 }, T = { 10, 10 } }, "EINVAL", "frequency" },
      { "pareto", { frequency = {}, recency = {}, T = {} }, "ERANGE", "n" },
      { "mbgnbd", { frequency = { 0, 0 }, recency = { 0, 0 }, T = { 5, 6 } }, "ERANGE", "frequency" },
      { "gg", { frequency = { 1, 2 }, monetary_value = { 10, 0 } }, "EINVAL", "monetary_value" },
      { "gg", { frequency = { 2 }, monetary_value = { 10 } }, "ERANGE", "monetary_value" },
      { "bgbb", { frequency = { 7 }, recency = { 5 }, n_periods = { 6 } }, "EINVAL", "frequency" },
      { "sbg", { periods = { 1 }, churned = { 2 } }, "EINVAL", "churned" },
      { "pareto", { frequency = { 3 }, recency = { 5 }, T = { 10 } }, "ENOTCONV", nil },
    }
    for _, c in ipairs(cases) do
      local ok, err = pcall(cx.clv.fit, c[1], c[2])
      assert.is_false(ok)
      assert.matches(c[3], err)
      if c[4] then assert.are.equal(c[4], cx.error_last().param) end
    end
    local known = cx.clv.new("bgnbd", BG)
    local one = { frequency = { 1 }, recency = { 2 }, T = { 10 } }
    local ok, err = pcall(known.predict_interval, known, 10, one)
    assert.is_false(ok)
    assert.matches("ESTATE", err)
    assert.has_error(function() known:bootstrap(5) end)
    ok, err = pcall(known.predict_interval, known, 10, one, { method = "jackknife" })
    assert.is_false(ok)
    assert.matches("method must be", err)
  end)

  it("updates a saved summary table without the history", function()
    local day = 86400
    local early = { customer = { "a", "b", "a", "a" }, time = { 0, day, 3600, 5 * day },
                    amount = { 1, 2, 3, 4 } }
    local s = cx.clv.summary(early, { observation_end = 9 * day, multiplier = 7 })
    local late = { customer = { "b", "c", "a" }, time = { 12 * day, 13 * day, 20 * day },
                   amount = { 5, 6, 7 } }
    local u = cx.clv.update(s, late, { observation_end = 9 * day, new_end = 30 * day,
                                       multiplier = 7 })
    local all = { customer = {}, time = {}, amount = {} }
    for _, t in ipairs({ early, late }) do
      for i = 1, #t.customer do
        table.insert(all.customer, t.customer[i])
        table.insert(all.time, t.time[i])
        table.insert(all.amount, t.amount[i])
      end
    end
    local f = cx.clv.summary(all, { observation_end = 30 * day, multiplier = 7 })
    assert.are.same(f.customer, u.customer)
    for _, col in ipairs({ "frequency", "recency", "T", "monetary_value" }) do
      for i = 1, #f.customer do
        assert.is_true(math.abs(u[col][i] - f[col][i]) < 1e-12, col)
      end
    end
    local bad = { customer = { "a" }, time = { 2 * day }, amount = { 1 } }
    local ok, err = pcall(cx.clv.update, s, bad, { observation_end = 9 * day,
                                                    new_end = 30 * day, multiplier = 7 })
    assert.is_false(ok)
    assert.matches("EINVAL", err)
  end)
end)
