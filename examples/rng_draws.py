"""Reproducible draws from Python: cxkit.RNG gives the same numbers as the C library for the same
(seed, stream), as numpy arrays."""
import numpy as np

import cxkit

rng = cxkit.RNG(2024, 0)
ratings = 1 + rng.binomial(4, 0.8, size=10)          # 1..5 star ratings
waits = rng.gamma(2.0, 1.5, size=10)                 # minutes in the queue
print("ratings", ratings)
print("waits  ", np.round(waits, 2))

# one stream per customer: customer 7 is the same whatever else was drawn before
a = cxkit.RNG(2024, 7).normal(size=3)
b = cxkit.RNG(2024, 7).normal(size=3)
assert np.array_equal(a, b)
print("customer 7:", a)
