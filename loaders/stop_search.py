"""Stop and search by the Metropolitan Police, from data.police.uk (Home Office, OGL v3.0).

Two layouts become the same frame:
- the monthly archive CSV ``YYYY-MM-metropolitan-stop-and-search.csv``;
- the API's JSON (``/api/stops-force?force=metropolitan&date=YYYY-MM``), saved as ``YYYY-MM.json``.

Definitions used throughout the project:
- ``positive_outcome``: any outcome other than a no-further-action disposal
  ("A no further action disposal"; older files "Nothing found - no further action").
  A blank outcome is not positive.
- ``arrest``: outcome "Arrest" (older files "Suspect arrested").
- ``weapons_search``: object of search "Offensive weapons", "Firearms" or "Anything to
  threaten or harm anyone", or any search under section 60 of the Criminal Justice and
  Public Order Act 1994 (whatever its object).
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
    positive_outcome, arrest, weapons_search   bool
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

from loaders.geography import PointLocator
from loaders.validation import (
    SourceError,
    parse_counts,
    parse_months,
    read_csv_as_text,
    reject_duplicates,
    require_columns,
)

CSV_PATTERN = "stop_search/**/*-metropolitan-stop-and-search.csv"
API_JSON_PATTERN = "stop_search/police_uk_api/*.json"

NO_FURTHER_ACTION = {"A no further action disposal", "Nothing found - no further action"}
ARREST = {"Arrest", "Suspect arrested"}
WEAPON_OBJECTS = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
SECTION_60 = "section 60"

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


def read_archive_csv(path: Path) -> dict[str, object]:
    """The archive CSV's columns, all as text, keyed by our column names."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SourceError(path, "the file is empty")
    try:
        header = pacsv.read_csv(io.BytesIO(path.open("rb").readline())).column_names
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise SourceError(path, f"unreadable header: {err}") from None
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise SourceError(path, f"missing from the data.police.uk stop-and-search layout (found: {header})", missing[0])
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=list(CSV_COLUMNS),
                column_types={name: pa.string() for name in CSV_COLUMNS},
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise SourceError(path, f"not a well-formed UTF-8 CSV (truncated or damaged?): {err}") from None
    if table.num_rows == 0:
        raise SourceError(path, "the file has a header but no rows")
    return {CSV_COLUMNS[name]: table.column(name) for name in CSV_COLUMNS}


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
    if not pc.all(pc.fill_null(good, False)).as_py():
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
    outcome = frame["outcome"]
    frame["positive_outcome"] = (outcome.notna() & ~outcome.isin(NO_FURTHER_ACTION)).to_numpy(dtype=bool)
    frame["arrest"] = outcome.isin(ARREST).to_numpy(dtype=bool)
    legislation = frame["legislation"].cat.categories
    section_60 = legislation[legislation.str.lower().str.contains(SECTION_60, regex=False)]
    frame["weapons_search"] = (frame["object_of_search"].isin(WEAPON_OBJECTS) | frame["legislation"].isin(section_60)).to_numpy(dtype=bool)
    return frame


def load_stop_search(path: Path, locator: PointLocator) -> pd.DataFrame:
    """One month file (archive CSV or API JSON) as the typed frame of the module doc."""
    path = Path(path)
    columns = read_api_json(path) if path.suffix == ".json" else read_archive_csv(path)
    return tidy_stop_search(columns, path, locator)


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
            "month": parse_months(table["month"], path, "month", ["%Y-%m-%d", "%Y-%m"]),
            "object_of_search": table["object_of_search"].str.strip().astype("string"),
            "searches": parse_counts(table["count"], path, "count"),
        }
    )
