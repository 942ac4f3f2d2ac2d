"""Memoisation bounded by the bytes it holds, not by how many results (issue 18: worker memory).

The view caches kept a number of results each (128 figure pairs, 64 filtered tables): at the
bundled 331 events that is 40 MB that fills as users try filters, and at an uploaded 100,000 it
is gigabytes. ``SharedBytes(budget).memoise`` keeps the most recently used results whose estimated
sizes add up to at most ``budget`` bytes (cachetools' LRU cache with a size function); a result larger than
the whole budget is returned and not kept. Thread-safe: one lock per cache (the function itself
runs outside it).
"""

from __future__ import annotations

import contextlib
import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from cachetools import LRUCache
from cachetools.keys import hashkey

F = TypeVar("F", bound=Callable[..., Any])
MB = 1024 * 1024
NUMBERS = (float, int)
FRAME_BYTES, COLUMN_BYTES = 1024, 800  # a DataFrame's own objects (measured with tracemalloc)
SAMPLE = 16  # a list longer than this is measured by every (len // SAMPLE)th item: the estimate
# stays within a few per cent on a figure spec and costs a few ms, where walking it all cost ~30


def nbytes(value: Any) -> int:
    """An estimate of the memory ``value`` holds of its own (a table's columns, a figure spec's
    arrays, lists and strings). Arrays of objects count their pointers: their strings are shared
    with the loaded table. Long lists are measured from a sample of their items."""
    kind = type(value)
    if kind is str or kind is bytes or kind is float or kind is int or value is None:
        return sys.getsizeof(value)  # the common leaves first: a spec has thousands of them
    if kind is dict:
        return sys.getsizeof(value) + sum(nbytes(k) + nbytes(v) for k, v in value.items())
    if kind is list or kind is tuple:
        if value and type(value[0]) in NUMBERS and type(value[-1]) in NUMBERS:
            return sys.getsizeof(value) + 24 * len(value)  # numbers (a coordinate pair, a series)
        if len(value) > SAMPLE:  # a long list (a trace's hover texts, customdata rows): from a sample
            sampled = value[::len(value) // SAMPLE]
            return sys.getsizeof(value) + sum(nbytes(v) for v in sampled) * len(value) // len(sampled)
        return sys.getsizeof(value) + sum(nbytes(v) for v in value)
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, pd.DataFrame | pd.Series):
        used = value.memory_usage(index=True, deep=False)
        # pandas' own objects per column (its arrays, blocks, the index): ~0.8 kB each, which is most
        # of a small filtered table (a 40-row one of 25 columns: 27 kB traced against 7 kB of data)
        columns = value.shape[1] if isinstance(value, pd.DataFrame) else 1
        return int(used.sum() if isinstance(used, pd.Series) else used) + FRAME_BYTES + COLUMN_BYTES * columns
    if isinstance(value, dict | list | tuple):  # subclasses
        return nbytes(dict(value) if isinstance(value, dict) else list(value))
    if is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name)) for f in fields(value)) + 56
    return sys.getsizeof(value)


class SharedBytes:
    """One byte budget shared by many memoised functions: every view cache of a process — the
    figures, filtered tables and sort orders of the bundled dataset and of each upload the process
    holds — so what they keep together stays under one bound however many datasets it serves. The
    least recently used result goes first, whichever function made it. Thread-safe (one lock; the
    functions themselves run outside it)."""

    def __init__(self, budget: int, size: Callable[[Any], int] = nbytes) -> None:
        self._size = size
        self._lock = threading.RLock()
        self._names = itertools.count()
        self.cache: LRUCache[Any, Any] = LRUCache(maxsize=max(budget, 0), getsizeof=size)

    @property
    def budget(self) -> int:
        return int(self.cache.maxsize)

    def resize(self, budget: int) -> None:
        """A new budget (a server's setting, at its start): what was kept is let go."""
        with self._lock:
            self.cache = LRUCache(maxsize=max(budget, 0), getsizeof=self._size)

    def memoise(self, fn: F) -> F:
        """``fn`` memoised on its (hashable) arguments in the shared budget; a result larger than
        the whole budget is returned and not kept."""
        name = next(self._names)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = (name, hashkey(*args, **kwargs))
            with self._lock:
                cache = self.cache
                try:
                    return cache[key]
                except KeyError:
                    pass
            value = fn(*args, **kwargs)
            with self._lock, contextlib.suppress(ValueError):  # ValueError: larger than the whole budget
                cache[key] = value
            return value

        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        wrapper.name = name  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    def held(self, fn: Any) -> list[Any]:
        """The results ``fn`` (a function this budget memoises) keeps now (tests, benchmarks)."""
        with self._lock:
            return [v for k, v in self.cache.items() if k[0] == fn.name]


#: the process's one budget for its view caches (app.view, app.filters), 16 MB: ``create_app`` sizes
#: it from the ``view_cache_mb`` setting
VIEWS = SharedBytes(16 * MB)
