"""Every malformed input raises one SourceError naming file, column and problem."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from loaders.borough_crime import load_borough_crime_file
from loaders.errors import SourceError
from loaders.homicide_victims import load_homicide_victims
from loaders.homicide_victims import months_in as homicide_months_in
from loaders.knife_crime import load_knife_crime
from loaders.knife_crime import months_in as knife_months_in
from loaders.population import load_census_ethnicity, load_mid_year_estimates
from loaders.stop_search import load_stop_search
from tests.conftest import API_JSON_DIR, CRIME_RECENT_CSV, KNIFE_PARQUET, RAW, VICTIMS_2020, VICTIMS_2024

KNIFE_HEADER = "Month_Year,Area Type,Borough_SNT,Area name,Area code,Crime Type,Crime Subtype,Measure,Financial Year,Count,Refresh Date"
KNIFE_ROWS = [
    "2024-04-01,Borough,Croydon,Croydon,E09000008,Knife Crime,Knife Crime,Offences,fy24-25,30,2026-03-18",
    "2024-04-01,Borough,Barnet,Barnet,E09000003,Knife Crime,Knife Crime,Offences,fy24-25,12,2026-03-18",
    "2024-05-01,Borough,Croydon,Croydon,E09000008,Knife Crime,Knife Injury Victims (non DA 1-24),Offences,fy24-25,4,2026-03-18",
]


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def knife_csv(tmp_path, header=KNIFE_HEADER, rows=KNIFE_ROWS, name="M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv"):
    return write(tmp_path, name, "\n".join([header, *rows]) + "\n")


def expect_error(call, file_name, column_part, problem_part):
    with pytest.raises(SourceError) as caught:
        call()
    message = str(caught.value)
    assert file_name in message
    if column_part:
        assert column_part.lower() in (caught.value.column or "").lower()
    assert problem_part.lower() in message.lower(), message
    return caught.value


def test_good_original_csv_layout_loads(tmp_path, lookup):
    knife = load_knife_crime(knife_csv(tmp_path), lookup)
    assert knife.month.nunique() == 2
    croydon_april = knife[(knife.borough_code == "E09000008") & (knife.month == "2024-04-01") & (knife.subtype == "Knife Crime")]
    assert croydon_april["count"].tolist() == [30]
    # zero-filled: Croydon's victims in April are absent in the file, so 0
    assert knife[(knife.borough_code == "E09000008") & (knife.month == "2024-04-01") & (knife.subtype.str.contains("Victims"))]["count"].tolist() == [
        0
    ]


def test_missing_column(tmp_path, lookup):
    path = knife_csv(tmp_path, header=KNIFE_HEADER.replace(",Count,", ",Refresh,"))
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "count", "missing")


def test_renamed_column_in_homicide_file(tmp_path, lookup):
    text = VICTIMS_2020.read_text(encoding="utf-8").replace("Method of Killing", "Weapon", 1)
    path = write(tmp_path, "victims.csv", text)
    expect_error(lambda: load_homicide_victims(path, lookup), "victims.csv", "method_of_killing", "missing")


def test_unparseable_date(tmp_path, lookup):
    rows = [KNIFE_ROWS[0].replace("2024-04-01", "April-ish"), *KNIFE_ROWS[1:]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Month_Year", "'April-ish' is not a month")


def test_unparseable_homicide_date(tmp_path, lookup):
    text = VICTIMS_2020.read_text(encoding="utf-8").replace("Jan 2003", "Janvier 2003", 1)
    path = write(tmp_path, "victims.csv", text)
    expect_error(lambda: load_homicide_victims(path, lookup), "victims.csv", "Recorded Date", "Janvier 2003")


SNT_ROW = (
    "2024-04-01,Safer Neighbourhood Teams,Croydon Addiscombe East,Addiscombe East,E05011462,Knife Crime,Knife Crime,Offences,fy24-25,2,2026-03-18"
)


@pytest.mark.parametrize(
    "good, bad, column, problem",
    [
        ("2024-05-01", "May-ish", "Month_Year", "'May-ish' is not a month"),
        (",4,", ",four,", "Count", "'four' is not a whole count"),
        ("2024-05-01", "2099-05-01", "Month_Year", "'2099-05-01' is outside"),
    ],
)
def test_an_error_names_the_files_row_not_its_place_among_the_rows_kept(tmp_path, lookup, good, bad, column, problem):
    """The bad value is on the file's 4th row, after two Safer Neighbourhood Team rows that the loader
    sets aside: the error says row 4 (it said row 2, its place among the borough rows, until 7 December),
    both when the build picks a vintage by its months (months_in) and when the file is loaded."""
    rows = [KNIFE_ROWS[0], SNT_ROW, SNT_ROW.replace("Addiscombe East", "Addiscombe West"), KNIFE_ROWS[2].replace(good, bad), KNIFE_ROWS[1]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, column, f"row 4: {problem}")
    if column == "Month_Year":
        expect_error(lambda: knife_months_in(path), path.name, column, f"row 4: {problem}")


def test_a_parquet_files_rows_are_counted_in_file_order_whatever_index_pandas_stored(tmp_path, lookup):
    """A parquet written from a filtered frame stores its index (here 100, 102, ...); errors still name file rows."""
    knife = pd.read_parquet(KNIFE_PARQUET)
    sample = knife[knife["area_type"] == "Borough"].iloc[:40:2].copy()
    sample.iloc[6, sample.columns.get_loc("count")] = -5
    sample.index = range(100, 140, 2)
    path = tmp_path / "knife.parquet"
    sample.to_parquet(path, index=True)
    expect_error(lambda: load_knife_crime(path, lookup), "knife.parquet", "Count", "row 7: ")


def with_cell(source, row: int, column: str, value: str) -> str:
    """The text of CSV file ``source`` with one cell changed (row 1 = the first after the header)."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    return frame.to_csv(index=False)


def test_an_unknown_label_names_its_row(tmp_path, lookup):
    path = write(tmp_path, "victims.csv", with_cell(VICTIMS_2020, 3, "Sex", "Mal"))
    expect_error(lambda: load_homicide_victims(path, lookup), "victims.csv", "Sex", "row 3: unknown value(s) ['Mal']")


def test_an_unknown_knife_measure_names_its_row(tmp_path, lookup):
    path = knife_csv(tmp_path, rows=[KNIFE_ROWS[0], SNT_ROW, KNIFE_ROWS[1].replace(",Offences,", ",Offenses,")])
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Measure", "row 3: unknown value(s) ['Offenses']")


def test_an_unknown_census_ethnic_group_names_its_row(tmp_path):
    """Hackney's first row is the file's row 10,907 (the line after the header is row 1)."""
    source = next((RAW / "population").glob("ons_census2021_ethnic_group*.csv"))
    path = write(tmp_path, "ethnic.csv", with_cell(source, 10_907, "ethnic_group", "Martian: Bangladeshi (number)"))
    expect_error(lambda: load_census_ethnicity(path), "ethnic.csv", "ethnic_group", "row 10907: unknown ethnic group(s) ['Martian']")


@pytest.mark.parametrize("source, column", [(VICTIMS_2020, "Recorded Date"), (VICTIMS_2024, "Recorded Month")])
def test_a_bad_homicide_month_is_found_by_its_row_when_choosing_a_vintage(tmp_path, source, column):
    """loaders.homicide_victims.months_in reads the date columns alone, in both layouts, and names a bad month's row."""
    path = write(tmp_path, "victims.csv", with_cell(source, 100, column, "Janvier"))
    expect_error(lambda: homicide_months_in(path), "victims.csv", "Recorded", "row 100: ")


@pytest.mark.parametrize("bad", ["-3", "twelve", "2.5", ""])
def test_bad_counts(tmp_path, lookup, bad):
    rows = [KNIFE_ROWS[0].replace(",30,", f",{bad},"), *KNIFE_ROWS[1:]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Count", "not a whole count")


def test_unknown_borough(tmp_path, lookup):
    rows = [KNIFE_ROWS[0].replace("Croydon,Croydon", "Gotham,Gotham"), *KNIFE_ROWS[1:]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Borough_SNT", "Gotham")


def test_duplicate_rows(tmp_path, lookup):
    path = knife_csv(tmp_path, rows=[*KNIFE_ROWS, KNIFE_ROWS[0]])
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "month_year", "rows 1 and 4 are duplicates")


def test_duplicate_rows_are_named_by_their_rows_in_the_file(tmp_path, lookup):
    """Two borough rows alike, on the file's rows 2 and 5, around Safer Neighbourhood Team rows the loader sets aside."""
    path = knife_csv(tmp_path, rows=[KNIFE_ROWS[2], KNIFE_ROWS[0], SNT_ROW, KNIFE_ROWS[1], KNIFE_ROWS[0]])
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "month_year", "rows 2 and 5 are duplicates (2 duplicate rows in all)")


def test_duplicate_rows_borough_crime(tmp_path, lookup):
    lines = CRIME_RECENT_CSV.read_text(encoding="utf-8").splitlines()
    path = write(tmp_path, "recent.csv", "\n".join([*lines, lines[5]]) + "\n")
    expect_error(lambda: load_borough_crime_file(path, lookup), "recent.csv", "majortext", "duplicate")


def test_empty_file(tmp_path, lookup):
    path = write(tmp_path, "empty.csv", "")
    expect_error(lambda: load_knife_crime(path, lookup), "empty.csv", None, "empty")


def test_header_only(tmp_path, lookup):
    path = knife_csv(tmp_path, rows=[])
    expect_error(lambda: load_knife_crime(path, lookup), path.name, None, "no rows")


def test_wrong_encoding(tmp_path, lookup):
    rows = [KNIFE_ROWS[0].replace("Croydon,Croydon", "Croydon,Cröydon"), *KNIFE_ROWS[1:]]
    path = write(tmp_path, "latin1.csv", "\n".join([KNIFE_HEADER, *rows]) + "\n", encoding="latin-1")
    expect_error(lambda: load_knife_crime(path, lookup), "latin1.csv", None, "not UTF-8")


def test_truncated_csv(tmp_path, lookup):
    text = "\n".join([KNIFE_HEADER, *KNIFE_ROWS])
    path = write(tmp_path, "cut.csv", text[: text.rfind(",Offences")])
    expect_error(lambda: load_knife_crime(path, lookup), "cut.csv", None, "truncated")


def test_truncated_parquet(tmp_path, lookup):
    path = write(tmp_path, "cut.parquet", KNIFE_PARQUET.read_bytes()[:50_000])
    expect_error(lambda: load_knife_crime(path, lookup), "cut.parquet", None, "not a readable parquet")


def test_truncated_json(tmp_path, locator):
    path = write(tmp_path, "2024-11.json", (API_JSON_DIR / "2024-11.json").read_bytes()[:100_000])
    expect_error(lambda: load_stop_search(path, locator), "2024-11.json", None, "not valid JSON")


def test_stop_search_bad_coordinate(tmp_path, locator):
    records = json.loads((API_JSON_DIR / "2024-11.json").read_text())[:5]
    records[2]["location"]["latitude"] = "north-ish"
    path = write(tmp_path, "2024-11.json", json.dumps(records))
    expect_error(lambda: load_stop_search(path, locator), "2024-11.json", "Latitude", "north-ish")


def test_stop_search_csv_missing_column(tmp_path, locator):
    path = write(tmp_path, "2024-11-metropolitan-stop-and-search.csv", "Type,Date,Latitude\nPerson search,2024-11-01T10:00:00+00:00,51.5\n")
    expect_error(lambda: load_stop_search(path, locator), path.name, "Part of a policing operation", "missing")


def test_stop_search_bad_datetime(tmp_path, locator):
    records = json.loads((API_JSON_DIR / "2024-11.json").read_text())[:5]
    records[1]["datetime"] = "yesterday"
    path = write(tmp_path, "2024-11.json", json.dumps(records))
    expect_error(lambda: load_stop_search(path, locator), "2024-11.json", "Date", "yesterday")


def test_unknown_method_of_killing(tmp_path, lookup):
    text = VICTIMS_2020.read_text(encoding="utf-8").replace("Knife or Sharp Implement", "Poison", 1)
    path = write(tmp_path, "victims.csv", text)
    expect_error(lambda: load_homicide_victims(path, lookup), "victims.csv", "Method of Killing", "Poison")


def test_population_negative(tmp_path):
    source = next(p for p in (KNIFE_PARQUET.parents[1] / "population").glob("ons_mye2_persons_sya_mid2024*.csv"))
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    croydon = next(i for i, line in enumerate(lines) if line.startswith("E09000008"))
    cells = lines[croydon].split(",")
    cells[10] = "-5"
    lines[croydon] = ",".join(cells)
    path = write(tmp_path, "ons_mye2_persons_sya_mid2024.csv", "\n".join(lines) + "\n")
    age = lines[0].split(",")[10]  # the error names the cell's own row and age column
    expect_error(lambda: load_mid_year_estimates(path), path.name, age, f"row {croydon}: '-5'")


def test_error_message_is_one_line(tmp_path, lookup):
    path = knife_csv(tmp_path, header=KNIFE_HEADER.replace("Crime Subtype", "Subtype"))
    error = expect_error(lambda: load_knife_crime(path, lookup), path.name, "crime_subtype", "missing")
    assert "\n" not in str(error)
    assert isinstance(error, ValueError) and not isinstance(error, pd.errors.ParserError)


@pytest.mark.parametrize("count", ["inf", "1e30", "-inf", "nan", "99999999999999999999999", "10001"])
def test_absurd_counts_are_refused_not_stored(tmp_path, lookup, count):
    """Counts beyond the knife file's bound (10,000 a borough a month), infinite or too large for int64 never reach the snapshot."""
    rows = [KNIFE_ROWS[0].replace(",30,", f",{count},"), *KNIFE_ROWS[1:]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Count", f"row 1: '{count}' is not a whole count from 0 to 10,000")


def test_a_month_in_the_future_is_refused(tmp_path, lookup):
    rows = [KNIFE_ROWS[0].replace("2024-04-01", "2099-04-01"), *KNIFE_ROWS[1:]]
    path = knife_csv(tmp_path, rows=rows)
    expect_error(lambda: load_knife_crime(path, lookup), path.name, "Month_Year", "row 1: '2099-04-01' is outside 2008-01 to")


def test_months_parsed_together_name_the_file_and_row_of_a_bad_value(tmp_path, locator):
    from loaders.stop_search import load_month_files, read_month_columns

    records = json.loads((API_JSON_DIR / "2024-11.json").read_text())[:5]
    earlier = write(tmp_path, "2024-10.json", json.dumps(records))
    records[2]["datetime"] = "yesterday"
    later = write(tmp_path, "2024-11.json", json.dumps(records))
    files = {path: read_month_columns(path) for path in (earlier, later)}
    error = expect_error(lambda: load_month_files(files, locator), "2024-11.json", "Date", "row 3: 'yesterday'")
    assert error.file == str(later)


@pytest.mark.parametrize(
    "column, value, problem",
    [(5, "twelve", "row 4: 'twelve' is not a whole count"), (0, "", "row 4: blank category"), (3, "1,000,000", "is not a whole count")],
)
def test_borough_crime_bad_cell_names_its_row_and_column(tmp_path, lookup, column, value, problem):
    """A bad cell of the wide file names its own row and month column (not a position in the long frame)."""
    lines = CRIME_RECENT_CSV.read_text(encoding="utf-8").splitlines()
    header, cells = lines[0].split(","), lines[4].split(",")
    cells[column] = f'"{value}"'
    path = write(tmp_path, "recent.csv", "\n".join([*lines[:4], ",".join(cells), *lines[5:]]) + "\n")
    expect_error(lambda: load_borough_crime_file(path, lookup), "recent.csv", header[column], problem)


def test_borough_crime_month_column_out_of_range(tmp_path, lookup):
    text = CRIME_RECENT_CSV.read_text(encoding="utf-8").replace("202602", "209902", 1)
    expect_error(lambda: load_borough_crime_file(write(tmp_path, "recent.csv", text), lookup), "recent.csv", "209902", "not a month")


def test_a_boundary_that_is_not_a_polygon_of_rings_names_its_borough(tmp_path):
    from loaders.geography import BOUNDARIES, load_boundaries

    features = [
        {
            "type": "Feature",
            "properties": {"GSS_CODE": f"E09{n:06d}", "NAME": f"Borough {n}"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        }
        for n in range(1, 34)
    ]
    path = tmp_path / BOUNDARIES
    path.parent.mkdir(parents=True)

    def with_geometry_of_7(geometry: dict) -> None:
        features[6]["geometry"] = geometry
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    with_geometry_of_7({"type": "Point", "coordinates": [0, 51.5]})
    expect_error(lambda: load_boundaries(tmp_path), path.name, "geometry", "E09000007: geometry 'Point' is not a Polygon")
    with_geometry_of_7({"type": "Polygon", "coordinates": [[[0, 0], [1, 0, 5, 6], [1, 1]]]})  # a ragged ring
    expect_error(lambda: load_boundaries(tmp_path), path.name, "geometry", "E09000007: the Polygon's coordinates are not rings")
    with_geometry_of_7({"type": "MultiPolygon", "coordinates": [[]]})  # a polygon without its outer ring
    expect_error(lambda: load_boundaries(tmp_path), path.name, "geometry", "E09000007: the MultiPolygon's coordinates are not rings")
