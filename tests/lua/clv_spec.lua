-- cxkit.clv on Lua tables: CDNOW fits against the published estimates, predictions against
-- REFERENCE.md vectors, summaries and errors.
local cx = require("cxkit")

local root = os.getenv("CX_SOURCE_DIR") or "."

local function cdnow()
  local d = { frequency = {}, recency = {}, T = {}, monetary_value = {} }
  local f = assert(io.open(root .. "/tests/data/cdnow/cdnow_customers_summary_with_transactions.csv"))
  f:read("l")
  for line in f:lines() do
    local _, x, tx, T, m = line:match("([^,]+),([^,]+),([^,]+),([^,]+),([^,]+)")
    table.insert(d.frequency, tonumber(x))
    table.insert(d.recency, tonumber(tx))
    table.insert(d.T, tonumber(T))
    table.insert(d.monetary_value, tonumber(m))
  end
  f:close()
  return d
end

local function near(a, b, rel) return math.abs(a - b) <= rel * math.abs(b) end

describe("cxkit.clv", function()
  local d = cdnow()

  it("fits BG/NBD and Pareto/NBD to the CDNOW optimum", function()
    local m = cx.clv.fit("bgnbd", d)
    assert.is_true(near(m.params.r, 0.24259291, 2e-6))
    assert.is_true(near(m.params.b, 2.42575371, 2e-6))
    assert.is_true(near(m.loglik, -9582.42556056736, 1e-11))
    assert.is_true(m.stderr.r > 0.01 and m.stderr.r < 0.015)
    local p = cx.clv.fit("pareto", d)
    assert.is_true(near(p.params.s, 0.60621383, 2e-6))
    assert.is_true(near(p.loglik, -9594.973929826863, 1e-11))
  end)

  it("predicts with known parameters", function()
    local m = cx.clv.new("bgnbd", { r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 })
    local one = { frequency = { 2 }, recency = { 30.43 }, T = { 38.86 } }
    assert.is_true(near(m:predict(39, one)[1], 1.226028, 1e-6))
    assert.is_true(near(m:p_alive(one)[1], 0.7266, 1e-4))
    assert.is_true(near(m:expected(78), 1.8605, 1e-4))
    local s = 0
    for k = 0, 300 do s = s + m:pmf(39, k) end
    assert.is_true(near(s, 1, 1e-9))
    local gg = cx.clv.new("gg", { 6.25, 3.74, 15.44 })
    assert.is_true(near(gg:spend({ 2 }, { 20 })[1], 22.7362, 1e-5))
  end)

  it("fits covariates on the purchase and dropout processes", function()
    local zero = {}
    for i = 1, #d.frequency do zero[i] = (i % 2 == 0) and 1 or 0 end
    local m = cx.clv.fit("pareto", d, { purchase = { zero }, dropout = { zero } })
    assert.are.equal(2, #m.coefs)
    assert.is_true(m.coef_stderr[1] > 0)
    local plain = cx.clv.fit("pareto", d)
    assert.is_true(m.loglik >= plain.loglik - 1e-6) -- nested models
  end)

  it("summarises transactions as lifetimes does", function()
    local day = 86400
    local s = cx.clv.summary({ customer = { "a", "b", "a", "a" },
                               time = { 0, day, 3600, 5 * day }, amount = { 1, 2, 3, 4 } },
                             { observation_end = 9 * day })
    assert.are.same({ "a", "b" }, s.customer)
    assert.are.same({ 1, 0 }, s.frequency)
    assert.are.same({ 5, 0 }, s.recency)
    assert.are.same({ 9, 8 }, s.T)
    assert.are.same({ 4, 0 }, s.monetary_value)
  end)

  it("raises named errors on bad input", function()
    assert.has_error(function()
      cx.clv.fit("bgnbd", { frequency = { 1 }, recency = { 12 }, T = { 10 } })
    end)
    local ok, err = pcall(cx.clv.fit, "bgnbd", { frequency = { 0, 0 }, recency = { 0, 0 }, T = { 3, 4 } })
    assert.is_false(ok)
    assert.matches("ERANGE", err)
    assert.are.equal("frequency", cx.error_last().param)
    assert.has_error(function() cx.clv.new("nope") end)
  end)
end)
