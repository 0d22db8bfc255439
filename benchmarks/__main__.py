"""``python -m benchmarks [build|loader|rerun ...]``: print speed and memory figures.

Each figure is the median of several runs. Nothing here asserts a target; the targets
are printed beside the figures for a person to compare.

- build:  snapshot build from the raw folder, in a child process (time, peak RSS).
- loader: stop-and-search loader on a generated 1,000,000-row file in the data.police.uk
          CSV layout, against pyarrow.csv.read_csv alone on the same file (the floor).
- rerun:  server-side script time per rerun of the scorecard (AppTest), after the first run.
- startup: launching ``streamlit run app.py`` until the scorecard's four tiles show in
          headless Chromium (fresh server each run).
- interaction: changing the area in the sidebar until the new figures are drawn.
- memory: resident memory of the Streamlit process after visiting every page.
- load:   20 browser sessions opening the scorecard and a claim page at once on one server.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from loaders.build import DEFAULT_RAW_DIR
from loaders.snapshot_files import PROJECT_ROOT

RUNS = 3


def _median_seconds(run, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_build(raw_dir: Path) -> None:
    """Build in a child process so its peak resident memory can be read cleanly."""
    code = (
        "import resource, sys, time, tempfile, pathlib\n"
        "from loaders.build import build_into\n"
        "out = pathlib.Path(tempfile.mkdtemp())\n"
        "start = time.perf_counter()\n"
        f"build_into(pathlib.Path({str(raw_dir)!r}), out)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    results = []
    for _ in range(RUNS):
        answer = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        elapsed, peak_kib = answer.stdout.split()
        results.append((float(elapsed), int(peak_kib)))
    seconds = statistics.median(r[0] for r in results)
    peak = max(r[1] for r in results) / 1024
    print(f"snapshot build          {seconds:8.2f} s   (target < 20 s)   peak memory {peak:7.0f} MB")


def write_stop_search_csv(path: Path, rows: int, distinct_points: int | None = 100_000) -> None:
    """A synthetic month in the archive CSV layout with realistic values.

    data.police.uk publishes each search at one of a fixed set of anonymised map points,
    so coordinates repeat; ``distinct_points`` sets how many (None: every row its own point).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    pool = distinct_points or rows
    point = rng.integers(0, pool, rows)
    pool_lat, pool_lon = rng.uniform(51.30, 51.68, pool).round(6), rng.uniform(-0.50, 0.30, pool).round(6)
    objects = np.array(["Controlled drugs", "Offensive weapons", "Stolen goods", "Firearms", "Anything to threaten or harm anyone"])
    outcomes = np.array(["A no further action disposal", "Arrest", "Community resolution", "Summons / charged by post"])
    located = rng.random(rows) < 0.97
    frame = pd.DataFrame(
        {
            "Type": "Person search",
            "Date": pd.Timestamp("2024-11-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 30 * 86400, rows), unit="s"),
            "Part of a policing operation": rng.choice(["True", "False"], rows),
            "Policing operation": "",
            "Latitude": np.where(located, pool_lat[point], np.nan),
            "Longitude": np.where(located, pool_lon[point], np.nan),
            "Gender": rng.choice(["Male", "Female"], rows),
            "Age range": rng.choice(["10-17", "18-24", "25-34", "over 34"], rows),
            "Self-defined ethnicity": rng.choice(
                ["White - English/Welsh/Scottish/Northern Irish/British", "Black/African/Caribbean/Black British - African"], rows
            ),
            "Officer-defined ethnicity": rng.choice(["White", "Black", "Asian"], rows),
            "Legislation": rng.choice(["Police and Criminal Evidence Act 1984 (section 1)", "Misuse of Drugs Act 1971 (section 23)"], rows),
            "Object of search": rng.choice(objects, rows),
            "Outcome": rng.choice(outcomes, rows),
            "Outcome linked to object of search": rng.choice(["True", "False", ""], rows),
            "Removal of more than just outer clothing": "False",
        }
    )
    frame["Date"] = frame["Date"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    frame.to_csv(path, index=False)


def bench_loader(raw_dir: Path, rows: int = 1_000_000) -> None:
    import pyarrow.csv as pacsv

    from loaders.build import geography_from_raw
    from loaders.stop_search import load_stop_search

    locator = geography_from_raw(raw_dir).locator
    for distinct, label in ((100_000, "100,000 distinct map points"), (None, "every row a distinct point (worst case)")):
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "2024-11-metropolitan-stop-and-search.csv"
            write_stop_search_csv(path, rows, distinct)
            floor = _median_seconds(lambda: pacsv.read_csv(path))
            loader = _median_seconds(lambda: load_stop_search(path, locator))
        print(
            f"stop-search loader      {loader:8.2f} s   {rows / loader:,.0f} rows/s on {rows:,} rows, {label}; "
            f"pyarrow.csv.read_csv alone {floor:.2f} s; ratio {loader / floor:.1f}x (target within 3x)"
        )


def bench_rerun() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    first = _median_seconds(lambda: app.run(), runs=1)
    rerun = _median_seconds(lambda: app.run(), runs=7)
    print(f"scorecard script run    {rerun * 1000:8.0f} ms  per rerun (target < 100 ms); first run {first * 1000:.0f} ms")


TILE_VALUES = "[class*='st-key-tile-'] [data-testid='stMetricValue']"
PAGES = ["", "knife_homicides", "teen_child_homicides", "knife_injury_under_25", "weapons_search_outcomes", "letter", "stop_search", "sources"]


def bench_startup() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.live import free_port, launch_chromium, start_server, stop_server

    times = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(5):  # the machine is noisy: five runs for a steadier median
            port = free_port()
            start = time.perf_counter()
            server = start_server(port)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function(f'() => document.querySelectorAll("{TILE_VALUES}").length === 4', timeout=60_000)
            times.append(time.perf_counter() - start)
            page.close()
            stop_server(server)
        browser.close()
    print(
        f"cold start              {statistics.median(times):8.2f} s   launch to four tiles in Chromium (target < 2.5 s); runs {', '.join(f'{t:.2f}' for t in times)}"
    )


def bench_interaction() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.live import free_port, launch_chromium, start_server, stop_server

    port = free_port()
    server = start_server(port)
    times = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function(f'() => document.querySelectorAll("{TILE_VALUES}").length === 4', timeout=60_000)
        tile = ".st-key-tile-knife-injury-under-25 [data-testid='stMetricValue']"
        for area in ["Central East BCU", "Croydon", "South West BCU", "Hackney", "West BCU", "Lambeth", "North BCU"]:
            before = page.locator(tile).inner_text()
            page.locator("[data-testid='stSelectbox']").filter(has_text="Area").click()
            page.keyboard.type(area)
            option = page.get_by_role("option", name=area, exact=True)
            option.wait_for()
            start = time.perf_counter()
            option.click()
            page.wait_for_function("([sel, old]) => document.querySelector(sel)?.innerText !== old", arg=[tile, before], timeout=30_000)
            times.append(time.perf_counter() - start)
        browser.close()
    stop_server(server)
    print(
        f"interaction             {statistics.median(times) * 1000:8.0f} ms  area change to new figures in Chromium (target < 400 ms); max {max(times) * 1000:.0f} ms over {len(times)} changes"
    )


def bench_memory() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.live import free_port, launch_chromium, resident_memory_mb, start_server, stop_server, wait_until_rendered

    port = free_port()
    server = start_server(port)
    idle = resident_memory_mb(server.pid)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        for path in PAGES:
            page.goto(f"http://127.0.0.1:{port}/{path}?area=Hackney")
            wait_until_rendered(page)
            page.wait_for_timeout(300)
        browser.close()
    after = resident_memory_mb(server.pid)
    stop_server(server)
    print(f"app memory              {after:8.0f} MB  resident after visiting all {len(PAGES)} pages (target < 350 MB); {idle:.0f} MB at start")


def bench_load(sessions: int = 20) -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.live import free_port, launch_chromium, open_sessions_at_once, resident_memory_mb, server_cpu_seconds, start_server, stop_server

    port = free_port()
    server = start_server(port)
    cpu_before = server_cpu_seconds(server.pid)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        urls = [f"http://127.0.0.1:{port}/{PAGES[number % len(PAGES)]}" for number in range(sessions)]
        done, errors = open_sessions_at_once(browser, urls)
        browser.close()
    cpu = server_cpu_seconds(server.pid) - cpu_before
    memory = resident_memory_mb(server.pid)
    stop_server(server)
    print(
        f"load, {sessions} sessions        {max(done):8.2f} s   until all {sessions} pages (every page type) rendered, median {statistics.median(done):.2f} s; "
        f"errors {len(errors)}; server CPU {cpu:.1f} s ({cpu / sessions:.2f} s a session; the rest is {sessions} Chromium tabs on the same 2 cores); "
        f"server memory {memory:.0f} MB"
    )
    for error in errors[:5]:
        print(f"    {error}")


SECTIONS: dict[str, Callable[..., None]] = {
    "build": bench_build,
    "loader": bench_loader,
    "rerun": bench_rerun,
    "startup": bench_startup,
    "interaction": bench_interaction,
    "memory": bench_memory,
    "load": bench_load,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    for name in args.sections or SECTIONS:
        runner = SECTIONS[name]
        runner(args.raw) if name in ("build", "loader") else runner()
    return 0


if __name__ == "__main__":
    sys.exit(main())
