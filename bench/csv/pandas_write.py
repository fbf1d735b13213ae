"""Times pandas.DataFrame.to_csv (into memory) on the data of a CSV file, read once with
pandas.read_csv: best of N runs, key=value output like bench_csv --write.

usage: pandas_write.py FILE REPEATS
"""
import sys
import time

import pandas as pd

path, repeats = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path)
best, best_cpu, size = float("inf"), float("inf"), 0
for _ in range(repeats):
    t0, c0 = time.perf_counter(), time.process_time()
    text = df.to_csv(index=False)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    size = len(text)
    del text
    best, best_cpu = min(best, dt), min(best_cpu, dc)
print(f"seconds={best:.4f} cpu={best_cpu:.4f} rows={len(df)} mb={size / 1e6:.1f}")
