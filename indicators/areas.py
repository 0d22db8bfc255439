"""Areas a user can pick: all London, one of the Met's 12 BCUs, or one of 32 boroughs.

"London" means the whole Metropolitan Police area: the 32 boroughs **plus** the rows the
source does not assign to a borough. A BCU is the sum of its boroughs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.snapshot_files import NOT_ASSIGNED_CODE

LONDON = "London"


class UnknownArea(ValueError):
    """An area name that is neither London, a BCU nor a borough."""


@dataclass(frozen=True)
class Area:
    level: str  # "London" | "BCU" | "Borough"
    name: str

    @property
    def label(self) -> str:
        return {"London": "All London (Met area)", "BCU": f"{self.name} BCU", "Borough": self.name}[self.level]

    @property
    def key(self) -> str:
        """The text used in URLs and the export command: 'London', 'Central East BCU', 'Hackney'."""
        return LONDON if self.level == "London" else self.label


def borough_codes(area: Area, areas: pd.DataFrame) -> list[str]:
    """GSS codes making up the area (London includes the not-assigned rows)."""
    if area.level == "London":
        return areas["borough_code"].tolist()
    codes = areas["borough_code"].to_numpy()
    names = areas["bcu" if area.level == "BCU" else "borough"].to_numpy()
    return codes[(names == area.name) & (codes != NOT_ASSIGNED_CODE)].tolist()  # arrays: called for every area on loading


def bcu_of(area: Area, areas: pd.DataFrame) -> str | None:
    """The BCU of a BCU or of a borough; None for London."""
    if area.level == "London":
        return None
    return area.name if area.level == "BCU" else areas.loc[areas["borough"] == area.name, "bcu"].iloc[0]


def borough_with_code(code: str | None, areas: pd.DataFrame) -> Area | None:
    """The borough whose GSS code this is; None for anything else (City of London, not assigned)."""
    names = areas.loc[(areas["borough_code"] == code) & (areas["borough_code"] != NOT_ASSIGNED_CODE), "borough"]
    return Area("Borough", names.iloc[0]) if len(names) else None


def parse_area(text: str, areas: pd.DataFrame) -> Area:
    """'London' | 'Central East' | 'Central East BCU' | 'Hackney' (any case) -> Area."""
    wanted = " ".join(str(text).split()).casefold()
    if wanted in ("london", "all london", "all london (met area)"):
        return Area("London", LONDON)
    real = areas[areas["borough_code"] != NOT_ASSIGNED_CODE]
    for bcu in real["bcu"].unique():
        if wanted in (bcu.casefold(), f"{bcu} bcu".casefold()):
            return Area("BCU", bcu)
    for borough in real["borough"]:
        if wanted == borough.casefold():
            return Area("Borough", borough)
    raise UnknownArea(f"'{str(text)[:60]}' is not London, a BCU or a borough")


def area_options(areas: pd.DataFrame) -> list[Area]:
    """London, then each BCU followed by its boroughs, alphabetically."""
    real = areas[areas["borough_code"] != NOT_ASSIGNED_CODE]
    options = [Area("London", LONDON)]
    for bcu, members in real.groupby("bcu", sort=True):
        options.append(Area("BCU", bcu))
        options.extend(Area("Borough", b) for b in sorted(members["borough"]))
    return options
