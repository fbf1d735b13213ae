"""Shared pytest fixtures. ctest sets PYTHONPATH to build/python (the in-tree package) and
CX_SOURCE_DIR / CX_SHARED_DIR for data files."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("CX_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
SHARED_DIR = pathlib.Path(os.environ.get("CX_SHARED_DIR", SOURCE_DIR.parent / "shared"))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def shared_dir():
    return SHARED_DIR


@pytest.fixture
def no_leaks():
    """Asserts that the test leaves no block of cxkit's allocator behind (counted per thread)."""
    import gc

    from cxkit import core
    gc.collect()  # objects of earlier tests
    before = core.cx_selftest_alloc_live()
    yield
    gc.collect()
    assert core.cx_selftest_alloc_live() == before


@pytest.fixture(scope="module")
def cdnow_elog():
    """The CDNOW sample transaction log (id, date, cds, amount), dates as Timestamps."""
    import pandas as pd
    s = pd.read_csv(SOURCE_DIR / "tests" / "data" / "cdnow" / "CDNOW_sample.txt", sep=r"\s+",
                    header=None, names=["master", "id", "date", "cds", "amount"])
    s["date"] = pd.to_datetime(s["date"].astype(str))
    return s
