"""Writing output files safely: never overwrite without --force, never leave a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.errors import OutputError


def write_atomic(path: Path, content: bytes, *, force: bool = False) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; use --force to overwrite it")
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{folder} does not exist; create the folder first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
