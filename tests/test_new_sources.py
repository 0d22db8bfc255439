"""The sources added for the verdicts: ONS police force area tables, published statements, and the
cleaned third-party stop-and-search copy, each checked against an independent reading of the raw
files (openpyxl, the csv module, shapely on the unsimplified boundary), and each refusing bad input
with one clear error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import shapely

from indicators.areas import Area
from indicators.periods import parse_period
from indicators.snapshot import Snapshot
from loaders.errors import SourceError
from loaders.ons_pfa import load_ons_pfa
from loaders.published import load_published_figures
from tests.conftest import RAW

LONDON = Area("London", "London")
ONS_FILES = sorted(RAW.glob("homicide/ons_pfa_tables_*.xlsx"))
PUBLISHED = RAW / "published/published_figures.csv"
DEDUP = next(RAW.glob("stop_search/derived_third_party_dc2-33_metpluscol_dedup*"))


# ---- ONS police force area tables -------------------------------------------------------------------


def openpyxl_met_value(path: Path, sheet_prefix: str, header_words: str) -> int:
    """The Met's cell under the first header containing header_words, read with openpyxl."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith(sheet_prefix))
    rows = list(sheet.iter_rows(values_only=True))
    header_row = next(i for i, row in enumerate(rows) if row[0] == "Area Code")
    column = next(i for i, cell in enumerate(rows[header_row]) if cell and header_words in " ".join(str(cell).split()).lower())
    return int(next(row[column] for row in rows[header_row + 1 :] if row[0] == "E23000001"))


@pytest.mark.parametrize("path", ONS_FILES, ids=lambda p: p.name[:27])
def test_ons_tables_against_openpyxl(path):
    table = load_ons_pfa(path).set_index("measure")
    assert table.loc["Homicide offences involving a knife", "offences"] == openpyxl_met_value(path, "Table P5", "homicide offences involving a knife")
    assert table.loc["Homicide offences", "offences"] == openpyxl_met_value(path, "Table P1", "homicide")


def test_ons_reference_figures_in_the_snapshot():
    """SOURCES.md: Met knife homicides 72 (2023) and 61 (2024); Table P1 homicides 112 and 109."""
    ons = Snapshot.load().ons_homicide.set_index(["month", "measure"])["offences"]
    assert ons[(pd.Timestamp("2023-12-01"), "Homicide offences involving a knife")] == 72
    assert ons[(pd.Timestamp("2024-12-01"), "Homicide offences involving a knife")] == 61
    assert ons[(pd.Timestamp("2023-12-01"), "Homicide offences")] == 112
    assert ons[(pd.Timestamp("2024-12-01"), "Homicide offences")] == 109


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def ons_sheet(title: str, header: list[str], met: list[object]) -> list[list[object]]:
    return [
        [title],
        ["Source: Home Office"],
        ["Area Code", "Area Name", *header],
        ["K04000001", "ENGLAND AND WALES", *[1] * len(header)],
        ["E23000001", "Metropolitan Police ", *met],
    ]


GOOD_P1 = ons_sheet("Table P1: offences, year ending March 2025", ["Total recorded crime", "Homicide"], [900000, 104])
GOOD_P5 = ons_sheet("Table P5: knife offences, year ending March 2025", ["Homicide offences\n involving a knife \n [note 6]"], [60])


def test_an_edition_for_a_year_ending_march_gives_a_financial_year(tmp_path):
    path = write_workbook(tmp_path / "pfa.xlsx", {"Table P1": GOOD_P1, "Table P5 ": GOOD_P5})
    table = load_ons_pfa(path)
    assert set(table["year_ending"]) == {pd.Timestamp("2025-03-01")}
    assert table.set_index("measure")["offences"].to_dict() == {"Homicide offences": 104, "Homicide offences involving a knife": 60}


@pytest.mark.parametrize(
    "sheets, words",
    [
        ({"Table P1": GOOD_P1}, ["no sheet named 'Table P5'"]),
        (
            {"Table P1": GOOD_P1, "Table P5": ons_sheet("Table P5, year ending March 2025", ["Robbery involving a knife"], [5])},
            ["Table P5", "no column", "homicide offences involving a knife"],
        ),
        (
            {"Table P1": GOOD_P1, "Table P5": ons_sheet("Table P5, year ending March 2025", ["Homicide offences involving a knife"], ["[x]"])},
            ["Table P5", "row 5", "'[x]'"],
        ),
        (
            {"Table P1": GOOD_P1, "Table P5": ons_sheet("Table P5, year ending March 2025", ["Homicide offences involving a knife"], [10**9])},
            ["row 5", "between 0 and 5,000"],
        ),
        ({"Table P1": GOOD_P1, "Table P5": [["Table P5, year ending March 2025"], ["no header here"]]}, ["Table P5", "Area Code"]),
        ({"Table P1": GOOD_P1, "Table P5": ons_sheet("Table P5 without a year", ["Homicide offences involving a knife"], [5])}, ["year ending"]),
    ],
    ids=["missing sheet", "missing column", "suppressed value", "absurd value", "no header row", "no year"],
)
def test_ons_bad_editions_give_one_clear_error(tmp_path, sheets, words):
    path = write_workbook(tmp_path / "pfa_broken.xlsx", sheets)
    with pytest.raises(SourceError) as raised:
        load_ons_pfa(path)
    message = str(raised.value)
    assert "pfa_broken.xlsx" in message
    for word in words:
        assert word in message, message


def test_ons_not_a_spreadsheet(tmp_path):
    path = tmp_path / "pfa.xlsx"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(SourceError, match="not a readable spreadsheet"):
        load_ons_pfa(path)


# ---- published statements ---------------------------------------------------------------------------


def test_published_register_as_stated():
    with open(PUBLISHED, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    figures = load_published_figures(PUBLISHED)
    assert len(figures) == len(rows) == 15
    assert figures["quote"].tolist() == [r["quote"] for r in rows]  # quotes kept verbatim
    cy2024_teens = figures[
        (figures.measure == "homicide victims aged 13-19") & (figures.period_start == "2024-01-01") & (figures.period_end == "2024-12-01")
    ]
    assert sorted(cy2024_teens.value) == [11, 12]  # two statements disagree: both kept


def test_claim_2_shows_both_disagreeing_statements():
    from indicators.claims import CLAIMS_BY_SLUG
    from indicators.verdicts import assess

    assessment = assess(Snapshot.load(), CLAIMS_BY_SLUG["teen-child-homicides"], LONDON, parse_period("FY2024/25"), parse_period("FY2023/24"))
    rung = assessment.best
    assert rung.rung == 4 and rung.value_text == "11 or 12" and rung.previous == 21
    assert "the statements disagree" in rung.reason
    quoted = {s["figure_id"] for s in rung.statements}
    assert {"teen_victims_cy2024_es", "teen_victims_cy2024_swl", "teen_victims_cy2023_dm"} <= quoted


def register_with(tmp_path: Path, column: str, value: str, row: int = 2) -> Path:
    with open(PUBLISHED, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 1][column] = value
    path = tmp_path / "published_figures.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("source_url", "javascript:alert(1)", ["source_url", "row 2", "not a web address"]),
        ("claim", "7", ["claim", "row 2", "'7'"]),
        ("period_end", "2020-01", ["period_end", "row 2", "before period_start"]),
        ("period_start", "last year", ["period_start", "row 2"]),
        ("quote", "", ["quote", "row 2", "blank"]),
        ("value", "12.5", ["value", "row 2", "whole count"]),
        ("value", "99999999", ["value", "row 2", "from 0 to 1,000,000"]),
        ("value", "inf", ["value", "row 2", "whole count"]),
        ("figure_id", "teen_victims_cy2023_dm", ["figure_id", "duplicate"]),
    ],
)
def test_published_register_refuses_bad_rows(tmp_path, column, value, words):
    with pytest.raises(SourceError) as raised:
        load_published_figures(register_with(tmp_path, column, value))
    message = str(raised.value)
    assert "published_figures.csv" in message
    for word in words:
        assert word in message, message


# ---- the cleaned third-party stop-and-search copy ---------------------------------------------------

WEAPON_OBJECTS = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
NO_FURTHER_ACTION = {"A no further action disposal", "Nothing found - no further action"}


@pytest.fixture(scope="module")
def met_rows_by_month() -> dict[str, list[dict]]:
    """Met rows per month from the raw copy, City of London removed as SOURCES.md describes, written
    with the csv module and shapely on the unsimplified City boundary (not through the loaders)."""
    boundaries = json.loads((RAW / "geo/London_Borough_Excluding_MHW.geojson").read_text())
    city = shapely.geometry.shape(next(f for f in boundaries["features"] if f["properties"]["GSS_CODE"] == "E09000001")["geometry"])
    months = {}
    for path in sorted(DEDUP.glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        filled = [r for r in rows if r["Outcome linked to object of search"].strip()]
        if rows and len(filled) < len(rows) / 2:  # the Met leaves the field empty: filled rows are the City's
            met = [r for r in rows if not r["Outcome linked to object of search"].strip()]
        else:
            met = [r for r in rows if not (r["Latitude"] and city.contains(shapely.Point(float(r["Longitude"]), float(r["Latitude"]))))]
        months[path.name[:7]] = met
    return months


def weapons(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["Object of search"] in WEAPON_OBJECTS or "section 60" in r["Legislation"].lower()]


def positive(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["Outcome"].strip() and r["Outcome"] not in NO_FURTHER_ACTION]


def test_incomplete_months_are_detected_not_hard_coded():
    """September 2024 on, the copy lacks the Met's records: the build finds that against the complete monthly counts."""
    with open(RAW / "stop_search/derived_third_party_elliottkte/ss_monthly_search_type.csv", encoding="utf-8") as handle:
        complete = pd.DataFrame(list(csv.DictReader(handle))).astype({"count": int}).groupby("month")["count"].sum()
    held = {p.name[:7]: len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in DEDUP.glob("*.csv")}
    expected_refused = sorted(m for m, rows in held.items() if rows < 0.95 * complete[f"{m}-01"])
    snapshot = Snapshot.load()
    refused = [m[:7] for m in snapshot.manifest["tables"]["stop_search"]["months_refused"]]
    assert refused == expected_refused == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    covered = [f"{m:%Y-%m}" for m in snapshot.months_covered("weapons_searches")]
    assert covered == sorted(set(held) - set(expected_refused))


@pytest.mark.parametrize("first, last", [("2023-04", "2023-08"), ("2024-04", "2024-08"), ("2023-04", "2024-03")])
def test_weapons_searches_against_the_raw_copy(met_rows_by_month, first, last):
    months = pd.date_range(f"{first}-01", f"{last}-01", freq="MS")
    rows = [r for m in months for r in met_rows_by_month[f"{m:%Y-%m}"]]
    snapshot = Snapshot.load()
    assert snapshot.value_over("weapons_searches", LONDON, months) == len(weapons(rows))
    assert snapshot.value_over("weapons_searches_positive", LONDON, months) == len(positive(weapons(rows)))
    assert snapshot.value_over("weapons_searches_arrest", LONDON, months) == sum(r["Outcome"] == "Arrest" for r in weapons(rows))


def test_claim_4_like_for_like_against_the_raw_copy(met_rows_by_month):
    from indicators.claims import CLAIMS_BY_SLUG
    from indicators.verdicts import NOT_SUPPORTED, assess

    def positives(year: int) -> int:
        return len(positive(weapons([r for m in range(4, 9) for r in met_rows_by_month[f"{year}-{m:02d}"]])))

    rung = assess(Snapshot.load(), CLAIMS_BY_SLUG["weapons-search-outcomes"], LONDON, parse_period("FY2024/25"), parse_period("FY2023/24")).best
    assert rung.label == "Partly answered: April to August only"
    assert (rung.previous, rung.current) == (positives(2023), positives(2024))
    assert rung.verdict == NOT_SUPPORTED  # fewer positive outcomes: the claim is about the number
    searches_2023 = len(weapons([r for m in range(4, 9) for r in met_rows_by_month[f"2023-{m:02d}"]]))
    searches_2024 = len(weapons([r for m in range(4, 9) for r in met_rows_by_month[f"2024-{m:02d}"]]))
    assert (
        f"{100 * positives(2023) / searches_2023:.1f}% in April to August 2023, {100 * positives(2024) / searches_2024:.1f}% in April to August 2024"
        in rung.reason
    )


def test_city_of_london_rows_leave_only_the_cleaned_copy(tmp_path, locator):
    """Constructed months read together: in the cleaned copy, rows that fill the linked-outcome field
    are the City's where most leave it empty, and rows inside the City's boundary where all fill it;
    an archive CSV's rows are never dropped, wherever they are."""
    from loaders.stop_search import load_month_files, read_month_columns

    guildhall, croydon = ("51.5155", "-0.0922"), ("51.3720", "-0.1000")

    def row(point: tuple[str, str], linked: str) -> str:
        return f"Person search,2024-04-01T10:00:00+00:00,{point[0]},{point[1]},Male,18-24,PACE,Offensive weapons,Arrest,{linked}"

    header = "Type,Date,Latitude,Longitude,Gender,Age range,Legislation,Object of search,Outcome,Outcome linked to object of search"
    folder = tmp_path / "derived_third_party_dc2-33_metpluscol_dedup"
    folder.mkdir()
    mostly_empty = folder / "2023-05_stop_and_search_cleaned.csv"  # one filled row of four: the City's
    mostly_empty.write_text("\n".join([header, row(croydon, "True"), row(croydon, ""), row(guildhall, ""), row(croydon, "")]) + "\n")
    all_filled = folder / "2024-05_stop_and_search_cleaned.csv"  # the row in the City is the City's
    all_filled.write_text("\n".join([header, row(guildhall, "True"), row(croydon, "False"), row(croydon, "True")]) + "\n")
    archive = tmp_path / "2024-06-metropolitan-stop-and-search.csv"
    archive_header = header.replace("Gender", "Gender,Self-defined ethnicity,Officer-defined ethnicity").replace(
        "Type,", "Type,Part of a policing operation,"
    )
    archive.write_text(
        "\n".join(
            [archive_header]
            + [
                f"Person search,False,2024-06-01T10:00:00+00:00,{lat},{lon},Male,,,18-24,PACE,Offensive weapons,Arrest,True"
                for lat, lon in (guildhall, croydon)
            ]
        )
        + "\n"
    )
    records = load_month_files({path: read_month_columns(path) for path in (mostly_empty, all_filled, archive)}, locator)
    by_month = records.groupby(records["month"].dt.strftime("%Y-%m")).size().to_dict()
    assert by_month == {"2023-05": 3, "2024-05": 2, "2024-06": 2}
    assert records[records["month"] == "2023-05-01"]["outcome_linked_to_object"].isna().all()
    assert records[records["month"] == "2024-05-01"]["outcome_linked_to_object"].tolist() == [False, True]
    assert (records[records["month"] == "2023-05-01"]["self_defined_ethnicity"] == "not in this copy").all()
