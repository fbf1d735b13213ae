"""cxkit: customer-service interactions, satisfaction scores and loyalty effects.

Python binding of the cxkit C library. Errors raise :class:`cxkit.Error` subclasses; arrays go in
and out as numpy arrays. The SWIG layer is ``cxkit.core`` (C names); this package adds the
Pythonic classes. Each module's layer lives in ``cxkit/<module>.py`` and is imported here.
"""

from . import core
from . import sim
from .errors import (Error, FormatError, InvalidArgument, IOFailure, NotConverged,
                     NotSupported, OutOfMemory, OutOfRange, ParseError, Singular, StateError,
                     UserCallbackError)

from . import scores, drivers  # noqa: E402  (module layers; cxkit.dask is imported on demand)

__version__: str = core.cx_version_string()
"""Version of the C library this package runs (``cx_version_string()``)."""

version_info = tuple(int(p) for p in __version__.split("."))

__all__ = [
    "__version__", "version_info", "core", "sim",
    "Error", "InvalidArgument", "OutOfMemory", "IOFailure", "ParseError", "OutOfRange",
    "NotConverged", "Singular", "UserCallbackError", "StateError", "NotSupported",
    "FormatError", "scores", "drivers",
]
