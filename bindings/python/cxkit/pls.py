"""PLS path modelling (PLS-PM / PLS-SEM) for satisfaction-index models (ACSI, ECSI).

>>> import pandas as pd, cxkit.pls
>>> res = cxkit.pls.estimate('''
...     Satisfaction =~ CUSA1 + CUSA2 + CUSA3
...     Loyalty      =~ CUSL1 + CUSL2 + CUSL3
...     Loyalty ~ Satisfaction''', df)
>>> res.paths_table          # from, to, estimate
>>> res.summary()            # text report
>>> boot = res.bootstrap(5000, seed=1)
>>> boot.table("path")       # original, mean, sd, t, percentile and BCa limits

Every number comes from the C library (include/cxkit/pls.h); definitions are in docs/pls.md and
reproduce seminr 2.3.1 / SmartPLS's PLS algorithm (classic PLS-PM, mode A = correlation
weights). Tables are pandas objects labelled with construct and indicator names.
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import core

__all__ = ["Model", "estimate", "PLSResult", "BootstrapResult"]

_SCHEMES = {"path": core.CX_PLS_SCHEME_PATH, "factorial": core.CX_PLS_SCHEME_FACTORIAL,
            "centroid": core.CX_PLS_SCHEME_CENTROID}
_MISSING = {"mean": core.CX_PLS_MISSING_MEAN, "casewise": core.CX_PLS_MISSING_CASEWISE}
_SIGN = {"none": core.CX_PLS_SIGN_NONE, "construct": core.CX_PLS_SIGN_CONSTRUCT,
         "individual": core.CX_PLS_SIGN_INDIVIDUAL}
_STATS = {"weight": core.CX_PLS_STAT_WEIGHT, "loading": core.CX_PLS_STAT_LOADING,
          "path": core.CX_PLS_STAT_PATH, "total_effect": core.CX_PLS_STAT_TOTAL_EFFECT,
          "rsquared": core.CX_PLS_STAT_RSQUARED, "index": core.CX_PLS_STAT_INDEX,
          "htmt": core.CX_PLS_STAT_HTMT, "segment_index": core.CX_PLS_STAT_SEGMENT_INDEX,
          "indirect_effect": core.CX_PLS_STAT_INDIRECT_EFFECT, "rho_a": core.CX_PLS_STAT_RHO_A,
          "rho_c": core.CX_PLS_STAT_RHO_C, "ave": core.CX_PLS_STAT_AVE,
          "alpha": core.CX_PLS_STAT_ALPHA, "adj_rsquared": core.CX_PLS_STAT_ADJ_RSQUARED,
          "construct_correlation": core.CX_PLS_STAT_CONSTRUCT_CORR,
          "fornell_larcker": core.CX_PLS_STAT_FORNELL_LARCKER,
          "vif_inner": core.CX_PLS_STAT_VIF_INNER, "fsquare": core.CX_PLS_STAT_FSQUARE}


class Model:
    """A parsed model (lavaan-style syntax: ``=~`` mode A, ``<~`` mode B, ``~`` paths)."""

    def __init__(self, syntax: str, source_name: Optional[str] = None):
        self._m = core.cx_pls_model_parse(syntax, source_name)
        m = self._m
        self.constructs = [core.cx_pls_model_construct_name(m, i)
                           for i in range(core.cx_pls_model_n_constructs(m))]
        self.indicators = [core.cx_pls_model_indicator_name(m, k)
                           for k in range(core.cx_pls_model_n_indicators(m))]
        self.indicator_construct = [self.constructs[core.cx_pls_model_indicator_construct(m, k)]
                                    for k in range(len(self.indicators))]
        self.modes = ["B" if core.cx_pls_model_construct_mode(m, i) == core.CX_PLS_MODE_B
                      else "A" for i in range(len(self.constructs))]
        c = len(self.constructs)
        self.paths = [(self.constructs[i], self.constructs[j]) for i in range(c)
                      for j in range(c) if core.cx_pls_model_has_path(m, i, j)]

    def __repr__(self) -> str:
        return (f"Model({len(self.constructs)} constructs, {len(self.indicators)} indicators, "
                f"{len(self.paths)} paths)")


def _data(model: Model, df: pd.DataFrame, weights) -> "core.cx_pls_data":
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    d = core.cx_pls_data_new(len(df))
    present = [name for name in model.indicators if name in df.columns]
    # absent columns are left to the C library, whose error names them
    try:  # one conversion for the whole block; None / NaN are missing
        block = np.asfortranarray(df[present].to_numpy(dtype=float))
    except (ValueError, TypeError):  # text somewhere: name the column, never silently missing
        for name in present:
            try:
                pd.to_numeric(df[name])
            except (ValueError, TypeError) as e:
                raise ValueError(f"column {name!r} is not numeric: {e}") from None
        raise
    for j, name in enumerate(present):
        core.cx_pls_data_add_column(d, name, block[:, j])
    if weights is not None:
        w = df[weights] if isinstance(weights, str) else weights
        core.cx_pls_data_set_weights(d, np.asarray(w, dtype=float))
    return d


def estimate(model_syntax: Union[str, Model], dataframe: pd.DataFrame, *, scheme: str = "path",
             max_iter: int = 300, tolerance: float = 1e-7, consistent: bool = False,
             missing: str = "mean", missing_code: Optional[float] = None,
             weights: Union[None, str, Sequence[float]] = None,
             scale: Optional[tuple] = None) -> "PLSResult":
    """Estimate a PLS path model.

    Parameters: ``scheme`` ``"path"`` (default), ``"factorial"`` or ``"centroid"``;
    ``max_iter`` and ``tolerance`` (stop when the sum of absolute weight changes < tolerance;
    seminr's defaults); ``consistent`` PLSc for mode A constructs; ``missing`` ``"mean"``
    (replacement, the default) or ``"casewise"``; ``missing_code`` a value that also means
    missing (e.g. -99; NaN always does); ``weights`` survey weights (column name or sequence);
    ``scale`` (min, max) of the rating scale for the 0-100 index (default: observed range).
    """
    model = model_syntax if isinstance(model_syntax, Model) else Model(model_syntax)
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(_SCHEMES)}")
    if missing not in _MISSING:
        raise ValueError(f"missing must be one of {sorted(_MISSING)}")
    o = core.cx_pls_options()
    core.cx_pls_options_init(o)
    o.scheme = _SCHEMES[scheme]
    o.max_iter = int(max_iter)
    o.tolerance = float(tolerance)
    o.consistent = int(bool(consistent))
    o.missing = _MISSING[missing]
    if missing_code is not None:
        o.use_missing_code = 1
        o.missing_code = float(missing_code)
    if scale is not None:
        o.scale_min, o.scale_max = float(scale[0]), float(scale[1])
    index = dataframe.index if isinstance(dataframe, pd.DataFrame) else None
    data = _data(model, dataframe, weights)
    fit = core.cx_pls_fit_estimate(model._m, data, o)
    return PLSResult(model, fit, index)


class PLSResult:
    """The result of :func:`estimate`: pandas tables, :meth:`summary`, :meth:`bootstrap`."""

    def __init__(self, model: Model, fit, index=None):
        self.model = model
        self._fit = fit
        info = core.cx_pls_fit_info()
        core.cx_pls_fit_get_info(info, fit)
        self.n_rows, self.n_used = int(info.n_rows), int(info.n_used)
        self.n_missing_cells = int(info.n_missing_cells)
        self.n_rows_dropped = int(info.n_rows_dropped)
        self.iterations = int(info.iterations)
        self.weight_change = float(info.weight_change)
        self.consistent = bool(info.consistent)
        rows = core.cx_pls_fit_used_rows(self.n_used, fit)
        self._row_index = index[rows] if index is not None else pd.RangeIndex(self.n_rows)[rows]

    # ---- helpers
    @property
    def _C(self) -> int:
        return len(self.model.constructs)

    @property
    def _K(self) -> int:
        return len(self.model.indicators)

    def _items(self, values) -> pd.Series:
        idx = pd.MultiIndex.from_arrays([self.model.indicator_construct, self.model.indicators],
                                        names=["construct", "indicator"])
        return pd.Series(np.asarray(values), index=idx)

    def _cc(self, values) -> pd.DataFrame:
        c = self.model.constructs
        return pd.DataFrame(np.asarray(values).reshape(self._C, self._C), index=c, columns=c)

    def _per_path(self, mat: pd.DataFrame, name: str) -> pd.DataFrame:
        return pd.DataFrame([(a, b, mat.loc[a, b]) for a, b in self.model.paths],
                            columns=["from", "to", name])

    # ---- estimates
    @property
    def outer_weights(self) -> pd.Series:
        return self._items(core.cx_pls_fit_outer_weights(self._K, self._fit))

    @property
    def loadings(self) -> pd.Series:
        return self._items(core.cx_pls_fit_loadings(self._K, self._fit))

    @property
    def cross_loadings(self) -> pd.DataFrame:
        v = core.cx_pls_fit_cross_loadings(self._K * self._C, self._fit)
        return pd.DataFrame(v.reshape(self._K, self._C), index=self.model.indicators,
                            columns=self.model.constructs)

    @property
    def paths(self) -> pd.DataFrame:
        """Path coefficients as a C x C matrix (rows = from, columns = to)."""
        return self._cc(core.cx_pls_fit_paths(self._C * self._C, self._fit))

    @property
    def paths_table(self) -> pd.DataFrame:
        return self._per_path(self.paths, "estimate")

    @property
    def rsquared(self) -> pd.DataFrame:
        r2 = core.cx_pls_fit_rsquared(self._C, self._fit)
        adj = core.cx_pls_fit_adj_rsquared(self._C, self._fit)
        t = pd.DataFrame({"rsq": r2, "adj_rsq": adj}, index=self.model.constructs)
        return t.dropna()

    @property
    def total_effects(self) -> pd.DataFrame:
        return self._cc(core.cx_pls_fit_total_effects(self._C * self._C, self._fit))

    @property
    def indirect_effects(self) -> pd.DataFrame:
        return self._cc(core.cx_pls_fit_indirect_effects(self._C * self._C, self._fit))

    @property
    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effect for every pair with a nonzero total effect."""
        d, i, t = self.paths, self.indirect_effects, self.total_effects
        rows = [(a, b, d.loc[a, b], i.loc[a, b], t.loc[a, b]) for a in self.model.constructs
                for b in self.model.constructs if t.loc[a, b] != 0]
        return pd.DataFrame(rows, columns=["from", "to", "direct", "indirect", "total"])

    @property
    def construct_correlations(self) -> pd.DataFrame:
        return self._cc(core.cx_pls_fit_construct_correlations(self._C * self._C, self._fit))

    @property
    def scores(self) -> pd.DataFrame:
        v = core.cx_pls_fit_scores(self.n_used * self._C, self._fit)
        return pd.DataFrame(v.reshape(self.n_used, self._C), index=self._row_index,
                            columns=self.model.constructs)

    # ---- quality criteria
    @property
    def reliability(self) -> pd.DataFrame:
        v = core.cx_pls_fit_reliability(4 * self._C, self._fit).reshape(self._C, 4)
        return pd.DataFrame(v, index=self.model.constructs,
                            columns=["alpha", "rhoA", "rhoC", "AVE"])

    @property
    def htmt(self) -> pd.DataFrame:
        return self._cc(core.cx_pls_fit_htmt(self._C * self._C, self._fit))

    @property
    def fornell_larcker(self) -> pd.DataFrame:
        return self._cc(core.cx_pls_fit_fornell_larcker(self._C * self._C, self._fit))

    @property
    def vif_outer(self) -> pd.Series:
        return self._items(core.cx_pls_fit_vif_outer(self._K, self._fit))

    @property
    def vif_inner(self) -> pd.DataFrame:
        return self._per_path(self._cc(core.cx_pls_fit_vif_inner(self._C ** 2, self._fit)),
                              "vif")

    @property
    def fsquare(self) -> pd.DataFrame:
        return self._per_path(self._cc(core.cx_pls_fit_fsquare(self._C ** 2, self._fit)), "f2")

    # ---- index, IPMA
    @property
    def unstd_weights(self) -> pd.Series:
        return self._items(core.cx_pls_fit_unstd_weights(self._K, self._fit))

    @property
    def index(self) -> pd.Series:
        """ACSI-style 0-100 index per construct (formula in docs/pls.md)."""
        return pd.Series(core.cx_pls_fit_index(self._C, self._fit), index=self.model.constructs)

    @property
    def unstd_scores(self) -> pd.DataFrame:
        """Unstandardised construct scores (weighted item averages on the item scale)."""
        v = core.cx_pls_fit_unstd_scores(self.n_used * self._C, self._fit)
        return pd.DataFrame(v.reshape(self.n_used, self._C), index=self._row_index,
                            columns=self.model.constructs)

    @property
    def index_scores(self) -> pd.DataFrame:
        v = core.cx_pls_fit_index_scores(self.n_used * self._C, self._fit)
        return pd.DataFrame(v.reshape(self.n_used, self._C), index=self._row_index,
                            columns=self.model.constructs)

    def _segment_codes(self, segments):
        labels = pd.Series(np.asarray(segments))
        if len(labels) != self.n_rows:
            raise ValueError(f"{len(labels)} segment labels for {self.n_rows} rows")
        codes, uniques = pd.factorize(labels, sort=True)
        if (codes < 0).any():
            raise ValueError("segment labels must not be missing")
        return codes, uniques

    def index_by_segment(self, segments) -> pd.DataFrame:
        """Index per segment: ``segments`` is one label per data row (any hashable values)."""
        codes, uniques = self._segment_codes(segments)
        v = core.cx_pls_fit_index_segments(len(uniques) * self._C, self._fit,
                                           codes.astype(np.int64), len(uniques))
        return pd.DataFrame(v.reshape(len(uniques), self._C), index=uniques,
                            columns=self.model.constructs)

    def ipma(self, target: str) -> pd.DataFrame:
        """Importance (total effect in index units) and performance (index) for ``target``."""
        t = self.model.constructs.index(target)
        v = core.cx_pls_fit_ipma(2 * self._C, self._fit, t).reshape(self._C, 2)
        df = pd.DataFrame(v, index=self.model.constructs, columns=["importance", "performance"])
        return df[(df.index != target) & (df["importance"] != 0)]

    def specific_indirect(self, chain: Sequence[str]) -> float:
        """Specific indirect effect along ``chain`` (from, mediator(s), to): product of paths."""
        c = np.array([self.model.constructs.index(x) for x in chain], dtype=np.int64)
        return float(core.cx_pls_fit_specific_indirect(self._fit, c))

    # ---- resampling
    def bootstrap(self, n_boot: int = 5000, *, seed: int = 1, threads: int = 0,
                  sign_change: str = "none", level: float = 0.95, bca: bool = True,
                  segments=None, fsquare: bool = False) -> "BootstrapResult":
        """Bootstrap on all cores (``threads=0``); bit-identical for a seed. With ``segments``
        (one label per data row) the index per segment is bootstrapped too
        (``table("segment_index")``). ``fsquare=True`` also bootstraps f² (``table("fsquare")``),
        which re-estimates the model once per path in every replicate."""
        if sign_change not in _SIGN:
            raise ValueError(f"sign_change must be one of {sorted(_SIGN)}")
        o = core.cx_pls_boot_options()
        core.cx_pls_boot_options_init(o)
        o.n_boot, o.seed, o.n_threads = int(n_boot), int(seed), int(threads)
        o.sign_change, o.level, o.bca = _SIGN[sign_change], float(level), int(bool(bca))
        o.fsquare = int(bool(fsquare))
        if segments is None:
            return BootstrapResult(self, core.cx_pls_bootstrap(self._fit, o))
        codes, uniques = self._segment_codes(segments)
        b = core.cx_pls_bootstrap_segments(self._fit, o, codes.astype(np.int64), len(uniques))
        return BootstrapResult(self, b, list(uniques))

    def predict(self, k_folds: int = 10, seed: int = 1) -> pd.DataFrame:
        """PLSpredict: out-of-sample RMSE / MAE of PLS and the linear benchmark, Q2_predict."""
        v = core.cx_pls_predict(self._K * 5, self._fit, int(k_folds), int(seed))
        df = pd.DataFrame(v.reshape(self._K, 5), index=self.model.indicators,
                          columns=["pls_rmse", "pls_mae", "lm_rmse", "lm_mae", "q2_predict"])
        return df.dropna()

    def summary(self) -> str:
        """A text report: sample, convergence, paths, R², reliability, HTMT, index."""
        fmt = lambda df: df.to_string(float_format=lambda x: f"{x:.4f}")  # noqa: E731
        parts = [
            f"PLS path model: {len(self.model.constructs)} constructs, "
            f"{len(self.model.indicators)} indicators, {len(self.model.paths)} paths"
            + (" (PLSc)" if self.consistent else ""),
            f"rows: {self.n_rows} read, {self.n_used} used, {self.n_rows_dropped} dropped; "
            f"{self.n_missing_cells} missing values",
            f"converged: pass {self.iterations} (0-based), sum |dw| = {self.weight_change:.3g}",
            "", "Path coefficients:", fmt(self.paths_table.set_index(["from", "to"])),
            "", "R squared:", fmt(self.rsquared),
            "", "Reliability:", fmt(self.reliability),
            "", "Index (0-100):", fmt(self.index.to_frame("index")),
        ]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"<PLSResult {self.model!r}, n = {self.n_used}>"


class BootstrapResult:
    """Bootstrap of a :class:`PLSResult`: ``table(kind)`` and raw ``replicates(...)``."""

    def __init__(self, result: PLSResult, boot, segments=None):
        self.result = result
        self._boot = boot
        self.segments = segments or []
        info = core.cx_pls_boot_info()
        core.cx_pls_boot_get_info(info, boot)
        self.n_requested, self.n_ok = int(info.n_requested), int(info.n_ok)
        self.n_failed = int(info.n_failed)
        self.failed = {"constant": int(info.n_failed_constant),
                       "singular": int(info.n_failed_singular),
                       "not_converged": int(info.n_failed_notconv)}
        self.threads_used = int(info.threads_used)

    def _keys(self, kind: str):
        m = self.result.model
        c = m.constructs
        if kind in ("weight", "loading"):
            return [((m.indicator_construct[k], m.indicators[k]), k, 0)
                    for k in range(len(m.indicators))]
        if kind in ("path", "vif_inner", "fsquare"):
            return [((a, b), c.index(a), c.index(b)) for a, b in m.paths]
        if kind == "total_effect":
            t = self.result.total_effects
            return [((a, b), c.index(a), c.index(b)) for a in c for b in c if t.loc[a, b] != 0]
        if kind == "indirect_effect":
            t = self.result.indirect_effects
            return [((a, b), c.index(a), c.index(b)) for a in c for b in c if t.loc[a, b] != 0]
        if kind in ("rho_a", "rho_c", "ave", "alpha"):
            return [((j,), i, 0) for i, j in enumerate(c)]
        if kind in ("rsquared", "adj_rsquared"):
            return [((j,), c.index(j), 0) for j in self.result.rsquared.index]
        if kind == "index":
            return [((j,), i, 0) for i, j in enumerate(c)]
        if kind in ("construct_correlation", "fornell_larcker"):
            return [((a, b), i, j) for i, a in enumerate(c) for j, b in enumerate(c)
                    if i < j or (i == j and kind == "fornell_larcker")]
        if kind == "htmt":
            return [((a, b), i, j) for i, a in enumerate(c) for j, b in enumerate(c) if i < j]
        if kind == "segment_index":
            return [((g, b), i, j) for i, g in enumerate(self.segments)
                    for j, b in enumerate(c)]
        raise ValueError(f"kind must be one of {sorted(_STATS)}")

    def table(self, kind: str = "path") -> pd.DataFrame:
        """Original, mean, sd, t, percentile and BCa limits of every estimate of ``kind``: one of
        weight, loading, path, total_effect, indirect_effect, rsquared, adj_rsquared, rho_a,
        rho_c, ave, alpha, htmt, construct_correlation (i < j), fornell_larcker (sqrt(AVE) on
        the diagonal, correlations i < j), vif_inner, fsquare (needs ``fsquare=True``), index,
        segment_index."""
        rows, idx = [], []
        for key, i, j in self._keys(kind):
            s = core.cx_pls_boot_summary()
            core.cx_pls_boot_get_summary(s, self._boot, _STATS[kind], i, j)
            rows.append((s.original, s.mean, s.sd, s.t, s.pct_lo, s.pct_hi, s.bca_lo, s.bca_hi,
                         int(s.n)))
            idx.append(key)
        names = {"weight": ["construct", "indicator"], "loading": ["construct", "indicator"],
                 "rsquared": ["construct"], "index": ["construct"], "rho_a": ["construct"],
                 "rho_c": ["construct"], "ave": ["construct"], "alpha": ["construct"],
                 "adj_rsquared": ["construct"],
                 "segment_index": ["segment", "construct"]}.get(kind, ["from", "to"])
        index = pd.MultiIndex.from_tuples(idx, names=names) if len(names) > 1 else \
            pd.Index([k[0] for k in idx], name=names[0])
        return pd.DataFrame(rows, index=index, columns=["original", "mean", "sd", "t", "pct_lo",
                                                        "pct_hi", "bca_lo", "bca_hi", "n"])

    def specific_indirect(self, chain: Sequence[str]) -> pd.Series:
        """Bootstrap summary of the specific indirect effect along ``chain``."""
        c = np.array([self.result.model.constructs.index(x) for x in chain], dtype=np.int64)
        s = core.cx_pls_boot_summary()
        core.cx_pls_boot_specific_indirect(s, self._boot, self.result._fit, c)
        return pd.Series({"original": s.original, "mean": s.mean, "sd": s.sd, "t": s.t,
                          "pct_lo": s.pct_lo, "pct_hi": s.pct_hi, "bca_lo": s.bca_lo,
                          "bca_hi": s.bca_hi, "n": int(s.n)}, name=" -> ".join(chain))

    def replicates(self, kind: str, i: Union[int, str], j: Union[int, str] = 0) -> np.ndarray:
        """The successful replicates of one estimate (names or indices)."""
        m = self.result.model
        if isinstance(i, str):
            i = (m.indicators if kind in ("weight", "loading") else m.constructs).index(i)
        if isinstance(j, str):
            j = m.constructs.index(j)
        return core.cx_pls_boot_get_replicates(self.n_ok, self._boot, _STATS[kind], i, j)

    def __repr__(self) -> str:
        return (f"<BootstrapResult {self.n_ok} of {self.n_requested} replicates, "
                f"{self.n_failed} failed>")
