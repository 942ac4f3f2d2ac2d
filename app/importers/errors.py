"""The one exception the importers raise: the input cannot be read at all.

Bad *content* (a row with an impossible date, a missing headline) never raises: it becomes a
``Problem`` in the import result's ``dropped`` list. ``ImportError_`` (trailing underscore: Python's own
``ImportError`` means something else) is a ``GeotimelineError``, so the CLI prints its one-line
message and exits 2 like any other unreadable input.
"""

from __future__ import annotations

from app.errors import GeotimelineError


class ImportError_(GeotimelineError):
    """A file to import cannot be read at all (missing, too large, not CSV/JSON/XLSX, no usable columns)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))  # always one line, whatever a column name holds
