"""Service-profit-chain simulator (docs/simulator.md): scenarios from dicts, results as pandas."""
from __future__ import annotations

import json

from . import core
from .errors import Error, InvalidArgument, ParseError

_TOP_KEYS = {"name", "description", "seed", "start", "parameters", "touchpoints", "interventions", "whatif",
             "replications"}
_TOUCHPOINT_KEYS = {"name", "share", "emotional_weight", "failure_rate", "sale_rate",
                    "channels"}
_INTERVENTION_KEYS = {"lever", "start", "end", "magnitude"}


def _start_seconds(text):
    """Seconds since 1970 of an ISO date or date-time (UTC unless it says otherwise)."""
    import datetime as dt
    t = dt.datetime.fromisoformat(text)
    return (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).timestamp()


def _bad(source, at, message):
    return InvalidArgument(core.CX_EINVAL, f"{source}: {at}: {message}" if at else
                           f"{source}: {message}", param=at)


def _keys(obj, allowed, required, source, at):
    """Unknown or missing keys of a scenario object, named by their path."""
    if not isinstance(obj, dict):
        raise _bad(source, at, "expected an object")
    for k in obj:
        if k not in allowed:
            raise _bad(source, f"{at}.{k}" if at else k, "unknown key")
    for k in required:
        if k not in obj:
            raise _bad(source, f"{at}.{k}" if at else k, "missing")


def _section(d, key, kind, source):
    v = d.get(key, kind())
    if not isinstance(v, kind):
        raise _bad(source, key, f"expected {'an object' if kind is dict else 'a list'}")
    return v


def _located(source, at, call, *args):
    """Run a setter; a cxkit error is re-raised naming the key's path."""
    try:
        call(*args)
    except Error as e:
        if at.endswith("]") and e.param:  # a list element: name its field
            at = f"{at}.{e.param}"
        raise _bad(source, at, e.message) from None
    except (TypeError, ValueError) as e:
        raise _bad(source, at, str(e)) from None

SERIES = [core.cx_sim_series_name(i) for i in range(core.CX_SIM_SERIES_COUNT)]
STATS = [core.cx_sim_stat_name(i) for i in range(core.CX_SIM_STAT_COUNT)]
RULES = {"satisfaction": core.CX_SIM_RULE_SATISFACTION, "loyalty": core.CX_SIM_RULE_LOYALTY,
         "churn": core.CX_SIM_RULE_CHURN, "learning": core.CX_SIM_RULE_LEARNING}


def parameters():
    """Every parameter as a list of dicts (name, default, lo, hi, meaning, source, uncertainty)."""
    out = []
    for i in range(core.cx_sim_param_count()):
        out.append({"name": core.cx_sim_param_text(i, 0),
                    "default": core.cx_sim_param_number(i, 0),
                    "lo": core.cx_sim_param_number(i, 1), "hi": core.cx_sim_param_number(i, 2),
                    "meaning": core.cx_sim_param_text(i, 1),
                    "source": core.cx_sim_param_text(i, 2),
                    "uncertainty": core.cx_sim_param_text(i, 3)})
    return out


def _naming_plugin(call, *args):
    """Run a simulation; an exception raised by a plugin gets a note naming the plugin."""
    try:
        return call(*args)
    except Error:
        raise
    except Exception as e:
        name = core.cx_error_last().param
        if name:
            e.add_note(f"raised by simulator plugin '{name}'")
        raise


CHANNELS = ("in_person", "phone", "chat", "email", "self_service")  # the simulator's channels


class Scenario:
    """A scenario: ``Scenario(customers=2000, leadership=0.6)``, then ``.intervene(...)``,
    ``.rule(...)`` and ``.run()``. Rules are callables receiving the rule's inputs (sim.h)."""

    def __init__(self, **params: float):
        self._p = core.cx_sim_params_new()
        for k, v in params.items():
            self.set(k, v)

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "scenario") -> "Scenario":
        """The ``start`` / ``parameters`` / ``touchpoints`` / ``interventions`` of a scenario
        file (the format of ``cxkit simulate``; ``name``, ``description``, ``seed``, ``whatif``
        and ``replications`` are accepted and left to the caller). Unknown keys, missing keys
        and bad values raise :class:`cxkit.InvalidArgument` whose ``param`` is the key's path,
        e.g. ``parameters.leadership`` or ``interventions[0].lever``."""
        _keys(d, _TOP_KEYS, (), source, "")
        s = cls()
        if "start" in d:  # the date of period 0, as in scenario files
            _located(source, "start", s.set, "start_time", _start_seconds(d["start"]))
        for k, v in _section(d, "parameters", dict, source).items():
            _located(source, f"parameters.{k}", s.set, k, v)
        if "touchpoints" in d:
            core.cx_sim_params_clear_touchpoints(s._p)
            for i, t in enumerate(_section(d, "touchpoints", list, source)):
                at = f"touchpoints[{i}]"
                _keys(t, _TOUCHPOINT_KEYS, ("name", "share", "emotional_weight"), source, at)
                _located(source, at, s.touchpoint, t["name"], t["share"], t["emotional_weight"],
                         t.get("failure_rate", 0.05), t.get("sale_rate", 0.0), t.get("channels"))
        for i, iv in enumerate(_section(d, "interventions", list, source)):
            at = f"interventions[{i}]"
            _keys(iv, _INTERVENTION_KEYS, ("lever", "start", "magnitude"), source, at)
            _located(source, f"{at}.lever", core.cx_sim_lever_parse, iv["lever"])
            _located(source, at, s.intervene, iv["lever"], iv["start"], iv["magnitude"],
                     iv.get("end", 0))
        return s

    @classmethod
    def from_file(cls, path: str) -> "Scenario":
        """Read a JSON scenario file; malformed JSON raises :class:`cxkit.ParseError` with the
        file, line and column."""
        with open(path) as f:
            text = f.read()
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise ParseError(core.CX_EPARSE, f"malformed JSON: {e.msg}", str(path), e.lineno,
                             e.colno) from None
        return cls.from_dict(d, source=str(path))

    def set(self, name: str, value: float) -> "Scenario":
        core.cx_sim_params_set(self._p, name, float(value))
        return self

    def get(self, name: str) -> float:
        return core.cx_sim_params_get(self._p, name)

    def touchpoint(self, name: str, share: float, emotional_weight: float,
                   failure_rate: float = 0.05, sale_rate: float = 0.0,
                   channels: dict | None = None) -> "Scenario":
        """Add a touchpoint; ``sale_rate``: chance of a purchase during a contact there;
        ``channels``: its own channel mix, e.g. ``{"in_person": 0.8, "self_service": 0.2}``
        (default: each customer's preferred channel)."""
        core.cx_sim_params_add_touchpoint(self._p, name, share, emotional_weight, failure_rate)
        core.cx_sim_params_set_touchpoint_sales(self._p, name, sale_rate)
        if channels:
            unknown = set(channels) - set(CHANNELS)
            if unknown:
                raise ValueError(f"unknown channel(s) {sorted(unknown)}; use {CHANNELS}")
            core.cx_sim_params_set_touchpoint_channels(
                self._p, name, [float(channels.get(c, 0.0)) for c in CHANNELS])
        return self

    def intervene(self, lever: str, start: int, magnitude: float, end: int = 0) -> "Scenario":
        core.cx_sim_params_add_intervention(self._p, core.cx_sim_lever_parse(lever), start, end,
                                            magnitude)
        return self

    def rule(self, which: str, fn, name: str | None = None) -> "Scenario":
        """Replace a rule ("satisfaction", "loyalty", "churn", "learning") by ``fn(*inputs)``;
        ``None`` restores the built-in rule. The run then uses one thread (same results)."""
        core.cx_sim_params_set_script_rule(self._p, RULES[which], name or "python:" + which, fn)
        return self

    def _options(self, seed, threads, record):
        o = core.cx_sim_options()
        core.cx_sim_options_init(o, core.CX_SIM_OPTIONS_VERSION)
        o.seed, o.threads = int(seed), int(threads)
        o.record_interactions = o.record_transactions = int(record)
        return o

    def run(self, seed: int = 1, threads: int = 0, record: bool = False) -> "Result":
        return Result(_naming_plugin(core.cx_sim_run, self._p,
                                     self._options(seed, threads, record)))

    def compare(self, whatif: "Scenario", replications: int = 10, seed: int = 1,
                threads: int = 0, level: float = 0.95):
        """Per-period differences whatif - self under common random numbers, as a DataFrame with
        columns series, period, difference, lower, upper."""
        import pandas as pd
        c = _naming_plugin(core.cx_sim_compare, self._p, whatif._p, replications,
                           self._options(seed, threads, False))
        n = core.cx_sim_comparison_periods(c)
        rows = []
        for s, name in enumerate(SERIES):
            parts = [core.cx_sim_comparison_diff_part(n, c, s, level, k) for k in range(3)]
            for t in range(n):
                rows.append((name, t, parts[0][t], parts[1][t], parts[2][t]))
        return pd.DataFrame(rows, columns=["series", "period", "difference", "lower", "upper"])


class Result:
    def __init__(self, handle):
        self._r = handle

    @property
    def periods(self) -> int:
        return core.cx_sim_result_periods(self._r)

    def series(self):
        """Per-period time series as a pandas DataFrame (one column per series)."""
        import pandas as pd
        n = self.periods
        return pd.DataFrame({name: core.cx_sim_result_series(n, self._r, i)
                             for i, name in enumerate(SERIES)})

    def stats(self) -> dict:
        return {name: core.cx_sim_result_stat(self._r, i) for i, name in enumerate(STATS)}

    def write(self, directory: str) -> None:
        core.cx_sim_result_write(self._r, directory)

    def log(self):
        """The recorded interactions as a :class:`cxkit.log.Log` (run with ``record=True``)."""
        from .log import Log
        return Log._wrap(core.cx_sim_result_to_log(self._r))

    def transactions(self):
        """The recorded purchases as a :class:`cxkit.log.TransactionLog`."""
        from .log import TransactionLog
        tx = TransactionLog.__new__(TransactionLog)
        tx._h = core.cx_sim_result_to_txlog(self._r)
        return tx
