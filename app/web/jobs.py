"""Heavy work off the request path: Dash background callbacks for decks, HTML briefs and view
exports, with a progress bar, so a worker is never held for seconds by one user's download.

Where the jobs run:
- by default, Dash's ``DiskcacheManager``: each job runs in a child process of the worker that
  received the click, its result in a disk cache every worker of this host shares (no extra
  service; the folder is ``$TMPDIR/geotimeline-jobs-<uid>``, or GEOTIMELINE_UPLOAD_DIR/../jobs);
- with ``GEOTIMELINE_REDIS_URL``, Dash's ``CeleryManager``: jobs go through Redis to Celery workers
  (start them with ``celery -A app.web.worker worker --loglevel=INFO``), results come back
  through Redis; any web worker on any host answers the browser's polls.

A job reads the tab's dataset through the shared upload store (app.web.store), so it works on an
upload whichever process runs it.

Page loads never wait on a job, by construction rather than by luck:
- every job process runs at a lower CPU priority (``JOB_NICENESS``, set once per process, inherited
  by the renderer's Chromium), so the web workers take the CPU first whenever they need it;
- decks and HTML briefs — the jobs that start a renderer and take seconds of CPU — run in a bounded
  pool: at most ``renderers()`` at a time on a host (GEOTIMELINE_RENDERERS, default one per two
  cores). The others wait their turn in arrival order, and the progress text says their place in
  the queue. The pool is a set of lock files (``RendererQueue``): a crashed job's place and slot
  are released by the operating system, nothing needs cleaning up;
- the web workers themselves only answer the click (a job handle) and the polls, each a few ms.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from dash import Dash, Input, Output, State, ctx, no_update, set_props
from dash.exceptions import PreventUpdate

from app.settings import Settings
from app.web import ids
from app.web.datasets import Registry, UploadGone

log = logging.getLogger(__name__)
_CELERY: dict[str, Any] = {}
JOB_FAILED = "The file could not be made (an error, logged on the server); try again in a moment."
JOB_NICENESS = 10  # the CPU priority of every job process (0 = the web workers' own, 19 = the lowest)
QUEUE_POLL_SECONDS = 0.25
# the progress text of a job that has not started yet: with Celery, a job past the workers'
# concurrency waits in Redis, where nothing of ours runs to tell its place (once a worker takes it,
# its place in the renderer queue is shown); on the disk manager the job starts at once
JOB_WAITING = "Waiting for the job to start…"


def renderers(environ: dict[str, str] | None = None) -> int:
    """How many decks/briefs one host builds at a time: GEOTIMELINE_RENDERERS (1..16), else one per
    two cores (a renderer is a Chromium plus Python, about a core each while it draws)."""
    raw = (os.environ if environ is None else environ).get("GEOTIMELINE_RENDERERS", "").strip()
    if raw.isdigit() and 1 <= int(raw) <= 16:
        return int(raw)
    return max(1, (os.cpu_count() or 1) // 2)


def lower_priority(niceness: int = JOB_NICENESS) -> None:
    """This process (and what it starts) at ``niceness``; idempotent (a Celery worker process runs
    many jobs: its niceness is raised once, not once per job)."""
    with contextlib.suppress(OSError):
        if os.getpriority(os.PRIO_PROCESS, 0) < niceness:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)


def jobs_root(settings: Settings) -> Path:
    """The host's folder for the jobs: the disk cache of their results and the renderer queue."""
    root = (Path(settings.upload_dir).parent / "geotimeline-jobs" if settings.upload_dir
            else Path(tempfile.gettempdir()) / f"geotimeline-jobs-{os.getuid()}")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


class RendererQueue:
    """At most ``slots`` jobs of this host hold a renderer at once; the others wait in arrival order.

    A waiting job holds a ticket: a file in ``queue/`` named by its arrival time, locked (flock) by
    its process for as long as it waits. A running job holds one of the ``slot-N`` lock files.
    A job may take a slot when fewer than ``slots`` live tickets are older than its own; its place
    in the queue is the number of jobs building or waiting before it. A ticket whose lock can be
    taken belongs to a process that died: it is removed. Locks die with their process, so a killed
    job frees its slot at once."""

    def __init__(self, root: Path, slots: int):
        self.root = Path(root)
        self.slots = max(1, slots)
        self.queue = self.root / "queue"
        self.queue.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _ticket(self) -> tuple[IO[bytes], str]:
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".ticket-")
        fh = os.fdopen(fd, "wb")
        fcntl.flock(fh, fcntl.LOCK_EX)  # locked before it is visible: a live ticket is never taken for dead
        os.replace(tmp, self.queue / name)
        return fh, name

    def _waiting_before(self, mine: str) -> int:
        ahead = 0
        for path in sorted(self.queue.iterdir()):
            if path.name >= mine:
                break
            try:
                with path.open("rb") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink(missing_ok=True)  # its process is gone
            except BlockingIOError:
                ahead += 1
            except FileNotFoundError:
                continue
        return ahead

    def _take_slot(self) -> IO[bytes] | None:
        for i in range(self.slots):
            fh = (self.root / f"slot-{i}").open("ab")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fh
            except BlockingIOError:
                fh.close()
        return None

    def _building(self) -> int:
        busy = 0
        for i in range(self.slots):
            with (self.root / f"slot-{i}").open("ab") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    busy += 1
        return busy

    @contextlib.contextmanager
    def turn(self, waiting: Callable[[int], None]) -> Iterator[None]:
        """Wait for a renderer; while waiting, ``waiting(before)`` is called each time the number of
        jobs building or queued before this one changes. Holds the renderer for the ``with`` body."""
        ticket, mine = self._ticket()
        slot = None
        told = -1
        try:
            while True:
                ahead = self._waiting_before(mine)
                if ahead < self.slots:
                    slot = self._take_slot()
                    if slot is not None:
                        break
                before = ahead + self._building()  # jobs that get the renderer before this one
                if before != told:
                    waiting(max(before, 1))
                    told = before
                time.sleep(QUEUE_POLL_SECONDS)
        finally:
            (self.queue / mine).unlink(missing_ok=True)
            ticket.close()
        assert slot is not None
        try:
            yield
        finally:
            slot.close()


def queue_text(before: int, slots: int) -> str:
    """The progress text of a job waiting for a renderer."""
    at_a_time = "one at a time" if slots == 1 else f"{slots} at a time"
    return (f"In the queue: {before} deck{'s' if before != 1 else ''} or brief{'s' if before != 1 else ''} "
            f"before yours (they are built {at_a_time})…")


def celery_app(redis_url: str) -> Any:
    """One Celery app per Redis URL (the web process and ``app.web.worker`` build the same one)."""
    if redis_url not in _CELERY:
        from celery import Celery

        app = Celery("geotimeline", broker=redis_url, backend=redis_url)
        app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, result_expires=3600,
                        broker_connection_retry_on_startup=True)
        _CELERY[redis_url] = app
    return _CELERY[redis_url]


def per_request(manager_class: type) -> type:
    """``manager_class`` with a key of its own for every job. Dash derives a job's result key from
    the callback and its arguments alone, so two users asking for the same deck at once shared one
    key: the first poll to find the result took it (and the other job was killed as finished), the
    other user's download never came."""

    class PerRequest(manager_class):  # type: ignore[valid-type,misc]
        def build_cache_key(self, fn: Any, args: Any, cache_args_to_ignore: Any, triggered: Any) -> str:
            key = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)
            return f"{key}-{secrets.token_hex(8)}"

    PerRequest.__name__ = PerRequest.__qualname__ = f"PerRequest{manager_class.__name__}"
    return PerRequest


#: how long a job's start or poll waits for Redis to come back (a restart takes well under a second)
STORE_WAIT_SECONDS = 5.0
_RAISE = object()


def patient(manager_class: type, transient: tuple[type[BaseException], ...]) -> type:
    """``manager_class`` riding out a moment without its store (Redis restarting): every read and
    write is tried again for up to STORE_WAIT_SECONDS on a ``transient`` error. A poll that still
    cannot reach the store answers "not finished yet" (no progress, no result, the job still
    running), so the browser polls again and gets the result once the store is back; before this,
    Dash's manager raised and the poll was answered 500. Starting a job that cannot reach the
    store still fails after the wait (the click's error notice says so)."""

    class Patient(manager_class):  # type: ignore[valid-type,misc]
        def _patiently(self, call: Callable[..., Any], *args: Any, fallback: Any = _RAISE) -> Any:
            deadline = time.monotonic() + STORE_WAIT_SECONDS
            while True:
                try:
                    return call(*args)
                except transient:
                    if time.monotonic() >= deadline:
                        if fallback is _RAISE:
                            raise
                        log.warning("the job store could not be reached for %.0f s; the poll is answered "
                                    "'not finished yet'", STORE_WAIT_SECONDS)
                        return fallback
                    time.sleep(0.2)

        def call_job_fn(self, key: Any, job_fn: Any, args: Any, context: Any) -> Any:
            return self._patiently(super().call_job_fn, key, job_fn, args, context)

        def get_progress(self, key: Any) -> Any:
            return self._patiently(super().get_progress, key, fallback=None)

        def result_ready(self, key: Any) -> Any:
            return self._patiently(super().result_ready, key, fallback=False)

        def get_result(self, key: Any, job: Any) -> Any:
            return self._patiently(super().get_result, key, job, fallback=self.UNDEFINED)

        def job_running(self, job: Any) -> Any:
            return self._patiently(super().job_running, job, fallback=True)

        def terminate_job(self, job: Any) -> Any:
            return self._patiently(super().terminate_job, job, fallback=None)

        def get_updated_props(self, key: Any) -> Any:
            return self._patiently(super().get_updated_props, key, fallback={})

    Patient.__name__ = Patient.__qualname__ = f"Patient{manager_class.__name__}"
    return Patient


def job_manager(settings: Settings) -> Any:
    """The background-callback manager: Celery over Redis when configured, else a disk cache."""
    if settings.redis_url:
        from celery.exceptions import BackendError
        from dash import CeleryManager
        from kombu.exceptions import OperationalError
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        transient = (RedisConnectionError, RedisTimeoutError, OperationalError, BackendError)
        manager = patient(per_request(CeleryManager), transient)
        return manager(celery_app(settings.redis_url), expire=3600)
    import diskcache
    from dash import DiskcacheManager

    return per_request(DiskcacheManager)(diskcache.Cache(str(jobs_root(settings))), expire=3600)


def in_background(manager: Any, *buttons: str) -> dict[str, Any]:
    """The keyword arguments that make a callback a background job with the page's progress bar:
    the bar shows while it runs, the buttons that started it are disabled meanwhile."""
    return {
        "background": True, "manager": manager,
        "running": [(Output(ids.JOB_STATUS, "hidden"), False, True),
                    *((Output(b, "disabled"), True, False) for b in buttons)],
        "progress": [Output(ids.JOB_PROGRESS, "value"), Output(ids.JOB_PROGRESS, "max"),
                     Output(ids.JOB_TEXT, "children")],
        "progress_default": ["0", "3", JOB_WAITING],  # (the bar is hidden whenever no job runs)
        "prevent_initial_call": True,
    }


def with_deps_and_progress(registry: Registry, fn: Any, queue: RendererQueue | None = None) -> Any:
    """fn(**named, deps=…, progress=…) as a background callback: Dash passes set_progress first.
    The job runs at the jobs' lower CPU priority; with a ``queue``, only once it has a renderer
    (meanwhile its progress text says its place)."""
    @functools.wraps(fn)
    def call(set_progress: Any, dataset: Any, **named: Any) -> Any:
        lower_priority()
        trigger = ctx.triggered_id
        try:
            deps = registry.get(dataset)
        except UploadGone:
            raise PreventUpdate from None

        def run() -> Any:
            try:
                return fn(**named, deps=deps, trigger=trigger,
                          progress=lambda step, text: set_progress([str(step), "3", text]))
            except PreventUpdate:
                raise
            except Exception:  # e.g. the renderer failed: one line on the page, never a 500 on the poll
                log.exception("background job %s failed", fn.__name__)
                set_props(ids.NOTICE, {"children": JOB_FAILED})
                return no_update
        if queue is None:
            return run()
        with queue.turn(lambda before: set_progress(["0", "3", queue_text(before, queue.slots)])):
            return run()
    return call


def brief_job(clicks: Any = None, view_data: Any = None, *, deps: Any, trigger: Any, progress: Any) -> Any:
    """presentation buttons -> the narrative as a PPTX deck or an offline HTML file (a job)."""
    from app.web.callbacks import brief_download

    what = "deck" if trigger == ids.PRESENT_PPTX else "offline HTML"
    progress(1, f"Building the {what}…")
    out = brief_download(clicks, view_data, deps=deps, trigger=trigger)
    progress(3, "Done.")
    return out


def download_job(clicks: Any = None, filter_data: Any = None, *, deps: Any, trigger: Any, progress: Any) -> Any:
    """download and cite buttons -> the file of the current view (a job)."""
    from app.web.callbacks import download

    progress(1, "Preparing the file…")
    out = download(clicks, filter_data, deps=deps, trigger=trigger)
    progress(3, "Done.")
    return out if out is not None else no_update


def register(app: Dash, registry: Registry, manager: Any, export_buttons: tuple[str, ...],
             queue: RendererQueue | None = None) -> None:
    """The background jobs; decks and briefs wait for a renderer of ``queue`` (exports, a few
    hundred ms each, do not queue behind them)."""
    dataset = State(ids.DATASET_STORE, "data")
    # presentation download buttons -> deck or offline HTML of the narrative (background job)
    app.callback(
        output=Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        inputs={"clicks": {i: Input(i, "n_clicks") for i in (ids.PRESENT_PPTX, ids.PRESENT_HTML)},
                "view_data": State(ids.VIEW_STORE, "data"), "dataset": dataset},
        **in_background(manager, ids.PRESENT_PPTX, ids.PRESENT_HTML),
    )(with_deps_and_progress(registry, brief_job, queue))
    # download and cite buttons -> file of the current view (background job)
    app.callback(
        output=Output(ids.DOWNLOAD, "data"),
        inputs={"clicks": {i: Input(i, "n_clicks") for i in export_buttons},
                "filter_data": State(ids.FILTER_STORE, "data"), "dataset": dataset},
        **in_background(manager, *export_buttons),
    )(with_deps_and_progress(registry, download_job))
