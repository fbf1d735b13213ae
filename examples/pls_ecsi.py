"""Estimate the ECSI model on the mobile-phone data with cxkit.pls and print the satisfaction
index, the path table and bootstrap intervals. Run from the source directory; the data live in
../shared/data/mobi (skipped when absent)."""
import pathlib
import sys

import pandas as pd

from cxkit import pls

data = pathlib.Path("../shared/data/mobi/mobi.csv")
if not data.exists():
    print(f"mobi data not found at {data}: skipped")
    sys.exit(0)

df = pd.read_csv(data)
res = pls.estimate(pathlib.Path("examples/data/ecsi_model.txt").read_text(), df, scale=(1, 10))
print(res.summary())
boot = res.bootstrap(1000, seed=1)
print("\nBootstrap (1000 resamples):")
print(boot.table("path")[["original", "sd", "t", "bca_lo", "bca_hi"]].round(4))
idx = boot.table("index").loc["Satisfaction"]
print(f"\nSatisfaction index {idx.original:.2f}, 95% BCa [{idx.bca_lo:.2f}, {idx.bca_hi:.2f}]")
print("\nImportance-performance map for Loyalty:")
print(res.ipma("Loyalty").round(3))
