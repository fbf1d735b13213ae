-- Unsigned 64-bit values in Lua (docs/bindings.md, "Unsigned 64-bit values in Lua"): the bits of
-- a uint64 survive the trip both ways, and the helpers read them as unsigned. Expected decimal
-- values were printed by a C program with PRIu64 (cx_rng_new(UINT64_MAX, 2^63 + 1)) and by
-- Python (int(0x94a0dbf68e599d78)).
local cx = require("cxkit")

describe("cxkit uint64 in Lua", function()
  it("returns values >= 2^63 as the integer with the same bits", function()
    local v = cx.rng(42, 0):jump():next_u64()
    assert.are.equal("integer", math.type(v))
    assert.is_true(v < 0) -- 0x94a0dbf68e599d78 >= 2^63
    assert.are.equal(0x94a0dbf68e599d78, v)
    assert.are.equal("10709801765883714936", cx.u64_tostring(v))
    assert.are.equal("7394386342666672604", cx.u64_tostring(cx.rng(42, 0):next_u64()))
  end)

  it("accepts seeds and streams >= 2^63 as their bits", function()
    -- seed 2^64 - 1 and stream 2^63 + 1 are written as Lua integers -1 and math.mininteger + 1
    local r = cx.rng(-1, math.mininteger + 1)
    local want = {"14616173649080791843", "5436271907105515335", "10722506436835872916"}
    for i = 1, 3 do assert.are.equal(want[i], cx.u64_tostring(r:next_u64())) end
    assert.are.equal(cx.rng(0xffffffffffffffff, 0x8000000000000001):uniform(),
                     cx.rng(-1, math.mininteger + 1):uniform())
    -- a draw seeds a generator, whatever its sign
    local s = cx.rng(42, 0):jump():next_u64()
    assert.has_no.errors(function() cx.rng(s) end)
    -- counts stay non-negative
    assert.has_error(function() cx.rng(1):below(-5) end)
  end)

  it("reads integers as unsigned: text, float and order", function()
    assert.are.equal("0", cx.u64_tostring(0))
    assert.are.equal("9223372036854775807", cx.u64_tostring(math.maxinteger))
    assert.are.equal("9223372036854775808", cx.u64_tostring(math.mininteger))
    assert.are.equal("18446744073709551615", cx.u64_tostring(-1))
    assert.are.equal("18446744073709551606", cx.u64_tostring(-10))
    assert.are.equal("10000000000000000000", cx.u64_tostring(-8446744073709551616))
    assert.are.equal(2.0 ^ 64, cx.u64_tonumber(-1))
    assert.are.equal(2.0 ^ 63, cx.u64_tonumber(math.mininteger))
    assert.are.equal(12345.0, cx.u64_tonumber(12345))
    assert.are.equal(10709801765883714936.0, cx.u64_tonumber(0x94a0dbf68e599d78))
    assert.is_true(math.ult(math.maxinteger, math.mininteger)) -- 2^63 - 1 < 2^63
    assert.is_true(cx.u64_le(5, -1) and cx.u64_le(-1, -1) and not cx.u64_le(-1, 5))
    assert.has_error(function() cx.u64_tostring(1.5) end)
  end)
end)
