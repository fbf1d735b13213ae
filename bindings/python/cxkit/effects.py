"""Loyalty effects and churn as survival, on numpy / pandas data.

Array-level estimators follow the names of the packages data scientists already use:
``KaplanMeierFitter`` and ``CoxPHFitter`` (lifelines), ``logrank_test`` /
``multivariate_logrank_test`` (lifelines.statistics), ``Logit`` (statsmodels). Results match R's
survival package and statsmodels (tests/python/test_effects.py).

Log-level analyses (``recovery``, ``touchpoints``, ``spend``, ``retention``, ``zones``, ``churn``,
``churn_curves``, ``outcomes``) take an interaction log and optionally a transaction log, each a
CSV path or a pandas DataFrame with the canonical column names (docs/log.md), and return a
DataFrame; ``df.attrs["notes"]`` holds the verdicts and the definitions used (docs/effects.md).
"""
from __future__ import annotations

import os
import tempfile
from typing import Optional, Sequence

import numpy as np

from . import core

__all__ = [
    "KaplanMeierFitter", "CoxPHFitter", "Logit", "logrank_test", "multivariate_logrank_test",
    "zones_fit", "wallet_share", "wallet_share_from_scores", "table_to_frame",
    "outcomes", "recovery", "touchpoints", "spend", "retention", "zones", "churn",
    "churn_curves", "plot_survival", "plot_effects",
]

_CI = {"log": 0, "log-log": 1, "plain": 2}
_TIES = {"efron": 0, "breslow": 1}
_ZPH = {"km": 0, "identity": 1, "rank": 2, "log": 3}


def _f64(x) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x, dtype=float).ravel())


def _pd():
    import pandas as pd
    return pd


class KaplanMeierFitter:
    """Kaplan-Meier estimate with Greenwood standard errors (``ci``: "log" as R's default,
    "log-log" or "plain")."""

    def __init__(self, alpha: float = 0.05, ci: str = "log"):
        self.alpha = alpha
        self.ci = ci

    def fit(self, durations, event_observed=None, label: str = "KM_estimate"):
        t = _f64(durations)
        e = np.ones_like(t) if event_observed is None else _f64(event_observed)
        self._km = core.cx_km_fit_columns(t, e, 1 - self.alpha, _CI[self.ci])
        n = core.cx_km_size(self._km)
        cols = ["time", "n_risk", "n_event", "surv", "se", "lower", "upper"]
        self.table_ = _pd().DataFrame(
            {c: core.cx_km_column(n, self._km, i) for i, c in enumerate(cols)})
        idx = _pd().Index(self.table_["time"], name="timeline")
        self.survival_function_ = _pd().DataFrame({label: self.table_["surv"].values}, index=idx)
        self.confidence_interval_ = _pd().DataFrame(
            {label + "_lower_%g" % (1 - self.alpha): self.table_["lower"].values,
             label + "_upper_%g" % (1 - self.alpha): self.table_["upper"].values}, index=idx)
        return self

    @property
    def median_survival_time_(self) -> float:
        """Median survival; ``inf`` when the curve never falls to 0.5 (as lifelines)."""
        try:
            return core.cx_km_median(self._km)
        except core_errors().OutOfRange:
            return float("inf")

    def predict(self, t: float) -> float:
        return core.cx_km_surv_at(self._km, float(t))

    def plot(self, ax=None, **kw):
        return plot_survival(self.table_.assign(segment="all"), ax=ax, **kw)


def core_errors():
    from . import errors
    return errors


class _Result(dict):
    __getattr__ = dict.__getitem__


def multivariate_logrank_test(durations, groups, event_observed=None):
    """Log-rank test of equal survival across the groups (any labels). Returns an object with
    ``test_statistic``, ``p_value``, ``degrees_of_freedom`` and ``summary`` (observed and
    expected events per group)."""
    t = _f64(durations)
    e = np.ones_like(t) if event_observed is None else _f64(event_observed)
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    g = codes.astype(float)
    k = len(labels)
    chisq, p = core.cx_logrank_columns(k, t, e, g)
    obs = core.cx_logrank_counts(k, 0, t, e, g)
    exp = core.cx_logrank_counts(k, 1, t, e, g)
    summary = _pd().DataFrame({"observed": obs, "expected": exp}, index=labels)
    return _Result(test_statistic=chisq, p_value=p, degrees_of_freedom=k - 1, summary=summary)


def logrank_test(durations_A, durations_B, event_observed_A=None, event_observed_B=None):
    """Two-group log-rank test (lifelines.statistics.logrank_test)."""
    ta, tb = _f64(durations_A), _f64(durations_B)
    ea = np.ones_like(ta) if event_observed_A is None else _f64(event_observed_A)
    eb = np.ones_like(tb) if event_observed_B is None else _f64(event_observed_B)
    return multivariate_logrank_test(np.concatenate([ta, tb]),
                                     np.r_[np.zeros(len(ta)), np.ones(len(tb))],
                                     np.concatenate([ea, eb]))


def _design(X):
    pd = _pd()
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        x = X.to_numpy(dtype=float)
    elif isinstance(X, pd.Series):
        names = [str(X.name)]
        x = X.to_numpy(dtype=float).reshape(-1, 1)
    else:
        x = np.asarray(X, dtype=float)
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        names = ["x%d" % j for j in range(x.shape[1])]
    return np.ascontiguousarray(x), names


class CoxPHFitter:
    """Cox proportional hazards by Newton-Raphson (Efron or Breslow ties), as R's coxph."""

    def __init__(self, alpha: float = 0.05, ties: str = "efron"):
        self.alpha = alpha
        self.ties = ties

    def fit(self, df, duration_col: str, event_col: Optional[str] = None,
            formula: Optional[Sequence[str]] = None):
        cols = list(formula) if formula is not None else [
            c for c in df.columns if c not in (duration_col, event_col)]
        x, names = _design(df[cols])
        t = _f64(df[duration_col])
        e = np.ones_like(t) if event_col is None else _f64(df[event_col])
        self._m = core.cx_cox_fit_columns(t, e, x.ravel(), x.shape[1], _TIES[self.ties])
        p = x.shape[1]
        level = 1 - self.alpha
        c = [core.cx_cox_column(p, self._m, i, level) for i in range(6)]
        pd = _pd()
        idx = pd.Index(names, name="covariate")
        self.params_ = pd.Series(c[0], index=idx, name="coef")
        self.standard_errors_ = pd.Series(c[1], index=idx, name="se(coef)")
        self.hazard_ratios_ = pd.Series(c[2], index=idx, name="exp(coef)")
        self.variance_matrix_ = pd.DataFrame(
            core.cx_cox_column(p * p, self._m, 6, level).reshape(p, p), index=idx, columns=idx)
        self.summary = pd.DataFrame({
            "coef": c[0], "exp(coef)": c[2], "se(coef)": c[1],
            "exp(coef) lower %g%%" % (100 * level): c[3],
            "exp(coef) upper %g%%" % (100 * level): c[4],
            "z": c[0] / c[1], "p": c[5]}, index=idx)
        ll0, ll, lr, lrp, ne, it = core.cx_cox_summary(self._m)
        self.log_likelihood_, self.log_likelihood_null_ = ll, ll0
        self.log_likelihood_ratio_test_ = _Result(test_statistic=lr, p_value=lrp,
                                                  degrees_of_freedom=p)
        self.event_observed_count_ = ne
        self.iterations_ = it
        return self

    def check_assumptions(self, transform: str = "km"):
        """Proportional-hazards test (R's cox.zph): per covariate and GLOBAL."""
        p = len(self.params_)
        vals = [core.cx_cox_zph_column(p + 1, self._m, _ZPH[transform], w) for w in range(3)]
        idx = list(self.params_.index) + ["GLOBAL"]
        return _pd().DataFrame({"chisq": vals[0], "df": vals[1], "p": vals[2]}, index=idx)

    proportional_hazard_test = check_assumptions


class Logit:
    """Logistic regression (statsmodels-like): ``Logit(y, X).fit()`` with ``params``, ``bse``,
    ``pvalues``, ``conf_int()``, ``llf``, ``llnull``, ``predict``. ``add_constant=True`` adds the
    intercept ("const"); ``weights`` are frequency weights (``y`` may then be proportions).
    Perfect separation raises ``cxkit.OutOfRange``."""

    def __init__(self, endog, exog, weights=None, add_constant: bool = True):
        self.y = _f64(endog)
        self.x, self.names = _design(exog)
        self.w = np.zeros(0) if weights is None else _f64(weights)
        self.add_constant = add_constant

    def fit(self, alpha: float = 0.05):
        m = core.cx_logit_fit_columns(self.y, self.x.ravel(), self.w, self.x.shape[1],
                                      int(self.add_constant))
        return _LogitResult(m, (["const"] if self.add_constant else []) + self.names, alpha)


class _LogitResult:
    def __init__(self, m, names, alpha):
        pd = _pd()
        self._m = m
        q = len(names)
        idx = pd.Index(names)
        c = [core.cx_logit_column(q, m, i, 1 - alpha) for i in range(5)]
        self.params = pd.Series(c[0], index=idx)
        self.bse = pd.Series(c[1], index=idx)
        self.pvalues = pd.Series(c[4], index=idx)
        self._ci = pd.DataFrame({0: c[2], 1: c[3]}, index=idx)
        self.cov_params_ = pd.DataFrame(core.cx_logit_column(q * q, m, 5, 0.95).reshape(q, q),
                                        index=idx, columns=idx)
        self.llf, self.llnull, self.llr, self.llr_pvalue, self.iterations = \
            core.cx_logit_summary(m)

    def conf_int(self):
        return self._ci

    def cov_params(self):
        return self.cov_params_

    def predict(self, exog):
        x, _ = _design(exog)
        return core.cx_logit_predict_columns(x.shape[0], x.ravel(), x.shape[1], self._m)


def zones_fit(retained, satisfaction, weights=None, conf_level: float = 0.95):
    """Defection / indifference / affection zones (docs/effects.md): a DataFrame with one row
    per zone and ``attrs`` holding the knots and the test against a linear logit."""
    v = core.cx_zones_fit_values(31, _f64(retained), _f64(satisfaction),
                                 np.zeros(0) if weights is None else _f64(weights), conf_level)
    knot, klo, khi = v[0:2], v[2:4], v[4:6]
    pd = _pd()
    df = pd.DataFrame({
        "from": [-np.inf, knot[0], knot[1]], "to": [knot[0], knot[1], np.inf],
        "slope": v[6:9], "slope_lower": v[9:12], "slope_upper": v[12:15],
        "retention": v[15:18], "retention_lower": v[18:21], "retention_upper": v[21:24],
        "n": v[24:27]}, index=pd.Index(["defection", "indifference", "affection"], name="zone"))
    df.attrs.update(knots=tuple(knot), knot_lower=tuple(klo), knot_upper=tuple(khi),
                    loglik=v[27], loglik_linear=v[28], lr_chisq=v[29], lr_p_value=v[30])
    return df


def wallet_share(rank, n_brands):
    """Wallet Allocation Rule: share = (1 - rank/(N+1)) * 2/N."""
    r = _f64(rank)
    return core.cx_wallet_share_from_ranks_columns(len(r), r, _f64(n_brands))


def wallet_share_from_scores(customer, score):
    """Shares (and average ranks) of the brands each customer uses, from their scores. Returns
    a DataFrame with columns rank and share in the input order."""
    c = np.asarray(customer)
    codes = np.unique(c, return_inverse=True)[1].astype(float)
    s = _f64(score)
    return _pd().DataFrame({
        "rank": core.cx_wallet_share_from_scores_columns(len(s), 1, codes, s),
        "share": core.cx_wallet_share_from_scores_columns(len(s), 0, codes, s)})


def table_to_frame(t):
    """A cx_effect_table as a DataFrame (text columns as object, numbers as float64)."""
    pd = _pd()
    rows, cols = core.cx_effect_table_rows(t), core.cx_effect_table_cols(t)
    data = {}
    for c in range(cols):
        name = core.cx_effect_table_col_name(t, c)
        if core.cx_effect_table_col_is_text(t, c):
            data[name] = [core.cx_effect_table_text(t, r, c) for r in range(rows)]
        else:
            data[name] = core.cx_effect_table_column(rows, t, c)
    df = pd.DataFrame(data)
    df.attrs["title"] = core.cx_effect_table_title(t)
    df.attrs["notes"] = [s for s in core.cx_effect_table_notes(t).split("\n") if s]
    return df


def _as_csv(data, tmpdir, name):
    if data is None:
        return ""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    path = os.path.join(tmpdir, name)
    df = data.copy()
    for col in df.columns:
        if str(df[col].dtype).startswith("datetime64"):  # ISO-8601 UTC
            df[col] = df[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif col in ("problem", "resolved", "feedback_acted") and df[col].dtype.kind == "f":
            df[col] = df[col].astype("Int64")  # 1.0 -> 1: yes/no fields read back as floats
    df.to_csv(path, index=False)
    return path


def _run(analysis, interactions, transactions=None, *, window_days=0.0, churn_gap_days=0.0,
         conf_level=0.0, confounders="", covariates="", predictor="", columns=""):
    with tempfile.TemporaryDirectory(prefix="cxkit-effects-") as tmp:
        log_csv = _as_csv(interactions, tmp, "interactions.csv")
        tx_csv = _as_csv(transactions, tmp, "transactions.csv")
        join = lambda v: ",".join(v) if isinstance(v, (list, tuple)) else (v or "")
        t = core.cx_effects_run_csv(analysis, log_csv, tx_csv, columns, float(window_days),
                                    float(churn_gap_days), float(conf_level), join(confounders),
                                    join(covariates), predictor or "")
    return table_to_frame(t)


def _doc(analysis, text):
    def f(interactions, transactions=None, **options):
        return _run(analysis, interactions, transactions, **options)
    f.__name__ = analysis
    f.__doc__ = text + """

    ``interactions``: CSV path or DataFrame (canonical columns); ``transactions``: CSV path or
    DataFrame (customer, time, amount) or None. Options: ``window_days`` (90),
    ``churn_gap_days`` (the window), ``conf_level`` (0.95), ``confounders`` and ``covariates``
    (list or comma-separated names), ``predictor`` (field name, "csat"), ``columns`` (CSV
    renames). Definitions: docs/effects.md."""
    return f


outcomes = _doc("outcomes", "Per-customer later outcomes around the index contact.")
recovery = _doc("recovery", "Service recovery comparisons and the recovery-paradox verdict.")
touchpoints = _doc("touchpoints", "Moments of truth: effect of the predictor per touchpoint.")
spend = _doc("spend", "Share increasing / decreasing spend after each kind of experience.")
retention = _doc("retention", "Logistic regression of retention on the covariates.")
zones = _doc("zones", "Defection / indifference / affection zones of the predictor.")
churn = _doc("churn", "Cox hazard ratios of churn with the proportional-hazards test.")
churn_curves = _doc("churn_curves", "Kaplan-Meier churn curves by experience segment.")


def plot_survival(curves, ax=None, segment_col: str = "segment", ci: bool = True):
    """Step plot of survival curves (a ``churn_curves`` frame or ``KaplanMeierFitter.table_``
    with a segment column) with their pointwise intervals."""
    import matplotlib.pyplot as plt
    if ax is None:
        ax = plt.subplots()[1]
    time_col = "time_days" if "time_days" in curves.columns else "time"
    for seg, d in curves.groupby(segment_col, sort=False):
        t = np.r_[0.0, d[time_col].to_numpy()]
        s = np.r_[1.0, d["surv"].to_numpy()]
        line, = ax.step(t, s, where="post", label=str(seg))
        if ci:
            lo = np.r_[1.0, d["lower"].to_numpy()]
            hi = np.r_[1.0, d["upper"].to_numpy()]
            ax.fill_between(t, lo, hi, step="post", alpha=0.2, color=line.get_color())
    ax.set_xlabel("days" if time_col == "time_days" else "time")
    ax.set_ylabel("survival (not churned)")
    ax.set_ylim(0, 1.02)
    ax.legend()
    return ax


def plot_effects(table, ax=None, label_cols=None, estimate="estimate", lower="lower",
                 upper="upper", null: Optional[float] = None):
    """Forest plot of estimates with intervals, one row per table row (e.g. ``recovery(...)``
    filtered to one outcome, or ``touchpoints(...)`` with estimate="retention_logodds")."""
    import matplotlib.pyplot as plt
    if ax is None:
        ax = plt.subplots(figsize=(6, 0.35 * len(table) + 1))[1]
    if label_cols is None:
        label_cols = [c for c in table.columns if table[c].dtype == object][:3]
    labels = [" / ".join(str(r[c]) for c in label_cols) for _, r in table.iterrows()]
    y = np.arange(len(table))[::-1]
    est = table[estimate].to_numpy(dtype=float)
    ax.errorbar(est, y, xerr=[est - table[lower].to_numpy(dtype=float),
                              table[upper].to_numpy(dtype=float) - est], fmt="o", capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    if null is not None:
        ax.axvline(null, color="grey", lw=1, ls="--")
    ax.set_xlabel(estimate)
    return ax
