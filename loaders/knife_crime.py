"""MPS Monthly Crime Dashboard, knife crime (London Datastore CKAN id e5n6w, "KnifeCrimeData").

Monthly counts by borough. The source repeats the same counts at Safer Neighbourhood
Team level; only borough-level rows are used, never both. Counts the source cannot place
count in London and in no borough ("UNASSIGNED"): in older files they sit under
``Borough`` as ``Other / NK``; since 2026 under the area type
``Borough (Georgraphy Not Known)`` [sic] (or with ``Area Code`` -1). Dropping them would
make London's figures silently low. Zero counts are
not stored in the source, so every borough x month x subtype x measure is zero-filled.

The "Knife Injury Victims" subtypes count **victims aged 1-24** (under measure
"Offences" in the source); "non DA" excludes domestic abuse. The other subtypes count
**offences**. Dates are the month the offence was recorded.

Accepted layouts: the original CSV headers (``Month_Year``, ``Area Type``,
``Borough_SNT``, ``Area name``, ``Area code``, ``Crime Type``, ``Crime Subtype``,
``Measure``, ``Count``, ...; with or without ``FY_FYIndex``) and the lower_snake_case
parquet copy; CSV or parquet. An area type not in :data:`AREA_TYPES` is refused.

Schema of :func:`load_knife_crime`:
    month          datetime64[ns]  first day of the recorded month
    borough_code   string          GSS code, or "UNASSIGNED" (source "Other / NK")
    subtype        string          one of SUBTYPES
    measure        string          "Offences" or "Positive Outcomes"
    count          int64           offences, positive outcomes, or victims (see above)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import SourceError
from loaders.geography import NOT_ASSIGNED_CODE, BoroughLookup
from loaders.validation import (
    map_labels,
    normalise_header,
    parse_counts,
    parse_months,
    read_csv_as_text,
    read_distinct_as_text,
    read_parquet_table,
    reject_duplicates,
    require_columns,
)

FILE_PATTERNS = ["knife_crime/*knife*.parquet", "knife_crime/*knife*.csv", "knife_crime/*KnifeCrimeData*.csv"]
SUBTYPES = [
    "Knife Crime",
    "Knife Crime with Injury",
    "Knife Crime with Injury (Personal Robbery)",
    "Knife Injury Victims (1-24)",
    "Knife Injury Victims (non DA 1-24)",
]
MEASURES = ["Offences", "Positive Outcomes"]
#: Area type -> True for the borough-level rows used, False for the Safer Neighbourhood Team repeats.
AREA_TYPES = {
    "Borough": True,
    "Borough (Georgraphy Not Known)": True,  # the publisher's spelling, 2026 on
    "Borough (Geography Not Known)": True,
    "Safer Neighbourhood Teams": False,
    "Safer Neighbourhood Teams (Georgraphy Not Known)": False,
    "Safer Neighbourhood Teams (Geography Not Known)": False,
}
UNKNOWN_AREA_CODE = "-1"
REQUIRED = ["month_year", "area_type", "borough_snt", "area_name", "area_code", "crime_type", "crime_subtype", "measure", "count"]
FIRST_MONTH = "2008-01"
#: Offences or victims of one subtype in one borough in one month: far above any real count.
MAX_COUNT = 10_000
MONTH_FORMATS = ["%Y-%m-%d", "%Y-%m", "%d/%m/%Y", "%b-%y", "%b %Y", "%Y%m"]


def read_knife_file(path: Path) -> pd.DataFrame:
    """The raw table with normalised headers, from CSV or parquet."""
    path = Path(path)
    table = read_parquet_table(path) if path.suffix == ".parquet" else read_csv_as_text(path)
    table.columns = [normalise_header(c) for c in table.columns]
    require_columns(table, REQUIRED, path, "MPS Monthly Crime Dashboard knife")
    return table


def months_in(path: Path) -> pd.Series:
    """The distinct months a knife file holds, from its month column alone (for choosing a vintage);
    its header must have the knife layout, and every month must parse."""
    months = read_distinct_as_text(path, ["month_year"], REQUIRED, "MPS Monthly Crime Dashboard knife")["month_year"]
    return parse_months(months, path, "Month_Year", MONTH_FORMATS, FIRST_MONTH)


def load_knife_crime(path: Path, lookup: BoroughLookup) -> pd.DataFrame:
    """Zero-filled monthly knife-crime counts by borough (see module doc for the schema)."""
    table = read_knife_file(path)
    knife = table[table["crime_type"].astype("string").str.strip() == "Knife Crime"]
    area_type = knife["area_type"].astype("string").str.strip()
    unknown_types = sorted(set(area_type.fillna("<blank>").unique()) - set(AREA_TYPES))
    if unknown_types:
        position = int((~area_type.isin(list(AREA_TYPES))).to_numpy().argmax())
        raise SourceError(
            path, f"row {int(knife.index[position]) + 1}: unknown area type {unknown_types[0]!r}; expected one of {sorted(AREA_TYPES)}", "Area Type"
        )
    boroughs = knife[area_type.map(AREA_TYPES).astype(bool).to_numpy()]
    if boroughs.empty:
        raise SourceError(path, "no borough-level rows with Crime Type 'Knife Crime'", "Area Type")
    not_known = (boroughs["area_type"].astype("string").str.strip() != "Borough") | (
        boroughs["area_code"].astype("string").str.strip() == UNKNOWN_AREA_CODE
    )
    text_key = ["month_year", "borough_snt", "area_name", "area_code", "crime_subtype", "measure"]
    reject_duplicates(boroughs.astype({c: "string" for c in text_key}), text_key, path)
    subtype = map_labels(boroughs["crime_subtype"], dict(zip(SUBTYPES, SUBTYPES)), path, "Crime Subtype").astype("string")
    measure = map_labels(boroughs["measure"], dict(zip(MEASURES, MEASURES)), path, "Measure").astype("string")
    tidy = pd.DataFrame(
        {
            "month": parse_months(boroughs["month_year"], path, "Month_Year", MONTH_FORMATS, FIRST_MONTH),
            "borough_code": lookup.codes_for_labels(boroughs["borough_snt"].where(~not_known, "Other / NK"), path, "Borough_SNT"),
            "subtype": subtype,
            "measure": measure,
            "count": parse_counts(boroughs["count"], path, "Count", MAX_COUNT),
        }
    )
    summed = tidy.groupby(["month", "borough_code", "subtype", "measure"], observed=True)["count"].sum()
    area_codes = [*lookup.boroughs["borough_code"], NOT_ASSIGNED_CODE]
    return zero_fill(summed, area_codes, path)


def zero_fill(summed: pd.Series, area_codes: list[str], path: Path) -> pd.DataFrame:
    """Every month in range x every area x (subtype, measure) pair the source uses, absent = 0."""
    months = summed.index.get_level_values("month")
    all_months = pd.date_range(months.min(), months.max(), freq="MS")
    if len(all_months) != months.nunique():
        missing = sorted(set(all_months) - set(months))
        raise SourceError(path, f"no rows at all for month(s) {[m.strftime('%Y-%m') for m in missing[:3]]}", "Month_Year")
    pairs = summed.index.droplevel(["month", "borough_code"]).unique()
    full = pd.MultiIndex.from_tuples(
        [(m, c, s, me) for m in all_months for c in sorted(area_codes) for s, me in pairs],
        names=summed.index.names,
    )
    filled = summed.reindex(full, fill_value=0).reset_index()
    filled["month"] = filled["month"].astype("datetime64[ns]")
    return filled.astype({"borough_code": "string", "subtype": "string", "measure": "string", "count": "int64"})
