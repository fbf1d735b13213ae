-- Table-friendly satisfaction scores and key drivers: cx.scores and cx.drivers.
-- (docs/scores.md, docs/drivers.md). NaN (0/0) marks a missing rating. NPS in points.
local cx = ...

local NPS = {score = cx.CX_NPS_SCORE, wald = cx.CX_NPS_WALD,
             adjusted_wald = cx.CX_NPS_ADJUSTED_WALD, bayes = cx.CX_NPS_BAYES}
local PROP = {wilson = cx.CX_PROP_WILSON, wald = cx.CX_PROP_WALD,
              agresti_coull = cx.CX_PROP_AGRESTI_COULL,
              clopper_pearson = cx.CX_PROP_CLOPPER_PEARSON, jeffreys = cx.CX_PROP_JEFFREYS}

local function method(tbl, name, default)
  local m = tbl[name or default]
  if m == nil then error("cxkit: EINVAL: unknown method " .. tostring(name), 2) end
  return m
end

local S = {}

--- A new accumulator on the scale lo..hi (defaults 0..10), optionally filled.
function S.accumulator(lo, hi, ratings, weights)
  local acc = cx.acc_new(lo or 0, hi or 10)
  if ratings then cx.acc_add_columns(acc, ratings, weights or {}) end
  return acc
end

--- NPS of an accumulator: {nps, se, lo, hi, promoters, passives, detractors, n, n_eff}.
function S.acc_nps(acc, opts)
  opts = opts or {}
  local v = cx.acc_nps_values(9, acc, opts.detractor_max or 6, opts.promoter_min or 9,
                              opts.level or 0.95, method(NPS, opts.method, "score"))
  return {nps = v[1], se = v[2], lo = v[3], hi = v[4], promoters = v[5], passives = v[6],
          detractors = v[7], n = v[8], n_eff = v[9]}
end

--- NPS of 0..10 ratings; opts: weights, level, method, detractor_max, promoter_min.
function S.nps(ratings, opts)
  opts = opts or {}
  return S.acc_nps(S.accumulator(opts.scale_min or 0, opts.scale_max or 10, ratings,
                                 opts.weights), opts)
end

--- CSAT summary of an accumulator: mean with a t interval (when n_eff > 1) and the share of
--- ratings >= opts.threshold (default: top two points) with a Wilson interval.
function S.acc_csat(acc, opts)
  opts = opts or {}
  local _, hi = cx.acc_scale(acc)
  local level = opts.level or 0.95
  local n, _, n_eff = cx.acc_sizes(acc)
  local r = {n = n, n_eff = n_eff}
  if n_eff > 1 then
    r.mean, r.se, r.mean_lo, r.mean_hi = cx.acc_mean(acc, level, cx.CX_MEAN_T)
  end
  r.top_box, r.top_box_lo, r.top_box_hi = cx.acc_top_box(acc, opts.threshold or (hi - 1), level,
                                                         method(PROP, opts.method, "wilson"))
  return r
end

--- CSAT of ratings on opts.scale_min..scale_max (1..5); see S.acc_csat.
function S.csat(ratings, opts)
  opts = opts or {}
  return S.acc_csat(S.accumulator(opts.scale_min or 1, opts.scale_max or 5, ratings,
                                  opts.weights), opts)
end

--- Customer Effort Score 2.0 (1..7, share agreeing = ratings >= 5).
function S.ces(ratings, opts)
  opts = opts or {}
  opts.scale_min, opts.scale_max = opts.scale_min or 1, opts.scale_max or 7
  opts.threshold = opts.threshold or 5
  return S.csat(ratings, opts)
end

--- Interval for a proportion x / n: returns lo, hi.
function S.prop_ci(x, n, level, name)
  return cx.prop_ci(x, n, level or 0.95, method(PROP, name, "wilson"))
end

--- Perception gap between paired ratings a and b (see cxkit.scores.gap in Python).
function S.gap(a, b, superior, level)
  local v = cx.gap_paired_values(14, a, b, superior, level or 0.95)
  local names = {"n", "mean_a", "mean_b", "gap", "lo", "hi", "t", "p_value", "top_a", "top_b",
                 "top_diff", "top_lo", "top_hi", "mcnemar_p"}
  local r = {}
  for i, k in ipairs(names) do r[k] = v[i] end
  return r
end

local field_ids = {}
for i = 0, cx.field_count() - 1 do field_ids[cx.field_name(i)] = i end
local PERIODS = {none = 0, day = 1, week = 2, month = 3, quarter = 4, year = 5}

local function field_id(name)
  local id = field_ids[name]
  if not id then error("cxkit: EINVAL: unknown field '" .. tostring(name) .. "'", 3) end
  return id
end

--- Scores per group of an interaction log (cx.Log or its handle), grouped in C:
--- opts.by (field name or list), opts.period (day/week/month/quarter/year), opts.rating
--- ("csat" default, "nps", "ces", ...), opts.weights (one per row). Returns a list of rows
--- {<key> = label, ..., score = S.acc_nps or S.acc_csat result}.
function S.by(log, opts)
  opts = opts or {}
  local rating = opts.rating or "csat"
  local by = type(opts.by) == "string" and {opts.by} or opts.by or {}
  local ids = {}
  for i, name in ipairs(by) do ids[i] = field_id(name) end
  local period = PERIODS[opts.period or "none"]
  if not period then error("cxkit: EINVAL: unknown period '" .. tostring(opts.period) .. "'", 2) end
  local t = cx.scores_group_log(type(log) == "table" and log._h or log, field_id(rating), ids,
                                period, opts.weights or {}, opts.scale_min or 0,
                                opts.scale_max or 0)
  local rows = {}
  for g = 0, cx.scores_groups(t) - 1 do
    local row = {}
    for q = 0, cx.scores_keys(t) - 1 do row[cx.scores_key_name(t, q)] = cx.scores_label(t, g, q) end
    local acc = cx.scores_acc_copy(t, g)
    row.score = rating == "nps" and S.acc_nps(acc, opts) or S.acc_csat(acc, opts)
    rows[#rows + 1] = row
  end
  return rows
end

local D = {}
local KANO = {"attractive", "one-dimensional", "must-be", "indifferent", "reverse",
              "questionable"}

--- Key drivers of target y (a table of numbers) on drivers {name = column, ...} listed in
--- `names` (order of the result). Returns {r2 =, n =, exact =, drivers = {name = {beta,
--- relative_weight, lmg}}}.
function D.key_drivers(y, columns, names, opts)
  opts = opts or {}
  local p, n, x = #names, #y, {}
  for i = 1, n do
    for j = 1, p do x[(i - 1) * p + j] = columns[names[j]][i] end
  end
  local o = cx.drivers_options()
  cx.drivers_options_init(o, cx.CX_DRIVERS_OPTIONS_VERSION)
  if opts.exact_max then o.exact_max = opts.exact_max end
  if opts.samples then o.samples = opts.samples end
  if opts.seed then o.seed = opts.seed end
  local d = cx.drivers_fit_columns(x, y, opts.weights or {}, p, o)
  local r2, used, exact = cx.drivers_summary(d)
  local beta = cx.drivers_get(p, d, cx.CX_DRIVER_BETA)
  local rw = cx.drivers_get(p, d, cx.CX_DRIVER_RW)
  local lmg = cx.drivers_get(p, d, cx.CX_DRIVER_LMG)
  local out = {r2 = r2, n = used, exact = exact == 1, drivers = {}}
  for j, name in ipairs(names) do
    out.drivers[name] = {beta = beta[j], relative_weight = rw[j], lmg = lmg[j]}
  end
  return out
end

--- Kano category name of each (functional, dysfunctional) answer pair (1 like .. 5 dislike).
function D.kano(functional, dysfunctional)
  local c = cx.kano_classify_values(#functional, functional, dysfunctional)
  local out = {}
  for i = 1, #c do out[i] = c[i] >= 0 and KANO[math.tointeger(c[i]) + 1] or false end
  return out
end

cx.scores = S
cx.drivers = D
