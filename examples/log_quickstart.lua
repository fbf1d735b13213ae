-- Load an interaction log, read columns as tables, sort, iterate journeys, select.
-- Run from the repository root:
--   lua5.4 -e 'package.cpath="build/dev/lua/?.so;"..package.cpath' examples/log_quickstart.lua
local cx = require("cxkit")

local SAMPLE = "examples/data/interactions.csv"
local TINY = [[customer,time,touchpoint,channel,problem,resolved,csat,csat_min,csat_max
c1,2024-03-01T09:00:00Z,booking,phone,no,,4,1,5
c1,2024-03-05T18:30:00Z,checkin,in_person,yes,yes,5,1,5
c2,2024-03-02T11:15:00Z,booking,chat,yes,no,2,1,5
c2,2024-03-09T08:00:00Z,baggage,email,,,,1,5
]]

local log = cx.Log.new()
local f = io.open(SAMPLE, "r")
if f then
  f:close()
  log:read_csv(SAMPLE)
else -- a fresh checkout before the sample data is generated
  log:read_csv_text(TINY, "tiny.csv")
end
print(string.format("cxkit %s: %d interactions", cx.version_string(), log:rows()))

local sum, n = 0, 0
for _, x in ipairs(log:column("csat")) do
  if x == x then sum, n = sum + x, n + 1 end -- skip NaN (absent)
end
print(string.format("CSAT present in %d rows, mean %.3f", n, sum / n))

log:sort()
local journeys = 0
for _ in log:journeys() do journeys = journeys + 1 end
print(journeys .. " customer journeys")
print(#log:select{channels = {"phone"}} .. " phone contacts")

local ok, err = pcall(log.read_csv_text, log, "customer,time\nc9,not-a-date\n", "broken.csv")
assert(not ok)
print("error as expected: " .. err)
