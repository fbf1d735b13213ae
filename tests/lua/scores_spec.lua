-- cx.scores / cx.drivers on tables: REFERENCE.md vectors and hand-worked cases.
local cx = require("cxkit")

local function near(a, b, tol)
  assert.is_true(math.abs(a - b) <= tol, ("%.10g vs %.10g"):format(a, b))
end

describe("cxkit scores", function()
  it("computes NPS with the reference intervals", function()
    local r = {}
    for i = 1, 50 do r[#r + 1] = 10 end
    for i = 1, 30 do r[#r + 1] = 8 end
    for i = 1, 20 do r[#r + 1] = 3 end
    local s = cx.scores.nps(r)
    near(s.nps, 30, 1e-12)
    near(s.lo, 13.96, 5e-3)
    near(s.hi, 44.34, 5e-3)
    local w = cx.scores.nps(r, {method = "wald"})
    near(w.se, 7.810, 5e-4)
  end)

  it("computes CSAT mean and top-two-box", function()
    local s = cx.scores.csat({5, 4, 4, 3, 1, 0/0, 5, 2, 5, 4})
    near(s.mean, 33 / 9, 1e-12)
    near(s.top_box, 6 / 9, 1e-12)
    local lo, hi = cx.scores.prop_ci(8, 10)
    near(lo, 0.4902, 5e-5)
    near(hi, 0.9433, 5e-5)
  end)

  it("merges and serialises accumulators exactly", function()
    local a = cx.scores.accumulator(0, 10, {10, 9, 0, 7})
    local b = cx.scores.accumulator(0, 10, {3, 10})
    local bytes = cx.acc_serialize(b)
    assert.are.equal("string", type(bytes))
    cx.acc_merge(a, cx.acc_deserialize(bytes))
    local whole = cx.scores.accumulator(0, 10, {10, 9, 0, 7, 3, 10})
    assert.are.same(cx.scores.acc_nps(whole), cx.scores.acc_nps(a))
    local ok, err = pcall(cx.acc_deserialize, bytes:sub(1, -2))
    assert.is_false(ok)
    assert.truthy(err:find("EFORMAT", 1, true))
  end)

  it("groups a log by touchpoint and quarter", function()
    local root = os.getenv("CX_SOURCE_DIR") or "."
    local log = cx.Log.from_csv(root .. "/examples/data/interactions.csv")
    local rows = cx.scores.by(log, {by = "touchpoint", period = "quarter", rating = "nps"})
    assert.is_true(#rows > 10)
    assert.are.equal("string", type(rows[1].touchpoint))
    assert.truthy(rows[1].period:match("^%d%d%d%d%-Q%d$"))
    local total = 0
    for _, r in ipairs(rows) do total = total + r.score.n end
    local all = cx.scores.by(log, {rating = "nps"})
    assert.are.equal(1, #all)
    assert.are.equal(total, all[1].score.n)
    local c = cx.scores.by(log, {by = {"channel"}})
    assert.is_true(c[1].score.mean > 1 and c[1].score.mean < 5)
  end)

  it("rejects ratings off the scale", function()
    local ok, err = pcall(cx.scores.csat, {1, 2, 9})
    assert.is_false(ok)
    assert.truthy(err:find("EINVAL", 1, true))
  end)

  it("finds key drivers and Kano categories", function()
    local y, a, b = {}, {}, {}
    for i = 1, 200 do
      a[i] = math.sin(i) ; b[i] = math.cos(3 * i)
      y[i] = 2 * a[i] + b[i] + 0.1 * math.sin(7 * i)
    end
    local r = cx.drivers.key_drivers(y, {a = a, b = b}, {"a", "b"})
    near(r.drivers.a.lmg + r.drivers.b.lmg, r.r2, 1e-12)
    assert.is_true(r.drivers.a.lmg > r.drivers.b.lmg)
    assert.are.same({"one-dimensional", "must-be", false},
                    cx.drivers.kano({1, 3, 0/0}, {5, 5, 1}))
  end)
end)
