"""ONS "Police force area data tables" (Crime in England and Wales), any edition.

Two tables are read, for the Metropolitan Police (area code ``E23000001``) only:
- Table P1, column "Homicide": homicide offences in the main police recorded crime
  collection;
- Table P5, column "Homicide offences involving a knife": from the Home Office
  Homicide Index (as at early March of the following year).
Both count **offences, not victims**, over the 12 months of the edition's year
(ending December gives a calendar year; ending March gives a financial year). Neither
has ages or boroughs.

Layout tolerated: sheet names with trailing spaces (``'Table P5 '``); the header row is
the row whose first cell is ``Area Code``; header cells with line breaks and
``[note n]`` markers; area names with trailing spaces and notes. The year is read from
the table's title ("year ending December 2024").

Schema of :func:`load_ons_pfa`:
    year_ending   datetime64[ns]  first day of the last month of the 12 months covered
    area_code     string          E23000001
    measure       string          one of MEASURES
    offences      int64
    edition       string          e.g. "year ending December 2024"
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.errors import SourceError

FILE_PATTERN = "homicide/*pfa*tables*.xlsx"
MET_CODE = "E23000001"
HOMICIDE_OFFENCES = "Homicide offences"
KNIFE_HOMICIDE_OFFENCES = "Homicide offences involving a knife"
#: sheet -> (measure, the header the column starts with once line breaks and notes are removed)
TABLES = {
    "Table P1": (HOMICIDE_OFFENCES, "homicide"),
    "Table P5": (KNIFE_HOMICIDE_OFFENCES, "homicide offences involving a knife"),
}
MEASURES = [measure for measure, _ in TABLES.values()]
#: No force records anywhere near this many homicides in a year; a larger value is a misread column.
MAX_OFFENCES = 5_000
MONTHS = {name: number for number, name in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                                      "september", "october", "november", "december"], start=1)}  # fmt: skip


def _clean(cell: object) -> str:
    """'Homicide offences\\n involving a knife \\n [note 6]' -> 'homicide offences involving a knife'."""
    text = re.sub(r"\[[^\]]*\]", " ", str(cell))
    return " ".join(text.split()).lower()


def _sheet(workbook, wanted: str, path: Path) -> tuple[str, list[list[object]]]:
    for name in workbook.sheet_names:
        if name.strip() == wanted:
            return name, workbook.get_sheet_by_name(name).to_python()
    raise SourceError(path, f"no sheet named '{wanted}' (sheets: {[n.strip() for n in workbook.sheet_names]})")


def _year_ending(rows: list[list[object]], sheet: str, path: Path) -> tuple[pd.Timestamp, str]:
    for row in rows[:10]:
        found = re.search(r"year ending (\w+) (\d{4})", " ".join(str(c) for c in row if c), flags=re.IGNORECASE)
        if found and found.group(1).lower() in MONTHS:
            month = MONTHS[found.group(1).lower()]
            return pd.Timestamp(int(found.group(2)), month, 1), f"year ending {found.group(1).capitalize()} {found.group(2)}"
    raise SourceError(path, f"sheet '{sheet}': no 'year ending <Month> <year>' in the title rows")


def _met_value(rows: list[list[object]], sheet: str, header_start: str, path: Path) -> int:
    header_at = next((i for i, row in enumerate(rows) if row and _clean(row[0]) == "area code"), None)
    if header_at is None:
        raise SourceError(path, f"sheet '{sheet}': no header row whose first cell is 'Area Code'")
    header = [_clean(cell) for cell in rows[header_at]]
    column = next((i for i, name in enumerate(header) if name == header_start or name.startswith(header_start + " ")), None)
    if column is None or (header_start == "homicide" and header[column] != "homicide"):
        raise SourceError(path, f"sheet '{sheet}': no column '{header_start}' in the header row {header_at + 1}", header_start)
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if row and str(row[0]).strip() == MET_CODE:
            value = row[column] if column < len(row) else None
            if not isinstance(value, int | float) or value != value or value < 0 or value % 1 or value > MAX_OFFENCES:
                raise SourceError(path, f"sheet '{sheet}' row {number}: {value!r} is not a whole count between 0 and {MAX_OFFENCES:,}", header_start)
            return int(value)
    raise SourceError(path, f"sheet '{sheet}': no row for the Metropolitan Police ({MET_CODE})", "Area Code")


def load_ons_pfa(path: Path) -> pd.DataFrame:
    """The Met's homicide and knife-homicide offences from one edition (schema in the module doc)."""
    from python_calamine import CalamineError, CalamineWorkbook  # build-time only

    path = Path(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as err:
        raise SourceError(path, f"not a readable spreadsheet: {err}") from None
    rows = []
    for wanted, (measure, header_start) in TABLES.items():
        sheet, cells = _sheet(workbook, wanted, path)
        year_ending, edition = _year_ending(cells, sheet, path)
        rows.append(
            {
                "year_ending": year_ending,
                "area_code": MET_CODE,
                "measure": measure,
                "offences": _met_value(cells, sheet, header_start, path),
                "edition": edition,
            }
        )
    table = pd.DataFrame(rows)
    if table["year_ending"].nunique() != 1:
        raise SourceError(path, f"the tables cover different years: {sorted(table['edition'].unique())}")
    return table.astype({"year_ending": "datetime64[ns]", "area_code": "string", "measure": "string", "offences": "int64", "edition": "string"})
