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


def test_every_rule_can_be_replaced_and_changes_the_outcome():
    """Each replaceable rule from a Python callable moves the outcome the way it should."""
    def contacted(**kw):
        return sim.Scenario(customers=600, periods=6, employees=20, contact_rate=1, **kw)
    # loyalty: every contact bonds fully and wins the whole wallet
    s = contacted().rule("loyalty", lambda *x: (1.0, 1.0))
    ser = s.run(seed=3).series()
    assert (ser.bond == 1).all() and (ser.share_of_wallet == 1).all()
    assert (contacted().run(seed=3).series().bond < 0.9).all()
    # churn: nobody leaves / everybody leaves in the first period
    assert (contacted().rule("churn", lambda *x: 0.0).run(seed=3).series().active == 600).all()
    assert contacted().rule("churn", lambda *x: 1.0).run(seed=3).series().active[0] == 0
    # learning: training raises attentiveness; a rule that learns nothing undoes exactly that
    plain = contacted().run(seed=3).series().attentiveness
    trained = contacted().intervene("training", 0, 1.0)
    assert trained.run(seed=3).series().attentiveness.iloc[-1] > plain.iloc[-1] + 0.01
    frozen = trained.rule("learning", lambda skill, *rest: skill).run(seed=3).series()
    assert np.array_equal(frozen.attentiveness.to_numpy(), plain.to_numpy())
    # satisfaction: a delighted customer rates 5
    assert (contacted().rule("satisfaction", lambda *x: 1.0).run(seed=3).series().csat == 5).all()


def test_bad_levers_touchpoints_and_inconsistent_scenarios_are_named():
    with pytest.raises(cxkit.InvalidArgument) as e:
        small().intervene("coaching", 2, 5.0)
    assert e.value.param == "magnitude"
    with pytest.raises(cxkit.InvalidArgument) as e:
        small().intervene("pep_talk", 0, 0.1)
    with pytest.raises(cxkit.InvalidArgument) as e:
        small().touchpoint("late", 1, 1.5)
    assert e.value.param == "emotional_weight"
    with pytest.raises(cxkit.InvalidArgument) as e:
        small(mix_phone=0.6).run()
    assert e.value.param.startswith("mix_")
    with pytest.raises(cxkit.InvalidArgument) as e:
        small().intervene("training", 50, 0.5).run()
    assert e.value.param == "start"


def test_plugin_returning_out_of_range_is_named():
    s = small().rule("loyalty", lambda *x: (1.5, 0.5), name="too-loyal")
    with pytest.raises(cxkit.UserCallbackError) as e:
        s.run()
    assert e.value.param == "too-loyal"


def test_scenario_dicts_and_files_name_the_bad_key(tmp_path, source_dir):
    ok = sim.Scenario.from_file(source_dir / "examples" / "scenarios" / "sample.json")
    assert ok.get("customers") >= 1
    cases = {"parameters.leadership": {"parameters": {"leadership": 3}},
             "parametrs": {"parametrs": {}},
             "touchpoints[0].share": {"touchpoints": [{"name": "a", "emotional_weight": 1}]},
             "interventions[1].lever": {"interventions": [
                 {"lever": "coaching", "start": 0, "magnitude": 0.2},
                 {"lever": "pep_talk", "start": 0, "magnitude": 0.2}]},
             "interventions[0].magnitud": {"interventions": [
                 {"lever": "coaching", "start": 0, "magnitud": 0.2}]}}
    for path, d in cases.items():
        with pytest.raises(cxkit.InvalidArgument) as e:
            sim.Scenario.from_dict(d)
        assert e.value.param.startswith(path.split(".")[0]) and path in str(e.value), path
    bad = tmp_path / "bad.json"
    bad.write_text('{"parameters": {"leadership": 0.5,}\n}')
    with pytest.raises(cxkit.ParseError) as p:
        sim.Scenario.from_file(bad)
    assert p.value.file == str(bad) and p.value.line == 1 and p.value.column > 30


def test_write_fails_cleanly(tmp_path):
    r = small().run(seed=1, record=True)
    with pytest.raises(cxkit.IOFailure):
        r.write(str(tmp_path / "missing"))
    assert list(tmp_path.iterdir()) == []
    r.write(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interactions.csv", "series.csv",
                                                          "transactions.csv"]


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
