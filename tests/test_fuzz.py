"""Fuzzing the loaders: random and mutated rows in each source's layout either load
correctly or raise the loader's own SourceError; never a bare pandas/pyarrow exception,
never wrong numbers silently."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indicators.figures import ARREST, POSITIVE_OUTCOME, WEAPONS_SEARCH
from loaders.borough_crime import load_borough_crime_file
from loaders.errors import SourceError
from loaders.homicide_victims import load_homicide_victims
from loaders.knife_crime import SUBTYPES, load_knife_crime
from loaders.stop_search import load_stop_search
from tests.conftest import API_JSON_DIR, CRIME_RECENT_CSV, VICTIMS_2020

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
BOROUGHS = ["Croydon", "Hackney", "Barking & Dagenham", "Other / NK", "Kingston upon Thames"]
BOROUGH_CODES = {
    "Croydon": "E09000008",
    "Hackney": "E09000012",
    "Barking & Dagenham": "E09000002",
    "Other / NK": "UNASSIGNED",
    "Kingston upon Thames": "E09000021",
}
HEADER = ["Month_Year", "Area Type", "Borough_SNT", "Area name", "Area code", "Crime Type", "Crime Subtype", "Measure", "Count"]

valid_row = st.fixed_dictionaries(
    {
        "month": st.sampled_from(["2024-04-01", "2024-05-01"]),  # adjacent: no month can be missing
        "borough": st.sampled_from(BOROUGHS),
        "subtype": st.sampled_from(SUBTYPES),
        "measure": st.just("Offences"),
        "count": st.integers(0, 500).map(str),
    }
)
junk = st.one_of(st.text(max_size=12), st.sampled_from(["-1", "1.5", "", "NaN", "Gotham", "2024-13-01", "∞", "1e3"]))


def knife_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([r["month"], "Borough", r["borough"], r["borough"], "", "Knife Crime", r["subtype"], r["measure"], r["count"]])
    return buffer.getvalue()


@FUZZ
@given(rows=st.lists(valid_row, min_size=1, max_size=25))
def test_valid_knife_rows_load_with_exact_totals(tmp_path, lookup, rows):
    keys = [(r["month"], r["borough"], r["subtype"]) for r in rows]
    path = tmp_path / "knife.csv"
    path.write_text(knife_csv(rows), encoding="utf-8")
    try:
        knife = load_knife_crime(path, lookup)
    except SourceError as err:
        event("refused with SourceError")
        # The only legitimate refusal for these rows: duplicate keys.
        assert len(set(keys)) < len(keys) and "duplicate" in str(err)
        return
    for borough, code in BOROUGH_CODES.items():
        expected = sum(int(r["count"]) for r in rows if r["borough"] == borough)
        assert knife.loc[knife.borough_code == code, "count"].sum() == expected


@FUZZ
@given(
    rows=st.lists(valid_row, min_size=1, max_size=10),
    column=st.sampled_from(["month", "borough", "subtype", "measure", "count"]),
    value=junk,
    which=st.integers(0, 9),
)
def test_mutated_knife_rows_load_or_raise_source_error(tmp_path, lookup, rows, column, value, which):
    rows = [dict(r) for r in rows]
    rows[which % len(rows)][column] = value
    path = tmp_path / "knife.csv"
    path.write_text(knife_csv(rows), encoding="utf-8")
    try:
        knife = load_knife_crime(path, lookup)
    except SourceError:
        event("refused with SourceError")
        return
    event("loaded")
    assert knife["count"].sum() == sum(int(r["count"]) for r in rows)  # it loaded: so every count was a real count


homicide_value = st.one_of(
    junk, st.sampled_from(["Male", "Female", "Murder", "Solved", "Unsolved", "Jan 2010", "Croydon", "No", "1", "20 to 24", "Shooting"])
)


@FUZZ
@given(line=st.integers(1, 40), field=st.integers(0, 9), value=homicide_value)
def test_mutated_homicide_rows(tmp_path, lookup, line, field, value):
    rows = list(csv.reader(io.StringIO(VICTIMS_2020.read_text(encoding="utf-8"))))[:41]
    rows[line][field] = value
    path = tmp_path / "victims.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    try:
        victims = load_homicide_victims(path, lookup)
    except SourceError:
        event("refused with SourceError")
        return
    event("loaded")
    assert len(victims) == 40


@FUZZ
@given(cut=st.integers(1, 5000), garbage=st.binary(max_size=40))
def test_damaged_borough_crime_file(tmp_path, lookup, cut, garbage):
    body = CRIME_RECENT_CSV.read_bytes()[:cut] + garbage
    path = tmp_path / "recent.csv"
    path.write_bytes(body)
    try:
        crime = load_borough_crime_file(path, lookup)
    except SourceError:
        event("refused with SourceError")
        return
    event("loaded")
    assert (crime["offences"] >= 0).all()


STOP_SEARCH_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,"
    "Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing"
)
RECORDS = json.loads((API_JSON_DIR / "2024-11.json").read_text())[:30]
json_value = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=10), st.just("2024-11-05T10:00:00+00:00"))


@FUZZ
@given(which=st.integers(0, 29), key=st.sampled_from(sorted(RECORDS[0])), value=json_value, drop=st.booleans())
def test_mutated_stop_search_records(tmp_path, locator, which, key, value, drop):
    records = json.loads(json.dumps(RECORDS))
    if drop:
        del records[which][key]
    else:
        records[which][key] = value
    path = tmp_path / "2024-11.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    try:
        searches = load_stop_search(path, locator)
    except SourceError:
        event("refused with SourceError")
        return
    event("loaded")
    assert len(searches) == 30
    weapon_objects = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
    expected = sum(
        str(r.get("object_of_search")).strip() in weapon_objects or "section 60" in str(r.get("legislation") or "").lower() for r in records
    )
    assert WEAPONS_SEARCH.mask(searches).sum() == expected


@FUZZ
@given(latitude=st.one_of(st.text(max_size=8), st.floats(allow_nan=False, allow_infinity=False).map(str)), outcome=st.text(max_size=15))
def test_stop_search_csv_cells(tmp_path, locator, latitude, outcome):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(STOP_SEARCH_HEADER.split(","))
    writer.writerow(
        [
            "Person search",
            "2024-11-01T10:00:00+00:00",
            "False",
            "",
            latitude,
            "-0.1",
            "Male",
            "18-24",
            "",
            "White",
            "",
            "Offensive weapons",
            outcome,
            "True",
            "False",
        ]
    )
    path = tmp_path / "2024-11-metropolitan-stop-and-search.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        searches = load_stop_search(path, locator)
    except SourceError:
        event("refused with SourceError")
        return
    event("loaded")
    assert len(searches) == 1 and bool(WEAPONS_SEARCH.mask(searches).iloc[0])
    assert bool(POSITIVE_OUTCOME.mask(searches).iloc[0]) == (
        outcome.strip() not in ("", "A no further action disposal", "Nothing found - no further action", "not recorded")
    )


def test_spaces_around_labels_merge(tmp_path, locator):
    rows = [STOP_SEARCH_HEADER] + [
        f"Person search,2024-11-01T10:00:00+00:00,False,,51.5,-0.1,Male,18-24,,White,,Offensive weapons,{o},True,False"
        for o in ("Arrest", " Arrest ", "")
    ]
    path = tmp_path / "2024-11-metropolitan-stop-and-search.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    searches = load_stop_search(path, locator)
    assert list(searches["outcome"].cat.categories) == ["Arrest"]
    assert ARREST.mask(searches).tolist() == [True, True, False]
    assert POSITIVE_OUTCOME.mask(searches).tolist() == [True, True, False]
