"""pandas peer for bench/scores: NPS and CSAT (mean, top-2-box) by touchpoint x month on the
columns bench_scores wrote (CPU time of the process, like bench_scores). Prints the best time with the month precomputed (pure groupby) and
with the month derived from the timestamps (what a user has to do)."""
import sys
import time

import numpy as np
import pandas as pd

d, reps = sys.argv[1], int(sys.argv[2])
tp = np.fromfile(f"{d}/touchpoint.i32", dtype=np.int32)
tm = np.fromfile(f"{d}/time.i64", dtype=np.int64)
df = pd.DataFrame({"touchpoint": pd.Categorical.from_codes(tp, [f"tp{i:02d}" for i in range(30)]),
                   "time": pd.to_datetime(tm, unit="s", utc=True),
                   "nps": np.fromfile(f"{d}/nps.f64"), "csat": np.fromfile(f"{d}/csat.f64")})


def scores(frame, month):
    g = frame.assign(month=month,
                     promoter=frame["nps"].ge(9).where(frame["nps"].notna()),
                     detractor=frame["nps"].le(6).where(frame["nps"].notna()),
                     top2=frame["csat"].ge(4)).groupby(["touchpoint", "month"], observed=True)
    out = g.agg(promoters=("promoter", "mean"), detractors=("detractor", "mean"),
                n_nps=("nps", "count"), csat=("csat", "mean"), top2=("top2", "mean"))
    out["nps"] = 100 * (out["promoters"] - out["detractors"])
    return out


month_pre = df["time"].dt.strftime("%Y-%m") if len(df) <= 200000 else \
    df["time"].dt.tz_localize(None).dt.to_period("M")
best_pure = best_full = 1e30
for _ in range(reps):
    t = time.process_time()
    r = scores(df, month_pre)
    best_pure = min(best_pure, time.process_time() - t)
    t = time.process_time()
    r = scores(df, df["time"].dt.tz_localize(None).dt.to_period("M"))
    best_full = min(best_full, time.process_time() - t)
print(f"groups={len(r)} pure_seconds={best_pure:.4f} full_seconds={best_full:.4f}")
