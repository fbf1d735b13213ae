"""Scale-out helpers for Dask: per-segment scores over a partitioned Dask DataFrame.

Each partition is reduced to one serialised :class:`cxkit.scores.Accumulator` per segment (a few
hundred bytes each, whatever the number of rows); the byte strings are merged in a tree and the
scores computed once at the end. Merging is exact, so the result equals the single-process
:func:`cxkit.scores.scores_by` for unweighted data (and to rounding for weighted data).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import pandas as pd

from .scores import Accumulator, _default_scale, _grouped, _table

__all__ = ["partition_accumulators", "merge_accumulators", "scores_by"]


def partition_accumulators(pdf: pd.DataFrame, by, rating: str, scale: Tuple[int, int],
                           weights=None, period=None, time="time") -> Dict[tuple, bytes]:
    """One partition -> {segment key: serialised accumulator}."""
    if len(pdf) == 0:
        return {}
    _, index, accs = _grouped(pdf, by, rating, scale, weights, period, time)
    return {(k if isinstance(k, tuple) else (k,)): a.to_bytes() for k, a in zip(index, accs)}


def merge_accumulators(a: Dict[tuple, bytes], b: Dict[tuple, bytes]) -> Dict[tuple, bytes]:
    """Merge two {segment: bytes} maps (the reduce step)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = (Accumulator.from_bytes(out[k]) + Accumulator.from_bytes(v)).to_bytes() \
            if k in out else v
    return out


def scores_by(ddf, by=None, rating: str = "csat", metric: Optional[str] = None, scale=None,
              period: Optional[str] = None, time: str = "time", weights: Optional[str] = None,
              threshold=None, level=0.95, method=None, buckets=(6, 9), split_every: int = 8):
    """:func:`cxkit.scores.scores_by` over a Dask DataFrame; returns a pandas DataFrame.

    Runs on whatever scheduler is active (e.g. a ``dask.distributed`` Client)."""
    import dask
    from dask import delayed

    scale = _default_scale(rating, scale)
    metric = metric or ("nps" if rating == "nps" else "csat")
    parts = [delayed(partition_accumulators)(p, by, rating, scale, weights, period, time)
             for p in ddf.to_delayed()]
    while len(parts) > 1:  # tree reduction
        parts = [delayed(_merge_many)(*parts[i:i + split_every])
                 for i in range(0, len(parts), split_every)]
    (merged,) = dask.compute(parts[0]) if parts else ({},)
    keys = sorted(merged)
    names = ([by] if isinstance(by, str) else list(by or [])) + (["period"] if period else [])
    if not names:
        names = ["all"]
    index = pd.MultiIndex.from_tuples(keys, names=names) if len(names) > 1 else \
        pd.Index([k[0] for k in keys], name=names[0])
    accs = [Accumulator.from_bytes(merged[k]) for k in keys]
    return _table(index, accs, metric, threshold, level, method, buckets)


def _merge_many(*maps):
    out: Dict[tuple, bytes] = {}
    for m in maps:
        out = merge_accumulators(out, m)
    return out
