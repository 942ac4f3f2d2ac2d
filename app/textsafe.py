"""Text from data made safe for where it goes: a terminal, an HTML-ish plotly label, a spreadsheet.

Each function takes any data string and returns one that cannot act in its destination:

- ``terminal_safe``: no escape sequence (CSI, OSC, DCS, …), no C0 control but tab and newline, no
  C1 control, no DEL — a data file cannot retitle the terminal, hide lines, or write a hyperlink.
- ``json_terminal_safe``: JSON text whose C1 controls and DEL are ``\\u`` escapes (``json.dumps``
  escapes C0 itself): the document is unchanged for a parser, inert on a terminal.
- ``label_text``: a value for plotly's hover text, tick labels, legend names and titles, which
  plotly renders as a small subset of HTML (``<b>``, ``<a href>``, ``<br>``…): ``<``, ``>`` and
  ``&`` escaped, so the text shows as written and never becomes an element.
"""

from __future__ import annotations

import html
import re
from typing import Any

# an escape sequence: ESC (or its C1 form) and what follows, up to its terminator
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?              # CSI … final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])       # OSC, DCS, SOS, PM, APC …
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?         #   … up to BEL or ST (or the end)
    | \x1b[ -/]*[0-~]?                              # any other ESC sequence (ESC c, ESC ( B …)
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")


def terminal_safe(text: object) -> str:
    """``text`` with escape sequences and control characters removed (tab and newline kept;
    a carriage return, which would let a line overwrite itself, is dropped)."""
    value = str(text)
    if value.isprintable() or not _CONTROL.search(value):
        return value
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", value))


def json_terminal_safe(text: str) -> str:
    """A JSON document with C1 controls and DEL written as ``\\u`` escapes (same document)."""
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def label_text(value: Any) -> Any:
    """A data value as plotly label text: strings escaped, missing values left missing."""
    if isinstance(value, str) and ("<" in value or ">" in value or "&" in value):
        return html.escape(value, quote=False)
    return value  # other strings, numbers and missing values are already inert


def label_list(values: list[Any]) -> list[Any]:
    """``label_text`` over a list."""
    return [label_text(v) for v in values]

