"""Key-driver analysis, importance-performance quadrants and Kano (C: include/cxkit/drivers.h).

``KeyDrivers().fit(df, target="csat", drivers=[...])`` gives standardised coefficients, Johnson's
relative weights and the Shapley / LMG decomposition of R² (= general dominance; exact for up to
``exact_max`` drivers by a Gray-code walk over all subsets, sampled beyond), conditional and
complete dominance, and bootstrap percentile intervals. See docs/drivers.md.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from . import core

__all__ = ["KeyDrivers", "key_drivers", "ipa", "kano", "kano_feature", "KANO_CATEGORIES",
           "IPA_QUADRANTS"]

KANO_CATEGORIES = ["attractive", "one-dimensional", "must-be", "indifferent", "reverse",
                   "questionable"]
IPA_QUADRANTS = {1: "concentrate here", 2: "keep up the good work", 3: "low priority",
                 4: "possible overkill"}


def _f64(x) -> np.ndarray:
    if x is None:
        return np.empty(0)
    return np.ascontiguousarray(np.asarray(x, dtype=np.float64).ravel())


class KeyDrivers:
    """Key-driver analysis of one target on p drivers (rows with any NaN are dropped)."""

    def __init__(self, exact_max: int = 22, samples: int = 4000, bootstrap: int = 0,
                 level: float = 0.95, seed: int = 1):
        self.opts = core.cx_drivers_options()
        core.cx_drivers_options_init(self.opts, core.CX_DRIVERS_OPTIONS_VERSION)
        self.opts.exact_max = int(exact_max)
        self.opts.samples = int(samples)
        self.opts.bootstrap = int(bootstrap)
        self.opts.level = float(level)
        self.opts.seed = int(seed)

    def fit(self, data, target=None, drivers: Optional[Sequence[str]] = None, weights=None):
        """``fit(df, target="csat", drivers=[...], weights=None)`` or ``fit(X, y)``."""
        if isinstance(data, pd.DataFrame):
            if drivers is None:
                drivers = [c for c in data.columns if c != target and c != weights]
            x = data[list(drivers)].to_numpy(dtype=float)
            y = data[target].to_numpy(dtype=float)
            w = data[weights] if isinstance(weights, str) else weights
            names = list(drivers)
        else:
            x = np.asarray(data, dtype=float)
            y = np.asarray(target, dtype=float)
            w = weights
            names = list(drivers) if drivers is not None else [f"x{j}" for j in range(x.shape[1])]
        if x.ndim != 2:
            raise ValueError("drivers must be a 2-D table (rows x drivers)")
        p = x.shape[1]
        self._h = core.cx_drivers_fit_columns(_f64(x), _f64(y), _f64(w), p, self.opts)
        self.names_ = names
        self.r2_, self.n_, exact = core.cx_drivers_summary(self._h)
        self.exact_ = bool(exact)
        get = lambda m: core.cx_drivers_get(p, self._h, m)  # noqa: E731
        cols = {"beta": get(core.CX_DRIVER_BETA), "relative_weight": get(core.CX_DRIVER_RW),
                "lmg": get(core.CX_DRIVER_LMG)}
        if self.exact_:
            cols["first"] = get(core.CX_DRIVER_FIRST)
            cols["last"] = get(core.CX_DRIVER_LAST)
        if self.opts.bootstrap > 0:
            for name, lo, hi in (("beta", core.CX_DRIVER_BETA_LO, core.CX_DRIVER_BETA_HI),
                                 ("relative_weight", core.CX_DRIVER_RW_LO, core.CX_DRIVER_RW_HI),
                                 ("lmg", core.CX_DRIVER_LMG_LO, core.CX_DRIVER_LMG_HI)):
                cols[name + "_lo"] = get(lo)
                cols[name + "_hi"] = get(hi)
        t = pd.DataFrame(cols, index=pd.Index(names, name="driver"))
        t.insert(2, "relative_weight_share", t["relative_weight"] / self.r2_)
        t["lmg_share"] = t["lmg"] / self.r2_
        t.attrs.update(r2=self.r2_, n=self.n_, exact=self.exact_)
        self.importance_ = t
        return self

    @property
    def conditional_dominance_(self) -> pd.DataFrame:
        """Mean R² gain of each driver over subsets of size k (columns k = 0..p-1)."""
        p = len(self.names_)
        c = core.cx_drivers_conditional(p * p, self._h).reshape(p, p)
        return pd.DataFrame(c, index=self.names_, columns=pd.RangeIndex(p, name="k"))

    @property
    def complete_dominance_(self) -> pd.DataFrame:
        """1 where the row driver completely dominates the column driver, -1 the reverse."""
        p = len(self.names_)
        c = core.cx_drivers_complete_values(p * p, self._h).reshape(p, p).astype(int)
        return pd.DataFrame(c, index=self.names_, columns=self.names_)


def key_drivers(df: pd.DataFrame, target: str, drivers: Sequence[str], weights=None,
                **options) -> pd.DataFrame:
    """Importance table of :class:`KeyDrivers` (R², n and exactness in ``.attrs``)."""
    return KeyDrivers(**options).fit(df, target, drivers, weights).importance_


def ipa(importance, performance, importance_cut=None, performance_cut=None) -> pd.Series:
    """Importance-performance quadrant per attribute (cuts default to the means)."""
    idx = importance.index if isinstance(importance, pd.Series) else None
    q = core.cx_ipa_quadrants_values(len(importance), _f64(importance), _f64(performance),
                                     np.nan if importance_cut is None else float(importance_cut),
                                     np.nan if performance_cut is None else float(performance_cut))
    return pd.Series([IPA_QUADRANTS[int(v)] for v in q], index=idx, name="quadrant")


def kano(functional, dysfunctional) -> pd.Series:
    """Kano category of each answer pair (answers 1 like .. 5 dislike; NaN pairs -> None)."""
    f, d = _f64(functional), _f64(dysfunctional)
    c = core.cx_kano_classify_values(len(f), f, d)
    return pd.Series([KANO_CATEGORIES[int(v)] if v >= 0 else None for v in c],
                     index=functional.index if isinstance(functional, pd.Series) else None,
                     name="kano")


def kano_feature(functional, dysfunctional) -> pd.Series:
    """Tallies, modal category (ties M > O > A > I), Fong-test mixed flag, better and worse."""
    v = core.cx_kano_feature_values(10, _f64(functional), _f64(dysfunctional))
    s = pd.Series(dict(zip(KANO_CATEGORIES, v[:6])), dtype=object)
    s["category"] = KANO_CATEGORIES[int(v[6])]
    s["mixed"] = bool(v[7])
    s["better"] = float(v[8])
    s["worse"] = float(v[9])
    return s
