"""Which dataset a browser tab is looking at: the bundled one, or its own upload.

An upload lives only in the memory of the server process that received it, in a small
least-recently-used registry (never on disk). The tab keeps just the upload's token (a hash of
the file) in a memory store, so closing or reloading the tab returns to the bundled data.

This is the one piece of server-side state in the app, and a deliberate exception to
"callbacks are stateless": the alternative — sending the whole file with every callback — costs
megabytes per click. Under gunicorn with several worker processes, a worker that did not receive
the upload does not hold it: the views then say so ("upload it again") rather than showing
another dataset's events. README recommends ``--workers 1 --threads 8`` where uploads matter.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.dataset import Dataset

if TYPE_CHECKING:
    from app.view import Loaded as Deps

UPLOADS_PER_PROCESS = 4


class UploadGone(Exception):
    """The tab points at an upload this process does not hold (restarted, evicted, other worker)."""


class Registry:
    def __init__(self, bundled: Deps, make: Callable[[Dataset], Deps], capacity: int = UPLOADS_PER_PROCESS):
        self.bundled = bundled
        self._make = make
        self._capacity = capacity
        self._uploads: OrderedDict[str, Deps] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, ds: Dataset, content: bytes, name: str) -> str:
        """Hold an uploaded dataset; returns its token (the same file gives the same token)."""
        token = hashlib.sha256(name.encode("utf-8", "replace") + b"\0" + content).hexdigest()[:32]
        deps = self._make(ds)
        with self._lock:
            self._uploads[token] = deps
            self._uploads.move_to_end(token)
            while len(self._uploads) > self._capacity:
                self._uploads.popitem(last=False)
        return token

    def get(self, data: Any) -> Deps:
        """The dataset store's value -> its Deps; UploadGone when the upload is not held here."""
        token = data.get("token") if isinstance(data, dict) else None
        if not token or not isinstance(token, str):
            return self.bundled
        with self._lock:
            deps = self._uploads.get(token)
            if deps is not None:
                self._uploads.move_to_end(token)
        if deps is None:
            raise UploadGone(token)
        return deps

    def get_or_bundled(self, data: Any) -> Deps:
        try:
            return self.get(data)
        except UploadGone:
            return self.bundled


GONE_MESSAGE = ("Your uploaded file is no longer held by the server (it restarted, or another worker "
                "answered). Upload it again, or go back to the bundled dataset.")
