"""`cxkit log info --json` on the sample data agrees with pandas, an independent CSV reader.

usage: log_info_vs_pandas.py CXKIT FILE
Checks rows, distinct customers/employees/teams, touchpoint and channel counts, missing values per
column and the time span against pandas.read_csv of the same file.
"""
import json
import subprocess
import sys

import pandas as pd

cxkit, path = sys.argv[1], sys.argv[2]
out = subprocess.run([cxkit, "log", "info", "--json", path], check=True, capture_output=True,
                     text=True).stdout
info = json.loads(out)
df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)

def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: cxkit {got!r}, pandas {want!r}")

check("rows", info["rows"], len(df))
for field, key in (("customer", "customers"), ("employee", "employees"), ("team", "teams")):
    check(key, info[key], df[field].nunique())
check("touchpoints", info["touchpoints"], df["touchpoint"].value_counts().to_dict())
channels = df["channel"].value_counts().to_dict()
if df["channel"].isna().any():
    channels["unknown"] = int(df["channel"].isna().sum())
check("channels", info["channels"], channels)
missing = {c: int(df[c].isna().sum()) for c in df.columns if df[c].notna().any()}
check("missing", info["missing"], missing)
times = pd.to_datetime(df["time"], utc=True)
check("time_first", info["time_first"], times.min().strftime("%Y-%m-%dT%H:%M:%SZ"))
check("time_last", info["time_last"], times.max().strftime("%Y-%m-%dT%H:%M:%SZ"))
print(f"{path}: cxkit log info agrees with pandas ({len(df)} rows)")
