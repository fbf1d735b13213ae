-- cx.Log and cx.TransactionLog: table-friendly classes over the SWIG functions of
-- bindings/modules/log.i. Embedded in cxkit.so; run at require() with the module table.
local cx = ...

local TIME_ABSENT = math.mininteger

local field_ids, field_kinds = {}, {}
for i = 0, cx.field_count() - 1 do
  local name = cx.field_name(i)
  field_ids[name] = i
  field_kinds[name] = cx.field_kind_of(i)
end

local function field(name)
  local id = field_ids[name]
  if not id then error("cxkit: EINVAL: unknown field '" .. tostring(name) .. "'", 3) end
  return id
end

-- {customer = "cust_id"} -> "customer=cust_id"
local function columns_option(columns)
  if not columns then return nil end
  local parts = {}
  for f, c in pairs(columns) do parts[#parts + 1] = f .. "=" .. c end
  table.sort(parts)
  return table.concat(parts, ",")
end

local function csv_args(opts)
  opts = opts or {}
  return opts.delimiter or ",", columns_option(opts.columns),
    opts.ignore_unknown_columns == false and 0 or 1
end

local function write_args(opts)
  opts = opts or {}
  return opts.delimiter or ",", columns_option(opts.columns), opts.epoch_seconds and 1 or 0
end

-- from_csv, read_csv, read_csv_text and write_csv for a class whose C functions are
-- cx.<prefix>_read_csv_opts, _read_csv_text and _write_csv_opts. opts: delimiter,
-- columns = {field = "column"}, ignore_unknown_columns (reading), epoch_seconds (writing).
local function add_csv_methods(class, prefix)
  local read, read_text = cx[prefix .. "_read_csv_opts"], cx[prefix .. "_read_csv_text"]
  local write = cx[prefix .. "_write_csv_opts"]
  function class.from_csv(path, opts) return class.new():read_csv(path, opts) end
  function class:read_csv(path, opts)
    read(self._h, path, csv_args(opts))
    return self
  end
  function class:read_csv_text(text, name, opts)
    local d, c, i = csv_args(opts)
    read_text(self._h, text, name or "<text>", d, c, i)
    return self
  end
  function class:write_csv(path, opts) write(self._h, path, write_args(opts)) end
end

local function to_time(t)
  if t == nil then return TIME_ABSENT end
  if type(t) == "string" then return cx.time_parse(t) end
  return t
end

local Log = {}
Log.__index = Log
Log.__name = "cxkit.Log"

local function wrap(h) return setmetatable({_h = h}, Log) end

--- An empty log.
function Log.new() return wrap(cx.log_new()) end
add_csv_methods(Log, "log")

function Log:to_csv_text(opts)
  return cx.log_write_csv_text(self._h, write_args(opts))
end

function Log:rows() return cx.log_rows(self._h) end
Log.__len = Log.rows

function Log:count_present(name) return cx.log_count_present(self._h, field(name)) end

function Log:copy() return wrap(cx.log_dup(self._h)) end

--- The distinct strings of a string field (1-based table; code c is entry c + 1).
function Log:dictionary(name)
  local id = field(name)
  local t = {}
  for code = 0, cx.log_dict_size(self._h, id) - 1 do t[code + 1] = cx.log_dict_get(self._h, id, code) end
  return t
end

--- Integer codes of a field (string codes with -1 absent, times in seconds, yes/no 1/0/-1,
--- channel codes with 0 unknown).
function Log:codes(name) return cx.log_get_i64(cx.log_rows(self._h), self._h, field(name)) end

--- A column as a table: numbers (0/0 NaN absent) for doubles and yes/no, integer seconds
--- (math.mininteger absent) for times, names for channels and ids (false absent).
function Log:column(name)
  local id, kind, n = field(name), field_kinds[name], cx.log_rows(self._h)
  if kind == cx.CX_KIND_DOUBLE or kind == cx.CX_KIND_BOOL then
    return cx.log_get_f64(n, self._h, id)
  elseif kind == cx.CX_KIND_TIME then
    return cx.log_get_i64(n, self._h, id)
  end
  local codes = cx.log_get_i64(n, self._h, id)
  local out = {}
  if kind == cx.CX_KIND_CHANNEL then
    for i = 1, n do out[i] = codes[i] > 0 and cx.channel_name(codes[i]) or false end
  else
    local dict = self:dictionary(name)
    for i = 1, n do out[i] = codes[i] >= 0 and dict[codes[i] + 1] or false end
  end
  return out
end

--- Append one interaction given as a table of fields ({customer = "c1", time = "2024-01-01", csat = 4}).
function Log:append(row)
  local cols = {}
  for k, v in pairs(row) do cols[k] = {v} end
  return self:extend(cols, 1)
end

--- Append rows given as columns ({customer = {...}, time = {...}, csat = {...}}), all or nothing.
--- Strings: false for absent; numbers: 0/0 for absent; times: integer seconds or ISO strings
--- (false absent); yes/no: true/false (absent 0/0) or 1/0; channels: names or codes.
function Log:extend(columns, n)
  if not n then
    for _, values in pairs(columns) do n = #values break end
  end
  if not n then return self end
  local batch = cx.batch_new(n)
  for name, values in pairs(columns) do
    local id, kind = field(name), field_kinds[name]
    if #values ~= n then
      error(string.format("cxkit: EINVAL: column '%s' has %d values, expected %d", name, #values, n), 2)
    end
    if kind == cx.CX_KIND_TIME then
      local secs = {}
      for i = 1, n do secs[i] = values[i] and to_time(values[i]) or TIME_ABSENT end
      cx.batch_set_i64(batch, id, secs)
    elseif kind == cx.CX_KIND_DOUBLE or (kind == cx.CX_KIND_BOOL and type(values[1]) ~= "string") then
      local xs = {}
      for i = 1, n do
        local v = values[i]
        if v == true then
          v = 1
        elseif v == false then
          v = kind == cx.CX_KIND_BOOL and 0 or 0 / 0 -- "no" for yes/no fields, absent otherwise
        elseif v == nil then
          v = 0 / 0
        end
        xs[i] = v
      end
      cx.batch_set_f64(batch, id, xs)
    elseif kind == cx.CX_KIND_CHANNEL and type(values[1]) == "number" then
      cx.batch_set_i64(batch, id, values)
    else -- ids, text, channel names, yes/no words
      local strs = {}
      for i = 1, n do
        local v = values[i]
        if v == false or v == nil then
          strs[i] = false -- absent (not "false": `x and false or y` would give y)
        else
          strs[i] = tostring(v)
        end
      end
      cx.batch_set_str(batch, id, strs)
    end
  end
  cx.log_append_batch(self._h, batch)
  return self
end

function Log:sort() cx.log_sort(self._h) return self end
function Log:is_sorted() return cx.log_is_sorted(self._h) ~= 0 end

--- Rows of one customer's journey in a sorted log: first, last (1-based, inclusive).
function Log:journey(customer)
  local b, e = cx.log_journey(self._h, customer)
  return b + 1, e
end

--- Iterator over the journeys of a sorted log: for customer, first, last in log:journeys() do.
function Log:journeys()
  local n, start = cx.log_rows(self._h), 0
  local dict, codes = self:dictionary("customer"), self:codes("customer")
  return function()
    if start >= n then return nil end
    local b, e = cx.log_next_journey(self._h, start)
    start = e
    return dict[codes[b + 1] + 1], b + 1, e
  end
end

--- A new log with the rows in [from, to) (times as seconds or ISO strings), whose touchpoint is
--- in `touchpoints` and whose channel is in `channels` (names); nil means no condition.
function Log:select(f)
  f = f or {}
  local mask = 0
  if f.channels then
    for _, ch in ipairs(f.channels) do
      local code = type(ch) == "string" and cx.channel_parse(ch) or ch
      mask = mask | (1 << code)
    end
    if mask == 0 then mask = 1 end
  end
  return wrap(cx.log_select_by(self._h, to_time(f.from), to_time(f.to), mask,
    f.touchpoints or {}, f.touchpoints and 1 or 0))
end

function Log:__tostring()
  return string.format("cxkit.Log(%d rows)", cx.log_rows(self._h))
end

local TransactionLog = {}
TransactionLog.__index = TransactionLog
TransactionLog.__name = "cxkit.TransactionLog"

function TransactionLog.new() return setmetatable({_h = cx.txlog_new()}, TransactionLog) end
add_csv_methods(TransactionLog, "txlog")
function TransactionLog:append(customer, time, amount)
  cx.txlog_append(self._h, customer, to_time(time), amount or 0 / 0)
  return self
end

function TransactionLog:extend(customers, times, amounts)
  local secs = {}
  for i, t in ipairs(times) do secs[i] = to_time(t) end
  cx.txlog_append_arrays(self._h, customers, secs, amounts)
  return self
end

function TransactionLog:rows() return cx.txlog_rows(self._h) end
TransactionLog.__len = TransactionLog.rows
function TransactionLog:sort() cx.txlog_sort(self._h) return self end
function TransactionLog:customer_count() return cx.txlog_customer_count(self._h) end

function TransactionLog:customers()
  local codes = cx.txlog_get_customers(cx.txlog_rows(self._h), self._h)
  local names, out = {}, {}
  for i, c in ipairs(codes) do
    local name = names[c]
    if not name then name = cx.txlog_customer_name(self._h, c) names[c] = name end
    out[i] = name
  end
  return out
end

function TransactionLog:times() return cx.txlog_get_times(cx.txlog_rows(self._h), self._h) end
function TransactionLog:amounts() return cx.txlog_get_amounts(cx.txlog_rows(self._h), self._h) end

function TransactionLog:__tostring()
  return string.format("cxkit.TransactionLog(%d rows)", cx.txlog_rows(self._h))
end

cx.Log = Log
cx.TransactionLog = TransactionLog
cx.TIME_ABSENT = TIME_ABSENT
