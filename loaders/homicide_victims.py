"""MPS homicide victims (London Datastore "MPS Homicide Dashboard Data", CKAN id 2l1w8).

One row per victim, dated by the month the MPS **recorded** the death as a homicide
(not necessarily the month of the attack). Excludes homicides recorded by the City of
London Police and British Transport Police.

Three public layouts are accepted:
- ``Recorded Date`` as ``Jan 2003``, ``Method of Killing``, Domestic Abuse Yes/No (Datastore CSV);
- ``Recorded Year`` + ``Recorded Month`` with header ``MethodofKilling`` (spreadsheet export);
- the 2025 layout (``Homicide Victims 2003 - Jun 2025.csv``): a leading ``Homicide ID``
  column, ``Domestic Abuse`` as 0/1 (or Y/N), ethnicity labels ``Not Reported/Not known`` and
  ``Other.``, ``Recorded Date`` with a two-digit year (``Jun-25``); otherwise as the first.
Any other label or date is refused with the file, column and value (LIVE_FORMATS.md).

Schema of :func:`load_homicide_victims` (one row per victim):
    month           datetime64[ns]  first day of the recorded month
    borough_code    string          GSS code, or "UNASSIGNED" (source label Unmapped/Heathrow)
    borough, bcu    string          names; "Not assigned to a borough" for UNASSIGNED
    age_group       category        ordered: 0 to 12 < 13 to 19 < ... < 65 and over
    sex             string          Male / Female / Unknown
    method          string          method of killing, e.g. "Knife or Sharp Implement"
    domestic_abuse  bool
    offence_type    string          Murder / Manslaughter / Corporate Manslaughter / Infanticide
    solved          bool
    ethnicity       string          officer-observed: White / Black / Asian / Other / Unrecorded / Unknown
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import SourceError
from loaders.geography import BoroughLookup
from loaders.validation import (
    map_labels,
    normalise_header,
    parse_counts,
    parse_months,
    read_csv_as_text,
    read_distinct_as_text,
    read_header,
    require_columns,
)

FILE_PATTERN = "homicide/*homicide_victims*.csv"
FIRST_MONTH = "2003-01"  # the dashboard's first month
AGE_GROUPS = ["0 to 12", "13 to 19", "20 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 and over"]
AGE_GROUP_TYPE = pd.CategoricalDtype(AGE_GROUPS, ordered=True)

METHODS = {
    "Knife or Sharp Implement": "Knife or Sharp Implement",
    "Shooting": "Shooting",
    "Blunt Implement": "Blunt Implement",
    "Physical Assault, no weapon": "Physical Assault, no weapon",
    "Other Methods of Killing": "Other Methods of Killing",
    "Other Method of Killing": "Other Methods of Killing",
    "Not known/Not Recorded": "Not known/Not Recorded",
}
SEXES = {"Male": "Male", "Female": "Female", "Unknown": "Unknown", "Unrecorded": "Unknown"}
DOMESTIC_ABUSE = {"Domestic Abuse": True, "Not Domestic Abuse": False, "Yes": True, "No": False, "Y": True, "N": False, "1": True, "0": False}
OFFENCE_TYPES = {name: name for name in ("Murder", "Manslaughter", "Corporate Manslaughter", "Infanticide")}
SOLVED = {"Solved": True, "Unsolved": False}
ETHNICITIES = {
    "White": "White",
    "Black": "Black",
    "Asian": "Asian",
    "Other": "Other",
    "Unrecorded / Unknown": "Unrecorded / Unknown",
    "Not Recorded / Unknown": "Unrecorded / Unknown",
    "Not Reported/Not known": "Unrecorded / Unknown",  # 2025 layout
    "Other.": "Other",  # 2025 layout, with the full stop
}
MONTH_FORMATS = ["%b %Y", "%B %Y", "%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%b-%y"]
LAYOUT = "MPS homicide victims"
#: Normalised headers another layout spells differently: the spreadsheet export's ``MethodofKilling``.
HEADER_ALIASES = {"methodofkilling": "method_of_killing"}
COMMON_COLUMNS = [
    "count_of_victims",
    "age_group",
    "sex",
    "method_of_killing",
    "domestic_abuse",
    "homicide_offence_type",
    "solved_status",
    "borough",
    "officer_observed_ethnicity",
]


def _date_columns(columns: list[str]) -> list[str]:
    """The columns a layout dates its rows by (normalised headers): one, or the spreadsheet export's two."""
    return ["recorded_date"] if "recorded_date" in columns else ["recorded_year", "recorded_month"]


def _recorded_months(dates: pd.DataFrame, path: Path) -> pd.Series:
    """The first day of each row's recorded month, from its date column(s) (:func:`_date_columns`)."""
    if "recorded_date" in dates.columns:
        return parse_months(dates["recorded_date"], path, "Recorded Date", MONTH_FORMATS, FIRST_MONTH)
    joined = dates["recorded_month"].str.strip() + " " + dates["recorded_year"].str.strip()
    return parse_months(joined, path, "Recorded Year/Recorded Month", ["%b %Y", "%B %Y"], FIRST_MONTH)


def months_in(path: Path) -> pd.Series:
    """The distinct months a victims file holds, from its date column(s) alone (for choosing a
    vintage); its header must have one of the layouts, and every month must parse."""
    date_columns = _date_columns(list(read_header(path, HEADER_ALIASES).values()))
    return _recorded_months(read_distinct_as_text(path, date_columns, COMMON_COLUMNS, LAYOUT, HEADER_ALIASES), path)


def load_homicide_victims(path: Path, lookup: BoroughLookup) -> pd.DataFrame:
    """One row per homicide victim from any of the three public layouts (see module doc)."""
    table = read_csv_as_text(path)
    table.columns = [normalise_header(c) for c in table.columns]
    table = table.rename(columns=HEADER_ALIASES)
    require_columns(table, [*COMMON_COLUMNS, *_date_columns(list(table.columns))], path, LAYOUT)
    month = _recorded_months(table, path)
    count = parse_counts(table["count_of_victims"], path, "Count of Victims", 1_000)
    if (count != 1).any():
        raise SourceError(path, "expected one victim per row (Count of Victims = 1)", "Count of Victims")
    victims = pd.DataFrame(
        {
            "month": month,
            "borough_code": lookup.codes_for_labels(table["borough"], path, "Borough"),
            "age_group": map_labels(table["age_group"], {a: a for a in AGE_GROUPS}, path, "Age Group").astype(AGE_GROUP_TYPE),
            "sex": map_labels(table["sex"], SEXES, path, "Sex").astype("string"),
            "method": map_labels(table["method_of_killing"], METHODS, path, "Method of Killing").astype("string"),
            "domestic_abuse": map_labels(table["domestic_abuse"], DOMESTIC_ABUSE, path, "Domestic Abuse").astype(bool),
            "offence_type": map_labels(table["homicide_offence_type"], OFFENCE_TYPES, path, "Homicide Offence Type").astype("string"),
            "solved": map_labels(table["solved_status"], SOLVED, path, "Solved Status").astype(bool),
            "ethnicity": map_labels(table["officer_observed_ethnicity"], ETHNICITIES, path, "Officer Observed Ethnicity").astype("string"),
        }
    )
    names = lookup.names(victims["borough_code"])
    victims.insert(2, "borough", names["borough"])
    victims.insert(3, "bcu", names["bcu"])
    return victims.sort_values(["month", "borough_code"], kind="stable").reset_index(drop=True)
