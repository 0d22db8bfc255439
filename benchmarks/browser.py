"""One measured visit of an app in headless Chromium: the dashboard, or the bare Streamlit
app it is compared with (benchmarks/bare_app.py), driven the same way.

A visit starts a fresh ``streamlit run`` and measures, in this order:

- cold start: from launching the server until the first screen's four figures are painted;
- area change: choosing another area in the "Area" box until the watched figure shows its new
  value (the median of several changes), and the server's CPU time for each change (its script
  run, Streamlit's work around it, the websocket), from /proc in 10 ms ticks;
- deep link: a new browser context (empty cache) opening a claim page's address until its
  title and verdict are painted (for the bare app: its one page);
- bytes: what that deep link transferred over HTTP and received over the websocket (the messages'
  size, as the page reads them);
- memory: the server's resident memory after every page has been visited;
- websocket bytes on the wire: the deep link once more, in a new context, through a relay that
  counts what the server sends (benchmarks.live.WireMeter), so after the websocket's compression.
  A visit of its own, so that the relay's work is not in the deep link's time.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, replace

from benchmarks.live import WireMeter, free_port, resident_memory_mb, server_cpu_seconds, start_server, stop_server, wait_until_rendered

DESKTOP = {"width": 1400, "height": 1200}


def _painted(selector: str, count: int) -> str:
    return f'() => document.querySelectorAll("{selector}").length >= {count}'


@dataclass(frozen=True)
class Subject:
    """An app as the benchmark drives it."""

    name: str
    script: str
    home_painted: str  # a JavaScript predicate: the first screen's figures are painted
    deep_link: str
    deep_link_painted: str
    pages: tuple[str, ...]  # every page's address, for the memory figure
    areas: tuple[str, ...]  # chosen one after another in the "Area" box
    watched: str  # CSS selector of a figure that changes with the area


METRIC = "[data-testid='stMetricValue']"
VERDICT_PAINTED = (
    "() => (document.querySelector('h1')?.innerText || '').startsWith('Claim') && "
    "[...document.querySelectorAll('[data-testid=stAlert]')].some(a => /Supported|Direction as claimed|Mixed|Too few|Not answerable|Not supported/.test(a.innerText))"
)

DASHBOARD = Subject(
    name="dashboard",
    script="app.py",
    home_painted=_painted(f"[class*='st-key-tile-'] {METRIC}", 4),
    deep_link="/knife_injury_under_25?area=Hackney",
    deep_link_painted=VERDICT_PAINTED,
    pages=tuple(
        f"/{path}?area=Hackney"
        for path in (
            "",
            "knife_homicides",
            "teen_child_homicides",
            "knife_injury_under_25",
            "weapons_search_outcomes",
            "letter",
            "stop_search",
            "sources",
        )
    ),
    areas=("Central East BCU", "Croydon", "South West BCU", "Hackney", "West BCU", "Lambeth", "North BCU"),
    watched=f".st-key-tile-knife-injury-under-25 {METRIC}",
)

BARE = Subject(
    name="bare Streamlit app",
    script="benchmarks/bare_app.py",
    home_painted=_painted(METRIC, 4),
    deep_link="/?area=Area+7",
    deep_link_painted=_painted(METRIC, 4),
    pages=("/",),
    areas=("Area 3", "Area 17", "Area 25", "Area 8", "Area 40", "Area 12", "Area 31"),
    watched=f".st-key-tile-0 {METRIC}",
)

#: The bare app with the dashboard's libraries imported first (benchmarks/bare_app_with_libraries.py).
BARE_WITH_LIBRARIES = replace(BARE, name="bare app with the dashboard's libraries", script="benchmarks/bare_app_with_libraries.py")


class ByteMeter:
    """Bytes a page receives: HTTP responses as transferred (Chrome DevTools' encodedDataLength)
    and websocket frames' payloads."""

    def __init__(self, context, page) -> None:
        self.http = 0
        self.websocket = 0
        session = context.new_cdp_session(page)
        session.on("Network.loadingFinished", self._http)
        session.on("Network.webSocketFrameReceived", self._frame)
        session.send("Network.enable")

    def _http(self, event: dict) -> None:
        self.http += int(event["encodedDataLength"])

    def _frame(self, event: dict) -> None:
        payload = event["response"]["payloadData"]
        # Binary frames (opcode 2: Streamlit's protobuf messages) arrive base64-encoded.
        self.websocket += len(payload) * 3 // 4 if event["response"]["opcode"] == 2 else len(payload.encode())


def _change_area(page, subject: Subject, server_pid: int) -> tuple[list[float], list[float]]:
    """Seconds from choosing each area until the watched figure shows a new value, and the server's
    CPU seconds from the choice until the page has finished drawing."""
    times, cpu = [], []
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Area").first
    for area in subject.areas:
        before = page.locator(subject.watched).first.inner_text()
        box.click()
        page.keyboard.type(area)
        option = page.get_by_role("option", name=area, exact=True)
        option.wait_for()
        start, cpu_before = time.perf_counter(), server_cpu_seconds(server_pid)
        option.click()
        page.wait_for_function(
            "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
            arg=[subject.watched, before],
            timeout=30_000,
        )
        times.append(time.perf_counter() - start)
        wait_until_rendered(page)
        cpu.append(server_cpu_seconds(server_pid) - cpu_before)
    return times, cpu


def visit(browser, subject: Subject) -> dict[str, float]:
    """One fresh server, measured as the module docstring says; returns figure -> value."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = start_server(port, script=subject.script)
    try:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_function(subject.home_painted, timeout=60_000)
        figures = {"cold start": time.perf_counter() - start}
        wait_until_rendered(page)
        times, cpu = _change_area(page, subject, server.pid)
        figures["area change"], figures["server CPU per area change"] = statistics.median(times), statistics.median(cpu)
        context.close()

        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        meter = ByteMeter(context, page)
        start = time.perf_counter()
        page.goto(base + subject.deep_link)
        page.wait_for_function(subject.deep_link_painted, timeout=60_000)
        figures["deep link"] = time.perf_counter() - start
        wait_until_rendered(page)
        page.wait_for_load_state("networkidle")
        figures["HTTP bytes"], figures["websocket bytes"] = meter.http, meter.websocket
        for path in subject.pages:
            page.goto(base + path)
            wait_until_rendered(page)
        figures["memory"] = resident_memory_mb(server.pid)
        context.close()

        with WireMeter(port) as wire:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            page.goto(wire.url + subject.deep_link)
            wait_until_rendered(page)
            page.wait_for_load_state("networkidle")
            figures["websocket bytes on the wire"] = wire.sent["websocket"]
            context.close()
    finally:
        stop_server(server)
    return figures


if __name__ == "__main__":  # a quick look at one visit of each: python -m benchmarks.browser
    from playwright.sync_api import sync_playwright

    from benchmarks.live import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        for one in (BARE, DASHBOARD):
            print(one.name, json.dumps(visit(chromium, one)))
        chromium.close()
