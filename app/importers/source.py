"""What an importer reads: a ``Source`` — a name plus bytes (an upload), or a real file or folder.

Importers never open paths themselves. A source held in memory has a name (and so a suffix) but
no folder: asking it for a sibling file (TimeMap's ``sources.json`` next to ``events.json``)
answers None, so an upload can never reach into the server's working folder. Only a source made
from a real path on disk looks for siblings, and only in its own folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from app.importers.errors import ImportError_

MAX_FILE_BYTES = 512 * 1024 * 1024  # what we agree to read into memory


@dataclass(frozen=True)
class Source:
    """A file to import: ``name`` (what reports call it), and either ``data`` or a real ``path``."""

    name: str
    data: bytes | None = field(default=None, repr=False)
    path: Path | None = None

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Source:
        # only the final component of a browser-given name: never a path into our file system
        return cls(PurePosixPath(str(name).replace("\\", "/")).name or "upload", data, None)

    @classmethod
    def from_path(cls, path: Path | str) -> Source:
        path = Path(path)
        return cls(path.name or str(path), None, path)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    @property
    def in_memory(self) -> bool:
        return self.path is None

    def is_dir(self) -> bool:
        return self.path is not None and self.path.is_dir()

    def exists(self) -> bool:
        return self.path is None or self.path.exists()

    def size(self) -> int:
        if self.path is None:
            return len(self.data or b"")
        try:
            if self.path.is_dir():
                raise ImportError_(f"{self.path}: is a folder, not a file")
            return self.path.stat().st_size
        except FileNotFoundError as exc:
            raise ImportError_(f"{self.path}: no such file") from exc
        except OSError as exc:
            raise ImportError_(f"{self.path}: cannot be read ({exc.strerror})") from exc

    def read_bytes(self) -> bytes:
        """The file's bytes, after checking its size against MAX_FILE_BYTES (before reading)."""
        size = self.size()
        if size > MAX_FILE_BYTES:
            raise ImportError_(f"{self.name}: {size // (1024 * 1024)} MiB is larger than the "
                               f"{MAX_FILE_BYTES // (1024 * 1024)} MiB this importer reads")
        if self.path is None:
            return self.data or b""
        try:
            return self.path.read_bytes()
        except FileNotFoundError as exc:
            raise ImportError_(f"{self.path}: no such file") from exc
        except IsADirectoryError as exc:
            raise ImportError_(f"{self.path}: is a folder, not a file") from exc
        except OSError as exc:
            raise ImportError_(f"{self.path}: cannot be read ({exc.strerror})") from exc

    def folder_files(self) -> list[Source]:
        """The files of this folder (a real folder), or of this file's own folder (a real file);
        nothing for a source held in memory."""
        if self.path is None:
            return []
        folder = self.path if self.path.is_dir() else self.path.parent
        try:
            return [Source.from_path(p) for p in sorted(folder.iterdir()) if p.is_file()]
        except OSError:
            return []


def as_source(value: Source | Path | str) -> Source:
    return value if isinstance(value, Source) else Source.from_path(value)
