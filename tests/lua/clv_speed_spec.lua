-- cxkit.clv threads: fits and predictions bit-identical for every thread count, and a bad
-- thread count is an error.
local cx = require("cxkit")

describe("clv threads", function()
  it("give the same fit and predictions bit for bit", function()
    local gen = cx.clv.new("pareto", { r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669 })
    local T = {}
    for i = 1, 5000 do T[i] = 27 + 12 * (i - 1) / 5000 end -- continuous ages: rows distinct
    local d = gen:sample(T, 3)
    local ref
    for _, nt in ipairs({ 1, 2, 3 }) do
      local m = cx.clv.fit("pareto", d, { n_threads = nt })
      local got = { m.params.r, m.params.alpha, m.params.s, m.params.beta, m.loglik,
                    m.stderr.s }
      local p = m:p_alive(d)
      local e = m:predict(39, d)
      got[#got + 1], got[#got + 2] = p[1234], e[4321]
      if ref then
        for i = 1, #ref do assert.are.equal(ref[i], got[i]) end -- exact, not approximate
      else
        ref = got
      end
    end
    assert.is_true(math.abs(math.log(ref[3] / 0.606)) < 0.7)
  end)

  it("rejects a negative thread count", function()
    local m = cx.clv.new("bgnbd")
    local ok, err = pcall(m.set_threads, m, -1)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("n_threads"))
  end)
end)
