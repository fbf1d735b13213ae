-- cxkit.clv: customer-base models on Lua tables (the C API is include/cxkit/clv.h).
--
--   local cx = require("cxkit")
--   local m = cx.clv.fit("bgnbd", { frequency = {...}, recency = {...}, T = {...} })
--   m.params.r, m.stderr.alpha, m.loglik
--   m:predict(39, summary)          --> expected purchases in the next 39 units, per customer
--   m:p_alive(summary), m:expected(39), m:pmf(39, 2), m:dert(0.15 / 52, summary)
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

-- RFM summary from transaction columns { customer, time (epoch seconds), amount }.
function clv.summary(tx, opts)
  opts = opts or {}
  local r = cx.clv_b_rfm(tx.customer, tx.time, tx.amount or {}, opts.period or 86400,
                         opts.multiplier or 1, opts.observation_end or
                           error("cxkit: EINVAL: observation_end is required", 2),
                         opts.calibration_end or 0, opts.calibration_end and 1 or 0)
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

cx.clv = clv
