"""What the project's own code is measured against: plain reads of the same files, and DuckDB
doing the stop-search loader's parse and count. Each function runs in a child process
started by benchmarks/__main__.py, which reads its time and peak memory."""

from __future__ import annotations

import json
from pathlib import Path


def read_plainly(paths: list[str]) -> int:
    """Read each file the fastest plain way: pyarrow for CSV and parquet, python-calamine for
    spreadsheets, json for GeoJSON and JSON; no checks, no tidying. Returns rows read."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from python_calamine import CalamineWorkbook

    rows = 0
    for name in paths:
        path = Path(name)
        if path.suffix == ".csv":
            rows += pacsv.read_csv(path).num_rows
        elif path.suffix == ".parquet":
            rows += pq.read_table(path).num_rows
        elif path.suffix in (".xlsx", ".ods"):
            book = CalamineWorkbook.from_path(path)
            rows += sum(len(book.get_sheet_by_name(sheet).to_python()) for sheet in book.sheet_names)
        else:
            rows += len(json.loads(path.read_bytes()))
    return rows


def write_stop_search_csv(path: Path, rows: int, distinct_points: int = 100_000, month: str = "2024-11") -> None:
    """A synthetic month (``month``, 'YYYY-MM') in the data.police.uk archive CSV layout with realistic values.

    data.police.uk publishes each search at one of a fixed set of anonymised map points,
    so coordinates repeat; ``distinct_points`` sets how many. Written in chunks so that
    10 million rows fit in memory.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(1)
    pool = min(distinct_points, rows)
    pool_lat, pool_lon = rng.uniform(51.30, 51.68, pool).round(6), rng.uniform(-0.50, 0.30, pool).round(6)
    choices = {
        "Type": ["Person search", "Person and Vehicle search"],
        "Part of a policing operation": ["True", "False"],
        "Policing operation": [""],
        "Gender": ["Male", "Female"],
        "Age range": ["10-17", "18-24", "25-34", "over 34"],
        "Self-defined ethnicity": ["White - English/Welsh/Scottish/Northern Irish/British", "Black/African/Caribbean/Black British - African"],
        "Officer-defined ethnicity": ["White", "Black", "Asian"],
        "Legislation": ["Police and Criminal Evidence Act 1984 (section 1)", "Misuse of Drugs Act 1971 (section 23)"],
        "Object of search": ["Controlled drugs", "Offensive weapons", "Stolen goods", "Firearms", "Anything to threaten or harm anyone"],
        "Outcome": ["A no further action disposal", "Arrest", "Community resolution", "Summons / charged by post"],
        "Outcome linked to object of search": ["True", "False", ""],
        "Removal of more than just outer clothing": ["False"],
    }
    start = np.datetime64(f"{month}-01T00:00:00")
    with path.open("wb") as sink:
        writer = None
        for first in range(0, rows, 1_000_000):
            size = min(1_000_000, rows - first)
            point = rng.integers(0, pool, size)
            located = rng.random(size) < 0.97
            when = (start + rng.integers(0, 30 * 86400, size).astype("timedelta64[s]")).astype(str)
            columns = {
                "Type": None,
                "Date": pa.array(np.char.add(when, "+00:00")),
                "Latitude": pa.array(np.where(located, pool_lat[point], np.nan), from_pandas=True),
                "Longitude": pa.array(np.where(located, pool_lon[point], np.nan), from_pandas=True),
            }
            table = pa.table(
                {
                    name: columns.get(name)
                    if columns.get(name) is not None
                    else pa.array(np.asarray(choices[name])[rng.integers(0, len(choices[name]), size)])
                    for name in ["Type", "Date", *list(choices)[1:3], "Latitude", "Longitude", *list(choices)[3:]]
                }
            )
            if writer is None:
                writer = pacsv.CSVWriter(sink, table.schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()


def count_with(engine: str, paths: list[str], raw_dir: str):
    """Returns a callable that parses stop-search month files and counts searches by month x
    borough with ``engine``: "loader" (loaders.stop_search, the files parsed together as the
    build does), "duckdb", or "pyarrow" (read only). The setup (imports, borough shapes) happens
    before the callable is returned."""
    from loaders.build import geography_from_raw

    locator = geography_from_raw(Path(raw_dir)).locator
    if engine == "loader":
        from loaders.stop_search import load_month_files, read_month_columns

        def with_loader():
            records = load_month_files({Path(path): read_month_columns(Path(path)) for path in paths}, locator)
            return records.groupby(["month", "borough_code"], observed=True).size()

        return with_loader
    if engine == "pyarrow":
        import pyarrow.csv as pacsv

        return lambda: sum(pacsv.read_csv(path).num_rows for path in paths)
    import duckdb
    import pandas as pd

    def with_duckdb():
        connection = duckdb.connect()
        connection.execute(
            "CREATE TABLE searches AS SELECT * FROM read_csv(?, header = true, auto_detect = true, "
            "types = {'Date': 'TIMESTAMPTZ', 'Latitude': 'DOUBLE', 'Longitude': 'DOUBLE'})",
            [paths],
        )
        points = connection.execute("SELECT DISTINCT Longitude, Latitude FROM searches WHERE Latitude IS NOT NULL AND Longitude IS NOT NULL").df()
        points["borough"] = locator.codes(points["Longitude"].to_numpy(), points["Latitude"].to_numpy()).astype(str)
        connection.register("points", points)
        counts = connection.execute(
            "SELECT date_trunc('month', Date AT TIME ZONE 'Europe/London') AS month, coalesce(p.borough, 'UNASSIGNED') AS borough, count(*) AS searches "
            "FROM searches s LEFT JOIN points p USING (Longitude, Latitude) GROUP BY ALL"
        ).df()
        connection.close()
        return pd.DataFrame(counts)

    return with_duckdb
