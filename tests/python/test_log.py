"""cxkit.Log and cxkit.TransactionLog against pandas as the independent reference."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import cxkit

CHANNELS = ["in_person", "phone", "chat", "email", "self_service", "other"]


def make_frame(n=500, seed=7):
    """A random interaction table built with pandas (the reference side)."""
    rng = np.random.default_rng(seed)
    times = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 90 * 86400, n), unit="s")
    csat = rng.integers(1, 6, n).astype(float)
    csat[rng.random(n) < 0.2] = np.nan
    channel = pd.Categorical(rng.choice(CHANNELS + [None], n), categories=CHANNELS)
    problem = pd.array(rng.choice([True, False, None], n), dtype="boolean")
    return pd.DataFrame({
        "customer": pd.Categorical([f"c{int(i):03d}" for i in rng.integers(0, 60, n)]),
        "time": times,
        "employee": pd.Series([f"e{int(i)}" if i < 8 else None for i in rng.integers(0, 9, n)],
                              dtype=object),
        "touchpoint": rng.choice(["booking", "checkin", "boarding", "baggage"], n),
        "channel": channel,
        "wait_time": rng.exponential(120.0, n),
        "problem": problem,
        "csat": csat,
    })


@pytest.fixture
def frame():
    return make_frame()


def test_csv_round_trip_matches_pandas(tmp_path, frame, no_leaks):
    path = tmp_path / "log.csv"
    out = frame.copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out["problem"] = out["problem"].map({True: "yes", False: "no"})
    out.to_csv(path, index=False)
    log = cxkit.Log.from_csv(path)
    assert len(log) == len(frame)
    ref = pd.read_csv(path)
    np.testing.assert_array_equal(log["customer"], ref["customer"].to_numpy(dtype=object))
    np.testing.assert_allclose(log["wait_time"], ref["wait_time"], rtol=1e-15)
    np.testing.assert_array_equal(log["csat"], ref["csat"])  # NaN where pandas has NaN
    assert log.count_present("csat") == ref["csat"].notna().sum()
    np.testing.assert_array_equal(log["time"].astype(np.int64),
                                  frame["time"].astype("int64").to_numpy() // 10**9)
    expected_channel = frame["channel"].astype(object).where(frame["channel"].notna(), None)
    assert log["channel"].tolist() == expected_channel.tolist()
    p = ref["problem"].map({"yes": 1.0, "no": 0.0}).to_numpy()
    np.testing.assert_array_equal(log["problem"], p)
    # written back and read again: identical columns
    again = cxkit.Log.from_csv_text(log.to_csv_text())
    assert again.fields == log.fields
    for name in log.fields:
        np.testing.assert_array_equal(log[name], again[name])


def test_column_mapping_and_delimiter(tmp_path):
    path = tmp_path / "renamed.csv"
    path.write_text("cust_id;created_at;score\nA;2024-03-01;4\nB;2024-03-02 10:00:00+02:00;\n")
    log = cxkit.Log.from_csv(path, columns={"customer": "cust_id", "time": "created_at",
                                            "csat": "score"}, delimiter=";")
    assert log["customer"].tolist() == ["A", "B"]
    assert log.times().tolist() == [1709251200, 1709366400]  # 08:00Z
    assert log["csat"][0] == 4.0 and np.isnan(log["csat"][1])
    text = log.to_csv_text(columns={"customer": "cust_id"}, epoch_seconds=True)
    assert text.splitlines()[0].startswith("cust_id,time")
    assert text.splitlines()[1].startswith("A,1709251200")
    with pytest.raises(ValueError):
        log.to_csv_text(columns={"customer": "a,b"})
    with pytest.raises(cxkit.InvalidArgument) as info:
        log.to_csv_text(delimiter=";;")
    assert info.value.param == "delimiter"


def test_parse_error_names_file_line_column_and_leaves_log_unchanged(tmp_path, no_leaks):
    log = cxkit.Log.from_csv_text("customer,time,csat\nA,2024-01-01,4\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("customer,time,csat\nB,2024-01-02,3\nC,not-a-time,2\n")
    with pytest.raises(cxkit.ParseError) as info:
        log.read_csv(bad)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.file == str(bad) and e.line == 3 and e.column == 2
    assert f"{bad}:3:2:" in str(e)
    assert len(log) == 1 and log["customer"].tolist() == ["A"]


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(cxkit.IOFailure) as info:
        cxkit.Log.from_csv(tmp_path / "missing.csv")
    assert isinstance(info.value, OSError)


def test_dataframe_round_trip(frame, no_leaks):
    log = cxkit.Log.from_dataframe(frame)
    df = log.to_dataframe()
    assert list(df.columns) == ["customer", "time", "employee", "touchpoint", "channel",
                                "wait_time", "problem", "csat"]
    assert isinstance(df["customer"].dtype, pd.CategoricalDtype)
    assert isinstance(df["touchpoint"].dtype, pd.CategoricalDtype)
    assert str(df["time"].dt.tz) == "UTC"
    pd.testing.assert_series_equal(df["customer"].astype(str), frame["customer"].astype(str))
    assert (df["time"] == frame["time"]).all()
    pd.testing.assert_series_equal(df["employee"].astype(object).where(df["employee"].notna(), None),
                                   frame["employee"], check_names=False)
    pd.testing.assert_series_equal(df["channel"].astype(object), frame["channel"].astype(object),
                                   check_names=False)
    pd.testing.assert_series_equal(df["problem"], frame["problem"], check_names=False)
    np.testing.assert_array_equal(df["csat"], frame["csat"])
    np.testing.assert_array_equal(df["wait_time"], frame["wait_time"])


def test_from_dataframe_accepts_naive_times_strings_and_epoch_seconds():
    base = pd.DataFrame({"customer": ["a", "b"], "csat": [1, 5]})
    naive = cxkit.Log.from_dataframe(base.assign(time=pd.to_datetime(["2024-01-01", "2024-01-02"])))
    text = cxkit.Log.from_dataframe(base.assign(time=["2024-01-01", "2024-01-02T00:00:00Z"]))
    epoch = cxkit.Log.from_dataframe(base.assign(time=[1704067200, 1704153600]))
    for log in (naive, text, epoch):
        assert log.times().tolist() == [1704067200, 1704153600]
        assert log["csat"].tolist() == [1.0, 5.0]


def test_from_dataframe_column_mapping_and_errors():
    df = pd.DataFrame({"cid": ["a"], "when": ["2024-01-01"]})
    log = cxkit.Log.from_dataframe(df, columns={"customer": "cid", "time": "when"})
    assert log["customer"].tolist() == ["a"]
    with pytest.raises(KeyError):
        cxkit.Log.from_dataframe(df, columns={"customer": "nope"})
    with pytest.raises(cxkit.InvalidArgument):  # customer and time are required
        cxkit.Log.from_dataframe(pd.DataFrame({"customer": ["a"], "csat": [3.0]}))
    with pytest.raises(cxkit.Error):  # NPS outside 0..10, validated as a whole
        cxkit.Log.from_dataframe(df.assign(nps=[11.0]), columns={"customer": "cid", "time": "when"})


def test_append_and_extend_are_all_or_nothing(no_leaks):
    log = cxkit.Log()
    log.append("a", "2024-01-01", csat=4, channel="phone")
    log.append("b", dt.datetime(2024, 1, 2, 12, 0), nps=9)
    assert len(log) == 2
    assert log["channel"].tolist() == ["phone", None]
    assert log.codes("time").tolist() == [1704067200, 1704196800]
    with pytest.raises(cxkit.Error):
        log.extend({"customer": ["c", "d"], "time": ["2024-01-03", "2024-01-04"],
                    "nps": [5.0, 42.0]})
    assert len(log) == 2
    with pytest.raises(ValueError):
        log.extend({"customer": ["c"], "time": ["2024-01-03", "2024-01-04"]})
    with pytest.raises(KeyError):
        log.append("c", 0, not_a_field=1)


def test_sort_and_journeys_match_pandas(frame):
    log = cxkit.Log.from_dataframe(frame)
    assert not log.is_sorted
    with pytest.raises(cxkit.StateError):
        log.journey("c001")
    log.sort()
    assert log.is_sorted
    ref = frame.assign(customer=frame["customer"].astype(str)).sort_values(
        ["customer", "time"], kind="stable").reset_index(drop=True)
    assert log["customer"].tolist() == ref["customer"].tolist()
    assert (log["time"].astype(np.int64) == ref["time"].astype("int64") // 10**9).all()
    sizes = ref.groupby("customer").size()
    journeys = list(log.journeys())
    assert [c for c, _ in journeys] == sizes.index.tolist()
    assert [len(r) for _, r in journeys] == sizes.tolist()
    name, rows = journeys[3]
    assert log.journey(name) == rows
    with pytest.raises(cxkit.OutOfRange):
        log.journey("nobody")


def test_select_matches_pandas_filters(frame, no_leaks):
    log = cxkit.Log.from_dataframe(frame)
    start, end = pd.Timestamp("2024-02-01", tz="UTC"), pd.Timestamp("2024-03-01", tz="UTC")
    sel = log.select(start="2024-02-01", end=dt.datetime(2024, 3, 1))
    ref = frame[(frame["time"] >= start) & (frame["time"] < end)]
    assert len(sel) == len(ref)
    np.testing.assert_array_equal(sel["wait_time"], ref["wait_time"])
    sel = log.select(touchpoints=["checkin", "baggage"], channels=["phone", "chat"])
    ref = frame[frame["touchpoint"].isin(["checkin", "baggage"])
                & frame["channel"].isin(["phone", "chat"])]
    assert len(sel) == len(ref) > 0
    np.testing.assert_array_equal(sel["wait_time"], ref["wait_time"])
    assert len(log.select(touchpoints=[])) == 0
    assert len(log.select()) == len(log)
    with pytest.raises(cxkit.InvalidArgument):
        log.select(channels=["telepathy"])


def test_columns_are_numpy_arrays_without_python_loops(frame):
    log = cxkit.Log.from_dataframe(frame)
    assert log["csat"].dtype == np.float64
    assert log["time"].dtype == np.dtype("datetime64[s]")
    assert log.codes("customer").dtype == np.int64
    cats = log.categories("customer")
    assert sorted(cats) == sorted(frame["customer"].astype(str).unique())
    with pytest.raises(KeyError):
        log["nope"]
    copy = log.copy()
    copy.sort()
    assert not log.is_sorted and len(copy) == len(log)


def test_time_helpers():
    assert cxkit.parse_time("2024-03-01T12:30:00+02:00") == 1709289000
    assert cxkit.parse_time(np.datetime64("2024-03-01T10:30:00")) == 1709289000
    assert cxkit.parse_time(pd.Timestamp("2024-03-01T10:30:00Z")) == 1709289000
    assert cxkit.format_time(1709289000) == "2024-03-01T10:30:00Z"
    with pytest.raises(cxkit.ParseError):
        cxkit.parse_time("yesterday")


def test_transaction_log(tmp_path, no_leaks):
    path = tmp_path / "tx.csv"
    path.write_text("cust,time,sales\nA,2024-01-05,10.5\nB,2024-01-01,\nA,2024-01-02,3\n")
    tx = cxkit.TransactionLog.from_csv(path, columns={"customer": "cust", "amount": "sales"})
    assert len(tx) == 3 and tx.customer_count == 2
    assert tx.customers.tolist() == ["A", "B", "A"]
    np.testing.assert_array_equal(tx.amounts, [10.5, np.nan, 3.0])
    tx.sort()
    assert tx.customers.tolist() == ["A", "A", "B"]
    assert tx.times.astype(np.int64).tolist() == [1704153600, 1704412800, 1704067200]
    df = tx.to_dataframe()
    assert isinstance(df["customer"].dtype, pd.CategoricalDtype) and str(df["time"].dt.tz) == "UTC"
    back = cxkit.TransactionLog.from_dataframe(df)
    np.testing.assert_array_equal(back.amounts, tx.amounts)
    out = tmp_path / "out.csv"
    tx.write_csv(out)
    ref = pd.read_csv(out)
    assert ref["customer"].tolist() == ["A", "A", "B"]
    with pytest.raises(cxkit.InvalidArgument):
        tx.extend(["C"], [0, 1], [1.0])
    with pytest.raises(cxkit.InvalidArgument):
        tx.append("C", 0, float("inf"))
    assert len(tx) == 3


def test_logs_pickle_losslessly(frame):
    import pickle
    log = cxkit.Log.from_dataframe(frame.assign(wait_time=frame["wait_time"] / 3.0))
    back = pickle.loads(pickle.dumps(log))
    assert back.fields == log.fields and not back.is_sorted
    for name in log.fields:
        np.testing.assert_array_equal(back[name], log[name])
    assert pickle.loads(pickle.dumps(log.sort())).is_sorted
    tx = cxkit.TransactionLog.from_csv_text("customer,time,amount\nA,5,0.1\nB,3,\n")
    tx2 = pickle.loads(pickle.dumps(tx))
    assert tx2.customers.tolist() == ["A", "B"]
    np.testing.assert_array_equal(tx2.amounts, tx.amounts)
    np.testing.assert_array_equal(tx2.times, tx.times)
