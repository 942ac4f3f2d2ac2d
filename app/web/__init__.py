"""The Dash shell: create_app(), layout, ids, callbacks and assets. Thin by design."""

from app.web.factory import create_app

__all__ = ["create_app"]
