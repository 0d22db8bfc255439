"""The dashboard in a real browser: Playwright drives Debian's Chromium against a live
``streamlit run app.py``. Screenshots go to tests/artifacts/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from benchmarks.live import CHROMIUM, free_port, launch_chromium, open_sessions_at_once, start_server, stop_server
from loaders.snapshot_files import PROJECT_ROOT
from tests.test_app import NON_DA, bcu_codes, snapshot_knife_total

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"

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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def tile_value(page, slug: str) -> str:
    return page.locator(f".st-key-tile-{slug} [data-testid='stMetricValue']").inner_text().strip()


def test_direct_link_to_a_claim_page_on_a_fresh_server(base_url, page):
    # Must run first: on a fresh server Streamlit would run a pages/ file on its own.
    page.goto(f"{base_url}/knife_injury_under_25?area=Hackney")
    page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
    page.wait_for_timeout(1000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("3. Knife injury victims under 25").count() >= 1  # app.py's menu, not the generic one
    assert page.title() == "London knife-crime claims, checked"
    hackney = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1), {"E09000012"})
    assert page.get_by_text(f"{hackney} in FY2024/25").count() >= 1
    page.screenshot(path=ARTIFACTS / "claim-3-hackney.png", full_page=True)


def test_scorecard_tiles_then_switch_area_to_a_bcu(base_url, page):
    page.goto(base_url)
    page.wait_for_selector(".st-key-tile-weapons-search-outcomes [data-testid='stMetricValue']", timeout=60_000)
    # The two columns paint independently: wait for the four tiles' values, then check them.
    page.wait_for_function("() => document.querySelectorAll(\"[class*='st-key-tile-'] [data-testid='stMetricValue']\").length === 4", timeout=30_000)
    assert page.locator("[data-testid='stMetric']").count() == 4
    london = snapshot_knife_total(NON_DA, dt.date(2024, 4, 1), dt.date(2025, 4, 1))
    assert tile_value(page, "knife-injury-under-25") == f"{london:,}"
    assert tile_value(page, "knife-homicides") == "no data"
    assert tile_value(page, "teen-child-homicides") == "no data"
    assert tile_value(page, "weapons-search-outcomes") == "no data"
    assert page.get_by_text("Not answerable from the data in the snapshot").count() == 3
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


def test_shared_link_reopens_the_same_view(base_url, page):
    page.goto(f"{base_url}/?area=Croydon&basis=cy&period=CY2023&compare=CY2022")
    page.wait_for_selector(".st-key-tile-knife-injury-under-25 [data-testid='stMetricValue']", timeout=60_000)
    croydon = snapshot_knife_total(NON_DA, dt.date(2023, 1, 1), dt.date(2024, 1, 1), {"E09000008"})
    assert tile_value(page, "knife-injury-under-25") == f"{croydon:,}"
    assert page.get_by_text("CY2023 against").count() + page.get_by_text("against CY2022").count() >= 1


def test_bad_link_shows_a_notice_not_a_traceback(base_url, page):
    page.goto(f"{base_url}/?area=%3Cb%3EGotham%3C/b%3E&period=FY1850/51")
    page.wait_for_selector(".st-key-tile-knife-injury-under-25 [data-testid='stMetricValue']", timeout=60_000)
    assert page.get_by_text("Unknown area in the link").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("b", has_text="Gotham").count() == 0  # text from the URL is never rendered as HTML
    page.screenshot(path=ARTIFACTS / "bad-link.png", full_page=True)


def test_sources_page(base_url, page):
    page.goto(f"{base_url}/sources")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    assert page.get_by_text("Open Government Licence").count() >= 1
    page.screenshot(path=ARTIFACTS / "sources.png", full_page=True)


def test_map_renders_and_a_click_selects_a_borough(base_url, page):
    page.goto(f"{base_url}/knife_injury_under_25")
    canvas = page.locator(".st-key-map-knife-injury-under-25 canvas").first
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    canvas.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "claim-3-map.png", full_page=True)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # Clicks inside London until one lands on a borough (the City of London is not selectable).
    for x, y in ((0.5, 0.6), (0.4, 0.7), (0.6, 0.45), (0.35, 0.4), (0.55, 0.8)):
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
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


def test_twenty_concurrent_sessions(base_url, browser):
    """Twenty sessions at once, across every page: all render, none shows an error."""
    paths = ["", "knife_homicides", "teen_child_homicides", "knife_injury_under_25", "weapons_search_outcomes", "letter", "stop_search", "sources"]
    urls = [f"{base_url}/{paths[n % len(paths)]}?area={['London', 'Hackney', 'West BCU'][n % 3]}" for n in range(20)]
    done, errors = open_sessions_at_once(browser, urls)
    assert len(done) == 20
    assert errors == []
