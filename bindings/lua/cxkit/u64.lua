-- Unsigned 64-bit values in Lua. Lua 5.4 integers are signed 64-bit, so cxkit returns a uint64
-- (cx.rng_next_u64, RNG:next_u64, seeds) as the integer with the same bits: values >= 2^63 read
-- as negative. These helpers give the unsigned reading (docs/bindings.md, "Unsigned 64-bit").
local cx = ...

-- Decimal text of the unsigned value: "18446744073709551615" for -1.
function cx.u64_tostring(v)
  assert(math.type(v) == "integer", "cx.u64_tostring: an integer is required")
  if v >= 0 then return string.format("%d", v) end
  -- u // 10 == (u >> 1) // 5 with Lua's logical shift; the remainder by wrapping subtraction
  local q = (v >> 1) // 5
  return string.format("%d%d", q, v - q * 10)
end

-- The unsigned value as a float (correctly rounded to 53 bits): 2^64 - 1 gives 2^64.
function cx.u64_tonumber(v)
  assert(math.type(v) == "integer", "cx.u64_tonumber: an integer is required")
  return (v >> 32) * 4294967296.0 + (v & 0xffffffff)
end

-- Unsigned order: math.ult(a, b) is a < b; this is a <= b.
function cx.u64_le(a, b) return a == b or math.ult(a, b) end
