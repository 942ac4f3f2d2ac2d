"""Which dataset a browser tab is looking at: the bundled one, or its own upload.

An upload lives in the shared upload store (app.web.store: Redis when configured, a disk store
otherwise) under the tab's id and the file's token, so every worker — and a background job — can
open it. The tab keeps only {tab, token, name} in a memory store: closing or reloading the tab
returns to the bundled data.

Each process keeps the datasets it built from recent uploads (up to 32 within 256 MB, least recently used
dropped first): a filter change on an upload this worker already opened costs no import. It asks
the store at most every REVALIDATE_SECONDS whether the upload is still held (the TTL and the
budgets are the store's, shared by all workers), and when the store cannot be reached (Redis
restarting) it keeps answering from what it holds. A worker that has not seen the upload imports
it again from the stored file, once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.dataset import Dataset
from app.web.store import Gone, StoreUnavailable, UploadStore, valid_key

if TYPE_CHECKING:
    from app.view import Loaded as Deps

log = logging.getLogger(__name__)

#: the uploads a process keeps built (least recently used dropped first): at most this many, and at
#: most UPLOAD_MEMORY_BYTES of their tables (the most recent one is always kept). Each one dropped
#: is imported again from the store when its tab next asks this process: ~0.1 s of CPU for a small
#: file, so with many tabs a count of 4 kept every worker importing
UPLOADS_PER_PROCESS = 32
UPLOAD_MEMORY_BYTES = 256 * 1024 * 1024
REVALIDATE_SECONDS = 5.0
UNAVAILABLE_WAIT_SECONDS = 8.0  # how long a request waits for the store to come back


class UploadGone(Exception):
    """The tab points at an upload the store does not hold; the message says why, truthfully."""


GONE_MESSAGE = Gone("unknown").message


def new_tab_id() -> str:
    return secrets.token_urlsafe(16)


def upload_token(name: str, content: bytes) -> str:
    """The same file gives the same token (a re-upload replaces, it does not add)."""
    return hashlib.sha256(name.encode("utf-8", "replace") + b"\0" + content).hexdigest()[:32]


class Registry:
    def __init__(self, bundled: Deps, make: Callable[[Dataset], Deps], store: UploadStore | None = None,
                 load: Callable[[str, bytes], Dataset] | None = None, capacity: int = UPLOADS_PER_PROCESS,
                 memory: int = UPLOAD_MEMORY_BYTES):
        from app.web.store import DiskStore, default_root

        self.bundled = bundled
        self._make = make
        self.store: UploadStore = store if store is not None else DiskStore(default_root())
        self._load = load or _load_upload
        self._capacity = capacity
        self._memory = memory
        self._held: OrderedDict[tuple[str, str], tuple[Deps, float]] = OrderedDict()
        self._bytes: dict[tuple[str, str], int] = {}  # what each held upload's tables take
        self._lock = threading.Lock()

    def add(self, ds: Dataset, content: bytes, name: str, tab: str | None = None,
            built: bytes | None = None) -> dict[str, str]:
        """Store an uploaded file for ``tab`` (and, for a large one, the tables built from it, which
        other workers open instead of importing the file again) and hold its dataset; returns the
        tab's dataset store value {tab, token, name}. Raises StoreUnavailable when the store cannot
        be reached."""
        tab = tab if valid_key(tab) else new_tab_id()
        assert tab is not None
        token = upload_token(name, content)
        self.store.put(tab, token, name, content, built)
        self._hold((tab, token), self._make(ds))
        return {"tab": tab, "token": token, "name": name}

    def _hold(self, key: tuple[str, str], deps: Deps) -> None:
        with self._lock:
            self._held[key] = (deps, time.monotonic())
            self._held.move_to_end(key)
            if key not in self._bytes:
                self._bytes[key] = held_bytes(deps)
            while len(self._held) > 1 and (len(self._held) > self._capacity
                                           or sum(self._bytes.get(k, 0) for k in self._held) > self._memory):
                gone, _ = self._held.popitem(last=False)
                self._bytes.pop(gone, None)

    def get(self, data: Any) -> Deps:
        """The dataset store's value -> its Deps; UploadGone (saying why) when it is not held."""
        token = data.get("token") if isinstance(data, dict) else None
        if not token:
            return self.bundled
        tab = data.get("tab")
        if not (valid_key(tab) and valid_key(token)):
            raise UploadGone(GONE_MESSAGE)
        key = (tab, token)
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                self._held.move_to_end(key)
        now = time.monotonic()
        if held is not None and now - held[1] < REVALIDATE_SECONDS:
            return held[0]
        try:
            if held is not None:
                self.store.touch(tab, token)
                self._hold(key, held[0])
                return held[0]
            stored = self._fetch(tab, token)
        except Gone as gone:
            with self._lock:
                self._held.pop(key, None)
                self._bytes.pop(key, None)
            raise UploadGone(gone.message) from None
        except StoreUnavailable:
            if held is not None:  # keep answering from what this worker holds
                log.warning("upload store unavailable; answering from this worker's copy")
                return held[0]
            raise UploadGone(Gone("unavailable").message) from None
        deps = self._make(_from_built(stored.built) if stored.built else self._load(stored.name, stored.data))
        self._hold(key, deps)
        return deps

    def _fetch(self, tab: str, token: str) -> Any:
        """The stored file; waits (bounded) while the store is unavailable, e.g. Redis restarting."""
        deadline = time.monotonic() + UNAVAILABLE_WAIT_SECONDS
        pause = 0.1
        while True:
            try:
                return self.store.get(tab, token)
            except StoreUnavailable:
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 1.0)

    def get_or_bundled(self, data: Any) -> Deps:
        try:
            return self.get(data)
        except UploadGone:
            return self.bundled


def held_bytes(deps: Any) -> int:
    """About what a built upload holds: its tables, and the sorted and view copies of its events."""
    from app.sized import nbytes

    ds = getattr(deps, "ds", None)
    frames = [getattr(ds, name, None) for name in ("events", "sources", "event_sources", "actors", "event_actors")]
    cache = getattr(deps, "cache", None)
    frames += [getattr(cache, "events", None), getattr(cache, "rows", None)]
    return sum(nbytes(f) for f in frames if f is not None)


def _from_built(built: bytes) -> Dataset:
    from app.web.upload import from_built_form

    return from_built_form(built)


def _load_upload(name: str, data: bytes) -> Dataset:
    from app.importers.inmemory import load_upload

    return load_upload(name, data).dataset
