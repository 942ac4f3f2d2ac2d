"""Free text from foreign files made safe and tidy: HTML reduced to plain text, ids and slugs.

Why nh3: TimelineJS headlines and texts are HTML written by anyone, often with ``<script>``,
``onerror=`` attributes or ``javascript:`` links pasted in. Reducing that to plain text with regular
expressions is a classic source of bypasses; nh3 binds Ammonia, a maintained HTML5-spec parser and
allow-list sanitiser (bleach, the older choice, has been deprecated by its maintainers since 2023).
With an empty tag allow-list it drops every tag, removes the *content* of ``<script>`` and
``<style>``, and escapes what is left; we then unescape entities to get plain text, and repeat
until nothing changes so that markup escaped once or many times (``&amp;lt;script&amp;gt;``) cannot
survive as text.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import re
import threading
import unicodedata
from collections import Counter
from contextvars import ContextVar

import ftfy
import nh3

TITLE_MAX = 120
MAX_UNESCAPE_PASSES = 64
DESCRIPTION_MAX = 1000

_LOOKS_LIKE_HTML = re.compile(r"</?[A-Za-z!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
# block-level tags and <br> separate words: put a space before them so "a<br>b" becomes "a b"
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|hr|table)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidi overrides/embeddings/isolates and invisible characters that reorder or hide text; ZWJ and
# ZWNJ (U+200C/U+200D) are kept: Persian, Arabic, Indic scripts and emoji need them
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_C1 = re.compile("[\x80-\x9f]")
_MOJIBAKE = re.compile("[ÃÂâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013-\u203a\u20ac\u2122]")
_MAC_ROMAN = re.compile(r"[a-z]Õ[a-z]|[a-z]Ò|Ó[a-z]")  # Mac Roman ’ “ ” read as Latin-1: "WomenÕs"
_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False,
                             fix_line_breaks=False, normalization="NFC", explain=False)

#: what text repair did during one import: kind -> cells (a ContextVar: uploads run in threads)
REPAIRS: ContextVar[Counter[str] | None] = ContextVar("text_repairs", default=None)


def _count(kind: str) -> None:
    counter = REPAIRS.get()
    if counter is not None:
        counter[kind] += 1


def repair(text: str) -> str:
    """Text made right where it is provably wrong, with ftfy (a maintained mojibake fixer):
    C1 control characters standing for Windows-1252 punctuation ("Pick n Pay\x92s" -> "Pick n
    Pay’s"), UTF-8 read as Latin-1 ("EhrenÃ¤mter" -> "Ehrenämter"); bidi overrides and zero-width
    characters removed. Curly quotes, ligatures and widths are left as the author wrote them."""
    if text.isascii():
        return text
    fixed = text
    if _C1.search(fixed) or _MOJIBAKE.search(fixed):
        fixed = ftfy.fix_text(fixed, _FTFY)
        if fixed != text:
            _count("mojibake" if _MOJIBAKE.search(text) else "c1")
    if _INVISIBLE.search(fixed):
        fixed = _INVISIBLE.sub("", fixed)
        _count("invisible")
    if _MAC_ROMAN.search(fixed):
        _count("mac-roman")
    return fixed


def repair_notes(counter: Counter[str]) -> list[str]:
    words = {
        "c1": "Windows-1252 punctuation stored as control characters restored (e.g. \\x92 -> ’)",
        "mojibake": "double-encoded text (UTF-8 read as Latin-1, e.g. \"Ã¤\" -> \"ä\") repaired with ftfy",
        "invisible": "bidirectional overrides and zero-width characters removed",
        "mac-roman": "text that looks like Mac Roman read as Latin-1 (\"WomenÕs\") kept as written — check it",
    }
    return [f"{words[k]}: {n:,} cell(s)" for k, n in counter.items() if n]


# CPython 3.11's ast module keeps its recursion depth in state every thread shares (gh-106905):
# two threads parsing at once can fail with "SystemError: AST constructor recursion depth
# mismatch". The importers' own parses take turns; a parse that still meets the error (another
# library parsing in another thread) is tried once more.
_AST_LOCK = threading.Lock()


def _python_literal(text: str) -> object:
    with _AST_LOCK:
        try:
            return ast.literal_eval(text)
        except SystemError:
            return ast.literal_eval(text)


def list_text(value: str) -> str:
    """A cell holding a list literal (Python ``['a', 'b']`` or JSON ``["a","b"]``) as "a; b";
    other text as it is."""
    text = value.strip()
    if len(text) < 2 or text[0] != "[" or text[-1] != "]" or _MD_LINK.fullmatch(text):
        return value
    for loader in (json.loads, _python_literal):
        try:
            items = loader(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError, SystemError):
            continue
        if isinstance(items, list):
            return "; ".join(str(i).strip() for i in items if str(i).strip())
    return value


def list_items(value: object) -> list[str]:
    """A JSON list, a list literal in a cell, or comma/semicolon-separated text, as items."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if not isinstance(value, str) or not value.strip():
        return []
    text = list_text(value)
    sep = ";" if ";" in text else ","
    return [v.strip() for v in text.split(sep) if v.strip()]


def markdown_link(text: str) -> tuple[str, str]:
    """("Reuters", "https://…") from "[Reuters](https://…)"; (text, "") when there is none."""
    m = _MD_LINK.search(text or "")
    if not m:
        return text, ""
    return (_MD_LINK.sub(lambda x: x.group(1), text).strip(), m.group(2))
_SPACES = re.compile(r"\s+")
_NEEDS_CLEANING = re.compile(r"[<&\x00-\x1f\x7f]|\s\s|^\s|\s$|[^\S ]")
_SLUG_BAD = re.compile(r"[^a-z0-9]+")
_ID_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def plain_text(value: object) -> str:
    """Any cell or JSON value as one line of plain text: HTML stripped, whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii():
        if not _NEEDS_CLEANING.search(text):
            return text  # the common case: already one line of plain text
    else:
        text = repair(text)
    # until nothing changes, however many times the markup was escaped: each pass removes one
    # level. Bounded all the same (a pass that changes the text shortens it, so this is never hit
    # by real data); past the bound the rest of the markup characters go.
    for _ in range(MAX_UNESCAPE_PASSES):
        if not _LOOKS_LIKE_HTML.search(text):
            break
        cleaned = html.unescape(nh3.clean(_BLOCK_TAG.sub(r" \g<0>", text), tags=set()))
        if cleaned == text:
            break
        text = cleaned
    else:
        text = text.replace("<", " ").replace(">", " ").replace("&", " and ")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def title_from(text: str) -> str:
    """A title when the source has none: the first sentence of the text, at most TITLE_MAX long."""
    first = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    return shorten(first.rstrip("."), TITLE_MAX)


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by '-': 'Violence against civilians' -> 'violence-against-civilians'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = _SLUG_BAD.sub("-", ascii_text.lower()).strip("-")
    return out[:limit].rstrip("-")


def safe_id(raw: str, limit: int = 80) -> str:
    """An identifier fit for the schema's id pattern (letters, digits, '.', '_', '-'), or ''."""
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    out = _ID_BAD.sub("-", ascii_text.strip()).strip("._-")
    return out[:limit].rstrip("._-")


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def header_key(name: str) -> str:
    """A column name reduced for matching: 'End Year' -> 'endyear', 'lat.' -> 'lat'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())
