-- The generator from Lua: golden values shared with the C tests, reproducibility, tables of
-- draws, integer counts, and parameter errors.
local cx = require("cxkit")

local function mean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  return s / #t
end

describe("cxkit rng", function()
  it("gives the golden values of tests/c/test_rng.c", function()
    local r = cx.rng(42, 0)
    assert.are.equal(0x669e233396a599dc, cx.rng_next_u64(r.handle))
    assert.are.equal(0x94a0dbf68e599d78, cx.rng_next_u64(cx.rng(42, 0):jump().handle))
    assert.are.equal(0.4008504868458175, cx.rng(42, 0):uniform())
  end)

  it("repeats a sequence for a seed and continues it in a copy", function()
    local a, b = cx.rng(7, 3), cx.rng(7, 3)
    local x, y = a:gamma(0.5, 2.0, 100), b:gamma(0.5, 2.0, 100)
    assert.are.same(x, y)
    local c = a:copy()
    assert.are.equal(a:normal(), c:normal())
    assert.are_not.equal(cx.rng(7, 4):uniform(), cx.rng(7, 3):uniform())
  end)

  it("returns tables of draws with the right means", function()
    local r = cx.rng(2024)
    local n = 20000
    -- 5 standard errors: normal sd 1, gamma var k s^2 = 18, Poisson var 4, binomial var 21
    assert.is_true(math.abs(mean(r:normal(0, 1, n))) < 5 / math.sqrt(n))
    assert.is_true(math.abs(mean(r:gamma(2.0, 3.0, n)) - 6.0) < 5 * math.sqrt(18 / n))
    local k = r:poisson(4.0, n)
    assert.are.equal("integer", math.type(k[1]))
    assert.is_true(math.abs(mean(k) - 4.0) < 5 * math.sqrt(4 / n))
    local b = r:binomial(100, 0.3, n)
    assert.is_true(math.abs(mean(b) - 30.0) < 5 * math.sqrt(21 / n))
    local u = r:below(6, 600)
    for _, v in ipairs(u) do assert.is_true(v >= 0 and v < 6) end
    local beta = r:beta(0.5, 0.5, 100)
    for _, v in ipairs(beta) do assert.is_true(v >= 0 and v <= 1) end
  end)

  it("names a bad parameter and leaves the generator unchanged", function()
    local r = cx.rng(5)
    local ref = r:copy()
    assert.has_error(function() r:gamma(0, 1, 10) end)
    assert.are.equal("shape", cx.error_last().param)
    assert.has_error(function() r:binomial(10, 1.5) end)
    assert.are.equal("p", cx.error_last().param)
    assert.are.equal(cx.rng_next_u64(ref.handle), cx.rng_next_u64(r.handle))
  end)
end)
