"""Exceptions raised by cxkit: one class per C status code, each also a builtin exception.

Every failing C call raises a subclass of :class:`Error` built from the C library's per-thread
error detail. Each subclass also derives from the builtin exception a Python user would expect,
so ``except ValueError`` catches an invalid argument or a parse error.
"""

from __future__ import annotations

__all__ = [
    "Error", "InvalidArgument", "OutOfMemory", "IOFailure", "ParseError", "OutOfRange",
    "NotConverged", "Singular", "UserCallbackError", "StateError", "NotSupported",
    "FormatError",
]


class Error(Exception):
    """A cxkit C call failed.

    ``args`` is ``(code, message)``. ``code`` is the negative ``cx_status``; ``file``, ``line``
    and ``column`` locate bad input (``""``/``0`` when not applicable) and ``param`` names the
    offending parameter or column (``""`` when not applicable).
    """

    code: int = 0

    def __init__(self, code: int, message: str, file: str = "", line: int = 0,
                 column: int = 0, param: str = "") -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.param = param

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        return self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message, self.file, self.line, self.column,
                             self.param))


class InvalidArgument(Error, ValueError):
    """CX_EINVAL: a bad argument (NULL, out-of-domain value, NaN where a number is needed)."""


class OutOfMemory(Error, MemoryError):
    """CX_ENOMEM: an allocation failed; nothing was changed."""


class IOFailure(Error, OSError):
    """CX_EIO: a file could not be opened, read or written."""

    def __init__(self, code: int, message: str, file: str = "", line: int = 0,
                 column: int = 0, param: str = "") -> None:
        Error.__init__(self, code, message, file, line, column, param)
        self.filename = file or None

    __str__ = Error.__str__


class ParseError(Error, ValueError):
    """CX_EPARSE: malformed input text; ``file``, ``line`` and ``column`` say where."""


class OutOfRange(Error, ValueError, IndexError):
    """CX_ERANGE: an index past the end, or a statistic undefined for the data."""


class NotConverged(Error, ArithmeticError):
    """CX_ENOTCONV: an iterative method did not converge."""


class Singular(Error, ArithmeticError):
    """CX_ESINGULAR: a matrix is singular or not positive definite."""


class UserCallbackError(Error, RuntimeError):
    """CX_EUSER: a callback failed without a Python exception of its own (when a Python callback
    raises, that exception reaches the caller instead)."""


class StateError(Error, RuntimeError):
    """CX_ESTATE: the object is not in the state the call needs (e.g. predict before fit)."""


class NotSupported(Error, NotImplementedError):
    """CX_ENOTSUP: the combination of options is not supported."""


class FormatError(Error, ValueError):
    """CX_EFORMAT: serialised bytes are corrupt, truncated or of an unknown version."""


_BY_CODE = {
    -1: InvalidArgument, -2: OutOfMemory, -3: IOFailure, -4: ParseError, -5: OutOfRange,
    -6: NotConverged, -7: Singular, -8: UserCallbackError, -9: StateError, -10: NotSupported,
    -11: FormatError,
}


def _from_status(code: int, message: str, file: str, line: int, column: int,
                 param: str) -> Error:
    """Called by the C layer to build the exception for a failed status."""
    return _BY_CODE.get(code, Error)(code, message, file, line, column, param)
