"""`cxkit scores` and `cxkit drivers` on the sample data: JSON output against the Python layer
(pandas grouping and period labels, numpy/statsmodels checked in test_scores/test_drivers),
exit codes for bad input and usage."""
import json
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

from cxkit import drivers, scores

BIN = pathlib.Path(os.environ.get("CX_BINARY_DIR", "")) / "cxkit"
pytestmark = pytest.mark.skipif(not BIN.exists(), reason="cxkit command not built")


def run(*args):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True)


def test_scores_json_matches_python(source_dir):
    path = source_dir / "examples" / "data" / "interactions.csv"
    r = run("scores", path, "--by", "touchpoint", "--period", "month", "--rating", "nps", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["scores"][0]
    df = pd.read_csv(path)
    want = scores.scores_by(df, by="touchpoint", rating="nps", period="month")
    got = {(g["touchpoint"], g["period"]): g for g in out["groups"]}
    assert len(got) == len(want)
    for key, row in want.iterrows():
        g = got[key]
        assert g["n"] == row["n"]
        assert g["nps"] == pytest.approx(row["nps"], abs=1e-9)
        assert g["lo"] == pytest.approx(row["lo"], abs=1e-9)


def test_scores_weights_and_errors(source_dir, tmp_path):
    f = tmp_path / "w.csv"
    f.write_text("customer,time,csat,csat_min,csat_max,wt\n"
                 "a,2024-01-01,5,1,5,2\nb,2024-01-02,3,1,5,1\nc,2024-01-03,4,1,5,1\n")
    r = run("scores", f, "--weights", "wt", "--json")
    assert r.returncode == 0, r.stderr
    g = json.loads(r.stdout)["scores"][0]["groups"][0]
    assert g["mean"] == pytest.approx((2 * 5 + 3 + 4) / 4)
    assert g["n_eff"] == pytest.approx(16 / 6)
    f.write_text("customer,time,csat,csat_min,csat_max\na,2024-01-01,5,1,5\nb,2024-01-02,7,1,5\n")
    r = run("scores", f)
    assert r.returncode == 1 and "csat" in r.stderr
    assert run("scores", f, "--period", "fortnight").returncode == 2
    assert run("scores").returncode == 2


def test_drivers_json_matches_python(source_dir):
    path = source_dir / "examples" / "data" / "interactions.csv"
    cols = ["attentiveness", "empathy", "effort", "wait_time"]
    r = run("drivers", path, "--target", "csat", "--drivers", ",".join(cols), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    df = pd.read_csv(path)
    t = drivers.key_drivers(df, "csat", cols)
    assert out["r2"] == pytest.approx(t.attrs["r2"], abs=1e-12)
    assert [d["lmg"] for d in out["drivers"]] == pytest.approx(t["lmg"].to_numpy(), abs=1e-12)
    assert run("drivers", path, "--target", "csat", "--drivers", "nosuch").returncode == 1


def test_scores_shrink_matches_python(source_dir):
    path = source_dir / "examples" / "data" / "interactions.csv"
    r = run("scores", path, "--by", "employee", "--rating", "csat", "--shrink", "--json")
    assert r.returncode == 0, r.stderr
    groups = json.loads(r.stdout)["scores"][0]["groups"]
    want = scores.shrink(pd.read_csv(path), by="employee", rating="csat", kind="top_box",
                         threshold=4)
    got = pd.Series({g["employee"]: g["top_box_shrunk"] for g in groups})
    assert got.sort_index().to_numpy() == pytest.approx(want["shrunk"].sort_index().to_numpy(),
                                                        abs=1e-6)  # optimiser tolerance
