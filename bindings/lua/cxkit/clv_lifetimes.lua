-- cxkit.clv with the names of the Python package lifetimes, on Lua tables.
--
--   local cx = require("cxkit")
--   local data = cx.clv.read_csv("cdnow_customers_summary.csv")      -- columns by header
--   local bgf = cx.clv.BetaGeoFitter({ penalizer_coef = 0 })
--   bgf:fit(data.frequency, data.recency, data.T)
--   bgf.params_.r, bgf.summary.r.coef, bgf.summary.r.se, bgf.standard_errors_.alpha
--   bgf:conditional_expected_number_of_purchases_up_to_time(1, data.frequency, data.recency,
--                                                           data.T)   --> a table per customer
--   bgf:predict(10, 2, 30.43, 38.86)                                  --> a number
--   local s = cx.clv.summary_data_from_transaction_data(tx, "id", "date",
--               { observation_period_end = "2014-12-31" })             -- tx: table of columns
--
-- Arguments are columns (tables) or numbers; numbers broadcast against the columns, and
-- numbers only give a number (as lifetimes on numpy arrays and scalars). Times are epoch
-- seconds or "YYYY-MM-DD[ HH:MM:SS]" strings.
local cx = ...
local clv = cx.clv

local function fail(msg, level) error("cxkit: EINVAL: " .. msg, (level or 1) + 1) end

-- Columns of equal length from columns and numbers; scalar = every argument a number.
local function columns(...)
  local args, n, scalar = table.pack(...), nil, true
  for i = 1, args.n do
    local v = args[i]
    if type(v) == "table" then
      scalar = false
      n = n or #v
      if #v ~= n then fail("columns of different length", 3) end
    end
  end
  n = n or 1
  local out = {}
  for i = 1, args.n do
    local v = args[i]
    if type(v) == "table" then
      out[i] = v
    else
      local c = {}
      for j = 1, n do c[j] = v end
      out[i] = c
    end
  end
  return out, scalar, n
end

local function result(values, scalar)
  if scalar then return values[1] end
  return values
end

-- ---------------------------------------------------------------------------------------------
-- Fitters

local Fitter = {}
Fitter.__index = Fitter

local function class(kind, names)
  local c = { kind = kind, names = names }
  c.__index = c
  return setmetatable(c, {
    __index = Fitter,
    __call = function(cls, opts)
      return setmetatable({ penalizer_coef = (opts or {}).penalizer_coef or 0,
                            params_names = names }, cls)
    end,
  })
end

-- lifetimes' penalty units (as the Python layer): a penalised BG/NBD, MBG/NBD or Pareto/NBD
-- fit runs with times divided by the largest T, so the C model holds parameters in that unit;
-- tscale is the data's time unit per model unit, time_params the parameters scaling with it.
Fitter.tscale = 1
Fitter.time_params = {}

function Fitter:_unit(name)
  return self.time_params[name] and self.tscale or 1
end

-- params_, standard_errors_, summary, variance_matrix_ and log_likelihood_ from the C model, in
-- the data's time unit.
function Fitter:_refresh()
  local m = self.model
  self.params_, self.standard_errors_ = {}, nil
  for _, k in ipairs(self.names) do self.params_[k] = m.params[k] * self:_unit(k) end
  self.log_likelihood_ = m.loglik
  if m.loglik and self.tscale ~= 1 then -- one density factor 1 / tscale per purchase
    for i, x in ipairs(self.fitted_x) do
      self.log_likelihood_ = self.log_likelihood_ - math.log(self.tscale) * x
        * (self.fitted_w and self.fitted_w[i] or 1)
    end
  end
  self.summary, self.confidence_intervals_, self.variance_matrix_ = nil, nil, nil
  if m.stderr then
    self.standard_errors_, self.summary, self.confidence_intervals_ = {}, {}, {}
    for _, k in ipairs(self.names) do
      local p, se = self.params_[k], m.stderr[k] * self:_unit(k)
      self.standard_errors_[k] = se
      self.summary[k] = { coef = p, se = se, lower = p - 1.96 * se, upper = p + 1.96 * se }
      self.confidence_intervals_[k] = { lower = p - 1.96 * se, upper = p + 1.96 * se }
    end
    local v = m:vcov_all()
    self.variance_matrix_ = {}
    for i, a in ipairs(self.names) do
      self.variance_matrix_[a] = {}
      for j, b in ipairs(self.names) do
        self.variance_matrix_[a][b] = v[i][j] * self:_unit(a) * self:_unit(b)
      end
    end
  end
  return self
end

-- Predict with known parameters (in the data's time unit): fitter:set_params({ r = 0.243,
-- ... }) (lifetimes assigns params_).
function Fitter:set_params(params)
  local p = {}
  for i, k in ipairs(self.names) do
    local v = params[k] or params[i] or fail("missing parameter " .. k, 2)
    p[k] = v / self:_unit(k)
  end
  self.model = clv.new(self.kind, p)
  return self:_refresh()
end

-- lifetimes' helper: parameter values in the order of the names.
function Fitter:_unload_params(...)
  if not self.params_ then fail("model has not been fit yet: call fit first", 2) end
  local out = {}
  for i, k in ipairs({ ... }) do out[i] = self.params_[k] end
  return table.unpack(out)
end

function Fitter:_fit(x, tx, T, weights, opts, penalizer)
  local data = { frequency = x, recency = tx, T = T, n_periods = T, monetary_value = tx }
  self.fitted_x, self.fitted_w = x, weights
  self.model = clv.fit(self.kind, data, { weights = weights,
                                          penalizer = penalizer or self.penalizer_coef,
                                          n_starts = opts.n_starts, seed = opts.seed })
  return self:_refresh()
end

function Fitter:__tostring()
  if not self.params_ then return "<cxkit.clv." .. self.class_name .. ">" end
  local keys, parts = {}, {}
  for _, k in ipairs(self.names) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%s: %.2f", k, self.params_[k]) end
  local n = self.data and string.format(" fitted with %d subjects,", #self.data.frequency) or ""
  return "<cxkit.clv." .. self.class_name .. ":" .. n .. " " .. table.concat(parts, ", ") .. ">"
end

-- One C prediction per customer (what: 1 expected purchases, 2 P(alive), 3 DERT), the inputs
-- converted to the model's time unit.
function Fitter:_rows(what, t, x, tx, T)
  local s = self.tscale
  if s ~= 1 and self.time_params.alpha then
    local mtx, mT = {}, {}
    for i = 1, #x do mtx[i], mT[i] = tx[i] / s, T[i] / s end
    tx, T = mtx, mT
    if what == 1 then t = t / s elseif what == 3 then t = (1 + t) ^ s - 1 end
  end
  return cx.clv_b_rows(#x, self.model.handle, what, t, x, tx, T)
end

local function continuous(kind, names, class_name)
  local c = class(kind, names)
  c.class_name = class_name
  c.__tostring = Fitter.__tostring
  c.time_params = { alpha = true, beta = kind == "pareto" or nil }

  -- fit(frequency, recency, T, { weights = ..., n_starts = ..., seed = ... }); customers of age
  -- 0 (first purchase at the end, T = 0) are taken as they are (likelihood 1).
  function c:fit(frequency, recency, T, opts)
    opts = opts or {}
    if #opts > 0 then opts = { weights = opts } end -- lifetimes' fourth argument: weights
    if #frequency ~= #recency or #frequency ~= #T then fail("columns of different length", 2) end
    local x, tx, tt, w, k = {}, {}, {}, opts.weights and {} or nil, 0
    for i = 1, #frequency do
      k = k + 1
      x[k], tx[k], tt[k] = frequency[i], recency[i], T[i]
      if w then w[k] = opts.weights[i] end
    end
    -- lifetimes' penalty: times over the largest T; Pareto/NBD's per customer sum
    local s, pen = 0, self.penalizer_coef
    if pen > 0 then for i = 1, #T do s = math.max(s, T[i]) end end
    if s <= 0 then s = 1 end
    self.tscale = s
    if kind == "pareto" and pen > 0 then pen = pen / #frequency end
    for i = 1, k do tx[i], tt[i] = tx[i] / s, tt[i] / s end
    self:_fit(x, tx, tt, w, opts, pen)
    local ones = {}
    for i = 1, #frequency do ones[i] = 1 end
    self.data = { frequency = frequency, recency = recency, T = T, weights = opts.weights or ones }
    return self
  end

  function c:conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)
    local col, scalar = columns(frequency, recency, T)
    return result(self:_rows(1, t, col[1], col[2], col[3]), scalar)
  end
  c.predict = c.conditional_expected_number_of_purchases_up_to_time

  function c:conditional_probability_alive(frequency, recency, T)
    local col, scalar = columns(frequency, recency, T)
    return result(self:_rows(2, 0, col[1], col[2], col[3]), scalar)
  end

  -- Rows recency 0 .. max_recency, columns frequency 0 .. max_frequency, age max_recency.
  function c:conditional_probability_alive_matrix(max_frequency, max_recency)
    local d = self.data
    if not max_frequency or not max_recency then
      local mf, mt = 0, 0
      for i = 1, #d.frequency do
        mf, mt = math.max(mf, d.frequency[i]), math.max(mt, d.T[i])
      end
      max_frequency, max_recency = max_frequency or math.floor(mf), max_recency or math.floor(mt)
    end
    local x, tx, T, k = {}, {}, {}, 0
    for r = 0, max_recency do
      for f = 0, max_frequency do
        k = k + 1
        x[k], tx[k], T[k] = f, f == 0 and 0 or r, max_recency
      end
    end
    local p, out = self:_rows(2, 0, x, tx, T), {}
    for r = 0, max_recency do
      out[r + 1] = {}
      for f = 0, max_frequency do out[r + 1][f + 1] = p[r * (max_frequency + 1) + f + 1] end
    end
    return out
  end

  function c:expected_number_of_purchases_up_to_time(t)
    local ts = {}
    for i, v in ipairs(type(t) == "table" and t or { t }) do ts[i] = v / self.tscale end
    return result(cx.clv_b_expected(#ts, self.model.handle, ts), type(t) ~= "table")
  end

  function c:probability_of_n_purchases_up_to_time(t, n)
    return cx.clv_b_pmf(1, self.model.handle, { t / self.tscale }, { n })[1]
  end

  -- Synthetic customers (columns frequency, recency, T, alive); ages T (a number or a
  -- column), by default the fitted customers' ages (repeated cyclically up to size).
  function c:generate_new_data(size, T, seed)
    size = size or 1
    local ages = {}
    if type(T) == "number" then
      for i = 1, size do ages[i] = T end
    else
      local src = T or (self.data and self.data.T) or { 1 }
      for i = 1, size do ages[i] = src[(i - 1) % #src + 1] end
    end
    local model_ages = {}
    for i, a in ipairs(ages) do model_ages[i] = a / self.tscale end
    local out = self.model:sample(model_ages, seed)
    for i = 1, #out.recency do out.recency[i] = out.recency[i] * self.tscale end
    out.T = ages
    return out
  end

  return c
end

clv.BetaGeoFitter = continuous("bgnbd", { "r", "alpha", "a", "b" }, "BetaGeoFitter")
clv.ModifiedBetaGeoFitter = continuous("mbgnbd", { "r", "alpha", "a", "b" },
                                       "ModifiedBetaGeoFitter")
clv.ParetoNBDFitter = continuous("pareto", { "r", "alpha", "s", "beta" }, "ParetoNBDFitter")

local Pareto = clv.ParetoNBDFitter

function Pareto:discounted_expected_residual_transactions(frequency, recency, T, discount_rate)
  local col, scalar = columns(frequency, recency, T)
  return result(self:_rows(3, discount_rate, col[1], col[2], col[3]), scalar)
end

-- Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence).
local function gauss_legendre(m)
  local x, w = {}, {}
  for i = 1, m do
    local z = math.cos(math.pi * (i - 0.25) / (m + 0.5))
    local dp
    for _ = 1, 100 do
      local p0, p1 = 1, z
      for k = 2, m do p0, p1 = p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k end
      dp = m * (z * p1 - p0) / (z * z - 1)
      local dz = p1 / dp
      z = z - dz
      if math.abs(dz) < 1e-15 then break end
    end
    local p0, p1 = 1, z
    for k = 2, m do p0, p1 = p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k end
    dp = m * (z * p1 - p0) / (z * z - 1)
    x[i], w[i] = z, 2 / ((1 - z * z) * dp * dp)
  end
  return x, w
end
local GL_X, GL_W = gauss_legendre(16)

-- P(n purchases in the next t | frequency, recency, T), lifetimes' argument order. Alive at T,
-- the purchase rate is Gamma(r + x, alpha + T) and the dropout rate Gamma(s, beta + T); a
-- customer alive through t buys NBD over t, one dying at tau < t over tau (the integral over
-- tau by Gauss-Legendre, 8 panels of 16 nodes; the Python layer does the same).
function Pareto:conditional_probability_of_n_purchases_up_to_time(n, t, frequency, recency, T)
  local col, scalar = columns(frequency, recency, T)
  local r, alpha, s, beta = self:_unload_params("r", "alpha", "s", "beta")
  local alive = self:_rows(2, 0, col[1], col[2], col[3])
  local out = {}
  for i = 1, #alive do
    local k, a, b = r + col[1][i], alpha + col[3][i], beta + col[3][i]
    local lc = 0 -- log of Gamma(k + n) / (Gamma(k) n!)
    for j = 1, n do lc = lc + math.log((k + j - 1) / j) end
    local function nb(tau)
      return math.exp(lc + k * math.log(a / (a + tau)) + (n > 0 and n * math.log(tau / (a + tau)) or 0))
    end
    local p = n == 0 and 1 or 0
    if t > 0 then
      local died, h = 0, t / 8
      for panel = 0, 7 do
        for q = 1, #GL_X do
          local tau = h * (panel + 0.5) + h / 2 * GL_X[q]
          died = died + h / 2 * GL_W[q] * nb(tau) * s * b ^ s * (b + tau) ^ (-(s + 1))
        end
      end
      local survived = nb(t) * (b / (b + t)) ^ s
      p = alive[i] * (survived + died) + (1 - alive[i]) * (n == 0 and 1 or 0)
    end
    out[i] = p
  end
  return result(out, scalar)
end

-- BG/BB: frequency, recency and n_periods (opportunities).
local BGBB = class("bgbb", { "alpha", "beta", "gamma", "delta" })
BGBB.class_name = "BetaGeoBetaBinomFitter"
BGBB.__tostring = Fitter.__tostring
clv.BetaGeoBetaBinomFitter = BGBB

function BGBB:fit(frequency, recency, n_periods, opts)
  opts = opts or {}
  if #opts > 0 then opts = { weights = opts } end
  local w_sum = 0 -- lifetimes' BG/BB penalty sits beside the mean over rows
  for i = 1, #frequency do w_sum = w_sum + (opts.weights and opts.weights[i] or 1) end
  self:_fit(frequency, recency, n_periods, opts.weights, opts,
            w_sum > 0 and self.penalizer_coef * #frequency / w_sum or nil)
  local ones = {}
  for i = 1, #frequency do ones[i] = 1 end
  self.data = { frequency = frequency, recency = recency, n_periods = n_periods,
                weights = opts.weights or ones }
  return self
end

function BGBB:conditional_expected_number_of_purchases_up_to_time(m_periods_in_future, frequency,
                                                                  recency, n_periods)
  local col, scalar = columns(frequency, recency, n_periods)
  return result(self:_rows(1, m_periods_in_future, col[1], col[2], col[3]), scalar)
end

function BGBB:conditional_probability_alive(m_periods_in_future, frequency, recency, n_periods)
  local col, scalar = columns(frequency, recency, n_periods)
  return result(self:_rows(2, m_periods_in_future, col[1], col[2], col[3]), scalar)
end

-- Expected customers (of the fitted weight total) with 0 .. n transactions in the first n
-- opportunities: { frequency = {0..n}, model = {...} }.
function BGBB:expected_number_of_transactions_in_first_n_periods(n)
  local ts, ks, total = {}, {}, 0
  for k = 0, n do ts[k + 1], ks[k + 1] = n, k end
  for _, w in ipairs(self.data.weights) do total = total + w end
  local p = cx.clv_b_pmf(n + 1, self.model.handle, ts, ks)
  for i = 1, #p do p[i] = p[i] * total end
  return { frequency = ks, model = p }
end

-- Gamma-Gamma spend model: p, q, v (lifetimes' name for gamma).
local GG = class("gg", { "p", "q", "v" })
GG.class_name = "GammaGammaFitter"
GG.__tostring = Fitter.__tostring
clv.GammaGammaFitter = GG

function GG:_refresh()
  local m = self.model
  m.params.v, m.params.gamma = m.params.gamma, nil
  if m.stderr then m.stderr.v, m.stderr.gamma = m.stderr.gamma, nil end
  return Fitter._refresh(self)
end

function GG:set_params(params)
  self.model = clv.new("gg", { params.p or params[1], params.q or params[2],
                               params.v or params.gamma or params[3] })
  return self:_refresh()
end

function GG:fit(frequency, monetary_value, opts)
  opts = opts or {}
  if #opts > 0 then opts = { weights = opts } end
  self:_fit(frequency, monetary_value, {}, opts.weights, opts)
  local ones = {}
  for i = 1, #frequency do ones[i] = 1 end
  self.data = { frequency = frequency, monetary_value = monetary_value,
                weights = opts.weights or ones }
  return self
end

function GG:conditional_expected_average_profit(frequency, monetary_value)
  if frequency == nil then frequency, monetary_value = self.data.frequency, self.data.monetary_value end
  local col, scalar, n = columns(frequency, monetary_value)
  return result(cx.clv_b_spend(n, self.model.handle, col[1], col[2]), scalar)
end

local PER_MONTH = { W = 4.345, M = 1, D = 30, H = 720 }

-- lifetimes' CLV: time months, discount_rate per month, freq the unit of recency and T.
function GG:customer_lifetime_value(transaction_prediction_model, frequency, recency, T,
                                    monetary_value, time, discount_rate, freq)
  local per_month = PER_MONTH[freq or "D"] or fail("freq must be W, M, D or H", 2)
  local col, scalar, n = columns(frequency, recency, T, monetary_value)
  local tm, months, d = transaction_prediction_model, time or 12, discount_rate or 0.01
  local s, r, a = tm.tscale or 1, {}, {}
  for i = 1, n do r[i], a[i] = col[2][i] / s, col[3][i] / s end -- the model's time unit
  local out = cx.clv_b_value(n, tm.model.handle, self.model.handle, col[1], r, a, col[4], months,
                             per_month / s, d, 1)
  return result(out, scalar)
end

-- ---------------------------------------------------------------------------------------------
-- Summaries on tables of columns

local SECONDS = { D = 86400, H = 3600, h = 3600, W = 7 * 86400, min = 60, T = 60, S = 1, s = 1 }
-- pandas' weekly periods W-XXX end on XXX; days from Thursday 1970-01-01 (where the C periods
-- are aligned) to their first day. 'W' is 'W-SUN': weeks start on Mondays.
local WEEK_START = { ["W-WED"] = 0, ["W-THU"] = 1, ["W-FRI"] = 2, ["W-SAT"] = 3, ["W-SUN"] = 4,
                     ["W-MON"] = 5, ["W-TUE"] = 6 }

local function period_of(freq)
  local start = WEEK_START[freq == "W" and "W-SUN" or freq]
  if start then return 7 * 86400, start * 86400 end
  return SECONDS[freq] or fail("freq '" .. tostring(freq) .. "': use D, H, W, W-XXX, min or S",
                               3), 0
end

local function seconds(t)
  if type(t) == "string" then return cx.time_parse(t) end
  return t
end

local function before(a, b)
  if type(a) == type(b) then return a < b end
  return tostring(a) < tostring(b)
end

-- The C summary of a transaction table; rows sorted by customer id (as lifetimes).
local function summarise(tx, id_col, time_col, opts, calibration_end)
  opts = opts or {}
  local freq, mult = opts.freq or "D", opts.freq_multiplier or 1
  local period, offset = period_of(freq)
  local ids, times, amounts, by_name = {}, {}, {}, {}
  local money = opts.monetary_value_col and tx[opts.monetary_value_col]
  local last
  for i, c in ipairs(tx[id_col] or fail("no column " .. tostring(id_col), 3)) do
    ids[i] = tostring(c)
    by_name[ids[i]] = c
    times[i] = seconds(tx[time_col][i]) - offset
    last = math.max(last or times[i], times[i])
    if money then amounts[i] = money[i] end
  end
  local obs = opts.observation_period_end and seconds(opts.observation_period_end) - offset
    or last
  local cal = calibration_end and seconds(calibration_end) - offset or 0
  local r = cx.clv_b_rfm(ids, times, amounts, period, mult, obs, cal, calibration_end and 1 or 0)
  local n = cx.rfm_rows(r)
  local cols = { frequency = cx.CX_RFM_FREQUENCY, recency = cx.CX_RFM_RECENCY, T = cx.CX_RFM_T,
                 monetary_value = cx.CX_RFM_MONETARY,
                 frequency_holdout = cx.CX_RFM_FREQUENCY_HOLDOUT,
                 monetary_value_holdout = cx.CX_RFM_MONETARY_HOLDOUT,
                 duration_holdout = cx.CX_RFM_DURATION_HOLDOUT }
  local got = {}
  for name, code in pairs(cols) do got[name] = cx.rfm_get(n, r, code) end
  local order = {}
  for i = 1, n do order[i] = { id = by_name[cx.clv_b_customer(r, i - 1)], i = i } end
  table.sort(order, function(a, b) return before(a.id, b.id) end)
  local out = { [id_col] = {} }
  for name in pairs(cols) do out[name] = {} end
  for j, o in ipairs(order) do
    out[id_col][j] = o.id
    for name in pairs(cols) do out[name][j] = got[name][o.i] end
  end
  if opts.include_first_transaction then -- the first period counts in frequency and spend
    local total, row = {}, {}
    for j, o in ipairs(order) do row[tostring(o.id)] = j end
    for i, c in ipairs(ids) do
      local keep = calibration_end and times[i] <= cal or (times[i] // period <= obs // period)
      if keep and money and row[c] then total[c] = (total[c] or 0) + money[i] end
    end
    for j, o in ipairs(order) do
      out.frequency[j] = out.frequency[j] + 1
      if money then out.monetary_value[j] = (total[tostring(o.id)] or 0) / out.frequency[j] end
    end
  end
  return out
end

-- lifetimes' summary_data_from_transaction_data on a table of columns: opts
-- monetary_value_col, observation_period_end (default: the last transaction), freq ('D'),
-- freq_multiplier (1), include_first_transaction (false). Returns columns [customer_id_col],
-- frequency, recency, T [, monetary_value].
function clv.summary_data_from_transaction_data(transactions, customer_id_col, datetime_col, opts)
  local s = summarise(transactions, customer_id_col, datetime_col, opts)
  local out = { [customer_id_col] = s[customer_id_col], frequency = s.frequency,
                recency = s.recency, T = s.T }
  if (opts or {}).monetary_value_col then out.monetary_value = s.monetary_value end
  return out
end

-- lifetimes' calibration_and_holdout_data: columns frequency_cal, recency_cal, T_cal
-- [, monetary_value_cal], frequency_holdout [, monetary_value_holdout], duration_holdout.
function clv.calibration_and_holdout_data(transactions, customer_id_col, datetime_col,
                                          calibration_period_end, opts)
  local s = summarise(transactions, customer_id_col, datetime_col, opts, calibration_period_end)
  local out = { [customer_id_col] = s[customer_id_col], frequency_cal = s.frequency,
                recency_cal = s.recency, T_cal = s.T, frequency_holdout = s.frequency_holdout,
                duration_holdout = s.duration_holdout }
  if (opts or {}).monetary_value_col then
    out.monetary_value_cal, out.monetary_value_holdout = s.monetary_value,
      s.monetary_value_holdout
  end
  return out
end

-- A CSV file with a header as a table of columns (numbers where they parse), e.g. lifetimes'
-- data sets (bindings/python/cxkit/data/).
function clv.read_csv(path)
  local f = assert(io.open(path, "r"))
  local header, out = {}, {}
  for name in f:read("l"):gsub("\r$", ""):gmatch("[^,]+") do
    header[#header + 1] = name
    out[name] = {}
  end
  for line in f:lines() do
    line = line:gsub("\r$", "")
    local j = 0
    for cell in (line .. ","):gmatch("([^,]*),") do
      j = j + 1
      if header[j] then table.insert(out[header[j]], tonumber(cell) or cell) end
    end
  end
  f:close()
  return out
end
