"""cxkit.pls against seminr's reference values on mobi (1e-6), against an independent numpy
implementation (bench/pls/numpy_pls.py: mode B, schemes, survey weights, PLSpredict LOO), and
the Python layer's tables, errors and bootstrap. mobi tests skip when the data are absent."""
import importlib.util
import math

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import pls
from conftest import SHARED_DIR, SOURCE_DIR

MOBI = SHARED_DIR / "data" / "mobi"
EXP = MOBI / "expected"
needs_mobi = pytest.mark.skipif(not (MOBI / "mobi.csv").exists(), reason="mobi data absent")

ECSI = (SOURCE_DIR / "examples" / "data" / "ecsi_model.txt").read_text()


def numpy_pls():
    spec = importlib.util.spec_from_file_location("numpy_pls",
                                                  SOURCE_DIR / "bench" / "pls" / "numpy_pls.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def blocks_of(model):
    out = []
    for c in model.constructs:
        out.append((c, [i for i, cc in zip(model.indicators, model.indicator_construct)
                        if cc == c]))
    return out


@pytest.fixture(scope="module")
def mobi():
    return pd.read_csv(MOBI / "mobi.csv")


@pytest.fixture(scope="module")
def res(mobi):
    return pls.estimate(ECSI, mobi, scale=(1, 10))


@needs_mobi
def test_weights_loadings_paths_rsq_match_seminr(res):
    for name, got in [("outer_weights", res.outer_weights), ("outer_loadings", res.loadings)]:
        e = pd.read_csv(EXP / f"{name}.csv")
        want = e.set_index(["construct", "indicator"]).iloc[:, 0]
        assert np.abs(got.loc[want.index] - want).max() < 1e-6
    e = pd.read_csv(EXP / "path_coefficients.csv").set_index(["from", "to"])["estimate"]
    got = res.paths_table.set_index(["from", "to"])["estimate"]
    assert np.abs(got.loc[e.index] - e).max() < 1e-6
    e = pd.read_csv(EXP / "rsquared.csv").set_index("construct")
    assert np.abs(res.rsquared.loc[e.index, "rsq"] - e["rsq"]).max() < 1e-6
    assert np.abs(res.rsquared.loc[e.index, "adj_rsq"] - e["adj_rsq"]).max() < 1e-6
    assert res.iterations == 6


@needs_mobi
def test_quality_criteria_and_scores_match_seminr(res):
    e = pd.read_csv(EXP / "reliability.csv").set_index("construct")
    got = res.reliability
    for col in ["alpha", "rhoC", "AVE", "rhoA"]:
        assert np.abs(got.loc[e.index, col] - e[col]).max() < 1e-6, col
    e = pd.read_csv(EXP / "htmt.csv")
    h = res.htmt
    for _, r in e.iterrows():
        assert abs(h.loc[r.construct_1, r.construct_2] - r.htmt) < 1e-6
    e = pd.read_csv(EXP / "fsquare.csv").set_index(["from", "to"])["f2"]
    f2 = res.fsquare.set_index(["from", "to"])["f2"]
    assert np.abs(f2.loc[e.index] - e).max() < 1e-6
    e = pd.read_csv(EXP / "vif_items.csv").set_index(["construct", "indicator"])["vif"]
    assert np.abs(res.vif_outer.loc[e.index] - e).max() < 1e-6
    e = pd.read_csv(EXP / "construct_scores.csv", index_col=0)
    assert np.abs(res.scores.to_numpy() - e[res.model.constructs].to_numpy()).max() < 1e-6
    e = pd.read_csv(EXP / "total_effects.csv")
    t = res.total_effects
    for _, r in e.iterrows():
        assert abs(t.loc[r["from"], r["to"]] - r.total_effect_exact) < 1e-6


@needs_mobi
@pytest.mark.parametrize("scheme,modes", [("path", "AABBAAA"), ("factorial", "AAAAAAA"),
                                          ("centroid", "AAAAAAA")])
def test_variants_match_numpy_implementation(mobi, scheme, modes):
    syntax = ECSI
    for c, m in zip(["Quality", "Value"], modes[2:4]):
        if m == "B":
            syntax = syntax.replace(f"{c:<12s} =~", f"{c} <~")
    r = pls.estimate(syntax, mobi, scheme=scheme)
    assert r.model.modes == list(modes)
    ref = numpy_pls().pls(mobi, blocks_of(r.model), list(modes), r.model.paths, scheme=scheme)
    assert np.abs(r.outer_weights.to_numpy() - ref["weights"]).max() < 1e-6
    assert np.abs(r.paths.to_numpy() - ref["paths"]).max() < 1e-6
    assert np.abs(r.scores.to_numpy() - ref["scores"]).max() < 1e-6


@needs_mobi
def test_survey_weights_match_numpy_implementation(mobi):
    w = np.random.default_rng(5).uniform(0.2, 3.0, len(mobi))
    r = pls.estimate(ECSI, mobi.assign(wt=w), weights="wt")
    ref = numpy_pls().pls(mobi, blocks_of(r.model), ["A"] * 7, r.model.paths, weights=w)
    assert np.abs(r.outer_weights.to_numpy() - ref["weights"]).max() < 1e-6
    assert np.abs(r.paths.to_numpy() - ref["paths"]).max() < 1e-6
    # index: weighted mean of the respondent indices
    assert abs(np.average(r.index_scores["Satisfaction"], weights=w) -
               r.index["Satisfaction"]) < 1e-9


@needs_mobi
def test_index_and_ipma(res, mobi):
    # ACSI formula from the unstandardised weights and the item means, scale 1-10
    v = res.unstd_weights.loc["Satisfaction"]
    want = 100 * (v * (mobi[v.index].mean() - 1)).sum() / 9
    assert abs(res.index["Satisfaction"] - want) < 1e-9
    assert abs(v.sum() - 1) < 1e-12
    seg = res.index_by_segment(np.where(mobi.CUSCO > 7, "happy", "other"))
    assert list(seg.index) == ["happy", "other"]
    mask = mobi.CUSCO > 7
    assert abs(seg.loc["happy", "Loyalty"] - res.index_scores.Loyalty[mask].mean()) < 1e-9
    ip = res.ipma("Loyalty")
    assert "Loyalty" not in ip.index and "Satisfaction" in ip.index
    assert (ip.performance > 50).all()


def test_predict_leave_one_out_matches_numpy(no_leaks):
    rng = np.random.default_rng(11)
    n = 40
    xi = rng.normal(size=n)
    eta = 0.6 * xi + 0.8 * rng.normal(size=n)
    df = pd.DataFrame({"x1": xi + 0.5 * rng.normal(size=n), "x2": xi + 0.5 * rng.normal(size=n),
                       "y1": eta + 0.5 * rng.normal(size=n), "y2": eta + 0.5 * rng.normal(size=n)})
    syntax = "X =~ x1 + x2\nY =~ y1 + y2\nY ~ X"
    r = pls.estimate(syntax, df)
    got = r.predict(k_folds=n)
    P = numpy_pls()
    blocks = [("X", ["x1", "x2"]), ("Y", ["y1", "y2"])]
    err = {"y1": [], "y2": []}
    lm = {"y1": [], "y2": []}
    for i in range(n):
        tr = df.drop(index=i)
        ref = P.pls(tr, blocks, ["A", "A"], [("X", "Y")])
        m, s = tr.mean(), tr.std(ddof=1)
        z = (df.loc[i] - m) / s
        xs = ref["weights"][0] * z.x1 + ref["weights"][1] * z.x2
        X = np.column_stack([np.ones(n - 1), tr.x1, tr.x2])
        for k, item in enumerate(["y1", "y2"]):
            pred = m[item] + s[item] * ref["loadings"][2 + k] * ref["paths"][0, 1] * xs
            err[item].append(df.loc[i, item] - pred)
            beta = np.linalg.lstsq(X, tr[item], rcond=None)[0]
            lm[item].append(df.loc[i, item] - beta @ [1, df.loc[i, "x1"], df.loc[i, "x2"]])
    for item in ["y1", "y2"]:
        assert abs(got.loc[item, "pls_rmse"] - np.sqrt(np.mean(np.square(err[item])))) < 1e-9
        assert abs(got.loc[item, "pls_mae"] - np.mean(np.abs(err[item]))) < 1e-9
        assert abs(got.loc[item, "lm_rmse"] - np.sqrt(np.mean(np.square(lm[item])))) < 1e-9
    assert list(got.index) == ["y1", "y2"]


def test_missing_code_and_casewise(no_leaks):
    rng = np.random.default_rng(2)
    n = 60
    f = rng.normal(size=n)
    df = pd.DataFrame({"a": f + rng.normal(size=n), "b": f + rng.normal(size=n),
                       "y": 0.5 * f + rng.normal(size=n)})
    df.loc[[3, 7], "a"] = -99
    r = pls.estimate("F =~ a + b\nY =~ y\nY ~ F", df, missing_code=-99, missing="casewise")
    assert r.n_used == 58 and r.n_rows_dropped == 2 and r.n_missing_cells == 2
    assert 3 not in r.scores.index
    full = pls.estimate("F =~ a + b\nY =~ y\nY ~ F", df.drop(index=[3, 7]))
    assert np.allclose(r.outer_weights, full.outer_weights, atol=1e-12)
    mean = pls.estimate("F =~ a + b\nY =~ y\nY ~ F", df, missing_code=-99)
    assert mean.n_used == 60
    fixed = df.copy()
    fixed.loc[[3, 7], "a"] = df.a.drop(index=[3, 7]).mean()
    ref = pls.estimate("F =~ a + b\nY =~ y\nY ~ F", fixed)
    assert np.allclose(mean.outer_weights, ref.outer_weights, atol=1e-12)


def test_errors_name_the_item(no_leaks):
    df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 2, 2, 2, 2], "y": [1.0, 3, 2, 5, 4]})
    with pytest.raises(cxkit.InvalidArgument) as e:
        pls.estimate("F =~ a + b\nY =~ y\nY ~ F", df)
    assert e.value.param == "b" and "constant" in e.value.message
    with pytest.raises(cxkit.InvalidArgument) as e:
        pls.estimate("F =~ a + zz\nY =~ y\nY ~ F", df)
    assert e.value.param == "zz"
    with pytest.raises(cxkit.ParseError) as e:
        pls.estimate("F =~ a + b\nY =~ y\n\nY ~ G", df)
    assert e.value.line == 4 and e.value.column == 5
    with pytest.raises(cxkit.ParseError, match="cycle"):
        pls.Model("A =~ a\nB =~ b\nB ~ A\nA ~ B")
    with pytest.raises(ValueError):
        pls.estimate("F =~ a\nY =~ y\nY ~ F", df, scheme="nope")
    with pytest.raises(ValueError, match="'y' is not numeric"):
        pls.estimate("F =~ a\nY =~ y\nY ~ F", df.assign(y=["1", "2", "x", "4", "5"]))


@needs_mobi
def test_nonconvergence_is_an_error(mobi):
    with pytest.raises(cxkit.NotConverged):
        pls.estimate(ECSI, mobi, max_iter=2)


@needs_mobi
def test_bootstrap_tables_and_determinism(res):
    b1 = res.bootstrap(300, seed=4, threads=1)
    b2 = res.bootstrap(300, seed=4, threads=2)
    t1, t2 = b1.table("path"), b2.table("path")
    assert t1.equals(t2)
    assert b1.n_ok == 300 and b1.n_failed == 0
    assert list(t1.columns) == ["original", "mean", "sd", "t", "pct_lo", "pct_hi", "bca_lo",
                                "bca_hi", "n"]
    row = t1.loc[("Satisfaction", "Loyalty")]
    reps = b1.replicates("path", "Satisfaction", "Loyalty")
    assert abs(row["sd"] - reps.std(ddof=1)) < 1e-12
    assert abs(row["pct_lo"] - np.quantile(reps, 0.025)) < 1e-12  # numpy default = type 7
    assert abs(row["t"] - row["original"] / row["sd"]) < 1e-12
    assert len(b1.table("htmt")) == 21 and len(b1.table("rsquared")) == 6
    ind = b1.table("indirect_effect")
    for (a, c), row in ind.iterrows():
        assert abs(row.original - res.indirect_effects.loc[a, c]) < 1e-12
    rel = res.reliability
    assert np.allclose(b1.table("rho_a").original, rel.rhoA, atol=1e-12)
    assert np.allclose(b1.table("rho_c").original, rel.rhoC, atol=1e-12)
    assert np.allclose(b1.table("ave").original, rel.AVE, atol=1e-12)
    idx = b1.table("index")
    assert (idx.pct_lo < idx.original).all() and (idx.original < idx.pct_hi).all()
    assert "Path coefficients" in res.summary()



def _cli():
    import os
    import pathlib
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", SOURCE_DIR / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    return str(exe)


@needs_mobi
def test_cli_fit_json_matches_seminr(tmp_path):
    import json
    import subprocess
    model = tmp_path / "ecsi.txt"
    model.write_text(ECSI)
    out = subprocess.run([_cli(), "pls", "fit", "--model", str(model), str(MOBI / "mobi.csv"),
                          "--bootstrap", "200", "--json", "--scale", "1,10"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    e = pd.read_csv(EXP / "path_coefficients.csv")
    got = {(p["from"], p["to"]): p["estimate"] for p in d["paths"]}
    for _, r in e.iterrows():
        assert abs(got[(r["from"], r["to"])] - r.estimate) < 1e-6
    assert d["bootstrap"]["ok"] == 200 and len(d["bootstrap"]["path"]) == 12
    assert d["iterations"] == 6


def test_cli_reports_file_line_column(tmp_path):
    import subprocess
    model = tmp_path / "m.txt"
    model.write_text("A =~ a1 + a2\nB =~ b1 b2\n")
    data = tmp_path / "d.csv"
    data.write_text("a1,a2,b1\n1,2,3\n2,x,4\n")
    r = subprocess.run([_cli(), "pls", "fit", "--model", str(model), str(data)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and f"{model}:2:9:" in r.stderr
    model.write_text("A =~ a1 + a2\nB =~ b1\nB ~ A\n")
    r = subprocess.run([_cli(), "pls", "fit", "--model", str(model), str(data)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and f"{data}:3:2:" in r.stderr and "not a number" in r.stderr
    r = subprocess.run([_cli(), "pls", "fit", str(data)], capture_output=True, text=True)
    assert r.returncode == 2


@needs_mobi
def test_bootstrap_by_segment_and_unstd_scores(res, mobi):
    seg = np.where(mobi.CUSCO > 7, "happy", "other")
    b = res.bootstrap(200, seed=2, segments=seg)
    t = b.table("segment_index")
    want = res.index_by_segment(seg)
    for (g, c), row in t.iterrows():
        assert abs(row.original - want.loc[g, c]) < 1e-9
        assert row.pct_lo < row.original < row.pct_hi and row.n == 200
    u = res.unstd_scores
    v = res.unstd_weights.loc["Value"]
    assert np.allclose(u["Value"], mobi[v.index] @ v.to_numpy(), atol=1e-9)


@needs_mobi
def test_specific_indirect_effect(res):
    chain = ["Expectation", "Quality", "Satisfaction", "Loyalty"]
    p = res.paths
    want = p.loc["Expectation", "Quality"] * p.loc["Quality", "Satisfaction"] * \
        p.loc["Satisfaction", "Loyalty"]
    assert abs(res.specific_indirect(chain) - want) < 1e-15
    b = res.bootstrap(200, seed=5)
    s = b.specific_indirect(chain)
    reps = (b.replicates("path", "Expectation", "Quality") *
            b.replicates("path", "Quality", "Satisfaction") *
            b.replicates("path", "Satisfaction", "Loyalty"))
    assert abs(s["sd"] - reps.std(ddof=1)) < 1e-12
    assert abs(s["pct_hi"] - np.quantile(reps, 0.975)) < 1e-12
    with pytest.raises(cxkit.InvalidArgument, match="no path"):
        res.specific_indirect(["Image", "Value", "Loyalty"])


def test_cli_weights_missing_code_match_python(tmp_path):
    import json
    import subprocess
    rng = np.random.default_rng(8)
    n = 80
    f = rng.normal(size=n)
    df = pd.DataFrame({"a": np.round(5 + f + rng.normal(size=n)),
                       "b": np.round(5 + f + rng.normal(size=n)),
                       "y": np.round(5 + 0.6 * f + rng.normal(size=n)),
                       "w": rng.uniform(0.5, 2.0, n)})
    df.loc[[2, 9], "b"] = -99
    data = tmp_path / "d.csv"
    df.to_csv(data, index=False)
    model = tmp_path / "m.txt"
    syntax = "F =~ a + b\nY =~ y\nY ~ F\n"
    model.write_text(syntax)
    out = subprocess.run([_cli(), "pls", "fit", "--model", str(model), str(data), "--json",
                          "--weights", "w", "--missing-code", "-99", "--missing", "casewise"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    ref = pls.estimate(syntax, df, weights="w", missing_code=-99, missing="casewise")
    assert d["n_used"] == 78 == ref.n_used
    assert abs(d["paths"][0]["estimate"] - ref.paths.loc["F", "Y"]) < 1e-12
    w = {r["indicator"]: r["weight"] for r in d["indicators"]}
    assert abs(w["b"] - ref.outer_weights.loc[("F", "b")]) < 1e-12


@needs_mobi
def test_bootstrap_new_families_match_numpy_on_the_same_resamples(res, mobi):
    """Replicate b draws its rows from cxkit.rng.RNG(seed, b): redraw them here and recompute
    alpha, adjusted R², construct correlations, Fornell-Larcker, inner VIF and f² with the
    independent numpy PLS (f²: re-estimated without each path)."""
    from cxkit.rng import RNG
    P = numpy_pls()
    seed, B = 5, 12
    b = res.bootstrap(B, seed=seed, threads=2, bca=False, fsquare=True)
    assert b.n_ok == B
    m = res.model
    cons, blocks, n = m.constructs, blocks_of(m), len(mobi)
    preds = {c: [a for a, t in m.paths if t == c] for c in cons}
    for rep in (0, 5, B - 1):
        rows = np.asarray(RNG(seed, rep).below(n, size=n))
        data = {k: mobi[k].to_numpy(float)[rows] for k in m.indicators}
        ref = P.pls(data, blocks, ["A"] * 7, m.paths)
        R = np.corrcoef(ref["scores"].T)
        for c, items in blocks:
            ci = cons.index(c)
            if len(items) > 1:
                S = np.corrcoef(np.column_stack([data[i] for i in items]).T)
                k = len(items)
                alpha = k / (k - 1) * (1 - k / S.sum())
                assert abs(b.replicates("alpha", c)[rep] - alpha) < 1e-10
            lam = ref["loadings"][[m.indicators.index(i) for i in items]]
            fl = b.replicates("fornell_larcker", c, c)[rep]
            assert abs(fl - math.sqrt(np.mean(lam ** 2))) < 1e-6
            if preds[c]:
                r2 = ref["rsq"][ci]
                adj = 1 - (1 - r2) * (n - 1) / (n - len(preds[c]) - 1)
                assert abs(b.replicates("adj_rsquared", c)[rep] - adj) < 1e-6
                pi = [cons.index(a) for a in preds[c]]
                vif = np.diag(np.linalg.inv(R[np.ix_(pi, pi)]))
                for a, v in zip(preds[c], vif):
                    assert abs(b.replicates("vif_inner", a, c)[rep] - v) < 1e-6
                for a in preds[c]:
                    out = P.pls(data, blocks, ["A"] * 7, [p for p in m.paths if p != (a, c)])
                    r2o = 0.0 if np.isnan(out["rsq"][ci]) else out["rsq"][ci]
                    f2 = (r2 - r2o) / (1 - r2)
                    assert abs(b.replicates("fsquare", a, c)[rep] - f2) < 1e-6
        for i, a in enumerate(cons):
            for j, c in enumerate(cons[i + 1:], i + 1):
                r = b.replicates("construct_correlation", a, c)[rep]
                assert abs(r - R[i, j]) < 1e-6
                assert r == b.replicates("fornell_larcker", a, c)[rep]
    # the originals are the fit's own criteria
    assert np.allclose(b.table("alpha").original, res.reliability.alpha, atol=1e-12)
    assert np.allclose(b.table("adj_rsquared").original, res.rsquared.adj_rsq, atol=1e-12)
    fs = b.table("fsquare")
    assert len(fs) == len(m.paths) and (fs.n == B).all()
    vi = b.table("vif_inner")
    for (a, c), row in vi.iterrows():
        assert abs(row.original - res.vif_inner.set_index(["from", "to"]).loc[(a, c), "vif"]) < 1e-12
    assert len(b.table("fornell_larcker")) == 7 + 21
    with pytest.raises(Exception, match="fsquare"):
        res.bootstrap(10, seed=1, bca=False).table("fsquare")


@needs_mobi
def test_bootstrap_new_families_are_thread_count_independent(res):
    b1 = res.bootstrap(60, seed=9, threads=1, fsquare=True)
    b2 = res.bootstrap(60, seed=9, threads=2, fsquare=True)
    for kind in ("alpha", "adj_rsquared", "construct_correlation", "fornell_larcker",
                 "vif_inner", "fsquare"):
        assert b1.table(kind).equals(b2.table(kind)), kind


@needs_mobi
def test_cli_bootstrap_json_has_every_family_as_python(tmp_path, res):
    import json
    import subprocess
    model = tmp_path / "ecsi.txt"
    model.write_text(ECSI)
    out = subprocess.run([_cli(), "pls", "fit", "--model", str(model), str(MOBI / "mobi.csv"),
                          "--bootstrap", "40", "--seed", "3", "--threads", "2", "--fsquare",
                          "--json", "--scale", "1,10"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)["bootstrap"]
    b = res.bootstrap(40, seed=3, threads=1, fsquare=True)
    for kind in ("alpha", "adj_rsquared", "construct_correlation", "fornell_larcker",
                 "vif_inner", "fsquare", "indirect_effect", "rho_c", "weight"):
        t = b.table(kind)
        assert len(d[kind]) == len(t), kind
        for row, (_, ref) in zip(d[kind], t.iterrows()):
            assert row["sd"] == pytest.approx(ref.sd, abs=1e-15)
            assert row["bca_lo"] == pytest.approx(ref.bca_lo, abs=1e-15)
            assert row["n"] == ref.n
