"""Reporting periods: financial years (April-March), the financial year to date,
calendar years, rolling 12 months.

Keys: ``FY2024/25`` (April 2024 - March 2025), ``FYTD2024/25`` (April 2024 - February
2025: what the Met could see when it wrote on 25 March 2025, through the last complete
month), ``CY2024``, ``R12-2025-03`` (the 12 months ending March 2025). A period is
[start, end) in whole months.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pandas as pd

BASES = {"fy": "Financial year", "fytd": "Financial year to date (April-February)", "cy": "Calendar year", "r12": "Rolling 12 months"}
#: The period each basis opens on: the letter's year (or, for calendar years, the one it ended in).
DEFAULT_PERIODS = {"fy": "FY2024/25", "fytd": "FYTD2024/25", "cy": "CY2024"}
#: Months in a period of each basis (the year to date runs April to February, as when the letter was written).
LENGTHS = {"fy": 12, "fytd": 11, "cy": 12, "r12": 12}


class UnknownPeriod(ValueError):
    """A period key that does not parse."""


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. Its dates and names are worked out once per object (cached_property):
    every page draws dozens of them on each rerun."""

    start: pd.Timestamp
    basis: str

    @property
    def length(self) -> int:
        """Months in the period."""
        return LENGTHS[self.basis]

    @cached_property
    def end(self) -> pd.Timestamp:
        """First month after the period."""
        return self.start + pd.DateOffset(months=self.length)

    @cached_property
    def last_month(self) -> pd.Timestamp:
        return self.start + pd.DateOffset(months=self.length - 1)

    @cached_property
    def key(self) -> str:
        if self.basis in ("fy", "fytd"):
            return f"{self.basis.upper()}{self.start.year}/{(self.start.year + 1) % 100:02d}"
        if self.basis == "cy":
            return f"CY{self.start.year}"
        return f"R12-{self.last_month:%Y-%m}"

    @cached_property
    def label(self) -> str:
        if self.basis == "r12":
            return f"12 months to {self.last_month:%b %Y}"
        if self.basis == "fytd":
            return f"FY{self.start.year}/{(self.start.year + 1) % 100:02d} to {self.last_month:%B}"
        return self.key

    @cached_property
    def span(self) -> str:
        """'Apr 2024 - Mar 2025'."""
        return f"{self.start:%b %Y} - {self.last_month:%b %Y}"

    def months(self) -> pd.DatetimeIndex:
        """The first day of each month in the period (an immutable index, made once)."""
        return self._months

    @cached_property
    def _months(self) -> pd.DatetimeIndex:
        # numpy month arithmetic: pd.date_range costs ~0.2 ms a period, and a verdict makes a dozen periods.
        first = self.start.to_datetime64().astype("datetime64[M]")
        return pd.DatetimeIndex((first + np.arange(self.length)).astype("datetime64[ns]"))

    def year_to_date(self) -> Period:
        """The same financial year's April to February: what the Met could see when it wrote."""
        return Period(self.start, "fytd")

    def shifted(self, years: int) -> Period:
        return Period(self.start + pd.DateOffset(years=years), self.basis)


def parse_period(key: str) -> Period:
    """'FY2024/25' | 'FYTD2024/25' | 'CY2024' | 'R12-2025-03' -> Period; anything else raises UnknownPeriod."""
    text = str(key).strip()
    year = re.search(r"\d{4}", text)
    if year is None or not 1900 <= int(year.group()) <= 2100:
        raise UnknownPeriod(f"'{text[:40]}' is not a period between 1900 and 2100 (use e.g. FY2024/25, FYTD2024/25, CY2024 or R12-2025-03)")
    if match := re.fullmatch(r"(FY|FYTD)(\d{4})/(\d{2})", text):
        start_year = int(match.group(2))
        if (start_year + 1) % 100 == int(match.group(3)):
            return Period(pd.Timestamp(start_year, 4, 1), match.group(1).lower())
    elif match := re.fullmatch(r"CY(\d{4})", text):
        return Period(pd.Timestamp(int(match.group(1)), 1, 1), "cy")
    elif match := re.fullmatch(r"R12-(\d{4})-(\d{2})", text):
        month = int(match.group(2))
        if 1 <= month <= 12:
            return Period(pd.Timestamp(int(match.group(1)), month, 1) - pd.DateOffset(months=11), "r12")
    raise UnknownPeriod(f"'{text[:40]}' is not a period (use e.g. FY2024/25, FYTD2024/25, CY2024 or R12-2025-03)")


def period_containing(month: pd.Timestamp, basis: str) -> Period:
    """The financial or calendar year holding month (year to date: that financial year's; rolling:
    the 12 months ending in it)."""
    month = pd.Timestamp(month)
    if basis == "fytd":
        return Period(period_containing(month, "fy").start, "fytd")
    if basis == "fy":
        return Period(pd.Timestamp(month.year if month.month >= 4 else month.year - 1, 4, 1), "fy")
    if basis == "cy":
        return Period(pd.Timestamp(month.year, 1, 1), "cy")
    return Period(month - pd.DateOffset(months=11), "r12")


@cache
def periods_between(first_month: pd.Timestamp, last_month: pd.Timestamp, basis: str) -> tuple[Period, ...]:
    """Every period of the basis that overlaps [first_month, last_month], oldest first (the same
    Period objects on every call, so their worked-out dates and names are reused).

    For rolling 12 months: one period per month end from first_month + 11 to last_month.
    """
    if basis == "r12":
        ends = pd.date_range(pd.Timestamp(first_month) + pd.DateOffset(months=11), last_month, freq="MS")
        return tuple(period_containing(end, "r12") for end in ends)
    first, last = period_containing(first_month, basis), period_containing(last_month, basis)
    years = range(first.start.year, last.start.year + 1)
    return tuple(Period(first.start.replace(year=y), basis) for y in years)


def default_period(options: list[Period], basis: str) -> Period:
    """The basis's default (:data:`DEFAULT_PERIODS`) if offered, else the newest of ``options``."""
    wanted = DEFAULT_PERIODS.get(basis)
    return next((p for p in options if p.key == wanted), options[0])


def default_comparison(period: Period, options: list[Period]) -> Period:
    """The period a year before ``period`` if offered, else the first other one of ``options``."""
    others = [p for p in options if p != period]
    previous = period.shifted(-1)
    return previous if previous in others else others[0]
