-- cx.Log and cx.TransactionLog from Lua: the same fixtures and numbers as tests/python/test_log.py.
local cx = require("cxkit")

local CSV = "customer,time,csat,channel,touchpoint,problem\n" ..
  "A,2024-01-03,5,,checkin,no\n" ..
  "B,2024-01-02T10:00:00Z,,chat,boarding,\n" ..
  "A,2024-01-01,4,phone,checkin,yes\n"

local function tmpfile(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function isnan(x) return x ~= x end

describe("cx.Log", function()
  it("reads CSV from a file and exposes columns as tables", function()
    local path = tmpfile(CSV)
    local log = cx.Log.new()
    log:read_csv(path)
    os.remove(path)
    assert.are.equal(3, log:rows())
    assert.are.equal(3, #log)
    assert.are.equal("integer", math.type(log:rows()))
    assert.are.same({"A", "B", "A"}, log:column("customer"))
    local csat = log:column("csat")
    assert.are.equal(5.0, csat[1])
    assert.is_true(isnan(csat[2]))
    assert.are.same({1704240000, 1704189600, 1704067200}, log:column("time"))
    assert.are.same({false, "chat", "phone"}, log:column("channel"))
    local problem = log:column("problem")
    assert.are.equal(0.0, problem[1])
    assert.is_true(isnan(problem[2]))
    assert.are.equal(2, log:count_present("csat"))
  end)

  it("raises parse errors with file, line and column and leaves the log unchanged", function()
    local log = cx.Log.from_csv(tmpfile(CSV))
    local ok, err = pcall(log.read_csv_text, log, "customer,time\nC,2024-01-05\nD,xx\n", "bad.csv")
    assert.is_false(ok)
    assert.truthy(err:find("^cxkit: EPARSE: bad.csv:3:2: "))
    assert.are.equal(3, log:rows())
    local e = cx.error_last()
    assert.are.equal(cx.CX_EPARSE, e.code)
    assert.are.equal(3, e.line)
    local ok2, err2 = pcall(cx.Log.from_csv, "/nonexistent/file.csv")
    assert.is_false(ok2)
    assert.truthy(err2:find("^cxkit: EIO: "))
  end)

  it("maps column names and writes CSV", function()
    local log = cx.Log.new():read_csv_text("cust_id;created_at\nA;2024-03-01\n", "x",
      {delimiter = ";", columns = {customer = "cust_id", time = "created_at"}})
    assert.are.same({1709251200}, log:column("time"))
    local text = log:to_csv_text({epoch_seconds = true, columns = {customer = "who"}})
    assert.are.equal("who,time\nA,1709251200\n", text:gsub("\r\n", "\n"))
    local path = os.tmpname()
    log:write_csv(path, {delimiter = ";"})
    local back = cx.Log.from_csv(path, {delimiter = ";"})
    os.remove(path)
    assert.are.same(log:column("time"), back:column("time"))
    assert.are.same({"A"}, back:column("customer"))
  end)

  it("appends rows and columns all or nothing", function()
    local log = cx.Log.new()
    log:append{customer = "a", time = "2024-01-01", csat = 4, channel = "phone"}
    log:extend{customer = {"b", "c"}, time = {1704153600, "2024-01-03"}, nps = {9, 0 / 0}}
    assert.are.equal(3, #log)
    assert.are.same({"phone", false, false}, log:column("channel"))
    log:extend{customer = {"x", "y"}, time = {0, 0}, problem = {true, false}, resolved = {"yes", false}}
    local p, r = log:column("problem"), log:column("resolved")
    assert.are.same({1.0, 0.0}, {p[4], p[5]})
    assert.are.equal(1.0, r[4])
    assert.is_true(isnan(r[5]))
    assert.has_error(function()
      log:extend{customer = {"d"}, time = {"2024-01-04"}, nps = {11}}
    end)
    assert.are.equal(5, #log)
    assert.has_error(function() log:append{customer = "e", time = 0, bogus = 1} end,
      "cxkit: EINVAL: unknown field 'bogus'")
  end)

  it("sorts, iterates journeys and selects", function()
    local log = cx.Log.from_csv(tmpfile(CSV))
    assert.is_false(log:is_sorted())
    assert.has_error(function() log:journey("A") end)
    log:sort()
    local seen = {}
    for customer, first, last in log:journeys() do seen[#seen + 1] = {customer, first, last} end
    assert.are.same({{"A", 1, 2}, {"B", 3, 3}}, seen)
    assert.are.same({1704067200, 1704240000, 1704189600}, log:column("time"))
    local first, last = log:journey("B")
    assert.are.same({3, 3}, {first, last})
    assert.are.equal(2, #log:select{touchpoints = {"checkin"}})
    assert.are.equal(1, #log:select{channels = {"chat"}})
    assert.are.equal(2, #log:select{from = "2024-01-02"})
    assert.are.equal(1, #log:select{from = "2024-01-02", to = 1704240000})
    assert.are.equal(0, #log:select{touchpoints = {}})
  end)

  it("frees its memory when collected", function()
    collectgarbage()
    local live = cx.selftest_alloc_live()
    do
      local log = cx.Log.from_csv(tmpfile(CSV))
      local _ = log:select{channels = {"phone"}}
    end
    collectgarbage()
    collectgarbage()
    assert.are.equal(live, cx.selftest_alloc_live())
  end)
end)

describe("cx.TransactionLog", function()
  it("reads, sorts and returns columns", function()
    local tx = cx.TransactionLog.new():read_csv_text(
      "cust,time,sales\nA,2024-01-05,10.5\nB,2024-01-01,\nA,2024-01-02,3\n", "tx.csv",
      {columns = {customer = "cust", amount = "sales"}})
    assert.are.equal(3, #tx)
    assert.are.equal(2, tx:customer_count())
    tx:sort()
    assert.are.same({"A", "A", "B"}, tx:customers())
    assert.are.same({1704153600, 1704412800, 1704067200}, tx:times())
    local amounts = tx:amounts()
    assert.are.equal(3.0, amounts[1])
    assert.is_true(isnan(amounts[3]))
    tx:append("C", "2024-02-01", 7)
    tx:extend({"D", "E"}, {"2024-02-02", 1706918400}, {1, 2})
    assert.are.equal(6, #tx)
    assert.has_error(function() tx:extend({"F"}, {1, 2}, {1}) end)
    assert.are.equal(6, #tx)
  end)
end)
