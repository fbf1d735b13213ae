"""Satisfaction scores: CSAT, NPS, CES, distributions, intervals, mergeable accumulators,
group-by with shrinkage, perception gaps and SERVQUAL (C: include/cxkit/scores.h).

Arrays go in as anything numpy can convert (lists, numpy arrays, pandas Series); results come
back as pandas Series / DataFrames. NPS values (estimate, SE, limits) are points on -100..100;
shares are fractions. Missing ratings (NaN) are skipped. See docs/scores.md for the methods.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import core

__all__ = [
    "Accumulator", "prop_ci", "prop_diff", "nps", "nps_counts", "nps_diff", "csat", "ces",
    "distribution", "scores_by", "shrink", "trend", "gap", "servqual", "summarize",
    "PROP_METHODS", "NPS_METHODS", "MEAN_METHODS",
]

PROP_METHODS = {"wilson": core.CX_PROP_WILSON, "wald": core.CX_PROP_WALD,
                "agresti_coull": core.CX_PROP_AGRESTI_COULL,
                "clopper_pearson": core.CX_PROP_CLOPPER_PEARSON,
                "jeffreys": core.CX_PROP_JEFFREYS}
NPS_METHODS = {"score": core.CX_NPS_SCORE, "wald": core.CX_NPS_WALD,
               "adjusted_wald": core.CX_NPS_ADJUSTED_WALD, "bayes": core.CX_NPS_BAYES}
MEAN_METHODS = {"t": core.CX_MEAN_T, "dirichlet": core.CX_MEAN_DIRICHLET,
                "hoeffding": core.CX_MEAN_HOEFFDING}
_KINDS = {"top_box": core.CX_SCORE_TOP_BOX, "mean": core.CX_SCORE_MEAN,
          "nps": core.CX_SCORE_NPS}


def _method(table: dict, name) -> int:
    if isinstance(name, (int, np.integer)):
        return int(name)
    try:
        return table[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; one of {sorted(table)}") from None


def _f64(x) -> np.ndarray:
    if x is None:
        return np.empty(0)
    return np.ascontiguousarray(np.asarray(x, dtype=np.float64).ravel())


class Accumulator:
    """Mergeable rating accumulator on an integer scale (``cx_acc``).

    Holds, per scale point, the count and the sums of weights and squared weights, so that
    partial accumulators merge exactly (``a.merge(b)`` or ``a + b``) and serialise to a
    versioned byte string (``to_bytes`` / ``from_bytes``; also used by pickle)."""

    def __init__(self, scale: Tuple[int, int] = (0, 10), *, _handle=None):
        self._h = _handle if _handle is not None else core.cx_acc_new(int(scale[0]), int(scale[1]))

    # -- building --
    def add(self, ratings, weights=None) -> "Accumulator":
        """Add ratings (NaN = absent) with optional weights; all or nothing."""
        core.cx_acc_add_columns(self._h, _f64(ratings), _f64(weights))
        return self

    def merge(self, other: "Accumulator") -> "Accumulator":
        core.cx_acc_merge(self._h, other._h)
        return self

    def __iadd__(self, other):
        return self.merge(other)

    def __add__(self, other):
        return self.copy().merge(other)

    def copy(self) -> "Accumulator":
        return Accumulator(_handle=core.cx_acc_dup(self._h))

    # -- serialisation --
    def to_bytes(self) -> bytes:
        return core.cx_acc_serialize(self._h)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Accumulator":
        """Restore; corrupt or truncated bytes raise :class:`cxkit.FormatError`."""
        return cls(_handle=core.cx_acc_deserialize(bytes(data)))

    def __reduce__(self):
        return (Accumulator.from_bytes, (self.to_bytes(),))

    # -- reading --
    @property
    def scale(self) -> Tuple[int, int]:
        lo, hi = core.cx_acc_scale(self._h)
        return int(lo), int(hi)

    @property
    def count(self) -> int:
        return int(core.cx_acc_count(self._h))

    def __len__(self) -> int:
        return self.count

    def sizes(self) -> dict:
        n, w, ne = core.cx_acc_sizes(self._h)
        return {"n": n, "weight_sum": w, "n_eff": ne}

    def distribution(self) -> pd.DataFrame:
        lo, hi = self.scale
        k = hi - lo + 1
        idx = pd.Index(np.arange(lo, hi + 1), name="rating")
        return pd.DataFrame({"count": core.cx_acc_distribution_values(k, self._h, 0),
                             "weight": core.cx_acc_distribution_values(k, self._h, 1),
                             "share": core.cx_acc_distribution_values(k, self._h, 2)}, index=idx)

    def mean(self, level: float = 0.95, method="t") -> pd.Series:
        m, se, lo, hi = core.cx_acc_mean(self._h, level, _method(MEAN_METHODS, method))
        return pd.Series({"mean": m, "se": se, "lo": lo, "hi": hi})

    def top_box(self, threshold: float, level: float = 0.95, method="wilson") -> pd.Series:
        s, lo, hi = core.cx_acc_top_box(self._h, float(threshold), level,
                                        _method(PROP_METHODS, method))
        return pd.Series({"share": s, "lo": lo, "hi": hi})

    def nps(self, level: float = 0.95, method="score",
            buckets: Tuple[float, float] = (6, 9)) -> pd.Series:
        """NPS with ``buckets = (detractor_max, promoter_min)`` (standard: 0-6 / 9-10)."""
        v = core.cx_acc_nps_values(9, self._h, float(buckets[0]), float(buckets[1]), level,
                                   _method(NPS_METHODS, method))
        return pd.Series(v, index=["nps", "se", "lo", "hi", "promoters", "passives",
                                   "detractors", "n", "n_eff"])

    def __repr__(self) -> str:
        lo, hi = self.scale
        return f"<cxkit.scores.Accumulator scale={lo}..{hi} count={self.count}>"


# ---- intervals and tests ------------------------------------------------------------------

def prop_ci(x: float, n: float, level: float = 0.95, method="wilson") -> Tuple[float, float]:
    """Interval for a proportion x/n (x may be fractional for weighted data with n = n_eff)."""
    lo, hi = core.cx_prop_ci(float(x), float(n), level, _method(PROP_METHODS, method))
    return lo, hi


def prop_diff(x1, n1, x2, n2, level: float = 0.95) -> pd.Series:
    """p1 - p2 with Newcombe's hybrid score interval and the pooled z test."""
    d, lo, hi, z, p = core.cx_prop_diff(float(x1), float(n1), float(x2), float(n2), level)
    return pd.Series({"diff": d, "lo": lo, "hi": hi, "z": z, "p_value": p})


def nps_counts(promoters, passives, detractors, level=0.95, method="score") -> pd.Series:
    """NPS (points), multinomial SE and interval from the three counts."""
    v, se, lo, hi = core.cx_nps_counts(float(promoters), float(passives), float(detractors),
                                       level, _method(NPS_METHODS, method))
    return pd.Series({"nps": v, "se": se, "lo": lo, "hi": hi})


def nps_diff(counts1: Sequence[float], counts2: Sequence[float], level=0.95,
             method="score") -> pd.Series:
    """Difference of two independent NPS values from (promoters, passives, detractors)."""
    d, lo, hi, z, p = core.cx_nps_diff_counts(*map(float, counts1), *map(float, counts2), level,
                                              _method(NPS_METHODS, method))
    return pd.Series({"diff": d, "lo": lo, "hi": hi, "z": z, "p_value": p})


# ---- array-level metrics ------------------------------------------------------------------

def nps(ratings, weights=None, level=0.95, method="score", buckets=(6, 9),
        scale=(0, 10)) -> pd.Series:
    """NPS of 0..10 likelihood-to-recommend ratings (points), shares, n and Kish n_eff."""
    return Accumulator(scale).add(ratings, weights).nps(level, method, buckets)


def summarize(acc: Accumulator, threshold: Optional[float] = None, level=0.95,
              method="wilson", mean_method="t") -> pd.Series:
    """Mean and top-box share (threshold default: the top two points) of an accumulator."""
    lo, hi = acc.scale
    thr = hi - 1 if threshold is None else threshold
    sz = acc.sizes()
    if sz["n_eff"] > 1:
        m = acc.mean(level, mean_method)
    else:  # one effective rating: a mean but no interval
        d = acc.distribution()
        m = pd.Series({"mean": float((d.index * d["weight"]).sum() / d["weight"].sum()),
                       "se": np.nan, "lo": np.nan, "hi": np.nan})
    t = acc.top_box(thr, level, method)
    return pd.Series({"mean": m["mean"], "mean_lo": m["lo"], "mean_hi": m["hi"], "se": m["se"],
                      "top_box": t["share"], "top_box_lo": t["lo"], "top_box_hi": t["hi"],
                      "n": sz["n"], "n_eff": sz["n_eff"]})


def csat(ratings, scale=(1, 5), threshold=None, weights=None, level=0.95, method="wilson",
         mean_method="t") -> pd.Series:
    """CSAT mean (t interval clipped to the scale) and top-k-box share (Wilson interval on
    Kish n_eff). ``threshold`` defaults to the top two points (4 on 1..5)."""
    return summarize(Accumulator(scale).add(ratings, weights), threshold, level, method,
                     mean_method)


def ces(ratings, scale=(1, 7), threshold=5, weights=None, level=0.95, **kw) -> pd.Series:
    """Customer Effort Score 2.0 (1..7, higher = easier): mean and share agreeing (>= 5)."""
    return csat(ratings, scale, threshold, weights, level, **kw)


def distribution(ratings, scale=(1, 5), weights=None) -> pd.DataFrame:
    """Counts, weight sums and weighted shares per scale point."""
    return Accumulator(scale).add(ratings, weights).distribution()


# ---- group-by -----------------------------------------------------------------------------

_PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def _period_labels(times: pd.Series, period: str) -> pd.Series:
    t = pd.to_datetime(times, utc=True)
    if period == "week":  # Monday of the ISO week, like the C library
        return (t.dt.floor("D") - pd.to_timedelta(t.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    if period == "quarter":
        return t.dt.year.astype(str) + "-Q" + t.dt.quarter.astype(str)
    if period not in fmt:
        raise ValueError(f"unknown period {period!r}")
    return t.dt.strftime(fmt[period])


def _grouped(df: pd.DataFrame, by, rating: str, scale, weights, period, time):
    by = [by] if isinstance(by, str) else list(by or [])
    keys = df[by].copy() if by else pd.DataFrame(index=df.index)
    if period:
        keys["period"] = _period_labels(df[time], period)
    if keys.shape[1] == 0:
        keys["all"] = "all"
    g = keys.groupby(list(keys.columns), sort=True, dropna=True)
    codes = g.ngroup()
    codes = np.ascontiguousarray(codes.fillna(-1).to_numpy(dtype=np.int64))
    index = g.size().index
    w = None if weights is None else (df[weights] if isinstance(weights, str) else weights)
    t = core.cx_scores_group_columns(codes, _f64(df[rating]), _f64(w), len(index),
                                     int(scale[0]), int(scale[1]))
    accs = [Accumulator(_handle=core.cx_scores_acc_copy(t, i)) for i in range(len(index))]
    return t, index, accs


def _default_scale(rating: str, scale):
    if scale is not None:
        return scale
    return {"nps": (0, 10), "ces": (1, 7)}.get(rating, (1, 5))


_NPS_COLS = ["nps", "se", "lo", "hi", "promoters", "passives", "detractors", "n", "n_eff"]
_CSAT_COLS = ["mean", "mean_lo", "mean_hi", "se", "top_box", "top_box_lo", "top_box_hi", "n",
              "n_eff"]


def _csat_row(h, thr, level, pm):
    n, _, ne = core.cx_acc_sizes(h)
    if ne > 1:
        m, se, lo, hi = core.cx_acc_mean(h, level, core.CX_MEAN_T)
    else:  # one effective rating: a mean but no interval
        lo_s, hi_s = core.cx_acc_scale(h)
        w = core.cx_acc_distribution_values(hi_s - lo_s + 1, h, 1)
        m = float(np.dot(np.arange(lo_s, hi_s + 1), w) / w.sum())
        se = lo = hi = np.nan
    s, slo, shi = core.cx_acc_top_box(h, thr, level, pm)
    return [m, lo, hi, se, s, slo, shi, n, ne]


def _table(index, accs, metric, threshold, level, method, buckets):
    """One row of scores per accumulator (plain lists, then one DataFrame: fast for many
    groups)."""
    rows = []
    if metric == "nps":
        m = _method(NPS_METHODS, method or "score")
        for acc in accs:
            rows.append(core.cx_acc_nps_values(9, acc._h, float(buckets[0]), float(buckets[1]),
                                               level, m) if acc.count else [np.nan] * 9)
        return pd.DataFrame(rows, index=index, columns=_NPS_COLS)
    pm = _method(PROP_METHODS, method or "wilson")
    for acc in accs:
        if acc.count == 0:
            rows.append([np.nan] * 9)
            continue
        thr = float(acc.scale[1] - 1 if threshold is None else threshold)
        rows.append(_csat_row(acc._h, thr, level, pm))
    return pd.DataFrame(rows, index=index, columns=_CSAT_COLS)


_PERIODS = {None: 0, "none": 0, "day": 1, "week": 2, "month": 3, "quarter": 4, "year": 5}


def _grouped_log(log, by, rating: str, scale, weights, period):
    """C group-by over a :class:`cxkit.Log` (the fast path: one pass over its columns)."""
    from .log import _field
    by = [by] if isinstance(by, str) else list(by or [])
    w = None if weights is None else _f64(log[weights] if isinstance(weights, str) else weights)
    if period not in _PERIODS:
        raise ValueError(f"unknown period {period!r}")
    t = core.cx_scores_group_log(log._h, _field(rating),
                                 np.array([_field(b) for b in by], dtype=np.int64),
                                 _PERIODS[period], _f64(w), int(scale[0]), int(scale[1]))
    ng, nk = core.cx_scores_groups(t), core.cx_scores_keys(t)
    names = [core.cx_scores_key_name(t, q) for q in range(nk)]
    tuples = [tuple(core.cx_scores_label(t, g, q) for q in range(nk)) for g in range(ng)]
    if nk == 0:
        index = pd.Index(["all"] * ng, name="all")
    elif nk == 1:
        index = pd.Index([x[0] for x in tuples], name=names[0])
    else:
        index = pd.MultiIndex.from_tuples(tuples, names=names)
    accs = [Accumulator(_handle=core.cx_scores_acc_copy(t, i)) for i in range(ng)]
    return t, index, accs


def scores_by(df: pd.DataFrame, by=None, rating: str = "csat", metric: Optional[str] = None,
              scale=None, period: Optional[str] = None, time: str = "time", weights=None,
              threshold=None, level=0.95, method=None, buckets=(6, 9)) -> pd.DataFrame:
    """Scores per group of a DataFrame (one row per interaction) or a :class:`cxkit.Log`
    (grouped in C in one pass; the CSAT scale then comes from its csat_min / csat_max).

    ``by``: column name(s) (touchpoint, channel, employee, ...); ``period``: day / week /
    month / quarter / year from the ``time`` column (UTC; weeks labelled by their Monday).
    ``metric``: "nps" (default for rating "nps") or "csat" (mean + top-box). Rows with a
    missing key or rating are skipped; a DataFrame group whose ratings are all missing gets a
    row of NaN. Returns one row per group, ordered by the keys."""
    scale = _default_scale(rating, scale)
    metric = metric or ("nps" if rating == "nps" else "csat")
    if hasattr(df, "_h") and not isinstance(df, pd.DataFrame):  # a cxkit.Log: C group-by
        csat_from_log = rating not in ("nps", "ces") and scale == (1, 5)
        _, index, accs = _grouped_log(df, by, rating, (0, 0) if csat_from_log else scale,
                                      weights, period)
    else:
        _, index, accs = _grouped(df, by, rating, scale, weights, period, time)
    return _table(index, accs, metric, threshold, level, method, buckets)


def trend(df: pd.DataFrame, rating: str = "csat", period: str = "month", time: str = "time",
          kind: str = "mean", scale=None, threshold=None) -> pd.Series:
    """Linear trend of a score over calendar periods: weighted least squares of the
    per-period estimates on time (in years) with inverse-variance weights. Returns slope per
    year (NPS points, scale units or share), its SE and the two-sided p-value."""
    scale = _default_scale(rating, scale)
    thr = (scale[1] - 1) if threshold is None else threshold
    t, index, _ = _grouped(df, None, rating, scale, None, period, time)
    starts = pd.to_datetime(pd.Series(index.get_level_values("period")).map(
        lambda s: s.replace("-Q1", "-01").replace("-Q2", "-04").replace("-Q3", "-07")
        .replace("-Q4", "-10")), utc=True)
    core.cx_scores_set_periods(t, np.ascontiguousarray(
        (starts.astype("int64") // 10**9).to_numpy(dtype=np.int64)))
    slope, se, p = core.cx_scores_trend(t, _method(_KINDS, kind), float(thr))
    return pd.Series({"slope_per_year": slope, "se": se, "p_value": p})


def shrink(df: pd.DataFrame, by="employee", rating: str = "csat", kind: str = "top_box",
           scale=None, threshold=None) -> pd.DataFrame:
    """Raw and empirical-Bayes shrunk score per group, side by side (docs/scores.md).

    kind "top_box" (beta-binomial prior by marginal likelihood), "mean" or "nps" (normal-normal,
    DerSimonian-Laird). The fitted prior is in ``result.attrs["prior"]``."""
    scale = _default_scale(rating, scale)
    thr = (scale[1] - 1) if threshold is None else threshold
    t, index, accs = _grouped(df, by, rating, scale, None, None, "time")
    g = len(index)
    v = core.cx_scores_shrink_values(2 * g + 2, t, _method(_KINDS, kind), float(thr))
    out = pd.DataFrame({"n": [a.count for a in accs], "raw": v[:g], "shrunk": v[g:2 * g]},
                       index=index)
    out["rank_raw"] = out["raw"].rank(ascending=False, method="min")
    out["rank_shrunk"] = out["shrunk"].rank(ascending=False, method="min")
    out.attrs["prior"] = tuple(v[2 * g:])
    return out


# ---- gaps ---------------------------------------------------------------------------------

_GAP_FIELDS = ["n", "mean_a", "mean_b", "gap", "lo", "hi", "t", "p_value", "top_a", "top_b",
               "top_diff", "top_lo", "top_hi", "mcnemar_p"]


def gap(a, b, superior: float, level=0.95) -> pd.Series:
    """Perception gap between paired ratings a (e.g. employee self-rating) and b (customer):
    mean gap with a paired t test, and the shares calling the contact "superior" (>= superior)
    with Tango's score interval for their difference and the exact McNemar test."""
    v = core.cx_gap_paired_values(14, _f64(a), _f64(b), float(superior), level)
    return pd.Series(v, index=_GAP_FIELDS)


def gap_by(df: pd.DataFrame, by, a: str = "self_rating", b: str = "csat", superior=5,
           level=0.95) -> pd.DataFrame:
    """:func:`gap` per group (groups with fewer than two pairs get NaN statistics)."""
    rows, idx = [], []
    for key, sub in df.groupby(by, sort=True, dropna=True):
        idx.append(key)
        try:
            rows.append(gap(sub[a], sub[b], superior, level))
        except ValueError:
            rows.append(pd.Series(np.nan, index=_GAP_FIELDS))
    return pd.DataFrame(rows, index=pd.Index(idx, name=by if isinstance(by, str) else None))


SERVQUAL_DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


def servqual(perception, expectation, dims: Sequence[int], importance=None) -> dict:
    """SERVQUAL gaps: perception and expectation are respondents x items (DataFrames or 2-D
    arrays), dims the dimension (0..4) of each item, importance respondents x 5 points.
    Returns {"items": Series, "dimensions": Series, "overall": float, "weighted": float}."""
    p = np.asarray(perception, dtype=float)
    e = np.asarray(expectation, dtype=float)
    k = p.shape[1]
    v = core.cx_servqual_values(k + 7, _f64(p), _f64(e), _f64(dims), _f64(importance))
    items = getattr(perception, "columns", range(k))
    return {"items": pd.Series(v[:k], index=items),
            "dimensions": pd.Series(v[k:k + 5], index=SERVQUAL_DIMENSIONS),
            "overall": float(v[k + 5]), "weighted": float(v[k + 6])}
