"""What a run tells whoever watches it, in the process that runs it: documents done (for a progress bar)
and whether it is committing (when Ctrl-C must wait a moment rather than stop halfway through a swap).

Both the plain runner and the Prefect flow report here; with no listener, reporting costs nothing."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

_listeners: list[Callable[[int], None]] = []
_committing = threading.Event()
_after_commit: list[Callable[[], None]] = []


def documents_done(count: int) -> None:
    """`count` more documents of the run are processed."""
    for listener in list(_listeners):
        listener(count)


@contextlib.contextmanager
def listening(listener: Callable[[int], None]) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def is_committing() -> bool:
    return _committing.is_set()


def run_after_commit(action: Callable[[], None]) -> None:
    """Run `action` as soon as the commit in progress is done (a Ctrl-C that came during it)."""
    _after_commit.append(action)


@contextlib.contextmanager
def committing() -> Iterator[None]:
    """The new version is being written and made current: an interrupt waits for the end of this block."""
    _committing.set()
    try:
        yield
    finally:
        _committing.clear()
        while _after_commit:
            _after_commit.pop(0)()
