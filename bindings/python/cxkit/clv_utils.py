"""lifetimes' ``utils`` for cxkit.clv: summaries, tracking and alive paths.

Also importable as ``cxkit.clv.utils``, so that ``from lifetimes.utils import ...`` becomes
``from cxkit.clv.utils import ...``. The summaries run in the C library (see
``cxkit.clv.summary_data_from_transaction_data``); the tracking functions here are small
pandas computations around a fitted model's predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clv import (calibration_and_holdout_data, summary_data_from_transaction_data,  # noqa: F401
                  update_summary)
from .errors import NotConverged as ConvergenceError  # noqa: F401  (lifetimes' name)

__all__ = [
    "summary_data_from_transaction_data", "calibration_and_holdout_data", "update_summary",
    "calculate_alive_path", "expected_cumulative_transactions", "customer_lifetime_value",
    "ConvergenceError",
]


def _ordinals(transactions, datetime_col, datetime_format, freq):
    """Period numbers of the transactions (pandas periods of freq, e.g. 'D' or 'W')."""
    dt = pd.to_datetime(transactions[datetime_col], format=datetime_format)
    return dt.dt.to_period(freq).array.asi8


def calculate_alive_path(model, transactions, datetime_col, t, freq="D"):
    """P(alive) of one customer (their transactions) at ages 0, 1, ..., t periods of freq since
    their first purchase period (longer if they bought later than t): at each age, frequency is
    the number of earlier purchase periods after the first and recency the age at the last one.
    A pandas Series indexed by age. The model's time unit must be freq."""
    k = _ordinals(transactions, datetime_col, None, freq)
    k = np.unique(k - k.min())
    ages = np.arange(max(int(t) + 1, int(k.max()) + 1))
    bought = np.isin(ages, k)
    frequency = np.cumsum(bought) - 1
    recency = np.maximum.accumulate(np.where(bought, ages, 0))
    alive = np.ones(len(ages))
    later = ages > 0  # at age 0 the customer has just bought: alive
    if later.any():
        alive[later] = np.asarray(model.conditional_probability_alive(
            frequency[later].astype(float), recency[later].astype(float),
            ages[later].astype(float)), dtype=float)
    return pd.Series(alive, index=ages)


def expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t,
                                     datetime_format=None, freq="D", freq_multiplier=1,
                                     set_index_date=False):
    """Actual and predicted cumulative repeat transactions of the cohort in the log, for
    j = 1 .. t // freq_multiplier model time units after the log's first period.

    actual[j]: repeat purchase periods (a customer's periods after their first, counted once
    per customer and period) in the first j * freq_multiplier periods. predicted[j]: the sum
    over customers who first bought before that period of E[X(age)] of a new customer
    (``expected_number_of_purchases_up_to_time``), age = periods since their first purchase
    / freq_multiplier. A DataFrame with columns actual, predicted, indexed 0 .. t //
    freq_multiplier - 1 or, with set_index_date, by the last period of each step."""
    k = _ordinals(transactions, datetime_col, datetime_format, freq)
    start = int(k.min())
    pairs = pd.DataFrame({"c": transactions[customer_id_col].to_numpy(), "k": k - start})
    pairs = pairs[pairs["k"] <= t].drop_duplicates()
    first = pairs.groupby("c")["k"].transform("min")
    repeat_k = pairs["k"][pairs["k"] > first].to_numpy()
    cohort = pairs.groupby("c")["k"].min().value_counts()
    cohort_k, cohort_n = cohort.index.to_numpy(), cohort.to_numpy(dtype=float)
    steps = np.arange(1, int(t) // int(freq_multiplier) + 1)
    actual, predicted = [], []
    for j in steps:
        i = j * freq_multiplier
        actual.append(int((repeat_k < i).sum()))
        before = cohort_k < i
        ages = (i - cohort_k[before]).astype(float) / freq_multiplier
        e = np.asarray(model.expected_number_of_purchases_up_to_time(ages), dtype=float)
        predicted.append(float((e * cohort_n[before]).sum()))
    if set_index_date:
        periods = pd.period_range(pd.Period(ordinal=start, freq=freq), periods=int(t) + 1,
                                  freq=freq)
        index = periods[freq_multiplier - 1:-1:freq_multiplier]
    else:
        index = range(len(steps))
    return pd.DataFrame({"actual": actual, "predicted": predicted}, index=index)


def customer_lifetime_value(transaction_prediction_model, frequency, recency, T,
                            monetary_value, time=12, discount_rate=0.01, freq="D"):
    """lifetimes' ``_customer_lifetime_value``: discounted CLV with the given spend per
    purchase (no Gamma-Gamma shrinkage; ``GammaGammaFitter.customer_lifetime_value`` applies
    it). Month k contributes spend x (E[purchases to k months] - E[to k - 1 months]) /
    (1 + discount_rate)^k; freq is the unit of recency and T ('W' = 4.345 per month, 'D' = 30,
    'H' = 720, 'M' = 1). A Series named clv (indexed like frequency when it is a Series)."""
    from .clv import _CLV_FACTOR, _index_of
    if freq not in _CLV_FACTOR:
        raise ValueError(f"freq must be one of {sorted(_CLV_FACTOR)}")
    per_month = _CLV_FACTOR[freq]
    m = np.asarray(monetary_value, dtype=float)
    out = np.zeros(np.broadcast(np.asarray(frequency), m).shape)
    for k in range(1, int(time) + 1):
        step = (np.asarray(transaction_prediction_model.predict(k * per_month, frequency,
                                                                recency, T), dtype=float)
                - np.asarray(transaction_prediction_model.predict((k - 1) * per_month,
                                                                  frequency, recency, T),
                             dtype=float))
        out = out + m * step / (1 + discount_rate) ** k
    return pd.Series(out, index=_index_of(frequency, recency, T, monetary_value), name="clv")


_customer_lifetime_value = customer_lifetime_value
