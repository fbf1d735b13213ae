"""Peer for exact LMG: all-subsets R² with numpy least squares (the approach of Python
dominance-analysis tools), timed for p drivers and extrapolated by 2^p to 20 drivers."""
import itertools
import sys
import time

import numpy as np

d, p = sys.argv[1], int(sys.argv[2])
x = np.fromfile(f"{d}/lmg_x.f64").reshape(-1, 20)[:, :p]
y = np.fromfile(f"{d}/lmg_y.f64")
t = time.process_time()
ones = np.ones((len(y), 1))
for k in range(1, p + 1):
    for s in itertools.combinations(range(p), k):
        X = np.hstack([ones, x[:, s]])
        np.linalg.lstsq(X, y, rcond=None)
sec = time.process_time() - t
print(f"p={p} seconds={sec:.4f} extrapolated20={sec * 2 ** (20 - p):.1f}")
