"""Every figure the dashboard shows, declared once, as a selection over the categories the
sources publish.

The snapshot keeps each source's own categories (method of killing, age group, object of
search, outcome, ...). A :class:`Count` names a snapshot table and a condition on those
categories; its on-screen definition is written from the same declaration, so changing
what "weapons" means is one edit here, with no rebuild. A :class:`Rate` divides two
counts. Both answer the same questions (label, unit, definition, how to format a value),
so callers never ask which kind a figure is.

To change a definition, edit the condition (e.g. :data:`WEAPONS_SEARCH`); to add a
figure, add one entry to :data:`FIGURES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

# ---- conditions on a table's categories -----------------------------------------------------------

#: How a column is named in definitions shown to readers.
COLUMN_WORDS = {
    "method": "method of killing",
    "age_group": "age group",
    "subtype": "crime subtype",
    "measure": "measure",
    "minor_category": "offence category",
    "object_of_search": "object of search",
    "legislation": "legal power",
    "outcome": "outcome",
    "outcome_linked_to_object": "outcome linked to the object of the search",
}


class Condition(Protocol):
    def mask(self, frame: pd.DataFrame) -> pd.Series: ...

    def describe(self) -> str: ...


def _quoted(values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


@dataclass(frozen=True)
class Is:
    """The column's value is one of ``values``."""

    column: str
    values: tuple[str, ...]

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        return frame[self.column].astype("string").isin(self.values).fillna(False).astype(bool)

    def describe(self) -> str:
        return f"{COLUMN_WORDS.get(self.column, self.column)} is {_quoted(self.values)}"


@dataclass(frozen=True)
class IsNot:
    """The column's value is none of ``values``."""

    column: str
    values: tuple[str, ...]

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """A missing value is neither one of ``values`` nor something else: False."""
        values = frame[self.column].astype("string")
        return (values.notna() & ~values.isin(self.values)).fillna(False).astype(bool)

    def describe(self) -> str:
        return f"{COLUMN_WORDS.get(self.column, self.column)} is not {_quoted(self.values)}"


@dataclass(frozen=True)
class Mentions:
    """The column's text contains ``text`` (any case)."""

    column: str
    text: str

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        return frame[self.column].astype("string").str.contains(self.text, case=False, regex=False).fillna(False).astype(bool)

    def describe(self) -> str:
        return f"{COLUMN_WORDS.get(self.column, self.column)} mentions '{self.text}'"


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        result = pd.Series(False, index=frame.index)
        for condition in self.conditions:
            result |= condition.mask(frame)
        return result

    def describe(self) -> str:
        return "(" + ", or ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        result = pd.Series(True, index=frame.index)
        for condition in self.conditions:
            result &= condition.mask(frame)
        return result

    def describe(self) -> str:
        return ", and ".join(c.describe() for c in self.conditions)


@dataclass(frozen=True)
class Everything:
    def mask(self, frame: pd.DataFrame) -> pd.Series:
        return pd.Series(True, index=frame.index)

    def describe(self) -> str:
        return "all rows"


# ---- the definitions the claims turn on ------------------------------------------------------------

KNIFE_METHOD = Is("method", ("Knife or Sharp Implement",))
TEEN_AND_CHILD = Is("age_group", ("0 to 12", "13 to 19"))
#: "Searches for knives/weapons": the object searched for, or a section 60 search (whatever its object).
WEAPONS_SEARCH = AnyOf(
    (Is("object_of_search", ("Offensive weapons", "Firearms", "Anything to threaten or harm anyone")), Mentions("legislation", "section 60"))
)
#: Any recorded outcome other than no further action (old and new wording).
POSITIVE_OUTCOME = IsNot("outcome", ("A no further action disposal", "Nothing found - no further action", "not recorded"))
ARREST = Is("outcome", ("Arrest", "Suspect arrested"))
LINKED_TO_OBJECT = Is("outcome_linked_to_object", ("true",))

#: Per snapshot table: the column holding the count, and the source in words.
TABLES = {
    "homicide_victims": ("victims", "victim-level homicide data (MPS Homicide Dashboard)"),
    "knife_crime": ("count", "MPS knife crime data (Monthly Crime Dashboard)"),
    "borough_crime": ("offences", "borough-level recorded crime data (MPS)"),
    "stop_search": ("searches", "record-level stop-and-search data with outcomes (data.police.uk)"),
    "stop_search_by_object_third_party": ("searches", "third-party monthly counts of searches by object"),
}


@dataclass(frozen=True)
class Count:
    """A count per month per borough: the sum of ``table``'s count column over the rows where ``where`` holds.

    ``counts`` says what one unit is ("Homicide victims", "Searches"), ``note`` what the
    reader must know beyond the selection (recorded month, what it leaves out).
    """

    key: str
    label: str
    unit: str
    table: str
    counts: str
    where: Condition
    note: str = ""
    london_only: bool = False  # the source gives a London total only
    #: Ages (inclusive) of the residents a rate per 100,000 is taken over; None: no rate.
    population_ages: tuple[int, int] | None = (0, 90)
    is_rate = False

    @property
    def definition(self) -> str:
        selection = "" if isinstance(self.where, Everything) else f", where {self.where.describe()}"
        return f"{self.counts}{selection}.{' ' + self.note if self.note else ''}"

    @property
    def source_table(self) -> str:
        return self.table

    def format(self, value: float | None) -> str:
        return "no data" if value is None else f"{value:,.0f}"

    def monthly(self, tables: dict[str, pd.DataFrame], months: pd.DatetimeIndex) -> pd.DataFrame:
        """Month x borough code: the selected rows' counts summed. One row for each of ``months``
        (which must hold every month of the table; 0 where nothing was selected), one column for
        each code with a selected row, in code order (a London-only source: one column, 'LONDON')."""
        frame = tables[self.table]
        selected = self.where.mask(frame).to_numpy()
        counted = frame[TABLES[self.table][0]].to_numpy(dtype="int64")[selected]
        selected_months = frame["month"].to_numpy()[selected]
        month_rows = np.searchsorted(months.values, selected_months)
        if len(month_rows) and (month_rows.max() >= len(months) or (months.values[month_rows] != selected_months).any()):
            raise ValueError(f"{self.key}: the months given do not hold every month of table '{self.table}'")
        if self.london_only:
            codes, code_columns = pd.Index(["LONDON"], name="borough_code"), np.zeros(len(counted), dtype="int64")
        else:
            unique_codes, code_columns = np.unique(frame["borough_code"].to_numpy()[selected], return_inverse=True)
            codes = pd.Index(unique_codes, name="borough_code", dtype=frame["borough_code"].dtype)
        wide = np.zeros((len(months), len(codes)), dtype="int64")
        np.add.at(wide, (month_rows, code_columns), counted)
        return pd.DataFrame(wide, index=months, columns=codes)


@dataclass(frozen=True)
class Rate:
    """numerator per 100 denominator (both :class:`Count` keys), in per cent."""

    key: str
    label: str
    numerator: str
    denominator: str
    unit: str = "%"
    note: str = ""
    population_ages = None
    is_rate = True

    @property
    def definition(self) -> str:
        return f"{FIGURES[self.numerator].label} per 100 {FIGURES[self.denominator].label[0].lower()}{FIGURES[self.denominator].label[1:]}.{' ' + self.note if self.note else ''}"

    @property
    def source_table(self) -> str:
        return FIGURES[self.denominator].source_table

    @property
    def london_only(self) -> bool:
        return FIGURES[self.denominator].london_only

    def format(self, value: float | None) -> str:
        return "no data" if value is None else f"{value:.1f}%"


Figure = Count | Rate

RECORDED = "By the month the Met recorded it, not necessarily the month it happened."
FILE_MONTH = "By the month of the data.police.uk file."
_FIGURES: list[Figure] = [
    Count("knife_homicide_victims", "Homicide victims killed with a knife or sharp implement", "victims", "homicide_victims",
          "Victims of murder, manslaughter or infanticide", KNIFE_METHOD, RECORDED),
    Count("homicide_victims", "Homicide victims (all methods)", "victims", "homicide_victims", "Victims of murder, manslaughter or infanticide", Everything(), RECORDED),
    Count("homicide_victims_0_19", "Homicide victims aged 0-19 (teenagers and children)", "victims", "homicide_victims", "Homicide victims",
          TEEN_AND_CHILD, RECORDED, population_ages=(0, 19)),
    Count("homicide_victims_0_12", "Homicide victims aged 0-12 (children)", "victims", "homicide_victims", "Homicide victims",
          Is("age_group", ("0 to 12",)), RECORDED, population_ages=(0, 12)),
    Count("homicide_victims_13_19", "Homicide victims aged 13-19 (teenagers)", "victims", "homicide_victims", "Homicide victims",
          Is("age_group", ("13 to 19",)), RECORDED, population_ages=(13, 19)),
    Count("homicide_offences", "Homicide offences (all methods, all ages)", "offences", "borough_crime", "Offences recorded by the Met",
          Is("minor_category", ("HOMICIDE",)), "Counts offences, not victims, with no method or age. " + RECORDED),
    Count("knife_injury_victims_under_25_non_da", "Knife injury victims aged 1-24, excluding domestic abuse", "victims", "knife_crime",
          "Victims aged 1 to 24 of knife crime with injury (the MOPAC/MPS measure)", AllOf((Is("subtype", ("Knife Injury Victims (non DA 1-24)",)), Is("measure", ("Offences",)))),
          RECORDED, population_ages=(1, 24)),
    Count("knife_injury_victims_under_25", "Knife injury victims aged 1-24, including domestic abuse", "victims", "knife_crime",
          "Victims aged 1 to 24 of knife crime with injury, domestic abuse included", AllOf((Is("subtype", ("Knife Injury Victims (1-24)",)), Is("measure", ("Offences",)))),
          RECORDED, population_ages=(1, 24)),
    Count("knife_crime_offences", "Knife crime offences", "offences", "knife_crime", "Offences flagged as knife crime (knife or sharp instrument used or threatened)",
          AllOf((Is("subtype", ("Knife Crime",)), Is("measure", ("Offences",)))), RECORDED),
    Count("knife_crime_with_injury_offences", "Knife crime with injury offences", "offences", "knife_crime", "Knife crime offences where the victim was injured",
          AllOf((Is("subtype", ("Knife Crime with Injury",)), Is("measure", ("Offences",)))), RECORDED),
    Count("knife_injury_robbery_offences", "Knife crime with injury in personal robbery", "offences", "knife_crime", "Knife crime offences with injury in a personal robbery",
          AllOf((Is("subtype", ("Knife Crime with Injury (Personal Robbery)",)), Is("measure", ("Offences",)))), RECORDED),
    Count("weapons_searches", "Weapons searches", "searches", "stop_search", "Stop and searches", WEAPONS_SEARCH, FILE_MONTH),
    Count("weapons_searches_positive", "Weapons searches with a positive outcome", "searches", "stop_search", "Stop and searches",
          AllOf((WEAPONS_SEARCH, POSITIVE_OUTCOME)), "A positive outcome is an arrest, summons, caution, penalty notice, community resolution or drugs warning. " + FILE_MONTH),
    Count("weapons_searches_positive_linked", "Weapons searches with a positive outcome linked to the object searched for", "searches", "stop_search",
          "Stop and searches", AllOf((WEAPONS_SEARCH, POSITIVE_OUTCOME, LINKED_TO_OBJECT)), "The Met has not filled the 'linked' field reliably, so this is not dependable."),
    Count("weapons_searches_arrest", "Weapons searches ending in arrest", "searches", "stop_search", "Stop and searches", AllOf((WEAPONS_SEARCH, ARREST)), FILE_MONTH),
    Count("weapons_searches_third_party", "Weapons searches, all London (third-party count, no outcomes)", "searches", "stop_search_by_object_third_party",
          "Searches counted by a third party from the complete data.police.uk files",
          Is("object_of_search", ("Offensive weapons", "Firearms", "Anything to threaten or harm anyone")),
          "Section 60 searches for other objects are not included; may include City of London Police searches (1-3%). No outcomes, no areas.",
          london_only=True, population_ages=None),
    Count("possession_of_weapons_offences", "Possession of weapons offences", "offences", "borough_crime", "Offences recorded by the Met",
          Is("minor_category", ("POSSESSION OF WEAPONS",)), "Rises when police find more weapons, so it partly reflects police activity. " + RECORDED),
    Count("personal_robbery_offences", "Personal robbery offences", "offences", "borough_crime", "Offences recorded by the Met",
          Is("minor_category", ("ROBBERY OF PERSONAL PROPERTY",)), RECORDED),
    Rate("weapons_positive_outcome_rate", "Positive outcome rate of weapons searches", "weapons_searches_positive", "weapons_searches"),
    Rate("weapons_linked_outcome_rate", "Linked positive outcome rate of weapons searches", "weapons_searches_positive_linked", "weapons_searches"),
]  # fmt: skip
#: The registry: every figure by key.
FIGURES: dict[str, Figure] = {figure.key: figure for figure in _FIGURES}
COUNTS: dict[str, Count] = {key: figure for key, figure in FIGURES.items() if isinstance(figure, Count)}


def source_words(figure: Figure) -> str:
    """The figure's source in words, e.g. 'victim-level homicide data (MPS Homicide Dashboard)'."""
    return TABLES[figure.source_table][1]


def count_behind(figure: Figure) -> Count:
    """The count whose source sets a figure's coverage (a rate's denominator)."""
    return COUNTS[figure.denominator] if isinstance(figure, Rate) else figure
