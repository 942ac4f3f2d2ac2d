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
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from app.settings import Settings
from app.web import ids
from app.web.datasets import Registry, UploadGone

_CELERY: dict[str, Any] = {}


def celery_app(redis_url: str) -> Any:
    """One Celery app per Redis URL (the web process and ``app.web.worker`` build the same one)."""
    if redis_url not in _CELERY:
        from celery import Celery

        app = Celery("geotimeline", broker=redis_url, backend=redis_url)
        app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, result_expires=3600,
                        broker_connection_retry_on_startup=True)
        _CELERY[redis_url] = app
    return _CELERY[redis_url]


def job_manager(settings: Settings) -> Any:
    """The background-callback manager: Celery over Redis when configured, else a disk cache."""
    if settings.redis_url:
        from dash import CeleryManager

        return CeleryManager(celery_app(settings.redis_url), expire=3600)
    import diskcache
    from dash import DiskcacheManager

    root = (Path(settings.upload_dir).parent / "geotimeline-jobs" if settings.upload_dir
            else Path(tempfile.gettempdir()) / f"geotimeline-jobs-{os.getuid()}")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return DiskcacheManager(diskcache.Cache(str(root)), expire=3600)


def in_background(manager: Any, *buttons: str) -> dict[str, Any]:
    """The keyword arguments that make a callback a background job with the page's progress bar:
    the bar shows while it runs, the buttons that started it are disabled meanwhile."""
    return {
        "background": True, "manager": manager,
        "running": [(Output(ids.JOB_STATUS, "hidden"), False, True),
                    *((Output(b, "disabled"), True, False) for b in buttons)],
        "progress": [Output(ids.JOB_PROGRESS, "value"), Output(ids.JOB_PROGRESS, "max"),
                     Output(ids.JOB_TEXT, "children")],
        "progress_default": ["0", "3", ""],
        "prevent_initial_call": True,
    }


def with_deps_and_progress(registry: Registry, fn: Any) -> Any:
    """fn(**named, deps=…, progress=…) as a background callback: Dash passes set_progress first."""
    @functools.wraps(fn)
    def call(set_progress: Any, dataset: Any, **named: Any) -> Any:
        try:
            deps = registry.get(dataset)
        except UploadGone:
            raise PreventUpdate from None
        return fn(**named, deps=deps, trigger=ctx.triggered_id,
                  progress=lambda step, text: set_progress([str(step), "3", text]))
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


def register(app: Dash, registry: Registry, manager: Any, export_buttons: tuple[str, ...]) -> None:
    dataset = State(ids.DATASET_STORE, "data")
    # presentation download buttons -> deck or offline HTML of the narrative (background job)
    app.callback(
        output=Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        inputs={"clicks": {i: Input(i, "n_clicks") for i in (ids.PRESENT_PPTX, ids.PRESENT_HTML)},
                "view_data": State(ids.VIEW_STORE, "data"), "dataset": dataset},
        **in_background(manager, ids.PRESENT_PPTX, ids.PRESENT_HTML),
    )(with_deps_and_progress(registry, brief_job))
    # download and cite buttons -> file of the current view (background job)
    app.callback(
        output=Output(ids.DOWNLOAD, "data"),
        inputs={"clicks": {i: Input(i, "n_clicks") for i in export_buttons},
                "filter_data": State(ids.FILTER_STORE, "data"), "dataset": dataset},
        **in_background(manager, *export_buttons),
    )(with_deps_and_progress(registry, download_job))
