"""The exception tree of geotimeline.

    GeotimelineError                 base class; its message is shown to the user as one line
    ├── DataUnreadableError          a data directory or table cannot be read at all (exit 2)
    ├── SchemaError                  the schema file itself is broken (exit 2)
    ├── OutputError                  an export cannot be written (exists without --force, read-only …)
    └── UserInputError               a filter value or argument given by the user is not valid

Problems *inside* the data (a bad date, an unknown category) are not exceptions: they are
`Problem` records collected by the loader (see app.dataset.problems).
"""

from __future__ import annotations


class GeotimelineError(Exception):
    """Base class; ``str(err)`` is a one-line message fit for a user."""

    def __init__(self, message: object = "") -> None:
        # one line whatever the message quotes (a column name or a value can hold line breaks)
        super().__init__(" ".join(str(message).split()))


class DataUnreadableError(GeotimelineError):
    """A data directory or a required table cannot be read."""


class SchemaError(GeotimelineError):
    """The schema file is missing or malformed."""


class OutputError(GeotimelineError):
    """An output file cannot be written."""


class UserInputError(GeotimelineError):
    """A value given on the command line or in a URL is not valid."""
