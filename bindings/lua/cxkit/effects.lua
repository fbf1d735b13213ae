-- cx.effects: loyalty effects and survival on Lua tables (docs/effects.md).
-- Rows come back as arrays of records ({time = .., surv = ..}); errors are Lua errors
-- "cxkit: ECODE: message" as everywhere in the binding.
local cx = ...

local M = {}

local CI = { ["log"] = 0, ["log-log"] = 1, ["plain"] = 2 }
local TIES = { efron = 0, breslow = 1 }

local function ones(n)
  local t = {}
  for i = 1, n do t[i] = 1 end
  return t
end

-- Kaplan-Meier curve: array of {time, n_risk, n_event, surv, se, lower, upper}.
function M.kaplan_meier(time, event, opts)
  opts = opts or {}
  local km = cx.km_fit_columns(time, event or ones(#time), opts.conf_level or 0.95,
    CI[opts.ci or "log"])
  local n = cx.km_size(km)
  local names = { "time", "n_risk", "n_event", "surv", "se", "lower", "upper" }
  local cols = {}
  for k, name in ipairs(names) do cols[name] = cx.km_column(n, km, k - 1) end
  local rows = {}
  for i = 1, n do
    local r = {}
    for _, name in ipairs(names) do r[name] = cols[name][i] end
    rows[i] = r
  end
  local ok, med = pcall(cx.km_median, km)
  return rows, ok and med or math.huge
end

-- Log-rank test; group holds codes 0 .. k-1. Returns chisq, p_value, observed, expected.
function M.logrank(time, event, group, k)
  if not k then
    k = 0
    for _, g in ipairs(group) do if g + 1 > k then k = g + 1 end end
  end
  local chisq, p = cx.logrank_columns(k, time, event, group)
  return chisq, p, cx.logrank_counts(k, 0, time, event, group),
    cx.logrank_counts(k, 1, time, event, group)
end

local function flatten(rows)
  local flat, p = {}, #rows[1]
  for i, row in ipairs(rows) do
    for j = 1, p do flat[(i - 1) * p + j] = row[j] end
  end
  return flat, p
end

-- Cox model; x is an array of rows (arrays of p numbers). Returns a table with coef, se,
-- hazard_ratio, lower, upper, p_value (arrays of p) and ph_test(transform) for cox.zph.
function M.cox(time, event, x, opts)
  opts = opts or {}
  local flat, p = flatten(x)
  local m = cx.cox_fit_columns(time, event, flat, p, TIES[opts.ties or "efron"])
  local level = opts.conf_level or 0.95
  local r = { model = m }
  for k, name in ipairs({ "coef", "se", "hazard_ratio", "lower", "upper", "p_value" }) do
    r[name] = cx.cox_column(p, m, k - 1, level)
  end
  r.loglik_null, r.loglik = cx.cox_summary(m)
  function r.ph_test(transform)
    local t = ({ km = 0, identity = 1, rank = 2, log = 3 })[transform or "km"]
    return cx.cox_zph_column(p + 1, m, t, 0), cx.cox_zph_column(p + 1, m, t, 2)
  end
  return r
end

-- Logistic regression with an intercept; x is an array of rows. Returns coef, se, lower,
-- upper, p_value (intercept first) and predict(rows).
function M.logit(y, x, opts)
  opts = opts or {}
  local flat, p = flatten(x)
  local m = cx.logit_fit_columns(y, flat, opts.weights or {}, p, 1)
  local q, level = p + 1, opts.conf_level or 0.95
  local r = { model = m }
  for k, name in ipairs({ "coef", "se", "lower", "upper", "p_value" }) do
    r[name] = cx.logit_column(q, m, k - 1, level)
  end
  function r.predict(rows)
    local f = flatten(rows)
    return cx.logit_predict_columns(#rows, f, p, m)
  end
  return r
end

-- Wallet Allocation Rule from ranks and numbers of brands.
function M.wallet_share(rank, n_brands)
  return cx.wallet_share_from_ranks_columns(#rank, rank, n_brands)
end

local function table_rows(t)
  local rows, cols = cx.effect_table_rows(t), cx.effect_table_cols(t)
  local names, text = {}, {}
  for c = 0, cols - 1 do
    names[c + 1] = cx.effect_table_col_name(t, c)
    text[c + 1] = cx.effect_table_col_is_text(t, c) == 1
  end
  local out = {}
  for r = 0, rows - 1 do
    local rec = {}
    for c = 0, cols - 1 do
      if text[c + 1] then
        rec[names[c + 1]] = cx.effect_table_text(t, r, c)
      else
        rec[names[c + 1]] = cx.effect_table_value(t, r, c)
      end
    end
    out[r + 1] = rec
  end
  local notes = {}
  for line in cx.effect_table_notes(t):gmatch("[^\n]+") do notes[#notes + 1] = line end
  return { title = cx.effect_table_title(t), columns = names, rows = out, notes = notes }
end

-- Log-level analysis on CSV files: analysis is outcomes, recovery, touchpoints, spend,
-- retention, zones, churn or churn_curves. opts: window_days, churn_gap_days, conf_level,
-- confounders, covariates, predictor, columns. Returns {title, columns, rows, notes}.
function M.analyse(analysis, log_csv, tx_csv, opts)
  opts = opts or {}
  local t = cx.effects_run_csv(analysis, log_csv, tx_csv or "", opts.columns or "",
    opts.window_days or 0, opts.churn_gap_days or 0, opts.conf_level or 0,
    opts.confounders or "", opts.covariates or "", opts.predictor or "")
  return table_rows(t)
end

cx.effects = M
