"""The dashboard in a real browser: Playwright drives Debian's Chromium against a live
``streamlit run app.py``. Screenshots go to tests/artifacts/ for a person to look at.
Every test waits for what it checks (no fixed sleeps) and none depends on another running first."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from shapely.ops import unary_union

from benchmarks.browser import ByteMeter
from benchmarks.live import CHROMIUM, WireMeter, free_port, launch_chromium, open_sessions_at_once, start_server, stop_server, wait_until_rendered
from indicators.areas import Area
from indicators.snapshot import Snapshot
from loaders.snapshot_files import PROJECT_ROOT
from tests.test_app import NON_DA, bcu_codes, snapshot_borough_shapes, snapshot_knife_total

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
DESKTOP, PHONE = {"width": 1400, "height": 1800}, {"width": 390, "height": 844}
#: On a deep link Streamlit's frontend first looks for its server under the page's path and gets a
#: 404 before trying the root (streamlit/streamlit#7074, open): the only console errors allowed.
STREAMLIT_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/\w+/_stcore/(health|host-config)$")

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)", pytrace=False)


@pytest.fixture(scope="module")
def base_url():
    port = free_port()
    server = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def open_tab(browser, viewport: dict):
    """A tab that records JavaScript errors, console errors and every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda err: problems.append(f"JavaScript error: {err}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console error: {message.text} ({message.location.get('url')})")
            if message.type == "error" and not STREAMLIT_PROBE.search(message.location.get("url") or "")
            else None
        ),
    )
    tab.on(
        "request",
        lambda request: (
            problems.append(f"outside request: {request.url}")
            if urlparse(request.url).hostname not in ("127.0.0.1", None) and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    return context, tab, problems


@pytest.fixture
def page(browser):
    context, tab, problems = open_tab(browser, DESKTOP)
    yield tab
    context.close()
    assert not problems, problems


@pytest.fixture
def phone(browser):
    context, tab, problems = open_tab(browser, PHONE)
    yield tab
    context.close()
    assert not problems, problems


def wait_for_tiles(page) -> None:
    """Until all four tiles have painted their verdict (a tile without an answer has no figure, but always a verdict)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[class*='st-key-tile-']\")].filter(t => t.querySelector(\"[data-testid='stAlert']\")).length === 4",
        timeout=60_000,
    )


def tile_value(page, slug: str) -> str:
    return page.locator(f".st-key-tile-{slug} [data-testid='stMetricValue']").inner_text().strip()


def test_direct_link_to_a_claim_page_on_a_fresh_server(browser):
    """A deep link as the very first request of a new server runs through app.py (its menu, its title)."""
    port = free_port()
    server = start_server(port)
    context, page, problems = open_tab(browser, DESKTOP)
    try:
        page.goto(f"http://127.0.0.1:{port}/knife_injury_under_25?area=Hackney")
        page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_text("3. Knife injury victims under 25").count() >= 1  # app.py's menu, not the generic one
        assert page.title() == "London knife-crime claims, checked"
        hackney = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000012"})
        assert page.get_by_text(f"{hackney} in FY2024/25").count() >= 1
        page.screenshot(path=ARTIFACTS / "claim-3-hackney.png", full_page=True)
    finally:
        context.close()
        stop_server(server)
    assert not problems, problems


def test_scorecard_tiles_then_switch_area_to_a_bcu(base_url, page):
    page.goto(base_url)
    wait_for_tiles(page)
    london = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1))
    assert tile_value(page, "knife-injury-under-25") == f"{london:,}"
    assert tile_value(page, "knife-homicides") == "61"  # ONS Table P5, calendar 2024 (checked against openpyxl in test_new_sources)
    assert tile_value(page, "teen-child-homicides") == "11 or 12"
    april_to_august = Snapshot.load().value_over(
        "weapons_searches_positive", Area("London", "London"), __import__("pandas").date_range("2024-04-01", "2024-08-01", freq="MS")
    )
    assert tile_value(page, "weapons-search-outcomes") == f"{april_to_august:,}"
    for rests_on in ("Nearest official figure", "Published statements", "Full periods", "Partly answered: April to August only"):
        assert page.get_by_text(rests_on).count() >= 1, rests_on
    page.screenshot(path=ARTIFACTS / "scorecard-london.png", full_page=True)

    area_box = page.locator("[data-testid='stSelectbox']").filter(has_text="Area")
    area_box.click()
    page.keyboard.type("Central East BCU")
    page.get_by_role("option", name="Central East BCU").click()
    central_east = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), bcu_codes("Central East"))
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.trim() === text",
        arg=[".st-key-tile-knife-injury-under-25 [data-testid='stMetricValue']", f"{central_east:,}"],
        timeout=30_000,
    )
    assert central_east != london
    assert re.search(r"area=Central\+East\+BCU|area=Central%20East%20BCU", page.url)
    page.screenshot(path=ARTIFACTS / "scorecard-central-east-bcu.png", full_page=True)


def test_phone_width_tiles_in_claim_order(base_url, phone):
    phone.goto(base_url)
    wait_for_tiles(phone)
    tops = [
        phone.locator(f".st-key-tile-{slug}").bounding_box()["y"]
        for slug in ("knife-homicides", "teen-child-homicides", "knife-injury-under-25", "weapons-search-outcomes")
    ]
    assert tops == sorted(tops), tops
    widths = [phone.locator(f".st-key-tile-{slug}").bounding_box()["width"] for slug in ("knife-homicides", "weapons-search-outcomes")]
    assert max(widths) <= 390
    phone.screenshot(path=ARTIFACTS / "phone-scorecard.png", full_page=True)


def test_shared_link_reopens_the_same_view(base_url, page):
    page.goto(f"{base_url}/?area=Croydon&basis=cy&period=CY2023&compare=CY2022")
    wait_for_tiles(page)
    croydon = snapshot_knife_total(NON_DA, dt.date(2023, 3, 1), dt.date(2024, 1, 1), {"E09000008"})  # March-December: the data start March 2022
    assert tile_value(page, "knife-injury-under-25") == f"{croydon:,}"
    assert page.get_by_text("CY2023 against").count() + page.get_by_text("against CY2022").count() >= 1


@pytest.mark.parametrize(
    "query, shot",
    [
        ("area=%3Cb%3EGotham%3C/b%3E&period=FY1850/51", "bad-link"),
        ("area=%5BOfficial%20corrected%20figures%5D(https://example.org)&period=FY0000/01", "hostile-link"),
        ("area=!%5Bx%5D(http://example.org/x.png)&compare=CY0000", "hostile-image"),
        ("area=London%0A%23%20Injected%20heading", "hostile-heading"),
    ],
)
def test_bad_or_hostile_link_shows_a_notice_not_a_traceback(base_url, page, query, shot):
    page.goto(f"{base_url}/?{query}")
    wait_for_tiles(page)
    assert page.get_by_text("Using the default instead").count() + page.get_by_text("Showing all London instead").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("b", has_text="Gotham").count() == 0  # text from the URL is never rendered as HTML
    assert page.locator("a[href*='example.org'], img[src*='example.org']").count() == 0
    assert page.locator("h1, h2, h3", has_text="Injected heading").count() == 0
    page.screenshot(path=ARTIFACTS / f"{shot}.png", full_page=True)


def test_boundary_files_are_served_once_for_the_maps(base_url):
    """ui/boundaries.py: the snapshot's GeoJSON at an address that names the snapshot version, cacheable; nothing else."""
    version = Snapshot.load().version
    with urllib.request.urlopen(f"{base_url}/boundaries/{version}/boroughs.geojson") as answer:
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.read() == (PROJECT_ROOT / "data/snapshot/boroughs.geojson").read_bytes()
    with urllib.request.urlopen(f"{base_url}/boundaries/{version}/world_110m.json") as answer:  # Plotly's base map: no shapes
        assert json.loads(answer.read()) == {"type": "Topology", "objects": {}, "arcs": []}
    for wrong in (f"/boundaries/{'0' * len(version)}/boroughs.geojson", f"/boundaries/{version}/manifest.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base_url + wrong)
        assert refused.value.code == 404, wrong


def test_streamlit_frontend_files_are_sent_compressed_and_unchanged(base_url):
    """ui/compression.py: gzip for browsers that accept it, the same bytes once unpacked; ranges,
    revalidations and files that do not shrink pass through as Streamlit answers them."""
    import gzip

    import streamlit

    bundles = Path(streamlit.__file__).parent / "static" / "static"
    plotly_js = "/static/js/" + next((bundles / "js").glob("PlotlyChart.*.js")).name
    font = "/static/media/" + next((bundles / "media").glob("*.woff2")).name

    def get(path: str, **headers: str):
        request = urllib.request.Request(base_url + path, headers=headers)
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers, b""

    status, plain_headers, plain = get(plotly_js)
    assert status == 200 and plain_headers["Content-Encoding"] is None and plain == (bundles / "js" / Path(plotly_js).name).read_bytes()
    first, second = get(plotly_js, **{"Accept-Encoding": "gzip, deflate, br"}), get(plotly_js, **{"Accept-Encoding": "gzip"})
    for status, headers, body in (first, second):
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(body) < 0.4 * len(plain)
        assert gzip.decompress(body) == plain
        assert headers["Cache-Control"] == plain_headers["Cache-Control"] and headers["ETag"] == "W/" + plain_headers["ETag"].removeprefix("W/")
    status, headers, body = get(plotly_js, **{"Accept-Encoding": "gzip;q=0, identity"})  # gzip refused
    assert (status, headers["Content-Encoding"], body) == (200, None, plain)
    status, headers, body = get(plotly_js, **{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert (status, headers["Content-Encoding"], body) == (206, None, plain[:100])
    status, headers, _ = get(plotly_js, **{"Accept-Encoding": "gzip", "If-None-Match": plain_headers["ETag"]})
    assert status == 304 and headers["Content-Encoding"] is None
    status, headers, body = get(font, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] is None and body == (bundles / "media" / Path(font).name).read_bytes()
    unknown = [get(f"/static/js/no-such-file-{n}.js", **{"Accept-Encoding": "gzip"}) for n in range(2)]
    assert all(headers["Content-Encoding"] is None for _, headers, _ in unknown)  # not compressed, so never kept


def test_the_websocket_travels_compressed(base_url, browser):
    """.streamlit/config.toml: the server takes up the browser's offer of permessage-deflate, so a claim
    page's messages (as the page reads them) travel in well under half their size (counted by a relay)."""
    with WireMeter(urlparse(base_url).port) as wire:
        context, tab, problems = open_tab(browser, DESKTOP)
        messages = ByteMeter(context, tab)
        extensions: list[str] = []
        handshakes = context.new_cdp_session(tab)
        handshakes.on(
            "Network.webSocketHandshakeResponseReceived",
            lambda event: extensions.append(
                {name.lower(): value for name, value in event["response"]["headers"].items()}.get("sec-websocket-extensions", "")
            ),
        )
        handshakes.send("Network.enable")
        tab.goto(wire.url + "/knife_injury_under_25?area=Hackney")
        wait_until_rendered(tab)
        tab.wait_for_load_state("networkidle")
        context.close()
    assert not problems, problems
    assert len(extensions) == 1 and extensions[0].startswith("permessage-deflate"), extensions
    assert messages.websocket > 20_000, "the page should have drawn its charts and table"
    assert 0 < wire.sent["websocket"] < 0.5 * messages.websocket, (wire.sent, messages.websocket)


def test_sources_page(base_url, page):
    page.goto(f"{base_url}/sources")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    assert page.get_by_text("Open Government Licence").count() >= 1
    page.screenshot(path=ARTIFACTS / "sources.png", full_page=True)


#: Each shape the map draws (the City of London, 32 boroughs, 12 BCU outlines), with its box on the page and
#: its location (a borough's code or a BCU's name, from the data Plotly binds to each path), and
#: the box of the plot area the map may fill: the figure's size less its margins (Plotly's own _size).
MAP_SHAPES = """key => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`), frame = plot.getBoundingClientRect(), size = plot._fullLayout._size;
  return {
    area: {left: frame.left + size.l, right: frame.left + size.l + size.w, top: frame.top + size.t, bottom: frame.top + size.t + size.h},
    shapes: [...plot.querySelectorAll('path.choroplethlocation')].map(path => ({...path.getBoundingClientRect().toJSON(), location: path.__data__.loc})),
  };
}"""


def mercator_aspects() -> tuple[float, dict[str, float]]:
    """Width over height on a Mercator map of the extent of all the snapshot's boroughs, and of each
    (by GSS code), from the file's coordinates (shapely's bounds)."""

    def northing(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    def aspect(west: float, south: float, east: float, north: float) -> float:
        return math.radians(east - west) / (northing(north) - northing(south))

    shapes = snapshot_borough_shapes()
    return aspect(*unary_union(list(shapes.values())).bounds), {code: aspect(*one.bounds) for code, one in shapes.items()}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_map_shows_all_of_london_at_desktop_and_phone_width(base_url, browser, viewport):
    """The map is fitted in the browser to the chart's size: at desktop and at phone width (a fixed centre
    and zoom cut off outer boroughs) all of London is drawn inside the plot area and fills it one way.
    Plotly clips shapes to the map's frame, so a map cut off would still lie inside it: London and each of
    the four boroughs at its edges must keep their own shape, the width over height of their extent on a
    Mercator map. Nothing is fetched from outside (Plotly's base map comes from this server)."""
    context, tab, problems = open_tab(browser, viewport)
    try:
        tab.goto(f"{base_url}/knife_injury_under_25?area=Hackney")
        wait_until_rendered(tab)
        drawn = tab.evaluate(MAP_SHAPES, "map-knife-injury-under-25")
        tab.locator(".st-key-map-knife-injury-under-25").screenshot(path=ARTIFACTS / f"map-{'phone' if viewport is PHONE else 'desktop'}.png")
    finally:
        context.close()
    assert not problems, problems
    area, shapes = drawn["area"], drawn["shapes"]
    assert len(shapes) == 1 + 32 + 12 + 2  # the City, the boroughs, the BCU outlines, then Hackney's BCU and Hackney outlined
    left, right = min(s["left"] for s in shapes), max(s["right"] for s in shapes)
    top, bottom = min(s["top"] for s in shapes), max(s["bottom"] for s in shapes)
    assert left >= area["left"] - 1 and right <= area["right"] + 1 and top >= area["top"] - 1 and bottom <= area["bottom"] + 1
    assert max((right - left) / (area["right"] - area["left"]), (bottom - top) / (area["bottom"] - area["top"])) > 0.9
    london, boroughs = mercator_aspects()
    assert (right - left) / (bottom - top) == pytest.approx(london, rel=0.03)
    drawn_boroughs = {s["location"]: s for s in shapes if s["location"] in boroughs}
    edges = {
        min(drawn_boroughs, key=lambda code: drawn_boroughs[code][side] * sign)
        for side, sign in (("left", 1), ("right", -1), ("top", 1), ("bottom", -1))
    }
    for code in edges:
        box = drawn_boroughs[code]
        assert box["width"] / box["height"] == pytest.approx(boroughs[code], rel=0.05), code


def test_map_renders_and_a_click_selects_a_borough(base_url, page):
    page.goto(f"{base_url}/knife_injury_under_25")
    wait_until_rendered(page)
    plot = page.locator(".st-key-map-knife-injury-under-25 .js-plotly-plot")
    plot.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "claim-3-map.png", full_page=True)
    area = page.evaluate(MAP_SHAPES, "map-knife-injury-under-25")["area"]
    # Clicks inside London until one lands on a borough (the City of London is not selectable).
    for x, y in ((0.5, 0.6), (0.4, 0.7), (0.6, 0.45), (0.35, 0.4), (0.55, 0.8)):
        page.mouse.click(area["left"] + (area["right"] - area["left"]) * x, area["top"] + (area["bottom"] - area["top"]) * y)
        try:
            page.wait_for_function("() => !new URL(location.href).searchParams.get('area')?.startsWith('London')", timeout=8_000)
            break
        except playwright_api.TimeoutError:
            continue
    assert "area=London" not in page.url, "no click on the map selected a borough"


def test_letter_page(base_url, page):
    page.goto(f"{base_url}/letter")
    page.get_by_text("Child First Robbery Initiative").first.wait_for(timeout=60_000)
    assert page.get_by_text("Not checkable with open data").count() >= 2
    page.screenshot(path=ARTIFACTS / "letter.png", full_page=True)


@pytest.mark.parametrize(
    "path", ["", "knife_homicides", "teen_child_homicides", "knife_injury_under_25", "weapons_search_outcomes", "letter", "stop_search", "sources"]
)
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_at_desktop_and_phone_width(base_url, browser, path, width):
    """Screenshots of every page for a person to look at; no page errors, no outside requests."""
    tall = {**(DESKTOP if width == "desktop" else PHONE), "height": 2600}  # Streamlit scrolls inside the page: a tall window shows more
    context, tab, problems = open_tab(browser, tall)
    try:
        tab.goto(f"{base_url}/{path}")
        tab.wait_for_selector("h1", timeout=60_000)
        wait_until_rendered(tab)
        assert tab.locator("[data-testid='stException']").count() == 0
        tab.screenshot(path=ARTIFACTS / f"{width}-{path or 'scorecard'}.png", full_page=True)
    finally:
        context.close()
    assert not problems, problems


def test_twenty_concurrent_sessions(base_url, browser):
    """Twenty sessions at once, across every page: all render, none shows an error."""
    paths = ["", "knife_homicides", "teen_child_homicides", "knife_injury_under_25", "weapons_search_outcomes", "letter", "stop_search", "sources"]
    urls = [f"{base_url}/{paths[n % len(paths)]}?area={['London', 'Hackney', 'West BCU'][n % 3]}" for n in range(20)]
    done, errors = open_sessions_at_once(browser, urls)
    assert len(done) == 20
    assert errors == []


def test_a_map_counts_as_drawn_only_once_its_boundaries_have_arrived(browser, base_url):
    """wait_until_rendered (benchmarks/live.py) waits for the boundary files a map names by address:
    its frame is drawn before they arrive, so a tab closed once "rendered" could cut one off."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.route("**/boundaries/**", lambda route: route.abort())
        tab.goto(f"{base_url}/knife_injury_under_25?area=London")
        tab.wait_for_selector(".js-plotly-plot .geo", state="attached", timeout=60_000)  # the map's frame, without its boroughs
        with pytest.raises(playwright_api.TimeoutError):
            wait_until_rendered(tab, timeout_ms=5_000)
        tab.unroute("**/boundaries/**")
        tab.reload()
        wait_until_rendered(tab)
        assert tab.evaluate("() => Object.keys(window.PlotlyGeoAssets).filter(address => address.startsWith('/boundaries/')).length") == 2
    finally:
        context.close()


def press(button) -> None:
    """Press a button from the keyboard (focus, then Enter), as a keyboard user does. A mouse click
    lands where the button was: about one click in 25 on a table's download button, the data grid
    above it shrank by 148 px as the mouse went down and grew back over 0.3 s, so the mouse came up
    beside the button and no click reached it (seen with a probe in this test's flow; 40 presses
    from the keyboard in a row all downloaded)."""
    button.press("Enter")


def downloaded_csv(page, key: str, row_name: str) -> tuple[str, dict[str, dict[str, str]]]:
    """Press the "Download CSV" button of table ``key`` (ui.charts.table_download); return the file's
    suggested name and its rows by their ``row_name`` column."""
    with page.expect_download(timeout=60_000) as download:
        press(page.locator(f".st-key-csv-{key}").get_by_role("button", name="Download CSV"))
    rows = csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines())
    return download.value.suggested_filename, {row[row_name]: row for row in rows}


def test_a_table_opens_on_request_and_its_csv_holds_the_figures(base_url, page):
    """Tables are drawn only when their box is opened (ui.charts.table_on_request); the CSV is written when clicked."""
    page.goto(f"{base_url}/knife_injury_under_25?area=London")
    page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
    assert page.locator("[data-testid='stDataFrame']").count() == 1  # the side-by-side table only
    page.get_by_text("Table of the numbers in this map").click()
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stDataFrame']\").length == 2", timeout=30_000)
    wait_until_rendered(page)
    file_name, rows = downloaded_csv(page, "map-knife-injury-under-25", "borough")
    assert file_name == "knife_injury_victims_under_25_non_da-FY2024-25-map.csv"
    hackney = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000012"})
    assert len(rows) == 32 and float(rows["Hackney"]["value"]) == hackney


def test_the_side_by_side_csv_is_written_when_clicked(base_url, page):
    """The side-by-side table is drawn from its cached screen form, headed by its column names; its CSV
    is made from the table itself only when asked for (ui.charts.table_download). Homicide offences:
    112, then 104 (SOURCES.md)."""
    page.goto(f"{base_url}/knife_homicides?area=London")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    wait_until_rendered(page)
    headers = page.locator("[data-testid='stDataFrame'] table thead th").all_inner_texts()  # the grid's accessible copy
    assert [h.strip() for h in headers[:5]] == ["Figure", "Unit", "Months compared", "Previous", "Current"], headers
    file_name, rows = downloaded_csv(page, "side-by-side-knife-homicides", "figure")
    assert file_name == "claim-1-London-FY2024-25-vs-FY2023-24.csv"
    offences = rows["Homicide offences (all methods, all ages)"]
    assert (offences["previous"], offences["current"], offences["months_compared"]) == ("112", "104", "FY2024/25 against FY2023/24")


def test_briefing_downloads_from_the_scorecard(base_url, page):
    from tests.test_briefing import pdf_text

    page.goto(f"{base_url}/?area=Hackney")
    wait_for_tiles(page)
    with page.expect_download(timeout=60_000) as download:
        press(page.get_by_role("button", name="Briefing (PDF)"))
    assert download.value.suggested_filename == "briefing-knife-crime-claims-Hackney-FY2024-25-vs-FY2023-24.pdf"
    pages, text = pdf_text(Path(download.value.path()).read_bytes())
    assert pages <= 2 and "Hackney, FY2024/25" in text
    assert all(f"Claim {n}:" in text for n in (1, 2, 3, 4))
    hackney = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000012"})
    assert f"FY2024/25 {hackney:,}" in text


def test_a_copied_link_restores_the_measure_and_the_rate(base_url, browser):
    context, page, problems = open_tab(browser, DESKTOP)
    try:
        page.goto(f"{base_url}/knife_injury_under_25?area=Hackney")
        page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
        measure_box = page.locator("[data-testid='stSelectbox']").filter(has_text="Measure shown in the charts")
        measure_box.click()
        page.get_by_role("option", name="Knife crime offences").click()
        page.get_by_text("rate per 100,000 residents").first.click()
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="Link to this view").click()
        page.wait_for_function("() => document.querySelector(\"[data-testid='stCode']\")?.innerText.includes('show=rate')", timeout=30_000)
        link = page.locator("[data-testid='stCode']").inner_text().strip()
        assert "measure=knife_crime_offences" in link and "show=rate" in link and "area=Hackney" in link
    finally:
        context.close()
    assert not problems, problems
    context, fresh, problems = open_tab(browser, DESKTOP)  # a new visitor opens the copied link
    try:
        fresh.goto(link)
        fresh.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
        wait_until_rendered(fresh)  # charts draw in any order: the first chart's title exists only once it has drawn
        trend_title = fresh.locator("[data-testid='stPlotlyChart']").first.locator(".gtitle").text_content() or ""
        assert trend_title.startswith("Knife crime offences, per 100,000 residents"), trend_title
        assert fresh.get_by_role("radio", name="rate per 100,000 residents").is_checked()
        fresh.screenshot(path=ARTIFACTS / "copied-link-restored.png", full_page=True)
    finally:
        context.close()
    assert not problems, problems


@pytest.mark.parametrize("path", ["knife_homicides/extra", "no_such_page"])
def test_an_unknown_address_lands_on_the_scorecard_with_a_notice(base_url, page, path):
    page.goto(f"{base_url}/{path}")
    wait_for_tiles(page)
    assert page.get_by_text("The address you opened is not a page of this dashboard").count() == 1
    assert urlparse(page.url).path == "/"


def test_streamlit_paths_are_not_redirected():
    from ui.routing import is_unknown_page

    assert is_unknown_page("/knife_homicides/extra") and is_unknown_page("/no_such_page")
    for path in (
        "/",
        "/knife_homicides",
        "/sources",
        "/knife_injury_under_25/_stcore/health",
        "/_stcore/stream",
        "/static/js/main.js",
        "/favicon.png",
        "/media/abc.png",
    ):
        assert not is_unknown_page(path), path


def test_printing_the_scorecard_gives_a_clean_page(base_url, page):
    page.goto(base_url)
    wait_for_tiles(page)
    page.wait_for_function("() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('@media print'))", timeout=30_000)
    page.emulate_media(media="print")
    page.wait_for_function("() => getComputedStyle(document.querySelector(\"[data-testid='stSidebar']\")).display === 'none'", timeout=10_000)
    width = page.evaluate("() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').getBoundingClientRect().width")
    assert width > 0.9 * DESKTOP["width"]  # the content uses the whole page: no column cut off
    pdf = page.pdf(format="A4")
    from tests.test_briefing import pdf_text

    _, text = pdf_text(pdf)
    assert "Claim 1" in text and "Claim 4" in text and "Filters" not in text  # the sidebar is not printed
