"""Loaders on the real raw files, checked against independent counts written differently."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from indicators.figures import ARREST, POSITIVE_OUTCOME, WEAPONS_SEARCH
from loaders.borough_crime import load_borough_crime
from loaders.build import _newest
from loaders.geography import CITY_OF_LONDON_CODE, NOT_ASSIGNED_CODE
from loaders.homicide_victims import load_homicide_victims
from loaders.homicide_victims import months_in as homicide_months_in
from loaders.knife_crime import load_knife_crime
from loaders.knife_crime import months_in as knife_months_in
from loaders.population import load_census_ethnicity, load_mid_year_estimates
from loaders.stop_search import load_stop_search
from tests.conftest import (
    API_JSON_DIR,
    CRIME_HISTORICAL,
    CRIME_RECENT,
    CRIME_RECENT_CSV,
    KNIFE_CSV,
    KNIFE_PARQUET,
    RAW,
    VICTIMS_2020,
    VICTIMS_2024,
)

MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}


def financial_year_of(year: int, month: int) -> int:
    """Year in which the financial year ends: April 2023-March 2024 -> 2024."""
    return year + 1 if month >= 4 else year


def in_fy(months: pd.Series, fy_end: int) -> pd.Series:
    return (months >= pd.Timestamp(fy_end - 1, 4, 1)) & (months < pd.Timestamp(fy_end, 4, 1))


# ---- geography ----------------------------------------------------------------------------------


def test_32_boroughs_in_12_bcus(geography):
    assert len(geography.boroughs) == 32
    assert geography.boroughs["bcu"].nunique() == 12
    assert geography.boroughs.groupby("bcu").size().to_dict()["South West"] == 4


@pytest.mark.parametrize(
    "label, code",
    [
        ("Barking & Dagenham", "E09000002"),
        ("Kingston", "E09000021"),
        ("Kingston Upon Thames", "E09000021"),
        ("richmond upon thames", "E09000027"),
        ("Hammersmith & Fulham", "E09000013"),
        ("Unmapped", NOT_ASSIGNED_CODE),
        ("Heathrow", NOT_ASSIGNED_CODE),
        ("Other / NK", NOT_ASSIGNED_CODE),
    ],
)
def test_borough_label_normalisation(lookup, label, code):
    assert lookup.codes_for_labels(pd.Series([label]), "f.csv", "Borough").iloc[0] == code


def test_point_lookup(locator):
    import numpy as np

    lon = np.array([-0.070175, -0.1276, -0.0920, 0.0, float("nan")])
    lat = np.array([51.516834, 51.5034, 51.5155, 50.0, 51.5])
    # Osborn Street (Tower Hamlets), Downing Street (Westminster), Bank (City of London: not Met),
    # the Channel, no coordinates.
    assert list(locator.codes(lon, lat)) == ["E09000030", "E09000033", NOT_ASSIGNED_CODE, NOT_ASSIGNED_CODE, NOT_ASSIGNED_CODE]


def test_point_lookup_agrees_with_a_polygon_by_polygon_check_on_a_real_month(geography, locator):
    """Every located search of one archive month against shapely's covers(), borough by borough in GSS order."""
    import numpy as np
    import shapely

    records = json.loads((API_JSON_DIR / "2024-11.json").read_text())
    located = [r["location"] for r in records if r.get("location")]
    lon = np.array([float(loc["longitude"]) for loc in located])
    lat = np.array([float(loc["latitude"]) for loc in located])
    expected = np.full(len(lon), NOT_ASSIGNED_CODE, dtype=object)
    for feature in sorted(geography.boundaries["features"], key=lambda f: f["properties"]["GSS_CODE"], reverse=True):
        inside = shapely.covers(shapely.geometry.shape(feature["geometry"]), shapely.points(lon, lat))
        code = feature["properties"]["GSS_CODE"]
        expected[inside] = NOT_ASSIGNED_CODE if code == CITY_OF_LONDON_CODE else code  # the City of London is not the Met's
    assert len(lon) > 3000
    assert list(locator.codes(lon, lat)) == list(expected)


def test_borough_outlines_are_the_geometries_shapely_reads_from_the_geojson():
    import shapely

    from loaders.geography import _outline, load_boundaries

    collection = load_boundaries(RAW)
    kinds = {feature["geometry"]["type"] for feature in collection["features"]}
    assert kinds == {"Polygon", "MultiPolygon"}
    for feature in collection["features"]:
        assert shapely.to_wkb(_outline(feature["geometry"])) == shapely.to_wkb(shapely.geometry.shape(feature["geometry"]))


def test_a_point_in_two_overlapping_outlines_goes_to_the_lower_code():
    import numpy as np

    from loaders.geography import PointLocator

    def square(code: str, west: float) -> dict:
        ring = [[west, 51.0], [west + 1, 51.0], [west + 1, 52.0], [west, 52.0], [west, 51.0]]
        return {"type": "Feature", "properties": {"GSS_CODE": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}

    overlapping = PointLocator({"type": "FeatureCollection", "features": [square("E09000002", 0.0), square("E09000003", 0.9)]})
    lon, lat = np.array([0.95, 0.5, 1.5, 3.0]), np.array([51.5, 51.5, 51.5, 51.5])
    assert list(overlapping.codes(lon, lat)) == ["E09000002", "E09000002", "E09000003", NOT_ASSIGNED_CODE]


def test_stop_search_counts_match_a_pandas_groupby_with_missing_categories(locator):
    from loaders.build import PEOPLE_KEY, _count

    records = load_stop_search(API_JSON_DIR / "2024-11.json", locator)
    as_text = records[PEOPLE_KEY].astype({c: "object" for c in PEOPLE_KEY if c != "month"}).fillna("not recorded")
    expected = as_text.groupby(PEOPLE_KEY).size()
    counted = _count(records, PEOPLE_KEY).set_index(PEOPLE_KEY)["searches"]
    assert records[PEOPLE_KEY].isna().any().any()  # the month holds missing categories
    assert counted.sum() == len(records) == 3389
    assert counted.sort_index().to_dict() == expected.sort_index().to_dict()


# ---- knife crime --------------------------------------------------------------------------------


def independent_knife_total(subtype: str, fy_end: int) -> int:
    """Straight from the parquet with pyarrow: Borough rows of one subtype within one FY."""
    table = pq.read_table(KNIFE_PARQUET)
    mask = pc.and_(pc.equal(table["area_type"], "Borough"), pc.equal(table["crime_subtype"], subtype))
    mask = pc.and_(mask, pc.equal(table["financial_year"], f"fy{fy_end - 2001}-{fy_end - 2000}"))
    return pc.sum(table.filter(mask)["count"]).as_py()


@pytest.fixture(scope="module")
def knife(lookup):
    return load_knife_crime(KNIFE_PARQUET, lookup)


@pytest.mark.parametrize("fy_end, expected", [(2024, 1292), (2025, 1224)])
def test_knife_injury_victims_non_da_1_24(knife, fy_end, expected):
    victims = knife[(knife.subtype == "Knife Injury Victims (non DA 1-24)") & in_fy(knife.month, fy_end)]
    assert victims["count"].sum() == expected
    assert independent_knife_total("Knife Injury Victims (non DA 1-24)", fy_end) == expected


def test_knife_csv_and_parquet_layouts_agree(knife, lookup):
    assert load_knife_crime(KNIFE_CSV, lookup).equals(knife)


def test_knife_months_from_the_month_column_alone_match_the_whole_file(knife):
    """loaders.knife_crime.months_in reads one column to choose a vintage; it must see the months the full load sees."""
    for path in (KNIFE_PARQUET, KNIFE_CSV):
        assert sorted(knife_months_in(path)) == sorted(knife["month"].unique()), path.name


def test_homicide_months_from_the_date_columns_alone_match_the_whole_file(lookup):
    """loaders.homicide_victims.months_in reads the date column(s) to choose a vintage, in both
    layouts (Recorded Date; Recorded Year and Recorded Month); it must see the months the full load sees."""
    for path in (VICTIMS_2020, VICTIMS_2024):
        assert sorted(homicide_months_in(path).unique()) == sorted(load_homicide_victims(path, lookup)["month"].unique()), path.name


def test_the_newest_vintage_is_chosen_before_any_file_is_loaded(tmp_path):
    """Latest month wins; on a tie, more months, then parquet. Only the chosen file is loaded."""
    months = {"copy.csv": ["2024-01", "2024-02"], "original.parquet": ["2024-01", "2024-02"], "older.csv": ["2023-11", "2024-01"]}
    loaded: list[str] = []

    def load(path: Path) -> pd.DataFrame:
        loaded.append(path.name)
        return pd.DataFrame({"month": pd.to_datetime(months[path.name])})

    chosen, _ = _newest([tmp_path / name for name in months], load, lambda path: pd.Series(pd.to_datetime(months[path.name])))
    assert chosen.name == "original.parquet" and loaded == ["original.parquet"]
    months["copy.csv"].append("2024-03")
    assert _newest([tmp_path / name for name in months], load, lambda path: pd.Series(pd.to_datetime(months[path.name])))[0].name == "copy.csv"


def test_knife_is_zero_filled_and_never_adds_snt_rows(knife):
    pairs = knife[["subtype", "measure"]].drop_duplicates()
    assert len(knife) == knife.month.nunique() * 33 * len(pairs)
    assert len(pairs) == 8  # victims subtypes have no Positive Outcomes measure
    # The file's grand total over Borough rows alone; SNT rows would double it.
    table = pq.read_table(KNIFE_PARQUET)
    borough_total = pc.sum(table.filter(pc.equal(table["area_type"], "Borough"))["count"]).as_py()
    assert knife["count"].sum() == borough_total
    assert knife["count"].sum() < pc.sum(table["count"]).as_py()


def test_boroughs_and_bcus_add_up_to_london(knife, geography):
    fy = knife[in_fy(knife.month, 2025) & (knife.subtype == "Knife Crime") & (knife.measure == "Offences")]
    london = fy["count"].sum()
    by_area = fy.merge(geography.areas_table(), on="borough_code")
    unassigned = by_area.loc[by_area.borough_code == NOT_ASSIGNED_CODE, "count"].sum()
    assert by_area.groupby("borough")["count"].sum().sum() == london
    assert by_area[by_area.borough_code != NOT_ASSIGNED_CODE].groupby("bcu")["count"].sum().sum() + unassigned == london
    assert 0 < unassigned < london * 0.05  # "Other / NK": real but small


# ---- homicide victims ---------------------------------------------------------------------------


def independent_victims(path, fy_end, method=None, ages=None) -> int:
    """Count rows with the csv module, parsing the split Recorded Year/Month columns by hand."""
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sum(
        int(r["Count of Victims"])
        for r in rows
        if financial_year_of(int(r["Recorded Year"]), MONTHS[r["Recorded Month"]]) == fy_end
        and (method is None or r["MethodofKilling"] == method)
        and (ages is None or r["Age Group"] in ages)
    )


@pytest.fixture(scope="module")
def victims(lookup):
    return load_homicide_victims(VICTIMS_2024, lookup)


def test_knife_homicide_victims_fy2023_24(victims):
    knife_fy = victims[(victims.method == "Knife or Sharp Implement") & in_fy(victims.month, 2024)]
    assert len(knife_fy) == 81 == independent_victims(VICTIMS_2024, 2024, method="Knife or Sharp Implement")


@pytest.mark.parametrize("fy_end, all_victims, knife, teen_child", [(2023, 111, 65, 18), (2024, 111, 81, 29)])
def test_homicide_reference_figures(victims, fy_end, all_victims, knife, teen_child):
    fy = victims[in_fy(victims.month, fy_end)]
    assert len(fy) == all_victims == independent_victims(VICTIMS_2024, fy_end)
    assert (fy.method == "Knife or Sharp Implement").sum() == knife
    assert fy.age_group.isin(["0 to 12", "13 to 19"]).sum() == teen_child == independent_victims(VICTIMS_2024, fy_end, ages={"0 to 12", "13 to 19"})


def test_homicide_age_groups_are_ordered(victims):
    assert victims.age_group.cat.ordered
    assert victims.age_group.min() == "0 to 12"


def test_older_recorded_date_layout_matches_by_year(victims, lookup):
    older = load_homicide_victims(VICTIMS_2020, lookup)
    assert len(older) == 2544
    newer_by_year = victims.groupby(victims.month.dt.year).size()
    older_by_year = older.groupby(older.month.dt.year).size()
    for year in range(2003, 2016):
        if year != 2009:  # SOURCES.md: the only year that differs (131 vs 130)
            assert newer_by_year[year] == older_by_year[year]
    assert set(older.sex) <= {"Male", "Female", "Unknown"}  # 'Unrecorded' mapped


def test_homicide_id_layout(tmp_path, lookup):
    text = VICTIMS_2020.read_text(encoding="utf-8").splitlines()
    rows = ["Homicide ID," + text[0]] + [f"H{i}," + line for i, line in enumerate(text[1:])]
    path = tmp_path / "Homicide Victims 2003 - Jun 2025.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert len(load_homicide_victims(path, lookup)) == 2544


# ---- borough-level recorded crime ---------------------------------------------------------------


@pytest.fixture(scope="module")
def crime(lookup):
    return load_borough_crime([CRIME_HISTORICAL, CRIME_RECENT], lookup)


def independent_homicide_offences(fy_end: int) -> int:
    total = 0
    for path in (CRIME_HISTORICAL, CRIME_RECENT):
        table = pq.read_table(path).to_pylist()
        for row in table:
            if row["minortext"] == "HOMICIDE":
                total += sum(v for k, v in row.items() if k.isdigit() and financial_year_of(int(k[:4]), int(k[4:])) == fy_end)
    return total


@pytest.mark.parametrize("fy_end, expected", [(2023, 115), (2024, 112), (2025, 104)])
def test_homicide_offences_by_fy(crime, fy_end, expected):
    homicide = crime[(crime.minor_category == "HOMICIDE") & in_fy(crime.month, fy_end)]
    assert homicide.offences.sum() == expected == independent_homicide_offences(fy_end)


def test_recording_system_switch(crime):
    systems = crime.groupby("recording_system").month.agg(["min", "max"])
    assert systems.loc["CRIS", "max"] == pd.Timestamp("2024-02-01")
    assert systems.loc["CONNECT", "min"] == pd.Timestamp("2024-03-01")


def test_borough_crime_csv_copy_equals_parquet(lookup):
    assert load_borough_crime([CRIME_RECENT_CSV], lookup).equals(load_borough_crime([CRIME_RECENT], lookup))


# ---- population ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year, total, under_25",
    [(2019, 8_961_989, 2_779_630), (2020, 9_002_488, 2_783_935), (2023, 8_945_309, 2_720_824), (2024, 9_089_736, 2_763_221)],
)
def test_mid_year_estimates(year, total, under_25):
    path = next(RAW.glob(f"population/ons_mye2_persons_sya_mid{year}*.csv"))
    estimates = load_mid_year_estimates(path)
    assert estimates.population.sum() == total
    assert estimates[estimates.age < 25].population.sum() == under_25
    assert set(estimates.series) == {"2021-based" if year >= 2021 else "2011-based"}


def test_census_ethnicity():
    ethnicity = load_census_ethnicity(next(RAW.glob("population/ons_census2021_ethnic_group*.csv")))
    assert ethnicity.population.sum() == 8_799_736
    croydon = ethnicity[ethnicity.area_code == "E09000008"].set_index("ethnic_group").population
    assert croydon["Black"] == 88_441


# ---- stop and search ----------------------------------------------------------------------------


def test_api_json_matches_independent_count(locator):
    path = API_JSON_DIR / "2024-11.json"
    searches = load_stop_search(path, locator)
    records = json.loads(path.read_text())
    weapon_objects = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
    expected_weapons = sum(r["object_of_search"] in weapon_objects or "section 60" in (r["legislation"] or "") for r in records)
    expected_positive = sum(bool(r["outcome"]) and r["outcome"] != "A no further action disposal" for r in records)
    assert len(searches) == len(records) == 3389
    # The indicator layer's declared selections, applied to the loaded records:
    assert WEAPONS_SEARCH.mask(searches).sum() == expected_weapons
    assert POSITIVE_OUTCOME.mask(searches).sum() == expected_positive
    assert searches.month.eq(pd.Timestamp("2024-11-01")).all()
    assert ARREST.mask(searches).sum() == sum(r["outcome"] == "Arrest" for r in records)


def test_archive_csv_layout_gives_same_frame_as_api(tmp_path, locator):
    records = json.loads((API_JSON_DIR / "2025-01.json").read_text())[:300]
    header = [
        "Type",
        "Date",
        "Part of a policing operation",
        "Policing operation",
        "Latitude",
        "Longitude",
        "Gender",
        "Age range",
        "Self-defined ethnicity",
        "Officer-defined ethnicity",
        "Legislation",
        "Object of search",
        "Outcome",
        "Outcome linked to object of search",
        "Removal of more than just outer clothing",
    ]
    csv_path = tmp_path / "2025-01-metropolitan-stop-and-search.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in records:
            loc = r["location"] or {}
            writer.writerow(
                [
                    r["type"],
                    r["datetime"],
                    r["operation"],
                    r["operation_name"] or "",
                    loc.get("latitude", ""),
                    loc.get("longitude", ""),
                    r["gender"] or "",
                    r["age_range"] or "",
                    r["self_defined_ethnicity"] or "",
                    r["officer_defined_ethnicity"] or "",
                    r["legislation"] or "",
                    r["object_of_search"] or "",
                    r["outcome"] or "",
                    "" if r["outcome_linked_to_object_of_search"] is None else r["outcome_linked_to_object_of_search"],
                    r["removal_of_more_than_outer_clothing"],
                ]
            )
    json_path = tmp_path / "2025-01.json"
    json_path.write_text(json.dumps(records))
    from_csv, from_json = load_stop_search(csv_path, locator), load_stop_search(json_path, locator)
    columns = ["datetime", "month", "outcome", "borough_code", "legislation", "object_of_search", "outcome_linked_to_object", "latitude"]
    pd.testing.assert_frame_equal(
        from_csv[columns].astype({"outcome": str, "borough_code": str, "legislation": str, "object_of_search": str}),
        from_json[columns].astype({"outcome": str, "borough_code": str, "legislation": str, "object_of_search": str}),
    )


def test_homicide_victims_carry_borough_and_bcu_names(victims):
    hackney = victims[victims.borough_code == "E09000012"]
    assert set(hackney.borough) == {"Hackney"} and set(hackney.bcu) == {"Central East"}
    unmapped = victims[victims.borough_code == NOT_ASSIGNED_CODE]
    assert len(unmapped) == 64 and set(unmapped.bcu) == {"Not assigned to a borough"}  # SOURCES.md: 64 'Unmapped' rows
