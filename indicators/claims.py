"""The letter's claims, read from ``claims.toml`` and checked on load.

A mistake in the file (a missing field, a figure key that does not exist, a direction
other than up or down, two claims with one number) raises :class:`ClaimsFileError`
naming the file, the claim and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from indicators.figures import FIGURES

CLAIMS_FILE = Path(__file__).with_name("claims.toml")
LETTER = "Metropolitan Police, letter of 25 March 2025"
DIRECTIONS = ("down", "up")
#: ONS police force area table measures a claim may name as its nearest official figure.
OFFICIAL_MEASURES = ("Homicide offences", "Homicide offences involving a knife")

COMMON_CAVEATS = [
    "Figures cover the Metropolitan Police area: the 32 London boroughs. The City of London (City of London Police) "
    "and crimes recorded by British Transport Police are excluded.",
    "Months are the month the Met recorded the crime, not necessarily the month it happened.",
    "In February 2024 the Met moved crime recording from CRIS to its new CONNECT system; "
    "figures from March 2024 on come from CONNECT, and the Met warned of disruption to its published data around the switch.",
]


class ClaimsFileError(ValueError):
    """claims.toml cannot be used as it is."""


@dataclass(frozen=True)
class Claim:
    number: int
    slug: str
    title: str
    words: str
    direction: str  # "down" | "up"
    headline: str
    companions: tuple[str, ...]
    context: tuple[str, ...]
    nearest_official: tuple[str, ...]
    would_settle_it: str
    caveats: tuple[str, ...]

    @property
    def figure_keys(self) -> tuple[str, ...]:
        """Headline, companions, context: every figure the claim shows, in order."""
        return (self.headline, *self.companions, *self.context)

    @property
    def url_path(self) -> str:
        """The claim page's address, e.g. 'knife_homicides'."""
        return self.slug.replace("-", "_")


TEXT_FIELDS = ("slug", "title", "words", "direction", "headline", "would_settle_it")
LIST_FIELDS = ("companions", "context", "nearest_official", "caveats")


def load_claims(path: Path = CLAIMS_FILE) -> list[Claim]:
    """Every [[claim]] in the file, in number order, checked (module doc)."""
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8")).get("claim")
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ClaimsFileError(f"{path}: not readable TOML ({err})") from None
    if not isinstance(declared, list) or not declared:
        raise ClaimsFileError(f"{path}: no [[claim]] entries")
    claims = [_claim(entry, position, path) for position, entry in enumerate(declared, start=1)]
    for field in ("number", "slug"):
        values = [getattr(c, field) for c in claims]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ClaimsFileError(f"{path}: {field} {repeated[0]!r} is used by more than one claim")
    return sorted(claims, key=lambda c: c.number)


def _claim(entry: object, position: int, path: Path) -> Claim:
    where = f"{path}: claim {entry.get('number', f'#{position}') if isinstance(entry, dict) else f'#{position}'}"
    if not isinstance(entry, dict):
        raise ClaimsFileError(f"{where}: not a table of fields")
    unknown = sorted(set(entry) - {"number", *TEXT_FIELDS, *LIST_FIELDS})
    if unknown:
        raise ClaimsFileError(f"{where}: unknown field '{unknown[0]}'")
    if not isinstance(entry.get("number"), int) or entry["number"] < 1:
        raise ClaimsFileError(f"{where}: field 'number' must be a whole number of 1 or more")
    for field in TEXT_FIELDS:
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise ClaimsFileError(f"{where}: field '{field}' must be non-empty text")
    for field in LIST_FIELDS:
        if not isinstance(entry.get(field), list) or not all(isinstance(v, str) for v in entry[field]):
            raise ClaimsFileError(f"{where}: field '{field}' must be a list of text (it may be empty)")
    if entry["direction"] not in DIRECTIONS:
        raise ClaimsFileError(f"{where}: field 'direction' must be one of {DIRECTIONS}, not {entry['direction']!r}")
    for field in ("headline", "companions", "context"):
        for key in [entry[field]] if field == "headline" else entry[field]:
            if key not in FIGURES:
                raise ClaimsFileError(f"{where}: field '{field}' names '{key}', which is not a figure in indicators/figures.py")
    for measure in entry["nearest_official"]:
        if measure not in OFFICIAL_MEASURES:
            raise ClaimsFileError(f"{where}: field 'nearest_official' names '{measure}'; expected one of {OFFICIAL_MEASURES}")
    return Claim(
        entry["number"], entry["slug"], entry["title"], entry["words"], entry["direction"], entry["headline"],
        tuple(entry["companions"]), tuple(entry["context"]), tuple(entry["nearest_official"]), entry["would_settle_it"], tuple(entry["caveats"]),
    )  # fmt: skip


CLAIMS = load_claims()
CLAIMS_BY_SLUG = {claim.slug: claim for claim in CLAIMS}
