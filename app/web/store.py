"""Uploads every worker can see: a store shared by the server's processes, keyed by browser tab.

An upload is kept as the file the tab sent (its bytes and name), under the tab's id and the file's
token, so that any worker — another gunicorn process, another host with the same Redis, or a
background job — can rebuild the same dataset from it. Two stores with one behaviour:

- ``RedisStore`` when ``GEOTIMELINE_REDIS_URL`` is set (several hosts behind a load balancer);
- ``DiskStore`` otherwise: files in one folder (the processes of one host), made private to the
  user, written atomically, guarded by a lock file.

Both keep an upload for ``ttl`` seconds since it was last used, at most ``per_tab`` uploads and
``per_tab_bytes`` per tab and ``total_bytes`` in all (least recently used dropped first). What was
dropped leaves a short note (a tombstone, kept as long as an upload would have been) saying why,
so the tab is told the truth: its time ran out, it opened newer files, or the server's space was
full — not "the server restarted" when it did not.

Nothing here is trusted from the browser: tab ids and tokens must look like ours (URL-safe
base64 / hex, bounded length) or are treated as unknown; the stored bytes are the file the tab
sent itself, imported again (never unpickled).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

TTL_SECONDS = 4 * 3600
PER_TAB_UPLOADS = 2
PER_TAB_BYTES = 30 * 1024 * 1024
TOTAL_BYTES = 1024 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# why an upload is gone -> what the tab is told
REASONS = {
    "expired": "Your uploaded file was kept {ttl} after it was last used, and that time is up.",
    "tab": "This tab opened newer files since, and a tab keeps only its last {per_tab} uploads.",
    "total": "The server's space for uploads was full, and your file was the one least recently used.",
    "unknown": "The server no longer holds your uploaded file (its upload store was cleared or moved).",
    "unavailable": "The server's upload store cannot be reached right now.",
}
AFTER = " Upload it again, or go back to the bundled dataset."


@dataclass(frozen=True)
class Limits:
    ttl: float = TTL_SECONDS
    per_tab: int = PER_TAB_UPLOADS
    per_tab_bytes: int = PER_TAB_BYTES
    total_bytes: int = TOTAL_BYTES


@dataclass(frozen=True)
class Stored:
    name: str
    data: bytes
    built: bytes | None = None  # the validated tables the server built from it (app.web.upload.built_form)


class Gone(Exception):
    """The upload is not in the store; ``reason`` is a key of REASONS."""

    def __init__(self, reason: str, limits: Limits | None = None):
        self.reason = reason if reason in REASONS else "unknown"
        self.limits = limits or Limits()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return REASONS[self.reason].format(ttl=ttl_words(self.limits.ttl), per_tab=self.limits.per_tab) + AFTER


def ttl_words(seconds: float = TTL_SECONDS) -> str:
    """How long an upload is kept after its last use, in words ("4 hours", "30 minutes"): the
    upload panel and the eviction messages say the same."""
    hours = seconds / 3600
    minutes = round(seconds / 60, 1)
    return (f"{hours:g} hour{'s' if hours != 1 else ''}" if hours >= 1
            else f"{minutes:g} minute{'s' if minutes != 1 else ''}")


def keeping_sentence(limits: Limits | None = None) -> str:
    """What happens to an uploaded file, truthfully: kept on the server for its tab, for the TTL
    after its last use, then deleted; never added to the dataset or shown to other tabs."""
    limits = limits or Limits()
    return (f"The server keeps it for this browser tab only, for {ttl_words(limits.ttl)} after its last use, "
            f"then deletes it (at most {limits.per_tab} files per tab); it is never added to the bundled dataset "
            "or shown to anyone else, and reloading the page returns to the bundled dataset.")


class StoreUnavailable(Exception):
    """The store cannot be reached (Redis down or restarting)."""


def valid_key(value: Any) -> bool:
    return isinstance(value, str) and bool(_KEY.match(value))


class UploadStore(Protocol):
    limits: Limits

    def put(self, tab: str, token: str, name: str, data: bytes, built: bytes | None = None) -> None: ...
    def get(self, tab: str, token: str) -> Stored: ...
    def touch(self, tab: str, token: str) -> None: ...
    def discard(self, tab: str, token: str) -> None: ...


def _check(tab: str, token: str) -> None:
    if not (valid_key(tab) and valid_key(token)):
        raise Gone("unknown")


# -- disk --------------------------------------------------------------------------------------
class DiskStore:
    """Uploads as files in ``root``/<tab>/<token>.{bin,json}; a tombstone <token>.gone says why one
    was dropped. The modification time of the .bin file is when it was last used."""

    def __init__(self, root: Path, limits: Limits | None = None):
        self.root = Path(root)
        self.limits = limits or Limits()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _paths(self, tab: str, token: str) -> tuple[Path, Path, Path]:
        folder = self.root / tab
        return folder / f"{token}.bin", folder / f"{token}.json", folder / f"{token}.gone"

    def _built_path(self, tab: str, token: str) -> Path:
        return self.root / tab / f"{token}.built"

    def put(self, tab: str, token: str, name: str, data: bytes, built: bytes | None = None) -> None:
        _check(tab, token)
        data_path, meta_path, gone_path = self._paths(tab, token)
        built_path = self._built_path(tab, token)
        with self._locked():
            data_path.parent.mkdir(exist_ok=True, mode=0o700)
            files = [(meta_path, json.dumps({"name": name}).encode()), (data_path, data)]
            if built is not None:
                files.insert(0, (built_path, built))
            else:
                built_path.unlink(missing_ok=True)
            for path, content in files:  # the .bin last: an upload is held once its .bin is there
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                os.replace(tmp, path)
            gone_path.unlink(missing_ok=True)
            self._evict(keep=(tab, token))

    def discard(self, tab: str, token: str) -> None:
        """Remove an upload without a tombstone (a file held only while it was read)."""
        _check(tab, token)
        data_path, meta_path, _ = self._paths(tab, token)
        with self._locked():
            for path in (data_path, meta_path, self._built_path(tab, token)):
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                data_path.parent.rmdir()  # only when empty

    def _entries(self) -> list[tuple[float, int, str, str]]:
        """(last used, bytes, tab, token) of every upload held; expired ones are dropped here."""
        out = []
        now = time.time()
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.glob("*.bin"):
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                if now - st.st_mtime > self.limits.ttl:
                    self._drop(folder.name, path.stem, "expired")
                    continue
                size = st.st_size
                with contextlib.suppress(FileNotFoundError):
                    size += path.with_suffix(".built").stat().st_size
                out.append((st.st_mtime, size, folder.name, path.stem))
            for path in folder.glob("*.gone"):  # tombstones live as long as an upload would
                with contextlib.suppress(FileNotFoundError):
                    if now - path.stat().st_mtime > self.limits.ttl:
                        path.unlink()
        return sorted(out)

    def _drop(self, tab: str, token: str, reason: str) -> None:
        data_path, meta_path, gone_path = self._paths(tab, token)
        data_path.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        self._built_path(tab, token).unlink(missing_ok=True)
        gone_path.write_text(reason)
        log.info("upload %s/%s dropped: %s", tab[:6], token[:6], reason)

    def _evict(self, keep: tuple[str, str]) -> None:
        entries = self._entries()
        tab = keep[0]
        mine = [e for e in entries if e[2] == tab]
        while len(mine) > self.limits.per_tab or (sum(e[1] for e in mine) > self.limits.per_tab_bytes
                                                  and len(mine) > 1):
            victim = next(e for e in mine if (e[2], e[3]) != keep)
            self._drop(victim[2], victim[3], "tab")
            mine.remove(victim)
            entries.remove(victim)
        while sum(e[1] for e in entries) > self.limits.total_bytes and len(entries) > 1:
            victim = next(e for e in entries if (e[2], e[3]) != keep)
            self._drop(victim[2], victim[3], "total")
            entries.remove(victim)

    def get(self, tab: str, token: str) -> Stored:
        _check(tab, token)
        data_path, meta_path, gone_path = self._paths(tab, token)
        try:
            st = data_path.stat()
            if time.time() - st.st_mtime > self.limits.ttl:
                with self._locked():
                    self._drop(tab, token, "expired")
                raise Gone("expired", self.limits)
            data = data_path.read_bytes()
            name = json.loads(meta_path.read_text()).get("name", "upload")
            built = None
            with contextlib.suppress(FileNotFoundError):
                built = self._built_path(tab, token).read_bytes()
            os.utime(data_path)
            return Stored(name=str(name), data=data, built=built)
        except FileNotFoundError:
            raise Gone(_gone_reason(gone_path), self.limits) from None

    def touch(self, tab: str, token: str) -> None:
        """Mark the upload used; Gone when it is not held."""
        _check(tab, token)
        data_path, _, gone_path = self._paths(tab, token)
        try:
            if time.time() - data_path.stat().st_mtime > self.limits.ttl:
                raise Gone("expired", self.limits)
            os.utime(data_path)
        except FileNotFoundError:
            raise Gone(_gone_reason(gone_path), self.limits) from None

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)


# -- Redis -------------------------------------------------------------------------------------
class RedisStore:
    """Uploads in Redis: ``gt:up:<tab>:<token>`` a hash (name, data) with the TTL as its expiry;
    ``gt:used`` a sorted set of every upload by last use and ``gt:size`` their sizes (for the
    budgets); ``gt:gone:<tab>:<token>`` a tombstone with the reason."""

    PREFIX = "gt:"

    def __init__(self, url: str, limits: Limits | None = None):
        import redis  # imported here: only this store needs it

        self.limits = limits or Limits()
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                                health_check_interval=10)
        self._errors: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError,
                                                          redis.BusyLoadingError)

    def _k(self, kind: str, tab: str, token: str) -> str:
        return f"{self.PREFIX}{kind}:{tab}:{token}"

    @contextlib.contextmanager
    def _up(self) -> Iterator[None]:
        try:
            yield
        except self._errors as exc:
            raise StoreUnavailable(str(exc)) from exc

    def put(self, tab: str, token: str, name: str, data: bytes, built: bytes | None = None) -> None:
        _check(tab, token)
        member = f"{tab}:{token}"
        ttl = int(self.limits.ttl)
        fields = {"name": name.encode("utf-8", "replace"), "data": data}
        if built is not None:
            fields["built"] = built
        with self._up():
            r = self._redis
            with r.lock(self.PREFIX + "lock", timeout=10, blocking_timeout=10):
                pipe = r.pipeline()
                pipe.delete(self._k("up", tab, token))
                pipe.hset(self._k("up", tab, token), mapping=fields)
                pipe.expire(self._k("up", tab, token), ttl)
                pipe.delete(self._k("gone", tab, token))
                pipe.zadd(self.PREFIX + "used", {member: time.time()})
                pipe.hset(self.PREFIX + "size", member, len(data) + len(built or b""))
                pipe.execute()
                self._evict(member)

    def discard(self, tab: str, token: str) -> None:
        """Remove an upload without a tombstone (a file held only while it was read)."""
        _check(tab, token)
        member = f"{tab}:{token}"
        with self._up():
            pipe = self._redis.pipeline()
            pipe.delete(self._k("up", tab, token))
            pipe.zrem(self.PREFIX + "used", member)
            pipe.hdel(self.PREFIX + "size", member)
            pipe.execute()

    def _evict(self, keep: str) -> None:
        r = self._redis
        now = time.time()
        members = [(m.decode(), s) for m, s in r.zrange(self.PREFIX + "used", 0, -1, withscores=True)]
        sizes = {k.decode(): int(v) for k, v in r.hgetall(self.PREFIX + "size").items()}
        alive = []
        for member, used in members:
            if now - used > self.limits.ttl or not r.exists(self.PREFIX + "up:" + member):
                self._drop(member, "expired")
            else:
                alive.append((used, sizes.get(member, 0), member))
        tab = keep.split(":", 1)[0]
        mine = [e for e in alive if e[2].startswith(tab + ":")]
        while len(mine) > self.limits.per_tab or (sum(e[1] for e in mine) > self.limits.per_tab_bytes
                                                  and len(mine) > 1):
            victim = next(e for e in mine if e[2] != keep)
            self._drop(victim[2], "tab")
            mine.remove(victim)
            alive.remove(victim)
        while sum(e[1] for e in alive) > self.limits.total_bytes and len(alive) > 1:
            victim = next(e for e in alive if e[2] != keep)
            self._drop(victim[2], "total")
            alive.remove(victim)

    def _drop(self, member: str, reason: str) -> None:
        pipe = self._redis.pipeline()
        pipe.delete(self.PREFIX + "up:" + member)
        pipe.zrem(self.PREFIX + "used", member)
        pipe.hdel(self.PREFIX + "size", member)
        pipe.set(self.PREFIX + "gone:" + member, reason, ex=int(self.limits.ttl))
        pipe.execute()
        log.info("upload %s dropped: %s", member[:6], reason)

    def _gone(self, tab: str, token: str) -> Gone:
        member = f"{tab}:{token}"
        reason = self._redis.get(self._k("gone", tab, token))
        if reason is None and self._redis.zscore(self.PREFIX + "used", member) is not None:
            self._drop(member, "expired")  # its hash expired with the TTL
            return Gone("expired", self.limits)
        return Gone(reason.decode() if reason else "unknown", self.limits)

    def get(self, tab: str, token: str) -> Stored:
        _check(tab, token)
        with self._up():
            values = self._redis.hmget(self._k("up", tab, token), ["name", "data", "built"])
            if values[1] is None:
                raise self._gone(tab, token)
            self._mark_used(tab, token)
            return Stored(name=(values[0] or b"upload").decode("utf-8", "replace"), data=values[1], built=values[2])

    def touch(self, tab: str, token: str) -> None:
        _check(tab, token)
        with self._up():
            if not self._redis.exists(self._k("up", tab, token)):
                raise self._gone(tab, token)
            self._mark_used(tab, token)

    def _mark_used(self, tab: str, token: str) -> None:
        pipe = self._redis.pipeline()
        pipe.expire(self._k("up", tab, token), int(self.limits.ttl))
        pipe.zadd(self.PREFIX + "used", {f"{tab}:{token}": time.time()}, xx=True)
        pipe.execute()

    def clear(self) -> None:
        with self._up():
            keys = list(self._redis.scan_iter(self.PREFIX + "*"))
            if keys:
                self._redis.delete(*keys)


def default_root(configured: str | None = None) -> Path:
    """A private folder for the disk store: GEOTIMELINE_UPLOAD_DIR, else one per user in the
    system's temporary folder (shared by every worker of this host)."""
    configured = (configured or "").strip()
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"geotimeline-uploads-{os.getuid()}"


def make_store(redis_url: str | None, upload_dir: str | None = None, limits: Limits | None = None) -> UploadStore:
    """Redis when a URL is given, the disk store otherwise."""
    if redis_url:
        return RedisStore(redis_url, limits)
    return DiskStore(default_root(upload_dir), limits)


def _gone_reason(gone_path: Path) -> str:
    """Why an upload is no longer held, as its tombstone file says ("unknown" without one)."""
    try:
        return gone_path.read_text().strip()
    except FileNotFoundError:
        return "unknown"
