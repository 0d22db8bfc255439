"""Fast page tests with streamlit.testing.v1.AppTest: figures on screen equal figures
computed independently from the snapshot files; filters change what is shown."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import math
import os
import re
import sys
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.live import go_to
from indicators.areas import Area
from indicators.claims import CLAIMS
from indicators.snapshot import Snapshot
from indicators.tables import HEADERS, header
from loaders.snapshot_files import PROJECT_ROOT, SNAPSHOT_DIR
from tests.conftest import RAW

NON_DA = "Knife Injury Victims (non DA 1-24)"
PAGES = [*(claim.url_path for claim in CLAIMS), "pages/sources.py", "pages/letter.py", "pages/stop_search.py"]


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


def snapshot_borough_shapes() -> dict[str, Any]:
    """The snapshot's borough boundaries as shapely shapes, by GSS code (read with json and shapely,
    not with the dashboard's code)."""
    from shapely.geometry import shape

    with open(SNAPSHOT_DIR / "boroughs.geojson", encoding="utf-8") as handle:
        return {feature["properties"]["GSS_CODE"]: shape(feature["geometry"]) for feature in json.load(handle)["features"]}


def open_app(**query) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def read_back(text: str) -> object:
    """A cell as shown ('1,224', '25.5', '', 'yes') back to a value, written independently of indicators/tables.py."""
    if text == "":
        return None
    if text in ("yes", "no"):
        return text == "yes"
    plain = text.replace(",", "")
    if re.fullmatch(r"-?\d+", plain):
        return int(plain)
    if re.fullmatch(r"-?\d+\.\d+", plain):
        return float(plain)
    return text


def open_tables(at: AppTest) -> AppTest:
    """Open every closed table box on the page, as a reader clicking each would (ui.charts.table_on_request
    draws a table only once its box is open; the box's state is the session key ``open-<key>``)."""
    closed = [key for key, is_open in at.session_state.items() if key.startswith("open-") and not is_open]
    for key in closed:
        at.session_state[key] = True
    return at.run() if closed else at


def frame_with(at: AppTest, column: str, rows: int | None = None) -> pd.DataFrame:
    """The first table shown with this column (by its on-screen header) and row count, its cells read
    back to values and its headers back to column names: what a reader sees, checked as numbers.
    Tables in closed boxes are opened first."""

    def matches(at: AppTest) -> list[pd.DataFrame]:
        return [d.value for d in at.dataframe if header(column) in d.value.columns and (rows is None or len(d.value) == rows)]

    shown = (matches(at) or matches(open_tables(at)))[0]
    names = {header(name): name for name in [*HEADERS, column]}
    values = shown.rename(columns=lambda h: names.get(h, h.lower().replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")))
    return values.apply(lambda c: c.map(read_back)).astype(object)


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
    # Claims 1 and 2 rest on the nearest official figure and on published statements (checked against the raw files in test_new_sources.py)
    assert metric(at, "Homicide offences involving a knife, year ending December 2024").value == "61"
    assert metric(at, "Homicide victims aged 13-19, 2024").value == "11 or 12"
    text = " ".join(m.value for m in at.markdown)
    for rests_on in (
        "Nearest official figure: calendar years, offences not victims",
        "Published statements",
        "Full periods: FY2024/25 against FY2023/24",
        "Partly answered: April to August only",
    ):
        assert rests_on in text
    assert metric(at, "Weapons searches with a positive outcome, April to August 2024")
    caveats = [c.value for c in at.caption if "about 1.5% low" in c.value]
    assert len(caveats) == 1 and "separated approximately" in caveats[0]  # claim 4's tile, and only it
    assert not at.success  # no claim is supported by more than normal variation on the embedded data
    assert any(e.value.startswith("**Not supported**") for e in at.error)  # claim 4: fewer positive outcomes
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
    # The knife data start in March 2022, so claim 3 compares March-December of both years, like for like.
    expected = snapshot_knife_total(NON_DA, dt.date(2023, 3, 1), dt.date(2024, 1, 1))
    assert metric(at, "Knife injury victims aged 1-24, excluding domestic abuse, March to December 2023").value == f"{expected:,}"
    assert any("Partly answered: March to December only" in m.value for m in at.markdown)
    # CY2023 vs CY2022 for victim-level homicide data is answerable (file runs to March 2024): 74 in the SOURCES.md reference figures
    assert metric(at, "Homicide victims killed with a knife").value == "74"
    assert any("The same test for All London (Met area), CY2023 against CY2022" in c.value for c in at.markdown)  # the tile's head


def test_rolling_twelve_months():
    at = open_app(basis="r12", period="R12-2025-09", compare="R12-2024-09")
    expected = snapshot_knife_total(NON_DA, dt.date(2024, 10, 1), dt.date(2025, 10, 1))
    assert metric(at, "Knife injury victims aged 1-24").value == f"{expected:,}"


@pytest.mark.parametrize(
    "query, notice",
    [
        ({"area": "Gotham"}, "not London, a BCU or a borough"),
        ({"area": "<script>alert(1)</script>"}, "not London, a BCU or a borough"),
        ({"area": "[Official corrected figures](https://example.org)"}, "not London, a BCU or a borough"),
        ({"basis": "weekly"}, "Unknown period basis"),
        ({"period": "FY2099/01"}, "not a period"),
        ({"period": "FY2099/2100"}, "not a period"),
        ({"period": "FY0000/01"}, "not a period"),
        ({"compare": "CY0000"}, "not a period"),
        ({"period": "R12-0000-05"}, "not a period"),
        ({"period": "FY2040/41"}, "no complete period"),
        ({"colour": "red"}, "does not use"),
        ({"area": "x" * 500}, "over-long"),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(query, notice):
    at = open_app(**query)
    assert not at.exception
    assert any(notice.lower() in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    assert not any("example.org" in w.value or "<script>" in w.value for w in at.warning)  # the link's text is never echoed
    assert metric(at, "Knife injury victims aged 1-24").value == "1,224"  # the default view


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", [{}, {"area": "Hackney", "basis": "cy", "period": "CY2023", "compare": "CY2022"}])
def test_every_page_opens(page, query):
    at = go_to(open_app(**query), page)
    assert not at.exception
    assert at.title


def test_selection_survives_page_changes():
    at = open_app(area="Hackney", basis="cy", period="CY2023", compare="CY2021")
    go_to(at, "knife_homicides")
    go_to(at, "pages/scorecard.py")
    assert at.selectbox(key="area").value == Area("Borough", "Hackney")
    assert at.query_params["period"] == "CY2023" and at.query_params["compare"] == "CY2021"


@pytest.mark.parametrize("area_key, codes", [("London", None), ("Hackney", {"E09000012"})])
def test_claim_page_numbers_equal_independent_sums(area_key, codes):
    """Every complete financial year on claim 3's page against sums of the snapshot parquet by pyarrow."""
    at = go_to(open_app(area=area_key), "knife_injury_under_25")
    shown = frame_with(at, "measure_label")
    headline = shown[(shown["measure"] == "knife_injury_victims_under_25_non_da") & shown["complete"]]
    assert list(headline["period"]) == ["FY2022/23", "FY2023/24", "FY2024/25"]
    for row in headline.itertuples():
        start = dt.date(int(row.period[2:6]), 4, 1)
        assert row.value == snapshot_knife_total(NON_DA, start, start.replace(year=start.year + 1), codes), row.period


def test_claim_page_ranking_adds_up_to_london():
    at = go_to(open_app(), "knife_injury_under_25")
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
    assert knife["last_month"] == manifest_tables["knife_crime"]["last_month"] == "2026-02"


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
    """Nothing from the data or the URL is ever rendered as HTML: the only HTML is the constant print style."""
    for path in [PROJECT_ROOT / "app.py", *PROJECT_ROOT.glob("pages/*.py"), *PROJECT_ROOT.glob("ui/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source, path
        assert "st.html(" not in source or (path.name == "print_style.py" and source.count("st.html(") == 1 and "st.html(PRINT_CSS)" in source), path


def test_streamlit_run_serves_app_py_with_a_warm_up():
    """`streamlit run app.py` finds the st.App in app.py (ASGI mode with the warm-up hook)."""
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    assert discover_asgi_app(Path(PROJECT_ROOT / "app.py")).import_string == "app:app"


def test_warm_up_computes_the_default_scorecard(tmp_path, monkeypatch):
    import gc

    from ui.warmup import warm

    gc.unfreeze()
    try:
        assessments = warm()
        # What it loaded is out of the full collections Streamlit runs after every script run.
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()  # this test process goes on making and dropping snapshots
    assert assessments is not None and [a.claim.number for a in assessments] == [1, 2, 3, 4]
    assert assessments[2].best.current == snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1))
    first_view = open_app().query_params  # what a first visitor's page shows: the view the warm-up computed
    warmed = assessments[0]
    assert (first_view["area"], first_view["period"], first_view["compare"]) == (warmed.area.key, warmed.period.key, warmed.comparison.key)
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(tmp_path))  # no snapshot there: the page explains it, the warm-up steps aside
    assert warm() is None


def test_claim_page_monthly_rolling_average():
    at = go_to(open_app(), "knife_injury_under_25")
    monthly = frame_with(at, "rolling_12_month_average").set_index("month")
    # The 12 months ending March 2025 are FY2024/25: 1,224 victims, so 102.0 a month.
    assert monthly.loc["2025-03", "rolling_12_month_average"] == pytest.approx(
        snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1)) / 12, abs=0.01
    )
    assert monthly["rolling_12_month_average"].isna().sum() == 11  # the first 11 months have no full year behind them


def test_financial_year_to_date_is_the_view_the_met_had():
    at = open_app(basis="fytd")
    assert at.query_params["period"] == "FYTD2024/25" and at.query_params["compare"] == "FYTD2023/24"
    expected = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 3, 1))  # April 2024 to February 2025
    assert metric(at, "Knife injury victims aged 1-24, excluding domestic abuse, FY2024/25 to February").value == f"{expected:,}"
    assert any("as the Met could see it when it wrote (April to February)" in c.value for c in at.markdown)


def test_full_year_and_letter_time_verdicts_side_by_side_where_they_differ():
    """Westminster, claim 3: a fall larger than normal variation over the full year, but not over April to February."""
    at = open_app(area="Westminster")
    westminster = {"E09000033"}
    full = (
        snapshot_knife_total(NON_DA, dt.date(2023, 4, 1), dt.date(2024, 4, 1), westminster),
        snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), westminster),
    )
    assert metric(at, "Knife injury victims aged 1-24, excluding domestic abuse").value == f"{full[1]:,}"
    supported = [s.value for s in at.success]
    assert len(supported) == 1 and supported[0].startswith("**Supported** (the change is larger than normal year-to-year variation)")
    letter_time = [m.value for m in at.markdown if m.value.startswith("**When the Met wrote**")]
    assert len(letter_time) == 1 and "Direction as claimed, within normal variation" in letter_time[0]
    assert any("The same test for Westminster, FY2024/25 against FY2023/24 (not a claim the letter made)" in c.value for c in at.markdown)


def test_side_by_side_uses_each_figures_own_months():
    """Claim 1: the victim-level file stops in March 2024, but homicide offences cover both years (SOURCES.md: 112, then 104)."""
    at = go_to(open_app(), "knife_homicides")
    side_by_side = frame_with(at, "months_compared").set_index("figure")
    offences = side_by_side.loc["Homicide offences (all methods, all ages)"]
    assert (offences["previous"], offences["current"], offences["months_compared"]) == (112, 104, "FY2024/25 against FY2023/24")
    assert side_by_side.loc["Homicide victims killed with a knife or sharp implement", "months_compared"] == "no months in common"


def test_the_snapshot_version_is_read_again_when_the_manifest_changes(tmp_path, monkeypatch):
    """ui.cached keeps the version until the manifest file changes: replaced (a build's swap) or rewritten in place."""
    import json
    import os
    import shutil

    from ui import cached

    copy = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, copy)
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(copy))
    manifest = json.loads((copy / "manifest.json").read_text())
    assert cached.snapshot_version() == manifest["version"]
    (copy / "new.json").write_text(json.dumps(manifest | {"version": "replaced0000000a"}))
    os.replace(copy / "new.json", copy / "manifest.json")
    assert cached.snapshot_version() == "replaced0000000a"
    before = (copy / "manifest.json").stat().st_mtime_ns
    (copy / "manifest.json").write_text(json.dumps(manifest | {"version": "rewritten000000b"}))  # same size, same file
    os.utime(copy / "manifest.json", ns=(before + 10**9, before + 10**9))  # a second later, as a later write would be
    assert cached.snapshot_version() == "rewritten000000b"


def test_a_chart_is_shared_for_the_same_numbers_and_rebuilt_for_different_ones():
    """ui.charts caches figures on a frame's content (its pickled bytes), not on the frame object."""
    from ui import charts

    periods = pd.DataFrame({"period": ["FY2023/24", "FY2024/25"], "label": ["2023/24", "2024/25"], "value": [10.0, 12.0], "complete": [True, True]})
    draw = lambda frame: charts.period_bars(frame, "value", "FY2024/25", "FY2023/24", "title", "offences", "note", "stamp")  # noqa: E731
    first = draw(periods)
    assert draw(periods.copy()) is first
    changed = draw(periods.assign(value=[10.0, 13.0]))
    assert changed is not first
    assert [bar.y[0] for bar in changed.data if len(bar.y)] == [10.0, 13.0]
    assert draw(periods.astype({"value": "int64"})) is not first  # same numbers, another type: drawn again


def test_year_bars_name_about_a_dozen_years_and_always_the_two_compared():
    """21 financial years are too many labels for a phone (they overlapped at 390 px): every other one
    is named, counted back from the latest, and the selected and compared years always are."""
    from ui import charts

    years = [f"FY{year}/{(year + 1) % 100:02d}" for year in range(2004, 2025)]
    periods = pd.DataFrame({"period": years, "label": years, "value": range(21), "complete": True})
    ticks = list(charts.period_bars(periods, "value", "FY2024/25", "FY2023/24", "t", "victims", "n", "s").layout.xaxis.tickvals)
    assert ticks == [*years[0::2][:-1], "FY2023/24", "FY2024/25"]
    assert len(ticks) == 12
    few = periods.tail(8)
    assert list(charts.period_bars(few, "value", "FY2024/25", "FY2020/21", "t", "victims", "n", "s").layout.xaxis.tickvals) == years[-8:]


def test_a_chart_from_a_cached_call_is_keyed_on_the_call_and_drawn_from_its_frame():
    """A claim page names each chart's frame by the cached call that makes it (ui.cached.FrameCall):
    the same call gives the same figure without reading the frame, another area another figure, and
    the figure is the one drawn from the frame itself. Only ui.cached's own functions may be named."""
    from ui import cached, charts

    version, measure = cached.snapshot_version(), "knife_injury_victims_under_25_non_da"

    def chart(frame):
        return charts.monthly_chart(frame, "title", "victims per month", "note", "stamp")

    hackney = cached.FrameCall(cached.monthly, (version, measure, Area("Borough", "Hackney")))
    assert hackney.key() == ("monthly", version, measure, "Hackney")
    first = chart(hackney)
    assert chart(cached.FrameCall(cached.monthly, (version, measure, Area("Borough", "Hackney")))) is first
    croydon = chart(cached.FrameCall(cached.monthly, (version, measure, Area("Borough", "Croydon"))))
    assert croydon is not first
    assert croydon.to_json() == chart(cached.monthly(version, measure, Area("Borough", "Croydon"))).to_json()
    assert first.to_json() != croydon.to_json()
    with pytest.raises(ValueError, match=r"not one of ui\.cached's cached functions"):
        cached.FrameCall(lambda *_: pd.DataFrame(), (version,))


def _decoded(spec: Any) -> Any:
    """A chart specification with Plotly's typed arrays ({'dtype', 'bdata'}: base64 of a numpy array)
    read back with numpy, not-a-number as null and month starts as dates, as the browser reads them."""
    if isinstance(spec, dict):
        if {"dtype", "bdata"} <= set(spec):
            return _decoded(np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"]).tolist())
        return {key: _decoded(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [_decoded(value) for value in spec]
    if isinstance(spec, float) and math.isnan(spec):
        return None
    if isinstance(spec, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00", spec):
        return spec[:10]
    return spec


def test_a_chart_sends_the_values_plotly_itself_would_send_for_the_columns():
    """The figures hold their columns as plain lists (ui.charts._plain: Plotly converts numpy arrays
    again on every draw); what reaches the browser is what Plotly's own encoding of the pandas columns
    gives, gaps and dates included."""
    from ui import charts

    monthly = pd.DataFrame(
        {
            "month": pd.date_range("2023-11-01", periods=4, freq="MS"),
            "value": pd.array([3, 0, None, 41], dtype="Int64"),
            "rolling_12_month_average": [float("nan"), 2.5, 7.25, 11.0],
        }
    )
    fig = charts.monthly_chart(monthly, "title", "victims", "note", "stamp")
    assert not [name for trace in fig.data for name, value in trace.to_plotly_json().items() if isinstance(value, np.ndarray)]
    reference = go.Figure([go.Bar(x=monthly["month"], y=monthly["value"]), go.Scatter(x=monthly["month"], y=monthly["rolling_12_month_average"])])
    sent, expected = (_decoded(json.loads(plotly.io.to_json(figure))["data"]) for figure in (fig, reference))
    assert [(trace["x"], trace["y"]) for trace in sent] == [(trace["x"], trace["y"]) for trace in expected]
    assert sent[0]["x"] == ["2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01"] and sent[0]["y"] == [3, 0, None, 41]
    assert sent[1]["y"] == [None, 2.5, 7.25, 11.0]


@pytest.mark.parametrize(
    ("accept_encoding", "gzip_wanted"),
    [
        ("gzip, deflate, br", True),
        ("br, gzip;q=1.0", True),
        ("gzip;q=0.001", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_is_sent_only_to_browsers_that_accept_it(accept_encoding, gzip_wanted):
    from ui.compression import _accepts_gzip

    assert _accepts_gzip({b"accept-encoding": accept_encoding.encode()}) is gzip_wanted


def test_small_text_cannot_close_its_directive_early():
    """A tile's small grey lines are one Markdown directive each: a square bracket in the text
    (an area or figure label, after a refresh) must not end it and spill the rest as raw text."""
    from ui.tiles import small

    line = small("Knife [1-24] ] victims [")
    assert line.startswith(":small[:gray[") and line.endswith("]]")
    inner = line[len(":small[:gray[") : -2]
    assert "[" not in inner.replace("\\[", "") and "]" not in inner.replace("\\]", "")
    assert inner.replace("\\[", "[").replace("\\]", "]") == "Knife [1-24] ] victims ["


@pytest.mark.skipif(sys.platform != "linux", reason="Linux gives threads their own priority")
def test_the_warm_up_lowers_its_own_threads_priority_not_the_servers():
    import threading

    from ui.warmup import WARM_UP_NICENESS, lower_this_threads_priority

    seen: dict[str, int] = {}

    def in_thread() -> None:
        lower_this_threads_priority()
        seen["thread"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        lower_this_threads_priority()  # again: already that low, nothing to do
        seen["again"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, 0)
    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    assert seen == {"thread": max(before, WARM_UP_NICENESS), "again": max(before, WARM_UP_NICENESS)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # the server's own threads are untouched
