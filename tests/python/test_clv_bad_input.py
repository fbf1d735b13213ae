"""Issue 4 item 8 for every cxkit.clv model: each bad input gives a clear error naming the
parameter (or the documented result), never NaN."""
import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit.clv import (BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter,
                       ModifiedBetaGeoFitter, ParetoNBDFitter, ShiftedBetaGeoFitter,
                       summary_data_from_transaction_data, update_summary)

CONTINUOUS = [BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter]


@pytest.mark.parametrize("cls", CONTINUOUS)
@pytest.mark.parametrize("data,exc,param", [
    (([1, 2], [12, 5], [10, 10]), cxkit.InvalidArgument, "recency"),     # recency > T
    (([-1, 2], [0, 5], [10, 10]), cxkit.InvalidArgument, "frequency"),   # negative
    (([1.5, 2], [3, 5], [10, 10]), cxkit.InvalidArgument, "frequency"),  # not an integer
    (([np.nan, 2], [3, 5], [10, 10]), cxkit.InvalidArgument, "frequency"),
    (([0, 2], [3, 5], [10, 10]), cxkit.InvalidArgument, "recency"),      # recency without repeats
    (([1, 2], [3, 5], [0, 10]), cxkit.InvalidArgument, "T"),
    (([], [], []), cxkit.OutOfRange, "n"),                                # empty
    (([0, 0, 0], [0, 0, 0], [5, 6, 7]), cxkit.OutOfRange, "frequency"),  # all-zero frequencies
])
def test_continuous_models_name_the_bad_input(cls, data, exc, param):
    with pytest.raises(exc) as e:
        cls().fit(*data)
    assert e.value.param == param


@pytest.mark.parametrize("cls", CONTINUOUS + [BetaGeoBetaBinomFitter])
def test_a_single_customer_is_not_identified(cls):
    m = cls()
    with pytest.raises(cxkit.NotConverged) as e:
        m.fit([3], [5], [10] if cls is not BetaGeoBetaBinomFitter else [6])
    assert "identif" in str(e.value) or "converge" in str(e.value)
    assert not m.params_.isna().any() and (m.params_ == 1).all()  # the model is unchanged


def test_gamma_gamma_bad_input():
    with pytest.raises(cxkit.InvalidArgument) as e:
        GammaGammaFitter().fit([1, 2], [10.0, 0.0])            # monetary value <= 0
    assert e.value.param == "monetary_value"
    with pytest.raises(cxkit.InvalidArgument) as e:
        GammaGammaFitter().fit([0, 2], [10.0, 3.0])            # no repeat purchases
    assert e.value.param == "frequency"
    with pytest.raises(cxkit.OutOfRange) as e:
        GammaGammaFitter().fit([2], [10.0])                    # a single customer
    assert e.value.param == "monetary_value"
    with pytest.raises(cxkit.OutOfRange):
        GammaGammaFitter().fit([1, 2, 3], [10.0, 10.0, 10.0])  # no spread of spend
    with pytest.raises(cxkit.OutOfRange):
        GammaGammaFitter().fit([], [])
    gg = GammaGammaFitter()
    gg.params_ = [6.25, 0.9, 15.44]                            # q < 1: no population mean
    with pytest.raises(cxkit.OutOfRange) as e:
        gg.conditional_expected_average_profit([0.0], [0.0])
    assert e.value.param == "q"


def test_discrete_models_bad_input():
    with pytest.raises(cxkit.InvalidArgument) as e:
        BetaGeoBetaBinomFitter().fit([7], [5], [6])            # more purchases than periods
    assert e.value.param == "frequency"
    with pytest.raises(cxkit.OutOfRange):
        BetaGeoBetaBinomFitter().fit([0, 0], [0, 0], [6, 6])
    with pytest.raises(cxkit.InvalidArgument) as e:
        ShiftedBetaGeoFitter().fit([1], [2])
    assert e.value.param == "churned"
    with pytest.raises(cxkit.OutOfRange):
        ShiftedBetaGeoFitter().fit([], [])
    with pytest.raises(cxkit.NotConverged):
        ShiftedBetaGeoFitter().fit([3, 4, 5], [0, 0, 0])       # nobody churned: no dropout info


def test_predictions_intervals_and_covariates_bad_input():
    bg = BetaGeoFitter()
    bg.params_ = [0.243, 4.414, 0.793, 2.426]
    with pytest.raises(cxkit.InvalidArgument) as e:
        bg.predict(10, [1], [12], [10])
    assert e.value.param == "recency"
    with pytest.raises(cxkit.InvalidArgument) as e:
        bg.predict(-1, [1], [2], [10])
    assert e.value.param == "t"
    with pytest.raises(cxkit.StateError):                      # parameters set by hand
        bg.predict_interval(10, [1], [2], [10])
    with pytest.raises(cxkit.StateError):
        bg.bootstrap(5)
    with pytest.raises(ValueError):
        bg.predict_interval(10, [1], [2], [10], method="jackknife")
    with pytest.raises(cxkit.InvalidArgument) as e:
        BetaGeoFitter().fit([1, 2], [1, 2], [5, 5], purchase_covariates=np.array([1.0, np.nan]))
    assert e.value.param == "purchase"
    with pytest.raises(cxkit.InvalidArgument) as e:
        BetaGeoFitter().fit([1, 2], [1, 2], [5, 5], purchase_covariates=np.array([1.0, 2, 3]))
    assert e.value.param == "purchase_covariates"
    with pytest.raises(cxkit.NotSupported):
        ModifiedBetaGeoFitter().fit([1, 2], [1, 2], [5, 5], purchase_covariates=[1.0, 2.0])
    with pytest.raises(cxkit.InvalidArgument):
        BetaGeoFitter().fit([1, 2], [1, 2], [5, 5], weights=[1, -1])


def test_summaries_bad_input():
    empty = pd.DataFrame({"id": [], "date": pd.to_datetime([])})
    with pytest.raises(cxkit.OutOfRange):
        summary_data_from_transaction_data(empty, "id", "date",
                                           observation_period_end="2020-01-01")
    tx = pd.DataFrame({"id": ["a", "a"], "date": pd.to_datetime(["2020-01-01", "2020-01-05"])})
    s = summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2020-01-10")
    late = pd.DataFrame({"id": ["a"], "date": pd.to_datetime(["2020-01-02"])})
    with pytest.raises(cxkit.InvalidArgument):                 # before the last recorded day
        update_summary(s, late, "id", "date", "2020-01-20")
    with pytest.raises(ValueError):
        update_summary(pd.DataFrame({"frequency": [1]}), late, "id", "date", "2020-01-20")
