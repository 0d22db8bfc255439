"""Figures stated in public by the Met, City Hall and the press (``published/published_figures.csv``).

These are statements, not data: each row is a figure as someone stated it, with the exact
quote and the address of the page. The dashboard shows them quoted and attributed, "as
stated, not re-derived"; nothing is computed from them except which two to set side by side.

Schema of :func:`load_published_figures` (one row per statement):
    figure_id     string   stable key
    claim         Int64    1-4 (the letter's claim it bears on), <NA> for context
    measure       string   what was counted, in the register's words
    area          string
    period_start  datetime64[ns]  first month covered
    period_end    datetime64[ns]  last month covered (inclusive)
    value         int64
    unit          string
    stated_by, publisher, source_url, source_date, quote, note   string
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import SourceError
from loaders.validation import parse_counts, parse_months, read_csv_as_text, reject_duplicates, require_columns

FILE_PATTERN = "published/published_figures.csv"
COLUMNS = [
    "figure_id", "claim", "measure", "area", "period_start", "period_end", "value", "unit",
    "stated_by", "publisher", "source_url", "source_date", "quote", "note",
]  # fmt: skip
REQUIRED_TEXT = ["figure_id", "measure", "area", "unit", "stated_by", "publisher", "source_url", "source_date", "quote"]
#: No London figure in the register can reach this; a larger value is a typing error.
MAX_VALUE = 1_000_000


def load_published_figures(path: Path) -> pd.DataFrame:
    """The register, validated (schema in the module doc)."""
    table = read_csv_as_text(path)
    require_columns(table, COLUMNS, path, "published figures")
    text = table[COLUMNS].apply(lambda column: column.str.strip())
    reject_duplicates(text, ["figure_id"], path)
    for column in REQUIRED_TEXT:
        blank = text[column] == ""
        if blank.any():
            raise SourceError(path, f"row {int(blank.to_numpy().argmax()) + 1}: blank", column)
    bad_url = ~text["source_url"].str.match(r"https?://")
    if bad_url.any():
        raise SourceError(
            path, f"row {int(bad_url.to_numpy().argmax()) + 1}: {text['source_url'][bad_url].iloc[0]!r} is not a web address", "source_url"
        )
    claim = pd.to_numeric(text["claim"].replace("", None), errors="coerce").astype("Int64")
    bad_claim = (text["claim"] != "") & ~claim.isin([1, 2, 3, 4]).fillna(False)
    if bad_claim.any():
        raise SourceError(
            path, f"row {int(bad_claim.to_numpy().argmax()) + 1}: {text['claim'][bad_claim].iloc[0]!r} is not a claim number 1-4 or blank", "claim"
        )
    start = parse_months(text["period_start"], path, "period_start", ["%Y-%m"], "2000-01")
    end = parse_months(text["period_end"], path, "period_end", ["%Y-%m"], "2000-01")
    backwards = end < start
    if backwards.any():
        raise SourceError(path, f"row {int(backwards.to_numpy().argmax()) + 1}: period_end is before period_start", "period_end")
    value = parse_counts(text["value"], path, "value", MAX_VALUE)
    figures = text.assign(claim=claim, period_start=start, period_end=end, value=value)
    strings = [c for c in COLUMNS if c not in ("claim", "period_start", "period_end", "value")]
    return figures.astype(dict.fromkeys(strings, "string")).reset_index(drop=True)
