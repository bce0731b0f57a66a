"""torch.torch_version: ``__version__`` as a string that also compares as a version.

jtorch reports the PyTorch release whose API it follows, with jtorch's own version as the local
label (``2.13.0+jtorch.0.1.0``), so that version checks in PyTorch programs (``torch.__version__ >=
"2.0"``, ``packaging.version.parse(torch.__version__)``, ``split("+")[0]``) take their torch 2.13 path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from packaging.version import InvalidVersion, Version

from jtorch.version import __version__ as internal_version

__all__ = ["TorchVersion", "__version__"]


class TorchVersion(str):
    """A ``str`` comparing as a ``packaging`` Version against strings, Versions and tuples, as torch's."""

    __slots__ = ()

    @staticmethod
    def _as_version(other: Any) -> Version:
        if isinstance(other, Version):
            return other
        if isinstance(other, str):
            return Version(other)
        if isinstance(other, Iterable):
            return Version(".".join(str(item) for item in other))
        raise InvalidVersion(other)

    def _compare(self, other: Any, method: str) -> bool:
        try:
            return getattr(Version(self), method)(self._as_version(other))
        except InvalidVersion:
            return getattr(str, method)(self, other)

    def __gt__(self, other):
        return self._compare(other, "__gt__")

    def __lt__(self, other):
        return self._compare(other, "__lt__")

    def __ge__(self, other):
        return self._compare(other, "__ge__")

    def __le__(self, other):
        return self._compare(other, "__le__")

    def __eq__(self, other):
        return self._compare(other, "__eq__")

    __hash__ = str.__hash__


__version__ = TorchVersion(internal_version)
