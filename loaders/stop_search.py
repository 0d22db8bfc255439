"""Stop and search by the Metropolitan Police, from data.police.uk (Home Office, OGL v3.0).

Two layouts become the same frame:
- the monthly archive CSV ``YYYY-MM-metropolitan-stop-and-search.csv``;
- the API's JSON (``/api/stops-force?force=metropolitan&date=YYYY-MM``), saved as ``YYYY-MM.json``.

A third layout, a third party's cleaned copy (``YYYY-MM_stop_and_search_cleaned.csv``,
GitHub MuhammadIbneRafiq/dc2-33), holds the Met's **and** the City of London Police's
records with exact duplicates removed and four columns dropped (operation, both
ethnicities). :func:`load_month_files` reads it and removes the City's records as its
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
from dataclasses import dataclass
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


def read_archive_csv(path: Path, headers: dict[str, str] = CSV_COLUMNS, allow_empty: bool = False) -> dict[str, pa.ChunkedArray]:
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


def read_api_json(path: Path) -> dict[str, pa.ChunkedArray]:
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
    return {name: pa.chunked_array([[None if v is None else str(v) for v in values]], pa.string()) for name, values in columns.items()}


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


@dataclass(frozen=True)
class RowOrigin:
    """Which file and row each position of month files read one after another came from,
    so that an error found in the combined columns still names its file and row."""

    paths: tuple[Path, ...]
    rows: tuple[int, ...]

    @property
    def file_of_row(self) -> np.ndarray:
        """Index into ``paths`` of each combined row."""
        return np.repeat(np.arange(len(self.paths)), self.rows)

    def error(self, position: int, problem: str, column: str) -> SourceError:
        """SourceError for the combined row ``position`` (0-based), naming its file and row (1-based)."""
        file = int(np.searchsorted(np.cumsum(self.rows), position, side="right"))
        return SourceError(self.paths[file], f"row {position - sum(self.rows[:file]) + 1}: {problem}", column)


EARLIEST, LATEST = pd.Timestamp("2005-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC")


def _to_datetime(column: pa.ChunkedArray, origin: RowOrigin) -> pd.Series:
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
        raise origin.error(position, f"{column[position].as_py()!r} is not a date-time between 2005 and 2099", "Date")
    return pd.Series(parsed.to_pandas()).astype("datetime64[ns, UTC]")


def _to_float(column: pa.ChunkedArray, origin: RowOrigin, name: str) -> np.ndarray:
    """Blank cells become NaN; anything else that is not a number raises SourceError."""
    try:
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        text = pd.Series(column.to_pandas(), dtype="string").str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() & text.fillna("").ne("")
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise origin.error(position, f"{text.iloc[position]!r} is not a number", name) from None
        return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _to_bool(values: pd.Categorical, origin: RowOrigin, column: str, nullable: bool) -> pd.Series | np.ndarray:
    """'True'/'False' in any case; blanks are missing (nullable) or False."""
    lower = values.categories.str.lower()
    unknown = [c for c, low in zip(values.categories, lower) if low not in ("true", "false")]
    if unknown:
        raise origin.error(int(np.asarray(values.isin(unknown)).argmax()), f"{unknown[0]!r} is not True/False", column)
    truth = np.append(np.asarray(lower == "true"), False)[values.codes]  # code -1 (missing) -> False
    if nullable:
        return pd.arrays.BooleanArray(truth, values.codes == -1)
    return truth


def tidy_stop_search(columns: dict[str, pa.ChunkedArray], origin: RowOrigin, locator: PointLocator) -> pd.DataFrame:
    """Turn raw text columns (either layout; the rows of ``origin``'s files one after
    another) into the typed frame of the module doc.

    Dates and numbers are parsed by pyarrow; text columns are dictionary-encoded and
    cleaned per distinct value. A value that does not parse raises SourceError naming its
    file and row.
    """
    when = _to_datetime(columns["datetime"], origin)
    latitude = _to_float(columns["latitude"], origin, "Latitude")
    longitude = _to_float(columns["longitude"], origin, "Longitude")
    file_months = pd.DatetimeIndex([month_of_file(path) for path in origin.paths])
    month = pd.Series(file_months[origin.file_of_row], index=when.index)
    if month.isna().any():  # a file name without a month: the month of the search, London time
        month = month.fillna(when.dt.tz_convert("Europe/London").dt.tz_localize(None).dt.to_period("M").dt.to_timestamp())
    frame = pd.DataFrame({"datetime": when, "month": month.astype("datetime64[ns]")})
    for name in CATEGORY_COLUMNS:
        frame[name] = _category(columns[name])
    frame["outcome_linked_to_object"] = _to_bool(_category(columns["outcome_linked_to_object"]), origin, "Outcome linked to object of search", True)
    frame["operation"] = _to_bool(_category(columns["operation"]), origin, "Part of a policing operation", False)
    frame["latitude"] = latitude
    frame["longitude"] = longitude
    frame["borough_code"] = locator.codes(longitude, latitude)
    frame["located"] = ~(np.isnan(latitude) | np.isnan(longitude))
    return frame


DEDUP_PATTERN = "stop_search/derived_third_party_dc2-33_metpluscol_dedup*/*_stop_and_search_cleaned.csv"
#: Columns the cleaned copy dropped: they become "not in this copy".
DEDUP_DROPPED = ["Part of a policing operation", "Self-defined ethnicity", "Officer-defined ethnicity"]
NOT_IN_COPY = "not in this copy"


def is_dedup_copy(path: Path) -> bool:
    """True for a month file of the cleaned third-party copy."""
    return Path(path).match(DEDUP_PATTERN.split("/")[-1])


def read_month_columns(path: Path) -> dict[str, pa.ChunkedArray]:
    """One month file's columns as text, whichever of the three layouts it is in; the cleaned
    copy's dropped columns are filled ("not in this copy"; operation False)."""
    path = Path(path)
    if path.suffix == ".json":
        return read_api_json(path)
    if is_dedup_copy(path):
        columns = read_archive_csv(path, {header: name for header, name in CSV_COLUMNS.items() if header not in DEDUP_DROPPED}, allow_empty=True)
        rows = len(columns["datetime"])
        for header in DEDUP_DROPPED:
            columns[CSV_COLUMNS[header]] = pa.chunked_array(
                [["false" if header == "Part of a policing operation" else NOT_IN_COPY] * rows], pa.string()
            )
        return columns
    return read_archive_csv(path)


def load_month_files(files: dict[Path, dict[str, pa.ChunkedArray]], locator: PointLocator) -> pd.DataFrame:
    """Month files' columns (from :func:`read_month_columns`), parsed together into the typed
    frame of the module doc, without the City of London Police's records of the cleaned copy.

    Parsing the months as one table costs one pass of pandas' fixed per-call overhead, not one
    per file (23 files: ~0.9 s one by one). The cleaned copy mixes the Met and the City of
    London Police with no force column. Where most of a month's rows leave "Outcome linked to
    object of search" empty (the Met did until its move to CONNECT), rows that fill it are the
    City's; in months where both forces fill it, rows inside the City of London's boundary are
    taken as the City's. Both rules are approximate (the copy's SOURCES.md gives the evidence).
    """
    origin = RowOrigin(tuple(files), tuple(len(columns["datetime"]) for columns in files.values()))
    combined = {
        name: pa.chunked_array([chunk for columns in files.values() for chunk in columns[name].chunks], pa.string()) for name in CSV_COLUMNS.values()
    }
    records = tidy_stop_search(combined, origin, locator)
    file_of_row = origin.file_of_row
    linked_filled = records["outcome_linked_to_object"].notna().to_numpy()
    share_filled = np.bincount(file_of_row, linked_filled, len(files)) / np.maximum(origin.rows, 1)
    from_copy = np.array([is_dedup_copy(path) for path in files], dtype=bool)[file_of_row]
    both_fill = (share_filled >= 0.5)[file_of_row]
    city = from_copy & ~both_fill & linked_filled
    if (from_copy & both_fill).any():
        city |= from_copy & both_fill & locator.in_city_of_london(records["longitude"].to_numpy(), records["latitude"].to_numpy())
    return records[~city].reset_index(drop=True)


def load_stop_search(path: Path, locator: PointLocator) -> pd.DataFrame:
    """One month file (any of the three layouts) as the typed frame of the module doc."""
    return load_month_files({Path(path): read_month_columns(path)}, locator)


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
