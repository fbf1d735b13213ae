"""The simulator from Python: scenarios, series, plugins as callables, errors, comparison."""
import math

import numpy as np
import pytest

import cxkit
from cxkit import sim


def small(**kw):
    return sim.Scenario(customers=800, periods=8, employees=30, **kw)


def test_parameters_listed_with_sources():
    ps = sim.parameters()
    names = [p["name"] for p in ps]
    assert "leadership" in names and len(names) == len(set(names))
    assert all(p["lo"] <= p["default"] <= p["hi"] and p["source"] for p in ps)


def test_bad_parameter_is_named():
    with pytest.raises(cxkit.InvalidArgument) as e:
        sim.Scenario(leadership=2)
    assert e.value.param == "leadership"


def test_series_and_threads_identical():
    s = small()
    a = s.run(seed=4, threads=1).series()
    b = s.run(seed=4, threads=2).series()
    assert list(a.columns) == sim.SERIES and len(a) == 8
    assert a.equals(b)


def test_callable_plugin_changes_outcome():
    base = small().run(seed=2).stats()
    s = small().rule("satisfaction", lambda *x: 1.0 if x[3] == 1 and x[4] == 1 else x[-1])
    alt = s.run(seed=2).stats()
    assert alt["csat_recovered_other"] == 5.0 > base["csat_recovered_other"]
    assert abs(alt["csat_no_problem"] - base["csat_no_problem"]) < 0.05


def test_plugin_exception_and_nan():
    s = small().rule("churn", lambda *x: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        s.run()
    s.rule("churn", lambda *x: math.nan, name="nan-rule")
    with pytest.raises(cxkit.UserCallbackError) as e:
        s.run()
    assert e.value.param == "nan-rule"


def test_compare_coaching():
    base = sim.Scenario(customers=1000, periods=12, employees=30)
    alt = sim.Scenario(customers=1000, periods=12, employees=30).intervene("coaching", 0, 0.8)
    d = base.compare(alt, replications=4, seed=9)
    csat = d[(d.series == "csat") & (d.period == 11)].iloc[0]
    assert csat.lower > 0 and csat.lower < csat.difference < csat.upper
    same = base.compare(sim.Scenario(customers=1000, periods=12, employees=30), replications=3)
    assert np.all(same.difference.fillna(0) == 0)
