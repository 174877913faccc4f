"""PEP 562 lazy re-exports: a package's `__getattr__` that imports a name's module only when the name is first
used, so that importing the package costs nothing (the face, foidata.flows and foidata.schemas use it).

It lives in the lowest stage because every stage may import it; it imports nothing but importlib, so
`foidata.schemas` and the command line stay as cheap to import as before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name in `homes` is fetched from the module it maps to.

    Use it as `__getattr__ = lazy_getattr(__name__, {"Dataset": "foidata.output.read"})`, with the same names
    imported under TYPE_CHECKING so that type checkers and editors see them.
    """

    def __getattr__(name: str) -> Any:
        if name in homes:
            return getattr(importlib.import_module(homes[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
