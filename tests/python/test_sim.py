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


def test_series_and_threads_identical(no_leaks):
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
    s = small().rule("churn", lambda *x: 1 / 0, name="my-churn")
    with pytest.raises(ZeroDivisionError) as z:
        s.run()
    assert "my-churn" in "".join(getattr(z.value, "__notes__", []))
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


def test_matches_independent_numpy_implementation():
    """bench/sim/numpy_ref.py implements docs/simulator.md separately (numpy, other RNG): the
    calibration statistics and the customer base agree within Monte Carlo error."""
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "bench", "sim"))
    import numpy_ref
    x = {p["name"]: p["default"] for p in sim.parameters()}
    ref = numpy_ref.simulate(x, 30000, 30, 5000, seed=5)
    res = sim.Scenario(customers=30000, periods=30, employees=5000).run(seed=5)
    st, ser = res.stats(), res.series()
    tol = {"mot_positive_increase": 0.02, "mot_negative_reduce": 0.02, "employee_superior": 0.02,
           "customer_superior": 0.01, "csat_no_problem": 0.03,
           "csat_recovered_paradox": 0.2,  # about 3 standard errors: few contacts qualify
           "churn_share_indifference": 0.05}
    for k, t in tol.items():
        assert abs(st[k] - ref[k]) < t, (k, st[k], ref[k])
    assert abs(st["interactions"] / ref["interactions"] - 1) < 0.01
    assert abs(ser.active.iloc[-1] / ref["active"][-1] - 1) < 0.01
    assert abs(ser.csat.mean() - np.nanmean(ref["csat"])) < 0.03
    assert abs(ser.revenue.sum() / ref["revenue"].sum() - 1) < 0.03


def test_result_as_cxkit_logs():
    res = small(response_rate=0.5).run(seed=8, record=True)
    log, tx = res.log(), res.transactions()
    st, ser = res.stats(), res.series()
    assert len(log) == st["interactions"] == ser.interactions.sum()
    df = log.to_dataframe()
    assert df.customer.str.startswith("C").all()
    assert abs(df.csat.notna().mean() - 0.5) < 0.03
    assert abs(tx.to_dataframe().amount.sum() / ser.revenue.sum() - 1) < 1e-3


def test_sample_data_is_the_committed_scenario_run_from_python(source_dir):
    """Scenario.from_file reads the committed sample scenario (start date, touchpoint channel
    mixes and sales) as the CLI does: its log is examples/data/interactions.csv, row for row."""
    import json
    import pandas as pd
    path = source_dir / "examples" / "scenarios" / "sample-data.json"
    seed = json.loads(path.read_text())["seed"]
    res = sim.Scenario.from_file(str(path)).run(seed=seed, record=True)
    got = res.log().to_dataframe()
    want = pd.read_csv(source_dir / "examples" / "data" / "interactions.csv")
    assert len(got) == len(want)
    assert (got.customer.to_numpy() == want.customer.to_numpy()).all()
    assert (got.touchpoint.to_numpy() == want.touchpoint.to_numpy()).all()
    for col in ("csat", "ces", "leader_rating", "wait_time", "spend"):
        np.testing.assert_array_equal(got[col].to_numpy(float), want[col].to_numpy(float))
    assert (pd.to_datetime(got.time, utc=True) == pd.to_datetime(want.time, utc=True)).all()
