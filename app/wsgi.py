"""WSGI entry point for production servers (gunicorn):

    gunicorn -w 2 -b 127.0.0.1:8050 'app.wsgi:create_server()'

Settings come from GEOTIMELINE_* environment variables (e.g. GEOTIMELINE_DATA_DIR). Debug and
dev tools are never on here: Dash's dev tools only exist under `app.run(debug=True)`.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask

from app.settings import Settings


def create_server() -> Flask:
    from app.web import create_app

    # production: debug is off whatever the environment says (GEOTIMELINE_DEBUG, FLASK_DEBUG,
    # DASH_DEBUG); dev tools exist only under `python -m app serve --debug`
    settings = replace(Settings.from_env(), debug=False)
    server = create_app(settings).server
    server.debug = False
    return server  # type: ignore[no-any-return]
