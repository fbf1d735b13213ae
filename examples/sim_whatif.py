"""What if we move half of the assisted contacts online? The calibrated default bank for a year,
baseline vs a channel shift from week 13, compared with common random numbers (cxkit.sim)."""
from cxkit import sim

base = sim.Scenario(customers=3000, employees=40)
online = sim.Scenario(customers=3000, employees=40).intervene("channel_shift", 13, 0.5)
diff = base.compare(online, replications=5, seed=2024)
last = diff[diff.period == diff.period.max()].set_index("series")
for name in ("csat", "bond", "active", "revenue"):
    row = last.loc[name]
    print(f"{name:10s} {row.difference:+10.3f}  [{row.lower:+10.3f}, {row.upper:+10.3f}]")
# remote channels form weaker bonds (docs/simulator.md): the bond should not rise
assert last.loc["bond"].difference < 0.01
