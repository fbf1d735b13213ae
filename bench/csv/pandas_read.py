"""Times pandas.read_csv on the same file as bench_csv: best of N runs, key=value output.

usage: pandas_read.py FILE REPEATS MODE   (MODE: plain | dates)
  plain: pd.read_csv(FILE)                       -- times stay strings
  dates: pd.read_csv(FILE, parse_dates=[...])    -- times parsed, as cxkit does
"""
import sys
import time

import pandas as pd

path, repeats, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
kwargs = {}
if mode == "dates":
    header = pd.read_csv(path, nrows=0).columns
    kwargs["parse_dates"] = [c for c in ("time", "feedback_acted_time") if c in header]
best, best_cpu, rows = float("inf"), float("inf"), 0
for _ in range(repeats):
    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(path, **kwargs)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    rows = len(df)
    del df
    best, best_cpu = min(best, dt), min(best_cpu, dc)
print(f"seconds={best:.4f} cpu={best_cpu:.4f} rows={rows}")
