"""Stop and search by the Metropolitan Police, from data.police.uk (Home Office, OGL v3.0).

Two layouts become the same frame:
- the monthly archive CSV ``YYYY-MM-metropolitan-stop-and-search.csv``;
- the API's JSON (``/api/stops-force?force=metropolitan&date=YYYY-MM``), saved as ``YYYY-MM.json``.

A third layout, a third party's cleaned copy (``YYYY-MM_stop_and_search_cleaned.csv``,
GitHub MuhammadIbneRafiq/dc2-33), holds the Met's **and** the City of London Police's
records with exact duplicates removed and four columns dropped (operation, both
ethnicities). :func:`load_dedup_copy` reads it and removes the City's records as its
SOURCES.md describes (approximately).

The snapshot keeps the categories data.police.uk publishes (legislation, object of
search, outcome, ...). What counts as a weapons search, a positive outcome or an arrest
is declared in the indicator layer (``indicators/figures.py``), not here.

- ``month``: the month of the file (data.police.uk's own assignment); when the file name
  carries no month, the month of the search in London local time.
- ``borough_code``: borough holding the published (anonymised, snapped-to-street)
  coordinates; "UNASSIGNED" when the search has no coordinates (``located`` False) or the
  point is outside the 32 boroughs.

Schema of :func:`load_stop_search`:
    datetime                   datetime64[ns, UTC]
    month                      datetime64[ns]
    type                       category   Person search / Person and Vehicle search / Vehicle search
    legislation                category
    object_of_search           category
    outcome                    category
    outcome_linked_to_object   boolean    (nullable: not recorded)
    age_range                  category
    gender                     category
    self_defined_ethnicity     category
    officer_defined_ethnicity  category
    operation                  bool
    latitude, longitude        float64    (NaN when not published)
    borough_code               category
    located                    bool
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loaders.errors import SourceError
from loaders.geography import PointLocator
from loaders.validation import (
    parse_counts,
    parse_months,
    read_csv_as_text,
    reject_duplicates,
    require_columns,
)

CSV_PATTERN = "stop_search/**/*-metropolitan-stop-and-search.csv"
API_JSON_PATTERN = "stop_search/police_uk/*.json"  # what a refresh writes (not the partial copies in the shared raw folder)

# CSV header -> our column name
CSV_COLUMNS = {
    "Type": "type",
    "Date": "datetime",
    "Part of a policing operation": "operation",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "Gender": "gender",
    "Age range": "age_range",
    "Self-defined ethnicity": "self_defined_ethnicity",
    "Officer-defined ethnicity": "officer_defined_ethnicity",
    "Legislation": "legislation",
    "Object of search": "object_of_search",
    "Outcome": "outcome",
    "Outcome linked to object of search": "outcome_linked_to_object",
}
CATEGORY_COLUMNS = [
    "type",
    "legislation",
    "object_of_search",
    "outcome",
    "age_range",
    "gender",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
]


def month_of_file(path: Path) -> pd.Timestamp | None:
    """2024-11 from '2024-11-metropolitan-stop-and-search.csv' or '2024-11.json'."""
    found = re.match(r"(\d{4})-(\d{2})", Path(path).name)
    return pd.Timestamp(int(found.group(1)), int(found.group(2)), 1) if found else None


def read_archive_csv(path: Path, headers: dict[str, str] = CSV_COLUMNS, allow_empty: bool = False) -> dict[str, object]:
    """The archive CSV's columns (``headers``: CSV header -> our name), all as text, keyed by
    our names; a header without rows is an error unless ``allow_empty``."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SourceError(path, "the file is empty")
    with path.open("rb") as handle:
        first_line = handle.readline()
    try:
        header = pacsv.read_csv(io.BytesIO(first_line)).column_names
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise SourceError(path, f"unreadable header: {err}") from None
    missing = [name for name in headers if name not in header]
    if missing:
        raise SourceError(path, f"missing from the data.police.uk stop-and-search layout (found: {header})", missing[0])
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=list(headers),
                column_types=dict.fromkeys(headers, pa.string()),
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise SourceError(path, f"not a well-formed UTF-8 CSV (truncated or damaged?): {err}") from None
    if table.num_rows == 0 and not allow_empty:
        raise SourceError(path, "the file has a header but no rows")
    return {headers[name]: table.column(name) for name in headers}


def read_api_json(path: Path) -> dict[str, object]:
    """The API's JSON array, flattened to the same columns as the archive CSV."""
    path = Path(path)
    try:
        records = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise SourceError(path, f"not UTF-8 text (byte {err.start}); wrong encoding?") from None
    except json.JSONDecodeError as err:
        raise SourceError(path, f"not valid JSON (truncated download?): {err.msg} at character {err.pos}") from None
    if not isinstance(records, list) or not records:
        raise SourceError(path, "expected a non-empty JSON array of stop-and-search records")
    json_keys = {value: value for value in CSV_COLUMNS.values()} | {"outcome_linked_to_object": "outcome_linked_to_object_of_search"}
    json_keys.pop("latitude"), json_keys.pop("longitude")
    columns: dict[str, list] = {name: [] for name in CSV_COLUMNS.values()}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise SourceError(path, f"record {number} is not an object")
        for name, key in json_keys.items():
            if key not in record:
                raise SourceError(path, f"record {number} has no '{key}' key", key)
            value = record[key]
            # Older API answers give outcome False for "nothing recorded".
            columns[name].append(None if value is None or (name == "outcome" and value in ("", False)) else value)
        location = record.get("location") or {}
        if not isinstance(location, dict):
            raise SourceError(
                path, f"record {number}: 'location' is {type(location).__name__}, not an object with latitude and longitude", "location"
            )
        columns["latitude"].append(location.get("latitude"))
        columns["longitude"].append(location.get("longitude"))
    columns["operation"] = ["true" if v is True else "false" if v in (False, None) else str(v) for v in columns["operation"]]
    columns["outcome_linked_to_object"] = [None if v is None else str(v).lower() for v in columns["outcome_linked_to_object"]]
    return {name: pa.array([None if v is None else str(v) for v in values], pa.string()) for name, values in columns.items()}


def _category(column: pa.ChunkedArray | pa.Array) -> pd.Categorical:
    """Dictionary-encode, then clean the (small) dictionary: trim spaces, blanks become missing."""
    raw = pc.dictionary_encode(column).to_pandas()
    raw = pd.Categorical(raw) if not isinstance(raw, pd.Categorical) else raw
    trimmed = raw.categories.astype(str).str.strip()
    if trimmed.duplicated().any():  # e.g. 'Arrest' and 'Arrest ': merge them
        raw = pd.Categorical(pd.Series(raw, dtype="string").str.strip())
    else:
        raw = raw.rename_categories(trimmed)
    return raw.remove_categories([""]) if "" in raw.categories else raw


EARLIEST, LATEST = pd.Timestamp("2005-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC")


def _to_datetime(column: pa.ChunkedArray, path: Path) -> pd.Series:
    """ISO 8601 date-times with a zone offset, as UTC; blanks, text and dates outside
    2005-2099 raise SourceError naming the row."""
    try:
        parsed = pc.cast(column, pa.timestamp("s", tz="UTC"))
        if parsed.null_count:
            raise pa.ArrowInvalid("blank")
    except pa.ArrowInvalid:  # no zone offset, spaces, blanks: let pandas try; failures become null
        text = pd.Series(column.to_pandas(), dtype="string").str.strip()
        parsed = pa.chunked_array([pa.array(pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce").dt.as_unit("s"))])
    bounds = pa.scalar(EARLIEST.to_pydatetime(), pa.timestamp("s", tz="UTC")), pa.scalar(LATEST.to_pydatetime(), pa.timestamp("s", tz="UTC"))
    good = pc.and_(pc.greater_equal(parsed, bounds[0]), pc.less(parsed, bounds[1]))
    if len(column) and not pc.all(pc.fill_null(good, False)).as_py():
        position = pc.index(pc.fill_null(good, False), False).as_py()
        value = column[position].as_py()
        raise SourceError(path, f"row {position + 1}: {value!r} is not a date-time between 2005 and 2099", "Date")
    return pd.Series(parsed.to_pandas()).astype("datetime64[ns, UTC]")


def _to_float(column: pa.ChunkedArray, path: Path, name: str) -> np.ndarray:
    """Blank cells become NaN; anything else that is not a number raises SourceError."""
    try:
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        text = pd.Series(column.to_pandas(), dtype="string").str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() & text.fillna("").ne("")
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise SourceError(path, f"row {position + 1}: {text.iloc[position]!r} is not a number", name) from None
        return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _to_bool(values: pd.Categorical, path: Path, column: str, nullable: bool) -> pd.Series | np.ndarray:
    """'True'/'False' in any case; blanks are missing (nullable) or False."""
    lower = values.categories.str.lower()
    unknown = [c for c, low in zip(values.categories, lower) if low not in ("true", "false")]
    if unknown:
        position = int(np.asarray(values.isin(unknown)).argmax())
        raise SourceError(path, f"row {position + 1}: {unknown[0]!r} is not True/False", column)
    truth = np.append(np.asarray(lower == "true"), False)[values.codes]  # code -1 (missing) -> False
    if nullable:
        return pd.arrays.BooleanArray(truth, values.codes == -1)
    return truth


def tidy_stop_search(columns: dict[str, pa.ChunkedArray | pa.Array], path: Path, locator: PointLocator) -> pd.DataFrame:
    """Turn raw text columns (either layout) into the typed frame of the module doc.

    Dates and numbers are parsed by pyarrow; text columns are dictionary-encoded and
    cleaned per distinct value. A value that does not parse raises SourceError naming its row.
    """
    columns = {name: pa.chunked_array([col]) if isinstance(col, pa.Array) else col for name, col in columns.items()}
    when = _to_datetime(columns["datetime"], path)
    latitude = _to_float(columns["latitude"], path, "Latitude")
    longitude = _to_float(columns["longitude"], path, "Longitude")
    file_month = month_of_file(path)
    month = (
        pd.Series(file_month, index=when.index)
        if file_month is not None
        else when.dt.tz_convert("Europe/London").dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    )
    frame = pd.DataFrame({"datetime": when, "month": month.astype("datetime64[ns]")})
    for name in CATEGORY_COLUMNS:
        frame[name] = _category(columns[name])
    frame["outcome_linked_to_object"] = _to_bool(_category(columns["outcome_linked_to_object"]), path, "Outcome linked to object of search", True)
    frame["operation"] = _to_bool(_category(columns["operation"]), path, "Part of a policing operation", False)
    frame["latitude"] = latitude
    frame["longitude"] = longitude
    frame["borough_code"] = locator.codes(longitude, latitude)
    frame["located"] = ~(np.isnan(latitude) | np.isnan(longitude))
    return frame


def load_stop_search(path: Path, locator: PointLocator) -> pd.DataFrame:
    """One month file (archive CSV or API JSON) as the typed frame of the module doc."""
    path = Path(path)
    columns = read_api_json(path) if path.suffix == ".json" else read_archive_csv(path)
    return tidy_stop_search(columns, path, locator)


DEDUP_PATTERN = "stop_search/derived_third_party_dc2-33_metpluscol_dedup*/*_stop_and_search_cleaned.csv"
#: Columns the cleaned copy dropped: they become "not in this copy".
DEDUP_DROPPED = ["Part of a policing operation", "Self-defined ethnicity", "Officer-defined ethnicity"]
NOT_IN_COPY = "not in this copy"


def load_dedup_copy(path: Path, locator: PointLocator) -> tuple[pd.DataFrame, int]:
    """The Met's records of one month of the cleaned third-party copy, and how many rows the
    month held before the City of London's were removed.

    The copy mixes the Met and the City of London Police with no force column. Where most
    of a month's rows leave "Outcome linked to object of search" empty (the Met did until
    its move to CONNECT), rows that fill it are the City's; in months where both forces
    fill it, rows inside the City of London's boundary are taken as the City's. Both rules
    are approximate (the copy's SOURCES.md gives the evidence).
    """
    path = Path(path)
    kept = {header: name for header, name in CSV_COLUMNS.items() if header not in DEDUP_DROPPED}
    columns = read_archive_csv(path, kept, allow_empty=True)
    rows = len(columns["datetime"])  # type: ignore[arg-type]  # a pyarrow array
    for header in DEDUP_DROPPED:
        columns[CSV_COLUMNS[header]] = pa.array(["false" if header == "Part of a policing operation" else NOT_IN_COPY] * rows, pa.string())
    records = tidy_stop_search(columns, path, locator)
    linked_filled = records["outcome_linked_to_object"].notna().to_numpy()
    if not len(linked_filled) or linked_filled.mean() < 0.5:
        city = linked_filled
    else:
        city = locator.in_city_of_london(records["longitude"].to_numpy(), records["latitude"].to_numpy())
    return records[~city].reset_index(drop=True), rows


THIRD_PARTY_PATTERN = "stop_search/derived_third_party_elliottkte/ss_monthly_search_type.csv"


def load_monthly_searches_by_object(path: Path) -> pd.DataFrame:
    """Third-party monthly counts of all searches by object of search (no outcomes, no areas).

    Derived by the public repository elliottkte/uk-crime-analysis from the complete
    data.police.uk CSVs; City of London Police searches are probably included (1-3%).

    Schema: month datetime64[ns], object_of_search string, searches int64.
    """
    table = read_csv_as_text(path)
    require_columns(table, ["month", "object_of_search", "count"], path, "monthly searches by object")
    reject_duplicates(table, ["month", "object_of_search"], path)
    return pd.DataFrame(
        {
            "month": parse_months(table["month"], path, "month", ["%Y-%m-%d", "%Y-%m"], "2010-01"),
            "object_of_search": table["object_of_search"].str.strip().astype("string"),
            "searches": parse_counts(table["count"], path, "count", 100_000),
        }
    )
