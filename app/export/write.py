"""Writing output files safely: never overwrite without --force, never leave a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.errors import OutputError


def user_umask() -> int:
    """The process's umask, read without changing it (Linux: /proc/self/status); elsewhere read by
    setting it and putting it back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def as_user_file(fd: int) -> None:
    """Give a file made by ``tempfile.mkstemp`` (always 0600) the mode ``open()`` would: 0666 less
    the user's umask."""
    os.fchmod(fd, 0o666 & ~user_umask())


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
        as_user_file(fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
