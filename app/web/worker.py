"""The Celery worker of the background jobs, when GEOTIMELINE_REDIS_URL is set:

    GEOTIMELINE_REDIS_URL=redis://127.0.0.1:6379/0 celery -A app.web.worker worker --loglevel=INFO

It builds the same app as the web server (same settings, same data), which registers each
background callback as a Celery task; the jobs read uploads from the same Redis store.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from app.settings import Settings


@cache
def _worker() -> tuple[Any, Any]:
    """The web app (which registers the background callbacks as tasks) and its Celery app, built
    when Celery first asks for them — importing this module alone does nothing."""
    from app.web.factory import create_app
    from app.web.jobs import celery_app

    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("app.web.worker needs GEOTIMELINE_REDIS_URL (without it, jobs run beside the web workers)")
    return create_app(settings), celery_app(settings.redis_url)


def __getattr__(name: str) -> Any:
    """`celery -A app.web.worker` looks up `celery` (and `dash_app`) here."""
    if name == "celery":
        return _worker()[1]
    if name == "dash_app":
        return _worker()[0]
    raise AttributeError(name)
