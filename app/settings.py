"""One table of settings: name, default, help. Precedence: CLI flag > environment variable > default.

Environment variables are named ``GEOTIMELINE_<NAME>`` (upper case).
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _bundled_data() -> Path:
    """The bundled data package: app/data in an installed wheel or sdist (pyproject maps the top-level
    data/ there), the checkout's data/ otherwise (a source tree or an editable install)."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if (installed / "datapackage.json").is_file() else here.parent / "data"


BUNDLED_DATA = _bundled_data()


def _default_data_dir() -> Path:
    return BUNDLED_DATA


@dataclass(frozen=True)
class Settings:
    """Runtime settings of the app. Every field has a help text in its metadata."""

    data_dir: Path = field(
        default_factory=_default_data_dir,
        metadata={"help": "Data package directory (CSV tables + schema.json + datapackage.json)."},
    )
    host: str = field(default="127.0.0.1", metadata={"help": "Address to bind the server to."})
    port: int = field(default=8050, metadata={"help": "Port to serve on."})
    debug: bool = field(
        default=False, metadata={"help": "Dash debug mode (dev tools). Never in production."}
    )
    frame_ancestors: str = field(
        default="'self'",
        metadata={"help": "CSP frame-ancestors: who may embed the dashboard in a frame "
                          "(e.g. \"'self' https://intranet.example\")."},
    )
    today: str = field(
        default="",
        metadata={"help": "Date used as 'today' for open-ended periods (YYYY-MM-DD; empty = real today)."},
    )
    redis_url: str = field(
        default="",
        metadata={"help": "Redis for uploads and background jobs shared by every worker and host "
                          "(redis://host:6379/0); empty = a disk store and disk-cache jobs on this host."},
    )
    view_cache_mb: int = field(
        default=16,
        metadata={"help": "MB of memoised views (figures, filtered tables, sort orders) each server process keeps "
                          "for all its datasets together; less memory per worker, more CPU per filter change "
                          "(0 = none; README \"Where that memory went\")."},
    )
    upload_dir: str = field(
        default="",
        metadata={"help": "Folder of the disk upload store (no Redis); empty = a private folder in the "
                          "system's temporary folder."},
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from environment variables, then apply explicit overrides (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"GEOTIMELINE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.type, raw)
        settings = cls(**values)
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given)


def _coerce(type_name: Any, raw: str) -> Any:
    name = str(type_name)
    if "Path" in name:
        return Path(raw)
    if name == "int":
        return int(raw)
    if name == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def settings_help() -> list[tuple[str, str, str]]:
    """(name, default, help) for every setting: used by the CLI and README."""
    rows = []
    for f in fields(Settings):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        rows.append((f.name, str(default), f.metadata.get("help", "")))
    return rows
