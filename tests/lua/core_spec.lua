-- The binding plumbing in Lua: version, errors, integers, tables in and out, handles, callbacks.
local cx = require("cxkit")

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("cxkit core", function()
  it("reports the C runtime version", function()
    local root = os.getenv("CX_SOURCE_DIR") or "."
    local declared = read(root .. "/CMakeLists.txt"):match("project%(cxkit VERSION (%d+%.%d+%.%d+)")
    assert.are.equal(declared, cx.version_string())
    assert.are.equal("integer", math.type(cx.version_number()))
  end)

  it("raises errors as 'cxkit: ECODE: message'", function()
    -- (pcall, not assert.has_error: luassert strips a leading "file:line:" from messages)
    local ok0, err0 = pcall(cx.selftest_fail, cx.CX_EPARSE, "bad quote", "x.csv", 3, 7, "")
    assert.is_false(ok0)
    assert.are.equal("cxkit: EPARSE: x.csv:3:7: bad quote", err0)
    assert.has_error(function() cx.selftest_fail(cx.CX_EINVAL, "k is NaN", "", 0, 0, "k") end,
      "cxkit: EINVAL: k is NaN")
    local ok, err = pcall(cx.selftest_fail, cx.CX_ENOTCONV, "slow", "", 0, 0, "")
    assert.is_false(ok)
    assert.are.equal("cxkit: ENOTCONV: slow", err)
  end)

  it("exposes the error detail of the last failure", function()
    pcall(cx.selftest_fail, cx.CX_EPARSE, "m", "data.csv", 12, 4, "")
    local e = cx.error_last()
    assert.are.equal(cx.CX_EPARSE, e.code)
    assert.are.equal("data.csv", e.file)
    assert.are.equal(12, e.line)
    assert.are.equal(4, e.column)
  end)

  it("keeps integers integers and rejects fractions and negatives for size_t", function()
    local n = cx.selftest_count(2)
    assert.are.equal(3, n)
    assert.are.equal("integer", math.type(n))
    assert.are.equal(4, cx.selftest_count(3.0))
    assert.has_error(function() cx.selftest_count(2.5) end)
    assert.has_error(function() cx.selftest_count(-1) end,
      "cxkit: EINVAL: argument 1 of selftest_count must not be negative")
  end)

  it("takes tables of numbers and integers", function()
    assert.are.equal(6.5, cx.selftest_sum({1, 2, 3.5}))
    assert.are.equal(0.0, cx.selftest_sum({}))
    assert.are.equal(2 ^ 53 + 2, cx.selftest_isum({2 ^ 53 // 1, 2}) + 0.0)
    assert.are.equal("integer", math.type(cx.selftest_isum({1, 2})))
    assert.has_error(function() cx.selftest_sum({1, "x"}) end,
      "cxkit: EINVAL: argument 2 of selftest_sum: element 2 is not a number")
    assert.has_error(function() cx.selftest_isum({1, 2.5}) end)
  end)

  it("returns tables for output arrays", function()
    assert.are.same({1.5, 2.5, 3.5}, cx.selftest_iota(3, 1.5))
    assert.are.same({}, cx.selftest_iota(0, 0))
    local t = cx.selftest_iota_i64(3, 7)
    assert.are.same({7, 8, 9}, t)
    assert.are.equal("integer", math.type(t[1]))
    assert.are.same({2.0, 4.0}, cx.selftest_scale({1, 2}, 2))
  end)

  it("takes tables of strings with false for absent", function()
    assert.are.equal("a-<null>-c", cx.selftest_join({"a", false, "c"}, "-"))
    assert.are.equal("", cx.selftest_join({}, ","))
    assert.has_error(function() cx.selftest_join({"a", 3}, ",") end)
  end)

  it("copies borrowed strings without freeing them", function()
    for _ = 1, 3 do assert.are.equal("one", cx.selftest_name(1)) end
    assert.has_error(function() cx.selftest_name(2) end, "cxkit: ERANGE: i must be 0 or 1")
  end)

  it("frees handles when they are collected", function()
    collectgarbage()
    local live = cx.selftest_alloc_live()
    local objs = {}
    for i = 1, 10 do objs[i] = cx.selftest_obj_new(i) end
    assert.are.equal(live + 10, cx.selftest_alloc_live())
    assert.are.equal(3.0, cx.selftest_obj_get(objs[3]))
    objs = nil
    collectgarbage()
    collectgarbage()
    assert.are.equal(live, cx.selftest_alloc_live())
  end)

  it("calls Lua functions back", function()
    assert.are.same({0.0, 1.0, 4.0}, cx.selftest_map(3, {0, 1, 2}, function(x) return x * x end))
  end)

  it("re-raises a callback's own error value after the library returned", function()
    local calls = 0
    local ok, err = pcall(cx.selftest_map, 5, {1, 2, 3, 4, 5}, function(x)
      calls = calls + 1
      if x == 2 then error({code = 42}) end
      return x
    end)
    assert.is_false(ok)
    assert.are.equal(42, err.code)
    assert.are.equal(2, calls)
    assert.has_error(function() cx.selftest_map(1, {1}, function() return "x" end) end,
      "cxkit: EUSER: callback must return a number")
    -- a later failure is not confused with the stale callback error
    assert.has_error(function() cx.selftest_fail(cx.CX_ERANGE, "r", "", 0, 0, "") end,
      "cxkit: ERANGE: r")
  end)

  it("calls back on the running coroutine", function()
    local co = coroutine.wrap(function()
      return cx.selftest_map(2, {1, 2}, function(x)
        local _, main = coroutine.running()
        assert(not main)
        return x + 1
      end)
    end)
    assert.are.same({2.0, 3.0}, co())
  end)

  it("rejects a non-function callback", function()
    assert.has_error(function() cx.selftest_map(1, {1}, 42) end)
    assert.has_error(function() cx.selftest_map(1, {1}, nil) end, "cxkit: EINVAL: a callback is required")
  end)
end)
