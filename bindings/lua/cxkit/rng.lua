-- cxkit.rng(seed, stream): the deterministic generator as an object with methods; each sampler
-- returns one draw, or a table of n draws when n is given (docs/rng.md).
local cx = ...

local RNG = {}
RNG.__index = RNG

function cx.rng(seed, stream)
  return setmetatable({handle = cx.rng_new(seed or 0, stream or 0)}, RNG)
end

function RNG:copy() return setmetatable({handle = cx.rng_dup(self.handle)}, RNG) end
function RNG:jump() cx.rng_jump(self.handle); return self end
-- 64 random bits as a Lua integer (negative for values >= 2^63: see cx.u64_tostring)
function RNG:next_u64() return cx.rng_next_u64(self.handle) end
function RNG:below(bound, n)
  if n then return cx.rng_fill_below_i64(n, self.handle, bound) end
  return cx.rng_below(self.handle, bound)
end

function RNG:uniform(n)
  if n then return cx.rng_fill_uniform(n, self.handle) end
  return cx.rng_uniform(self.handle)
end

function RNG:normal(mean, sd, n)
  mean, sd = mean or 0.0, sd or 1.0
  if n then return cx.rng_fill_normal(n, self.handle, mean, sd) end
  return cx.rng_normal(self.handle, mean, sd)
end

function RNG:gamma(shape, scale, n)
  scale = scale or 1.0
  if n then return cx.rng_fill_gamma(n, self.handle, shape, scale) end
  return cx.rng_gamma(self.handle, shape, scale)
end

function RNG:beta(a, b, n)
  if n then return cx.rng_fill_beta(n, self.handle, a, b) end
  return cx.rng_beta(self.handle, a, b)
end

-- counts come back as Lua integers
local function integers(t)
  for i = 1, #t do t[i] = math.tointeger(t[i]) end
  return t
end

function RNG:poisson(lambda, n)
  if n then return integers(cx.rng_fill_poisson(n, self.handle, lambda)) end
  return cx.rng_poisson(self.handle, lambda)
end

function RNG:binomial(trials, p, n)
  if n then return integers(cx.rng_fill_binomial(n, self.handle, trials, p)) end
  return cx.rng_binomial(self.handle, trials, p)
end
