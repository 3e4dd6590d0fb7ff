"""Pausing Python's cyclic garbage collector around work that makes many short-lived objects.

Reading tens of thousands of figures makes as many small objects, none of them in a cycle, so
reference counting frees them all; but their number sets off full collections, which walk every
object the process holds (Django's included) and, on the dashboard at national size, took more
time than the reading itself (docs/performance.md). As in ``reports.render.pdf``, the collector
is paused for the work and resumed after, as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
