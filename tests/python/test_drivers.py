"""cxkit.drivers against independent computations: statsmodels OLS on standardised data, a
brute-force Shapley over all subsets with numpy least squares, Johnson's relative weights with
numpy's eigh, and hand-worked Kano / IPA cases."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import cxkit
from cxkit import drivers


def _data(n=400, p=6, seed=1):
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    x = rng.normal(size=(n, p)) + common * np.linspace(0, 1, p)
    y = x @ np.linspace(0.2, 1.0, p) + rng.normal(scale=1.5, size=n)
    cols = [f"d{j}" for j in range(p)]
    df = pd.DataFrame(x, columns=cols)
    df["csat"] = y
    return df, cols


def _r2(x, y):
    if x.shape[1] == 0:
        return 0.0
    X = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    return 1 - resid @ resid / np.sum((y - y.mean()) ** 2)


def test_betas_and_r2_match_statsmodels(no_leaks):
    df, cols = _data()
    kd = drivers.KeyDrivers().fit(df, "csat", cols)
    z = (df - df.mean()) / df.std(ddof=1)
    fit = sm.OLS(z["csat"], sm.add_constant(z[cols])).fit()
    assert kd.importance_["beta"].to_numpy() == pytest.approx(fit.params[cols].to_numpy(), abs=1e-10)
    assert kd.r2_ == pytest.approx(fit.rsquared, abs=1e-12)


def test_lmg_equals_brute_force_shapley():
    df, cols = _data(p=6, seed=4)
    x, y, p = df[cols].to_numpy(), df["csat"].to_numpy(), len(cols)
    r2 = {s: _r2(x[:, list(s)], y) for k in range(p + 1) for s in itertools.combinations(range(p), k)}
    shap = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for s in itertools.combinations(others, k):
                wgt = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
                shap[j] += wgt * (r2[tuple(sorted(s + (j,)))] - r2[s])
    t = drivers.key_drivers(df, "csat", cols)
    assert t["lmg"].to_numpy() == pytest.approx(shap, abs=1e-10)
    assert t["lmg"].sum() == pytest.approx(t.attrs["r2"])


def test_relative_weights_match_numpy_eigh():
    df, cols = _data(p=5, seed=9)
    r = df[cols + ["csat"]].corr().to_numpy()
    rxx, rxy = r[:5, :5], r[:5, 5]
    ev, q = np.linalg.eigh(rxx)
    lam = q @ np.diag(np.sqrt(ev)) @ q.T
    beta = np.linalg.solve(lam, rxy)
    eps = (lam ** 2) @ (beta ** 2)
    t = drivers.key_drivers(df, "csat", cols)
    assert t["relative_weight"].to_numpy() == pytest.approx(eps, abs=1e-12)


def test_sampled_lmg_and_bootstrap():
    df, cols = _data(p=8, seed=2)
    exact = drivers.key_drivers(df, "csat", cols)
    sampled = drivers.key_drivers(df, "csat", cols, exact_max=4, samples=20000)
    assert sampled.attrs["exact"] is False
    assert sampled["lmg"].to_numpy() == pytest.approx(exact["lmg"].to_numpy(), abs=0.01)
    boot = drivers.key_drivers(df, "csat", cols, bootstrap=100, seed=3)
    assert (boot["lmg_lo"] <= boot["lmg"]).all() and (boot["lmg"] <= boot["lmg_hi"]).all()


def test_dominance_tables():
    df, cols = _data(p=5, seed=5)
    kd = drivers.KeyDrivers().fit(df, "csat", cols)
    cond = kd.conditional_dominance_
    assert cond.mean(axis=1).to_numpy() == pytest.approx(kd.importance_["lmg"].to_numpy())
    comp = kd.complete_dominance_
    assert (comp.to_numpy() == -comp.to_numpy().T).all()


def test_bad_drivers():
    df, cols = _data(p=3)
    df["dup"] = df["d0"] + df["d1"]
    with pytest.raises(cxkit.Singular):
        drivers.key_drivers(df, "csat", cols + ["dup"])
    df["const"] = 3.0
    with pytest.raises(cxkit.OutOfRange):
        drivers.key_drivers(df, "csat", cols + ["const"])


def test_ipa_and_kano():
    q = drivers.ipa(pd.Series([0.4, 0.1, 0.3, 0.2], index=list("abcd")), [3.0, 4.5, 4.2, 3.1])
    assert list(q) == ["concentrate here", "possible overkill", "keep up the good work",
                       "low priority"]
    k = drivers.kano([1, 1, 3, 3, 5, 1], [5, 3, 5, 3, 1, 1])
    assert list(k) == ["one-dimensional", "attractive", "must-be", "indifferent", "reverse",
                       "questionable"]
    f = drivers.kano_feature([1] * 8 + [2, 3], [5, 5, 5, 5, 5, 2, 3, 4, 5, 3])
    assert f["category"] == "one-dimensional"
    assert f["better"] == pytest.approx(0.8) and f["worse"] == pytest.approx(-0.6)


def test_fit_on_arrays_with_weights_equals_duplicated_rows():
    df, cols = _data(n=120, p=4, seed=13)
    w = np.where(np.arange(120) % 3 == 0, 2.0, 1.0)
    a = drivers.KeyDrivers().fit(df[cols].to_numpy(), df["csat"].to_numpy(), weights=w)
    dup = pd.concat([df, df[w == 2.0]])
    b = drivers.KeyDrivers().fit(dup, "csat", cols)
    assert a.importance_["lmg"].to_numpy() == pytest.approx(b.importance_["lmg"].to_numpy(), abs=1e-12)
    assert a.importance_["beta"].to_numpy() == pytest.approx(b.importance_["beta"].to_numpy(), abs=1e-12)
    assert list(a.importance_.index) == ["x0", "x1", "x2", "x3"]
