"""Reference values for tests/c/test_optim.c: a gamma sample and its MLE (root of the profile
score log k - digamma(k) = log mean - mean log, by scipy brentq). Run with /usr/bin/python3."""
import numpy as np
from scipy import special as sp, optimize as so, stats as st
rng = np.random.default_rng(2024)
x = np.round(rng.gamma(2.5, 1.7, size=40), 6)
s = np.log(x.mean()) - np.log(x).mean()
k = so.brentq(lambda k: np.log(k) - sp.digamma(k) - s, 1e-3, 1e3, xtol=1e-15, rtol=1e-15)
print("static const double gamma_data[] = {%s};" % ", ".join(repr(float(v)) for v in x))
print("static const double gamma_mle_shape = %r, gamma_mle_scale = %r;" % (float(k), float(x.mean() / k)))
a, loc, sc = st.gamma.fit(x, floc=0)
print("/* scipy.stats.gamma.fit(x, floc=0): shape %r scale %r */" % (a, sc))
