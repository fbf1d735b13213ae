-- cx.effects on Lua tables: survival against R's values for survival::aml (REFERENCE.md 5.7),
-- logistic regression, the Wallet Allocation Rule and a log-level analysis on the sample data.
local cx = require("cxkit")
local fx = cx.effects

local aml_t = { 9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45 }
local aml_e = { 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1 }
local aml_x = {}
for i = 1, 23 do aml_x[i] = { i > 11 and 1 or 0 } end

describe("cxkit effects", function()
  it("Kaplan-Meier matches R on aml", function()
    local rows, median = fx.kaplan_meier(aml_t, aml_e)
    assert.are.equal(18, #rows)
    assert.is_true(math.abs(rows[1].surv - 0.91304347826) < 1e-9)
    assert.is_true(math.abs(rows[1].se - 0.0587533847558) < 1e-9)
    assert.is_true(math.abs(rows[17].surv - 0.0828157349896) < 1e-9)
    assert.are.equal(27, median)
  end)

  it("Cox PH with Efron ties matches R (beta 0.9155326, se 0.5119343)", function()
    local r = fx.cox(aml_t, aml_e, aml_x)
    assert.is_true(math.abs(r.coef[1] - 0.9155326) < 1e-7)
    assert.is_true(math.abs(r.se[1] - 0.5119343) < 1e-7)
    assert.is_true(math.abs(r.loglik - -41.03262) < 1e-5)
    local chisq, p = r.ph_test("km")
    assert.are.equal(2, #chisq)
  end)

  it("log-rank test matches R's survdiff", function()
    local g = {}
    for i = 1, 23 do g[i] = aml_x[i][1] end
    local chisq, p, obs, exp = fx.logrank(aml_t, aml_e, g)
    assert.is_true(math.abs(chisq - 3.39638869898) < 1e-9)
    assert.is_true(math.abs(p - 0.0653393220405) < 1e-9)
    assert.are.same({ 7, 11 }, obs)
  end)

  it("logistic regression, and separation is an error", function()
    local y, x = {}, {}
    for i = 1, 40 do
      x[i] = { i % 7 }
      y[i] = (i % 7 + i % 3 > 4) and 1 or 0
    end
    local r = fx.logit(y, x)
    assert.are.equal(2, #r.coef)
    assert.is_true(r.coef[2] > 0)
    assert.are.equal(3, #r.predict({ { 1 }, { 2 }, { 3 } }))
    assert.has_error(function() fx.logit({ 0, 0, 1, 1 }, { { 1 }, { 2 }, { 3 }, { 4 } }) end)
  end)

  it("wallet allocation rule", function()
    local s = fx.wallet_share({ 1, 2, 1, 2, 3 }, { 2, 2, 3, 3, 3 })
    assert.is_true(math.abs(s[1] - 2 / 3) < 1e-15)
    assert.is_true(math.abs(s[5] - 1 / 6) < 1e-15)
  end)

  it("log-level analyses on the sample data", function()
    local root = os.getenv("CX_SOURCE_DIR") or "."
    local res = fx.analyse("spend", root .. "/examples/data/effects_interactions.csv",
      root .. "/examples/data/effects_transactions.csv")
    assert.are.equal(3, #res.rows)
    assert.are.equal("negative", res.rows[1].experience)
    assert.is_true(res.rows[1].decrease > 0.7)
    local rec = fx.analyse("recovery", root .. "/examples/data/effects_interactions.csv",
      root .. "/examples/data/effects_transactions.csv", { confounders = "channel" })
    assert.is_true(#rec.notes >= 4)
    assert.has_error(function() fx.analyse("nonsense", root .. "/examples/data/effects_interactions.csv") end)
  end)
end)
