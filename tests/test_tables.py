"""Tables on screen and in CSV files: what a reader and an analyst get."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

from indicators.areas import Area
from indicators.export import export_table
from indicators.snapshot import Snapshot
from indicators.tables import csv_bytes, for_screen


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_counts_are_integers_missing_values_empty_and_rates_carry_their_unit():
    rows = rows_of(csv_bytes(export_table(Snapshot.load(), Area("London", "London"), "fy")))
    headline = {r["period"]: r for r in rows if r["measure"] == "knife_injury_victims_under_25_non_da"}
    assert headline["FY2024/25"]["value"] == "1224"  # not 1224.0
    assert headline["FY2021/22"]["value"] == ""  # not fully covered: empty, not 'nan' or 'None'
    assert headline["FY2024/25"]["rate_unit"] == "per 100,000 residents of the ages counted" and float(headline["FY2024/25"]["rate_per_100k"]) > 0
    assert headline["FY2021/22"]["rate_unit"] == ""


def test_csv_neutralises_text_a_spreadsheet_would_run():
    table = pd.DataFrame({"figure": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain", None], "value": [1.0, 2.0, math.inf, None, 5.0, 6.0]})
    rows = rows_of(csv_bytes(table))
    assert [r["figure"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "plain", ""]
    assert [r["value"] for r in rows] == ["1", "2", "", "", "5", "6"]  # inf is no number


def test_screen_tables_read_well():
    table = pd.DataFrame({"rate_per_100k": [12.345, None], "months_with_data": [12, 3], "complete": [True, False], "value": [1224.0, float("nan")]})
    shown = for_screen(table)
    assert list(shown.columns) == ["Rate per 100,000 residents", "Months with data", "Complete", "Value"]
    assert shown.iloc[0].tolist() == ["12.35", "12", "yes", "1,224"]
    assert shown.iloc[1].tolist() == ["", "3", "no", ""]


def test_export_area_all_has_every_area(capsys):
    from indicators.__main__ import main
    from tests.test_app import NON_DA, snapshot_knife_total

    assert main(["export", "--area", "all", "--basis", "fy"]) == 0
    rows = rows_of(capsys.readouterr().out.encode())
    assert len({r["area"] for r in rows}) == 1 + 12 + 32
    hackney = next(
        r for r in rows if r["area"] == "Hackney" and r["measure"] == "knife_injury_victims_under_25_non_da" and r["period"] == "FY2024/25"
    )
    import datetime as dt

    assert int(hackney["value"]) == snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000012"})
    assert main(["export", "--area", "all", "--what", "verdicts"]) == 1  # refused clearly, not guessed
