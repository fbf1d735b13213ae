"""Intervals of cxkit.clv against independent computations: the delta method against numpy
differences of the closed-form predictions (scipy's hyp2f1) with cxkit's covariance, interval
coverage by simulation with known parameters, the bootstrap against the Hessian, recovery of
covariate coefficients, and the samplers against closed-form moments."""
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import special as sp

import cxkit
from cxkit.clv import (BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter,
                       ShiftedBetaGeoFitter)

BG = [0.243, 4.414, 0.793, 2.426]
PN = [0.553, 10.578, 0.606, 11.669]
GG = [6.25, 3.74, 15.44]


def bg_own(theta, z):
    """Customer parameters of BG/NBD with covariates: theta = r, alpha, a, b, gp, ga, gb."""
    r, a, A, B, gp, ga, gb = theta
    return r, a * np.exp(-gp * z), A * np.exp(ga * z), B * np.exp(gb * z)


def pn_own(theta, z):
    r, a, s, b, gp, gd = theta
    return r, a * np.exp(-gp * z), s, b * np.exp(-gd * z)


def bg_palive(p, x, tx, T):
    r, a, A, B = p
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + A / (B + x - 1) * ((a + T) / (a + tx)) ** (r + x))


def bg_conditional(p, t, x, tx, T):
    """Fader, Hardie & Lee (2005) eq. 10 with scipy's hyp2f1."""
    r, a, A, B = p
    h = sp.hyp2f1(r + x, B + x, A + B + x - 1, t / (a + T + t))
    return ((A + B + x - 1) / (A - 1) * (1 - ((a + T) / (a + T + t)) ** (r + x) * h)
            * bg_palive(p, x, tx, T))


def pn_palive(p, x, tx, T):
    """Pareto/NBD P(alive) from Fader & Hardie's note 008 (hyp2f1 branch by alpha vs beta)."""
    r, a, s, b = p
    k = r + s + x
    if a >= b:
        F = lambda y: sp.hyp2f1(k, s + 1, k + 1, (a - b) / (a + y)) / (a + y) ** k
    else:
        F = lambda y: sp.hyp2f1(k, r + x, k + 1, (b - a) / (b + y)) / (b + y) ** k
    return 1.0 / (1.0 + s / k * (a + T) ** (r + x) * (b + T) ** s * (F(tx) - F(T)))


def numeric_se(f, theta, V):
    """sqrt(g' V g) with g by central differences of f (vector-valued) at theta."""
    theta = np.asarray(theta, dtype=float)
    g = []
    for j in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] += h
        dn[j] -= h
        g.append((np.asarray(f(up)) - np.asarray(f(dn))) / (2 * h))
    g = np.array(g).T
    return np.sqrt(np.einsum("ij,jk,ik->i", g, V, g))


def simulate(cls, params, coefs, z, T, seed, purchase=True, dropout=True):
    truth = cls()
    truth.params_ = params
    truth._set_covariates(z if purchase else None, z if dropout else None, len(T))
    truth.coefs_ = coefs
    return truth.generate_new_data(size=len(T), T=T, seed=seed)


@pytest.fixture(scope="module")
def bg_cov():
    n = 3000
    rng = np.random.default_rng(7)
    z = pd.DataFrame({"sat": rng.normal(size=n)})
    T = np.linspace(27, 39, n)
    sim = simulate(BetaGeoFitter, BG, [0.6, 0.4, -0.3], z, T, 5)
    m = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"],
                            purchase_covariates=z, dropout_covariates=z)
    return m, sim, z


NEW = dict(z=np.array([-1.0, 0.0, 1.5]), x=np.array([0.0, 2, 7]),
           tx=np.array([0.0, 30.43, 20]), T=np.array([38.86, 38.86, 35]))


def test_delta_method_with_covariates_equals_numpy_differences(bg_cov):
    m, _, _ = bg_cov
    V = m.full_variance_matrix_
    assert list(V.index) == ["r", "alpha", "a", "b", "purchase:sat", "dropout_a:sat",
                             "dropout_b:sat"]
    np.testing.assert_allclose(np.sqrt(np.diag(V))[4:], m.coef_standard_errors_, rtol=1e-12)
    z, x, tx, T = NEW["z"], NEW["x"], NEW["tx"], NEW["T"]
    new = m.for_customers(pd.DataFrame({"sat": z}), pd.DataFrame({"sat": z}))
    theta = np.r_[m.params_.to_numpy(), m.coefs_.to_numpy()]
    iv = new.predict_interval(39, x, tx, T)
    want = [bg_conditional(bg_own(theta, z[i]), 39, x[i], tx[i], T[i]) for i in range(3)]
    np.testing.assert_allclose(iv["estimate"], want, rtol=1e-9)
    se = numeric_se(lambda th: [bg_conditional(bg_own(th, z[i]), 39, x[i], tx[i], T[i])
                                for i in range(3)], theta, V.to_numpy())
    np.testing.assert_allclose(iv["se"], se, rtol=1e-4)
    pa = new.probability_alive_interval(x, tx, T, level=0.9)
    se = numeric_se(lambda th: [bg_palive(bg_own(th, z[i]), x[i], tx[i], T[i])
                                for i in range(3)], theta, V.to_numpy())
    np.testing.assert_allclose(pa["se"], se, rtol=1e-4, atol=1e-15)
    # P(alive) bounds on the logit scale: inside (0, 1), logit(upper) - logit(p) = z se / p(1-p)
    lg = lambda v: np.log(v / (1 - v))
    p, inner = pa["estimate"].to_numpy(), pa["se"].to_numpy() > 0
    np.testing.assert_allclose((lg(pa["upper"]) - lg(pa["estimate"]))[inner],
                               (1.6448536269514722 * pa["se"] / (p * (1 - p)))[inner], rtol=1e-9)
    assert np.all((pa["lower"] > 0) & (pa["upper"] <= 1))
    assert pa["lower"].iloc[0] == pa["upper"].iloc[0] == 1.0  # x = 0: P(alive) is 1
    # the fitted model still describes the fitted customers
    assert len(m.conditional_probability_alive(np.zeros(3000), np.zeros(3000),
                                               np.full(3000, 30.0))) == 3000
    with pytest.raises(cxkit.InvalidArgument):
        m.for_customers(pd.DataFrame({"a": z, "b": z}), pd.DataFrame({"sat": z}))


def test_pareto_delta_method_with_covariates():
    n = 3000
    rng = np.random.default_rng(3)
    z = pd.DataFrame({"sat": rng.normal(size=n)})
    T = np.linspace(27, 39, n)
    sim = simulate(ParetoNBDFitter, PN, [0.5, -0.4], z, T, 9)
    m = ParetoNBDFitter().fit(sim["frequency"], sim["recency"], sim["T"],
                              purchase_covariates=z, dropout_covariates=z)
    # recovery of the coefficients within their standard errors
    zs = (m.coefs_.to_numpy() - [0.5, -0.4]) / m.coef_standard_errors_.to_numpy()
    assert np.all(np.abs(zs) < 4), zs
    theta = np.r_[m.params_.to_numpy(), m.coefs_.to_numpy()]
    zz, x, tx, T = NEW["z"], NEW["x"], NEW["tx"], NEW["T"]
    new = m.for_customers(pd.DataFrame({"sat": zz}), pd.DataFrame({"sat": zz}))
    pa = new.probability_alive_interval(x, tx, T)
    want = [pn_palive(pn_own(theta, zz[i]), x[i], tx[i], T[i]) for i in range(3)]
    np.testing.assert_allclose(pa["estimate"], want, rtol=1e-9)
    se = numeric_se(lambda th: [pn_palive(pn_own(th, zz[i]), x[i], tx[i], T[i])
                                for i in range(3)], theta, m.full_variance_matrix_.to_numpy())
    np.testing.assert_allclose(pa["se"], se, rtol=1e-4)


def clv_numpy(pt, ps, x, tx, T, mbar, months=12, upm=4.345, d=0.01):
    """lifetimes' discrete CLV from the closed forms."""
    p, q, g = ps
    em = (p * g + p * x * mbar) / (p * x + q - 1)
    total, prev = 0.0, 0.0
    for k in range(1, months + 1):
        cur = bg_conditional(pt, k * upm, x, tx, T)
        total += em * (cur - prev) / (1 + d) ** k
        prev = cur
    return total


def test_clv_interval_delta_equals_numpy_and_bootstrap_agrees(bg_cov):
    m, _, _ = bg_cov
    rng = np.random.default_rng(1)
    f = rng.integers(1, 6, size=2000).astype(float)
    gg0 = GammaGammaFitter()
    gg0.params_ = GG
    spend = gg0.generate_new_data(f, seed=4)
    gg = GammaGammaFitter().fit(spend["frequency"], spend["monetary_value"])
    z = np.array([-0.5, 1.0])
    x, tx, T, mb = np.array([2.0, 5]), np.array([30.0, 20]), np.array([38.0, 36]), \
        np.array([25.0, 40])
    new = m.for_customers(pd.DataFrame({"sat": z}), pd.DataFrame({"sat": z}))
    iv = gg.customer_lifetime_value_interval(new, x, tx, T, mb, time=12, freq="W")
    np.testing.assert_allclose(
        iv["estimate"], gg.customer_lifetime_value(new, x, tx, T, mb, time=12, freq="W"),
        rtol=1e-12)
    th = np.r_[m.params_.to_numpy(), m.coefs_.to_numpy(), gg.params_.to_numpy()]
    V = np.zeros((10, 10))
    V[:7, :7] = m.full_variance_matrix_.to_numpy()
    V[7:, 7:] = gg.variance_matrix_.to_numpy()
    se = numeric_se(lambda t: [clv_numpy(bg_own(t[:7], z[i]), t[7:], x[i], tx[i], T[i], mb[i])
                               for i in range(2)], th, V)
    np.testing.assert_allclose(iv["se"], se, rtol=1e-4)
    np.testing.assert_allclose(iv["estimate"],
                               [clv_numpy(bg_own(th[:7], z[i]), th[7:], x[i], tx[i], T[i], mb[i])
                                for i in range(2)], rtol=1e-9)
    bi = gg.customer_lifetime_value_interval(new, x, tx, T, mb, time=12, freq="W",
                                             method="bootstrap", n_boot=25, seed=2)
    assert np.all(bi["lower"] < bi["estimate"]) and np.all(bi["estimate"] < bi["upper"])
    ratio = bi["se"].to_numpy() / iv["se"].to_numpy()
    assert np.all((ratio > 0.5) & (ratio < 2)), ratio
    assert list(m.bootstrap(25, 2).columns) == list(m.full_variance_matrix_.columns)


def test_delta_intervals_cover_the_truth():
    """90% intervals for a new customer's E[Y(39)] and P(alive) over replications with known
    parameters: the coverage is binomial(R, 0.9)."""
    R, n = 40, 1500
    truth = np.r_[BG, 0.6, 0.0, 0.0]
    z = np.array([1.0])
    x, tx, T = np.array([2.0]), np.array([30.0]), np.array([38.0])
    want_e = bg_conditional(bg_own(truth, 1.0), 39, 2.0, 30.0, 38.0)
    want_a = bg_palive(bg_own(truth, 1.0), 2.0, 30.0, 38.0)
    Ts = np.linspace(27, 39, n)
    hit_e = hit_a = 0
    for rep in range(R):
        zc = pd.DataFrame({"sat": np.random.default_rng(100 + rep).normal(size=n)})
        sim = simulate(BetaGeoFitter, BG, [0.6], zc, Ts, 200 + rep, dropout=False)
        m = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"],
                                purchase_covariates=zc)
        new = m.for_customers(pd.DataFrame({"sat": z}))
        e = new.predict_interval(39, x, tx, T, level=0.9)
        a = new.probability_alive_interval(x, tx, T, level=0.9)
        hit_e += float(e["lower"].iloc[0]) <= want_e <= float(e["upper"].iloc[0])
        hit_a += float(a["lower"].iloc[0]) <= want_a <= float(a["upper"].iloc[0])
    # P(binomial(40, 0.9) <= 30) < 0.01
    assert hit_e >= 31 and hit_a >= 31, (hit_e, hit_a)


def test_bootstrap_with_covariates_matches_hessian_on_large_data():
    n = 5000
    rng = np.random.default_rng(11)
    z = pd.DataFrame({"sat": rng.normal(size=n)})
    T = np.linspace(27, 39, n)
    sim = simulate(BetaGeoFitter, BG, [0.6], z, T, 13, dropout=False)
    w = np.where(np.arange(n) % 4 == 0, 2.0, 1.0)  # weights count customers in the resampling
    m = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"], weights=w,
                            purchase_covariates=z)
    boot = m.bootstrap(25, seed=5)
    assert list(boot.columns) == ["r", "alpha", "a", "b", "purchase:sat"]
    se = np.sqrt(np.diag(m.full_variance_matrix_.to_numpy()))
    ratio = boot.std().to_numpy() / se
    assert np.all((ratio > 0.6) & (ratio < 1.6)), ratio
    est = np.r_[m.params_.to_numpy(), m.coefs_.to_numpy()]
    assert np.all(np.abs(boot.mean().to_numpy() - est) < se), (boot.mean(), est)


def test_samplers_of_every_model_match_closed_forms():
    # Gamma-Gamma: E[mean spend] = p gamma / (q - 1) for any frequency; recovery within 4 se
    gg = GammaGammaFitter()
    gg.params_ = GG
    f = np.tile([1.0, 2, 3, 5, 8], 4000)
    s = gg.generate_new_data(f, seed=3)
    m = s["monetary_value"].to_numpy()
    p, q, g = GG
    assert abs(m.mean() - p * g / (q - 1)) < 4 * m.std() / np.sqrt(len(m))
    fit = GammaGammaFitter().fit(s["frequency"], s["monetary_value"])
    assert np.all(np.abs(fit.params_.to_numpy() - GG) < 4 * fit.standard_errors_.to_numpy())
    # sBG: share churned by period n = 1 - B(alpha, beta + n) / B(alpha, beta)
    sbg = ShiftedBetaGeoFitter()
    sbg.params_ = [0.668, 3.806]
    d = sbg.generate_new_data(size=20000, n_periods=7, seed=1)
    surv = np.exp(sp.betaln(0.668, 3.806 + 7) - sp.betaln(0.668, 3.806))
    churned = d["churned"].mean()
    assert abs(churned - (1 - surv)) < 4 * np.sqrt(surv * (1 - surv) / 20000)
    assert set(d["periods"][d["churned"] == 0]) == {7.0}
    fit = ShiftedBetaGeoFitter().fit(d["periods"], d["churned"])
    assert np.all(np.abs(fit.params_.to_numpy() - [0.668, 3.806])
                  < 4 * fit.standard_errors_.to_numpy())
    boot = fit.bootstrap(10, seed=1)  # the fitted data travel with the sBG fitter too
    assert boot.shape == (10, 2)


def test_cli_intervals_clv_and_covariates(tmp_path):
    import io
    import json
    import os
    import pathlib
    import subprocess
    here = pathlib.Path(__file__).parents[2]
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", here / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    src = here / "tests" / "data" / "cdnow" / "cdnow_customers_summary_with_transactions.csv"
    d = pd.read_csv(src)
    d["sat"] = np.sin(np.arange(len(d)))  # a covariate column joined to the summary
    path = tmp_path / "summary.csv"
    d.to_csv(path, index=False)
    run = lambda *a: subprocess.run([str(exe), "clv", *a, str(path)], capture_output=True,
                                    text=True, check=True).stdout
    out = pd.read_csv(io.StringIO(run("predict", "--model", "bgnbd", "--horizon", "39",
                                      "--intervals", "--level", "0.9", "--clv", "12",
                                      "--units-per-month", "4.345")))
    bg = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
    iv = bg.predict_interval(39, d["x"], d["t_x"], d["T"], level=0.9)
    np.testing.assert_allclose(out["expected_purchases"], iv["estimate"], rtol=1e-8)
    np.testing.assert_allclose(out["expected_purchases_se"], iv["se"], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(out["expected_purchases_upper"], iv["upper"], rtol=1e-8)
    pa = bg.probability_alive_interval(d["x"], d["t_x"], d["T"], level=0.9)
    np.testing.assert_allclose(out["p_alive_lower"], pa["lower"], rtol=1e-8)
    np.testing.assert_allclose(out["p_alive_upper"], pa["upper"], rtol=1e-8)
    rep = d[d["x"] > 0]
    gg = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    civ = gg.customer_lifetime_value_interval(bg, d["x"], d["t_x"], d["T"], d["zbar"], time=12,
                                              freq="W", level=0.9)
    np.testing.assert_allclose(out["clv"], civ["estimate"], rtol=1e-8)
    np.testing.assert_allclose(out["clv_lower"], civ["lower"], rtol=1e-8)
    fit = json.loads(run("fit", "--model", "pareto", "--json", "--purchase-covariates", "sat",
                         "--dropout-covariates", "sat"))
    pn = ParetoNBDFitter().fit(d["x"], d["t_x"], d["T"], purchase_covariates=d["sat"],
                               dropout_covariates=d["sat"])
    np.testing.assert_allclose(fit["coefs"], pn.coefs_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fit["coef_stderr"], pn.coef_standard_errors_, rtol=1e-6)
    # bootstrap percentile intervals: the draws of the Python API (same seed), quantiles by numpy
    fit = json.loads(run("fit", "--model", "bgnbd", "--json", "--bootstrap", "30", "--seed", "3",
                         "--level", "0.9"))
    draws = bg.bootstrap(30, seed=3).to_numpy()
    np.testing.assert_allclose(fit["bootstrap"]["lower"], np.quantile(draws, 0.05, axis=0),
                               rtol=1e-9)
    np.testing.assert_allclose(fit["bootstrap"]["upper"], np.quantile(draws, 0.95, axis=0),
                               rtol=1e-9)
    est = np.array(list(fit["params"].values()))
    assert np.all(np.array(fit["bootstrap"]["lower"]) < est)
    assert np.all(est < np.array(fit["bootstrap"]["upper"]))
    bad = subprocess.run([str(exe), "clv", "fit", "--model", "bgnbd", "--purchase-covariates",
                          "nope", str(path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "missing covariate column nope" in bad.stderr


def bgbb_palive(p, m, x, tx, n):
    """BG/BB P(alive at opportunity n + m) (Fader, Hardie & Shang 2010) with scipy's betaln."""
    a, b, g, d = p
    lb = lambda u, v: sp.betaln(u, v)
    L = np.exp(lb(a + x, b + n - x) - lb(a, b) + lb(g, d + n) - lb(g, d))
    for i in range(int(n - tx)):
        L += np.exp(lb(a + x, b + tx - x + i) - lb(a, b) + lb(g + 1, d + tx + i) - lb(g, d))
    return np.exp(lb(a + x, b + n - x) - lb(a, b) + lb(g, d + n + m) - lb(g, d)) / L


def test_bgbb_intervals_equal_numpy_differences():
    from cxkit.clv import BetaGeoBetaBinomFitter
    don = pd.read_csv(pathlib.Path(__file__).parents[1] / "data" / "cdnow" / "donations.csv")
    m = BetaGeoBetaBinomFitter().fit(don.iloc[:, 0], don.iloc[:, 1], don.iloc[:, 2],
                                     weights=don.iloc[:, 3])
    x, tx, n = np.array([0.0, 3, 6]), np.array([0.0, 4, 6]), np.array([6.0, 6, 6])
    iv = m.probability_alive_interval(1, x, tx, n)
    p = m.params_.to_numpy()
    np.testing.assert_allclose(iv["estimate"], [bgbb_palive(p, 1, *r) for r in zip(x, tx, n)],
                               rtol=1e-10)
    se = numeric_se(lambda q: [bgbb_palive(q, 1, *r) for r in zip(x, tx, n)], p,
                    m.variance_matrix_.to_numpy())
    np.testing.assert_allclose(iv["se"], se, rtol=1e-4)
    bi = m.predict_interval(5, x, tx, n, method="bootstrap", n_boot=20, seed=1)
    di = m.predict_interval(5, x, tx, n)
    ratio = bi["se"].to_numpy() / di["se"].to_numpy()
    assert np.all((ratio > 0.4) & (ratio < 2.5)), ratio
