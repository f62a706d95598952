"""The cyclic garbage collector paused while a replay builds and checks its state."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """A replay keeps millions of objects, none of them in a reference cycle: the collector
    would walk them again and again (a fifth of verify's CPU) and find nothing to free.
    What was made meanwhile is frozen at the end, so that it is not walked later either."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
