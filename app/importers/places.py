"""Places from foreign files: country names and codes to ISO 3166-1 alpha-3, coordinates checked."""

from __future__ import annotations

import math
from functools import lru_cache

import pycountry


class PlaceProblem(ValueError):
    """A coordinate or country that cannot be used; ``str()`` says why."""


# Short names in common use (ACLED, news) that pycountry's official and common names miss.
# Kosovo has no ISO 3166-1 code and is deliberately absent: such a country is left empty and noted.
_ALIASES = {
    "russia": "RUS", "turkey": "TUR", "democratic republic of congo": "COD", "dr congo": "COD", "drc": "COD",
    "democratic republic of the congo": "COD", "republic of congo": "COG", "republic of the congo": "COG",
    "ivory coast": "CIV", "palestine": "PSE", "uk": "GBR", "britain": "GBR", "great britain": "GBR",
    "micronesia": "FSM", "burma": "MMR", "cape verde": "CPV", "east timor": "TLS", "macedonia": "MKD",
    "vatican": "VAT", "vatican city": "VAT", "brunei": "BRN", "swaziland": "SWZ", "macau": "MAC",
    "caribbean netherlands": "BES", "usa": "USA", "us": "USA", "united states of america": "USA",
}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """'IRN', 'IR', '364', 'Iran' or 'Islamic Republic of Iran' -> 'IRN'; '' when unknown.

    Exact matches only (codes, official, common and alias names): a fuzzy match could put an
    event in the wrong country, which is worse than leaving the country empty.
    """
    text = " ".join(value.split())
    if not text:
        return ""
    if text.isdigit():
        found = pycountry.countries.get(numeric=text.zfill(3))
        return str(found.alpha_3) if found else ""
    alias = _ALIASES.get(text.lower())
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return ""


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_3=code) if code else None
    return str(getattr(found, "common_name", None) or getattr(found, "name", "")) if found else ""


def coordinate(value: object, what: str) -> float | None:
    """A latitude or longitude as a float (decimal comma accepted); None when empty."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError as exc:  # a JSON integer with hundreds of digits
            raise PlaceProblem(f"{what} is a number far outside the possible range") from exc
    else:
        text = str(value).strip()
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError as exc:
            raise PlaceProblem(f'{what} "{text}" is not a number') from exc
    limit = 90.0 if what == "latitude" else 180.0
    if not math.isfinite(number) or abs(number) > limit:
        raise PlaceProblem(f"{what} {value} is outside -{limit:g} … {limit:g}")
    return number


def format_coordinate(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of the country's centre, from the map's own Natural Earth shapes."""
    try:
        from app.geo import country_centroids  # the map's own table: one source of centres

        return dict(country_centroids())
    except (ImportError, OSError, ValueError, KeyError):  # pragma: no cover - the file ships with the app
        return {}


def country_centre(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a country's centre, or None."""
    found = _centroids().get(code)
    return (found[1], found[0]) if found else None
