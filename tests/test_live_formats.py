"""The live sources' current formats (../shared/data/LIVE_FORMATS.md), built from the raw copies, give the
same figures as the older layouts; what is not recognised is refused, naming file, column and row."""

from __future__ import annotations

import csv
import io

import pytest

from loaders.errors import SourceError
from loaders.homicide_victims import load_homicide_victims
from loaders.knife_crime import load_knife_crime
from tests.conftest import KNIFE_CSV, VICTIMS_2020

NON_DA = "Knife Injury Victims (non DA 1-24)"
LIVE_KNIFE_HEADER = [
    "Month_Year",
    "Area Type",
    "Borough_SNT",
    "Area Name",
    "Area Code",
    "Crime Type",
    "Crime Subtype",
    "Measure",
    "Financial Year",
    "Count",
    "Refresh Date",
]


def knife_2026_layout(tmp_path, misspelt: bool = True):
    """The raw knife CSV rewritten as the 2026 file: 11 columns, not-known rows under their own area type
    (the publisher's misspelling) with area code -1 instead of Borough 'Other / NK', rows in no order."""
    with open(KNIFE_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LIVE_KNIFE_HEADER)
    for row in reversed(rows):
        area_type, name, code = row["area_type"], row["borough_snt"], row["area_code"]
        if area_type == "Borough" and name == "Other / NK":
            area_type, name, code = ("Borough (Georgraphy Not Known)" if misspelt else "Borough (Geography Not Known)"), "N/K", "-1"
        writer.writerow(
            [
                row["month_year"],
                area_type,
                name,
                row["area_name"],
                code,
                row["crime_type"],
                row["crime_subtype"],
                row["measure"],
                row["financial_year"],
                row["count"],
                "2026-08-18",
            ]
        )
    path = tmp_path / "M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def raw_london_total(subtype: str, first: str, last: str) -> int:
    """Every borough-level row, not-known included, from the raw CSV with the csv module."""
    with open(KNIFE_CSV, encoding="utf-8") as handle:
        return sum(
            int(r["count"])
            for r in csv.DictReader(handle)
            if r["area_type"] == "Borough" and r["crime_subtype"] == subtype and r["measure"] == "Offences" and first <= r["month_year"][:7] <= last
        )


@pytest.mark.parametrize("misspelt", [True, False])
def test_knife_2026_layout_counts_not_known_rows_in_london_only(tmp_path, lookup, misspelt):
    knife = load_knife_crime(knife_2026_layout(tmp_path, misspelt), lookup)
    victims = knife[(knife.subtype == NON_DA) & (knife.measure == "Offences")]
    fy2023 = victims[(victims.month >= "2023-04-01") & (victims.month < "2024-04-01")]
    assert fy2023["count"].sum() == raw_london_total(NON_DA, "2023-04", "2024-03") == 1292  # not 1,242: nothing dropped
    not_known = fy2023[fy2023.borough_code == "UNASSIGNED"]["count"].sum()
    assert not_known > 0 and fy2023[fy2023.borough_code != "UNASSIGNED"]["count"].sum() == 1292 - not_known


def test_knife_unknown_area_type_is_refused(tmp_path, lookup):
    path = knife_2026_layout(tmp_path)
    text = path.read_text(encoding="utf-8").replace("Borough (Georgraphy Not Known)", "Ward", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_knife_crime(path, lookup)
    assert raised.value.column == "Area Type" and "'Ward'" in str(raised.value) and "row " in str(raised.value)


def homicide_2025_layout(tmp_path, change=None):
    """The 2020 Datastore victims file rewritten in the 2025 layout (Homicide ID, 0/1, new labels, 'Jan-03')."""
    with open(VICTIMS_2020, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Homicide ID", *rows[0].keys()])
    for number, row in enumerate(rows, start=1):
        month, year = row["Recorded Date"].split()
        row = {**row, "Recorded Date": f"{month}-{year[2:]}", "Domestic Abuse": {"Yes": "1", "No": "0"}[row["Domestic Abuse"]]}
        row["Officer Observed Ethnicity"] = {"Not Recorded / Unknown": "Not Reported/Not known", "Other": "Other."}.get(
            row["Officer Observed Ethnicity"], row["Officer Observed Ethnicity"]
        )
        if change:
            row = change(number, row)
        writer.writerow([f"H{number:05d}", *row.values()])
    path = tmp_path / "Homicide Victims 2003 - Jun 2025.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_homicide_2025_layout_gives_the_same_victims(tmp_path, lookup):
    old, new = load_homicide_victims(VICTIMS_2020, lookup), load_homicide_victims(homicide_2025_layout(tmp_path), lookup)
    assert len(new) == len(old) == 2544
    for column in ("month", "borough_code", "age_group", "method", "domestic_abuse", "ethnicity"):
        assert new[column].tolist() == old[column].tolist(), column


@pytest.mark.parametrize(
    "field, value, column",
    [
        ("Domestic Abuse", "2", "Domestic Abuse"),
        ("Officer Observed Ethnicity", "Martian", "Officer Observed Ethnicity"),
        ("Recorded Date", "Jun-99", "Recorded Date"),  # 1999: before the dashboard's first month
        ("Recorded Date", "Jan-45", "Recorded Date"),  # 2045: in the future
    ],
)
def test_homicide_2025_layout_refuses_what_it_does_not_know(tmp_path, lookup, field, value, column):
    path = homicide_2025_layout(tmp_path, lambda number, row: {**row, field: value} if number == 7 else row)
    with pytest.raises(SourceError) as raised:
        load_homicide_victims(path, lookup)
    assert raised.value.column == column and path.name in str(raised.value)
