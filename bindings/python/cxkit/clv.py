"""Customer-base ("buy till you die") models with the names and methods of ``lifetimes``.

A lifetimes user switches by changing the import::

    from cxkit.clv import BetaGeoFitter, GammaGammaFitter, summary_data_from_transaction_data

The fitting and every prediction run in the C library (``include/cxkit/clv.h``): maximum
likelihood with analytic gradients on compressed rows, standard errors from the Hessian, and
convergence failures raised as :class:`cxkit.NotConverged` instead of silent NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import core

__all__ = [
    "BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter", "BetaGeoBetaBinomFitter",
    "ShiftedBetaGeoFitter", "GammaGammaFitter",
    "summary_data_from_transaction_data", "calibration_and_holdout_data", "update_summary",
    "compress_rows", "fit_dask",
]  # and, registered at the end, the functions of clv_utils, clv_plotting and clv_datasets

_SECONDS = {"D": 86400, "H": 3600, "h": 3600, "W": 7 * 86400, "min": 60, "T": 60, "S": 1,
            "s": 1}
_CLV_FACTOR = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24}


def _col(v, name="column"):
    """A float64 numpy column from a Series, list or array."""
    a = np.ascontiguousarray(np.asarray(v, dtype=float).reshape(-1))
    return a


def _expand(values, weights):
    """values repeated weights times (integer weights; the grouped data of lifetimes)."""
    return np.repeat(np.asarray(values, dtype=float), np.asarray(weights).astype(int))


def _index_of(*vs):
    for v in vs:
        if isinstance(v, pd.Series):
            return v.index
    return None


def _wrap(values, index):
    return pd.Series(values, index=index) if index is not None else values


def _shaped(values, *inputs):
    """A result shaped like lifetimes': a Series indexed like the first Series input, a float
    when every input is a scalar, else a numpy array of the inputs' broadcast shape."""
    idx = _index_of(*inputs)
    if idx is not None:
        return pd.Series(np.asarray(values).reshape(-1), index=idx)
    if all(np.ndim(v) == 0 for v in inputs if v is not None):
        return float(np.asarray(values).reshape(-1)[0])
    shape = np.broadcast_shapes(*[np.shape(v) for v in inputs if v is not None])
    return np.asarray(values).reshape(shape)


def _normal_bounds(est, se, level):
    from scipy.stats import norm
    zq = norm.ppf(0.5 + level / 2)
    return est - zq * se, est + zq * se


def _logit_bounds(est, se, level):
    """Delta-method bounds of a probability on the logit scale (inside [0, 1]; a probability
    of exactly 0 or 1, or se 0, gives the point)."""
    from scipy.stats import norm
    zq = norm.ppf(0.5 + level / 2)
    p = np.asarray(est, dtype=float)
    inner = (p > 0) & (p < 1) & (np.asarray(se) > 0)
    q = np.where(inner, p, 0.5)
    half = zq * np.where(inner, se, 0.0) / (q * (1 - q))
    lg = np.log(q) - np.log1p(-q)
    lo = np.where(inner, 1 / (1 + np.exp(-(lg - half))), p)
    hi = np.where(inner, 1 / (1 + np.exp(-(lg + half))), p)
    return lo, hi


def _percentile_bounds(sims, level):
    lo, hi = np.quantile(sims, [0.5 - level / 2, 0.5 + level / 2], axis=0)
    return lo, hi, sims.std(axis=0, ddof=1)


class _Fitter:
    """Shared machinery: a C model, lifetimes-style params_, standard errors and summary."""

    _kind = ""
    _names: tuple = ()
    # lifetimes' penalty units: a penalised BG/NBD, MBG/NBD or Pareto/NBD fit runs in the time
    # unit where the oldest customer has T = 1 (see _ContinuousFitter.fit). The C model then
    # holds parameters in that unit; _tscale is the data's time unit per model unit and
    # _time_params the parameters that scale with it. Everything public is in the data's unit.
    _tscale = 1.0
    _time_params: tuple = ()

    def __init__(self, penalizer_coef: float = 0.0):
        self.penalizer_coef = float(penalizer_coef)
        kind = core.cx_clv_b_kind(self._kind)
        self._model = core.cx_clv_model_new(kind)
        self._fitted = False

    def _unit(self):
        """Natural value = model value * _unit(), per parameter."""
        return np.array([self._tscale if n in self._time_params else 1.0 for n in self._names])

    def _to_model(self, what, t, tx, T):
        """Prediction inputs in the C model's time unit (identity unless _tscale != 1)."""
        return t, tx, T

    @property
    def params_names(self) -> list:
        """Parameter names in lifetimes' order."""
        return list(self._names)

    def _unload_params(self, *names):
        """Parameter values by name (lifetimes' helper, used by its plots and user code)."""
        if not self._fitted:
            raise ValueError("Model has not been fit yet. Please call the .fit method first.")
        p = self.params_
        return [p[n] for n in names]

    def set_threads(self, n_threads: int = 0):
        """Threads for fits and predictions (0 = all cores); results are bit-identical for any."""
        core.cx_clv_model_set_threads(self._model, int(n_threads))
        return self

    # ---- parameters ----
    @property
    def params_(self) -> pd.Series:
        """Parameters as a Series (assign a Series, dict or sequence to predict with known
        values)."""
        n = core.cx_clv_model_param_count(self._model)
        return pd.Series(core.cx_clv_model_params(n, self._model) * self._unit(),
                         index=list(self._names))

    @params_.setter
    def params_(self, values):
        if isinstance(values, dict):
            values = [values[k] for k in self._names]
        elif isinstance(values, pd.Series):
            values = [values[k] for k in self._names] if set(self._names) <= set(values.index) \
                else values.values
        core.cx_clv_model_set_params(self._model, _col(values) / self._unit())
        self._fitted = True

    @property
    def variance_matrix_(self) -> pd.DataFrame:
        k = len(self._names)
        d = self._unit()
        v = core.cx_clv_model_vcov(k * k, self._model).reshape(k, k) * np.outer(d, d)
        return pd.DataFrame(v, index=list(self._names), columns=list(self._names))

    @property
    def full_variance_matrix_(self) -> pd.DataFrame:
        """Covariance of all estimates: the parameters (natural scale) and, with covariates,
        their coefficients (``coefs_``), in that order."""
        names = self._all_names()
        k = len(names)
        d = np.concatenate([self._unit(), np.ones(k - len(self._names))])
        v = core.cx_clv_model_vcov_all(k * k, self._model).reshape(k, k) * np.outer(d, d)
        return pd.DataFrame(v, index=names, columns=names)

    def _all_names(self):
        k = core.cx_clv_model_coef_count(self._model)
        coef = list(getattr(self, "_coef_names", []))[:k]
        return list(self._names) + (coef if len(coef) == k else [f"coef{j}" for j in range(k)])

    def _copy(self, handle):
        """The same fitter around another C model (e.g. a copy for other customers)."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other._model = handle
        other._origin = getattr(self, "_origin", self)
        return other

    def _set_draw(self, row):
        """Parameters (and coefficients) of one bootstrap draw."""
        k = len(self._names)
        core.cx_clv_model_set_params(self._model, _col(row[:k]) / self._unit())
        if len(row) > k:
            core.cx_clv_model_set_coefs(self._model, _col(row[k:]))

    @property
    def standard_errors_(self) -> pd.Series:
        k = len(self._names)
        return pd.Series(core.cx_clv_model_stderr(k, self._model) * self._unit(),
                         index=list(self._names))

    @property
    def confidence_intervals_(self) -> pd.DataFrame:
        """95% intervals (delta method on the natural scale, as lifetimes)."""
        p, se = self.params_, self.standard_errors_
        return pd.DataFrame({"lower 95% bound": p - 1.96 * se, "upper 95% bound": p + 1.96 * se})

    @property
    def summary(self) -> pd.DataFrame:
        ci = self.confidence_intervals_
        return pd.DataFrame({"coef": self.params_, "se(coef)": self.standard_errors_,
                             "lower 95% bound": ci["lower 95% bound"],
                             "upper 95% bound": ci["upper 95% bound"]})

    def _model_loglik(self) -> float:
        return float(core.cx_clv_b_report(8, self._model)[0])

    @property
    def log_likelihood_(self) -> float:
        """Log-likelihood at the estimates, in the data's time unit (without the penalty)."""
        ll = self._model_loglik()
        if self._tscale != 1.0:  # densities of purchase times: one factor 1/s per purchase
            x, w = self._fit_args[0], self._fit_args[3]
            ll -= math.log(self._tscale) * float((x * w).sum() if len(w) else x.sum())
        return ll

    def _objective_scale(self, n_rows, w_sum):
        """lifetimes divides the log-likelihood by the weight total (Pareto/NBD: by the mean
        weight; BG/BB: by the number of rows)."""
        return 1.0 / w_sum

    @property
    def _negative_log_likelihood_(self) -> float:
        """lifetimes' minimised objective: the scaled negative log-likelihood plus the penalty
        on the parameters, both in lifetimes' units."""
        d = self.data if hasattr(self, "data") else pd.DataFrame({"weights": [1.0]})
        p = core.cx_clv_model_params(len(self._names), self._model)
        return -self._model_loglik() * self._objective_scale(len(d), float(d["weights"].sum())) \
            + self.penalizer_coef * float((p ** 2).sum())

    @property
    def fit_report_(self) -> dict:
        r = core.cx_clv_b_report(8, self._model)
        keys = ("loglik", "iterations", "evaluations", "grad_norm", "starts_converged", "n_rows",
                "n_unique", "converged")
        out = {k: (float(v) if k in ("loglik", "grad_norm") else int(v)) for k, v in zip(keys, r)}
        out["loglik"] = self.log_likelihood_
        return out

    def _fit(self, x, tx, T=None, weights=None, n_starts=3, seed=0, all_starts=False,
             penalizer=None):
        x, tx = _col(x), _col(tx)
        T = _col(T) if T is not None else np.empty(0)
        w = _col(weights) if weights is not None else np.empty(0)
        self._c_penalizer = self.penalizer_coef if penalizer is None else float(penalizer)
        core.cx_clv_b_fit(self._model, x, tx, T, w, self._c_penalizer, int(n_starts), int(seed),
                          int(bool(all_starts)))
        self._fitted = True
        self.bootstrap_params_ = self._boot_key = None  # draws of an earlier fit are stale
        self._fit_args = (x, tx, T, w, int(n_starts), int(seed), int(bool(all_starts)))
        return self

    # ---- pickling, save_model / load_model ----
    def __getstate__(self):
        """The fitted state without the C handle: parameters, coefficients, covariate columns
        and the fitted data, so that unpickling refits (deterministically) and gets the
        covariance back; a model with known parameters or a copy for other customers comes
        back with its parameters and coefficients but no covariance."""
        st = {k: v for k, v in self.__dict__.items() if k not in ("_model", "_origin")}
        st["_params"] = core.cx_clv_model_params(len(self._names), self._model)
        k = core.cx_clv_model_coef_count(self._model)
        st["_coefs"] = core.cx_clv_model_coefs(k, self._model) if k else None
        st["_refit"] = "_fit_args" in self.__dict__ and "_origin" not in self.__dict__
        return st

    def __setstate__(self, st):
        st = dict(st)
        params, coefs, refit = st.pop("_params"), st.pop("_coefs"), st.pop("_refit")
        self.__dict__.update(st)
        self._model = core.cx_clv_model_new(core.cx_clv_b_kind(self._kind))
        cov = st.get("_cov_arrays")
        if cov is not None:
            core.cx_clv_b_set_covariates(self._model, *cov)
        if refit:
            x, tx, T, w, n_starts, seed, all_starts = self._fit_args
            core.cx_clv_b_fit(self._model, x, tx, T, w,
                              st.get("_c_penalizer", self.penalizer_coef), n_starts, seed,
                              all_starts)
        else:
            core.cx_clv_model_set_params(self._model, _col(params))
            if coefs is not None and len(coefs):
                core.cx_clv_model_set_coefs(self._model, _col(coefs))

    def save_model(self, path, save_data=True, **kwargs):
        """Pickle the fitter to path (lifetimes' name). Without the data, the loaded model keeps
        its parameters and coefficients but not the covariance (no intervals)."""
        import pickle
        obj = self
        if not save_data:
            obj = self._copy(self._model)  # a copy never refits on load
            for k in ("data", "_fit_args", "bootstrap_params_", "_boot_key"):
                obj.__dict__.pop(k, None)
        with open(path, "wb") as f:
            pickle.dump(obj, f)

    def load_model(self, path):
        """Load a fitter saved with save_model into this one (lifetimes' name)."""
        import pickle
        with open(path, "rb") as f:
            other = pickle.load(f)
        if type(other) is not type(self):
            raise TypeError(f"{path} holds a {type(other).__name__}, not a {type(self).__name__}")
        self.__dict__.clear()
        self.__dict__.update(other.__dict__)
        return self

    def bootstrap(self, n_boot=200, seed=0):
        """Draws from refits on customers resampled with replacement (the fitted data, weights
        respected; with covariates each customer keeps their covariate row): a DataFrame of
        n_boot rows with the parameters and the covariate coefficients. Quantiles give
        intervals; see ``predict_interval`` for predictions."""
        origin = getattr(self, "_origin", self)
        if "_fit_args" not in origin.__dict__:
            from .errors import StateError
            raise StateError(-9, "bootstrap needs a model fitted to data: call fit first")
        cached = getattr(origin, "bootstrap_params_", None)
        if cached is not None and getattr(origin, "_boot_key", None) == (n_boot, seed):
            return cached
        x, tx, T, w = origin._fit_args[:4]  # the rows the C fit saw
        names = origin._all_names()
        draws = core.cx_clv_b_bootstrap(n_boot * len(names), origin._model, x, tx, T, w,
                                        int(n_boot), int(seed),
                                        getattr(origin, "_c_penalizer", origin.penalizer_coef))
        k = len(origin._names)
        draws = draws.reshape(n_boot, len(names))
        draws[:, :k] *= origin._unit()
        origin.bootstrap_params_ = pd.DataFrame(draws.reshape(n_boot, len(names)),
                                                columns=names)
        origin._boot_key = (n_boot, seed)
        return origin.bootstrap_params_

    def _draw_copy(self):
        """A copy of this fitter (same customers and covariates) to evaluate draws on."""
        return self._copy(core.cx_clv_b_copy(self._model, np.empty(0), np.empty(0), 0))

    def _interval(self, quantity, t, x, tx, T, level, method, n_boot, seed):
        est = self._rows(quantity, t, x, tx, T)
        if method == "delta":
            tm, txm, Tm = self._to_model(quantity, t, tx, T)
            x_, tx_ = _col(x), _col(txm)
            T_ = _col(Tm) if Tm is not None else np.empty(0)
            se = core.cx_clv_b_stderr(len(x_), self._model, quantity, float(tm), x_, tx_, T_)
            bounds = _logit_bounds if quantity == 2 else _normal_bounds  # P(alive) in [0, 1]
            lo, hi = bounds(est, se, level)
        elif method == "bootstrap":
            draws = self.bootstrap(n_boot, seed)
            other = self._draw_copy()  # predictions at each draw, the fitted model untouched
            sims = []
            for row in draws.to_numpy():
                other._set_draw(row)
                sims.append(other._rows(quantity, t, x, tx, T))
            lo, hi, se = _percentile_bounds(np.array(sims), level)
        else:
            raise ValueError("method must be 'delta' or 'bootstrap'")
        idx = _index_of(x, tx, T)
        return pd.DataFrame({"estimate": est, "se": se, "lower": lo, "upper": hi}, index=idx)

    def _rows(self, what, t, x, tx, T):
        """One prediction per customer; scalar and array inputs broadcast against each other
        (as numpy does in lifetimes' formulas)."""
        if T is not None and np.ndim(T) == 0 and np.ndim(x) == 0 and np.ndim(tx) == 0:
            x, tx, T = [x], [tx], [T]
        t, tx, T = self._to_model(what, t, tx, T)
        if T is None:
            x, tx = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(tx, dtype=float))
            x, tx, T = _col(x), _col(tx), np.empty(0)
        else:
            x, tx, T = (_col(v) for v in np.broadcast_arrays(np.asarray(x, dtype=float),
                                                             np.asarray(tx, dtype=float),
                                                             np.asarray(T, dtype=float)))
        return core.cx_clv_b_rows(len(x), self._model, what, float(t), x, tx, T)

    def _store_data(self, columns, weights, index):
        """lifetimes' ``data``: the fitted columns and a weights column (1 when not given)."""
        self.data = pd.DataFrame({k: _col(v) for k, v in columns.items()}, index=index)
        self.data["weights"] = _col(weights) if weights is not None else 1.0
        self._has_weights = weights is not None

    def __repr__(self):
        name = type(self).__name__
        if not self._fitted:
            return f"<cxkit.clv.{name}>"
        n = f" fitted with {len(self.data):d} subjects," if hasattr(self, "data") else ""
        p = ", ".join(f"{k}: {v:.2f}" for k, v in sorted(self.params_.items()))
        return f"<cxkit.clv.{name}:{n} {p}>"


class _ContinuousFitter(_Fitter):
    """BG/NBD, MBG/NBD and Pareto/NBD share lifetimes' method names."""

    _time_params = ("alpha",)

    def _to_model(self, what, t, tx, T):
        s = self._tscale
        if s == 1.0 or T is None:
            return t, tx, T
        if what == 1:
            t = t / s  # horizon
        elif what == 3:
            t = (1.0 + t) ** s - 1.0  # discount rate per model time unit
        return t, np.asarray(tx, dtype=float) / s, np.asarray(T, dtype=float) / s

    def _penalty_weight(self, n_rows, w_sum):
        """The C penalizer equivalent to lifetimes' (its objective over ours)."""
        return 1.0

    def _lifetimes_scale(self, T):
        """lifetimes fits penalised models with times divided by the largest T."""
        top = float(np.max(T)) if len(T) else 0.0
        return top if self.penalizer_coef > 0 and top > 0 else 1.0

    def fit(self, frequency, recency, T, weights=None, initial_params=None, verbose=False,
            tol=None, index=None, n_starts=3, seed=0, all_starts=False,
            purchase_covariates=None, dropout_covariates=None, **kwargs):
        """Maximum likelihood on (frequency, recency, T); weights count identical customers.
        Starts are tried in turn until one converges (all of them with all_starts=True, keeping
        the best optimum). lifetimes' initial_params, verbose and tol are accepted for
        compatibility and not used (cxkit chooses its starts and converges on the gradient).

        ``purchase_covariates`` / ``dropout_covariates`` (BG/NBD and Pareto/NBD; DataFrame or
        n x k array) are time-invariant customer covariates such as satisfaction: alpha_i =
        alpha exp(-g_p . z), Pareto beta_i = beta exp(-g_d . z), BG/NBD a_i = a exp(g_a . z) and
        b_i = b exp(g_b . z). Coefficients are in ``coefs_``; later predictions must be for the
        same customers in the same order."""
        x, tx, TT = _col(frequency), _col(recency), _col(T)
        w = _col(weights) if weights is not None else None
        self._tscale = s = self._lifetimes_scale(TT)
        pen = self.penalizer_coef * self._penalty_weight(
            len(x), float(w.sum()) if w is not None else float(len(x)))
        if purchase_covariates is not None or dropout_covariates is not None:
            self._set_covariates(purchase_covariates, dropout_covariates, len(x))
        self._fit(x, tx / s, TT / s, w, n_starts, seed, all_starts, penalizer=pen)
        self._store_data({"frequency": frequency, "recency": recency, "T": T}, weights,
                         index if index is not None else _index_of(frequency, recency, T))
        return self

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """E[Y(t) | frequency, recency, T]: expected purchases in the next t time units."""
        if np.ndim(t) > 0:
            t = np.asarray(t, dtype=float)
            out = np.array([self._rows(1, ti, [f], [r], [tt])[0]
                            for ti, f, r, tt in np.broadcast(t, frequency, recency, T)])
            return _shaped(out, frequency, recency, T, t)
        return _shaped(self._rows(1, t, frequency, recency, T), frequency, recency, T)

    predict = conditional_expected_number_of_purchases_up_to_time

    def _covariate_columns(self, purchase, dropout, n):
        def cols(z, prefix):
            if z is None:
                return np.empty(0), []
            if isinstance(z, pd.Series):
                z = z.to_frame()
            a = np.asarray(z, dtype=float)
            if len(a) != n:
                from .errors import InvalidArgument
                raise InvalidArgument(-1, f"{prefix} covariates have {len(a)} rows, expected {n}",
                                      param=f"{prefix}_covariates")
            a = a.reshape(n, -1)
            names = [str(c) for c in z.columns] if isinstance(z, pd.DataFrame) else \
                [str(j) for j in range(a.shape[1])]
            return np.ascontiguousarray(a.T).reshape(-1), [f"{prefix}:{c}" for c in names]
        zp, pn = cols(purchase, "purchase")
        zd, dn = cols(dropout, "dropout")
        if self._kind == "bgnbd":
            dn = [d.replace("dropout:", "dropout_a:") for d in dn] + \
                 [d.replace("dropout:", "dropout_b:") for d in dn]
        return zp, zd, pn + dn

    def _set_covariates(self, purchase, dropout, n):
        zp, zd, names = self._covariate_columns(purchase, dropout, n)
        core.cx_clv_b_set_covariates(self._model, zp, zd, n)
        self._coef_names = names
        self._cov_arrays = (zp, zd, n)

    def for_customers(self, purchase_covariates=None, dropout_covariates=None):
        """The fitted model for other customers with the given covariates (same columns as the
        fit): every prediction, interval and sample of the returned fitter is for those
        customers, in that order, with the fitted parameters, coefficients and covariance
        (bootstrap intervals refit on the original data)."""
        z = purchase_covariates if purchase_covariates is not None else dropout_covariates
        if z is None:
            raise ValueError("give purchase_covariates and/or dropout_covariates")
        n = len(z)
        zp, zd, _ = self._covariate_columns(purchase_covariates, dropout_covariates, n)
        other = self._copy(core.cx_clv_b_copy(self._model, zp, zd, n))
        other._cov_arrays = (zp, zd, n)
        return other

    @property
    def coefs_(self) -> pd.Series:
        """Covariate coefficients (empty without covariates)."""
        k = core.cx_clv_model_coef_count(self._model)
        return pd.Series(core.cx_clv_model_coefs(k, self._model),
                         index=getattr(self, "_coef_names", [])[:k] or None, dtype=float)

    @coefs_.setter
    def coefs_(self, values):
        core.cx_clv_model_set_coefs(self._model, _col(values))

    @property
    def coef_standard_errors_(self) -> pd.Series:
        k = core.cx_clv_model_coef_count(self._model)
        return pd.Series(core.cx_clv_model_coef_stderr(k, self._model),
                         index=getattr(self, "_coef_names", [])[:k] or None, dtype=float)

    def predict_interval(self, t, frequency, recency, T, level=0.95, method="delta", n_boot=200,
                         seed=0):
        """Expected purchases in the next t units with a confidence interval: 'delta' (Hessian
        delta method, fast) or 'bootstrap' (percentiles over refits). DataFrame estimate, se,
        lower, upper."""
        return self._interval(1, t, frequency, recency, T, level, method, n_boot, seed)

    def probability_alive_interval(self, frequency, recency, T, level=0.95, method="delta",
                                   n_boot=200, seed=0):
        """P(alive) with a confidence interval (see predict_interval); the delta-method bounds
        are taken on the logit scale, so they stay inside [0, 1]."""
        return self._interval(2, 0.0, frequency, recency, T, level, method, n_boot, seed)

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive at T | frequency, recency, T)."""
        return _shaped(self._rows(2, 0.0, frequency, recency, T), frequency, recency, T)

    def expected_number_of_purchases_up_to_time(self, t):
        """E[X(t)] for a new customer."""
        scalar = np.ndim(t) == 0
        tt = _col(np.atleast_1d(t)) / self._tscale
        out = core.cx_clv_b_expected(len(tt), self._model, tt)
        if scalar:
            return float(out[0])
        return _wrap(out, t.index if isinstance(t, pd.Series) else None)

    def probability_of_n_purchases_up_to_time(self, t, n):
        """P(X(t) = n) for a new customer."""
        tt, nn = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(n, dtype=float))
        out = core.cx_clv_b_pmf(tt.size, self._model, _col(tt) / self._tscale, _col(nn))
        return float(out[0]) if tt.ndim == 0 else out.reshape(tt.shape)

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        """P(alive) over a grid: rows recency 0..max_recency, columns frequency (T = max_recency,
        as lifetimes)."""
        max_frequency = int(max_frequency if max_frequency is not None
                            else self.data["frequency"].max())
        max_recency = int(max_recency if max_recency is not None else self.data["T"].max())
        f, r = np.meshgrid(np.arange(max_frequency + 1), np.arange(max_recency + 1))
        f, r = f.ravel().astype(float), r.ravel().astype(float)
        r = np.where(f == 0, 0.0, r)
        p = self._rows(2, 0.0, f, r, np.full(f.size, float(max_recency)))
        return p.reshape(max_recency + 1, max_frequency + 1)

    def _fitted_ages(self):
        return _expand(self.data["T"], self.data["weights"])

    def generate_new_data(self, size=1, T=None, seed=0):
        """Synthetic customers from the fitted parameters: DataFrame frequency, recency, T,
        alive. Without T, the ages of the fitted customers (as lifetimes; weights expanded,
        repeated cyclically when size is larger); a scalar T gives every customer that age."""
        if T is None:
            T = self._fitted_ages() if hasattr(self, "data") else np.ones(1)
            T = np.resize(T, size)
        T = np.broadcast_to(np.asarray(T, dtype=float), (size,)).copy()
        out = core.cx_clv_b_sample(3 * size, self._model, T / self._tscale,
                                   int(seed)).reshape(3, size)
        return pd.DataFrame({"frequency": out[0], "recency": out[1] * self._tscale, "T": T,
                             "alive": out[2].astype(int)})


class BetaGeoFitter(_ContinuousFitter):
    """BG/NBD (Fader, Hardie & Lee 2005): parameters r, alpha, a, b."""
    _kind = "bgnbd"
    _names = ("r", "alpha", "a", "b")


class ModifiedBetaGeoFitter(_ContinuousFitter):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): parameters r, alpha, a, b."""
    _kind = "mbgnbd"
    _names = ("r", "alpha", "a", "b")


class ParetoNBDFitter(_ContinuousFitter):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): parameters r, alpha, s, beta."""
    _kind = "pareto"
    _names = ("r", "alpha", "s", "beta")
    _time_params = ("alpha", "beta")

    def _penalty_weight(self, n_rows, w_sum):
        # lifetimes' Pareto/NBD objective divides the log-likelihood by the mean weight
        return 1.0 / n_rows if n_rows else 1.0

    def _objective_scale(self, n_rows, w_sum):
        return n_rows / w_sum

    def fit(self, frequency, recency, T, weights=None, iterative_fitting=1, initial_params=None,
            verbose=False, tol=None, index=None, fit_method=None, maxiter=None, n_starts=3,
            seed=0, all_starts=False, **kwargs):
        """As BetaGeoFitter.fit, in lifetimes' Pareto/NBD argument order; iterative_fitting
        > 1 runs that many starts and keeps the best optimum (lifetimes' meaning)."""
        if iterative_fitting > 1:
            n_starts, all_starts = max(n_starts, int(iterative_fitting)), True
        return super().fit(frequency, recency, T, weights=weights, index=index,
                           n_starts=n_starts, seed=seed, all_starts=all_starts, **kwargs)

    def conditional_probability_of_n_purchases_up_to_time(self, n, t, frequency, recency, T):
        """P(n purchases in the next t units | frequency, recency, T) (lifetimes' name and
        argument order).

        Given alive at T, the posterior of the purchase rate is Gamma(r + x, alpha + T) and of
        the dropout rate Gamma(s, beta + T), independent; a customer alive through t buys
        NBD(r + x, alpha + T) over t, one dying at tau < t over tau. So
        P(n) = (1 - P(alive)) [n = 0] + P(alive) (NB_n(t) S(t) + int_0^t NB_n(tau) f(tau) dtau)
        with S(t) = ((beta+T)/(beta+T+t))^s and f its density; the integral is taken by
        Gauss-Legendre over 8 panels of 16 nodes."""
        if core.cx_clv_model_coef_count(self._model):
            raise core_not_supported("conditional_probability_of_n_purchases_up_to_time with "
                                     "covariates")
        from scipy.special import gammaln
        r, alpha, s, beta = self._unload_params("r", "alpha", "s", "beta")
        x, tx, TT = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                          for v in (frequency, recency, T)))
        alive = self._rows(2, 0.0, x, tx, TT)
        x, TT = x.reshape(-1, 1), TT.reshape(-1, 1)
        n = float(n)
        if t <= 0:
            out = np.where(n == 0, 1.0, 0.0) * np.ones(len(alive))
            return _shaped(out, frequency, recency, T)

        def log_nb(tau):  # log P(n purchases over tau | alive through tau)
            k, a = r + x, alpha + TT
            return (gammaln(k + n) - gammaln(k) - gammaln(n + 1) + k * np.log(a / (a + tau))
                    + (n * np.log(tau / (a + tau)) if n > 0 else 0.0))

        nodes, wts = np.polynomial.legendre.leggauss(16)
        edges = np.linspace(0.0, float(t), 9)
        tau = ((edges[:-1, None] + edges[1:, None]) / 2
               + (edges[1:, None] - edges[:-1, None]) / 2 * nodes[None, :]).reshape(1, -1)
        w = (np.diff(edges)[:, None] / 2 * wts[None, :]).reshape(1, -1)
        b = beta + TT
        dens = np.exp(np.log(s) + s * np.log(b) - (s + 1) * np.log(b + tau))
        died = (np.exp(log_nb(tau)) * dens * w).sum(axis=1)
        survived = np.exp(log_nb(float(t)) + s * np.log(b / (b + t))).reshape(-1)
        out = alive * (survived + died) + (1 - alive) * (1.0 if n == 0 else 0.0)
        return _shaped(out, frequency, recency, T)

    def discounted_expected_residual_transactions(self, frequency, recency, T, discount_rate):
        """DERT with per-time-unit discount rate d (continuous rate ln(1 + d))."""
        return _shaped(self._rows(3, discount_rate, frequency, recency, T), frequency, recency,
                       T)

    def discounted_expected_residual_transactions_interval(self, frequency, recency, T,
                                                          discount_rate, level=0.95,
                                                          method="delta", n_boot=200, seed=0):
        """DERT with a confidence interval (see predict_interval)."""
        return self._interval(3, discount_rate, frequency, recency, T, level, method, n_boot,
                              seed)


class BetaGeoBetaBinomFitter(_Fitter):
    """BG/BB for discrete opportunities (Fader, Hardie & Shang 2010): alpha, beta, gamma, delta."""
    _kind = "bgbb"
    _names = ("alpha", "beta", "gamma", "delta")

    def _objective_scale(self, n_rows, w_sum):
        return 1.0 / n_rows  # lifetimes' BG/BB: the mean over rows of weight x log-likelihood

    def fit(self, frequency, recency, n_periods, weights=None, verbose=False, tol=None,
            iterative_fitting=1, index=None, fit_method=None, maxiter=None,
            initial_params=None, n_starts=3, seed=0, **kwargs):
        """Maximum likelihood on (frequency, recency, n_periods) in lifetimes' argument order;
        iterative_fitting > 1 runs that many starts and keeps the best optimum, the other
        optimiser settings of lifetimes are accepted and not used."""
        if iterative_fitting > 1:
            n_starts = max(n_starts, int(iterative_fitting))
        n = len(_col(frequency))
        w_sum = float(_col(weights).sum()) if weights is not None else float(n)
        # lifetimes' BG/BB penalty sits beside the mean over rows: ours is over customers
        self._fit(frequency, recency, n_periods, weights, n_starts, seed,
                  penalizer=self.penalizer_coef * n / w_sum if w_sum > 0 else None)
        self._store_data({"frequency": frequency, "recency": recency, "n_periods": n_periods},
                         weights, index)
        return self

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods_in_future, frequency,
                                                            recency, n_periods):
        return _shaped(self._rows(1, m_periods_in_future, frequency, recency, n_periods),
                       frequency, recency, n_periods)

    def conditional_probability_alive(self, m_periods_in_future, frequency, recency, n_periods):
        return _shaped(self._rows(2, m_periods_in_future, frequency, recency, n_periods),
                       frequency, recency, n_periods)

    def discounted_expected_residual_transactions(self, frequency, recency, n_periods,
                                                  discount_rate):
        return _shaped(self._rows(3, discount_rate, frequency, recency, n_periods), frequency,
                       recency, n_periods)

    def predict_interval(self, m_periods_in_future, frequency, recency, n_periods, level=0.95,
                         method="delta", n_boot=200, seed=0):
        """Expected purchases in the next m opportunities with a confidence interval: 'delta'
        (Hessian) or 'bootstrap' (percentiles over refits). DataFrame estimate, se, lower,
        upper."""
        return self._interval(1, m_periods_in_future, frequency, recency, n_periods, level,
                              method, n_boot, seed)

    def probability_alive_interval(self, m_periods_in_future, frequency, recency, n_periods,
                                   level=0.95, method="delta", n_boot=200, seed=0):
        """P(alive at opportunity n + m) with a confidence interval (see predict_interval)."""
        return self._interval(2, m_periods_in_future, frequency, recency, n_periods, level,
                              method, n_boot, seed)

    def discounted_expected_residual_transactions_interval(self, frequency, recency, n_periods,
                                                          discount_rate, level=0.95,
                                                          method="delta", n_boot=200, seed=0):
        """DERT with a confidence interval (see predict_interval)."""
        return self._interval(3, discount_rate, frequency, recency, n_periods, level, method,
                              n_boot, seed)

    def expected_number_of_transactions_in_first_n_periods(self, n):
        """lifetimes' table: expected number of customers (per customer of the fitted data, times
        its weight total) with each number of transactions 0..n in the first n periods."""
        k = np.arange(n + 1, dtype=float)
        pmf = core.cx_clv_b_pmf(len(k), self._model, np.full(len(k), float(n)), k)
        total = float(self.data["weights"].sum()) if "weights" in getattr(self, "data", {}) \
            else float(len(getattr(self, "data", [0])))
        return pd.DataFrame({"model": pmf * total}, index=pd.Index(k.astype(int),
                                                                   name="frequency"))

    def expected_number_of_purchases_up_to_time(self, n_periods):
        """E[X(n)] for a new customer over n opportunities."""
        t = _col(np.atleast_1d(n_periods))
        out = core.cx_clv_b_expected(len(t), self._model, t)
        return float(out[0]) if np.ndim(n_periods) == 0 else out

    def generate_new_data(self, size=1, n_periods=6, seed=0):
        n = np.full(size, float(n_periods))
        out = core.cx_clv_b_sample(3 * size, self._model, n, int(seed)).reshape(3, size)
        return pd.DataFrame({"frequency": out[0], "recency": out[1], "n_periods": n,
                             "alive": out[2].astype(int)})


class ShiftedBetaGeoFitter(_Fitter):
    """Shifted-beta-geometric contractual retention (Fader & Hardie 2007): alpha, beta.

    ``fit(periods, churned)``: periods survived by each customer and 1 if they churned in that
    period, 0 if still active (censored)."""
    _kind = "sbg"
    _names = ("alpha", "beta")

    def fit(self, periods, churned, weights=None, n_starts=3, seed=0):
        self._fit(periods, churned, None, weights, n_starts, seed)
        self._store_data({"periods": periods, "churned": churned}, weights, None)
        return self

    def survival_function(self, t):
        """S(t) = P(still a customer after t periods)."""
        return core.cx_clv_b_expected(len(np.atleast_1d(t)), self._model,
                                      _col(np.atleast_1d(t)))

    def retention_rate(self, t):
        """r_t = S(t) / S(t - 1)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return self.survival_function(t) / self.survival_function(t - 1)

    def generate_new_data(self, size=1, n_periods=12, seed=0):
        """Synthetic customers observed for n_periods: periods survived (censored at
        n_periods), churned (1/0)."""
        n = np.full(size, float(n_periods))
        out = core.cx_clv_b_sample(3 * size, self._model, n, int(seed)).reshape(3, size)
        return pd.DataFrame({"periods": out[0], "churned": out[1].astype(int)})

    def discounted_expected_residual_lifetime(self, periods, discount_rate):
        """DERL of a customer active through period n - 1 (n = 0: DEL of a new customer)."""
        n = _col(np.atleast_1d(periods))
        return core.cx_clv_b_rows(len(n), self._model, 3, float(discount_rate), n, n, np.empty(0))


class GammaGammaFitter(_Fitter):
    """Gamma-Gamma spend model (Fader & Hardie 2013): parameters p, q, v (gamma)."""
    _kind = "gg"
    _names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, verbose=False,
            tol=None, index=None, q_constraint=False, n_starts=3, seed=0, **kwargs):
        self._fit(frequency, monetary_value, None, weights, n_starts, seed)
        self._store_data({"frequency": frequency, "monetary_value": monetary_value}, weights,
                         index if index is not None else _index_of(frequency, monetary_value))
        return self

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        """E[M | frequency, mean spend]; without arguments, for the fitted data."""
        if frequency is None:
            frequency, monetary_value = self.data["frequency"], self.data["monetary_value"]
        f, m = (_col(v) for v in np.broadcast_arrays(np.asarray(frequency, dtype=float),
                                                     np.asarray(monetary_value, dtype=float)))
        return _shaped(core.cx_clv_b_spend(len(f), self._model, f, m), frequency,
                       monetary_value)

    def generate_new_data(self, frequency, seed=0):
        """Synthetic mean spends for customers with the given repeat-purchase counts (>= 1):
        DataFrame frequency, monetary_value."""
        f = _col(np.atleast_1d(frequency))
        out = core.cx_clv_b_sample(3 * len(f), self._model, f, int(seed)).reshape(3, len(f))
        return pd.DataFrame({"frequency": out[0], "monetary_value": out[1]})

    def _clv_args(self, frequency, recency, T, monetary_value, time, discount_rate, freq,
                  margin, model=None):
        """The C arguments: columns, months, time units per month and rates, in the
        transaction model's time unit."""
        if freq not in _CLV_FACTOR:
            raise ValueError(f"freq must be one of {sorted(_CLV_FACTOR)}")
        s = getattr(model, "_tscale", 1.0)
        return (_col(frequency), _col(recency) / s, _col(T) / s, _col(monetary_value), int(time),
                _CLV_FACTOR[freq] / s, float(discount_rate), float(margin))

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T,
                                monetary_value, time=12, discount_rate=0.01, freq="D",
                                margin=1.0):
        """lifetimes' discrete CLV: monthly increments of expected purchases times expected
        spend, discounted monthly at discount_rate; time in months, freq the unit of recency/T."""
        a = self._clv_args(frequency, recency, T, monetary_value, time, discount_rate, freq,
                           margin, transaction_prediction_model)
        idx = _index_of(frequency, recency, T, monetary_value)
        tm = transaction_prediction_model
        if not isinstance(tm, _Fitter):  # any model with lifetimes' predict(t, freq., rec., T)
            out = self._clv_of(tm, *a)
            return _wrap(out, idx).rename("clv") if idx is not None else out
        cols, rest = a[:4], a[4:]
        out = core.cx_clv_b_value(len(cols[0]), tm._model, self._model, *cols, *rest)
        return _wrap(out, idx).rename("clv") if idx is not None else out

    def _clv_of(self, model, x, tx, T, m, months, per_month, d, margin):
        """The same sum for a transaction model outside cxkit, through its predict()."""
        spend = np.asarray(self.conditional_expected_average_profit(x, m), dtype=float)
        out = np.zeros(len(x))
        for k in range(1, months + 1):
            step = (np.asarray(model.predict(k * per_month, x, tx, T), dtype=float)
                    - np.asarray(model.predict((k - 1) * per_month, x, tx, T), dtype=float))
            out += margin * spend * step / (1 + d) ** k
        return out

    def customer_lifetime_value_interval(self, transaction_prediction_model, frequency, recency,
                                         T, monetary_value, time=12, discount_rate=0.01,
                                         freq="D", margin=1.0, level=0.95, method="delta",
                                         n_boot=200, seed=0):
        """CLV with a confidence interval: 'delta' (delta method over both fitted models, with
        the transaction model's covariate coefficients; the two fits taken as independent) or
        'bootstrap' (percentiles of CLV over paired refits of both models on their data).
        DataFrame estimate, se, lower, upper."""
        a = self._clv_args(frequency, recency, T, monetary_value, time, discount_rate, freq,
                           margin, transaction_prediction_model)
        tm, n = transaction_prediction_model, len(a[0])
        est = core.cx_clv_b_value(n, tm._model, self._model, *a)
        if method == "delta":
            se = core.cx_clv_b_value_stderr(n, tm._model, self._model, *a)
            lo, hi = _normal_bounds(est, se, level)
        elif method == "bootstrap":
            tdraws = tm.bootstrap(n_boot, seed).to_numpy()
            sdraws = self.bootstrap(n_boot, seed + 1).to_numpy()
            t_other, s_other = tm._draw_copy(), self._draw_copy()
            sims = []
            for tr, sr in zip(tdraws, sdraws):
                t_other._set_draw(tr)
                s_other._set_draw(sr)
                sims.append(core.cx_clv_b_value(n, t_other._model, s_other._model, *a))
            lo, hi, se = _percentile_bounds(np.array(sims), level)
        else:
            raise ValueError("method must be 'delta' or 'bootstrap'")
        idx = _index_of(frequency, recency, T, monetary_value)
        return pd.DataFrame({"estimate": est, "se": se, "lower": lo, "upper": hi}, index=idx)


# ---------------------------------------------------------------------------------------------
# Summaries


def _seconds(ts):
    """Epoch seconds of a Series of times (UTC wall time of time-zone aware ones)."""
    t = pd.to_datetime(ts)
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.astype("datetime64[ns]").astype("int64") // 10**9


# pandas' weekly periods 'W-XXX' end on day XXX: days from Thursday (1970-01-01, where the C
# periods are aligned) to the day after XXX, where they start. 'W' is 'W-SUN' (Monday starts).
_WEEK_START = {"W-WED": 0, "W-THU": 1, "W-FRI": 2, "W-SAT": 3, "W-SUN": 4, "W-MON": 5,
               "W-TUE": 6}


def _period_seconds(freq):
    if freq in _WEEK_START:
        return _SECONDS["W"]
    if freq not in _SECONDS:
        raise core_not_supported(f"freq '{freq}' (use D, H, W, W-XXX, min or S; months vary in "
                                 "length)")
    return _SECONDS[freq]


def _offset(freq):
    """Seconds subtracted from every time so that periods start where pandas' do."""
    return _WEEK_START.get("W-SUN" if freq == "W" else freq, 0) * 86400


def _stamp(value, datetime_format=None, freq="D"):
    return int(_seconds(pd.Series([pd.to_datetime(value, format=datetime_format)])).iloc[0]) \
        - _offset(freq)


def core_not_supported(msg):
    from .errors import NotSupported
    return NotSupported(-10, msg)


_COLUMNS = (("frequency", "CX_RFM_FREQUENCY"), ("recency", "CX_RFM_RECENCY"), ("T", "CX_RFM_T"),
            ("monetary_value", "CX_RFM_MONETARY"),
            ("frequency_holdout", "CX_RFM_FREQUENCY_HOLDOUT"),
            ("monetary_value_holdout", "CX_RFM_MONETARY_HOLDOUT"),
            ("duration_holdout", "CX_RFM_DURATION_HOLDOUT"))


def _frame(rfm, ids_by_name, name, offset=0):
    """DataFrame of a C summary, indexed by the original customer ids."""
    n = core.cx_rfm_rows(rfm)
    rows = core.cx_clv_b_customers(rfm).split("\n") if n else []
    index = pd.Index([ids_by_name.get(r, r) for r in rows], name=name)
    cols = {c: core.cx_rfm_get(n, rfm, getattr(core, code)) for c, code in _COLUMNS}
    df = pd.DataFrame(cols, index=index)
    df.attrs["cxkit_rfm"] = (rfm, ids_by_name)
    df.attrs["cxkit_offset"] = offset
    return df


def _sorted(df):
    """Rows sorted by customer id, as lifetimes returns them (ids that do not sort keep the
    order of first appearance)."""
    try:
        return df.sort_index(kind="stable")
    except TypeError:
        return df


def _summary(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format,
             observation_period_end, freq, freq_multiplier, calibration_period_end=None):
    dt = pd.to_datetime(transactions[datetime_col], format=datetime_format)
    codes, uniques = pd.factorize(transactions[customer_id_col])
    names = np.array([str(u) for u in uniques], dtype=object)
    ids_by_name = dict(zip(names, uniques))
    times = np.ascontiguousarray(_seconds(dt).to_numpy() - _offset(freq), dtype=np.int64)
    amounts = (_col(transactions[monetary_value_col]) if monetary_value_col
               else np.empty(0))
    if observation_period_end is None:
        observation_period_end = dt.max()
    obs = _stamp(observation_period_end, datetime_format, freq)
    cal = 0
    if calibration_period_end is not None:
        cal = _stamp(calibration_period_end, datetime_format, freq)
    rfm = core.cx_clv_b_rfm(list(names[codes]), times, amounts, _period_seconds(freq),
                            float(freq_multiplier), obs, cal,
                            1 if calibration_period_end is not None else 0)
    df = _frame(rfm, ids_by_name, customer_id_col, _offset(freq))
    return df, (times, codes, uniques, amounts, obs, cal)


def _with_first_transaction(df, raw, freq, monetary_value_col, calibrated):
    """lifetimes' include_first_transaction=True: the first purchase period counts in
    frequency and in the mean spend (recency and T unchanged)."""
    times, codes, uniques, amounts, obs, cal = raw
    out = df.copy()
    out["frequency"] = df["frequency"] + 1
    if monetary_value_col:
        p = _period_seconds(freq)  # calibration: up to its time; else up to the end's period
        keep = times <= cal if calibrated else times // p <= obs // p
        total = pd.Series(amounts[keep]).groupby(codes[keep]).sum()
        total.index = uniques[total.index]
        out["monetary_value"] = total.reindex(df.index).to_numpy() / out["frequency"]
    return out


def summary_data_from_transaction_data(transactions, customer_id_col, datetime_col,
                                       monetary_value_col=None, datetime_format=None,
                                       observation_period_end=None, freq="D",
                                       freq_multiplier=1, include_first_transaction=False):
    """lifetimes' RFM summary: frequency, recency, T (and monetary_value) per customer, rows
    sorted by customer id.

    freq is 'D', 'W' (weeks starting on Mondays, as pandas'), 'H'/'h', 'min' or 'S'; calendar
    months are refused (use 'D' with freq_multiplier=30, or see docs/clv.md). With
    include_first_transaction=True the first purchase period counts in frequency and in the
    mean spend, as in lifetimes (do not fit the models to such a summary)."""
    df, raw = _summary(transactions, customer_id_col, datetime_col, monetary_value_col,
                       datetime_format, observation_period_end, freq, freq_multiplier)
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col else [])
    if include_first_transaction:
        df = _with_first_transaction(df, raw, freq, monetary_value_col, False)
    return _sorted(df[cols])


def calibration_and_holdout_data(transactions, customer_id_col, datetime_col,
                                 calibration_period_end, observation_period_end=None, freq="D",
                                 freq_multiplier=1, datetime_format=None,
                                 monetary_value_col=None, include_first_transaction=False):
    """lifetimes' calibration / holdout summary (columns *_cal, frequency_holdout,
    [monetary_value_holdout], duration_holdout), rows sorted by customer id."""
    df, raw = _summary(transactions, customer_id_col, datetime_col, monetary_value_col,
                       datetime_format, observation_period_end, freq, freq_multiplier,
                       calibration_period_end)
    if include_first_transaction:
        df = _with_first_transaction(df, raw, freq, monetary_value_col, True)
    cal = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col else [])
    out = df[cal].rename(columns={c: c + "_cal" for c in cal})
    out["frequency_holdout"] = df["frequency_holdout"]
    if monetary_value_col:
        out["monetary_value_holdout"] = df["monetary_value_holdout"]
    out["duration_holdout"] = df["duration_holdout"]
    return _sorted(out)


def update_summary(summary, transactions, customer_id_col, datetime_col, new_observation_end,
                   monetary_value_col=None, observation_period_end=None, freq="D",
                   freq_multiplier=1):
    """Fold new transactions into a summary without re-reading the history; returns the
    updated summary. A summary made by summary_data_from_transaction_data carries its C state
    in ``summary.attrs``; any other summary with frequency, recency, T (and monetary_value)
    columns indexed by customer id, for example one read back from a CSV, is rebuilt from its
    columns, which needs the ``observation_period_end``, ``freq`` and ``freq_multiplier`` it
    was made with. A transaction before a customer's last recorded purchase period is an
    error."""
    if "cxkit_rfm" in summary.attrs:
        rfm, ids_by_name = summary.attrs["cxkit_rfm"]
        offset = summary.attrs.get("cxkit_offset", 0)
    else:
        if observation_period_end is None:
            raise ValueError("summary was not made by cxkit.clv.summary_data_from_transaction_"
                             "data: give the observation_period_end it was made with")
        for c in ("frequency", "recency", "T"):
            if c not in summary:
                raise ValueError(f"summary has no column {c}")
        ids_by_name = {str(c): c for c in summary.index}
        offset = _offset(freq)
        obs = _stamp(observation_period_end, None, freq)
        m = _col(summary["monetary_value"]) if "monetary_value" in summary else np.empty(0)
        rfm = core.cx_clv_b_rfm_columns(list(ids_by_name), _col(summary["frequency"]),
                                        _col(summary["recency"]), _col(summary["T"]), m,
                                        _period_seconds(freq), float(freq_multiplier), obs)
    dt = pd.to_datetime(transactions[datetime_col])
    ids = [str(c) for c in transactions[customer_id_col]]
    for c in transactions[customer_id_col]:
        ids_by_name.setdefault(str(c), c)
    amounts = (_col(transactions[monetary_value_col]) if monetary_value_col
               else np.zeros(len(ids)))
    end = int(_seconds(pd.Series([pd.to_datetime(new_observation_end)])).iloc[0]) - offset
    core.cx_clv_b_rfm_update(rfm, ids, np.ascontiguousarray(_seconds(dt).to_numpy() - offset),
                             amounts, end)
    df = _frame(rfm, ids_by_name, summary.index.name, offset)
    return _sorted(df[list(summary.columns)])


# ---------------------------------------------------------------------------------------------
# Scale: identical rows and Dask


def compress_rows(df, columns=("frequency", "recency", "T")):
    """Counts of identical rows: a DataFrame of the distinct rows with a 'weights' column."""
    g = df.groupby(list(columns), sort=False).size().rename("weights").reset_index()
    return g


def fit_dask(fitter, ddf, frequency_col="frequency", recency_col="recency", T_col="T",
             purchase_covariate_cols=None, dropout_covariate_cols=None):
    """Fit on a partitioned Dask DataFrame: each partition is reduced to counts of identical
    (frequency, recency, T) rows, the counts are summed, and the small table is fitted with
    weights (the likelihood only depends on those counts). With covariate columns (BG/NBD,
    Pareto/NBD; e.g. a satisfaction score on a few levels) rows are identical when their
    covariates are too, and the fitter gets the covariates of the distinct rows: predictions of
    the returned fitter are for those rows (``fitter.data``); use ``for_customers`` for
    others."""
    pc = list(purchase_covariate_cols or [])
    dc = list(dropout_covariate_cols or [])
    cols = [frequency_col, recency_col, T_col]
    keys = cols + [c for c in pc + dc if c not in cols]
    counts = ddf[keys].groupby(keys).size().compute()
    table = counts.rename("weights").reset_index()
    if not pc and not dc:
        return fitter.fit(table[frequency_col], table[recency_col], table[T_col],
                          weights=table["weights"])
    return fitter.fit(table[frequency_col], table[recency_col], table[T_col],
                      weights=table["weights"],
                      purchase_covariates=table[pc] if pc else None,
                      dropout_covariates=table[dc] if dc else None)


# ---------------------------------------------------------------------------------------------
# lifetimes' module layout: cxkit.clv.utils, cxkit.clv.plotting and cxkit.clv.datasets, so that
# `from lifetimes.X import Y` becomes `from cxkit.clv.X import Y`. The modules live beside this
# one (clv_utils.py, ...) and are registered under their lifetimes names; their functions are
# also importable from cxkit.clv directly.

def _register_lifetimes_layout():
    import sys
    from . import clv_datasets, clv_plotting, clv_utils
    here = sys.modules[__name__]
    for name, mod in (("utils", clv_utils), ("plotting", clv_plotting),
                      ("datasets", clv_datasets)):
        sys.modules[f"{__name__}.{name}"] = mod
        setattr(here, name, mod)
        for fn in mod.__all__:
            if not hasattr(here, fn):
                setattr(here, fn, getattr(mod, fn))
                __all__.append(fn)


_register_lifetimes_layout()
