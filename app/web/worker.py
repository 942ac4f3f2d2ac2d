"""The Celery worker of the background jobs, when GEOTIMELINE_REDIS_URL is set:

    GEOTIMELINE_REDIS_URL=redis://127.0.0.1:6379/0 celery -A app.web.worker worker --loglevel=INFO

It builds the same app as the web server (same settings, same data), which registers each
background callback as a Celery task; the jobs read uploads from the same Redis store.
"""

from __future__ import annotations

from app.settings import Settings
from app.web.factory import create_app
from app.web.jobs import celery_app

settings = Settings.from_env()
if not settings.redis_url:
    raise SystemExit("app.web.worker needs GEOTIMELINE_REDIS_URL (without it, jobs run beside the web workers)")
dash_app = create_app(settings)
celery = celery_app(settings.redis_url)
