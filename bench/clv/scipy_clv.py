"""The peer: what a data scientist writes without lifetimes (not installable here) -- the same
closed-form likelihoods in numpy/scipy (lifetimes' formulas), minimised with scipy.optimize
(Nelder-Mead, lifetimes' own default method, from all-ones log-parameters), then predictions for
every customer. Usage: scipy_clv.py DATA.csv MODEL  (prints key=value)."""
import sys
import time

import numpy as np
import pandas as pd
from scipy import optimize, special as sp


def bg_nll(lp, x, tx, T):
    r, a, A, B = np.exp(lp)
    A1 = sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(a)
    A2 = sp.gammaln(A + B) + sp.gammaln(B + x) - sp.gammaln(B) - sp.gammaln(A + B + x)
    A3 = -(r + x) * np.log(a + T)
    A4 = np.where(x > 0, np.log(A) - np.log(np.maximum(B + x - 1, 1e-300))
                  - (r + x) * np.log(a + tx), -np.inf)
    return -(A1 + A2 + np.logaddexp(A3, A4)).mean()


def pnbd_nll(lp, x, tx, T):
    r, a, s, b = np.exp(lp)
    k = r + s + x
    if a >= b:
        F = lambda y: sp.hyp2f1(k, s + 1, k + 1, (a - b) / (a + y)) / (a + y) ** k
    else:
        F = lambda y: sp.hyp2f1(k, r + x, k + 1, (b - a) / (b + y)) / (b + y) ** k
    A0 = F(tx) - F(T)
    with np.errstate(all="ignore"):
        ll = (sp.gammaln(r + x) - sp.gammaln(r) + r * np.log(a) + s * np.log(b)
              + np.log((a + T) ** (-(r + x)) * (b + T) ** (-s) + s / k * A0))
    v = -ll.mean()
    return v if np.isfinite(v) else 1e300


def bg_predict(p, t, x, tx, T):
    r, a, A, B = p
    z = t / (a + T + t)
    h = sp.hyp2f1(r + x, B + x, A + B + x - 1, z)
    num = (A + B + x - 1) / (A - 1) * (1 - ((a + T) / (a + T + t)) ** (r + x) * h)
    den = 1 + (x > 0) * (A / np.maximum(B + x - 1, 1e-300)) * ((a + T) / (a + tx)) ** (r + x)
    return num / den


def pnbd_predict(p, t, x, tx, T):
    r, a, s, b = p
    k = r + s + x
    if a >= b:
        F = lambda y: sp.hyp2f1(k, s + 1, k + 1, (a - b) / (a + y)) / (a + y) ** k
    else:
        F = lambda y: sp.hyp2f1(k, r + x, k + 1, (b - a) / (b + y)) / (b + y) ** k
    A0 = F(tx) - F(T)
    palive = 1 / (1 + s / k * (a + T) ** (r + x) * (b + T) ** s * A0)
    return palive * (r + x) * (b + T) / ((a + T) * (s - 1)) * (1 - ((b + T) / (b + T + t)) ** (s - 1))


def main():
    d = pd.read_csv(sys.argv[1], header=None, names=["model", "x", "tx", "T"])
    model = sys.argv[2]
    d = d[d.model == model]
    x, tx, T = (d[c].to_numpy(float) for c in ("x", "tx", "T"))
    nll, pred = (bg_nll, bg_predict) if model == "bgnbd" else (pnbd_nll, pnbd_predict)
    t0 = time.process_time()
    res = optimize.minimize(nll, np.zeros(4), args=(x, tx, T), method="Nelder-Mead",
                            options=dict(maxiter=4000, xatol=1e-6, fatol=1e-10))
    t_fit = time.process_time() - t0
    p = np.exp(res.x)
    t0 = time.process_time()
    e = pred(p, 39.0, x, tx, T)
    t_pred = time.process_time() - t0
    print(f"fit={t_fit:.6f} predict={t_pred:.6f} loglik={-res.fun * len(x):.10g} "
          f"nfev={res.nfev} params={p[0]:.6g},{p[1]:.6g},{p[2]:.6g},{p[3]:.6g} "
          f"finite={int(np.isfinite(e).all())}")


main()
