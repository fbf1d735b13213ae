"""The binding plumbing: version, exceptions, numpy arrays in and out, strings, handles and
callbacks, exercised through the selftest functions of bindings/selftest.i."""
import pickle
import re
import sys
import threading

import numpy as np
import pytest

import cxkit
from cxkit import core


def test_version_comes_from_the_c_runtime(source_dir):
    cmake = (source_dir / "CMakeLists.txt").read_text()
    declared = re.search(r"project\(cxkit VERSION (\d+\.\d+\.\d+)", cmake).group(1)
    assert cxkit.__version__ == declared == core.cx_version_string()
    major, minor, patch = cxkit.version_info
    assert core.cx_version_number() == major * 10000 + minor * 100 + patch


def test_status_names_and_messages():
    assert core.cx_status_name(core.CX_EPARSE) == "EPARSE"
    assert core.cx_status_name(12345) == "UNKNOWN"
    assert core.cx_strerror(core.CX_OK)
    assert core.CX_OK == 0 and core.CX_EINVAL == -1


CLASSES = [
    (core.CX_EINVAL, cxkit.InvalidArgument, ValueError),
    (core.CX_ENOMEM, cxkit.OutOfMemory, MemoryError),
    (core.CX_EIO, cxkit.IOFailure, OSError),
    (core.CX_EPARSE, cxkit.ParseError, ValueError),
    (core.CX_ERANGE, cxkit.OutOfRange, IndexError),
    (core.CX_ENOTCONV, cxkit.NotConverged, ArithmeticError),
    (core.CX_ESINGULAR, cxkit.Singular, ArithmeticError),
    (core.CX_EUSER, cxkit.UserCallbackError, RuntimeError),
    (core.CX_ESTATE, cxkit.StateError, RuntimeError),
    (core.CX_ENOTSUP, cxkit.NotSupported, NotImplementedError),
    (core.CX_EFORMAT, cxkit.FormatError, ValueError),
]


@pytest.mark.parametrize("code,cls,builtin", CLASSES)
def test_each_status_raises_its_class(code, cls, builtin):
    with pytest.raises(cls) as info:
        core.cx_selftest_fail(code, "what went wrong", "", 0, 0, "alpha")
    e = info.value
    assert isinstance(e, cxkit.Error) and isinstance(e, builtin)
    assert e.args == (code, "what went wrong")
    assert (e.code, e.message, e.param, e.file, e.line, e.column) == (
        code, "what went wrong", "alpha", "", 0, 0)
    assert str(e) == "what went wrong"


def test_parse_error_carries_file_line_column():
    with pytest.raises(cxkit.ParseError) as info:
        core.cx_selftest_fail(core.CX_EPARSE, "unterminated quote", "x.csv", 3, 7, "")
    e = info.value
    assert (e.file, e.line, e.column, e.param) == ("x.csv", 3, 7, "")
    assert str(e) == "x.csv:3:7: unterminated quote" and e.message == "unterminated quote"
    assert isinstance(e, ValueError)


def test_error_pickles():
    e = cxkit.ParseError(-4, "m", "f", 1, 2, "p")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cxkit.ParseError and back.args == e.args and back.column == 2


def test_unknown_code_is_plain_error():
    with pytest.raises(cxkit.Error) as info:
        core.cx_selftest_fail(-99, "odd", "", 0, 0, "")
    assert type(info.value) is cxkit.Error and info.value.code == -99


def test_error_detail_is_per_thread():
    seen = {}

    def worker(code):
        try:
            core.cx_selftest_fail(code, f"thread {code}", "", 0, 0, "")
        except cxkit.Error as e:
            seen[code] = e.message

    threads = [threading.Thread(target=worker, args=(c,)) for c, _, _ in CLASSES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {c: f"thread {c}" for c, _, _ in CLASSES}


def test_array_in_accepts_lists_ints_and_strided_views():
    assert core.cx_selftest_sum([1, 2, 3.5]) == 6.5
    assert core.cx_selftest_sum(np.arange(10)) == 45.0
    assert core.cx_selftest_sum(np.arange(10.0)[::2]) == 20.0
    assert core.cx_selftest_sum(np.array([], dtype=float)) == 0.0
    with pytest.raises((TypeError, ValueError)):
        core.cx_selftest_sum(["a", "b"])
    with pytest.raises((TypeError, ValueError)):
        core.cx_selftest_sum(np.zeros((2, 2)))


def test_int64_arrays():
    big = np.array([2**62, 1, -5], dtype=np.int64)
    assert core.cx_selftest_isum(big) == 2**62 - 4
    out = core.cx_selftest_iota_i64(3, 2**40)
    assert out.dtype == np.int64 and out.tolist() == [2**40, 2**40 + 1, 2**40 + 2]


def test_array_out_has_requested_length_and_owns_its_data():
    out = core.cx_selftest_iota(5, 1.5)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.flags.owndata
    assert out.tolist() == [1.5, 2.5, 3.5, 4.5, 5.5]
    assert core.cx_selftest_iota(0, 0.0).shape == (0,)
    with pytest.raises(ValueError):
        core.cx_selftest_iota(-1, 0.0)


def test_inplace_array_is_updated():
    a = np.array([1.0, 2.0, 4.0])
    core.cx_selftest_scale(a, 0.5)
    assert a.tolist() == [0.5, 1.0, 2.0]
    with pytest.raises(cxkit.InvalidArgument) as info:
        core.cx_selftest_scale(a, float("nan"))
    assert info.value.param == "k"
    assert a.tolist() == [0.5, 1.0, 2.0]


def test_strings_from_list_tuple_and_numpy_arrays(no_leaks):
    assert core.cx_selftest_join(["a", None, "ç"], "-") == "a-<null>-ç"
    assert core.cx_selftest_join(("x", "y"), "") == "xy"
    assert core.cx_selftest_join(np.array(["p", None], dtype=object), "+") == "p+<null>"
    assert core.cx_selftest_join(np.array(["u", "v"]), ",") == "u,v"
    assert core.cx_selftest_join([], ",") == ""
    with pytest.raises(TypeError, match="index 1"):
        core.cx_selftest_join(["a", 3], ",")


def test_handles_are_freed_by_the_garbage_collector(no_leaks):
    live = core.cx_selftest_alloc_live()
    objs = [core.cx_selftest_obj_new(float(i)) for i in range(10)]
    assert core.cx_selftest_alloc_live() == live + 10
    assert [core.cx_selftest_obj_get(o) for o in objs] == [float(i) for i in range(10)]
    del objs
    assert core.cx_selftest_alloc_live() == live


def test_callback_results_and_reference_counts():
    f = lambda x: x * x  # noqa: E731
    before = sys.getrefcount(f)
    out = core.cx_selftest_map(4, np.arange(4.0), f)
    assert out.tolist() == [0.0, 1.0, 4.0, 9.0]
    assert sys.getrefcount(f) == before  # payload released by payload_free


def test_callback_exception_wins_and_stops_the_loop():
    calls = []

    def f(x):
        calls.append(x)
        if x == 2.0:
            raise KeyError("boom")
        return x

    with pytest.raises(KeyError, match="boom"):
        core.cx_selftest_map(5, np.arange(5.0), f)
    assert calls == [0.0, 1.0, 2.0]


def test_callback_bad_return_type_is_a_type_error():
    with pytest.raises(TypeError):
        core.cx_selftest_map(2, [1.0, 2.0], lambda x: "nope")


def test_callback_must_be_callable():
    with pytest.raises(TypeError, match="callable"):
        core.cx_selftest_map(1, [1.0], 42)
    with pytest.raises(cxkit.InvalidArgument) as info:
        core.cx_selftest_map(1, [1.0], None)
    assert info.value.param == "fn"


def test_callbacks_from_many_threads_take_the_gil():
    errors = []

    def worker(k):
        try:
            for _ in range(200):
                out = core.cx_selftest_map(8, np.arange(8.0), lambda x: x + k)
                assert out.tolist() == [x + k for x in range(8)]
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_error_last_is_readable():
    with pytest.raises(cxkit.ParseError):
        core.cx_selftest_fail(core.CX_EPARSE, "m", "data.csv", 12, 4, "")
    e = core.cx_error_last()
    assert (e.code, e.message, e.file, e.line, e.column) == (core.CX_EPARSE, "m", "data.csv", 12, 4)


def test_borrowed_string_output_is_copied_not_freed():
    for _ in range(3):  # a wrong free of static storage would crash here
        assert core.cx_selftest_name(1) == "one"
    with pytest.raises(cxkit.OutOfRange):
        core.cx_selftest_name(2)
