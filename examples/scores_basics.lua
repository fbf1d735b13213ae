-- Satisfaction scores from Lua: NPS and CSAT of plain tables, accumulators as bytes.
local cx = require("cxkit")

local s = cx.scores.nps({10, 9, 9, 8, 7, 10, 6, 3, 9, 10})
print(("NPS %.0f, 95%% CI [%.1f, %.1f]"):format(s.nps, s.lo, s.hi))

local c = cx.scores.csat({5, 4, 4, 3, 5, 2, 5, 4, 1, 5, 4, 4})
print(("CSAT mean %.2f, top-2-box %.0f%%"):format(c.mean, 100 * c.top_box))

-- a running score kept by a plugin: add ratings as they arrive, persist as bytes
local acc = cx.scores.accumulator(0, 10)
for _, r in ipairs({9, 10, 4, 8}) do cx.acc_add(acc, r, 1) end
local saved = cx.acc_serialize(acc)
local restored = cx.acc_deserialize(saved)
print(("restored %d ratings from %d bytes, NPS %.0f"):format(
  cx.acc_count(restored), #saved, cx.scores.acc_nps(restored).nps))
