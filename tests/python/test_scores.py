"""cxkit.scores against independent computations: statsmodels proportion intervals, numpy /
scipy for means and paired tests, pandas groupby for grouped scores, REFERENCE.md vectors, and
a dask.distributed LocalCluster against the single-process result."""
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import cxkit
from cxkit import scores

SM_METHODS = {"wilson": "wilson", "agresti_coull": "agresti_coull", "clopper_pearson": "beta",
              "jeffreys": "jeffreys", "wald": "normal"}


@pytest.mark.parametrize("method", sorted(SM_METHODS))
def test_prop_ci_matches_statsmodels(method, no_leaks):
    rng = np.random.default_rng(1)
    for _ in range(60):
        n = int(rng.integers(1, 400))
        x = int(rng.integers(0, n + 1))
        level = float(rng.choice([0.8, 0.9, 0.95, 0.99]))
        lo, hi = scores.prop_ci(x, n, level, method)
        slo, shi = proportion_confint(x, n, alpha=1 - level, method=SM_METHODS[method])
        if method == "jeffreys" and x in (0, n):  # REFERENCE 1.2: L = 0 at x = 0, U = 1 at x = n
            slo, shi = (0.0 if x == 0 else slo), (1.0 if x == n else shi)
        assert lo == pytest.approx(max(slo, 0.0), abs=1e-9)
        assert hi == pytest.approx(min(shi, 1.0), abs=1e-9)


def test_prop_diff_matches_statsmodels_newcombe():
    for x1, n1, x2, n2 in [(56, 70, 48, 80), (9, 10, 3, 10), (0, 15, 4, 20), (33, 40, 39, 41)]:
        r = scores.prop_diff(x1, n1, x2, n2)
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        assert r["diff"] == pytest.approx(x1 / n1 - x2 / n2)
        assert r["lo"] == pytest.approx(lo, abs=1e-9)
        assert r["hi"] == pytest.approx(hi, abs=1e-9)


def test_nps_reference_vectors():
    r = scores.nps_counts(50, 30, 20, method="wald")
    assert r["nps"] == pytest.approx(30.0)
    assert r["se"] == pytest.approx(7.810, abs=5e-4)
    r = scores.nps_counts(50, 30, 20, method="score")
    assert (r["lo"], r["hi"]) == pytest.approx((13.96, 44.34), abs=5e-3)
    d = scores.nps_diff((50, 30, 20), (40, 35, 25), method="wald")
    assert d["z"] == pytest.approx(1.3484, abs=5e-5)
    assert d["p_value"] == pytest.approx(0.1775, abs=5e-5)


def test_nps_from_ratings_and_weights():
    ratings = np.array([10, 10, 9, 7, 8, 3, 10, 0, 8, 9])
    r = scores.nps(ratings)
    p, d = 5 / 10, 2 / 10
    assert r["nps"] == pytest.approx(100 * (p - d))
    assert r["se"] == pytest.approx(100 * np.sqrt((p + d - (p - d) ** 2) / 10))
    # REFERENCE 1.4.5 weighted vector: NPS_w 20, SE_lin 25.22, n_eff 8.3333
    s = np.array([1, 1, 1, 0, 0, -1, 1, -1, 0, 1])
    w = np.array([1, 2, 1, 1, 3, 2, 1, 1, 2, 1.0])
    rw = scores.nps(np.where(s > 0, 10, np.where(s < 0, 2, 8)), weights=w, method="wald")
    assert rw["nps"] == pytest.approx(20.0)
    assert rw["se"] == pytest.approx(25.22, abs=5e-3)
    assert rw["n_eff"] == pytest.approx(8.3333, abs=5e-5)
    # custom buckets: a 1..5 star mapping (<= 3 detractor, 5 promoter)
    rb = scores.nps([1, 2, 3, 4, 5, 5], scale=(1, 5), buckets=(3, 5))
    assert rb["nps"] == pytest.approx(100 * (2 - 3) / 6)
    with pytest.raises(cxkit.InvalidArgument):
        scores.nps([1, 2, 3], scale=(1, 5))  # standard buckets do not fit 1..5


def test_csat_mean_and_top_box_against_numpy_scipy():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=237).astype(float)
    r = scores.csat(x, scale=(1, 5))
    m, s = x.mean(), x.std(ddof=1)
    t = stats.t.ppf(0.975, len(x) - 1)
    assert r["mean"] == pytest.approx(m)
    assert r["se"] == pytest.approx(s / np.sqrt(len(x)))
    assert r["mean_lo"] == pytest.approx(m - t * s / np.sqrt(len(x)))
    k = int((x >= 4).sum())
    lo, hi = proportion_confint(k, len(x), method="wilson")
    assert r["top_box"] == pytest.approx(k / len(x))
    assert (r["top_box_lo"], r["top_box_hi"]) == pytest.approx((lo, hi))
    c = scores.ces([7, 6, 5, 2, 1, 7])
    assert c["top_box"] == pytest.approx(4 / 6)


def test_bad_input_is_an_error_and_leaves_the_accumulator_unchanged(no_leaks):
    a = scores.Accumulator((1, 5)).add([1, 2])
    with pytest.raises(cxkit.InvalidArgument) as e:
        a.add([3, 6])
    assert e.value.param == "ratings"
    with pytest.raises(cxkit.InvalidArgument):
        a.add([3, 4], weights=[1, -1])
    with pytest.raises(cxkit.InvalidArgument):
        a.add([3.5])
    with pytest.raises(cxkit.InvalidArgument):
        a.add([3, 4], weights=[1])
    assert a.count == 2
    a.add([np.nan, 3])  # NaN is absent
    assert a.count == 3
    with pytest.raises(cxkit.OutOfRange):
        scores.Accumulator((1, 5)).mean()


def test_accumulator_merge_bytes_pickle(no_leaks):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 11, size=5000).astype(float)
    whole = scores.Accumulator().add(x)
    parts = np.array_split(rng.permutation(x), 9)
    merged = scores.Accumulator()
    for p in reversed(parts):
        merged += scores.Accumulator.from_bytes(scores.Accumulator().add(p).to_bytes())
    assert merged.nps().equals(whole.nps())
    assert pickle.loads(pickle.dumps(whole)).nps().equals(whole.nps())
    b = whole.to_bytes()
    with pytest.raises(cxkit.FormatError):
        scores.Accumulator.from_bytes(b[:-3])
    bad = bytearray(b)
    bad[20] ^= 1
    with pytest.raises(cxkit.FormatError):
        scores.Accumulator.from_bytes(bytes(bad))
    d = whole.distribution()
    assert d["count"].to_numpy() == pytest.approx(np.bincount(x.astype(int), minlength=11))


def _frame(n=4000, seed=7):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "touchpoint": rng.choice(["checkin", "boarding", "baggage", None], n),
        "channel": rng.choice(["phone", "chat"], n),
        "time": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 200 * 86400, n), unit="s"),
        "nps": np.where(rng.random(n) < 0.05, np.nan, rng.integers(0, 11, n)).astype(float),
        "csat": rng.integers(1, 6, n).astype(float),
        "employee": rng.choice([f"e{i}" for i in range(25)], n),
        "w": rng.uniform(0.5, 2.0, n),
    })


def test_scores_by_matches_pandas_groupby():
    df = _frame()
    got = scores.scores_by(df, by=["touchpoint", "channel"], rating="nps", period="month")
    d = df.dropna(subset=["touchpoint", "nps"]).copy()
    d["period"] = d["time"].dt.strftime("%Y-%m")
    s = np.where(d["nps"] >= 9, 100.0, np.where(d["nps"] <= 6, -100.0, 0.0))
    want = pd.Series(s, index=d.index).groupby([d["touchpoint"], d["channel"], d["period"]]).mean()
    assert list(got.index) == list(want.index)
    assert got["nps"].to_numpy() == pytest.approx(want.to_numpy())
    assert got["n"].to_numpy() == pytest.approx(
        d.groupby(["touchpoint", "channel", "period"]).size().to_numpy())
    # weighted CSAT mean by week
    gw = scores.scores_by(df, by="channel", rating="csat", period="week", weights="w")
    wk = (df["time"].dt.floor("D") - pd.to_timedelta(df["time"].dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    wm = (df["csat"] * df["w"]).groupby([df["channel"], wk]).sum() / df["w"].groupby([df["channel"], wk]).sum()
    assert gw["mean"].to_numpy() == pytest.approx(wm.to_numpy())


def test_shrink_ranks_small_groups_sensibly():
    rng = np.random.default_rng(11)
    rows = []
    for e in range(30):
        m = 3 if e == 0 else 80
        p = 1.0 if e == 0 else rng.uniform(0.55, 0.9)
        rows += [(f"e{e:02d}", 5.0 if rng.random() < p else 2.0) for _ in range(m)]
    df = pd.DataFrame(rows, columns=["employee", "csat"])
    out = scores.shrink(df, by="employee", rating="csat", kind="top_box", threshold=4)
    assert out.loc["e00", "raw"] == 1.0 and out.loc["e00", "rank_raw"] == 1
    assert out.loc["e00", "rank_shrunk"] > 1
    a, b = out.attrs["prior"]
    # independent check of the prior: maximise the beta-binomial marginal likelihood with scipy
    from scipy.optimize import minimize
    from scipy.special import betaln
    g = df.assign(top=df["csat"] >= 4).groupby("employee")["top"].agg(["sum", "count"])

    def nll(t):
        aa, bb = np.exp(t)
        return -np.sum(betaln(g["sum"] + aa, g["count"] - g["sum"] + bb) - betaln(aa, bb))
    res = minimize(nll, np.log([a, b]) + 0.3, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    assert nll(np.log([a, b])) <= res.fun + 1e-6
    sh = (g["sum"] + a) / (g["count"] + a + b)
    assert out["shrunk"].to_numpy() == pytest.approx(sh.to_numpy())


def test_gap_matches_scipy():
    rng = np.random.default_rng(2)
    a = rng.integers(2, 6, 80).astype(float)
    b = np.clip(a - rng.integers(-1, 3, 80), 1, 5).astype(float)
    r = scores.gap(a, b, superior=5)
    t = stats.ttest_rel(a, b)
    assert r["t"] == pytest.approx(t.statistic)
    assert r["p_value"] == pytest.approx(t.pvalue)
    b01 = ((a >= 5) & (b < 5)).sum()
    b10 = ((b >= 5) & (a < 5)).sum()
    assert r["mcnemar_p"] == pytest.approx(stats.binomtest(int(min(b01, b10)), int(b01 + b10)).pvalue)
    assert r["top_lo"] <= r["top_diff"] <= r["top_hi"]


def test_servqual_by_hand():
    p = np.array([[5, 6, 4, 7, 5, 3], [6, 6, 5, 5, np.nan, 4]])
    e = np.array([[6, 6, 6, 6, 5, 5], [7, 5, 7, 6, 6, 6]])
    r = scores.servqual(p, e, [0, 0, 1, 2, 3, 4],
                        importance=[[20] * 5, [0, 50, 50, 0, 0]])
    assert r["dimensions"]["reliability"] == pytest.approx(-2)
    assert r["overall"] == pytest.approx((-0.25 - 2 + 0 + 0 - 2) / 5)
    assert r["weighted"] == pytest.approx((-0.7 - 1.5) / 2)


def test_dask_local_cluster_matches_single_process():
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from cxkit import dask as cxdask
    df = _frame(6000, seed=21)
    single = scores.scores_by(df, by="touchpoint", rating="nps", period="quarter")
    ddf = dd.from_pandas(df, npartitions=6)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        got = cxdask.scores_by(ddf, by="touchpoint", rating="nps", period="quarter")
    assert list(got.index) == list(single.index)
    pd.testing.assert_frame_equal(got, single, check_exact=True, check_names=False)


def test_trend_matches_weighted_least_squares():
    rng = np.random.default_rng(8)
    months = pd.date_range("2024-01-01", periods=12, freq="MS", tz="UTC")
    rows = [(m + pd.Timedelta(hours=int(h)), float(rng.integers(1, 6) + (i % 2 if k > 5 else 0)))
            for k, m in enumerate(months) for i, h in enumerate(rng.integers(0, 600, 300))]
    df = pd.DataFrame(rows, columns=["time", "csat"]).assign(csat=lambda d: d["csat"].clip(1, 5))
    r = scores.trend(df, rating="csat", period="month", kind="mean")
    g = df.groupby(df["time"].dt.strftime("%Y-%m"))["csat"]
    y, v = g.mean().to_numpy(), (g.var(ddof=1) / g.count()).to_numpy()
    x = (pd.to_datetime(g.mean().index + "-01", utc=True).astype("int64") // 10**9).to_numpy() / (365.2425 * 86400)
    import statsmodels.api as sm
    fit = sm.WLS(y, sm.add_constant(x), weights=1 / v).fit()
    assert r["slope_per_year"] == pytest.approx(fit.params[1], rel=1e-9)
    # statsmodels scales the covariance by the residual variance; ours assumes known variances
    assert r["se"] == pytest.approx(fit.bse[1] / np.sqrt(fit.scale), rel=1e-9)


def test_scores_by_on_a_log_equals_the_dataframe_path(source_dir):
    path = source_dir / "examples" / "data" / "interactions.csv"
    log = cxkit.Log.from_csv(path)
    df = pd.read_csv(path)
    for rating, by in (("nps", ["touchpoint", "channel"]), ("csat", "employee")):
        a = scores.scores_by(log, by=by, rating=rating, period="quarter")
        b = scores.scores_by(df, by=by, rating=rating, period="quarter")
        b = b[b["n"] > 0]
        assert list(a.index) == list(b.index) or sorted(a.index) == sorted(b.index)
        pd.testing.assert_frame_equal(a.sort_index(), b.sort_index(), check_names=False,
                                      check_exact=False, rtol=1e-12)


def test_gap_by_equals_gap_per_group():
    rng = np.random.default_rng(12)
    df = pd.DataFrame({"employee": rng.choice(["a", "b", "c"], 300),
                       "self_rating": rng.integers(3, 6, 300).astype(float),
                       "csat": rng.integers(1, 6, 300).astype(float)})
    df.loc[df.index[:3], "employee"] = "solo"  # a group that still has 3 pairs
    out = scores.gap_by(df, "employee", superior=5)
    for key, sub in df.groupby("employee"):
        want = scores.gap(sub["self_rating"], sub["csat"], superior=5)
        assert out.loc[key].to_numpy() == pytest.approx(want.to_numpy(), nan_ok=True)
