"""Tables as readers see them on screen and as analysts get them in a CSV.

- On screen (:func:`for_screen`): plain-English column headers, thousands separators, a
  blank where there is no value (never ``None``, ``nan`` or ``inf``).
- In a CSV (:func:`csv_bytes`): counts as integers, missing values empty, a units column
  beside rates, and text cells that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) neutralised with a leading ``'``.
"""

from __future__ import annotations

import math

import pandas as pd

#: Headers that a plain transformation of the column name would not say well.
HEADERS = {
    "rate_per_100k": "Rate per 100,000 residents",
    "ci95_low": "95% interval, low",
    "ci95_high": "95% interval, high",
    "change_pct": "Change (%)",
    "share_pct": "Share (%)",
    "positive_rate_pct": "Positive outcome rate (%)",
    "per_1000_residents": "Per 1,000 residents",
    "ratio_to_white": "Ratio to White residents",
    "measure_label": "What is counted",
    "data_through": "Data through",
    "population_used": "Population estimate used",
    "months_with_data": "Months with data",
    "shown_on_tile": "Shown on the tile",
    "rate_ratio": "Rate ratio",
    "against_earlier_years": "Against earlier years",
    "letter_says": "The letter says",
    "what_open_data_says": "What open data say",
    "what_would_settle_it": "What would settle it",
}
RATE_UNIT = "per 100,000 residents of the ages counted"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header(column: str) -> str:
    """'months_compared' -> 'Months compared'; see :data:`HEADERS` for the rest."""
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def _shown(value: object) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m}"
    return str(value)


def for_screen(table: pd.DataFrame) -> pd.DataFrame:
    """Every value as the reader should see it, under a plain-English header."""
    shown = pd.DataFrame({header(str(c)): [_shown(v) for v in table[c].tolist()] for c in table.columns})
    return shown


def period_table(periods: pd.DataFrame) -> pd.DataFrame:
    """A claim page's year-by-year table (from ``Snapshot.by_period``) as its CSV gives it: the
    counts, rates and the residents they use, and how complete each period is."""
    return periods[["period", "value", "rate_per_100k", "population_used", "complete", "months_with_data"]]


def with_month_text(table: pd.DataFrame) -> pd.DataFrame:
    """A monthly table with its ``month`` column as 'YYYY-MM' text: the month, not a date on its first day."""
    return table.assign(month=table["month"].dt.strftime("%Y-%m"))


def _neutralised(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: object) -> object:
    """One cell of a mixed column: missing -> None (empty), 1224.0 -> 1224, text neutralised."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _neutralised(value) if isinstance(value, str) else value


def for_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table for a CSV file: whole numbers as integers, missing values empty, a units column
    after every rate per 100,000, and no text a spreadsheet would run as a formula."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values) or values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = pd.Series([_csv_cell(v) for v in values.tolist()], index=out.index, dtype=object)  # a column may mix counts and rates
    if "rate_per_100k" in out.columns:
        out.insert(out.columns.get_loc("rate_per_100k") + 1, "rate_unit", out["rate_per_100k"].map(lambda v: "" if _is_missing(v) else RATE_UNIT))
    return out


def csv_bytes(table: pd.DataFrame) -> bytes:
    return for_csv(table).to_csv(index=False, lineterminator="\n").encode("utf-8")
