"""The Dash shell: create_app(), layout, ids, callbacks and assets. Thin by design.

``create_app`` is imported on first use: importing a module of the shell (``app.web.ids``) does
not build the whole of it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from app.web.factory import create_app

        return create_app
    raise AttributeError(name)
