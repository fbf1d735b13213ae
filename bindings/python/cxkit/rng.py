"""Deterministic random numbers (docs/rng.md): ``cxkit.RNG(seed, stream)`` with numpy results.

The draws are bit-identical to the C library's for the same (seed, stream): a Python prototype
and the C program that runs it at scale see the same numbers.
"""
from __future__ import annotations

from typing import Optional, Union

import numpy as np

from . import core

Number = Union[float, np.ndarray]
Count = Union[int, np.ndarray]


class RNG:
    """xoshiro256** seeded from ``(seed, stream)``; distinct streams are independent.

    Each sampler returns one draw when ``size`` is None, else a numpy array of ``size`` draws
    (float64; int64 for ``poisson``, ``binomial`` and ``below``). One generator must not be
    used from two threads at once; give each thread its own stream.
    """

    def __init__(self, seed: int = 0, stream: int = 0):
        self._h = core.cx_rng_new(int(seed), int(stream))

    def copy(self) -> "RNG":
        """An independent copy with the same state (it continues the same sequence)."""
        c = RNG.__new__(RNG)
        c._h = core.cx_rng_dup(self._h)
        return c

    def jump(self) -> "RNG":
        """Advance by 2^128 draws (a non-overlapping subsequence); returns self."""
        core.cx_rng_jump(self._h)
        return self

    def next_u64(self) -> int:
        """The next raw 64-bit output."""
        return core.cx_rng_next_u64(self._h)

    def below(self, n: int, size: Optional[int] = None) -> Count:
        """Uniform integers in [0, n) without modulo bias (Lemire's method)."""
        if size is None:
            return core.cx_rng_below(self._h, int(n))
        return core.cx_rng_fill_below_i64(int(size), self._h, int(n))

    def uniform(self, size: Optional[int] = None) -> Number:
        """Uniform on [0, 1) with 53 random bits."""
        if size is None:
            return core.cx_rng_uniform(self._h)
        return core.cx_rng_fill_uniform(int(size), self._h)

    def normal(self, mean: float = 0.0, sd: float = 1.0, size: Optional[int] = None) -> Number:
        """Normal with mean ``mean`` and standard deviation ``sd`` (ziggurat)."""
        if size is None:
            return core.cx_rng_normal(self._h, float(mean), float(sd))
        return core.cx_rng_fill_normal(int(size), self._h, float(mean), float(sd))

    def gamma(self, shape: float, scale: float = 1.0, size: Optional[int] = None) -> Number:
        """Gamma with ``shape`` > 0 and ``scale`` > 0 (mean shape * scale)."""
        if size is None:
            return core.cx_rng_gamma(self._h, float(shape), float(scale))
        return core.cx_rng_fill_gamma(int(size), self._h, float(shape), float(scale))

    def beta(self, a: float, b: float, size: Optional[int] = None) -> Number:
        """Beta with ``a`` > 0, ``b`` > 0."""
        if size is None:
            return core.cx_rng_beta(self._h, float(a), float(b))
        return core.cx_rng_fill_beta(int(size), self._h, float(a), float(b))

    def poisson(self, lam: float, size: Optional[int] = None) -> Count:
        """Poisson with mean ``lam`` in [0, 1e15)."""
        if size is None:
            return core.cx_rng_poisson(self._h, float(lam))
        return core.cx_rng_fill_poisson(int(size), self._h, float(lam)).astype(np.int64)

    def binomial(self, n: int, p: float, size: Optional[int] = None) -> Count:
        """Successes in ``n`` trials of probability ``p``."""
        if size is None:
            return core.cx_rng_binomial(self._h, int(n), float(p))
        return core.cx_rng_fill_binomial(int(size), self._h, int(n), float(p)).astype(np.int64)
