"""The interaction log (:class:`Log`) and the transaction log (:class:`TransactionLog`).

Both are columnar tables held by the C library. Columns come out as numpy arrays (one C call per
column, no per-row Python loop) and go in the same way; pandas DataFrames convert both ways.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Dict, Iterator, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import core

__all__ = ["Log", "TransactionLog", "FIELDS", "CHANNELS", "parse_time", "format_time"]

TIME_ABSENT = np.iinfo(np.int64).min
"""Absent time (``CX_TIME_ABSENT``); numpy reads it as NaT."""

FIELDS: Tuple[str, ...] = tuple(core.cx_field_name(i) for i in range(core.cx_field_count()))
"""Canonical field names, in field order (the CSV header names)."""

CHANNELS: Tuple[str, ...] = tuple(
    core.cx_channel_name(c) for c in range(1, 64) if core.cx_channel_name(c) is not None)
"""Channel names for codes 1, 2, ... (code 0 is unknown/absent)."""

_KIND = {name: core.cx_field_kind_of(i) for i, name in enumerate(FIELDS)}
_STRING, _TIME, _DOUBLE, _BOOL, _CHANNEL = (core.CX_KIND_STRING, core.CX_KIND_TIME,
                                             core.CX_KIND_DOUBLE, core.CX_KIND_BOOL,
                                             core.CX_KIND_CHANNEL)

TimeLike = Union[int, str, _dt.datetime, _dt.date, np.datetime64, None]
PathLike = Union[str, "os.PathLike[str]"]


def _field(name: str) -> int:
    if name not in _KIND:
        raise KeyError(f"unknown field {name!r}; fields are {', '.join(FIELDS)}")
    return FIELDS.index(name)


def _columns_option(columns: Optional[Mapping[str, str]]) -> Optional[str]:
    """{"customer": "cust_id"} -> "customer=cust_id" (the C option's syntax)."""
    if not columns:
        return None
    parts = []
    for field, column in columns.items():
        if any(ch in str(column) for ch in ",=") or any(ch in field for ch in ",="):
            raise ValueError(f"column names may not contain ',' or '=': {field!r}={column!r}")
        parts.append(f"{field}={column}")
    return ",".join(parts)


def parse_time(t: TimeLike) -> int:
    """Seconds since the epoch (UTC) for an int, ISO-8601 string, datetime, date or datetime64.
    Naive datetimes are taken as UTC. ``None`` gives the absent time."""
    if t is None:
        return int(TIME_ABSENT)
    if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
        return int(t)
    if isinstance(t, str):
        return core.cx_time_parse(t)
    if isinstance(t, np.datetime64):
        if np.isnat(t):
            return int(TIME_ABSENT)
        return int(t.astype("datetime64[s]").astype(np.int64))
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=_dt.timezone.utc)
        return int(t.timestamp() // 1)
    if isinstance(t, _dt.date):
        return int(_dt.datetime(t.year, t.month, t.day, tzinfo=_dt.timezone.utc).timestamp())
    ts = getattr(t, "timestamp", None)  # pandas.Timestamp
    if ts is not None:
        return int(ts() // 1)
    raise TypeError(f"cannot use {type(t).__name__} as a time")


def format_time(t: int) -> str:
    """ISO-8601 text ("YYYY-MM-DDTHH:MM:SSZ") for seconds since the epoch."""
    return core.cx_time_format_text(int(t))


def _to_object_strings(values) -> np.ndarray:
    """Any sequence/Series of ids -> numpy object array of str with None for missing; vectorised."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        pd = None
    if pd is not None and isinstance(values, (pd.Series, pd.Index, pd.Categorical)):
        s = pd.Series(values)
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = np.asarray(s.cat.categories.astype(str), dtype=object)
            codes = s.cat.codes.to_numpy()
            out = np.append(cats, None)[codes]  # code -1 -> None
            return out
        missing = s.isna().to_numpy()
        out = s.astype(str).to_numpy(dtype=object)
        out[missing] = None
        return out
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        raise ValueError("expected a one-dimensional column")
    return arr


def _datetime_seconds(values) -> Optional[np.ndarray]:
    """datetime-like column -> int64 seconds (absent = TIME_ABSENT), or None if not datetime-like."""
    arr = values
    try:
        import pandas as pd
        if isinstance(values, (pd.Series, pd.Index)):
            s = pd.Series(values)
            if isinstance(s.dtype, pd.DatetimeTZDtype):
                s = s.dt.tz_convert("UTC").dt.tz_localize(None)
            if not np.issubdtype(s.dtype, np.datetime64):
                return None
            arr = s.to_numpy()
    except ImportError:  # pragma: no cover
        pass
    arr = np.asarray(arr)
    if not np.issubdtype(arr.dtype, np.datetime64):
        return None
    return arr.astype("datetime64[s]").astype(np.int64)


class Log:
    """An interaction log: one row per contact between a customer and the organisation.

    Create empty (``Log()``), from CSV (:meth:`from_csv`), from columns (:meth:`from_columns`) or
    from pandas (:meth:`from_dataframe`). ``len(log)`` is the number of rows; ``log["csat"]``
    is a column as a numpy array. Every modifying method is all-or-nothing: on error the log is
    unchanged and a :class:`cxkit.Error` is raised.
    """

    __slots__ = ("_h",)

    def __init__(self) -> None:
        self._h = core.cx_log_new()

    @classmethod
    def _wrap(cls, handle) -> "Log":
        log = cls.__new__(cls)
        log._h = handle
        return log

    # ---- input ----
    @classmethod
    def from_csv(cls, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                 delimiter: str = ",", ignore_unknown_columns: bool = True) -> "Log":
        """Read a CSV file (see docs/csv.md). ``columns`` maps field names to the file's column
        names, e.g. ``{"customer": "cust_id", "time": "created_at"}``."""
        return cls().read_csv(path, columns=columns, delimiter=delimiter,
                              ignore_unknown_columns=ignore_unknown_columns)

    def read_csv(self, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                 delimiter: str = ",", ignore_unknown_columns: bool = True) -> "Log":
        """Append the rows of a CSV file; returns self. All or nothing."""
        core.cx_log_read_csv_opts(self._h, os.fspath(path), delimiter, _columns_option(columns),
                                  int(bool(ignore_unknown_columns)))
        return self

    @classmethod
    def from_csv_text(cls, text: Union[str, bytes], *, name: str = "<text>",
                      columns: Optional[Mapping[str, str]] = None, delimiter: str = ",",
                      ignore_unknown_columns: bool = True) -> "Log":
        """Parse CSV held in memory; ``name`` is used in error messages."""
        return cls().read_csv_text(text, name=name, columns=columns, delimiter=delimiter,
                                   ignore_unknown_columns=ignore_unknown_columns)

    def read_csv_text(self, text: Union[str, bytes], *, name: str = "<text>",
                      columns: Optional[Mapping[str, str]] = None, delimiter: str = ",",
                      ignore_unknown_columns: bool = True) -> "Log":
        """Append rows parsed from CSV text; returns self. All or nothing."""
        core.cx_log_read_csv_text(self._h, text, name, delimiter, _columns_option(columns),
                                  int(bool(ignore_unknown_columns)))
        return self

    def append(self, customer: str, time: TimeLike, **fields) -> "Log":
        """Append one interaction; other fields by name (``csat=4, channel="phone"``)."""
        self.extend({"customer": [customer], "time": [time],
                     **{k: [v] for k, v in fields.items()}})
        return self

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence]) -> "Log":
        """A log from a mapping of field name -> column (arrays, lists or pandas Series)."""
        return cls().extend(columns)

    def extend(self, columns: Mapping[str, Sequence]) -> "Log":
        """Append rows given as columns (field name -> values), validated as a whole and
        appended all or nothing. Strings: ids (None absent); times: datetime64, ISO strings or
        epoch seconds; numbers: NaN absent; yes/no: bool, 0/1 or NaN; channels: names or codes."""
        if not columns:
            return self
        n = None
        for name, values in columns.items():
            _field(name)
            m = len(values)
            if n is None:
                n = m
            elif m != n:
                raise ValueError(f"column {name!r} has {m} values, expected {n}")
        batch = core.cx_batch_new(n)
        for name, values in columns.items():
            self._set_batch_column(batch, _field(name), _KIND[name], values)
        core.cx_log_append_batch(self._h, batch)
        return self

    @staticmethod
    def _set_batch_column(batch, field: int, kind: int, values) -> None:
        if kind == _STRING:
            core.cx_batch_set_str(batch, field, _to_object_strings(values))
            return
        if kind == _TIME:
            secs = _datetime_seconds(values)
            if secs is not None:
                core.cx_batch_set_i64(batch, field, secs)
                return
        arr = _as_array(values)
        if arr.dtype == object or arr.dtype.kind in "USa":
            objs = _to_object_strings(values)
            if kind == _TIME and any(not isinstance(v, (str, type(None))) for v in objs):
                objs = np.array([_time_text(v) for v in objs], dtype=object)  # mixed objects
            core.cx_batch_set_str(batch, field, objs)
        elif arr.dtype.kind in "iu":
            core.cx_batch_set_i64(batch, field, arr.astype(np.int64, copy=False))
        elif arr.dtype.kind == "b":
            core.cx_batch_set_f64(batch, field, arr.astype(np.float64))
        else:
            core.cx_batch_set_f64(batch, field, arr.astype(np.float64, copy=False))

    # ---- output ----
    def write_csv(self, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                  delimiter: str = ",", epoch_seconds: bool = False) -> None:
        """Write the log as CSV (header: the fields present in any row, renamed by ``columns``)."""
        core.cx_log_write_csv_opts(self._h, os.fspath(path), delimiter, _columns_option(columns),
                                   int(bool(epoch_seconds)))

    def to_csv_text(self, *, columns: Optional[Mapping[str, str]] = None, delimiter: str = ",",
                    epoch_seconds: bool = False) -> str:
        """The CSV text write_csv() would write."""
        return core.cx_log_write_csv_text(self._h, delimiter, _columns_option(columns),
                                          int(bool(epoch_seconds)))

    # ---- shape ----
    def __len__(self) -> int:
        return core.cx_log_rows(self._h)

    @property
    def fields(self) -> Tuple[str, ...]:
        """Names of the fields present in at least one row (customer and time always)."""
        return tuple(f for i, f in enumerate(FIELDS)
                     if i <= 1 or core.cx_log_count_present(self._h, i) > 0)

    def count_present(self, name: str) -> int:
        """Number of rows in which field ``name`` is present."""
        return core.cx_log_count_present(self._h, _field(name))

    def copy(self) -> "Log":
        return Log._wrap(core.cx_log_dup(self._h))

    def __repr__(self) -> str:
        return f"<cxkit.Log rows={len(self)} fields={list(self.fields)}>"

    def __reduce__(self):
        # Pickling (multiprocessing, Dask) goes through CSV with epoch seconds, which is lossless:
        # doubles are written in their shortest round-trip form and ids keep their first-seen order.
        return (_log_from_state, (self.to_csv_text(epoch_seconds=True), self.is_sorted))

    # ---- columns ----
    def __getitem__(self, name: str) -> np.ndarray:
        return self.column(name)

    def column(self, name: str) -> np.ndarray:
        """A column as a new numpy array: doubles and yes/no (1/0) as float64 with NaN absent,
        times as datetime64[s] with NaT absent, channels as object array of names (None absent),
        ids and text as object array of str (None absent)."""
        field, kind, n = _field(name), _KIND[name], len(self)
        if kind == _TIME:
            return core.cx_log_get_i64(n, self._h, field).view("datetime64[s]")
        if kind in (_DOUBLE, _BOOL):
            return core.cx_log_get_f64(n, self._h, field)
        if kind == _CHANNEL:
            names = np.array((None,) + CHANNELS, dtype=object)
            return names[core.cx_log_get_i64(n, self._h, field)]
        return np.append(np.array(self.categories(name), dtype=object), None)[self.codes(name)]

    def codes(self, name: str) -> np.ndarray:
        """Integer view of a field (int64): string codes (-1 absent) into :meth:`categories`,
        times in seconds, yes/no 1/0/-1, channel codes (0 unknown)."""
        return core.cx_log_get_i64(len(self), self._h, _field(name))

    def categories(self, name: str) -> list:
        """The distinct strings of a string field, indexed by :meth:`codes`."""
        return core.cx_log_dictionary(self._h, _field(name))

    def times(self) -> np.ndarray:
        """Interaction times as int64 seconds since the epoch."""
        return self.codes("time")

    # ---- order and journeys ----
    def sort(self) -> "Log":
        """Stable sort by customer id (byte order) and time; returns self."""
        core.cx_log_sort(self._h)
        return self

    @property
    def is_sorted(self) -> bool:
        return bool(core.cx_log_is_sorted(self._h))

    def journey(self, customer: str) -> range:
        """Row indices of one customer's journey in a sorted log (StateError if unsorted,
        OutOfRange if the customer is unknown)."""
        begin, end = core.cx_log_journey(self._h, customer)
        return range(begin, end)

    def journeys(self) -> Iterator[Tuple[str, range]]:
        """(customer, rows) for every journey of a sorted log, in order."""
        n, start = len(self), 0
        if n and not self.is_sorted:
            core.cx_log_next_journey(self._h, 0)  # raises StateError
        names, codes = self.categories("customer"), self.codes("customer")
        while start < n:
            begin, end = core.cx_log_next_journey(self._h, start)
            yield names[codes[begin]], range(begin, end)
            start = end

    def select(self, *, start: TimeLike = None, end: TimeLike = None,
               touchpoints: Optional[Sequence[str]] = None,
               channels: Optional[Sequence[Union[str, int]]] = None) -> "Log":
        """A new log with the rows whose time is in [start, end), whose touchpoint is one of
        ``touchpoints`` and whose channel is one of ``channels`` (None: no condition)."""
        mask = 0
        for ch in channels or ():
            code = core.cx_channel_parse(ch) if isinstance(ch, str) else int(ch)
            if not 0 < code < 32:
                raise ValueError(f"unknown channel {ch!r}")
            mask |= 1 << code
        if channels is not None and mask == 0:
            mask = 1  # an empty list of channels keeps nothing (bit 0 = unknown only)
        tps = [] if touchpoints is None else [str(t) for t in touchpoints]
        handle = core.cx_log_select_by(self._h, parse_time(start), parse_time(end), mask, tps,
                                       int(touchpoints is not None))
        return Log._wrap(handle)

    # ---- pandas ----
    def to_dataframe(self):
        """A pandas DataFrame with one column per present field: ids and channels as
        Categorical (from codes and the dictionary, no per-row loop), times as UTC datetimes
        (``datetime64[s, UTC]`` on pandas >= 2, ``[ns, UTC]`` before), doubles as float64,
        yes/no as the nullable ``boolean`` dtype."""
        import pandas as pd
        data: Dict[str, object] = {}
        for name in self.fields:
            kind = _KIND[name]
            if kind == _STRING:
                data[name] = pd.Categorical.from_codes(self.codes(name),
                                                       categories=self.categories(name))
            elif kind == _CHANNEL:
                data[name] = pd.Categorical.from_codes(self.codes(name) - 1, categories=CHANNELS)
            elif kind == _TIME:
                data[name] = _utc_datetimes(pd, self.codes(name))
            elif kind == _BOOL:
                c = self.codes(name)
                data[name] = pd.arrays.BooleanArray(c == 1, c < 0)
            else:
                data[name] = self.column(name)
        return pd.DataFrame(data)  # (a `columns=` argument takes a slow per-element path)

    @classmethod
    def from_dataframe(cls, df, *, columns: Optional[Mapping[str, str]] = None) -> "Log":
        """A log from a DataFrame. Columns named like fields are used (``columns`` maps field
        names to other column names); others are ignored. Accepts Categorical or object ids,
        datetime64 (naive = UTC, or tz-aware), ISO strings or epoch seconds for times."""
        mapping = dict(columns or {})
        cols = {}
        for field in FIELDS:
            col = mapping.get(field, field)
            if col in df.columns:
                cols[field] = df[col]
        missing = [f for f in mapping if f not in cols]
        if missing:
            raise KeyError(f"columns not in the DataFrame: {[mapping[f] for f in missing]}")
        return cls().extend(cols)


def _as_array(values) -> np.ndarray:
    """A column as a numpy array; pandas nullable numbers/booleans with NA become float NaN."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        pd = None
    if pd is not None and isinstance(values, (pd.Series, pd.Index)):
        if values.dtype.kind in "iufb":
            if values.hasnans:
                return values.to_numpy(dtype=np.float64, na_value=np.nan)
            return values.to_numpy()
        return values.to_numpy(dtype=object)
    return np.asarray(values)


def _time_text(v) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    t = parse_time(v)
    return None if t == TIME_ABSENT else str(t)


def _utc_datetimes(pd, secs: np.ndarray):
    """int64 seconds (TIME_ABSENT = NaT) -> tz-aware UTC datetime array, without a Python loop."""
    values = secs.view("datetime64[s]")
    if int(pd.__version__.split(".")[0]) < 2:  # pandas 1.x only has nanosecond resolution
        values = values.astype("datetime64[ns]")
    return pd.DatetimeIndex(values).tz_localize("UTC").array


class TransactionLog:
    """Transactions (customer, time, amount) for customer-base models. Amount may be NaN."""

    __slots__ = ("_h",)

    def __init__(self) -> None:
        self._h = core.cx_txlog_new()

    @classmethod
    def from_csv(cls, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                 delimiter: str = ",", ignore_unknown_columns: bool = True) -> "TransactionLog":
        """Read customer, time, amount columns (renamable: ``{"amount": "sales"}``)."""
        return cls().read_csv(path, columns=columns, delimiter=delimiter,
                              ignore_unknown_columns=ignore_unknown_columns)

    def read_csv(self, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                 delimiter: str = ",", ignore_unknown_columns: bool = True) -> "TransactionLog":
        core.cx_txlog_read_csv_opts(self._h, os.fspath(path), delimiter, _columns_option(columns),
                                    int(bool(ignore_unknown_columns)))
        return self

    @classmethod
    def from_csv_text(cls, text: Union[str, bytes], *, name: str = "<text>",
                      columns: Optional[Mapping[str, str]] = None, delimiter: str = ",",
                      ignore_unknown_columns: bool = True) -> "TransactionLog":
        tx = cls()
        core.cx_txlog_read_csv_text(tx._h, text, name, delimiter, _columns_option(columns),
                                    int(bool(ignore_unknown_columns)))
        return tx

    def write_csv(self, path: PathLike, *, columns: Optional[Mapping[str, str]] = None,
                  delimiter: str = ",", epoch_seconds: bool = False) -> None:
        core.cx_txlog_write_csv_opts(self._h, os.fspath(path), delimiter,
                                     _columns_option(columns), int(bool(epoch_seconds)))

    def append(self, customer: str, time: TimeLike, amount: float = float("nan")) -> "TransactionLog":
        core.cx_txlog_append(self._h, customer, parse_time(time), float(amount))
        return self

    def extend(self, customers, times, amounts) -> "TransactionLog":
        """Append columns (all or nothing): ids, times (datetime64, ISO strings or seconds) and
        amounts (NaN allowed)."""
        secs = _datetime_seconds(times)
        if secs is None:
            arr = _as_array(times)
            if arr.dtype.kind in "iu":
                secs = arr.astype(np.int64, copy=False)
            else:
                secs = np.array([parse_time(t) for t in arr], dtype=np.int64)
        core.cx_txlog_append_arrays(self._h, _to_object_strings(customers), secs,
                                    np.asarray(_as_array(amounts), dtype=np.float64))
        return self

    def __len__(self) -> int:
        return core.cx_txlog_rows(self._h)

    def __repr__(self) -> str:
        return f"<cxkit.TransactionLog rows={len(self)} customers={self.customer_count}>"

    def __reduce__(self):
        return (_txlog_from_state, (self.customers, core.cx_txlog_get_times(len(self), self._h),
                                    self.amounts))

    def sort(self) -> "TransactionLog":
        core.cx_txlog_sort(self._h)
        return self

    @property
    def customer_count(self) -> int:
        return core.cx_txlog_customer_count(self._h)

    def customer_codes(self) -> np.ndarray:
        return core.cx_txlog_get_customers(len(self), self._h)

    def customer_names(self) -> list:
        return core.cx_txlog_customer_names(self._h)

    @property
    def customers(self) -> np.ndarray:
        """Customer ids as an object array of str."""
        return np.array(self.customer_names(), dtype=object)[self.customer_codes()] \
            if len(self) else np.array([], dtype=object)

    @property
    def times(self) -> np.ndarray:
        """datetime64[s] array."""
        return core.cx_txlog_get_times(len(self), self._h).view("datetime64[s]")

    @property
    def amounts(self) -> np.ndarray:
        return core.cx_txlog_get_amounts(len(self), self._h)

    def to_dataframe(self):
        """customer (Categorical), time (UTC datetimes), amount (float64)."""
        import pandas as pd
        return pd.DataFrame({
            "customer": pd.Categorical.from_codes(self.customer_codes(),
                                                  categories=self.customer_names()),
            "time": _utc_datetimes(pd, core.cx_txlog_get_times(len(self), self._h)),
            "amount": self.amounts,
        })

    @classmethod
    def from_dataframe(cls, df, *, columns: Optional[Mapping[str, str]] = None) -> "TransactionLog":
        m = {"customer": "customer", "time": "time", "amount": "amount", **dict(columns or {})}
        amounts = df[m["amount"]] if m["amount"] in df.columns else np.full(len(df), np.nan)
        return cls().extend(df[m["customer"]], df[m["time"]], amounts)


def _log_from_state(text: str, is_sorted: bool) -> Log:
    log = Log.from_csv_text(text, name="<pickle>")
    return log.sort() if is_sorted else log


def _txlog_from_state(customers, times, amounts) -> TransactionLog:
    return TransactionLog().extend(customers, times, amounts)
