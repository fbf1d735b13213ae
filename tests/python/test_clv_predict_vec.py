"""Predictions for many customers at once (the vectorised kernels of lib/clv/predict_vec.c)
against mpmath at 40 digits: P(alive), conditional expected purchases and CLV of BG/NBD, MBG/NBD
and Pareto/NBD (both branches of its hypergeometric form) over a grid of customers from x = 0 to
x = 400, repeated past the 1024-row blocks so that every copy of a row must give the same bits
whatever its neighbours."""
import mpmath as mp
import numpy as np
import pytest

from cxkit.clv import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

mp.mp.dps = 40

XS = [0, 1, 2, 5, 20, 100, 400]
TS = [1.0, 27.0, 39.0]
ROWS = [(x, 0.0 if x == 0 else f * T, T) for x in XS for T in TS
        for f in ((0.0,) if x == 0 else (0.1, 0.7, 1.0))]
REPEAT = 30  # 30 copies: rows land in different blocks and lane positions


def columns():
    x, tx, T = (np.array(c, dtype=float) for c in zip(*ROWS))
    return np.tile(x, REPEAT), np.tile(tx, REPEAT), np.tile(T, REPEAT)


def bg_truth(p, t, x, tx, T, shift):
    r, al, a, b = (mp.mpf(v) for v in p)
    x, tx, T, t = mp.mpf(x), mp.mpf(tx), mp.mpf(T), mp.mpf(t)
    if x == 0 and not shift:
        pa = mp.mpf(1)
    else:
        pa = 1 / (1 + a / (b + x - 1 + shift) * ((al + T) / (al + tx)) ** (r + x))
    c = a + b + x - 1 + shift
    h = mp.hyp2f1(r + x, b + x + shift, c, t / (al + T + t))
    return pa, c / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * h) * pa


def pn_truth(p, t, x, tx, T):
    r, al, s, be = (mp.mpf(v) for v in p)
    x, tx, T, t = mp.mpf(x), mp.mpf(tx), mp.mpf(T), mp.mpf(t)
    k = r + s + x
    if al >= be:
        F = lambda y: mp.hyp2f1(k, s + 1, k + 1, (al - be) / (al + y)) / (al + y) ** k
    else:
        F = lambda y: mp.hyp2f1(k, r + x, k + 1, (be - al) / (be + y)) / (be + y) ** k
    pa = 1 / (1 + s / k * (al + T) ** (r + x) * (be + T) ** s * (F(tx) - F(T)))
    ey = pa * (r + x) * (be + T) / ((al + T) * (s - 1)) * (1 - ((be + T) / (be + T + t)) ** (s - 1))
    return pa, ey


CASES = [
    (BetaGeoFitter, [0.243, 4.414, 0.793, 2.426], 0),
    (BetaGeoFitter, [0.3, 30.0, 3.5, 0.8], 0),  # a > r + x + 1: the scalar Euler side
    (BetaGeoFitter, [5.0, 4.0, 0.6, 0.7], 0),  # A = a+b-1-r < -1: all rows in lanes
    (ModifiedBetaGeoFitter, [0.525, 6.183, 0.891, 1.614], 1),
    (ParetoNBDFitter, [0.553, 10.578, 0.606, 11.669], None),  # alpha < beta
    (ParetoNBDFitter, [0.9, 25.0, 1.7, 3.0], None),  # alpha >= beta
]


@pytest.mark.parametrize("cls,params,shift", CASES)
def test_palive_and_conditional_match_mpmath(cls, params, shift):
    m = cls()
    m.params_ = params
    x, tx, T = columns()
    n = len(ROWS)
    pa = np.asarray(m.conditional_probability_alive(x, tx, T))
    for t in (0.5, 39.0, 200.0):
        ey = np.asarray(m.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T))
        # every copy of a row has the same bits
        assert np.array_equal(ey.reshape(REPEAT, n), np.tile(ey[:n], (REPEAT, 1)))
        for i, row in enumerate(ROWS):
            want_pa, want_ey = (bg_truth(params, t, *row, shift) if shift is not None
                                else pn_truth(params, t, *row))
            assert ey[i] == pytest.approx(float(want_ey), rel=1e-11), (row, t)
            assert pa[i] == pytest.approx(float(want_pa), rel=1e-12, abs=1e-300), row
    assert np.array_equal(pa.reshape(REPEAT, n), np.tile(pa[:n], (REPEAT, 1)))


@pytest.mark.parametrize("cls,params,shift", CASES)
def test_clv_is_the_discounted_sum_of_monthly_expectations(cls, params, shift):
    from cxkit.clv import GammaGammaFitter
    m = cls()
    m.params_ = params
    gg = GammaGammaFitter()
    gg.params_ = [6.25, 3.74, 15.44]
    x, tx, T = columns()
    x = np.maximum(x, 1.0)
    tx = np.where(tx > 0, tx, 0.5 * T)
    mbar = 20.0 + np.arange(len(x)) % 7
    clv = np.asarray(gg.customer_lifetime_value(m, x, tx, T, mbar, time=12, discount_rate=0.01,
                                                freq="W"))
    em = np.asarray(gg.conditional_expected_average_profit(x, mbar))
    want, prev = 0.0, 0.0
    for k in range(1, 13):
        cur = np.asarray(m.predict(4.345 * k, x, tx, T))
        want = want + em * (cur - prev) / 1.01 ** k
        prev = cur
    np.testing.assert_allclose(clv, want, rtol=1e-12)
