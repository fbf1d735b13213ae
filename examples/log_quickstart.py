"""Load an interaction log, look at it with numpy and pandas, select and sort.

Run from the repository root: PYTHONPATH=build/dev/python /usr/bin/python3 examples/log_quickstart.py
"""
import os

import numpy as np

import cxkit

SAMPLE = "examples/data/interactions.csv"
TINY = """customer,time,touchpoint,channel,problem,resolved,csat,csat_min,csat_max
c1,2024-03-01T09:00:00Z,booking,phone,no,,4,1,5
c1,2024-03-05T18:30:00Z,checkin,in_person,yes,yes,5,1,5
c2,2024-03-02T11:15:00Z,booking,chat,yes,no,2,1,5
c2,2024-03-09T08:00:00Z,baggage,email,,,,1,5
"""

if os.path.exists(SAMPLE):
    log = cxkit.Log.from_csv(SAMPLE)
else:  # a fresh checkout before the sample data is generated
    log = cxkit.Log.from_csv_text(TINY, name="tiny.csv")

print(f"cxkit {cxkit.__version__}: {len(log)} interactions, fields {', '.join(log.fields)}")
csat = log["csat"]
print(f"CSAT present in {np.count_nonzero(~np.isnan(csat))} rows, mean {np.nanmean(csat):.3f}")

df = log.to_dataframe()
print(df.groupby("channel", observed=True)["csat"].agg(["count", "mean"]).round(3))

log.sort()
journeys = sum(1 for _ in log.journeys())
print(f"{journeys} customer journeys; first: {next(iter(log.journeys()))}")

phone = log.select(channels=["phone"])
print(f"{len(phone)} phone contacts")

try:
    cxkit.Log.from_csv_text("customer,time\nc9,not-a-date\n", name="broken.csv")
except cxkit.ParseError as e:
    print(f"ParseError as expected at line {e.line}, column {e.column}: {e.message}")
