"""The worker pool that parses on every core."""

from __future__ import annotations

import gc

from foidata.flows.isolation import GC_THRESHOLDS
from foidata.flows.parallel import pool


def test_workers_collect_cycles_less_often_than_the_parent() -> None:
    """Workers start with the raised collection thresholds; the process that made the pool keeps Python's."""
    assert pool(2).submit(gc.get_threshold).result(timeout=120) == GC_THRESHOLDS
    assert gc.get_threshold() != GC_THRESHOLDS
