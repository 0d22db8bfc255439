"""Fast page tests with streamlit.testing.v1.AppTest: figures on screen equal figures
computed independently from the snapshot files; filters change what is shown."""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from indicators.areas import Area
from indicators.export import export_table
from indicators.snapshot import Snapshot
from loaders.snapshot_files import PROJECT_ROOT, SNAPSHOT_DIR
from tests.conftest import RAW

NON_DA = "Knife Injury Victims (non DA 1-24)"
PAGES = [
    "pages/knife_homicides.py",
    "pages/teen_child_homicides.py",
    "pages/knife_injury_under_25.py",
    "pages/weapons_search_outcomes.py",
    "pages/sources.py",
]


def bcu_codes(bcu: str) -> set[str]:
    with open(RAW / "geo/borough_to_bcu_compiled.csv", encoding="utf-8") as handle:
        return {row["gss_code"] for row in csv.DictReader(handle) if row["bcu"] == bcu}


def snapshot_knife_total(subtype: str, start: dt.date, end: dt.date, codes: set[str] | None = None) -> int:
    """Straight from the snapshot parquet with pyarrow (not through the indicator layer)."""
    table = pq.read_table(SNAPSHOT_DIR / "knife_crime.parquet")
    mask = pc.and_(pc.equal(table["subtype"], subtype), pc.equal(table["measure"], "Offences"))
    mask = pc.and_(mask, pc.and_(pc.greater_equal(table["month"], start), pc.less(table["month"], end)))
    if codes is not None:
        mask = pc.and_(mask, pc.is_in(table["borough_code"], value_set=pa.array(sorted(codes))))
    return pc.sum(table.filter(mask)["count"]).as_py()


def open_app(**query) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def frame_with(at: AppTest, column: str, rows: int | None = None):
    """The first dataframe shown with this column (and row count): AppTest dataframes carry no key."""
    return next(d.value for d in at.dataframe if column in d.value.columns and (rows is None or len(d.value) == rows))


def metric(at: AppTest, label_start: str):
    return next(m for m in at.metric if m.label.startswith(label_start))


def test_scorecard_default_shows_four_tiles_with_snapshot_figures():
    at = open_app()
    assert not at.exception
    assert len(at.metric) == 4
    expected = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1))
    assert expected == 1224
    claim_3 = metric(at, "Knife injury victims aged 1-24, excluding domestic abuse")
    assert claim_3.value == f"{expected:,}"
    previous = snapshot_knife_total(NON_DA, dt.date(2023, 4, 1), dt.date(2024, 4, 1))
    assert claim_3.delta.startswith(f"-{previous - expected} (-5.3%)")
    assert metric(at, "Homicide victims killed with a knife").value == "no data"
    assert metric(at, "Weapons searches with a positive outcome").value == "no data"
    infos = " ".join(i.value for i in at.info)
    assert "run to March 2024" in infos and "python -m loaders refresh" in infos
    assert any("Supported." in s.value for s in at.success)
    assert at.query_params["area"] == "London" and at.query_params["period"] == "FY2024/25"


def test_bcu_in_url_changes_the_figures():
    at = open_app(area="Central East BCU")
    assert not any("link" in w.value for w in at.warning)
    expected = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), bcu_codes("Central East"))
    assert metric(at, "Knife injury victims aged 1-24").value == f"{expected:,}"
    assert expected != 1224


def test_choosing_an_area_changes_the_figures_and_the_url():
    at = open_app()
    before = metric(at, "Knife injury victims aged 1-24").value
    at.selectbox(key="area").set_value(Area("Borough", "Croydon")).run()
    croydon = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000008"})
    assert metric(at, "Knife injury victims aged 1-24").value == f"{croydon:,}" != before
    assert at.query_params["area"] == "Croydon"


def test_calendar_years():
    at = open_app(basis="cy", period="CY2023", compare="CY2022")
    expected = snapshot_knife_total(NON_DA, dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert metric(at, "Knife injury victims aged 1-24").value == f"{expected:,}"
    # CY2023 vs CY2022 for victim-level homicide data is answerable (file runs to March 2024)
    assert metric(at, "Homicide victims killed with a knife").value == "74"


def test_rolling_twelve_months():
    at = open_app(basis="r12", period="R12-2025-09", compare="R12-2024-09")
    expected = snapshot_knife_total(NON_DA, dt.date(2024, 10, 1), dt.date(2025, 10, 1))
    assert metric(at, "Knife injury victims aged 1-24").value == f"{expected:,}"


@pytest.mark.parametrize(
    "query, notice",
    [
        ({"area": "Gotham"}, "Unknown area"),
        ({"area": "<script>alert(1)</script>"}, "Unknown area"),
        ({"basis": "weekly"}, "Unknown period basis"),
        ({"period": "FY2099/01"}, "not a period"),
        ({"period": "FY2099/2100"}, "not a period"),
        ({"period": "FY2040/41"}, "no complete period"),
        ({"colour": "red"}, "unknown link setting"),
        ({"area": "x" * 500}, "over-long"),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(query, notice):
    at = open_app(**query)
    assert not at.exception
    assert any(notice.lower() in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    assert metric(at, "Knife injury victims aged 1-24").value == "1,224"  # the default view


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", [{}, {"area": "Hackney", "basis": "cy", "period": "CY2023", "compare": "CY2022"}])
def test_every_page_opens(page, query):
    at = open_app(**query)
    at.switch_page(page).run()
    assert not at.exception
    assert at.title


def test_selection_survives_page_changes():
    at = open_app(area="Hackney", basis="cy", period="CY2023", compare="CY2021")
    at.switch_page("pages/knife_homicides.py").run()
    at.switch_page("pages/scorecard.py").run()
    assert at.selectbox(key="area").value == Area("Borough", "Hackney")
    assert at.query_params["period"] == "CY2023" and at.query_params["compare"] == "CY2021"


@pytest.mark.parametrize("area_key, level, name", [("London", "London", "London"), ("Hackney", "Borough", "Hackney")])
def test_claim_page_numbers_equal_the_export(area_key, level, name):
    at = open_app(area=area_key)
    at.switch_page("pages/knife_injury_under_25.py").run()
    shown = frame_with(at, "measure_label")
    exported = export_table(Snapshot.load(), Area(level, name), "fy")
    exported = exported[exported["claim"] == 3].reset_index(drop=True)
    assert shown["value"].fillna(-1).tolist() == exported["value"].fillna(-1).tolist()
    fy25 = shown[(shown["measure"] == "knife_injury_victims_under_25_non_da") & (shown["period"] == "FY2024/25")]["value"].item()
    codes = None if level == "London" else {"E09000012"}
    assert fy25 == snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), codes)


def test_claim_page_ranking_adds_up_to_london():
    at = open_app()
    at.switch_page("pages/knife_injury_under_25.py").run()
    by_bcu = frame_with(at, "area", rows=13)
    by_borough = frame_with(at, "area", rows=33)
    assert len(by_bcu) == 13 and len(by_borough) == 33  # plus the not-assigned row
    assert by_bcu["value"].sum() == by_borough["value"].sum() == 1224


def test_sources_page_lists_every_snapshot_table():
    at = open_app()
    at.switch_page("pages/sources.py").run()
    coverage = frame_with(at, "table")
    manifest_tables = Snapshot.load().manifest["tables"]
    assert set(coverage["table"]) == set(manifest_tables)
    knife = coverage[coverage["table"] == "knife_crime"].iloc[0]
    assert knife["last month"] == manifest_tables["knife_crime"]["last_month"] == "2026-02"


def test_broken_snapshot_shows_how_to_rebuild(tmp_path, monkeypatch):
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(tmp_path))
    at = open_app()
    assert not at.exception
    assert "cannot be read" in at.error[0].value
    assert any("python -m loaders build" in m.value for m in at.markdown)


SNAPSHOT_FILES = sorted(p.name for p in SNAPSHOT_DIR.iterdir())


@pytest.mark.parametrize("damage", ["missing", "corrupted"])
@pytest.mark.parametrize("file_name", SNAPSHOT_FILES)
def test_damaged_snapshot_file_shows_what_is_wrong(tmp_path, monkeypatch, file_name, damage):
    import shutil

    broken = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, broken)
    if damage == "missing":
        (broken / file_name).unlink()
    else:
        (broken / file_name).write_bytes((broken / file_name).read_bytes()[:100])
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(broken))
    at = open_app()
    assert not at.exception, at.exception
    assert "cannot be read" in at.error[0].value
    assert file_name in at.error[0].value or "manifest.json" in at.error[0].value
    assert any("python -m loaders build" in m.value for m in at.markdown)


def test_repeated_url_keys_use_the_first_with_a_notice():
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["area"] = ["Hackney", "Camden"]
    at.run()
    assert any("more than once" in w.value for w in at.warning)
    assert at.query_params["area"] == "Hackney"


def test_no_page_renders_raw_html():
    """Nothing from the data or the URL is ever rendered as HTML."""
    for path in [PROJECT_ROOT / "app.py", *PROJECT_ROOT.glob("pages/*.py"), *PROJECT_ROOT.glob("ui/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source and "st.html(" not in source, path


def test_streamlit_run_serves_app_py_with_a_warm_up():
    """`streamlit run app.py` finds the st.App in app.py (ASGI mode with the warm-up hook)."""
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    assert discover_asgi_app(Path(PROJECT_ROOT / "app.py")).import_string == "app:app"


def test_warm_up_fills_the_cache_and_never_raises(tmp_path, monkeypatch):
    from ui import data
    from ui.warmup import warm

    warm()
    assert data.snapshot().version == Snapshot.load().manifest["version"]
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(tmp_path))  # no snapshot there: logged, not raised
    warm()


def test_claim_page_monthly_rolling_average():
    at = open_app()
    at.switch_page("pages/knife_injury_under_25.py").run()
    monthly = frame_with(at, "rolling_12_month_average").set_index("month")
    # The 12 months ending March 2025 are FY2024/25: 1,224 victims, so 102.0 a month.
    assert monthly.loc["2025-03", "rolling_12_month_average"] == pytest.approx(
        snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1)) / 12, abs=0.01
    )
    assert monthly["rolling_12_month_average"].isna().sum() == 11  # the first 11 months have no full year behind them
