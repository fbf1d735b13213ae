"""cxkit: customer-service interactions, satisfaction scores and loyalty effects.

Python binding of the cxkit C library. Errors raise :class:`cxkit.Error` subclasses; arrays go in
and out as numpy arrays. The SWIG layer is ``cxkit.core`` (C names); this package adds the
Pythonic classes. Each module's layer lives in ``cxkit/<module>.py`` and is imported below, ONE
LINE PER MODULE in alphabetical order (so that parallel additions merge without conflicts);
``__all__`` is computed, not listed. ``cxkit.dask`` is imported on demand.
"""

from . import core
from .errors import *  # noqa: F401,F403  (Error and its subclasses)

# ---- module layers, one line each, alphabetical ----
from . import clv  # noqa: E402,F401
from . import drivers  # noqa: E402,F401
from . import effects  # noqa: E402,F401
from .log import CHANNELS, FIELDS, Log, TransactionLog, format_time, parse_time  # noqa: F401
from . import pls  # noqa: E402,F401
from . import rng  # noqa: E402,F401
from .rng import RNG  # noqa: E402,F401
from . import scores  # noqa: E402,F401
from . import sim  # noqa: E402,F401
from . import rng  # noqa: E402
from .rng import RNG  # noqa: E402

__version__: str = core.cx_version_string()
"""Version of the C library this package runs (``cx_version_string()``)."""

version_info = tuple(int(p) for p in __version__.split("."))

__all__ = sorted(n for n in dir() if not n.startswith("_") or n == "__version__")
