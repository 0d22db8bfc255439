"""Checks at the boundary between a public file and the project.

Every problem in an input file is raised as one :class:`SourceError` that names
the file, the column (where there is one) and the problem in plain words.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loaders.errors import SourceError


def normalise_header(name: str) -> str:
    """'Month_Year' / 'Area Type' / ' Count ' -> 'month_year' / 'area_type' / 'count'."""
    return re.sub(r"[\s_]+", "_", str(name).strip().lstrip("\ufeff")).lower()


def read_csv_as_text(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV (with or without BOM) with every column as text.

    Empty cells become "". Raises SourceError for an empty file, bytes that are
    not UTF-8, or rows whose field count differs from the header's.
    """
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise SourceError(path, "the file is empty")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SourceError(path, f"not UTF-8 text (byte {err.start}: {raw[err.start : err.start + 1]!r}); wrong encoding?") from None
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(encoding="utf-8"),
            convert_options=pacsv.ConvertOptions(column_types=_all_text(raw), strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
        raise SourceError(path, f"not a well-formed CSV (truncated or damaged?): {err}") from None
    frame = table.to_pandas()
    if frame.empty:
        raise SourceError(path, "the file has a header but no rows")
    return frame


def _all_text(raw: bytes) -> dict[str, pa.DataType]:
    header = pacsv.read_csv(
        io.BytesIO(raw.split(b"\n", 1)[0] + b"\n"),
        read_options=pacsv.ReadOptions(encoding="utf-8"),
    ).column_names
    return {name: pa.string() for name in header}


def read_parquet_table(path: Path) -> pd.DataFrame:
    """Read a parquet file, its rows numbered from 0 in file order (an index pandas stored with it
    becomes a column, so that errors name file rows); a truncated or non-parquet file raises SourceError."""
    if Path(path).stat().st_size == 0:
        raise SourceError(path, "the file is empty")
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowInvalid, OSError) as err:
        raise SourceError(path, f"not a readable parquet file (truncated download?): {err}") from None
    if frame.empty:
        raise SourceError(path, "the file has no rows")
    return frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))


def read_header(path: Path, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """A CSV or parquet file's column names as written, each with its normalised name (see
    :func:`normalise_header`; ``aliases`` renames a normalised name), without reading its rows.
    An unreadable file raises SourceError."""
    path, aliases = Path(path), aliases or {}
    try:
        names = list(pq.read_schema(path).names if path.suffix == ".parquet" else _all_text(path.read_bytes()[:65_536]))
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as err:
        raise SourceError(path, f"not a readable file: {err}") from None
    return {name: aliases.get(normalise_header(name), normalise_header(name)) for name in names}


def read_distinct_as_text(
    path: Path, columns: list[str], layout_columns: list[str], layout: str, aliases: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The distinct rows of some columns of a CSV or parquet file as text, found by their normalised
    headers ('month_year' for 'Month_Year'; ``aliases`` renames a normalised header), without parsing
    the rest: enough to tell vintages of a source apart. Each row is indexed by the file row where it
    first occurs (0 = first), so that an error names that row. The header must hold every one of
    ``layout_columns`` (normalised); a missing column or an unreadable file raises SourceError."""
    path = Path(path)
    normalised = read_header(path, aliases)
    require_columns(pd.DataFrame(columns=list(normalised.values())), [*layout_columns, *columns], path, layout)
    wanted = [next(name for name in normalised if normalised[name] == column) for column in columns]
    try:
        if path.suffix == ".parquet":
            table = pq.read_table(path, columns=wanted)
        else:
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(encoding="utf-8"),
                convert_options=pacsv.ConvertOptions(include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string())),
            )
    except (pa.ArrowInvalid, OSError) as err:
        raise SourceError(path, f"not a readable file: {err}", columns[0]) from None
    rows = table.select(wanted).rename_columns(columns).append_column("row", pa.array(np.arange(table.num_rows)))
    distinct = rows.group_by(columns, use_threads=False).aggregate([("row", "min")]).sort_by("row_min").to_pandas()
    return distinct[columns].astype("string").set_axis(distinct["row_min"].to_numpy())


def require_columns(frame: pd.DataFrame, required: list[str], file: Path, layout: str) -> None:
    """Raise SourceError naming the first required column that is missing."""
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise SourceError(
            file,
            f"missing from the {layout} layout (columns found: {', '.join(map(str, frame.columns))})",
            column=missing[0],
        )


def row_of(values: pd.Series, bad: pd.Series | np.ndarray) -> int:
    """The file row (1 = the first row after the header) of the first ``bad`` value. Row numbers come
    from ``values``' index, which keeps the file's rows (0 = first) through filtering, as read."""
    return int(values.index[int(np.asarray(bad).argmax())]) + 1


def _whole_counts(values: pd.Series, maximum: int) -> tuple[pd.Series, pd.Series]:
    """``values`` as float64 numbers, and where they are not whole counts from 0 to ``maximum``."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):  # parquet: already numbers
        numbers = values.astype("float64")
    else:
        text = values.astype("string").str.replace(",", "", regex=False).str.strip()
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers, ~np.isfinite(numbers) | (numbers < 0) | (numbers % 1 != 0) | (numbers > maximum)


def parse_counts(values: pd.Series, file: Path, column: str, maximum: int) -> pd.Series:
    """Whole counts from 0 to ``maximum`` (a bound no real value of the source reaches) as int64;
    blanks, text, fractions, infinities and absurd values raise SourceError naming the row.

    Thousands separators ("8,945,309") are accepted.
    """
    numbers, bad = _whole_counts(values, maximum)
    if bad.any():
        raise SourceError(
            file,
            f"row {row_of(values, bad)}: {values[bad.to_numpy()].iloc[0]!r} is not a whole count from 0 to {maximum:,}",
            column=column,
        )
    return numbers.astype("int64")


def parse_count_columns(frame: pd.DataFrame, file: Path, maximum: int) -> np.ndarray:
    """Every column of a wide ``frame`` as whole counts (as :func:`parse_counts`), one pass over all
    cells: an int64 array of rows x columns. A bad cell raises SourceError naming its column and its
    row, numbered from the frame's index (as read, 0 is the file's first row)."""
    same_kind = all(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype) for dtype in frame.dtypes)
    cells = pd.Series(frame.to_numpy(dtype="float64" if same_kind else object).ravel(order="F"))
    numbers, bad = _whole_counts(cells if same_kind else cells.astype("string"), maximum)
    if bad.any():
        row, column = divmod(int(bad.to_numpy().argmax()), len(frame))[::-1]
        raise SourceError(
            file,
            f"row {frame.index[row] + 1}: {frame.iloc[row, column]!r} is not a whole count from 0 to {maximum:,}",
            column=str(frame.columns[column]),
        )
    return numbers.to_numpy(dtype="int64").reshape(frame.shape, order="F")


def parse_months(values: pd.Series, file: Path, column: str, formats: list[str], earliest: str) -> pd.Series:
    """First day of each month as datetime64; the first format that parses every row wins.
    A month before ``earliest`` (the source's first month, 'YYYY-MM') or after the current
    month raises SourceError naming the row."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if values.isna().any():
            raise SourceError(file, "blank date", column=column)
        return check_months(values.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"), values, file, column, earliest)
    text = values.astype("string").str.strip()
    for fmt in formats:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if parsed.notna().all():
            return check_months(parsed.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]"), values, file, column, earliest)
    unparsed = pd.to_datetime(text, format=formats[0], errors="coerce").isna().to_numpy()
    raise SourceError(
        file,
        f"row {row_of(values, unparsed)}: {values[unparsed].iloc[0]!r} is not a month (expected e.g. {', '.join(formats)})",
        column=column,
    )


def check_months(months: pd.Series, values: pd.Series, file: Path, column: str, earliest: str) -> pd.Series:
    """months, unless one lies before ``earliest`` or after the current month (then SourceError naming the row)."""
    latest = pd.Timestamp.now().to_period("M").to_timestamp()
    outside = (months < pd.Timestamp(earliest)) | (months > latest)
    if outside.any():
        shown = values[outside.to_numpy()].iloc[0]
        raise SourceError(file, f"row {row_of(values, outside)}: {shown!r} is outside {earliest} to {latest:%Y-%m}", column=column)
    return months


def reject_duplicates(frame: pd.DataFrame, key: list[str], file: Path) -> None:
    """Raise SourceError if two rows are identical on every column in ``key``, naming the first such
    pair's file rows (from ``frame``'s index, as :func:`row_of`)."""
    duplicated = frame.duplicated(key, keep=False)
    if duplicated.any():
        group = frame.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
        pair = frame.index[group == group[int(duplicated.to_numpy().argmax())]][:2] + 1
        example = frame.loc[duplicated, key].iloc[0].to_dict()
        raise SourceError(
            file,
            f"rows {pair[0]} and {pair[1]} are duplicates ({int(duplicated.sum())} duplicate rows in all), e.g. {example}",
            column=", ".join(key),
        )


def map_labels(values: pd.Series, mapping: Mapping[str, object], file: Path, column: str) -> pd.Series:
    """Map source labels through ``mapping``; an unknown or blank label raises SourceError naming
    the first row holding one (see :func:`row_of`)."""
    text = values.astype("string").str.strip()
    unknown = sorted(set(text.dropna().unique()) - set(mapping))
    if unknown or text.isna().any():
        shown = unknown[:5] or ["<blank>"]
        first = row_of(values, ~text.isin(list(mapping)).fillna(False).to_numpy())
        raise SourceError(file, f"row {first}: unknown value(s) {shown}; expected one of {sorted(mapping)}", column=column)
    return text.map(mapping)
