"""``python -m benchmarks [browser rerun build scale load]``: the dashboard against floors
measured in the same run, printed as dashboard, floor and ratio (median and range), and in
how many rounds (each a measurement of the dashboard and one of its floor) the target was met.

Nothing here asserts a target; targets are printed beside the ratios for a person to judge.

- browser: alternating fresh servers of the bare Streamlit app (benchmarks/bare_app.py) and
           the dashboard in headless Chromium: cold start, deep link to a claim page, area
           change, bytes to the browser (the websocket's as read and on the wire), server memory
           after every page (benchmarks/browser.py);
           cold start and memory also against the bare app with the dashboard's libraries
           imported (benchmarks/bare_app_with_libraries.py), with no target.
- rerun:   server script time per rerun (AppTest) of the scorecard and claim pages 1 and 3,
           against the bare app's.
- build:   ``python -m loaders build`` (in a child process) against reading the same input
           files with pyarrow alone (CSV and parquet) and plain readers for the rest.
- scale:   the stop-search loader on generated files of 1,000, 1,000,000 and 10,000,000 rows
           and on 24 monthly files of 8,000 (a refresh's case), against DuckDB doing the same
           parse and month x borough count, and against pyarrow reading the files alone; time
           and peak memory, each in its own child process.
- load:    20 browser sessions opening every page type at once on one server (no floor).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from loaders.build import DEFAULT_RAW_DIR
from loaders.snapshot_files import PROJECT_ROOT, SNAPSHOT_DIR, read_manifest

RUNS = 5


def _spread(values: list[float], scale: float, digits: int) -> str:
    return f"{statistics.median(values) * scale:,.{digits}f} ({min(values) * scale:,.{digits}f}-{max(values) * scale:,.{digits}f})"


def round_ratios(measured: list[float], floor: list[float]) -> list[float]:
    """Each round's figure over the floor's in the same round (both lists in round order): the
    machine's speed drifts between rounds (1.5x on the development VM), and a round's two
    measurements, taken one after the other, share most of that drift."""
    if len(measured) != len(floor):
        raise ValueError(f"{len(measured)} measurements against {len(floor)} of the floor: rounds must pair up")
    return [one / below if below else math.inf for one, below in zip(measured, floor)]


def target_verdict(ratios: list[float], target: float) -> str:
    """How many rounds met the target: 'met in all 5 rounds', 'met in 2 of 5 rounds' or 'missed in all 5 rounds'."""
    met = sum(ratio <= target for ratio in ratios)
    if met == len(ratios):
        return f"met in all {met} rounds"
    return f"missed in all {len(ratios)} rounds" if met == 0 else f"met in {met} of {len(ratios)} rounds"


def report(label: str, unit: str, measured: list[float], floor: list[float], target: float | None, scale: float = 1.0, digits: int = 2) -> None:
    """One line: the figure, then median (range) for what is measured and for the floor, the ratio of
    medians, each round's ratio as median (range), and in how many rounds the target was met (or
    "no target": a floor shown to explain a figure, not to judge it)."""
    ratios = round_ratios(measured, floor)
    (of_medians,) = round_ratios([statistics.median(measured)], [statistics.median(floor)])
    judged = "no target" if target is None else f"{target:g}x: {target_verdict(ratios, target)}"
    print(
        f"| {label} | {_spread(measured, scale, digits)} {unit} | {_spread(floor, scale, digits)} {unit} | {of_medians:.2f}x | {_spread(ratios, 1, 2)} | {judged} |"
    )


def header(floor_name: str, subject: str = "dashboard") -> None:
    print(f"| figure | {subject}, median (range) | {floor_name}, median (range) | ratio of medians | ratio per round, median (range) | target |")
    print("|---|---|---|---|---|---|")


def bench_browser(runs: int = RUNS) -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import BARE, BARE_WITH_LIBRARIES, DASHBOARD, visit
    from benchmarks.live import launch_chromium

    write_bytecode()
    subjects = (BARE, DASHBOARD, BARE_WITH_LIBRARIES)
    results: dict[str, list[dict[str, float]]] = {subject.name: [] for subject in subjects}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for subject in subjects:  # one unmeasured visit each: first imports, page cache, Chromium's own start
            visit(browser, subject)
        for run in range(runs):
            for subject in subjects if run % 2 == 0 else subjects[::-1]:
                results[subject.name].append(visit(browser, subject))
            print(f"  browser run {run + 1} of {runs} done", file=sys.stderr)
        browser.close()

    def values(subject, figure: str) -> list[float]:
        return [one[figure] for one in results[subject.name]]

    header("bare Streamlit app")
    rows = [
        ("cold start: launch until the four figures are painted", "s", "cold start", 1.3, 1, 2),
        ("deep link to claim 3 (new browser context) until title and verdict are painted", "s", "deep link", 1.3, 1, 2),
        ("area change until the new figures are painted", "ms", "area change", 1.3, 1000, 0),
        ("server CPU per area change", "ms", "server CPU per area change", 1.3, 1000, 0),
        ("server memory after visiting every page", "MB", "memory", 2.0, 1, 0),
        ("HTTP bytes for the deep link", "MB", "HTTP bytes", 1.3, 1e-6, 2),
        ("websocket bytes for the deep link: messages", "kB", "websocket bytes", 1.3, 1e-3, 1),
        ("websocket bytes for the deep link: on the wire, compressed", "kB", "websocket bytes on the wire", 1.3, 1e-3, 1),
    ]
    for label, unit, figure, target, scale, digits in rows:
        report(label, unit, values(DASHBOARD, figure), values(BARE, figure), target, scale, digits)
    print(f"\nThe same rounds against a second floor, {BARE_WITH_LIBRARIES.script} (what the project adds beyond its libraries):\n")
    header(BARE_WITH_LIBRARIES.name)
    for label, unit, figure, _, scale, digits in rows:
        if figure in ("cold start", "memory"):  # what importing the libraries costs
            report(label, unit, values(DASHBOARD, figure), values(BARE_WITH_LIBRARIES, figure), None, scale, digits)


def write_bytecode() -> None:
    """Write the project's compiled modules (``__pycache__``), as Python does on a first run unless
    PYTHONDONTWRITEBYTECODE is set (the development VM sets it). Without them every measured server
    start compiles the dashboard's modules again (~55 ms of its cold start), which a user's second
    start does not, while the bare app, one small script, has next to nothing to compile."""
    import compileall

    for package in ("indicators", "loaders", "ui"):
        compileall.compile_dir(PROJECT_ROOT / package, quiet=1)
    compileall.compile_file(PROJECT_ROOT / "app.py", quiet=1)


def compile_once_per_script() -> None:
    """Make AppTest compile each script once, as the server does.

    AppTest gives every run a new ScriptCache, so each rerun compiles the app's scripts afresh
    (with Streamlit's magic rewriting of their syntax trees): about a third of a measured
    scorecard rerun, and a cost the server pays once per script (its one ScriptCache keeps the
    bytecode). One shared cache, for the bare app and the dashboard alike, measures what a
    rerun costs on the server.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared, get_bytecode = ScriptCache(), ScriptCache.get_bytecode
    ScriptCache.get_bytecode = lambda self, script_path: get_bytecode(shared, script_path)  # type: ignore[method-assign]


def bench_rerun(runs: int = RUNS) -> None:
    """Server script time per rerun (AppTest), after a first run has filled the caches."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()  # noise from AppTest, not a finding
    )

    from benchmarks.live import go_to

    compile_once_per_script()

    def per_rerun(script: str, page: str | None) -> Callable[[], float]:
        app = AppTest.from_file(str(PROJECT_ROOT / script), default_timeout=60)
        go_to(app, page) if page else app.run()

        def once() -> float:
            start = time.perf_counter()
            app.run()
            return time.perf_counter() - start

        return once

    bare = per_rerun("benchmarks/bare_app.py", None)
    header("bare Streamlit app")
    for label, page in (("scorecard", None), ("claim 1 page", "knife_homicides"), ("claim 3 page", "knife_injury_under_25")):
        dashboard = per_rerun("app.py", page)
        dashboard_times, bare_times = [], []
        for _ in range(runs * 2):  # alternate, so both see the same machine
            dashboard_times.append(dashboard())
            bare_times.append(bare())
        report(f"server script per rerun, {label}", "ms", dashboard_times, bare_times, 1.3, 1000, 1)


#: The child's peak resident memory: VmHWM belongs to the process's own memory map, whereas
#: getrusage's ru_maxrss would also count the parent's size at the fork (Linux keeps it across exec).
PEAK_KIB = "int(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))"


def _child_seconds_and_peak(setup: str) -> tuple[float, float]:
    """Run ``setup`` in a child process (it defines ``run``), then time ``run()`` alone;
    return its seconds and the child's peak resident memory in MB (imports included)."""
    code = f"import time\n{setup}\nstart = time.perf_counter()\nrun()\nprint(time.perf_counter() - start, {PEAK_KIB})\n"
    answer = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if answer.returncode:
        raise RuntimeError(answer.stderr[-2000:])
    elapsed, peak_kib = answer.stdout.split()[-2:]
    return float(elapsed), int(peak_kib) / 1024


#: Imported before the clock starts, by the build and by its floor alike.
COMMON_IMPORTS = "import pathlib, tempfile\nimport pandas, pyarrow.csv, pyarrow.parquet, python_calamine\n"


def bench_build(raw_dir: Path, runs: int = RUNS) -> None:
    """The build against reading the files it reads (the manifest's inputs) with pyarrow alone."""
    inputs = sorted({str(raw_dir / one["file"]) for table in read_manifest(SNAPSHOT_DIR)["tables"].values() for one in table["inputs"]})
    build = (
        COMMON_IMPORTS
        + f"from loaders.build import build_into\nrun = lambda: build_into(pathlib.Path({str(raw_dir)!r}), pathlib.Path(tempfile.mkdtemp()))"
    )
    floor = COMMON_IMPORTS + f"from benchmarks.floors import read_plainly\nrun = lambda: read_plainly({inputs!r})"
    build_runs, floor_runs = [], []
    for _ in range(runs):
        build_runs.append(_child_seconds_and_peak(build))
        floor_runs.append(_child_seconds_and_peak(floor))
    header(f"reading its {len(inputs)} input files with pyarrow", "python -m loaders build")
    report("snapshot build, time", "s", [r[0] for r in build_runs], [r[0] for r in floor_runs], 1.5)
    report("snapshot build, peak memory", "MB", [r[1] for r in build_runs], [r[1] for r in floor_runs], 2.0, digits=0)


#: (files, rows in each): one file growing, then a refresh's many small monthly files.
SCALE_CASES = ((1, 1_000), (1, 1_000_000), (1, 10_000_000), (24, 8_000))


def bench_scale(raw_dir: Path, cases: tuple[tuple[int, int], ...] = SCALE_CASES, runs: int = 3) -> None:
    """The stop-search loader against DuckDB and against pyarrow alone, per file size and file count."""
    from benchmarks.floors import write_stop_search_csv

    print(
        "| rows | our loader + month x borough count | DuckDB: same parse and count | pyarrow.csv.read_csv alone | loader / DuckDB | loader / pyarrow |"
    )
    print("|---|---|---|---|---|---|")
    for files, rows in cases:
        with tempfile.TemporaryDirectory() as scratch:
            months = [f"{2023 + number // 12}-{number % 12 + 1:02d}" for number in range(files)]
            paths = [str(Path(scratch) / f"{month}-metropolitan-stop-and-search.csv") for month in months]
            for month, path in zip(months, paths):
                write_stop_search_csv(Path(path), rows, month=month)
            measured: dict[str, list[tuple[float, float]]] = {"loader": [], "duckdb": [], "pyarrow": []}
            for _ in range(runs):
                for engine in measured:
                    measured[engine].append(
                        _child_seconds_and_peak(
                            f"from benchmarks.floors import count_with\nrun = count_with({engine!r}, {paths!r}, {str(raw_dir)!r})"
                        )
                    )
        cells = [f"{statistics.median(r[0] for r in one):.3f} s, {max(r[1] for r in one):,.0f} MB" for one in measured.values()]
        seconds = {engine: statistics.median(r[0] for r in one) for engine, one in measured.items()}
        label = f"{rows:,}" if files == 1 else f"{files} files of {rows:,}"
        print(f"| {label} | {' | '.join(cells)} | {seconds['loader'] / seconds['duckdb']:.2f}x | {seconds['loader'] / seconds['pyarrow']:.2f}x |")
    print("(time: the parse and count alone, after imports and the borough shapes; memory: the child's peak resident set, imports included)")


def bench_load(sessions: int = 20) -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import DASHBOARD
    from benchmarks.live import free_port, launch_chromium, open_sessions_at_once, resident_memory_mb, server_cpu_seconds, start_server, stop_server

    port = free_port()
    server = start_server(port)
    cpu_before = server_cpu_seconds(server.pid)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        urls = [f"http://127.0.0.1:{port}{DASHBOARD.pages[number % len(DASHBOARD.pages)]}" for number in range(sessions)]
        done, errors = open_sessions_at_once(browser, urls)
        browser.close()
    cpu = server_cpu_seconds(server.pid) - cpu_before
    memory = resident_memory_mb(server.pid)
    stop_server(server)
    print(
        f"load, {sessions} sessions: all pages rendered after {max(done):.2f} s (median {statistics.median(done):.2f} s); errors {len(errors)}; "
        f"server CPU {cpu:.1f} s ({cpu / sessions:.2f} s a session); server memory {memory:.0f} MB"
    )
    for error in errors[:5]:
        print(f"    {error}")


SECTIONS: dict[str, Callable[..., None]] = {
    "browser": bench_browser,
    "rerun": bench_rerun,
    "build": bench_build,
    "scale": bench_scale,
    "load": bench_load,
}
NEEDS_RAW = ("build", "scale")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)} (default: all but load)")
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    import streamlit

    print(
        f"Measured {dt.date.today():%d %B %Y} on {platform.node() or 'this machine'}: {platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}, Streamlit {streamlit.__version__}; "
        f"snapshot {read_manifest(SNAPSHOT_DIR)['version'][:8]}"
    )
    for name in args.sections or [name for name in SECTIONS if name != "load"]:
        print(f"\n## {name}\n")
        runner = SECTIONS[name]
        runner(args.raw) if name in NEEDS_RAW else runner()
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
