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

import hashlib
import html
import re
import unicodedata

import nh3

TITLE_MAX = 120
MAX_UNESCAPE_PASSES = 64
DESCRIPTION_MAX = 1000

_LOOKS_LIKE_HTML = re.compile(r"</?[A-Za-z!][^>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
# block-level tags and <br> separate words: put a space before them so "a<br>b" becomes "a b"
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|hr|table)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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
    if text.isascii() and not _NEEDS_CLEANING.search(text):
        return text  # the common case: already one line of plain text
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
