"""cxkit.clv threads: fits and predictions bit-identical for every thread count (the sums over
customers run in fixed blocks combined in order), and a bad thread count is an error."""
import numpy as np
import pytest

import cxkit
from cxkit.clv import BetaGeoFitter, ParetoNBDFitter


@pytest.mark.parametrize("cls,params", [
    (BetaGeoFitter, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}),
    (ParetoNBDFitter, {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}),
])
def test_results_do_not_depend_on_threads(cls, params):
    gen = cls()
    gen.params_ = params
    T = 27.0 + 12.0 * np.arange(6000) / 6000.0  # continuous ages: every row distinct
    d = gen.generate_new_data(size=T.size, T=T, seed=5)
    fits = []
    for nt in (1, 2, 3):
        m = cls().set_threads(nt).fit(d["frequency"], d["recency"], d["T"])
        fits.append((m.params_.to_numpy(), m.variance_matrix_.to_numpy(), m.log_likelihood_,
                     m.conditional_expected_number_of_purchases_up_to_time(
                         39.0, d["frequency"], d["recency"], d["T"]).to_numpy(),
                     m.conditional_probability_alive(d["frequency"], d["recency"],
                                                     d["T"]).to_numpy()))
    for other in fits[1:]:
        for a, b in zip(fits[0], other):
            assert np.array_equal(a, b)  # bit for bit, not approximately
    # and the fit recovers the generating parameters roughly (6000 customers)
    got = fits[0][0]
    want = np.array(list(params.values()))
    assert np.all(np.abs(np.log(got / want)) < 0.5)


def test_bad_thread_count_is_an_error():
    with pytest.raises(cxkit.InvalidArgument) as e:
        BetaGeoFitter().set_threads(-1)
    assert "n_threads" in str(e.value)
