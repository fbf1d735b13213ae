"""cxkit.effects against R's survival package (run live through Rscript) and statsmodels, plus
the log-level analyses on the sample data and the CLI's JSON."""
import io
import json
import os
import pathlib
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import effects as fx

SRC = pathlib.Path(os.environ.get("CX_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
DATA = SRC / "examples" / "data"
HAVE_R = shutil.which("Rscript") is not None


@pytest.fixture(scope="module")
def surv():
    rng = np.random.default_rng(7)
    n = 400
    d = pd.DataFrame({"csat": rng.integers(1, 6, n).astype(float),
                      "att": rng.uniform(size=n).round(3),
                      "grp": rng.integers(0, 3, n).astype(float)})
    rate = 0.04 * np.exp(-0.3 * (d.csat - 3) - 0.7 * d.att)
    t = rng.exponential(1 / rate)
    c = rng.uniform(5, 50, n)
    d["time"] = np.ceil(np.minimum(t, c))
    d["status"] = (t <= c).astype(float)
    return d


def r_eval(script, d):
    """Run R on d (as CSV on stdin) and parse `key v1 v2 ...` lines."""
    code = ("suppressMessages(library(survival)); d <- read.csv(file('stdin'));"
            "put <- function(k, x) cat(k, sprintf('%.12g', x), '\\n');" + script)
    out = subprocess.run(["Rscript", "-e", code], input=d.to_csv(index=False), text=True,
                         capture_output=True, check=True).stdout
    return {ln.split()[0]: np.array([float(v) for v in ln.split()[1:]])
            for ln in out.splitlines() if ln.strip()}


@pytest.mark.skipif(not HAVE_R, reason="Rscript not installed")
def test_survival_matches_r(surv, no_leaks):
    r = r_eval("""
        f <- survfit(Surv(time, status) ~ 1, data = d, conf.type = 'log-log')
        put('surv', f$surv); put('lower', f$lower); put('upper', f$upper)
        s <- survdiff(Surv(time, status) ~ grp, data = d); put('lr', c(s$chisq, s$exp))
        m <- coxph(Surv(time, status) ~ csat + att, data = d,
                   control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 100))
        put('coef', coef(m)); put('se', sqrt(diag(vcov(m)))); put('ll', m$loglik)
        z <- cox.zph(m, terms = FALSE); put('zph', z$table[, 'chisq'])
        mb <- coxph(Surv(time, status) ~ csat + att, data = d, ties = 'breslow',
                    control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 100))
        put('bcoef', coef(mb))
    """, surv)
    km = fx.KaplanMeierFitter(ci="log-log").fit(surv.time, surv.status)
    np.testing.assert_allclose(km.table_.surv, r["surv"], rtol=1e-9)
    np.testing.assert_allclose(km.table_.lower, r["lower"], rtol=1e-9)
    np.testing.assert_allclose(km.table_.upper, r["upper"], rtol=1e-9)
    lr = fx.multivariate_logrank_test(surv.time, surv.grp, surv.status)
    assert lr.test_statistic == pytest.approx(r["lr"][0], rel=1e-9)
    np.testing.assert_allclose(lr.summary.expected, r["lr"][1:], rtol=1e-9)
    cph = fx.CoxPHFitter().fit(surv, "time", "status", formula=["csat", "att"])
    np.testing.assert_allclose(cph.params_, r["coef"], rtol=1e-6)
    np.testing.assert_allclose(cph.standard_errors_, r["se"], rtol=1e-6)
    assert cph.log_likelihood_ == pytest.approx(r["ll"][1], rel=1e-9)
    np.testing.assert_allclose(cph.check_assumptions()["chisq"], r["zph"], rtol=1e-6)
    b = fx.CoxPHFitter(ties="breslow").fit(surv, "time", "status", formula=["csat", "att"])
    np.testing.assert_allclose(b.params_, r["bcoef"], rtol=1e-6)


def test_logit_matches_statsmodels(no_leaks):
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"csat": rng.integers(1, 6, 800).astype(float), "att": rng.uniform(size=800)})
    y = (rng.uniform(size=800) < 1 / (1 + np.exp(-(-2 + 0.5 * X.csat + X.att)))).astype(float)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    res = fx.Logit(y, X).fit()
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-8)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-7)
    np.testing.assert_allclose(res.conf_int(), ref.conf_int(), rtol=1e-7)
    np.testing.assert_allclose(res.pvalues, ref.pvalues, rtol=1e-6)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    assert res.llnull == pytest.approx(ref.llnull, rel=1e-9)  # statsmodels fits the null model numerically
    np.testing.assert_allclose(res.predict(X), ref.predict(sm.add_constant(X)), rtol=1e-9)


def test_separation_and_bad_input():
    with pytest.raises(cxkit.OutOfRange, match="separation"):
        fx.Logit([0, 0, 0, 1, 1, 1], [1, 2, 3, 4, 5, 6]).fit()
    with pytest.raises(cxkit.InvalidArgument):
        fx.KaplanMeierFitter().fit([1, 2], [1])
    with pytest.raises(cxkit.OutOfRange, match="no events"):
        fx.CoxPHFitter().fit(pd.DataFrame({"t": [1, 2, 3.0], "e": [0, 0, 0.0], "x": [1, 2, 4.0]}),
                             "t", "e")
    km = fx.KaplanMeierFitter().fit([1, 2, 3], [0, 0, 0])
    assert km.median_survival_time_ == float("inf")
    assert (km.table_.surv == 1).all()


def test_wallet_rule():
    np.testing.assert_allclose(fx.wallet_share([1, 1, 2, 1, 2, 3], [1, 2, 2, 3, 3, 3]),
                               [1, 2 / 3, 1 / 3, 0.5, 1 / 3, 1 / 6])
    w = fx.wallet_share_from_scores(["a", "a", "b"], [9, 7, 5])
    np.testing.assert_allclose(w["share"], [2 / 3, 1 / 3, 1])


def test_zones_recover_knots():
    rng = np.random.default_rng(11)
    s = rng.integers(1, 11, 30000).astype(float)
    eta = -2 + 0.05 * s + 0.25 * np.maximum(s - 4, 0) + np.maximum(s - 8, 0)
    y = (rng.uniform(size=s.size) < 1 / (1 + np.exp(-eta))).astype(float)
    z = fx.zones_fit(y, s)
    assert z.attrs["knots"] == (4.0, 8.0)
    assert list(z.index) == ["defection", "indifference", "affection"]
    assert z.attrs["lr_p_value"] < 1e-6


def test_log_level_on_sample_data(no_leaks):
    log = DATA / "effects_interactions.csv"
    tx = DATA / "effects_transactions.csv"
    rec = fx.recovery(log, tx, confounders=["channel"])
    v = rec[(rec.outcome == "retained") & (rec.method == "verdict")]
    assert v.measure.iloc[0] in ("PRESENT", "ABSENT", "INCONCLUSIVE")
    assert any("recovery paradox" in n for n in rec.attrs["notes"])
    tp = fx.touchpoints(log, tx)
    assert tp.touchpoint.iloc[0] == "repair" and tp.touchpoint.iloc[-1] == "web"
    sp = fx.spend(log, tx)
    assert list(sp.experience) == ["negative", "neutral", "positive"]
    assert sp.set_index("experience").loc["negative", "decrease"] > 0.7
    zones = fx.zones(log, tx)
    assert zones.shape[0] == 3
    curves = fx.churn_curves(log, tx)
    assert set(curves.segment) == {"negative", "neutral", "positive"}
    cox = fx.churn(log, tx, covariates="csat")
    assert cox.hr_upper.iloc[0] < 1
    # DataFrames in, same answer as files in
    df = pd.read_csv(log)
    sp2 = fx.spend(df, pd.read_csv(tx))
    pd.testing.assert_frame_equal(sp, sp2)


def test_plots():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    log = DATA / "effects_interactions.csv"
    tx = DATA / "effects_transactions.csv"
    ax = fx.plot_survival(fx.churn_curves(log, tx))
    assert len(ax.get_lines()) >= 3
    rec = fx.recovery(log, tx)
    ax = fx.plot_effects(rec[(rec.outcome == "retained") & (rec.method == "unadjusted")], null=0)
    assert len(ax.get_yticklabels()) == 3


def test_cli_json():
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", SRC / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    out = subprocess.run([str(exe), "effects", "spend", str(DATA / "effects_interactions.csv"),
                          "--tx", str(DATA / "effects_transactions.csv"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    assert [r["experience"] for r in j["rows"]] == ["negative", "neutral", "positive"]
    bad = subprocess.run([str(exe), "effects", "spend", "/nonexistent.csv"], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and "nonexistent" in bad.stderr
    usage = subprocess.run([str(exe), "effects", "frobnicate", "x.csv"], capture_output=True)
    assert usage.returncode == 2


def test_recovery_estimates_match_statsmodels():
    """Each recovery row recomputed from the per-customer outcome table with statsmodels:
    Newcombe interval, Welch interval, HC1 least squares, Logit odds ratio."""
    sm = pytest.importorskip("statsmodels.api")
    from statsmodels.stats.proportion import confint_proportions_2indep
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
    log = DATA / "effects_interactions.csv"
    tx = DATA / "effects_transactions.csv"
    rec = fx.recovery(log, tx, confounders="channel")
    out = fx.outcomes(log, tx, predictor="problem")
    inter = pd.read_csv(log)
    idx = inter.loc[out.index_row.astype(int)]
    out["group"] = np.where(idx.problem.values == 0, "none",
                            np.where(idx.resolved.values == 1, "resolved", "unresolved"))
    out["phone"] = (idx.channel.values == "phone").astype(float)
    a, b = out[out.group == "resolved"], out[out.group == "none"]

    def row(outcome, method):
        r = rec[(rec.outcome == outcome) & (rec.comparison == "resolved_vs_none")
                & (rec.method == method)]
        return r.iloc[0]

    r = row("retained", "unadjusted")
    lo, hi = confint_proportions_2indep(a.retained.sum(), len(a), b.retained.sum(), len(b),
                                        method="newcomb", compare="diff")
    assert r.estimate == pytest.approx(a.retained.mean() - b.retained.mean(), abs=1e-12)
    assert (r.lower, r.upper) == pytest.approx((lo, hi), abs=1e-9)
    r = row("spend_change", "unadjusted")
    cm = CompareMeans(DescrStatsW(a.spend_change), DescrStatsW(b.spend_change))
    assert (r.lower, r.upper) == pytest.approx(cm.tconfint_diff(usevar="unequal"), rel=1e-7)
    ab = pd.concat([a, b])
    X = sm.add_constant(pd.DataFrame({"resolved": (ab.group == "resolved").astype(float),
                                      "phone": ab.phone}))
    ols = sm.OLS(ab.spend_change, X).fit(cov_type="HC1")
    r = row("spend_change", "regression")
    assert r.estimate == pytest.approx(ols.params["resolved"], rel=1e-9)
    assert (r.lower, r.upper) == pytest.approx(tuple(ols.conf_int().loc["resolved"]), rel=1e-7)
    lg = sm.Logit(ab.retained, X).fit(disp=0, tol=1e-12)
    r = row("retained", "regression")
    assert r.estimate == pytest.approx(np.exp(lg.params["resolved"]), rel=1e-6)
    assert r.lower == pytest.approx(np.exp(lg.conf_int().loc["resolved", 0]), rel=1e-6)


def test_constant_dummies_are_dropped_with_a_note():
    """On the general sample log, self-service contacts never carry an empathy rating, so the
    channel=self_service dummy is constant among complete cases: dropped, and said so."""
    log = DATA / "interactions.csv"
    if not log.exists():
        pytest.skip("examples/data/interactions.csv not present")
    r = fx.retention(log, covariates=["csat", "empathy", "channel"])
    assert "channel=self_service" not in set(r.term)
    assert any("dropped" in n for n in r.attrs["notes"])
    df = pd.read_csv(log)
    df["wait_time"] = 60.0  # constant: nothing left to model
    with pytest.raises(cxkit.InvalidArgument, match="varies"):
        fx.retention(df, covariates="wait_time")


@pytest.fixture(scope="module")
def cdnow():
    """Churn as survival on the shared CDNOW master file: from the first purchase to the last,
    churned when no purchase in the last 180 days before 1998-06-30; covariates from the first
    purchase; cohort = month of the first purchase."""
    shared = pathlib.Path(os.environ.get("CX_SHARED_DIR", SRC.parent / "shared"))
    path = shared / "data" / "cdnow" / "CDNOW_master.txt"
    if not path.exists():
        pytest.skip("shared CDNOW data not present")
    d = pd.read_csv(path, sep=r"\s+", header=0, names=["id", "date", "cds", "dollars"],
                    dtype={"id": str, "date": str})
    d["date"] = pd.to_datetime(d.date, format="%Y%m%d")
    end = pd.Timestamp("1998-06-30")
    g = d.sort_values(["id", "date"]).groupby("id")
    first, last = g.date.min(), g.date.max()
    c = pd.DataFrame({"first": first, "last": last,
                      "first_dollars": g.dollars.first(), "first_cds": g.cds.first()})
    c["status"] = ((end - c["last"]).dt.days >= 180).astype(float)
    c["time"] = np.where(c.status == 1, (c["last"] - c["first"]).dt.days,
                         (end - c["first"]).dt.days).astype(float)
    c["cohort"] = (c["first"].dt.month - 1).astype(float)
    c["log_dollars"] = np.log1p(c.first_dollars)
    return c.reset_index(drop=True)[["time", "status", "cohort", "log_dollars", "first_cds"]]


@pytest.mark.skipif(not HAVE_R, reason="Rscript not installed")
def test_cdnow_churn_matches_r(cdnow, no_leaks):
    r = r_eval("""
        f <- survfit(Surv(time, status) ~ 1, data = d, conf.type = 'log-log')
        put('surv', f$surv); put('upper', f$upper)
        s <- survdiff(Surv(time, status) ~ cohort, data = d); put('lr', s$chisq)
        m <- coxph(Surv(time, status) ~ log_dollars + first_cds, data = d,
                   control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 100))
        put('coef', coef(m)); put('se', sqrt(diag(vcov(m))))
        put('zph', cox.zph(m, terms = FALSE)$table[, 'chisq'])
    """, cdnow)
    km = fx.KaplanMeierFitter(ci="log-log").fit(cdnow.time, cdnow.status)
    np.testing.assert_allclose(km.table_.surv, r["surv"], rtol=1e-9)
    np.testing.assert_allclose(km.table_.upper, r["upper"], rtol=1e-9)
    lr = fx.multivariate_logrank_test(cdnow.time, cdnow.cohort, cdnow.status)
    assert lr.test_statistic == pytest.approx(r["lr"][0], rel=1e-8)
    cph = fx.CoxPHFitter().fit(cdnow, "time", "status", formula=["log_dollars", "first_cds"])
    np.testing.assert_allclose(cph.params_, r["coef"], rtol=1e-6)
    np.testing.assert_allclose(cph.standard_errors_, r["se"], rtol=1e-6)
    np.testing.assert_allclose(cph.check_assumptions()["chisq"], r["zph"], rtol=1e-6)
