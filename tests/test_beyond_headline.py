"""Issue 4: statistics, rates per 100,000, map values, the letter page, stop and search in depth."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
from shapely.ops import unary_union
from streamlit.testing.v1 import AppTest

from benchmarks.live import go_to
from indicators.areas import Area
from indicators.export import changes_table
from indicators.periods import parse_period
from indicators.snapshot import Snapshot
from indicators.stop_search import by_power, disproportionality
from loaders.build import build_into
from tests.conftest import API_JSON_DIR, CRIME_RECENT, KNIFE_CSV, RAW
from tests.test_app import NON_DA, bcu_codes, frame_with, open_app, snapshot_borough_shapes, snapshot_knife_total

LONDON = Area("London", "London")


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot.load()


def residents_aged(codes: set[str], year: int, first: int, last: int) -> int:
    """From the raw ONS CSV with the csv module (BOM-aware), not through the loaders."""
    path = next(RAW.glob(f"population/ons_mye2_persons_sya_mid{year}*.csv"))
    with open(path, encoding="utf-8-sig") as handle:
        return sum(
            sum(int(row["90+" if age == 90 else str(age)].replace(",", "")) for age in range(first, last + 1))
            for row in csv.DictReader(handle)
            if row["Code"] in codes
        )


def test_bcu_rate_per_100k_against_raw_population(snapshot):
    codes = bcu_codes("Central West")
    rate, note = snapshot.rate_per_100k("knife_injury_victims_under_25_non_da", Area("BCU", "Central West"), parse_period("FY2024/25"))
    count = snapshot.value("knife_injury_victims_under_25_non_da", Area("BCU", "Central West"), parse_period("FY2024/25"))
    assert rate == pytest.approx(100_000 * count / residents_aged(codes, 2024, 1, 24))
    assert note == "mid-2024 (2021-based)"


def test_rate_for_a_year_without_an_estimate_says_which_year_it_used(snapshot):
    _, note = snapshot.rate_per_100k("knife_injury_victims_under_25_non_da", LONDON, parse_period("FY2022/23"))
    assert note == "mid-2023 (2021-based); nearest available to mid-2022"
    _, note = snapshot.rate_per_100k("homicide_victims_0_19", LONDON, parse_period("FY2019/20"))
    assert note == "mid-2019 (2011-based)"


def test_london_rate_excludes_city_of_london_residents(snapshot):
    london_codes = {f"E09{n:06d}" for n in range(2, 34)}
    rate, _ = snapshot.rate_per_100k("homicide_offences", LONDON, parse_period("FY2024/25"))
    assert rate == pytest.approx(100_000 * 104 / residents_aged(london_codes, 2024, 0, 90))


def test_map_values_cover_the_32_boroughs(snapshot):
    values = snapshot.borough_values("knife_injury_victims_under_25_non_da", parse_period("FY2024/25"), per_100k=False)
    assert len(values) == 32 and "E09000001" not in set(values.borough_code)
    unassigned = snapshot.breakdown("knife_injury_victims_under_25_non_da", parse_period("FY2024/25"), "borough").iloc[-1]["value"]
    assert values["value"].sum() + unassigned == 1224


def raw_monthly_knife_victims(first: str, last: str) -> list[int]:
    """London non-DA knife injury victims per month from the raw CSV, with the csv module (borough rows only)."""
    totals: Counter = Counter()
    with open(KNIFE_CSV, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                row["area_type"] == "Borough"
                and row["crime_subtype"] == NON_DA
                and row["measure"] == "Offences"
                and first <= row["month_year"][:7] <= last
            ):
                totals[row["month_year"][:7]] += int(row["count"])
    return [totals[m] for m in sorted(totals)]


def statsmodels_change(current: list[int], previous: list[int]) -> tuple[float, float, float]:
    counts = np.array(previous + current)
    design = sm.add_constant(np.r_[np.zeros(len(previous)), np.ones(len(current))])
    fit = sm.GLM(counts, design, family=sm.families.Poisson()).fit(scale="X2")
    low, high = np.exp(fit.conf_int()[1])
    return float(low), float(high), float(fit.scale)


def test_changes_export_matches_statsmodels_on_raw_counts(snapshot):
    previous, current = raw_monthly_knife_victims("2023-04", "2024-03"), raw_monthly_knife_victims("2024-04", "2025-03")
    assert (sum(previous), sum(current)) == (1292, 1224)
    low, high, scale = statsmodels_change(current, previous)
    changes = changes_table(snapshot, LONDON, "fy")
    row = changes[(changes.measure == "knife_injury_victims_under_25_non_da") & (changes.period == "FY2024/25")].iloc[0]
    assert (row["ci95_low"], row["ci95_high"], row["dispersion"]) == pytest.approx((low, high, scale), abs=6e-3)
    assert row["reading"] == ("within normal variation" if low < 1 < high else "a fall larger than normal variation")
    fy2023 = sum(raw_monthly_knife_victims("2022-04", "2023-03"))
    assert row["against_earlier_years"] == f"lower than any of the 2 years before it ({min(fy2023, 1292):,} to {max(fy2023, 1292):,})"


def test_scorecard_shows_the_interval_and_dispersion():
    at = open_app()
    previous, current = raw_monthly_knife_victims("2023-04", "2024-03"), raw_monthly_knife_victims("2024-04", "2025-03")
    low, high, scale = statsmodels_change(current, previous)
    boxes = " ".join(box.value for box in at.info)
    assert f"95% CI {low:.2f} to {high:.2f}; dispersion {scale:.2f}" in boxes


def test_claim_page_rates_and_map():
    at = go_to(open_app(area="Central West BCU"), "knife_injury_under_25")
    at.radio(key="scale-knife-injury-under-25").set_value("rate per 100,000 residents").run()
    assert not at.exception
    by_bcu = frame_with(at, "rate_per_100k", rows=13)
    central_west = by_bcu[by_bcu.area == "Central West"].iloc[0]
    assert central_west["rate_per_100k"] == pytest.approx(
        round(100_000 * central_west["value"] / residents_aged(bcu_codes("Central West"), 2024, 1, 24), 2)
    )
    assert any("mid-2024 (2021-based)" in c.value for c in at.caption)
    map_table = frame_with(at, "borough_code", rows=32).set_index("borough")
    hackney_count = snapshot_knife_total(NON_DA, __import__("datetime").date(2024, 4, 1), __import__("datetime").date(2025, 4, 1), {"E09000012"})
    assert map_table.loc["Hackney", "value"] == pytest.approx(round(100_000 * hackney_count / residents_aged({"E09000012"}, 2024, 1, 24), 2))


def test_map_loads_its_boundaries_by_address_and_outlines_the_selection():
    """The map names each of the snapshot's boundary files by address, in one layer each (ui/boundaries.py),
    and embeds only the few shapes it draws again on top: the City of London and the selected borough and
    its BCU (read here from the raw BCU lookup), outlined thick. Plotly gives a second layer naming an
    address still on its way 5 s, then throws. The view is the boroughs' extent (the browser fits it to the
    chart's size), found here with shapely from the snapshot's file."""
    at = go_to(open_app(area="Hackney"), "knife_injury_under_25")
    spec = next(chart.proto.spec for chart in at.get("plotly_chart") if '"choropleth"' in chart.proto.spec)
    version = Snapshot.load().version
    traces = json.loads(spec)["data"]
    addresses = [trace["geojson"] for trace in traces if isinstance(trace["geojson"], str)]
    assert sorted(addresses) == [f"/boundaries/{version}/bcus.geojson", f"/boundaries/{version}/boroughs.geojson"]
    embedded = [trace for trace in traces if isinstance(trace["geojson"], dict)]
    names = [
        [feature["properties"].get("GSS_CODE") or feature["properties"]["BCU"] for feature in trace["geojson"]["features"]] for trace in embedded
    ]
    with open(RAW / "geo/borough_to_bcu_compiled.csv", encoding="utf-8") as handle:
        hackney_bcu = next(row["bcu"] for row in csv.DictReader(handle) if row["gss_code"] == "E09000012")
    assert names == [["E09000001"], [hackney_bcu], ["E09000012"]] and [trace["locations"] for trace in embedded] == names
    assert len(spec) < 40_000  # the three embedded shapes; the 32 boroughs and 12 BCUs come by address
    thick = [trace["locations"] for trace in traces if trace.get("marker", {}).get("line", {}).get("width") == 3]
    assert thick == [[hackney_bcu], ["E09000012"]]
    west, south, east, north = unary_union(list(snapshot_borough_shapes().values())).bounds
    geo = json.loads(spec)["layout"]["geo"]
    assert (geo["lonaxis"]["range"], geo["lataxis"]["range"]) == ([west, east], [south, north])
    assert geo["visible"] is False and geo["projection"]["type"] == "mercator"


def test_letter_page_figures():
    at = go_to(open_app(), "pages/letter.py")
    assert not at.exception
    table = frame_with(at, "what_open_data_says")
    assert len(table) == 10
    text = " ".join(table["what_open_data_says"])
    recent = pq.read_table(CRIME_RECENT).to_pandas()
    november_2024 = int(recent.loc[recent.minortext == "POSSESSION OF WEAPONS", "202411"].sum())
    assert f"{november_2024:,} in November 2024" in text
    assert "12 BCUs covering 32 boroughs" in text
    child_first = table[table.letter_says.str.contains("10 days")].iloc[0]
    assert child_first["checkable"] == "Not checkable with open data"


# ---- stop and search in depth, on a snapshot built with the (partial) API copies -----------------


@pytest.fixture(scope="module")
def search_snapshot(tmp_path_factory) -> Path:
    """A test snapshot whose stop-search tables come from the partial API JSON (format only, never published)."""
    raw = tmp_path_factory.mktemp("raw")
    for folder in ("geo", "population", "knife_crime", "homicide", "published"):
        shutil.copytree(RAW / folder, raw / folder)
    api = raw / "stop_search" / "police_uk"
    api.mkdir(parents=True)
    for path in API_JSON_DIR.glob("*.json"):
        shutil.copy(path, api / path.name)
    out = tmp_path_factory.mktemp("snapshot")
    build_into(raw, out)
    return out


def json_records(months: list[str]) -> list[dict]:
    return [r for m in months for r in json.loads((API_JSON_DIR / f"{m}.json").read_text())]


def test_searches_by_power_against_json(search_snapshot):
    snapshot = Snapshot.load(search_snapshot)
    period = parse_period("R12-2025-04")  # the file months 2024-09..2025-04 lie inside it
    table = by_power(snapshot, LONDON, period).set_index("power")
    records = json_records([f"{m:%Y-%m}" for m in pd.date_range("2024-09-01", "2025-04-01", freq="MS")])
    weapons = [
        r
        for r in records
        if r["object_of_search"] in {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
        or "section 60" in (r["legislation"] or "")
    ]
    section_60 = [r for r in weapons if "section 60" in (r["legislation"] or "")]
    assert table["searches"].sum() == len(weapons)
    assert table.loc["Section 60 (no suspicion needed)", "searches"] == len(section_60)
    assert table["arrests"].sum() == sum(r["outcome"] == "Arrest" for r in weapons)


def test_disproportionality_against_json_and_census(search_snapshot):
    snapshot = Snapshot.load(search_snapshot)
    table = disproportionality(snapshot, LONDON, parse_period("R12-2025-04")).set_index("ethnic_group")
    records = json_records([f"{m:%Y-%m}" for m in pd.date_range("2024-09-01", "2025-04-01", freq="MS")])
    weapons = [
        r
        for r in records
        if r["object_of_search"] in {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
        or "section 60" in (r["legislation"] or "")
    ]
    groups = Counter((r["self_defined_ethnicity"] or "").split(" - ")[0] for r in weapons)
    census = pd.read_csv(next(RAW.glob("population/ons_census2021_ethnic_group*.csv")))
    london = census[census.ltla21_code.isin({f"E09{n:06d}" for n in range(2, 34)}) & census.ethnic_group.str.endswith("(number)")]
    black_residents = london[london.ethnic_group.str.startswith("Black")]["value"].sum()
    white_residents = london[london.ethnic_group.str.startswith("White")]["value"].sum()
    black_searches, white_searches = groups["Black/African/Caribbean/Black British"], groups["White"]
    expected = (black_searches / black_residents) / (white_searches / white_residents)
    assert table.loc["Black", "searches"] == black_searches
    assert table.loc["Black", "ratio_to_white"] == pytest.approx(expected, abs=0.01)
    assert table.loc["White", "ratio_to_white"] == 1


def test_stop_search_page_with_and_without_data(search_snapshot, monkeypatch):
    at = go_to(open_app(basis="cy", period="CY2025", compare="CY2024"), "pages/stop_search.py")
    assert not at.exception
    assert any("no complete record-level stop-and-search months for CY2025" in i.value for i in at.info)
    at = go_to(open_app(), "pages/stop_search.py")  # FY2024/25: April to August in the embedded data
    assert any("5 of 12 months with data" in w.value for w in at.warning)
    assert any("about 1.5% low" in w.value for w in at.warning)
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(search_snapshot))
    at = go_to(open_app(basis="r12", period="R12-2025-04", compare="R12-2024-04"), "pages/stop_search.py")
    assert not at.exception
    assert any("8 of 12 months" in w.value for w in at.warning)
    powers = frame_with(at, "power")
    assert powers["searches"].sum() == by_power(Snapshot.load(search_snapshot), LONDON, parse_period("R12-2025-04"))["searches"].sum()
    assert not math.isnan(frame_with(at, "ratio_to_white").set_index("ethnic_group").loc["Black", "ratio_to_white"])


@pytest.fixture(scope="module")
def year_of_searches(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A test snapshot with 24 months (named 2023-01..2024-12) of API-format searches: the eight
    partial API files over and over. Format only; never published. Returns the 2024 records."""
    raw = tmp_path_factory.mktemp("raw_year")
    for folder in ("geo", "population", "knife_crime", "homicide", "published"):
        shutil.copytree(RAW / folder, raw / folder)
    api = raw / "stop_search" / "police_uk"
    api.mkdir(parents=True)
    sources = sorted(API_JSON_DIR.glob("*.json"))
    records = []
    for number, month in enumerate(pd.date_range("2023-01-01", "2024-12-01", freq="MS")):
        source = sources[number % len(sources)]
        shutil.copy(source, api / f"{month:%Y-%m}.json")
        if month.year == 2024:
            records += json.loads(source.read_text())
    out = tmp_path_factory.mktemp("snapshot_year")
    build_into(raw, out)
    return out, records


def test_stop_search_export_for_a_complete_year(year_of_searches):
    from indicators.export import stop_search_table

    snapshot_dir, records = year_of_searches
    table = stop_search_table(Snapshot.load(snapshot_dir), LONDON, "cy")
    assert set(table["period"]) == {"CY2023", "CY2024"}
    table = table[table.period == "CY2024"]
    weapons = [
        r
        for r in records
        if r["object_of_search"] in {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
        or "section 60" in (r["legislation"] or "")
    ]
    assert table[table.breakdown == "legal power"]["searches"].sum() == len(weapons)
    assert table[table.breakdown == "ethnic group"]["searches"].sum() == len(weapons)


def test_weapons_searches_by_month(year_of_searches):
    from indicators.stop_search import by_month

    snapshot_dir, _records = year_of_searches
    months = by_month(Snapshot.load(snapshot_dir), LONDON)
    assert len(months) == 24
    november = json.loads((API_JSON_DIR / "2024-11.json").read_text())  # the third file, copied as 2023-03, 2023-11, 2024-07 and 2025-03
    positives = sum(
        (
            r["object_of_search"] in {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
            or "section 60" in (r["legislation"] or "")
        )
        and bool(r["outcome"])
        and r["outcome"] != "A no further action disposal"
        for r in november
    )
    assert months.loc[months.month == "2024-07-01", "positive_outcomes"].item() == positives


def test_claim_4_is_answerable_with_complete_searches(year_of_searches, monkeypatch):
    snapshot_dir, _ = year_of_searches
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(snapshot_dir))
    at = open_app(basis="cy", period="CY2024", compare="CY2023")
    claim_4 = next(m for m in at.metric if m.label.startswith("Weapons searches with a positive outcome"))
    expected = Snapshot.load(snapshot_dir).value("weapons_searches_positive", LONDON, parse_period("CY2024"))
    assert claim_4.value == f"{expected:,}"


def test_letter_export_carries_independent_figures(capsys):
    from indicators.__main__ import main
    from indicators.claims import CLAIMS

    assert main(["export", "--what", "letter"]) == 0
    exported = pd.read_csv(io.StringIO(capsys.readouterr().out))
    recent = pq.read_table(CRIME_RECENT).to_pandas()
    november_2024 = int(recent.loc[recent.minortext == "POSSESSION OF WEAPONS", "202411"].sum())
    week = exported[exported.letter_says == "115 knives seized"].iloc[0]
    assert f"{november_2024:,} in November 2024" in week["what_open_data_says"]
    claim_3 = exported[exported.topic == "Claim 3"].iloc[0]
    assert "1,292 in FY2023/24, 1,224 in FY2024/25" in claim_3["what_open_data_says"]
    # the same page for Hackney follows the area, and says the week-of-action figures were London's
    assert main(["export", "--what", "letter", "--area", "Hackney"]) == 0
    hackney = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("letter_says")
    hackney_november = int(recent.loc[(recent.minortext == "POSSESSION OF WEAPONS") & (recent.boroughname == "Hackney"), "202411"].sum())
    assert f"{hackney_november:,} in November 2024" in hackney.loc["115 knives seized", "what_open_data_says"]
    assert hackney.loc["115 knives seized", "what_open_data_says"].startswith("The letter's figure is for all London; shown here for Hackney.")
    assert "The same test for Hackney" in hackney.loc[CLAIMS[2].words, "what_open_data_says"]
    assert main(["export", "--what", "letter", "--basis", "cy", "--period", "FY2024/25"]) == 1  # refused clearly


def test_scorecard_trend_and_csv_against_independent_sums():
    at = open_app()
    sums = [snapshot_knife_total(NON_DA, __import__("datetime").date(y, 4, 1), __import__("datetime").date(y + 1, 4, 1)) for y in (2022, 2023, 2024)]
    trend = "Last complete periods: " + " · ".join(f"FY{y}/{y - 1999}: {total:,}" for y, total in zip((2022, 2023, 2024), sums))
    assert any(trend in caption.value.split("\n\n") for caption in at.caption)  # a paragraph of the tile's caption
    evidence = frame_with(at, "evidence")
    claim_3 = evidence[(evidence.claim == 3) & evidence.shown_on_tile].iloc[0]
    assert (claim_3["previous"], claim_3["current"], claim_3["rung"]) == (sums[1], sums[2], 1)
    assert set(evidence["claim"]) == {1, 2, 3, 4} and evidence.groupby("claim")["shown_on_tile"].sum().eq(1).all()


def test_sources_page_says_how_old_each_source_is():
    at = go_to(open_app(), "pages/sources.py")
    coverage = frame_with(at, "months_before_build").set_index("table")
    built = pd.Timestamp(Snapshot.load().manifest["built_at"])
    assert coverage.loc["homicide_victims", "months_before_build"] == (built.year - 2024) * 12 + built.month - 3


def test_linked_outcomes_from_archive_csv(tmp_path):
    """Archive CSVs carry 'True'/'False' for the linked flag: the linked measure counts the Trues."""
    from tests.test_fuzz import STOP_SEARCH_HEADER

    raw = tmp_path / "raw"
    for folder in ("geo", "population", "knife_crime", "homicide", "published"):
        shutil.copytree(RAW / folder, raw / folder)
    rows = [STOP_SEARCH_HEADER]
    outcomes = [("Arrest", "True"), ("Arrest", "False"), ("Community resolution", "True"), ("A no further action disposal", "False"), ("Arrest", "")]
    for month in range(1, 13):
        for outcome, linked in outcomes:  # 2024 only: CY2024 is complete
            rows.append(
                f"Person search,2024-{month:02d}-05T10:00:00+00:00,False,,51.5,-0.1,Male,18-24,,White,,Offensive weapons,{outcome},{linked},False"
            )
        path = raw / "stop_search" / "csv" / f"2024-{month:02d}-metropolitan-stop-and-search.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        rows = [STOP_SEARCH_HEADER]
    out = tmp_path / "snapshot"
    out.mkdir()
    build_into(raw, out)
    snapshot = Snapshot.load(out)
    cy2024 = parse_period("CY2024")
    assert snapshot.value("weapons_searches", LONDON, cy2024) == 60
    assert snapshot.value("weapons_searches_positive", LONDON, cy2024) == 48
    assert snapshot.value("weapons_searches_positive_linked", LONDON, cy2024) == 24
    assert snapshot.value("weapons_linked_outcome_rate", LONDON, cy2024) == pytest.approx(40.0)
    assert snapshot.manifest["tables"]["stop_search"]["notes"] == ""


def test_build_warns_when_no_outcome_is_ever_linked(search_snapshot):
    note = Snapshot.load(search_snapshot).manifest["tables"]["stop_search"]["notes"]
    assert "No outcome is marked as linked to the object of the search in 8 month(s)" in note and "not reliable" in note


def test_age_bands_in_age_order(year_of_searches):
    from indicators.stop_search import by_person

    ages = by_person(Snapshot.load(year_of_searches[0]), LONDON, parse_period("CY2024"), "age_range")["age_range"].tolist()
    assert ages == [a for a in ["under 10", "10-17", "18-24", "25-34", "over 34", "not recorded"] if a in ages]


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the plotly charts on the page, from their JSON specs."""
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for chart in at.get("plotly_chart")]


def test_rate_view_titles_and_ranks_by_rate(snapshot):
    at = go_to(open_app(), "knife_injury_under_25")
    at.radio(key="scale-knife-injury-under-25").set_value("rate per 100,000 residents").run()
    fy25 = parse_period("FY2024/25")
    london_residents = residents_aged({f"E09{n:06d}" for n in range(2, 34)}, 2024, 1, 24)
    title = chart_titles(at)[0]
    assert "per 100,000 residents aged 1-24" in title
    assert f"{100_000 * 1224 / london_residents:,.1f} in FY2024/25" in title  # the rate drawn, not the count
    by_bcu = frame_with(at, "rate_per_100k", rows=13)
    rates = by_bcu["rate_per_100k"].iloc[:-1].tolist()
    assert rates == sorted(rates, reverse=True)  # ranked by what is drawn
    assert by_bcu["area"].iloc[-1] == "Not assigned to a borough"
    assert (
        snapshot.breakdown("knife_injury_victims_under_25_non_da", fy25, "bcu")["value"].iloc[:-1].is_monotonic_decreasing
    )  # the count view ranks by count


def test_sources_page_gaps_come_from_the_data():
    from indicators.claims import CLAIMS
    from indicators.verdicts import assess

    at = go_to(open_app(), "pages/sources.py")
    text = " ".join(m.value for m in at.markdown)
    snapshot = Snapshot.load()
    for claim in CLAIMS:
        assessment = assess(snapshot, claim, LONDON, parse_period("FY2024/25"), parse_period("FY2023/24"))
        assert (f"Claim {claim.number} rests on: {assessment.best.label}" in text) == (assessment.best.rung != 1)
    # the ONS series break, read from the population table
    series = {p.stem for p in RAW.glob("population/ons_mye2_persons_sya_mid*.csv")}
    assert "mid-2019 and mid-2020 are 2011-based; mid-2023 and mid-2024 are 2021-based" in text and len(series) == 4


def test_exported_chart_images_say_what_where_when_and_from_which_snapshot():
    at = go_to(open_app(area="Hackney"), "knife_injury_under_25")
    manifest = Snapshot.load().manifest
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        subtitle = layout["title"]["subtitle"]["text"].replace("<br>", " ")  # lines broken to fit a phone
        assert f"Snapshot {manifest['version'][:8]}, built {pd.Timestamp(manifest['built_at']):%d %b %Y}." in subtitle
        assert "Source:" in subtitle and "Data through" in subtitle
        assert json.loads(chart.proto.config)["toImageButtonOptions"]["filename"].startswith("knife_injury_victims_under_25_non_da-")
    titles = chart_titles(at)
    assert "Knife injury victims aged 1-24, excluding domestic abuse by borough, FY2024/25" in titles  # the ranking names its measure


def test_no_rate_without_a_population_estimate_of_that_year_or_the_next(snapshot):
    """The snapshot holds mid-2019, 2020, 2023 and 2024 (from the raw ONS files): FY2010/11 gets no rate, and says why."""
    held = sorted(int(p.name.split("mid")[1][:4]) for p in RAW.glob("population/ons_mye2_persons_sya_mid*.csv"))
    assert snapshot.population_years() == held
    rate, note = snapshot.rate_per_100k("knife_homicide_victims", LONDON, parse_period("FY2010/11"))
    assert rate is None and note == "no rate: no ONS estimate for mid-2010 or a year either side in the snapshot"
    rate, note = snapshot.rate_per_100k("knife_homicide_victims", LONDON, parse_period("FY2021/22"))
    assert rate is not None and note == "mid-2020 (2011-based); nearest available to mid-2021"


def test_stop_search_page_says_why_there_is_no_ratio_instead_of_an_empty_chart():
    """The embedded months come from a copy without the ethnicity columns (its header, read here): no ratio chart, a reason instead."""
    copy = next(RAW.glob("stop_search/derived_third_party_dc2-33*/2024-04_stop_and_search_cleaned.csv"))
    header = copy.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "Self-defined ethnicity" not in header
    at = go_to(open_app(), "pages/stop_search.py")
    assert any("carry no self-defined ethnicity" in i.value for i in at.info)
    assert not any("Disproportionality ratio" in t for t in chart_titles(at))
    by_group = frame_with(at, "ethnic_group").set_index("ethnic_group")
    assert (
        by_group.loc["Not stated", "searches"] > 0 and (by_group.drop(index="Not stated")["searches"] == 0).all()
    )  # every search, shown all the same
    assert all(
        "Source: record-level stop-and-search data with outcomes (data.police.uk)"
        in json.loads(c.proto.spec)["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    )
