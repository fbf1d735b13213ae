"""Updating a saved RFM summary with new transactions, without the history: Python (a summary
read back from CSV), and the CLI (`cxkit clv summary --update`), against a recomputation from
the whole CDNOW log."""
import io
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit.clv import summary_data_from_transaction_data, update_summary

ROOT = pathlib.Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "cdnow"
CUT, END = pd.Timestamp("1997-06-30"), pd.Timestamp("1997-09-30")


@pytest.fixture(scope="module")
def elog(cdnow_elog):
    return cdnow_elog


def test_update_of_a_summary_read_from_csv_equals_recompute(elog, tmp_path):
    early, late = elog[elog["date"] <= CUT], elog[(elog["date"] > CUT) & (elog["date"] <= END)]
    s = summary_data_from_transaction_data(early, "id", "date", "amount",
                                           observation_period_end=CUT, freq="D",
                                           freq_multiplier=7)
    path = tmp_path / "summary.csv"
    s.round({"recency": 2, "T": 2}).to_csv(path)  # saved as people do, to 0.01 week
    saved = pd.read_csv(path, index_col="id")
    with pytest.raises(ValueError):  # the summary's own end is needed to rebuild it
        update_summary(saved, late, "id", "date", END, monetary_value_col="amount")
    got = update_summary(saved, late, "id", "date", END, monetary_value_col="amount",
                         observation_period_end=CUT, freq="D", freq_multiplier=7)
    full = summary_data_from_transaction_data(pd.concat([early, late]), "id", "date", "amount",
                                              observation_period_end=END, freq="D",
                                              freq_multiplier=7)
    got, full = got.sort_index(), full.sort_index()
    np.testing.assert_array_equal(got.index, full.index)
    np.testing.assert_array_equal(got["frequency"], full["frequency"])
    np.testing.assert_allclose(got[["recency", "T"]], full[["recency", "T"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["monetary_value"], full["monetary_value"], rtol=1e-12)
    bad = saved.copy()
    bad.loc[bad.index[0], "T"] += 0.1  # not on the grid of days
    with pytest.raises(cxkit.InvalidArgument) as e:
        update_summary(bad, late, "id", "date", END, monetary_value_col="amount",
                       observation_period_end=CUT, freq="D", freq_multiplier=7)
    assert e.value.param == "T"


def test_cli_summary_update_equals_recompute(elog, tmp_path):
    exe = pathlib.Path(os.environ.get("CX_BINARY_DIR", ROOT / "build")) / "cxkit"
    if not exe.exists():
        pytest.skip("cxkit CLI not built")
    tx = pd.DataFrame({"customer": elog["id"], "time": elog["date"].dt.strftime("%Y-%m-%d"),
                       "amount": elog["amount"]})
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    tx[elog["date"] <= CUT].to_csv(early, index=False)
    tx[elog["date"] > CUT].to_csv(late, index=False)
    allp = tmp_path / "all.csv"
    tx.to_csv(allp, index=False)
    run = lambda *a: subprocess.run([str(exe), "clv", "summary", *a], capture_output=True,
                                    text=True, check=True).stdout
    old = tmp_path / "old.csv"
    old.write_text(run(str(early), "--end", "1997-06-30", "--multiplier", "7"))
    upd = pd.read_csv(io.StringIO(run(str(late), "--end", "1997-09-30", "--multiplier", "7",
                                      "--update", str(old), "--summary-end", "1997-06-30")))
    full = pd.read_csv(io.StringIO(run(str(allp), "--end", "1997-09-30", "--multiplier", "7")))
    upd, full = upd.sort_values("customer"), full.sort_values("customer")
    np.testing.assert_array_equal(upd["customer"], full["customer"])
    np.testing.assert_allclose(upd[["frequency", "recency", "T", "monetary_value"]],
                               full[["frequency", "recency", "T", "monetary_value"]], rtol=1e-8)
    bad = subprocess.run([str(exe), "clv", "summary", str(late), "--end", "1997-09-30",
                          "--update", str(old)], capture_output=True, text=True)
    assert bad.returncode == 2 and "--summary-end" in bad.stderr


def test_dask_fit_with_covariates_equals_full_fit():
    dd = pytest.importorskip("dask.dataframe")
    from cxkit.clv import BetaGeoFitter, fit_dask
    n = 4000
    rng = np.random.default_rng(2)
    sat = pd.DataFrame({"sat": rng.integers(-1, 2, size=n).astype(float)})  # three levels
    T = np.round(rng.uniform(27, 39, size=n) * 7) / 7                      # whole days
    truth = BetaGeoFitter()
    truth.params_ = [0.243, 4.414, 0.793, 2.426]
    truth._set_covariates(sat, None, n)
    truth.coefs_ = [0.5]
    sim = truth.generate_new_data(size=n, T=T, seed=8)
    sim["recency"] = np.round(sim["recency"] * 7) / 7
    sim["sat"] = sat["sat"]
    full = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"],
                               purchase_covariates=sim[["sat"]])
    viad = fit_dask(BetaGeoFitter(), dd.from_pandas(sim, npartitions=3),
                    purchase_covariate_cols=["sat"])
    assert len(viad.data) < n  # identical rows were merged
    assert viad.data["weights"].sum() == n
    np.testing.assert_allclose(viad.params_, full.params_, rtol=1e-5)
    np.testing.assert_allclose(viad.coefs_, full.coefs_, rtol=1e-5)
    assert viad.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-9)
    np.testing.assert_allclose(viad.coef_standard_errors_, full.coef_standard_errors_,
                               rtol=1e-3)


def test_plot_period_transactions_counts_customers():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cxkit.clv import BetaGeoFitter, plot_period_transactions
    d = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    m = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
    fig = plt.figure()
    ax = plot_period_transactions(m, max_frequency=7)
    actual, model = ax.containers[0], ax.containers[1]
    assert [b.get_height() for b in actual][0] == (d["x"] == 0).sum()
    assert sum(b.get_height() for b in actual) == len(d)
    assert sum(b.get_height() for b in model) == len(d)
    # the simulated share without repeat purchases is near the observed one (model fits CDNOW)
    assert abs(model[0].get_height() - actual[0].get_height()) < 0.05 * len(d)
    plt.close(fig)


def test_pickle_and_save_model_round_trip(tmp_path):
    import pickle
    from cxkit.clv import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
    d = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    x, tx, T = d["x"], d["t_x"], d["T"]
    bg = BetaGeoFitter().fit(x, tx, T)
    back = pickle.loads(pickle.dumps(bg))
    np.testing.assert_array_equal(back.params_, bg.params_)
    np.testing.assert_array_equal(back.variance_matrix_, bg.variance_matrix_)
    np.testing.assert_array_equal(back.predict_interval(39, x, tx, T),
                                  bg.predict_interval(39, x, tx, T))
    # covariates travel too, and the copy for other customers keeps its parameters
    sat = pd.DataFrame({"sat": np.cos(np.arange(len(d)))})
    pn = ParetoNBDFitter().fit(x, tx, T, purchase_covariates=sat)
    path = tmp_path / "pn.pkl"
    pn.save_model(path)
    loaded = ParetoNBDFitter().load_model(path)
    np.testing.assert_array_equal(loaded.coefs_, pn.coefs_)
    np.testing.assert_array_equal(loaded.full_variance_matrix_, pn.full_variance_matrix_)
    new = pn.for_customers(pd.DataFrame({"sat": [0.5]}))
    nb = pickle.loads(pickle.dumps(new))
    assert nb.predict(10, [2.0], [20.0], [30.0])[0] == new.predict(10, [2.0], [20.0], [30.0])[0]
    # without the data: parameters only, no covariance
    bg.save_model(tmp_path / "bg.pkl", save_data=False)
    light = BetaGeoFitter().load_model(tmp_path / "bg.pkl")
    np.testing.assert_array_equal(light.params_, bg.params_)
    with pytest.raises(cxkit.StateError):
        light.standard_errors_
    with pytest.raises(TypeError):
        GammaGammaFitter().load_model(tmp_path / "bg.pkl")
