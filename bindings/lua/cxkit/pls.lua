-- cxkit.pls: PLS path modelling on Lua tables (the C API is include/cxkit/pls.h).
--
--   local cx = require("cxkit")
--   local res = cx.pls.estimate(syntax, { CUSA1 = {...}, CUSA2 = {...}, ... }, { scale = {1, 10} })
--   res.paths["Satisfaction"]["Loyalty"], res.rsquared.Loyalty, res.index.Satisfaction
--   local boot = res:bootstrap({ n_boot = 5000, seed = 1 })
--   boot:summary("path", "Satisfaction", "Loyalty")  --> { original=, sd=, t=, pct_lo=, ... }
local cx = ...

local pls = {}

local schemes = { path = cx.CX_PLS_SCHEME_PATH, factorial = cx.CX_PLS_SCHEME_FACTORIAL,
                  centroid = cx.CX_PLS_SCHEME_CENTROID }
local missing = { mean = cx.CX_PLS_MISSING_MEAN, casewise = cx.CX_PLS_MISSING_CASEWISE }
local signs = { none = cx.CX_PLS_SIGN_NONE, construct = cx.CX_PLS_SIGN_CONSTRUCT,
                individual = cx.CX_PLS_SIGN_INDIVIDUAL }
local stats = { weight = cx.CX_PLS_STAT_WEIGHT, loading = cx.CX_PLS_STAT_LOADING,
                path = cx.CX_PLS_STAT_PATH, total_effect = cx.CX_PLS_STAT_TOTAL_EFFECT,
                rsquared = cx.CX_PLS_STAT_RSQUARED, index = cx.CX_PLS_STAT_INDEX,
                htmt = cx.CX_PLS_STAT_HTMT, indirect_effect = cx.CX_PLS_STAT_INDIRECT_EFFECT,
                rho_a = cx.CX_PLS_STAT_RHO_A, rho_c = cx.CX_PLS_STAT_RHO_C,
                ave = cx.CX_PLS_STAT_AVE, alpha = cx.CX_PLS_STAT_ALPHA,
                adj_rsquared = cx.CX_PLS_STAT_ADJ_RSQUARED,
                construct_correlation = cx.CX_PLS_STAT_CONSTRUCT_CORR,
                fornell_larcker = cx.CX_PLS_STAT_FORNELL_LARCKER,
                vif_inner = cx.CX_PLS_STAT_VIF_INNER, fsquare = cx.CX_PLS_STAT_FSQUARE }

local function pick(map, key, what)
  local v = map[key]
  if v == nil then error("cxkit: EINVAL: unknown " .. what .. " '" .. tostring(key) .. "'", 3) end
  return v
end

-- { name -> value } for per-construct and per-indicator arrays; { from -> { to -> v } } for C x C
local function by_name(names, values)
  local t = {}
  for i, n in ipairs(names) do t[n] = values[i] end
  return t
end

local function matrix(names, values)
  local C, t = #names, {}
  for i, a in ipairs(names) do
    t[a] = {}
    for j, b in ipairs(names) do t[a][b] = values[(i - 1) * C + j] end
  end
  return t
end

-- { from -> { to -> v } } keeping only the entries that are not NaN (the model's paths)
local function path_matrix(names, values)
  local C, t = #names, {}
  for i, a in ipairs(names) do
    for j, b in ipairs(names) do
      local v = values[(i - 1) * C + j]
      if v == v then
        t[a] = t[a] or {}
        t[a][b] = v
      end
    end
  end
  return t
end

local Result = {}
Result.__index = Result

local function position_of(list, name)
  for i, v in ipairs(list) do if v == name then return i - 1 end end
  error("cxkit: EINVAL: unknown name '" .. tostring(name) .. "'", 3)
end

function pls.estimate(syntax, data, opts)
  opts = opts or {}
  local m = cx.pls_model_parse(syntax, opts.source_name)
  local C, K = cx.pls_model_n_constructs(m), cx.pls_model_n_indicators(m)
  local constructs, indicators, owner = {}, {}, {}
  for i = 0, C - 1 do constructs[#constructs + 1] = cx.pls_model_construct_name(m, i) end
  for k = 0, K - 1 do
    indicators[#indicators + 1] = cx.pls_model_indicator_name(m, k)
    owner[#owner + 1] = constructs[cx.pls_model_indicator_construct(m, k) + 1]
  end
  local n
  for _, name in ipairs(indicators) do
    if data[name] then n = n or #data[name] end
  end
  if not n then error("cxkit: EINVAL: the data have none of the model's indicators", 2) end
  local d = cx.pls_data_new(n)
  for _, name in ipairs(indicators) do
    if data[name] then cx.pls_data_add_column(d, name, data[name]) end
  end
  if opts.weights then
    local w = type(opts.weights) == "string" and data[opts.weights] or opts.weights
    cx.pls_data_set_weights(d, w)
  end
  local o = cx.pls_options()
  cx.pls_options_init(o)
  o.scheme = pick(schemes, opts.scheme or "path", "scheme")
  o.missing = pick(missing, opts.missing or "mean", "missing treatment")
  if opts.max_iter then o.max_iter = opts.max_iter end
  if opts.tolerance then o.tolerance = opts.tolerance end
  if opts.consistent then o.consistent = 1 end
  if opts.missing_code then
    o.use_missing_code = 1
    o.missing_code = opts.missing_code
  end
  if opts.scale then o.scale_min, o.scale_max = opts.scale[1], opts.scale[2] end
  local f = cx.pls_fit_estimate(m, d, o)
  local info = cx.pls_fit_info()
  cx.pls_fit_get_info(info, f)
  local rel = cx.pls_fit_reliability(4 * C, f)
  local r = setmetatable({
    fit = f, constructs = constructs, indicators = indicators, indicator_construct = owner,
    n_rows = info.n_rows, n_used = info.n_used, n_missing_cells = info.n_missing_cells,
    iterations = info.iterations,
    outer_weights = by_name(indicators, cx.pls_fit_outer_weights(K, f)),
    loadings = by_name(indicators, cx.pls_fit_loadings(K, f)),
    paths = matrix(constructs, cx.pls_fit_paths(C * C, f)),
    total_effects = matrix(constructs, cx.pls_fit_total_effects(C * C, f)),
    htmt = matrix(constructs, cx.pls_fit_htmt(C * C, f)),
    construct_correlations = matrix(constructs, cx.pls_fit_construct_correlations(C * C, f)),
    fornell_larcker = matrix(constructs, cx.pls_fit_fornell_larcker(C * C, f)),
    vif_outer = by_name(indicators, cx.pls_fit_vif_outer(K, f)),
    vif_inner = path_matrix(constructs, cx.pls_fit_vif_inner(C * C, f)),
    fsquare = path_matrix(constructs, cx.pls_fit_fsquare(C * C, f)),
    rsquared = {}, adj_rsquared = {}, reliability = {},
    index = by_name(constructs, cx.pls_fit_index(C, f)),
  }, Result)
  local r2, ar2 = cx.pls_fit_rsquared(C, f), cx.pls_fit_adj_rsquared(C, f)
  for i, c in ipairs(constructs) do
    if r2[i] == r2[i] then -- not NaN: endogenous
      r.rsquared[c], r.adj_rsquared[c] = r2[i], ar2[i]
    end
    r.reliability[c] = { alpha = rel[4 * i - 3], rhoA = rel[4 * i - 2], rhoC = rel[4 * i - 1],
                         AVE = rel[4 * i] }
  end
  return r
end

-- Construct scores as an array of rows { construct -> score }.
function Result:scores()
  local C = #self.constructs
  local v = cx.pls_fit_scores(self.n_used * C, self.fit)
  local rows = {}
  for r = 1, self.n_used do
    local row = {}
    for j, c in ipairs(self.constructs) do row[c] = v[(r - 1) * C + j] end
    rows[r] = row
  end
  return rows
end

-- PLSpredict: { indicator -> { pls_rmse, pls_mae, lm_rmse, lm_mae, q2_predict } } for the
-- indicators of endogenous constructs.
function Result:predict(k_folds, seed)
  local K = #self.indicators
  local v = cx.pls_predict(K * 5, self.fit, k_folds or 10, seed or 1)
  local out = {}
  for k, name in ipairs(self.indicators) do
    local b = (k - 1) * 5
    if v[b + 1] == v[b + 1] then
      out[name] = { pls_rmse = v[b + 1], pls_mae = v[b + 2], lm_rmse = v[b + 3],
                    lm_mae = v[b + 4], q2_predict = v[b + 5] }
    end
  end
  return out
end

-- Importance-performance map of `target`: { construct -> { importance=, performance= } }.
function Result:ipma(target)
  local C = #self.constructs
  local v = cx.pls_fit_ipma(2 * C, self.fit, position_of(self.constructs, target))
  local out = {}
  for i, c in ipairs(self.constructs) do
    if c ~= target and v[2 * i - 1] ~= 0 then
      out[c] = { importance = v[2 * i - 1], performance = v[2 * i] }
    end
  end
  return out
end

-- Index per segment: labels = one integer 0 .. n_segments-1 per data row.
function Result:index_by_segment(labels, n_segments)
  local C = #self.constructs
  local v = cx.pls_fit_index_segments(n_segments * C, self.fit, labels, n_segments)
  local out = {}
  for g = 1, n_segments do
    local row = {}
    for j, c in ipairs(self.constructs) do row[c] = v[(g - 1) * C + j] end
    out[g - 1] = row
  end
  return out
end

local Boot = {}
Boot.__index = Boot

function Result:bootstrap(opts)
  opts = opts or {}
  local o = cx.pls_boot_options()
  cx.pls_boot_options_init(o)
  if opts.n_boot then o.n_boot = opts.n_boot end
  if opts.seed then o.seed = opts.seed end
  if opts.threads then o.n_threads = opts.threads end
  if opts.level then o.level = opts.level end
  if opts.bca == false then o.bca = 0 end
  if opts.fsquare then o.fsquare = 1 end
  o.sign_change = pick(signs, opts.sign_change or "none", "sign change")
  local b = cx.pls_bootstrap(self.fit, o)
  local info = cx.pls_boot_info()
  cx.pls_boot_get_info(info, b)
  return setmetatable({ boot = b, result = self, n_ok = info.n_ok, n_failed = info.n_failed,
                        threads_used = info.threads_used }, Boot)
end

-- summary("path", from, to) / ("loading", indicator) / ("index", construct) ...; kinds: weight,
-- loading, path, total_effect, indirect_effect, rsquared, adj_rsquared, rho_a, rho_c, ave, alpha,
-- htmt, construct_correlation, fornell_larcker, vif_inner, fsquare (needs { fsquare = true }),
-- index.
function Boot:summary(kind, a, b)
  local res = self.result
  local per_item = kind == "weight" or kind == "loading"
  local i = position_of(per_item and res.indicators or res.constructs, a)
  local j = b and position_of(res.constructs, b) or 0
  local s = cx.pls_boot_summary()
  cx.pls_boot_get_summary(s, self.boot, pick(stats, kind, "statistic"), i, j)
  return { original = s.original, mean = s.mean, sd = s.sd, t = s.t, pct_lo = s.pct_lo,
           pct_hi = s.pct_hi, bca_lo = s.bca_lo, bca_hi = s.bca_hi, n = s.n }
end

cx.pls = pls
