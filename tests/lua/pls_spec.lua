-- cxkit.pls on Lua tables: the ECSI model on mobi against seminr's reference values, errors,
-- bootstrap. The mobi tests are skipped when ../shared/data/mobi is absent.
local cx = require("cxkit")

local shared = os.getenv("CX_SHARED_DIR") or "../shared"
local mobi_path = shared .. "/data/mobi/mobi.csv"

local function read_csv(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local header, cols = nil, {}
  for line in f:lines() do
    local fields = {}
    for v in (line .. ","):gmatch("([^,]*),") do fields[#fields + 1] = v end
    if not header then
      header = fields
      for _, h in ipairs(header) do cols[h] = {} end
    else
      for i, h in ipairs(header) do cols[h][#cols[h] + 1] = tonumber(fields[i]) end
    end
  end
  f:close()
  return cols, header
end

local root = os.getenv("CX_SOURCE_DIR") or "."
local mf = assert(io.open(root .. "/examples/data/ecsi_model.txt", "r"))
local ECSI = mf:read("a")
mf:close()

describe("cxkit.pls", function()
  local data = read_csv(mobi_path)

  it("reproduces seminr on the ECSI model", function()
    if not data then return end
    local res = cx.pls.estimate(ECSI, data, { scale = { 1, 10 } })
    local exp = shared .. "/data/mobi/expected/"
    local f = assert(io.open(exp .. "path_coefficients.csv"))
    f:read("l")
    local n = 0
    for line in f:lines() do
      local a, b, v = line:match("([^,]+),([^,]+),([^,]+)")
      assert.is_true(math.abs(res.paths[a][b] - tonumber(v)) < 1e-6)
      n = n + 1
    end
    f:close()
    assert.are.equal(12, n)
    assert.is_true(math.abs(res.outer_weights.CUSL3 - 0.65431058565023581) < 1e-6)
    assert.is_true(math.abs(res.loadings.PERV2 - 0.93962477714479575) < 1e-6)
    assert.is_true(math.abs(res.rsquared.Satisfaction - 0.68107829138947817) < 1e-6)
    assert.is_nil(res.rsquared.Image)
    assert.is_true(math.abs(res.reliability.Loyalty.rhoA - 0.74573372357951295) < 1e-6)
    assert.is_true(math.abs(res.htmt.Quality.Loyalty - 0.75932018768902199) < 1e-6)
    assert.are.equal(6, res.iterations)
    assert.are.equal(250, #res:scores())
    assert.is_true(res.index.Satisfaction > 50 and res.index.Satisfaction < 90)
  end)

  it("bootstraps identically on 1 and 2 threads", function()
    if not data then return end
    local res = cx.pls.estimate(ECSI, data)
    local b1 = res:bootstrap({ n_boot = 100, seed = 3, threads = 1, bca = false })
    local b2 = res:bootstrap({ n_boot = 100, seed = 3, threads = 2, bca = false })
    local s1 = b1:summary("path", "Satisfaction", "Loyalty")
    local s2 = b2:summary("path", "Satisfaction", "Loyalty")
    assert.are.same(s1.sd, s2.sd)
    assert.are.same(s1.pct_lo, s2.pct_lo)
    assert.is_true(s1.sd > 0.01 and s1.sd < 0.2)
    assert.are.equal(100, b1.n_ok)
    assert.is_true(math.abs(s1.t - s1.original / s1.sd) < 1e-12)
  end)

  it("reports VIF and f2 and bootstraps every quality family", function()
    if not data then return end
    local res = cx.pls.estimate(ECSI, data)
    -- Value ~ Expectation + Quality: VIF = 1 / (1 - r^2) of the two antecedents
    local r = res.construct_correlations.Expectation.Quality
    assert.is_true(math.abs(res.vif_inner.Quality.Value - 1 / (1 - r * r)) < 1e-12)
    assert.is_nil(res.vif_inner.Loyalty)
    -- Expectation has the single antecedent Image: f2 = R2 / (1 - R2)
    local r2 = res.rsquared.Expectation
    assert.is_true(math.abs(res.fsquare.Image.Expectation - r2 / (1 - r2)) < 1e-12)
    assert.is_true(res.vif_outer.PERQ1 > 1)
    assert.is_true(math.abs(res.fornell_larcker.Loyalty.Loyalty
                            - math.sqrt(res.reliability.Loyalty.AVE)) < 1e-12)
    local b = res:bootstrap({ n_boot = 40, seed = 2, threads = 2, fsquare = true })
    local b1 = res:bootstrap({ n_boot = 40, seed = 2, threads = 1, fsquare = true })
    local cases = { { "alpha", "Quality" }, { "adj_rsquared", "Loyalty" },
                    { "construct_correlation", "Image", "Quality" },
                    { "fornell_larcker", "Value", "Value" }, { "vif_inner", "Quality", "Value" },
                    { "fsquare", "Image", "Expectation" }, { "rho_c", "Loyalty" } }
    for _, c in ipairs(cases) do
      local s, s1 = b:summary(c[1], c[2], c[3]), b1:summary(c[1], c[2], c[3])
      assert.are.same(s, s1)
      assert.is_true(s.sd > 0 and s.pct_lo < s.pct_hi and s.n == 40, c[1])
    end
    assert.is_true(math.abs(b:summary("alpha", "Quality").original
                            - res.reliability.Quality.alpha) < 1e-15)
    assert.is_true(math.abs(b:summary("fsquare", "Image", "Expectation").original
                            - res.fsquare.Image.Expectation) < 1e-15)
    local nof = res:bootstrap({ n_boot = 10, seed = 2, bca = false })
    local ok, err = pcall(nof.summary, nof, "fsquare", "Image", "Expectation")
    assert.is_false(ok)
    assert.truthy(err:find("fsquare"))
  end)

  it("predicts, maps importance and performance, splits the index by segment", function()
    if not data then return end
    local res = cx.pls.estimate(ECSI, data, { scale = { 1, 10 } })
    local p = res:predict(5, 1)
    assert.is_nil(p.IMAG1)
    assert.is_true(p.CUSA1.pls_rmse > 0 and p.CUSA1.q2_predict < 1)
    local ip = res:ipma("Loyalty")
    assert.is_nil(ip.Loyalty)
    assert.is_true(math.abs(ip.Satisfaction.performance - res.index.Satisfaction) < 1e-12)
    local labels = {}
    for r = 1, 250 do labels[r] = r <= 125 and 0 or 1 end
    local seg = res:index_by_segment(labels, 2)
    local mean = (seg[0].Satisfaction + seg[1].Satisfaction) / 2
    assert.is_true(math.abs(mean - res.index.Satisfaction) < 1e-9)
  end)

  it("raises errors naming the item", function()
    local d = { a = { 1, 2, 3, 4, 5 }, b = { 2, 2, 2, 2, 2 }, y = { 1, 3, 2, 5, 4 } }
    local ok, err = pcall(cx.pls.estimate, "F =~ a + b\nY =~ y\nY ~ F", d)
    assert.is_false(ok)
    assert.truthy(err:find("EINVAL") and err:find("'b'"))
    assert.are.equal("b", cx.error_last().param)
    ok, err = pcall(cx.pls.estimate, "F =~ a +\nY ~ F", d)
    assert.is_false(ok)
    assert.truthy(err:find("EPARSE"))
    ok, err = pcall(cx.pls.estimate, "F =~ a\nY =~ y\nY ~ F", d, { scheme = "nope" })
    assert.truthy(err:find("unknown scheme"))
  end)
end)
