"""lifetimes drop-in compatibility of cxkit.clv.

1. lifetimes' documented Quickstart run as written with only the imports changed
   (``lifetimes`` -> ``cxkit.clv``), every printed value checked against the Quickstart's
   published output (lifetimes 0.11 docs, CDNOW and the example transaction log).
2. Every public name a lifetimes user touches (the table in docs/clv.md, "Switching from
   lifetimes"): fitter arguments in lifetimes' order, attributes, return types (Series indexed
   like Series input, numpy for arrays, float for scalars), utils, plotting, datasets,
   save_model / load_model.
3. The added computations against independent truth: Pareto/NBD conditional P(N(t) = n) sums
   to 1, has the C library's conditional mean and tends to the unconditional pmf; the tracking
   and alive-path functions against direct pandas counts; summaries with
   include_first_transaction and pandas' weeks against a pandas re-implementation of lifetimes'
   definitions.
"""
import inspect
import math

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit.clv import (BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter,
                       ModifiedBetaGeoFitter, ParetoNBDFitter)
from cxkit.clv.datasets import (load_cdnow_summary, load_cdnow_summary_data_with_monetary_value,
                                load_donations, load_transaction_data)
from cxkit.clv.utils import (calibration_and_holdout_data, calculate_alive_path,
                             expected_cumulative_transactions,
                             summary_data_from_transaction_data)


@pytest.fixture(scope="module")
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


@pytest.fixture(scope="module")
def data():
    return load_cdnow_summary(index_col=[0])


@pytest.fixture(scope="module")
def bgf(data):
    return BetaGeoFitter(penalizer_coef=0.0).fit(data["frequency"], data["recency"], data["T"])


@pytest.fixture(scope="module")
def transaction_data():
    return load_transaction_data()


# ------------------------------------------------------------------------------------------
# 1. The Quickstart, as documented


def test_quickstart_bgnbd_on_cdnow(data, bgf, plt):
    assert data.index.name == "ID" and len(data) == 2357
    assert data.loc[1].tolist() == [2, 30.43, 38.86]
    assert repr(bgf) == ("<cxkit.clv.BetaGeoFitter: fitted with 2357 subjects, a: 0.79, "
                         "alpha: 4.41, b: 2.43, r: 0.24>")
    # bgf.summary as printed in the Quickstart (lifetimes' optimum agrees to ~1e-6)
    want = pd.DataFrame({"coef": [0.242593, 4.413532, 0.792886, 2.425752],
                         "se(coef)": [0.012557, 0.378221, 0.185719, 0.705345],
                         "lower 95% bound": [0.217981, 3.672218, 0.428877, 1.043276],
                         "upper 95% bound": [0.267205, 5.154846, 1.156895, 3.808229]},
                        index=["r", "alpha", "a", "b"])
    assert list(bgf.summary.columns) == list(want.columns)
    np.testing.assert_allclose(bgf.summary.to_numpy(), want.to_numpy(), rtol=0, atol=3e-6)

    from cxkit.clv.plotting import plot_frequency_recency_matrix, plot_probability_alive_matrix
    for fn in (plot_frequency_recency_matrix, plot_probability_alive_matrix):
        fig = plt.figure()
        ax = fn(bgf)
        assert ax.get_images()[0].get_array().shape == (39, 30)  # recency 0..38, freq 0..29
        plt.close(fig)

    d = data.copy()
    d["predicted_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
        1, d["frequency"], d["recency"], d["T"])
    top = d.sort_values(by="predicted_purchases").tail(5)
    assert top.index.tolist() == [509, 841, 1981, 157, 1516]
    np.testing.assert_allclose(top["predicted_purchases"],
                               [0.424877, 0.474738, 0.486526, 0.662396, 0.710623], atol=2e-6)

    from cxkit.clv.plotting import plot_period_transactions
    fig = plt.figure()
    ax = plot_period_transactions(bgf)
    assert len(ax.containers) == 2
    plt.close(fig)


def test_quickstart_transactions_holdout_and_history(transaction_data, plt):
    assert transaction_data.head().to_dict("list") == {
        "date": ["2014-03-08 00:00:00", "2014-05-21 00:00:00", "2014-03-14 00:00:00",
                 "2014-04-09 00:00:00", "2014-05-21 00:00:00"], "id": [0, 1, 2, 2, 2]}
    summary = summary_data_from_transaction_data(transaction_data, "id", "date",
                                                 observation_period_end="2014-12-31")
    assert summary.index.name == "id" and summary.index[:5].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(summary.head().to_numpy(),
                                  [[0, 0, 298], [0, 0, 224], [6, 142, 292], [0, 0, 147],
                                   [2, 9, 183]])
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    assert repr(bgf) == ("<cxkit.clv.BetaGeoFitter: fitted with 5000 subjects, a: 1.85, "
                         "alpha: 1.86, b: 3.18, r: 0.16>")

    cal = calibration_and_holdout_data(transaction_data, "id", "date",
                                       calibration_period_end="2014-09-01",
                                       observation_period_end="2014-12-31")
    assert list(cal.columns) == ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout",
                                 "duration_holdout"]
    np.testing.assert_array_equal(cal.head().to_numpy(),
                                  [[0, 0, 177, 0, 121], [0, 0, 103, 0, 121],
                                   [6, 142, 171, 0, 121], [0, 0, 26, 0, 121],
                                   [2, 9, 62, 0, 121]])
    # customers who first bought on the calibration end (T_cal = 0) are fitted, as lifetimes
    assert (cal["T_cal"] == 0).any()
    bgf.fit(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
    from cxkit.clv.plotting import (plot_calibration_purchases_vs_holdout_purchases,
                                    plot_history_alive)
    fig = plt.figure()
    ax = plot_calibration_purchases_vs_holdout_purchases(bgf, cal)
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [7, 7]
    plt.close(fig)

    individual = summary.iloc[20]  # predicted by the model fitted on the calibration period
    got = bgf.predict(10, individual["frequency"], individual["recency"], individual["T"])
    assert isinstance(got, float)
    assert got == pytest.approx(0.0576511, abs=1e-7)

    sp_trans = transaction_data.loc[transaction_data["id"] == 35]
    fig = plt.figure()
    ax = plot_history_alive(bgf, 200, sp_trans, "date")
    assert len(ax.get_lines()[0].get_xdata()) == 201
    plt.close(fig)


def test_quickstart_gamma_gamma_and_clv(bgf):
    summary_with_money_value = load_cdnow_summary_data_with_monetary_value()
    returning = summary_with_money_value[summary_with_money_value["frequency"] > 0]
    assert returning.index.name == "customer_id" and len(returning) == 946
    assert returning[["monetary_value", "frequency"]].corr().iloc[0, 1] == \
        pytest.approx(0.113884, abs=1e-6)
    ggf = GammaGammaFitter(penalizer_coef=0)
    ggf.fit(returning["frequency"], returning["monetary_value"])
    assert repr(ggf) == "<cxkit.clv.GammaGammaFitter: fitted with 946 subjects, p: 6.25, " \
                        "q: 3.74, v: 15.45>"
    profit = ggf.conditional_expected_average_profit(summary_with_money_value["frequency"],
                                                     summary_with_money_value["monetary_value"])
    assert isinstance(profit, pd.Series) and profit.index.equals(summary_with_money_value.index)
    np.testing.assert_allclose(profit.head(10), [24.658619, 18.911489, 35.170981, 35.170981,
                                                 35.170981, 71.462843, 18.911489, 35.170981,
                                                 27.282408, 35.170981], rtol=1e-6)
    assert profit.mean() == pytest.approx(35.2529588256, rel=1e-7)
    assert returning["monetary_value"].mean() == pytest.approx(35.078551797, rel=1e-9)

    b = BetaGeoFitter().fit(summary_with_money_value["frequency"],
                            summary_with_money_value["recency"], summary_with_money_value["T"])
    clv = ggf.customer_lifetime_value(b, summary_with_money_value["frequency"],
                                      summary_with_money_value["recency"],
                                      summary_with_money_value["T"],
                                      summary_with_money_value["monetary_value"], time=12,
                                      discount_rate=0.01)
    assert clv.name == "clv" and clv.index.equals(summary_with_money_value.index)
    np.testing.assert_allclose(clv.head(10), [140.096211, 18.943467, 38.180574, 38.180574,
                                              38.180574, 1003.868107, 28.109683, 38.180574,
                                              167.418216, 38.180574], rtol=1e-6)


# ------------------------------------------------------------------------------------------
# 2. The table of names

# Positional / keyword parameters of lifetimes 0.11 (self omitted) that cxkit must accept in
# the same order (cxkit may add parameters after them).
SIGNATURES = {
    (BetaGeoFitter, "fit"): ["frequency", "recency", "T", "weights", "initial_params",
                             "verbose", "tol", "index"],
    (ModifiedBetaGeoFitter, "fit"): ["frequency", "recency", "T", "weights", "initial_params",
                                     "verbose", "tol", "index"],
    (ParetoNBDFitter, "fit"): ["frequency", "recency", "T", "weights", "iterative_fitting",
                               "initial_params", "verbose", "tol", "index", "fit_method",
                               "maxiter"],
    (BetaGeoBetaBinomFitter, "fit"): ["frequency", "recency", "n_periods", "weights",
                                      "verbose", "tol", "iterative_fitting", "index",
                                      "fit_method", "maxiter", "initial_params"],
    (GammaGammaFitter, "fit"): ["frequency", "monetary_value", "weights", "initial_params",
                                "verbose", "tol", "index", "q_constraint"],
    (BetaGeoFitter, "conditional_expected_number_of_purchases_up_to_time"):
        ["t", "frequency", "recency", "T"],
    (BetaGeoFitter, "conditional_probability_alive"): ["frequency", "recency", "T"],
    (BetaGeoFitter, "conditional_probability_alive_matrix"): ["max_frequency", "max_recency"],
    (BetaGeoFitter, "expected_number_of_purchases_up_to_time"): ["t"],
    (BetaGeoFitter, "probability_of_n_purchases_up_to_time"): ["t", "n"],
    (BetaGeoFitter, "generate_new_data"): ["size"],
    (ParetoNBDFitter, "conditional_probability_of_n_purchases_up_to_time"):
        ["n", "t", "frequency", "recency", "T"],
    (BetaGeoBetaBinomFitter, "conditional_expected_number_of_purchases_up_to_time"):
        ["m_periods_in_future", "frequency", "recency", "n_periods"],
    (BetaGeoBetaBinomFitter, "conditional_probability_alive"):
        ["m_periods_in_future", "frequency", "recency", "n_periods"],
    (BetaGeoBetaBinomFitter, "expected_number_of_transactions_in_first_n_periods"): ["n"],
    (GammaGammaFitter, "conditional_expected_average_profit"): ["frequency", "monetary_value"],
    (GammaGammaFitter, "customer_lifetime_value"):
        ["transaction_prediction_model", "frequency", "recency", "T", "monetary_value", "time",
         "discount_rate", "freq"],
    (BetaGeoFitter, "save_model"): ["path", "save_data"],
    (BetaGeoFitter, "load_model"): ["path"],
}

DEFAULTS = {
    (GammaGammaFitter, "customer_lifetime_value"): {"time": 12, "discount_rate": 0.01,
                                                    "freq": "D"},
    (BetaGeoFitter, "__init__"): {"penalizer_coef": 0.0},
}


@pytest.mark.parametrize("key", list(SIGNATURES), ids=lambda k: f"{k[0].__name__}.{k[1]}")
def test_method_signatures_follow_lifetimes(key):
    cls, name = key
    params = list(inspect.signature(getattr(cls, name)).parameters)[1:]
    assert params[:len(SIGNATURES[key])] == SIGNATURES[key]


def test_defaults_follow_lifetimes():
    for (cls, name), want in DEFAULTS.items():
        sig = inspect.signature(getattr(cls, name))
        assert {k: sig.parameters[k].default for k in want} == want


def test_module_functions_follow_lifetimes():
    import cxkit.clv.plotting as plotting
    import cxkit.clv.utils as utils
    names = {
        utils.summary_data_from_transaction_data:
            ["transactions", "customer_id_col", "datetime_col", "monetary_value_col",
             "datetime_format", "observation_period_end", "freq", "freq_multiplier",
             "include_first_transaction"],
        utils.calibration_and_holdout_data:
            ["transactions", "customer_id_col", "datetime_col", "calibration_period_end",
             "observation_period_end", "freq", "freq_multiplier", "datetime_format",
             "monetary_value_col", "include_first_transaction"],
        utils.calculate_alive_path: ["model", "transactions", "datetime_col", "t", "freq"],
        utils.expected_cumulative_transactions:
            ["model", "transactions", "datetime_col", "customer_id_col", "t", "datetime_format",
             "freq", "freq_multiplier", "set_index_date"],
        utils.customer_lifetime_value:
            ["transaction_prediction_model", "frequency", "recency", "T", "monetary_value",
             "time", "discount_rate", "freq"],
        plotting.plot_period_transactions: ["model", "max_frequency", "title", "xlabel",
                                            "ylabel"],
        plotting.plot_calibration_purchases_vs_holdout_purchases:
            ["model", "calibration_holdout_matrix", "kind", "n"],
        plotting.plot_frequency_recency_matrix: ["model", "T", "max_frequency", "max_recency",
                                                 "title", "xlabel", "ylabel"],
        plotting.plot_probability_alive_matrix: ["model", "max_frequency", "max_recency",
                                                 "title", "xlabel", "ylabel"],
        plotting.plot_expected_repeat_purchases: ["model", "title", "xlabel", "ax", "label"],
        plotting.plot_history_alive: ["model", "t", "transactions", "datetime_col", "freq",
                                      "start_date", "ax"],
        plotting.plot_cumulative_transactions:
            ["model", "transactions", "datetime_col", "customer_id_col", "t", "t_cal",
             "datetime_format", "freq", "set_index_date", "title", "xlabel", "ylabel", "ax"],
        plotting.plot_incremental_transactions:
            ["model", "transactions", "datetime_col", "customer_id_col", "t", "t_cal",
             "datetime_format", "freq", "set_index_date", "title", "xlabel", "ylabel", "ax"],
        plotting.plot_transaction_rate_heterogeneity: ["model", "suptitle", "xlabel", "ylabel",
                                                       "suptitle_fontsize"],
        plotting.plot_dropout_rate_heterogeneity: ["model", "suptitle", "xlabel", "ylabel",
                                                   "suptitle_fontsize"],
    }
    for fn, want in names.items():
        assert list(inspect.signature(fn).parameters)[:len(want)] == want, fn.__name__
    sig = inspect.signature(utils.summary_data_from_transaction_data).parameters
    assert (sig["freq"].default, sig["freq_multiplier"].default,
            sig["include_first_transaction"].default) == ("D", 1, False)
    # lifetimes' module layout: from lifetimes.X import Y -> from cxkit.clv.X import Y
    from cxkit.clv import utils as u2  # noqa: F401
    from cxkit.clv.datasets import load_dataset  # noqa: F401
    from cxkit.clv.utils import ConvergenceError
    assert issubclass(ConvergenceError, cxkit.Error)


def test_fit_accepts_lifetimes_arguments_and_sets_attributes(data):
    f, r, T = data["frequency"], data["recency"], data["T"]
    for cls in (BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter):
        kw = dict(weights=None, initial_params=[1, 1, 1, 1], verbose=False, tol=1e-6,
                  index=None, maxiter=500)
        if cls is ParetoNBDFitter:
            kw.update(iterative_fitting=2, fit_method="Nelder-Mead")
        m = cls(penalizer_coef=0.0).fit(f, r, T, **kw)
        assert m.params_names == list(m.params_.index)
        assert list(m.data.columns) == ["frequency", "recency", "T", "weights"]
        assert m.data.index.equals(data.index) and (m.data["weights"] == 1).all()
        assert isinstance(m.params_, pd.Series)
        assert isinstance(m.variance_matrix_, pd.DataFrame)
        assert m.variance_matrix_.shape == (4, 4)
        assert list(m.confidence_intervals_.columns) == ["lower 95% bound", "upper 95% bound"]
        assert (m.standard_errors_ > 0).all()
        assert m._unload_params("r", "alpha") == [m.params_["r"], m.params_["alpha"]]
        assert m.params_["r"] == m._unload_params("r")[0]
        # lifetimes' minimised objective: the negative log-likelihood per customer (Pareto/NBD:
        # divided by the mean weight, here the sum)
        per = 1 if cls is ParetoNBDFitter else len(f)
        assert m._negative_log_likelihood_ == pytest.approx(-m.log_likelihood_ / per, rel=1e-12)
        assert m.predict == m.conditional_expected_number_of_purchases_up_to_time
    with pytest.raises(ValueError):
        BetaGeoFitter()._unload_params("r")
    assert repr(BetaGeoFitter()) == "<cxkit.clv.BetaGeoFitter>"
    # grouped data: weights count customers, data keeps them
    g = data.groupby(["frequency", "recency", "T"]).size().rename("w").reset_index()
    mw = BetaGeoFitter().fit(g["frequency"], g["recency"], g["T"], weights=g["w"])
    np.testing.assert_allclose(mw.params_, BetaGeoFitter().fit(
        data["frequency"], data["recency"], data["T"]).params_, rtol=1e-6)
    assert mw.data["weights"].sum() == len(data)
    # known parameters: lifetimes users assign params_ to predict (a dict or a Series)
    known = BetaGeoFitter()
    known.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    assert known.conditional_probability_alive(2, 30.43, 38.86) == pytest.approx(0.7266,
                                                                                abs=1e-4)


def test_return_types_follow_the_input(bgf, data):
    f, r, T = data["frequency"], data["recency"], data["T"]
    s = bgf.conditional_probability_alive(f, r, T)
    assert isinstance(s, pd.Series) and s.index.equals(data.index)
    a = bgf.conditional_probability_alive(f.to_numpy(), r.to_numpy(), T.to_numpy())
    assert type(a) is np.ndarray and a.shape == (len(data),)
    np.testing.assert_array_equal(a, s.to_numpy())
    one = bgf.conditional_probability_alive(2, 30.43, 38.86)
    assert isinstance(one, float) and one == s.loc[1]
    # scalars broadcast against arrays, as numpy does in lifetimes' formulas
    row = bgf.conditional_expected_number_of_purchases_up_to_time(39, np.arange(1, 4), 20.0, 38.0)
    assert row.shape == (3,)
    assert row[2] == bgf.predict(39, 3, 20.0, 38.0)
    # an array of horizons for one customer
    ts = bgf.predict(np.array([1.0, 10.0, 39.0]), 2, 30.43, 38.86)
    assert ts.shape == (3,) and ts[2] == bgf.predict(39, 2, 30.43, 38.86)
    assert isinstance(bgf.expected_number_of_purchases_up_to_time(39), float)
    e = bgf.expected_number_of_purchases_up_to_time(np.array([10.0, 39.0]))
    assert type(e) is np.ndarray and e.shape == (2,)
    assert isinstance(bgf.probability_of_n_purchases_up_to_time(39, 2), float)
    m = bgf.conditional_probability_alive_matrix()
    assert m.shape == (int(data["T"].max()) + 1, int(data["frequency"].max()) + 1)
    assert m[10, 0] == 1.0  # frequency 0: alive whatever the grid's recency
    # a customer of age 0 (first purchase on the last day): no history
    assert bgf.conditional_probability_alive(np.zeros(2), np.zeros(2), np.array([0, 5.0]))[0] \
        == 1.0
    assert bgf.predict(10, np.zeros(1), np.zeros(1), np.zeros(1))[0] == pytest.approx(
        bgf.expected_number_of_purchases_up_to_time(10), rel=1e-14)


def test_generate_new_data_uses_the_fitted_ages(bgf, data):
    sim = bgf.generate_new_data(size=len(data))
    np.testing.assert_array_equal(sim["T"], data["T"])
    assert {"frequency", "recency", "T", "alive"} <= set(sim.columns)
    assert (sim["recency"] <= sim["T"]).all()


def test_other_fitters_on_their_published_data():
    don = load_donations()
    assert don["weights"].sum() == 11104
    bb = BetaGeoBetaBinomFitter().fit(don["frequency"], don["recency"], don["periods"],
                                      weights=don["weights"])
    np.testing.assert_allclose(bb.params_, [1.204, 0.750, 0.657, 2.783], atol=6e-4)
    assert list(bb.params_.index) == ["alpha", "beta", "gamma", "delta"]
    p = bb.conditional_probability_alive(1, don["frequency"], don["recency"], don["periods"])
    assert isinstance(p, pd.Series) and p.index.equals(don.index)
    tab = bb.expected_number_of_transactions_in_first_n_periods(6)
    assert list(tab.columns) == ["model"] and tab.index.name == "frequency"
    assert tab["model"].sum() == pytest.approx(11104, rel=1e-9)
    d = load_cdnow_summary(index_col=[0])
    mb = ModifiedBetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    np.testing.assert_allclose(mb.params_, [0.525, 6.183, 0.891, 1.614], atol=6e-4)
    pn = ParetoNBDFitter().fit(d["frequency"], d["recency"], d["T"])
    np.testing.assert_allclose(pn.params_, [0.553, 10.578, 0.606, 11.669], atol=2e-3)


def test_save_and_load_model_with_lifetimes_arguments(bgf, tmp_path, data):
    path = tmp_path / "bgf.pkl"
    bgf.save_model(path, save_data=False, save_generate_data_method=False, values_to_save=None)
    back = BetaGeoFitter()
    back.load_model(path)
    pd.testing.assert_series_equal(back.params_, bgf.params_)
    assert back.predict(39, 2, 30.43, 38.86) == bgf.predict(39, 2, 30.43, 38.86)
    bgf.save_model(path)
    back = BetaGeoFitter().load_model(path)
    pd.testing.assert_frame_equal(back.summary, bgf.summary)


def test_clv_with_any_transaction_model_and_per_month_discounting(bgf, data):
    gg = GammaGammaFitter()
    gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
    d = load_cdnow_summary_data_with_monetary_value()
    d = d[d["frequency"] > 0].head(50)
    args = (d["frequency"], d["recency"], d["T"], d["monetary_value"])

    class Foreign:  # a transaction model that is not a cxkit fitter: only predict()
        def predict(self, t, frequency, recency, T):
            return bgf.predict(t, frequency, recency, T)

    for freq, per_month in (("W", 4.345), ("D", 30.0), ("H", 720.0), ("M", 1.0)):
        c = gg.customer_lifetime_value(bgf, *args, time=6, discount_rate=0.02, freq=freq)
        f = gg.customer_lifetime_value(Foreign(), *args, time=6, discount_rate=0.02, freq=freq)
        np.testing.assert_allclose(f, c, rtol=1e-12)
        # by hand: month k's expected purchases at the Gamma-Gamma mean spend, / 1.02^k
        spend = gg.conditional_expected_average_profit(d["frequency"], d["monetary_value"])
        want = sum(spend * (bgf.predict(k * per_month, *args[:3])
                            - bgf.predict((k - 1) * per_month, *args[:3])) / 1.02 ** k
                   for k in range(1, 7))
        np.testing.assert_allclose(c, want, rtol=1e-12)
    from cxkit.clv.utils import customer_lifetime_value
    # customers of age 0 (first purchase at the end): as new customers, the others unchanged
    born = gg.customer_lifetime_value(bgf, [0.0, 2.0], [0.0, 30.43], [0.0, 38.86],
                                      [20.0, 22.35], time=6, discount_rate=0.02, freq="W")
    new = sum(gg.conditional_expected_average_profit(0, 20.0)
              * (bgf.expected_number_of_purchases_up_to_time(k * 4.345)
                 - bgf.expected_number_of_purchases_up_to_time((k - 1) * 4.345)) / 1.02 ** k
              for k in range(1, 7))
    assert born[0] == pytest.approx(new, rel=1e-12)
    assert born[1] == gg.customer_lifetime_value(bgf, [2.0], [30.43], [38.86], [22.35], time=6,
                                                 discount_rate=0.02, freq="W")[0]
    raw = customer_lifetime_value(bgf, *args, time=6, discount_rate=0.02, freq="W")
    want = sum(d["monetary_value"] * (bgf.predict(k * 4.345, *args[:3])
                                      - bgf.predict((k - 1) * 4.345, *args[:3])) / 1.02 ** k
               for k in range(1, 7))
    np.testing.assert_allclose(raw, want, rtol=1e-12)
    assert raw.name == "clv" and raw.index.equals(d.index)


def test_convergence_error_is_raised_for_a_single_customer():
    from cxkit.clv.utils import ConvergenceError
    with pytest.raises(ConvergenceError):
        BetaGeoFitter().fit([3], [8], [10])


# ------------------------------------------------------------------------------------------
# 3. The added computations against independent truth


def test_pareto_conditional_pmf_sums_to_one_and_has_the_conditional_mean(data):
    pn = ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"])
    cases = [(0, 0.0, 38.86), (2, 30.43, 38.86), (10, 20.0, 38.0), (29, 37.71, 38.0)]
    n = np.arange(300)
    for x, tx, T in cases:
        p = np.array([pn.conditional_probability_of_n_purchases_up_to_time(k, 39, x, tx, T)
                      for k in n])
        assert p.min() >= 0 and p.sum() == pytest.approx(1, abs=1e-10)
        assert (n * p).sum() == pytest.approx(pn.predict(39, x, tx, T), rel=1e-9)
    # vectorised over customers, Series in -> Series out
    s = pn.conditional_probability_of_n_purchases_up_to_time(1, 39, data["frequency"],
                                                             data["recency"], data["T"])
    assert isinstance(s, pd.Series) and s.index.equals(data.index)
    assert s.loc[1] == pytest.approx(
        pn.conditional_probability_of_n_purchases_up_to_time(1, 39, 2, 30.43, 38.86), rel=1e-12)
    # a customer seen for an instant is a new customer: the C library's unconditional pmf
    for k in range(4):
        got = pn.conditional_probability_of_n_purchases_up_to_time(k, 39, 0, 0, 1e-9)
        assert got == pytest.approx(pn.probability_of_n_purchases_up_to_time(39, k), rel=1e-6)
    assert pn.conditional_probability_of_n_purchases_up_to_time(0, 0, 2, 30.43, 38.86) == 1.0


def test_customers_of_age_0_fit_and_get_dert_and_intervals(data):
    """Customers whose first purchase is at the observation end (T = 0): the C library takes
    them (likelihood 1: the fit is unchanged) and answers as for a new customer, DERT and
    intervals included."""
    from scipy.integrate import quad
    pn = ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"])
    zeros = pd.Series(np.zeros(5))
    pz = ParetoNBDFitter().fit(pd.concat([data["frequency"], zeros]),
                               pd.concat([data["recency"], zeros]), pd.concat([data["T"], zeros]))
    for k in pn.params_.index:
        assert pz.params_[k] == pytest.approx(pn.params_[k], rel=1e-12)
    r, alpha, s, beta = (pn.params_[k] for k in ("r", "alpha", "s", "beta"))
    d = 0.01  # per time unit: continuous rate ln(1.01)
    rate = np.log1p(d)
    want = quad(lambda t: np.exp(-rate * t) * r / alpha * (beta / (beta + t)) ** s, 0, np.inf,
                epsabs=0, epsrel=1e-12, limit=500)[0]
    got = pn.discounted_expected_residual_transactions(np.zeros(2), np.zeros(2),
                                                       np.array([0.0, 38.86]), d)
    assert got[0] == pytest.approx(want, rel=1e-9)
    for iv in (pn.discounted_expected_residual_transactions_interval(0, 0, 0, d),
               pn.predict_interval(39, 0, 0, 0), pn.probability_alive_interval(0, 0, 0)):
        row = iv.iloc[0]
        assert np.isfinite(row).all() and row["lower"] <= row["estimate"] <= row["upper"]
    assert pn.predict_interval(39, 0, 0, 0).iloc[0]["estimate"] == pytest.approx(
        pn.expected_number_of_purchases_up_to_time(39), rel=1e-12)
    assert pn.predict_interval(39, 0, 0, 0).iloc[0]["se"] > 0
    with pytest.raises(ValueError, match="T"):
        pn.predict(39, 1, 0, 0)
    sim = pz.generate_new_data(size=len(pz.data))  # the fitted ages, zeros included
    assert (sim["T"] == 0).sum() == 5 and (sim.loc[sim["T"] == 0, "frequency"] == 0).all()


def _pandas_summary(tx, freq, mult, end, include_first, money):
    """lifetimes' definitions written with pandas periods (independent of the C code)."""
    d = tx.copy()
    d["p"] = pd.to_datetime(d["date"]).dt.to_period(freq)
    end_p = pd.Timestamp(end).to_period(freq)
    d = d[d["p"] <= end_p]
    g = d.groupby(["id", "p"], as_index=False)[money].sum() if money else \
        d[["id", "p"]].drop_duplicates()
    g = g.sort_values(["id", "p"])
    first = g.groupby("id")["p"].transform("min")
    span = lambda a, b: np.array([(y - x).n for x, y in zip(a, b)], dtype=float)  # noqa: E731
    out = pd.DataFrame(index=pd.Index(sorted(g["id"].unique()), name="id"))
    out["frequency"] = g.groupby("id").size() - (0 if include_first else 1)
    last = g.groupby("id")["p"].max()
    firsts = g.groupby("id")["p"].min()
    out["recency"] = span(firsts, last) / mult
    out["T"] = span(firsts, [end_p] * len(firsts)) / mult
    if money:
        m = g if include_first else g[g["p"] != first]
        out["monetary_value"] = m.groupby("id")[money].mean().reindex(out.index).fillna(0)
    return out.astype(float)


def test_summaries_with_first_transaction_and_pandas_weeks(cdnow_elog):
    tx = cdnow_elog.rename(columns={"amount": "amount"})[["id", "date", "amount"]]
    end = "1997-09-30"
    for freq, mult, first in (("D", 7, True), ("W", 1, False), ("W", 1, True), ("D", 1, False)):
        got = summary_data_from_transaction_data(tx, "id", "date", "amount",
                                                 observation_period_end=end, freq=freq,
                                                 freq_multiplier=mult,
                                                 include_first_transaction=first)
        want = _pandas_summary(tx, freq, mult, end, first, "amount")
        np.testing.assert_array_equal(got.index, want.index)
        np.testing.assert_array_equal(got["frequency"], want["frequency"])
        np.testing.assert_allclose(got[["recency", "T"]], want[["recency", "T"]], atol=1e-12)
        np.testing.assert_allclose(got["monetary_value"], want["monetary_value"], rtol=1e-12,
                                   atol=1e-12)
    ch = calibration_and_holdout_data(tx, "id", "date", "1997-06-30", end, freq="W",
                                      monetary_value_col="amount",
                                      include_first_transaction=True)
    want = _pandas_summary(tx[pd.to_datetime(tx["date"]) <= "1997-06-30"], "W", 1,
                           "1997-06-30", True, "amount")
    np.testing.assert_array_equal(ch["frequency_cal"], want["frequency"])
    np.testing.assert_allclose(ch["monetary_value_cal"], want["monetary_value"], rtol=1e-12)
    weeks = (pd.Period(end, "W") - pd.Period("1997-06-30", "W")).n
    assert (ch["duration_holdout"] == weeks).all()


def test_expected_cumulative_transactions_against_direct_counts(transaction_data):
    summary = summary_data_from_transaction_data(transaction_data, "id", "date",
                                                 observation_period_end="2014-12-31")
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    t = 364
    got = expected_cumulative_transactions(bgf, transaction_data, "date", "id", t, freq="D",
                                           freq_multiplier=7)
    assert list(got.columns) == ["actual", "predicted"] and len(got) == 52
    day = pd.to_datetime(transaction_data["date"]).dt.normalize()
    start = day.min()
    per = transaction_data.assign(k=(day - start).dt.days)[["id", "k"]].drop_duplicates()
    first = per.groupby("id")["k"].min()
    repeat = per[per["k"] > per["id"].map(first)]
    for j in (1, 10, 52):
        i = 7 * j
        assert got["actual"].iloc[j - 1] == (repeat["k"] < i).sum()
        born = first[first < i]
        want = sum(bgf.expected_number_of_purchases_up_to_time((i - k) / 7) for k in born)
        assert got["predicted"].iloc[j - 1] == pytest.approx(want, rel=1e-10)
    dated = expected_cumulative_transactions(bgf, transaction_data, "date", "id", t, freq="D",
                                             freq_multiplier=7, set_index_date=True)
    assert str(dated.index[0]) == str((start + pd.Timedelta(days=6)).date())
    np.testing.assert_array_equal(dated.to_numpy(), got.to_numpy())


def test_calculate_alive_path_against_direct_calls(transaction_data):
    summary = summary_data_from_transaction_data(transaction_data, "id", "date",
                                                 observation_period_end="2014-12-31")
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    one = transaction_data[transaction_data["id"] == 2]  # days 0, 26, 74, ... after the first
    path = calculate_alive_path(bgf, one, "date", 200)
    days = np.unique((pd.to_datetime(one["date"]) - pd.to_datetime(one["date"]).min()).dt.days)
    assert len(path) == max(201, days.max() + 1) and path.iloc[0] == 1.0
    for age in (1, 30, 100, 200):
        seen = days[days <= age]
        want = bgf.conditional_probability_alive(len(seen) - 1, float(seen.max()), float(age))
        assert path.loc[age] == pytest.approx(want, rel=1e-14)


def test_every_plot_draws(plt, transaction_data, data):
    from cxkit.clv import plotting
    summary = summary_data_from_transaction_data(transaction_data, "id", "date",
                                                 observation_period_end="2014-12-31")
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    pn = ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"])
    cal = calibration_and_holdout_data(transaction_data, "id", "date", "2014-09-01",
                                       "2014-12-31")
    calls = [
        lambda: plotting.plot_expected_repeat_purchases(bgf, label="BG/NBD"),
        lambda: plotting.plot_cumulative_transactions(bgf, transaction_data, "date", "id", 364,
                                                      243, freq="D"),
        lambda: plotting.plot_incremental_transactions(bgf, transaction_data, "date", "id",
                                                       364, 243, set_index_date=True),
        lambda: plotting.plot_transaction_rate_heterogeneity(bgf),
        lambda: plotting.plot_dropout_rate_heterogeneity(bgf),
        lambda: plotting.plot_dropout_rate_heterogeneity(pn),
        lambda: plotting.plot_calibration_purchases_vs_holdout_purchases(
            bgf, cal, kind="time_since_last_purchase"),
        lambda: plotting.plot_frequency_recency_matrix(pn, T=5, max_frequency=10,
                                                       max_recency=20, title="x"),
    ]
    for call in calls:
        fig = plt.figure()
        ax = call()
        assert ax.has_data()
        plt.close("all")
    fig = plt.figure()
    ax = plotting.plot_transaction_rate_heterogeneity(bgf)
    r, alpha = bgf._unload_params("r", "alpha")
    assert ax.get_title() == f"mean: {r / alpha:.3f}, var: {r / alpha ** 2:.3f}"
    plt.close("all")
    with pytest.raises(ValueError):
        plotting.plot_calibration_purchases_vs_holdout_purchases(bgf, cal, kind="nope")
    del fig
    assert math.isfinite(bgf._negative_log_likelihood_)


@pytest.mark.parametrize("cls,name", [(BetaGeoFitter, "bg_nll"), (ParetoNBDFitter, "pnbd_nll")])
def test_penalised_fits_minimise_lifetimes_objective(data, cls, name):
    """lifetimes' penalised objective, written out with scipy (times divided by max T; BG/NBD
    the mean over customers, Pareto/NBD the sum) and minimised independently: cxkit's
    penalised estimates are its minimum, reported in the data's time unit."""
    from scipy import optimize
    import test_clv
    nll = getattr(test_clv, name)
    x, tx, T = (data[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    pen, s = 0.01, T.max()
    per = len(x) if cls is BetaGeoFitter else 1.0

    def objective(lp):
        return nll(lp, x, tx / s, T / s) / per + pen * np.sum(np.exp(lp) ** 2)

    res = optimize.minimize(objective, np.zeros(4), method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=20000, maxfev=40000))
    res = optimize.minimize(objective, res.x, method="BFGS", options=dict(gtol=1e-9))
    want = np.exp(res.x)
    want[1] *= s
    if cls is ParetoNBDFitter:
        want[3] *= s
    m = cls(penalizer_coef=pen).fit(data["frequency"], data["recency"], data["T"])
    np.testing.assert_allclose(m.params_, want, rtol=2e-4)
    assert m._negative_log_likelihood_ <= res.fun + 1e-9 * abs(res.fun)
    # the natural-unit model predicts as a model given those parameters by hand
    known = cls()
    known.params_ = m.params_
    assert m.predict(10, 2, 30.43, 38.86) == pytest.approx(known.predict(10, 2, 30.43, 38.86),
                                                           rel=1e-12)
    assert m.conditional_probability_alive(2, 30.43, 38.86) == pytest.approx(
        known.conditional_probability_alive(2, 30.43, 38.86), rel=1e-12)
    assert m.expected_number_of_purchases_up_to_time(39) == pytest.approx(
        known.expected_number_of_purchases_up_to_time(39), rel=1e-12)
    # log-likelihood in the data's unit: that of the known model on the data
    assert m.log_likelihood_ == pytest.approx(
        -test_clv.bg_nll(np.log(m.params_.to_numpy()), x, tx, T) if cls is BetaGeoFitter
        else -test_clv.pnbd_nll(np.log(m.params_.to_numpy()), x, tx, T), rel=1e-10)
    # standard errors scale with the time unit: alpha's relative error is unit-free
    assert m.standard_errors_["alpha"] / m.params_["alpha"] > 0
    iv = m.predict_interval(10, [2.0], [30.43], [38.86])
    assert iv["lower"].iloc[0] < iv["estimate"].iloc[0] < iv["upper"].iloc[0]
    gg = GammaGammaFitter()
    gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
    np.testing.assert_allclose(
        gg.customer_lifetime_value(m, [2.0], [30.43], [38.86], [22.35], freq="W"),
        gg.customer_lifetime_value(known, [2.0], [30.43], [38.86], [22.35], freq="W"),
        rtol=1e-12)
    sim = m.generate_new_data(size=200, T=38.86, seed=3)
    assert (sim["recency"] <= sim["T"] + 1e-12).all() and sim["recency"].max() > 1
