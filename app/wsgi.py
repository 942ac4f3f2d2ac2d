"""WSGI entry point for production servers (gunicorn):

    gunicorn -w 2 -b 127.0.0.1:8050 'app.wsgi:create_server()'

Settings come from GEOTIMELINE_* environment variables (e.g. GEOTIMELINE_DATA_DIR). Debug and
dev tools are never on here: Dash's dev tools only exist under `app.run(debug=True)`.
"""

from __future__ import annotations

from flask import Flask

from app.settings import Settings


def create_server() -> Flask:
    from app.web import create_app

    settings = Settings.from_env()
    return create_app(settings).server  # type: ignore[no-any-return]
