"""A live ``streamlit run app.py`` on localhost and a headless Debian Chromium, shared by
the browser tests and the benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from loaders.snapshot_files import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, timeout: float = 60, env: dict | None = None, script: str = "app.py") -> subprocess.Popen:
    """``streamlit run <script>`` (default the dashboard) on 127.0.0.1:port, from the project folder;
    returns once its health endpoint answers."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    output = server.stdout.read().decode(errors="replace") if server.stdout else ""
    raise RuntimeError(f"streamlit did not start: {output[-2000:]}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)


def resident_memory_mb(pid: int) -> float:
    """VmRSS of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_rendered(page, timeout_ms: int = 120_000) -> None:
    """Until the page has drawn its title, the script has finished its run (the app's own script
    state: the running indicator shows only after a second), no placeholder is left and every
    chart has drawn (Plotly's, and the trend bars of a metric, which Vega draws later), a map
    once the boundary files it names by address have arrived (Plotly keeps each in
    ``window.PlotlyGeoAssets``, 'pending' until then; a map's frame is drawn before) and its
    shapes are drawn (after its base map has arrived too). A click before then can land on an
    element the run is about to replace (a download button's one-run file id, for one), and
    closing the tab could cut off a boundary file on its way."""
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"], [data-testid=\"stMetricChart\"]')].every(c => c.querySelector('svg, canvas'))"
        " && [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => (plot.data || []).map(trace => trace.geojson))"
        ".filter(address => typeof address === 'string')"
        ".every(address => ![undefined, 'pending'].includes((window.PlotlyGeoAssets || {})[address]))"
        " && [...document.querySelectorAll('.js-plotly-plot .geo')].every(map => map.querySelector('path.choroplethlocation'))",
        timeout=timeout_ms,
    )


def open_sessions_at_once(browser, urls: list[str]) -> tuple[list[float], list[str]]:
    """Open each URL in its own browser context, all requests in flight before any is awaited.

    Returns the seconds until each page was rendered, and any errors (JavaScript errors,
    Streamlit exception boxes) seen on the pages.
    """
    errors: list[str] = []
    pages = []
    for _ in urls:
        page = browser.new_context().new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        pages.append(page)
    start = time.perf_counter()
    for page, url in zip(pages, urls):
        page.goto(url, wait_until="commit")
    done = []
    for page in pages:
        wait_until_rendered(page)
        if page.locator("[data-testid='stException']").count():
            errors.append(f"{page.url}: a Streamlit exception is shown")
        done.append(time.perf_counter() - start)
    for page in pages:
        page.context.close()
    return done, errors


def go_to(at, page: str):
    """Open a page in an ``AppTest``: a file in pages/, or a claim page by its address (claim
    pages are drawn by a function, which AppTest.switch_page cannot name, so the page is
    chosen by its hash as st.navigation does: the hash of its url_path)."""
    from streamlit.util import calc_hash

    if page.startswith("pages/"):
        return at.switch_page(page).run()
    at._page_hash = calc_hash(page)  # AppTest has no public way to open a callable page
    return at.run()


class WireMeter:
    """A relay on 127.0.0.1 in front of a server that counts the bytes the server sends, as they
    travel: after the websocket's compression (permessage-deflate), headers and framing included.
    Chrome DevTools reports a websocket message only once it is decompressed.

    ``with WireMeter(server_port) as meter:`` open ``meter.url``; ``meter.sent`` then holds the
    bytes sent on websocket connections (those opened by a request for Streamlit's stream) and
    on the rest (HTTP). Bytes are counted as they are relayed, so read it once the page has settled.
    """

    STREAM = b"GET /_stcore/stream"

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sent = {"websocket": 0, "http": 0}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> WireMeter:
        self._thread.start()
        self._server = self._run(asyncio.start_server(self._relay, "127.0.0.1", self.port))
        return self

    def __exit__(self, *_exc) -> None:
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _close(self) -> None:
        """Stop listening and end the connections still open (a websocket stays open until its tab closes)."""
        self._server.close()
        relays = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for relay in relays:
            relay.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    async def _relay(self, browser_reader: asyncio.StreamReader, browser_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.server_port)
        first = await browser_reader.read(65536)
        kind = "websocket" if first.startswith(self.STREAM) else "http"
        server_writer.write(first)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, counted: bool) -> None:
            try:
                while data := await source.read(65536):
                    if counted:
                        self.sent[kind] += len(data)
                    sink.write(data)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        # Ended by _close: the cancellation stops here, since on Python 3.11 asyncio's stream server logs
        # a cancelled handler's task as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(pipe(browser_reader, server_writer, False), pipe(server_reader, browser_writer, True))
