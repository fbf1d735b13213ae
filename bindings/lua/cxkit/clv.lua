-- cxkit.clv: customer-base models on Lua tables (the C API is include/cxkit/clv.h).
--
--   local cx = require("cxkit")
--   local m = cx.clv.fit("bgnbd", { frequency = {...}, recency = {...}, T = {...} })
--   m.params.r, m.stderr.alpha, m.loglik
--   m:predict(39, summary)          --> expected purchases in the next 39 units, per customer
--   m:p_alive(summary), m:expected(39), m:pmf(39, 2), m:dert(0.15 / 52, summary)
--   m:predict_interval(39, summary, { method = "delta" | "bootstrap", level = 0.95 })
--   cx.clv.lifetime_value_interval(m, spend_model, summary, { months = 12 })
--   local s = cx.clv.summary({ customer = ids, time = seconds, amount = amounts },
--                            { observation_end = t, period = 86400, multiplier = 7 })
local cx = ...

local clv = {}

local names = {
  bgnbd = { "r", "alpha", "a", "b" }, mbgnbd = { "r", "alpha", "a", "b" },
  pareto = { "r", "alpha", "s", "beta" }, bgbb = { "alpha", "beta", "gamma", "delta" },
  sbg = { "alpha", "beta" }, gg = { "p", "q", "gamma" },
}

-- Columns of a summary table: x, tx, T for the kind (see the table in clv.h).
local function columns(kind, d)
  if kind == "gg" then return d.frequency, d.monetary_value, {} end
  if kind == "sbg" then return d.periods, d.churned, {} end
  if kind == "bgbb" then return d.frequency, d.recency, d.n_periods end
  return d.frequency, d.recency, d.T
end

local Model = {}
Model.__index = Model

local function wrap(kind, handle)
  local self = setmetatable({ kind = kind, handle = handle }, Model)
  self:refresh()
  return self
end

function Model:refresh()
  local k = cx.clv_model_param_count(self.handle)
  local p = cx.clv_model_params(k, self.handle)
  self.params = {}
  for i, n in ipairs(names[self.kind]) do self.params[n] = p[i] end
  local ok, se = pcall(cx.clv_model_stderr, k, self.handle)
  self.stderr = nil
  if ok then
    self.stderr = {}
    for i, n in ipairs(names[self.kind]) do self.stderr[n] = se[i] end
  end
  local nc = cx.clv_model_coef_count(self.handle)
  if nc > 0 then
    self.coefs = cx.clv_model_coefs(nc, self.handle)
    local okc, cse = pcall(cx.clv_model_coef_stderr, nc, self.handle)
    self.coef_stderr = okc and cse or nil
  end
  local okr, r = pcall(cx.clv_b_report, 8, self.handle)
  if okr then
    self.loglik, self.iterations, self.converged = r[1], r[2], r[8] == 1
  end
end

-- A model with known parameters: cx.clv.new("bgnbd", { r = 0.243, alpha = 4.414, ... }).
function clv.new(kind, params)
  local h = cx.clv_model_new(cx.clv_b_kind(kind))
  local self = setmetatable({ kind = kind, handle = h }, Model)
  if params then self:set_params(params) end
  return self
end

-- Threads for fits and predictions (0 = all cores); results are bit-identical for any count.
function Model:set_threads(n)
  cx.clv_model_set_threads(self.handle, n or 0)
  return self
end

function Model:set_params(params)
  local v = {}
  for i, n in ipairs(names[self.kind]) do
    v[i] = params[n] or params[i] or error("cxkit: EINVAL: missing parameter " .. n, 2)
  end
  cx.clv_model_set_params(self.handle, v)
  self:refresh()
end

-- Covariate columns { {z of customer 1..n}, ... } flattened for the C call.
local function flatten(cols)
  local out = {}
  for _, c in ipairs(cols or {}) do
    for _, v in ipairs(c) do out[#out + 1] = v end
  end
  return out
end

-- Names of all estimates: the parameters, then the covariate coefficients.
function Model:estimate_names()
  local out = {}
  for i, n in ipairs(names[self.kind]) do out[i] = n end
  for j = 1, cx.clv_model_coef_count(self.handle) do
    out[#out + 1] = (self.coef_names and self.coef_names[j]) or ("coef" .. j)
  end
  return out
end

-- Covariance of all estimates (parameters, then coefficients) as rows of a k x k table.
function Model:vcov_all()
  local k = #self:estimate_names()
  local flat = cx.clv_model_vcov_all(k * k, self.handle)
  local out = {}
  for i = 1, k do
    out[i] = {}
    for j = 1, k do out[i][j] = flat[(i - 1) * k + j] end
  end
  return out
end

-- Attach covariate columns (lists of columns of n values) with known coefficients, e.g. to
-- sample customers from a model with covariates.
function Model:set_covariates(purchase, dropout, coefs)
  local n = #((purchase and purchase[1]) or (dropout and dropout[1]) or {})
  cx.clv_b_set_covariates(self.handle, flatten(purchase), flatten(dropout), n)
  if coefs then cx.clv_model_set_coefs(self.handle, coefs) end
  self:refresh()
end

-- The fit for other customers with the given covariate columns (same count as the fit): every
-- prediction, interval and sample of the returned model is for those customers.
function Model:for_customers(purchase, dropout)
  local n = #((purchase and purchase[1]) or (dropout and dropout[1]) or {})
  local h = cx.clv_b_copy(self.handle, flatten(purchase), flatten(dropout), n)
  local m = setmetatable({ kind = self.kind, handle = h, coef_names = self.coef_names,
                           origin = self.origin or self }, Model)
  m:refresh()
  return m
end

-- Fit: data is a table of columns; opts.weights, opts.penalizer, opts.n_starts, opts.seed, and
-- for bgnbd/pareto opts.purchase / opts.dropout: lists of covariate columns (e.g. satisfaction).
function clv.fit(kind, data, opts)
  opts = opts or {}
  local m = clv.new(kind)
  if opts.n_threads then m:set_threads(opts.n_threads) end
  local x, tx, T = columns(kind, data)
  if opts.purchase or opts.dropout then
    cx.clv_b_set_covariates(m.handle, flatten(opts.purchase), flatten(opts.dropout), #x)
  end
  cx.clv_b_fit(m.handle, x, tx, T, opts.weights or data.weights or {}, opts.penalizer or 0,
               opts.n_starts or 3, opts.seed or 0, opts.all_starts and 1 or 0)
  m.data, m.weights, m.penalizer = data, opts.weights or data.weights, opts.penalizer or 0
  m:refresh()
  return m
end

local function rows(self, what, t, d)
  local x, tx, T = columns(self.kind, d)
  return cx.clv_b_rows(#x, self.handle, what, t, x, tx, T)
end

function Model:loglik_rows(d) return rows(self, 0, 0, d) end
function Model:predict(t, d) return rows(self, 1, t, d) end
function Model:p_alive(d, t) return rows(self, 2, t or 0, d) end
function Model:dert(rate, d) return rows(self, 3, rate, d) end

-- Bootstrap draws: refits on the fitted customers resampled with replacement (weights
-- respected, covariate rows kept with their customer). A list of n_boot rows, each a list of
-- the parameters then the coefficients (names: Model:estimate_names()).
function Model:bootstrap(n_boot, seed)
  local o = self.origin or self
  if not o.data then error("cxkit: ESTATE: bootstrap needs a model fitted by cx.clv.fit", 2) end
  n_boot, seed = n_boot or 200, seed or 0
  local key = n_boot .. ":" .. seed
  if o.boot_key == key then return o.boot end
  local x, tx, T = columns(o.kind, o.data)
  local k = #o:estimate_names()
  local flat = cx.clv_b_bootstrap(n_boot * k, o.handle, x, tx, T, o.weights or {}, n_boot, seed,
                                  o.penalizer or 0)
  local draws = {}
  for b = 1, n_boot do
    draws[b] = {}
    for j = 1, k do draws[b][j] = flat[(b - 1) * k + j] end
  end
  o.boot, o.boot_key = draws, key
  return draws
end

-- Set one draw (parameters, then coefficients) on a model handle.
local function set_draw(kind, handle, row)
  local np = #names[kind]
  local p, c = {}, {}
  for j = 1, #row do
    if j <= np then p[j] = row[j] else c[j - np] = row[j] end
  end
  cx.clv_model_set_params(handle, p)
  if #c > 0 then cx.clv_model_set_coefs(handle, c) end
end

local function quantile(sorted, q)
  local h = (#sorted - 1) * q + 1
  local lo = math.floor(h)
  local hi = math.min(lo + 1, #sorted)
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])
end

-- estimate/se/lower/upper columns from a delta-method se or from the draws' predictions.
local function interval(est, se_fn, draw_fn, opts, n_boot_default, probability)
  opts = opts or {}
  local level, method = opts.level or 0.95, opts.method or "delta"
  local out = { estimate = est, se = {}, lower = {}, upper = {} }
  if method == "delta" then
    local z = cx.clv_b_z(level)
    out.se = se_fn()
    for i = 1, #est do
      local p, s = est[i], out.se[i]
      if probability and p > 0 and p < 1 and s > 0 then -- logit scale: inside [0, 1]
        local lg, half = math.log(p / (1 - p)), z * s / (p * (1 - p))
        out.lower[i], out.upper[i] = 1 / (1 + math.exp(half - lg)), 1 / (1 + math.exp(-lg - half))
      elseif probability then
        out.lower[i], out.upper[i] = p, p
      else
        out.lower[i], out.upper[i] = p - z * s, p + z * s
      end
    end
  elseif method == "bootstrap" then
    local sims = draw_fn(opts.n_boot or n_boot_default, opts.seed or 0)
    for i = 1, #est do
      local col, mean, ss = {}, 0, 0
      for b = 1, #sims do col[b] = sims[b][i]; mean = mean + col[b] / #sims end
      for b = 1, #sims do ss = ss + (col[b] - mean) ^ 2 end
      table.sort(col)
      out.se[i] = math.sqrt(ss / (#sims - 1))
      out.lower[i], out.upper[i] = quantile(col, 0.5 - level / 2), quantile(col, 0.5 + level / 2)
    end
  else
    error("cxkit: EINVAL: method must be 'delta' or 'bootstrap'", 3)
  end
  return out
end

local function row_interval(self, what, t, d, opts)
  local x, tx, T = columns(self.kind, d)
  return interval(rows(self, what, t, d),
    function() return cx.clv_b_stderr(#x, self.handle, what, t, x, tx, T) end,
    function(n_boot, seed)
      local draws, copy = self:bootstrap(n_boot, seed), cx.clv_b_copy(self.handle, {}, {}, 0)
      local sims = {}
      for b, row in ipairs(draws) do
        set_draw(self.kind, copy, row)
        sims[b] = cx.clv_b_rows(#x, copy, what, t, x, tx, T)
      end
      return sims
    end, opts, 200, what == 2)
end

-- Intervals: { estimate, se, lower, upper } per customer; opts.level (0.95), opts.method
-- ("delta" from the Hessian, or "bootstrap" percentiles), opts.n_boot (200), opts.seed.
-- P(alive) delta bounds are on the logit scale (inside [0, 1]).
function Model:predict_interval(t, d, opts) return row_interval(self, 1, t, d, opts) end
function Model:p_alive_interval(d, opts) return row_interval(self, 2, 0, d, opts) end
function Model:dert_interval(rate, d, opts) return row_interval(self, 3, rate, d, opts) end

function Model:expected(t)
  local ts = type(t) == "table" and t or { t }
  local out = cx.clv_b_expected(#ts, self.handle, ts)
  return type(t) == "table" and out or out[1]
end

function Model:pmf(t, k)
  return cx.clv_b_pmf(1, self.handle, { t }, { k })[1]
end

-- Gamma-Gamma: expected mean spend per customer.
function Model:spend(frequency, monetary_value)
  return cx.clv_b_spend(#frequency, self.handle, frequency, monetary_value)
end

-- Synthetic customers: { frequency, recency, alive } for ages T (a table).
function Model:sample(T, seed)
  local n = #T
  local out = cx.clv_b_sample(3 * n, self.handle, T, seed or 0)
  local d = { frequency = {}, recency = {}, alive = {}, T = T }
  for i = 1, n do
    d.frequency[i], d.recency[i], d.alive[i] = out[i], out[n + i], out[2 * n + i]
  end
  return d
end

-- lifetimes-style CLV: months, discount per month, units of time per month (weeks: 4.345).
function clv.lifetime_value(model, spend, d, opts)
  opts = opts or {}
  return cx.clv_b_value(#d.frequency, model.handle, spend.handle, d.frequency, d.recency, d.T,
                        d.monetary_value, opts.months or 12, opts.units_per_month or 30,
                        opts.discount or 0.01, opts.margin or 1)
end

-- CLV with an interval (see Model:predict_interval): the delta method over both models (the
-- transaction model's covariate coefficients included), or paired bootstrap refits of both.
function clv.lifetime_value_interval(model, spend, d, opts)
  opts = opts or {}
  local args = { d.frequency, d.recency, d.T, d.monetary_value, opts.months or 12,
                 opts.units_per_month or 30, opts.discount or 0.01, opts.margin or 1 }
  local n = #d.frequency
  local unpack = table.unpack
  return interval(cx.clv_b_value(n, model.handle, spend.handle, unpack(args)),
    function() return cx.clv_b_value_stderr(n, model.handle, spend.handle, unpack(args)) end,
    function(n_boot, seed)
      local td, sd = model:bootstrap(n_boot, seed), spend:bootstrap(n_boot, seed + 1)
      local tc, sc = cx.clv_b_copy(model.handle, {}, {}, 0), cx.clv_b_copy(spend.handle, {}, {}, 0)
      local sims = {}
      for b = 1, #td do
        set_draw(model.kind, tc, td[b])
        set_draw(spend.kind, sc, sd[b])
        sims[b] = cx.clv_b_value(n, tc, sc, unpack(args))
      end
      return sims
    end, opts, 200)
end

-- The columns of a C summary as a table.
local function summary_table(r)
  local n = cx.rfm_rows(r)
  local out = { customer = {} }
  local cols = { frequency = cx.CX_RFM_FREQUENCY, recency = cx.CX_RFM_RECENCY, T = cx.CX_RFM_T,
                 monetary_value = cx.CX_RFM_MONETARY,
                 frequency_holdout = cx.CX_RFM_FREQUENCY_HOLDOUT,
                 monetary_value_holdout = cx.CX_RFM_MONETARY_HOLDOUT,
                 duration_holdout = cx.CX_RFM_DURATION_HOLDOUT }
  for name, code in pairs(cols) do out[name] = cx.rfm_get(n, r, code) end
  for i = 1, n do out.customer[i] = cx.clv_b_customer(r, i - 1) end
  return out
end

-- RFM summary from transaction columns { customer, time (epoch seconds), amount }.
function clv.summary(tx, opts)
  opts = opts or {}
  local r = cx.clv_b_rfm(tx.customer, tx.time, tx.amount or {}, opts.period or 86400,
                         opts.multiplier or 1, opts.observation_end or
                           error("cxkit: EINVAL: observation_end is required", 2),
                         opts.calibration_end or 0, opts.calibration_end and 1 or 0)
  return summary_table(r)
end

-- Fold new transactions into a summary table (from cx.clv.summary or read from a file) without
-- the history: opts.observation_end (the end the summary was made with), opts.new_end, and the
-- summary's opts.period / opts.multiplier. Returns the updated summary table.
function clv.update(s, tx, opts)
  opts = opts or {}
  local r = cx.clv_b_rfm_columns(s.customer, s.frequency, s.recency, s.T,
                                 s.monetary_value or {}, opts.period or 86400,
                                 opts.multiplier or 1, opts.observation_end or
                                   error("cxkit: EINVAL: observation_end is required", 2))
  local amounts = tx.amount or {}
  if #amounts == 0 then for i = 1, #tx.customer do amounts[i] = 0 end end
  cx.clv_b_rfm_update(r, tx.customer, tx.time, amounts,
                      opts.new_end or error("cxkit: EINVAL: new_end is required", 2))
  return summary_table(r)
end

cx.clv = clv
