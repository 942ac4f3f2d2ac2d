"""MapLibre glyph ranges (signed-distance-field PBFs) from a TrueType font, in numpy and Pillow.

MapLibre draws every map label and cluster count from glyph files named
``{fontstack}/{start}-{end}.pbf`` (256 code points each): a protobuf ``glyphs`` message holding one
``fontstack`` with, per glyph, its metrics at 24 px and an 8-bit SDF bitmap with a 3 px border
(the format MapLibre's style specification documents). The distance field is computed here from a
4x oversampled rendering: each output pixel gets the distance to the nearest edge, 8 px mapped onto
the byte range with the edge at 192 (MapLibre's 0.75 threshold). Every range is written, an empty
file where the font has no glyph in it, so the map never asks for a file that is not there.

Usage: python glyphs.py FONT.ttf OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

SIZE = 24  # MapLibre's glyph size
BORDER = 3  # pixels of distance field around each glyph
RADIUS = 8.0  # pixels of distance that the byte range spans
CUTOFF = 0.25  # share of the range outside the edge
OVER = 4  # oversampling of the rendering the distances are measured on


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number: int, wire: int, payload: bytes | int) -> bytes:
    key = varint((number << 3) | wire)
    if wire == 0:
        assert isinstance(payload, int)
        return key + varint(payload)
    assert isinstance(payload, bytes)
    return key + varint(len(payload)) + payload


def zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def sdf(font: ImageFont.FreeTypeFont, ch: str) -> tuple[bytes, int, int, int, int, int]:
    """(bitmap, width, height, left, top, advance) of one glyph at SIZE px."""
    advance = round(font.getlength(ch) / OVER)
    x0, y0, x1, y1 = font.getbbox(ch, anchor="ls")
    if x1 <= x0 or y1 <= y0:  # a space: metrics only
        return b"", 0, 0, 0, 0, advance
    left, right = int(np.floor(x0 / OVER)), int(np.ceil(x1 / OVER))
    top, bottom = int(np.floor(y0 / OVER)), int(np.ceil(y1 / OVER))  # y grows downwards from the baseline
    w, h = right - left, bottom - top
    gw, gh = w + 2 * BORDER, h + 2 * BORDER
    img = Image.new("L", (gw * OVER, gh * OVER), 0)
    ImageDraw.Draw(img).text(((BORDER - left) * OVER, (BORDER - top) * OVER), ch, font=font, fill=255, anchor="ls")
    ink = np.asarray(img) >= 128
    # edge points: ink pixels with a blank 4-neighbour, and blank pixels with an ink one
    pad = np.pad(ink, 1)
    nb = pad[:-2, 1:-1] ^ ink | pad[2:, 1:-1] ^ ink | pad[1:-1, :-2] ^ ink | pad[1:-1, 2:] ^ ink
    ey, ex = np.nonzero(nb)
    if len(ey) == 0:
        return b"", 0, 0, 0, 0, advance
    edge = np.stack([(ex + 0.5) / OVER, (ey + 0.5) / OVER], axis=1)
    yy, xx = np.mgrid[0:gh, 0:gw]
    centres = np.stack([xx.ravel() + 0.5, yy.ravel() + 0.5], axis=1)
    d = np.full(len(centres), np.inf)
    for k in range(0, len(edge), 512):  # bounded memory: distances to 512 edge points at a time
        part = edge[k:k + 512]
        d = np.minimum(d, np.sqrt(((centres[:, None, :] - part[None, :, :]) ** 2).sum(-1)).min(1))
    inside = ink[(yy.ravel() * OVER + OVER // 2), (xx.ravel() * OVER + OVER // 2)]
    signed = np.where(inside, -d, d)
    value = np.clip(np.round(255 - 255 * (signed / RADIUS + CUTOFF)), 0, 255).astype(np.uint8)
    return value.tobytes(), w, h, left, -top - SIZE, advance


def glyph_message(cp: int, font: ImageFont.FreeTypeFont) -> bytes:
    bitmap, w, h, left, top, advance = sdf(font, chr(cp))
    body = field(1, 0, cp)
    if bitmap:
        body += field(2, 2, bitmap)
    body += field(3, 0, w) + field(4, 0, h) + field(5, 0, zigzag(left)) + field(6, 0, zigzag(top)) + field(7, 0, advance)
    return body


def build_glyphs(ttf: Path, out: Path, name: str = "NotoSans-Regular") -> None:
    out.mkdir(parents=True, exist_ok=True)
    cmap = set(TTFont(str(ttf)).getBestCmap())
    font = ImageFont.truetype(str(ttf), SIZE * OVER, layout_engine=ImageFont.Layout.BASIC)
    written = 0
    for start in range(0, 65536, 256):
        end = start + 255
        cps = [cp for cp in range(start, end + 1) if cp in cmap and cp >= 32 and not 0x7F <= cp <= 0x9F and not 0xD800 <= cp <= 0xDFFF]
        data = b""
        if cps:
            stack = field(1, 2, name.encode()) + field(2, 2, f"{start}-{end}".encode())
            for cp in cps:
                stack += field(3, 2, glyph_message(cp, font))
            data = field(1, 2, stack)
            written += len(cps)
        (out / f"{start}-{end}.pbf").write_bytes(data)
    print(f"glyphs: {written} in {out}")


if __name__ == "__main__":
    build_glyphs(Path(sys.argv[1]), Path(sys.argv[2]))
