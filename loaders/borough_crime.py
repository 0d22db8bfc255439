"""MPS recorded crime by borough (London Datastore "MPS Recorded Crime: Geographic
Breakdown", CKAN id exy3m): resources "Borough Level Crime" (most recent 24 months) and
"Borough Level Crime (Historical)".

Wide files (one column per month, ``YYYYMM``) become one long frame of **offences**
recorded per month. The historical file comes from the MPS's old CRIS recording system;
the recent one from CONNECT, which the MPS switched to in late February 2024. Where the
two files overlap, the recent (CONNECT) file wins.

Schema of :func:`load_borough_crime`:
    month              datetime64[ns]  first day of the recorded month
    borough_code       string          GSS code, or "UNASSIGNED" (source "Unknown", airports)
    major_category     string          e.g. "VIOLENCE AGAINST THE PERSON"
    minor_category     string          e.g. "HOMICIDE", "POSSESSION OF WEAPONS"
    offences           int64
    recording_system   string          "CRIS" (historical file) or "CONNECT" (recent file)
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.errors import SourceError
from loaders.geography import BoroughLookup
from loaders.validation import (
    check_months,
    normalise_header,
    parse_counts,
    read_csv_as_text,
    read_parquet_table,
    reject_duplicates,
    require_columns,
)

FILE_PATTERNS = ["homicide/*borough_level_crime*.parquet", "homicide/*borough_level_crime*.csv"]
KEY = ["majortext", "minortext", "boroughname"]
#: Offences of one category in one borough in one month: far above any real count.
MAX_OFFENCES = 100_000
FIRST_MONTH = "2008-01"


def recording_system_of(path: Path) -> str:
    """'CRIS' for the historical file, 'CONNECT' for the recent 24-month file (by file name)."""
    return "CRIS" if "historical" in Path(path).name.lower() else "CONNECT"


def load_borough_crime_file(path: Path, lookup: BoroughLookup) -> pd.DataFrame:
    """One wide file (CSV or parquet) as the long frame described in the module doc."""
    path = Path(path)
    table = read_parquet_table(path) if path.suffix == ".parquet" else read_csv_as_text(path)
    table.columns = [normalise_header(c) for c in table.columns]
    require_columns(table, KEY, path, "Borough Level Crime")
    month_columns = [c for c in table.columns if re.fullmatch(r"\d{6}", c)]
    if not month_columns:
        raise SourceError(path, "no month columns named YYYYMM (e.g. 202403)", "YYYYMM")
    odd = [c for c in table.columns if c not in KEY and c not in month_columns]
    if odd:
        raise SourceError(path, "unexpected column; expected MajorText, MinorText, BoroughName and YYYYMM months", odd[0])
    text = table[KEY].astype("string").apply(lambda s: s.str.strip())
    reject_duplicates(text, KEY, path)
    long = text.join(table[month_columns]).melt(id_vars=KEY, var_name="yyyymm", value_name="offences")
    months = pd.to_datetime(long["yyyymm"], format="%Y%m", errors="coerce")
    if months.isna().any():
        raise SourceError(path, "is not a valid YYYYMM month", long.loc[months.isna(), "yyyymm"].iloc[0])
    check_months(months, long["yyyymm"], path, "YYYYMM month columns", FIRST_MONTH)
    return pd.DataFrame(
        {
            "month": months.astype("datetime64[ns]"),
            "borough_code": lookup.codes_for_labels(long["boroughname"], path, "BoroughName"),
            "major_category": long["majortext"],
            "minor_category": long["minortext"],
            "offences": parse_counts(long["offences"], path, "YYYYMM month columns", MAX_OFFENCES),
            "recording_system": recording_system_of(path),
        }
    ).astype({"recording_system": "string"})


def load_borough_crime(paths: list[Path], lookup: BoroughLookup) -> pd.DataFrame:
    """Historical and recent files joined; on overlapping months the CONNECT file wins.

    Rows are summed to month x area x category (the "Unknown" and airport rows both
    become UNASSIGNED).
    """
    frames = [load_borough_crime_file(p, lookup) for p in paths]
    combined = pd.concat(frames, ignore_index=True)
    connect_months = set(combined.loc[combined.recording_system == "CONNECT", "month"])
    superseded = (combined.recording_system == "CRIS") & combined.month.isin(connect_months)
    key = ["month", "borough_code", "major_category", "minor_category", "recording_system"]
    return combined[~superseded].groupby(key, observed=True, as_index=False)["offences"].sum().sort_values(key).reset_index(drop=True)
