"""Memoisation bounded by the bytes it holds, not by how many results (issue 18: worker memory).

The view caches kept a number of results each (128 figure pairs, 64 filtered tables): at the
bundled 331 events that is 40 MB that fills as users try filters, and at an uploaded 100,000 it
is gigabytes. ``byte_lru(budget)`` keeps the most recently used results whose estimated sizes add
up to at most ``budget`` bytes (cachetools' LRU cache with a size function); a result larger than
the whole budget is returned and not kept. Thread-safe: one lock per cache (the function itself
runs outside it).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from cachetools import LRUCache, cached

F = TypeVar("F", bound=Callable[..., Any])
MB = 1024 * 1024


def nbytes(value: Any) -> int:
    """An estimate of the memory ``value`` holds of its own (a table's columns, a figure spec's
    arrays, lists and strings). Arrays of objects count their pointers: their strings are shared
    with the loaded table."""
    if isinstance(value, pd.DataFrame | pd.Series):
        used = value.memory_usage(index=True, deep=False)
        return int(used.sum() if isinstance(used, pd.Series) else used)
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(k) + nbytes(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(nbytes(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name)) for f in fields(value)) + 56
    return sys.getsizeof(value)


def byte_lru(budget: int, size: Callable[[Any], int] = nbytes) -> Callable[[F], F]:
    """A decorator: ``fn`` memoised on its (hashable) arguments, keeping at most ``budget`` bytes
    of results. The cache is ``wrapped.cache`` (its ``currsize`` is the bytes held)."""
    def decorate(fn: F) -> F:
        return cached(LRUCache(maxsize=budget, getsizeof=size), lock=threading.RLock())(fn)  # type: ignore[return-value]
    return decorate
