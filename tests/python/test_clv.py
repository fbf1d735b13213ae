"""cxkit.clv against independent truth: scipy optimisation of the closed-form likelihoods, scipy
numerical integration, a pandas re-implementation of lifetimes' summary definitions, and the
published CDNOW / donations estimates."""
import math
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, special as sp

import cxkit
from cxkit.clv import (BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter,
                       ModifiedBetaGeoFitter, ParetoNBDFitter, ShiftedBetaGeoFitter,
                       calibration_and_holdout_data, compress_rows, fit_dask,
                       summary_data_from_transaction_data)

DATA = pathlib.Path(__file__).parents[1] / "data" / "cdnow"


@pytest.fixture(scope="module")
def cdnow():
    d = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    return d.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def elog(cdnow_elog):
    return cdnow_elog


def bg_nll(lp, x, tx, T):
    r, a, A, B = np.exp(lp)
    A1 = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(a)
    A2 = sp.gammaln(A + B) + sp.gammaln(B + x) - sp.gammaln(B) - sp.gammaln(A + B + x)
    A3 = -(r + x) * np.log(a + T)
    A4 = np.where(x > 0, np.log(A) - np.log(np.maximum(B + x - 1, 1e-300))
                  - (r + x) * np.log(a + tx), -np.inf)
    return -(A1 + A2 + np.logaddexp(A3, A4)).sum()


def pnbd_nll(lp, x, tx, T):
    """Pareto/NBD with scipy's hyp2f1 on the branch of Fader & Hardie's note 008."""
    r, a, s, b = np.exp(lp)
    k = r + s + x
    if a >= b:
        F = lambda y: sp.hyp2f1(k, s + 1, k + 1, (a - b) / (a + y)) / (a + y) ** k
    else:
        F = lambda y: sp.hyp2f1(k, r + x, k + 1, (b - a) / (b + y)) / (b + y) ** k
    A0 = F(tx) - F(T)
    return -(sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(a) + s * np.log(b)
             + np.log((a + T) ** (-(r + x)) * (b + T) ** (-s) + s / k * A0)).sum()


def scipy_fit(nll, x, tx, T):
    res = optimize.minimize(nll, np.zeros(4), args=(x, tx, T), method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-10, maxiter=20000, maxfev=40000))
    res = optimize.minimize(nll, res.x, args=(x, tx, T), method="BFGS", options=dict(gtol=1e-8))
    return np.exp(res.x), -res.fun


@pytest.mark.parametrize("cls,nll,published,ll_pub", [
    (BetaGeoFitter, bg_nll, [0.243, 4.414, 0.793, 2.426], -9582.4),
    (ParetoNBDFitter, pnbd_nll, [0.553, 10.578, 0.606, 11.669], -9595.0),
])
def test_cdnow_fit_reaches_the_scipy_optimum(cdnow, cls, nll, published, ll_pub):
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    m = cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    ref_p, ref_ll = scipy_fit(nll, x, tx, T)
    # our optimum is at least as high as scipy's, and the same point to 6 significant digits
    assert m.log_likelihood_ >= ref_ll - 1e-8
    np.testing.assert_allclose(m.params_.to_numpy(), ref_p, rtol=2e-6)
    np.testing.assert_allclose(m.params_.to_numpy(), published, rtol=2e-3)
    assert round(m.log_likelihood_, 1) == pytest.approx(ll_pub, abs=0.051)
    # the C log-likelihood per row agrees with the closed form
    assert -nll(np.log(m.params_.to_numpy()), x, tx, T) == pytest.approx(m.log_likelihood_,
                                                                           rel=1e-12)


def pnbd_quad(p, x, tx, T):
    """log-likelihood and P(alive) by the quadrature form of REFERENCE.md 5.1 (scipy quad),
    scaled by the integrand's value at tx so that nothing underflows at high frequency."""
    r, a, s, b = p
    logf = lambda y: -(r + x) * math.log(a + y) - (s + 1) * math.log(b + y)
    I = integrate.quad(lambda y: math.exp(logf(y) - logf(tx)), tx, T, epsabs=0, epsrel=1e-13,
                       limit=200)[0]
    log_alive = -(r + x) * math.log(a + T) - s * math.log(b + T)
    log_dead = math.log(s) + logf(tx) + math.log(I) if I > 0 else -math.inf
    log_bracket = np.logaddexp(log_alive, log_dead)
    ll = (sp.gammaln(r + x) - sp.gammaln(r) + r * math.log(a) + s * math.log(b) + log_bracket)
    return ll, math.exp(log_alive - log_bracket)


CASES = [(0, 0, 38.86), (2, 30.43, 38.86), (26, 30.86, 31), (10, 5, 38), (160, 38, 39),
         (250, 38, 39), (300, 20, 39), (600, 38.9, 39), (2000, 38.99, 39)]


@pytest.mark.parametrize("params", [[0.553, 10.578, 0.606, 11.669], [0.9, 25.0, 1.7, 3.0],
                                    [0.4, 0.05, 2.0, 80.0]])
def test_pareto_likelihood_and_palive_equal_numerical_integration(params):
    """Both branches of the hypergeometric form, z near 1, and frequencies far beyond where
    lifetimes overflows (lifetimes#25) or CLVTools returns NaN (CLVTools#100)."""
    m = ParetoNBDFitter()
    m.params_ = params
    x, tx, T = (np.array(c, dtype=float) for c in zip(*CASES))
    ll = cxkit.core.cx_clv_b_rows(len(x), m._model, 0, 0.0, x, tx, T)
    pa = m.conditional_probability_alive(x, tx, T)
    for i, case in enumerate(CASES):
        want_ll, want_pa = pnbd_quad(params, *case)
        assert ll[i] == pytest.approx(want_ll, rel=1e-10), case
        assert pa[i] == pytest.approx(want_pa, rel=1e-8, abs=1e-300), case


def test_predictions_match_reference_and_integration():
    bg = BetaGeoFitter()
    bg.params_ = [0.243, 4.414, 0.793, 2.426]
    assert bg.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86) == \
        pytest.approx(1.226028, rel=1e-6)
    assert bg.conditional_probability_alive(2, 30.43, 38.86) == pytest.approx(0.7266, abs=1e-4)
    # E[X(t)] by integrating t * pmf is the closed form; pmf sums to 1
    pmf = bg.probability_of_n_purchases_up_to_time(39, np.arange(300))
    assert pmf.sum() == pytest.approx(1, abs=1e-9)
    assert (np.arange(300) * pmf).sum() == pytest.approx(
        bg.expected_number_of_purchases_up_to_time(39), rel=1e-7)

    pn = ParetoNBDFitter()
    pn.params_ = [0.553, 10.578, 0.606, 11.669]
    assert pn.conditional_expected_number_of_purchases_up_to_time(52, 26, 30.86, 31) == \
        pytest.approx(25.4585, abs=1e-4)
    # DERT against scipy integration of the stable form (REFERENCE.md 5.1)
    delta = 0.0027
    r, a, s, b = pn.params_
    pa = pn.conditional_probability_alive(2, 30.43, 38.86)
    I = integrate.quad(lambda u: math.exp(-delta * u) * ((b + 38.86) / (b + 38.86 + u)) ** s,
                       0, np.inf, epsrel=1e-12)[0]
    want = pa * (r + 2) / (a + 38.86) * I
    got = pn.discounted_expected_residual_transactions(2, 30.43, 38.86, math.expm1(delta))
    assert got == pytest.approx(want, rel=1e-9)
    assert got == pytest.approx(6.4838, abs=1e-4)
    # P(X(t) = n) against scipy integration of the generative story
    t, n = 39.0, 3
    nbd = lambda tau: math.exp(sp.gammaln(r + n) - sp.gammaln(r) - sp.gammaln(n + 1)
                               + r * math.log(a / (a + tau)) + n * math.log(tau / (a + tau)))
    want = nbd(t) * (b / (b + t)) ** s + integrate.quad(
        lambda tau: nbd(tau) * s * b ** s * (b + tau) ** (-(s + 1)), 0, t, epsrel=1e-12)[0]
    assert pn.probability_of_n_purchases_up_to_time(t, n) == pytest.approx(want, rel=1e-9)


def test_mbgnbd_gamma_gamma_and_bgbb_published(cdnow):
    m = ModifiedBetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    np.testing.assert_allclose(m.params_, [0.525, 6.183, 0.891, 1.614], rtol=3e-3)
    rep = cdnow[cdnow["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    np.testing.assert_allclose(gg.params_, [6.25, 3.74, 15.44], rtol=2e-3)
    # Hardie's spreadsheet conditional means of the first 10 CDNOW customers
    first = cdnow.head(10)
    got = gg.conditional_expected_average_profit(first["frequency"], first["monetary_value"])
    np.testing.assert_allclose(got, [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17,
                                     27.28, 35.17], atol=0.01)
    don = pd.read_csv(DATA / "donations.csv")
    bb = BetaGeoBetaBinomFitter().fit(don["frequency"], don["recency"], don["periods"],
                                      weights=don["weights"])
    np.testing.assert_allclose(bb.params_, [1.204, 0.750, 0.657, 2.783], rtol=2e-3)
    assert bb.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    pa = bb.conditional_probability_alive(1, [0, 2, 6], [0, 4, 6], [6, 6, 6])
    np.testing.assert_allclose(pa, [0.11, 0.59, 0.93], atol=0.005)
    # sum over donors of conditional expected transactions in the next 5 periods
    e = bb.conditional_expected_number_of_purchases_up_to_time(5, don["frequency"],
                                                               don["recency"], don["periods"])
    assert float((e * don["weights"]).sum()) == pytest.approx(12884.2, abs=2.0)
    # FHS 2010 / lifetimes: expected number of donors with 0 and 6 donations in 6 periods
    table = bb.expected_number_of_transactions_in_first_n_periods(6)
    assert table.loc[0, "model"] == pytest.approx(3454.9, abs=1.0)
    assert table.loc[6, "model"] == pytest.approx(1253.1, abs=1.0)
    assert table["model"].sum() == pytest.approx(11104, rel=1e-12)
    assert (table["model"] * table.index).sum() / 11104 == pytest.approx(
        bb.expected_number_of_purchases_up_to_time(6), rel=1e-10)


def test_sbg_matches_reference():
    m = ShiftedBetaGeoFitter()
    m.params_ = [0.704, 1.182]
    np.testing.assert_allclose(m.discounted_expected_residual_lifetime([0, 3], 0.10),
                               [3.695147, 4.870137], rtol=1e-6)
    # retention r_t = (beta + t - 1) / (alpha + beta + t - 1)
    t = np.array([1.0, 2, 5])
    np.testing.assert_allclose(m.retention_rate(t), (1.182 + t - 1) / (0.704 + 1.182 + t - 1),
                               rtol=1e-12)
    sim = ShiftedBetaGeoFitter()
    sim.params_ = [0.704, 1.182]
    d = cxkit.core.cx_clv_b_sample(3 * 20000, sim._model, np.full(20000, 12.0), 3)
    d = d.reshape(3, -1)
    fit = ShiftedBetaGeoFitter().fit(d[0], d[1])
    assert np.all(np.abs(fit.params_.to_numpy() - [0.704, 1.182])
                  < 4 * fit.standard_errors_.to_numpy())


def test_params_assignable_and_summary(cdnow):
    m = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    s = m.summary
    assert list(s.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert s.loc["r", "se(coef)"] == pytest.approx(0.0126, abs=5e-4)
    other = BetaGeoFitter()
    other.params_ = m.params_
    a = other.predict(10, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    b = m.predict(10, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    np.testing.assert_array_equal(a, b)
    assert isinstance(a, pd.Series)
    with pytest.raises(cxkit.InvalidArgument):
        other.params_ = [1, -1, 1, 1]


def test_bad_input_raises_named_errors():
    m = BetaGeoFitter()
    with pytest.raises(cxkit.InvalidArgument) as e:
        m.fit([1, 2], [5, 12], [10, 10])
    assert e.value.param == "recency"
    with pytest.raises(cxkit.InvalidArgument):
        m.fit([1.5], [2], [10])
    with pytest.raises(cxkit.InvalidArgument):
        m.fit([-1], [0], [10])
    with pytest.raises(cxkit.OutOfRange):
        m.fit([], [], [])
    with pytest.raises(cxkit.OutOfRange):
        m.fit([0, 0], [0, 0], [5, 6])
    with pytest.raises(cxkit.NotConverged):
        m.fit([3], [8], [10])
    with pytest.raises(cxkit.InvalidArgument):
        GammaGammaFitter().fit([1, 2], [10.0, -3.0])
    with pytest.raises(cxkit.InvalidArgument):
        m.fit([1, 2], [1, 2], [10])  # columns of different length


def test_summary_matches_cdnow_and_lifetimes_definitions(elog, cdnow):
    sm = summary_data_from_transaction_data(elog, "id", "date", "amount",
                                            observation_period_end="1997-09-30", freq="D",
                                            freq_multiplier=7)
    ref = cdnow.set_index("ID")
    sm = sm.loc[ref.index]
    np.testing.assert_array_equal(sm["frequency"], ref["frequency"])
    np.testing.assert_allclose(sm["recency"], ref["recency"], atol=0.005)
    np.testing.assert_allclose(sm["T"], ref["T"], atol=0.005)
    np.testing.assert_allclose(sm["monetary_value"], ref["monetary_value"], atol=0.0051)

    # holdout columns against a direct pandas computation of lifetimes' definitions
    ch = calibration_and_holdout_data(elog, "id", "date", "1997-09-30", "1998-06-30", freq="D",
                                      freq_multiplier=7, monetary_value_col="amount")
    cal_end, obs_end = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")
    h = elog[(elog["date"] > cal_end) & (elog["date"] <= obs_end)]
    freq_h = h.groupby("id")["date"].nunique()
    mon_h = h.groupby("id")["amount"].mean()
    ch = ch.loc[ref.index]
    np.testing.assert_array_equal(ch["frequency_holdout"], freq_h.reindex(ch.index).fillna(0))
    np.testing.assert_allclose(ch["monetary_value_holdout"], mon_h.reindex(ch.index).fillna(0))
    assert (ch["duration_holdout"] == 39).all()
    np.testing.assert_array_equal(ch["frequency_cal"], ref["frequency"])


def test_summary_on_generic_ids_and_update(elog):
    tx = pd.DataFrame({"cust": ["x", "y", "x", "x", "z"],
                       "when": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01 12:00",
                                               "2024-01-05", "2024-02-01"]),
                       "amt": [1.0, 2.0, 3.0, 4.0, 5.0]})
    sm = summary_data_from_transaction_data(tx, "cust", "when", "amt",
                                            observation_period_end="2024-01-10")
    assert list(sm.index) == ["x", "y"]
    assert sm.loc["x"].tolist() == [1.0, 4.0, 9.0, 4.0]
    assert sm.loc["y"].tolist() == [0.0, 0.0, 8.0, 0.0]


def test_compressed_weights_and_dask_equal_full_fit(cdnow):
    full = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    table = compress_rows(cdnow)
    assert len(table) < len(cdnow)
    small = BetaGeoFitter().fit(table["frequency"], table["recency"], table["T"],
                                weights=table["weights"])
    np.testing.assert_allclose(small.params_, full.params_, rtol=1e-9)
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(cdnow[["frequency", "recency", "T"]], npartitions=4)
    viad = fit_dask(BetaGeoFitter(), ddf)
    np.testing.assert_allclose(viad.params_, full.params_, rtol=1e-9)


def test_parameter_recovery_within_standard_errors():
    truth = BetaGeoFitter()
    truth.params_ = [0.243, 4.414, 0.793, 2.426]
    sim = truth.generate_new_data(size=20000, T=np.linspace(27, 39, 20000), seed=11)
    fit = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    z = (fit.params_ - truth.params_) / fit.standard_errors_
    assert np.all(np.abs(z) < 4)
    # the sampler's alive flag agrees on average with the model's P(alive)
    pa = fit.conditional_probability_alive(sim["frequency"], sim["recency"], sim["T"])
    assert abs(pa.mean() - sim["alive"].mean()) < 0.02


def test_customer_lifetime_value_matches_manual_sum(cdnow):
    bg = BetaGeoFitter()
    bg.params_ = [0.243, 4.414, 0.793, 2.426]
    gg = GammaGammaFitter()
    gg.params_ = [6.25, 3.74, 15.44]
    d = cdnow[cdnow["frequency"] > 0].head(20)
    clv = gg.customer_lifetime_value(bg, d["frequency"], d["recency"], d["T"],
                                     d["monetary_value"], time=3, discount_rate=0.01, freq="W")
    em = gg.conditional_expected_average_profit(d["frequency"], d["monetary_value"])
    want = 0
    prev = 0
    for k in (1, 2, 3):
        cur = bg.predict(4.345 * k, d["frequency"], d["recency"], d["T"])
        want = want + em * (cur - prev) / 1.01 ** k
        prev = cur
    np.testing.assert_allclose(clv, want, rtol=1e-12)


def test_plots_draw(cdnow):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cxkit.clv import (plot_calibration_purchases_vs_holdout_purchases,
                           plot_frequency_recency_matrix, plot_probability_alive_matrix)
    m = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for fn in (plot_frequency_recency_matrix, plot_probability_alive_matrix):
        fig = plt.figure()
        ax = fn(m, max_frequency=20, max_recency=39)
        assert ax.get_images()
        plt.close(fig)
    ch = pd.DataFrame({"frequency_cal": cdnow["frequency"], "recency_cal": cdnow["recency"],
                       "T_cal": cdnow["T"], "frequency_holdout": cdnow["frequency"] * 0.5,
                       "duration_holdout": 39.0})
    fig = plt.figure()
    ax = plot_calibration_purchases_vs_holdout_purchases(m, ch)
    assert len(ax.get_lines()) == 2
    plt.close(fig)


def test_cli_fit_predict_summary(tmp_path):
    import json
    import os
    import subprocess
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", pathlib.Path(__file__).parents[2] / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    summary = DATA / "cdnow_customers_summary_with_transactions.csv"
    out = subprocess.run([str(exe), "clv", "fit", "--model", "pareto", "--json", str(summary)],
                         capture_output=True, text=True, check=True).stdout
    fit = json.loads(out)
    assert fit["params"]["s"] == pytest.approx(0.60621383, rel=2e-6)
    assert fit["loglik"] == pytest.approx(-9594.973929826863, rel=1e-11)
    pred = subprocess.run([str(exe), "clv", "predict", "--model", "bgnbd", "--params",
                           "0.243,4.414,0.793,2.426", "--horizon", "39", str(summary)],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert pred[0] == "customer,p_alive,expected_purchases"
    first = pred[1].split(",")
    assert first[0] == "1"
    assert float(first[1]) == pytest.approx(0.7266, abs=1e-4)
    assert float(first[2]) == pytest.approx(1.226028, rel=1e-6)
    tx = tmp_path / "tx.csv"
    tx.write_text("customer,time,amount\na,2024-01-01,10\na,2024-01-03,5\nb,2024-01-02,7\n")
    s = subprocess.run([str(exe), "clv", "summary", str(tx), "--end", "2024-01-10"],
                       capture_output=True, text=True, check=True).stdout.splitlines()
    assert s == ["customer,frequency,recency,T,monetary_value", "a,1,2,9,5", "b,0,0,8,0"]
    bad = subprocess.run([str(exe), "clv", "fit", "--model", "bgnbd", str(tx)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "missing column" in bad.stderr


def test_cli_fits_its_own_summary_with_customers_of_age_0(tmp_path):
    """`cxkit clv summary` gives T = 0 to customers whose first purchase is at the end; `clv
    fit` takes them (likelihood 1: the same estimates as without them)."""
    import json
    import os
    import subprocess
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", pathlib.Path(__file__).parents[2] / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    tx = pd.read_csv(pathlib.Path(__file__).parents[2] / "bindings" / "python" / "cxkit" / "data"
                     / "example_transactions.csv")
    tx["date"] = tx["date"].str[:10]
    tx = tx[tx["date"] < "2014-12-31"]
    born = pd.DataFrame({"date": ["2014-12-31"] * 3, "id": [90001, 90002, 90003]})
    tx = pd.concat([tx, born]).rename(columns={"id": "customer", "date": "time"})
    tx["amount"] = 1.0
    path = tmp_path / "tx.csv"
    tx[["customer", "time", "amount"]].to_csv(path, index=False)
    out = subprocess.run([str(exe), "clv", "summary", str(path), "--end", "2014-12-31"],
                         capture_output=True, text=True, check=True).stdout
    (tmp_path / "s.csv").write_text(out)
    s = pd.read_csv(tmp_path / "s.csv")
    assert (s["T"] == 0).sum() == 3
    s[s["T"] > 0].to_csv(tmp_path / "s_without.csv", index=False)
    fits = [json.loads(subprocess.run([str(exe), "clv", "fit", "--model", "bgnbd", "--json",
                                       str(tmp_path / f)], capture_output=True, text=True,
                                      check=True).stdout) for f in ("s.csv", "s_without.csv")]
    assert fits[0]["loglik"] == pytest.approx(fits[1]["loglik"], rel=1e-12)
    for k, v in fits[1]["params"].items():
        assert fits[0]["params"][k] == pytest.approx(v, rel=1e-12)


def bg_cov_nll(theta, x, tx, T, z):
    """BG/NBD with alpha_i = alpha exp(-gp z), a_i = a exp(ga z), b_i = b exp(gb z)."""
    r, a0, A0, B0 = np.exp(theta[:4])
    gp, ga, gb = theta[4:]
    a, A, B = a0 * np.exp(-gp * z), A0 * np.exp(ga * z), B0 * np.exp(gb * z)
    A1 = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(a)
    A2 = sp.gammaln(A + B) + sp.gammaln(B + x) - sp.gammaln(B) - sp.gammaln(A + B + x)
    A3 = -(r + x) * np.log(a + T)
    A4 = np.where(x > 0, np.log(A) - np.log(np.maximum(B + x - 1, 1e-300))
                  - (r + x) * np.log(a + tx), -np.inf)
    return -(A1 + A2 + np.logaddexp(A3, A4)).sum()


def test_covariates_match_scipy_and_are_recovered():
    n = 3000
    rng = np.random.default_rng(7)
    sat = pd.DataFrame({"sat": rng.normal(size=n)})
    T = np.linspace(27, 39, n)
    truth = BetaGeoFitter()
    truth.params_ = [0.243, 4.414, 0.793, 2.426]
    truth._set_covariates(sat, sat, n)
    truth.coefs_ = [0.6, 0.4, -0.3]
    sim = truth.generate_new_data(size=n, T=T, seed=5)
    m = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"],
                            purchase_covariates=sat, dropout_covariates=sat)
    assert list(m.coefs_.index) == ["purchase:sat", "dropout_a:sat", "dropout_b:sat"]
    x, tx, TT, z = (sim["frequency"].to_numpy(), sim["recency"].to_numpy(), T,
                    sat["sat"].to_numpy())
    theta = np.r_[np.log(m.params_.to_numpy()), m.coefs_.to_numpy()]
    # the reported log-likelihood is the closed form at the estimates ...
    assert m.log_likelihood_ == pytest.approx(-bg_cov_nll(theta, x, tx, TT, z), rel=1e-10)
    # ... and scipy started elsewhere finds no better point
    res = optimize.minimize(bg_cov_nll, np.zeros(7), args=(x, tx, TT, z), method="BFGS",
                            options=dict(gtol=1e-6))
    assert -res.fun <= m.log_likelihood_ + 1e-6
    np.testing.assert_allclose(res.x, theta, atol=2e-3)
    z_scores = (m.coefs_.to_numpy() - [0.6, 0.4, -0.3]) / m.coef_standard_errors_.to_numpy()
    assert np.all(np.abs(z_scores) < 4)
    # predictions use each customer's own parameters
    e = m.predict(10, np.full(n, 2.0), np.full(n, 30.0), np.full(n, 39.0))
    gp, ga, gb = m.coefs_.to_numpy()
    r, a, A, B = m.params_.to_numpy()
    for i in (0, 17, n - 1):
        own = BetaGeoFitter()
        own.params_ = [r, a * np.exp(-gp * z[i]), A * np.exp(ga * z[i]), B * np.exp(gb * z[i])]
        assert e[i] == pytest.approx(own.predict(10, 2.0, 30.0, 39.0), rel=1e-12)


def test_pareto_covariates_zero_equal_plain_fit(cdnow):
    n = len(cdnow)
    plain = ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    withz = ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"],
                                  purchase_covariates=np.zeros((n, 1)))
    np.testing.assert_allclose(withz.params_, plain.params_, rtol=1e-5)
    assert withz.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-10)
    with pytest.raises(cxkit.InvalidArgument):
        withz.predict(10, [1.0], [2.0], [30.0])  # not the customers the covariates describe


def test_prediction_intervals_delta_and_bootstrap():
    truth = BetaGeoFitter()
    truth.params_ = [0.243, 4.414, 0.793, 2.426]
    sim = truth.generate_new_data(size=4000, T=np.linspace(27, 39, 4000), seed=2)
    m = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    x, tx, T = np.array([0.0, 2, 7]), np.array([0.0, 30.43, 20]), np.array([38.86, 38.86, 35])
    iv = m.predict_interval(39, x, tx, T)
    # delta method computed independently: numerical gradient in the natural parameters
    p0 = m.params_.to_numpy()
    V = m.variance_matrix_.to_numpy()
    g = np.empty((3, 4))
    for j in range(4):
        h = 1e-6 * p0[j]
        up, dn = p0.copy(), p0.copy()
        up[j] += h
        dn[j] -= h
        a, b = BetaGeoFitter(), BetaGeoFitter()
        a.params_, b.params_ = up, dn
        g[:, j] = (a.predict(39, x, tx, T) - b.predict(39, x, tx, T)) / (2 * h)
    se = np.sqrt(np.einsum("ij,jk,ik->i", g, V, g))
    np.testing.assert_allclose(iv["se"], se, rtol=1e-4)
    assert np.all(iv["lower"] < iv["estimate"]) and np.all(iv["estimate"] < iv["upper"])
    # the bootstrap agrees with the Hessian on well-specified data
    boot = m.bootstrap(60, seed=3)
    ratio = boot.std().to_numpy() / m.standard_errors_.to_numpy()
    assert np.all((ratio > 0.6) & (ratio < 1.6)), ratio
    bi = m.predict_interval(39, x, tx, T, method="bootstrap", n_boot=60, seed=3)
    assert np.all(bi["lower"] <= bi["estimate"] + 1e-12)
    assert np.all(bi["estimate"] <= bi["upper"] + 1e-12)
    np.testing.assert_array_equal(m.params_.to_numpy(), p0)  # draws did not leak into the model
    pa = m.probability_alive_interval(x, tx, T)
    assert pa["se"].iloc[0] == 0  # P(alive) is 1 for x = 0 whatever the parameters


def test_update_summary_equals_recompute(elog):
    from cxkit.clv import update_summary
    cut = pd.Timestamp("1997-06-30")
    early, late = elog[elog["date"] <= cut], elog[elog["date"] > cut]
    s = summary_data_from_transaction_data(early, "id", "date", "amount",
                                           observation_period_end=cut, freq="D",
                                           freq_multiplier=7)
    s = update_summary(s, late, "id", "date", "1997-09-30", monetary_value_col="amount")
    late = late[late["date"] <= pd.Timestamp("1997-09-30")]
    full = summary_data_from_transaction_data(pd.concat([early, late]), "id", "date", "amount",
                                              observation_period_end="1997-09-30", freq="D",
                                              freq_multiplier=7)
    pd.testing.assert_frame_equal(s.sort_index(), full.sort_index(), check_like=True)
