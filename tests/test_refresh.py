"""The refresh against a real HTTP server on 127.0.0.1 answering in today's live formats
(../shared/data/LIVE_FORMATS.md): each source is downloaded, validated and swapped in on its
own; a source that fails keeps its last good data, and says why, naming the address."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from loaders import __main__ as cli
from loaders.build import SnapshotBusy, snapshot_lock
from loaders.refresh import MIN_INTERVAL, Downloader, Endpoints, RefreshError, refresh
from loaders.snapshot_files import PROJECT_ROOT, read_manifest, read_table, sha256_of
from tests.conftest import API_JSON_DIR, CRIME_RECENT_CSV, VICTIMS_2020
from tests.live_server import LiveServer, Reply, json_reply, start
from tests.test_live_formats import homicide_2025_layout, knife_2026_layout

CRIME_HISTORICAL_CSV = CRIME_RECENT_CSV.with_name(
    "mps_borough_level_crime_historical_2010-04_to_2024-02__fenneh-london-crime-data@8ea9f76__as_csv.csv"
)
NEW_MONTHS = ["2026-01", "2026-02"]  # after the snapshot's complete monthly counts end (2025-12): not checkable
OLD_MONTH = "2024-12"  # the saved API answer holds ~30% of the month: refused


def package(resources: list[dict]) -> Reply:
    return json_reply({"success": True, "result": {"resources": resources}})


def resource(name: str | None, url: str, fmt: str | None = "CSV", modified: str | None = None) -> dict:
    return {"name": name, "url": url, "format": fmt, "last_modified": modified, "created": None}


def api_month(month: str, copies: int = 4) -> bytes:
    """A month's API answer (the saved answers' records repeated: format only)."""
    records = json.loads((API_JSON_DIR / "2025-01.json").read_text())
    return json.dumps(records * copies).encode()


def live_routes(tmp_path: Path) -> dict[str, list[Reply]]:
    """Every route of a healthy refresh, in today's formats: the 2026 knife file (gzip), the 2025
    victims layout, vintages listed oldest first, a people-proceeded-against file listed before the victims."""
    return {
        "/api/action/package_show?id=2l1w8": [
            package(
                [
                    resource("Homicide People Proceeded Against", "/download/2l1w8/ppa/ppa.csv"),
                    resource("Homicide Victims 2003 - Jun 2025", "/download/2l1w8/b3s/Homicide%20Victims%202003%20-%20Jun%202025.csv"),
                ]
            )
        ],
        "/download/2l1w8/b3s/Homicide%20Victims%202003%20-%20Jun%202025.csv": [Reply(homicide_2025_layout(tmp_path).read_bytes())],
        "/api/action/package_show?id=e5n6w": [
            package(
                [
                    resource("M1045_MonthlyCrimeDashboard_KnifeCrimeData_202406", "/download/e5n6w/old/Knife_202406.csv", modified="2024-06-20"),
                    resource(None, "/download/e5n6w/blank.csv", fmt=None),
                    resource(
                        "M1045_MonthlyCrimeDashboard_KnifeCrimeData",
                        "/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv",
                        modified="2026-08-18",
                    ),
                ]
            )
        ],
        "/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv": [Reply(knife_2026_layout(tmp_path).read_bytes(), gzip=True)],
        "/api/action/package_show?id=exy3m": [
            package(
                [
                    resource("MPS Borough Level Crime (Historical)", "/download/exy3m/hist.csv", fmt="csv"),
                    resource("MPS Borough Level Crime (most recent 24 months)", "/download/exy3m/e4x/recent.csv", fmt=None),
                ]
            )
        ],
        "/download/exy3m/hist.csv": [Reply(CRIME_HISTORICAL_CSV.read_bytes())],
        "/download/exy3m/e4x/recent.csv": [Reply(CRIME_RECENT_CSV.read_bytes())],
        "/api/crimes-street-dates": [
            json_reply([{"date": m, "stop-and-search": ["metropolitan", "kent"]} for m in [*NEW_MONTHS, OLD_MONTH, "2021-05"]])
        ],
        **{f"/api/stops-force?force=metropolitan&date={m}": [Reply(api_month(m), content_type="application/json")] for m in NEW_MONTHS},
        f"/api/stops-force?force=metropolitan&date={OLD_MONTH}": [
            Reply((API_JSON_DIR / "2024-12.json").read_bytes(), content_type="application/json")
        ],
    }


@pytest.fixture
def server(tmp_path):
    live = start()
    live.routes = live_routes(tmp_path)
    yield live
    live.shutdown()


@pytest.fixture
def snapshot(tmp_path, committed_snapshot):
    import shutil

    copy = tmp_path / "snapshot"
    shutil.copytree(committed_snapshot, copy)
    return copy


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: sha256_of(p) for p in folder.iterdir()}


def run(server: LiveServer, snapshot: Path, raw_dir: Path | None, **options) -> dict:
    downloader = Downloader(backoff=0, progress=lambda _: None, **options)
    cache = snapshot.parent / "raw-cache"
    return refresh(raw_dir, snapshot, downloader, first_month="2022-04", endpoints=Endpoints(server.url, server.url, server.url), cache_dir=cache)


def test_refresh_in_todays_formats(server, snapshot, raw_dir):
    manifest = run(server, snapshot, raw_dir)
    sources = manifest["sources"]
    assert {
        name: s["status"]
        for name, s in sources.items()
        if name in ("homicide victims", "knife crime", "borough-level recorded crime", "stop and search")
    } == dict.fromkeys(("homicide victims", "knife crime", "borough-level recorded crime", "stop and search"), "fresh")
    # chosen by what it is, then the newest: not the people-proceeded-against file, not the 2024 vintage
    assert sources["knife crime"]["from"] == [f"{server.url}/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv"]
    assert sources["homicide victims"]["from"][0].endswith("Homicide%20Victims%202003%20-%20Jun%202025.csv")
    # the 2026 knife file's not-known rows count in London: FY2023/24 is 1,292, not ~1,242
    knife = read_table("knife_crime", snapshot)
    victims = knife[(knife.subtype == "Knife Injury Victims (non DA 1-24)") & (knife.month >= "2023-04-01") & (knife.month < "2024-04-01")]
    assert victims["count"].sum() == 1292
    # the 2025 victims layout: the same victims as the file it was made from
    assert read_table("homicide_victims", snapshot).victims.sum() == len(pd.read_csv(VICTIMS_2020))
    # stop and search: the new months in, the short month refused with both numbers, earlier months kept from the raw folder's copy
    months = sorted(read_table("stop_search", snapshot).month.dt.strftime("%Y-%m").unique())
    assert months[-2:] == NEW_MONTHS and OLD_MONTH not in months and months[0] == "2023-04"
    remarks = " ".join(sources["stop and search"]["remarks"])
    assert f"{OLD_MONTH} refused: 2,836 records against a complete count of 9,390" in remarks
    assert "2026-01 not checked" in remarks


def test_gzip_body_with_its_content_length_is_not_called_truncated(server):
    body = Downloader(progress=lambda _: None).get_bytes(f"{server.url}/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv", "csv")
    assert body.startswith(b"Month_Year,Area Type")


@pytest.mark.parametrize(
    "source, route, replies, message",
    [
        ("knife crime", "/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv", [Reply(b"gone", status=404)], "HTTP 404"),
        (
            "knife crime",
            "/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv",
            [Reply(b"oops", status=500)],
            "gave up after 3 tries: HTTP 500",
        ),
        (
            "knife crime",
            "/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv",
            [Reply(b"Month_Year,Area Type\n2024", declared_length=10_000)],
            "truncated",
        ),
        (
            "homicide victims",
            "/download/2l1w8/b3s/Homicide%20Victims%202003%20-%20Jun%202025.csv",
            [Reply(b"<html>maintenance</html>", content_type="text/html")],
            "web page",
        ),
        (
            "homicide victims",
            "/download/2l1w8/b3s/Homicide%20Victims%202003%20-%20Jun%202025.csv",
            [Reply(b"<!DOCTYPE html><html>down</html>")],
            "HTML page",
        ),
        (
            "homicide victims",
            "/download/2l1w8/b3s/Homicide%20Victims%202003%20-%20Jun%202025.csv",
            [Reply(b"Homicide ID,Victim\nH1,1\n")],
            "missing from the MPS homicide victims layout",
        ),
        (
            "knife crime",
            "/api/action/package_show?id=e5n6w",
            [package([resource("OtherCrimeData", "/download/other.csv")])],
            "no CSV resource named like 'KnifeCrimeData'",
        ),
        ("borough-level recorded crime", "/api/action/package_show?id=exy3m", [json_reply({"error": "gone"})], "not a CKAN package_show answer"),
    ],
    ids=["404", "500", "truncated", "html content type", "html served as csv", "changed layout", "listing without the file", "not ckan"],
)
def test_one_failing_source_keeps_its_last_good_data(server, snapshot, raw_dir, source, route, replies, message):
    tables = {"knife crime": ["knife_crime"], "homicide victims": ["homicide_victims"], "borough-level recorded crime": ["borough_crime"]}[source]
    before = checksums(snapshot)
    server.routes[route] = replies
    manifest = run(server, snapshot, raw_dir)
    status = manifest["sources"][source]
    assert status["status"] == "kept" and message in status["reason"], status
    assert server.url in status["reason"] and "knife-claims-download" not in status["reason"]  # names the address, not a temporary file
    after = checksums(snapshot)
    for table in tables:
        assert after[f"{table}.parquet"] == before[f"{table}.parquet"]  # the last good data, byte for byte
    others = [name for name in ("homicide victims", "knife crime", "borough-level recorded crime", "stop and search") if name != source]
    assert all(manifest["sources"][name]["status"] == "fresh" for name in others)


def test_nothing_downloadable_is_an_error_and_changes_nothing(snapshot, raw_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("loaders.refresh.tempfile.tempdir", str(tmp_path))
    empty = start()  # answers 404 to everything
    before = checksums(snapshot)
    with pytest.raises(RefreshError, match="HTTP 404"):
        run(empty, snapshot, raw_dir)
    empty.shutdown()
    assert checksums(snapshot) == before
    assert not list(tmp_path.glob("knife-claims-download-*")) and not list(snapshot.parent.glob(".snapshot-*"))


def test_retry_after_is_honoured(server, snapshot, raw_dir):
    route = f"/api/stops-force?force=metropolitan&date={NEW_MONTHS[0]}"
    good = server.routes[route][0]
    server.routes[route] = [Reply(b"slow down", status=429, headers={"Retry-After": "1"}), good]
    run(server, snapshot, raw_dir)
    times = [t for t, path in server.requests if path == route]
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # waited as told, not the (zero) backoff


def test_a_month_answering_503_is_retried_then_skipped_never_zero(server, snapshot, raw_dir):
    flaky, down = (f"/api/stops-force?force=metropolitan&date={m}" for m in NEW_MONTHS)
    server.routes[flaky] = [Reply(b"busy", status=503), Reply(b"busy", status=502), server.routes[flaky][0]]
    server.routes[down] = [Reply(b"busy", status=503)]
    manifest = run(server, snapshot, raw_dir)
    months = set(read_table("stop_search", snapshot).month.dt.strftime("%Y-%m"))
    assert NEW_MONTHS[0] in months and NEW_MONTHS[1] not in months  # missing, not zero: coverage has a gap
    assert any(r.startswith(f"{NEW_MONTHS[1]} skipped") and "HTTP 503" in r for r in manifest["sources"]["stop and search"]["remarks"])
    assert sum(path == flaky for _, path in server.requests) == 3


def test_requests_to_data_police_uk_are_paced(server, snapshot, raw_dir):
    run(server, snapshot, raw_dir, min_interval=MIN_INTERVAL)
    police = [t for t, path in server.requests if path.startswith("/api/stops-force") or path.startswith("/api/crimes")]
    gaps = [b - a for a, b in pairwise(police)]
    assert len(police) == 4 and min(gaps) >= MIN_INTERVAL * 0.9  # under the published 15 a second


def test_one_refresh_at_a_time(server, snapshot, raw_dir):
    with snapshot_lock(snapshot), pytest.raises(SnapshotBusy, match="another build or refresh"):
        run(server, snapshot, raw_dir)


def test_status_after_a_partial_refresh_says_what_is_fresh_and_what_was_kept(server, snapshot, raw_dir, capsys):
    server.routes["/download/exy3m/e4x/recent.csv"] = [Reply(b"gone", status=404)]
    run(server, snapshot, raw_dir)
    assert cli.main(["--snapshot", str(snapshot), "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.strip().startswith("borough-level recorded crime") and "kept: download failed" in line and "HTTP 404" in line for line in lines)
    assert any(line.strip().startswith("knife crime") and " fresh from " in line for line in lines)


def test_ctrl_c_leaves_no_trace(server, snapshot, raw_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("loaders.refresh.tempfile.tempdir", str(tmp_path))
    before = checksums(snapshot)

    def interrupt(line: str) -> None:
        if "stop and search 2026-02" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        refresh(raw_dir, snapshot, Downloader(backoff=0, progress=interrupt), endpoints=Endpoints(server.url, server.url, server.url))
    assert checksums(snapshot) == before
    assert not list(tmp_path.glob("knife-claims-download-*")) and not list(snapshot.parent.glob(".snapshot-*"))


def test_sigterm_cleans_up_like_ctrl_c(server, snapshot, raw_dir, tmp_path):
    """`python -m loaders refresh` terminated mid-download: snapshot untouched, no temporary folders."""
    server.routes[f"/api/stops-force?force=metropolitan&date={NEW_MONTHS[0]}"] = [Reply(b"[]", content_type="application/json", delay=30)]
    command = [sys.executable, "-m", "loaders", "--snapshot", str(snapshot), "refresh", "--raw", str(raw_dir)]
    command += [option for name in ("--datastore-url", "--police-url", "--ons-url") for option in (name, server.url)]
    before = checksums(snapshot)
    child = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(path.startswith("/api/stops-force") for _, path in server.requests) and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130 and "interrupted; the snapshot was not changed" in err, err[-2000:]
    assert checksums(snapshot) == before
    assert not list(tmp_path.glob("knife-claims-download-*")) and not list(snapshot.parent.glob(".snapshot-*"))


def test_unwritable_snapshot_folder_is_one_line(capsys):
    assert cli.main(["--snapshot", "/proc/knife-claims/snapshot", "build"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("build failed: cannot write /proc/knife-claims")


def test_refresh_without_raw_folder_keeps_static_tables(server, snapshot):
    before = read_manifest(snapshot)["tables"]
    manifest = run(server, snapshot, None)
    after = read_manifest(snapshot)["tables"]
    for name in ("areas", "population", "census_ethnicity", "boroughs_geojson", "ons_homicide", "published_figures"):
        assert after[name]["sha256"] == before[name]["sha256"]
    assert manifest["sources"]["published figures"]["status"] == "kept"


# ---- the data.police.uk archive ------------------------------------------------------------------------

ARCHIVE_HEADER = [
    "Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude", "Gender", "Age range",
    "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation", "Object of search", "Outcome",
    "Outcome linked to object of search", "Removal of more than just outer clothing",
]  # fmt: skip


def archive_csv(records: list[dict]) -> bytes:
    """API records written in the archive's 15-column CSV layout."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ARCHIVE_HEADER)
    for r in records:
        location = r["location"] or {}
        writer.writerow([
            r["type"], r["datetime"], r["operation"], r["operation_name"] or "", location.get("latitude", ""), location.get("longitude", ""),
            r["gender"] or "", r["age_range"] or "", r["self_defined_ethnicity"] or "", r["officer_defined_ethnicity"] or "", r["legislation"] or "",
            r["object_of_search"] or "", r["outcome"] or "", "" if r["outcome_linked_to_object_of_search"] is None else r["outcome_linked_to_object_of_search"],
            r["removal_of_more_than_outer_clothing"],
        ])  # fmt: skip
    return out.getvalue().encode()


@pytest.fixture
def archive(server, tmp_path):
    """An edition 2026-02.zip in the published layout (every force's files; the Met's stop and search for
    2026-01 and a short 2024-12), listed on an archive page, and an API month newer than the edition."""
    import zipfile

    january = json.loads((API_JSON_DIR / "2025-01.json").read_text()) * 4
    path = tmp_path / "2026-02.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as edition:
        edition.writestr("2026-01/2026-01-metropolitan-stop-and-search.csv", archive_csv(january))
        edition.writestr("2024-12/2024-12-metropolitan-stop-and-search.csv", archive_csv(json.loads((API_JSON_DIR / "2024-12.json").read_text())))
        edition.writestr("2026-01/2026-01-kent-stop-and-search.csv", os.urandom(3_000_000))  # other forces: never read
        edition.writestr("2026-01/2026-01-metropolitan-street.csv", os.urandom(3_000_000))
    page = (
        "<table><tr><th>Edition</th><th>Months</th></tr>"
        '<tr><td><a href="/data/archive/2026-02.zip">February 2026</a></td><td>March 2023 to February 2026</td><td>0.01 GB</td></tr>'
        '<tr><td><a href="/data/archive/2025-03.zip">March 2025</a></td><td>April 2022 to March 2025</td><td>0.01 GB</td></tr></table>'
    )
    server.routes["/data/archive/"] = [Reply(page.encode(), content_type="text/html; charset=utf-8")]
    server.routes["/data/archive/2026-02.zip"] = [Reply(path.read_bytes(), content_type="application/zip", ranges=True)]
    server.routes["/data/archive/2025-03.zip"] = [Reply(path.read_bytes(), content_type="application/zip", ranges=True)]
    server.routes["/api/crimes-street-dates"] = [
        json_reply([{"date": m, "stop-and-search": ["metropolitan"]} for m in ("2026-03", "2026-02", "2026-01", OLD_MONTH)])
    ]
    server.routes["/api/stops-force?force=metropolitan&date=2026-03"] = [Reply(api_month("2026-03"), content_type="application/json")]
    return path, january


def weapons_count(records: list[dict]) -> int:
    objects = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone"}
    return sum(r["object_of_search"] in objects or "section 60" in (r["legislation"] or "").lower() for r in records)


@pytest.mark.parametrize("ranges", [True, False], ids=["range requests", "streamed download"])
def test_stop_search_from_the_archive_reads_only_the_mets_members(server, archive, snapshot, raw_dir, ranges):
    _, january = archive
    server.routes["/data/archive/2026-02.zip"][0].ranges = ranges
    manifest = run(server, snapshot, raw_dir)
    searches = read_table("stop_search", snapshot)
    in_january = searches[searches.month == "2026-01-01"]
    assert in_january.searches.sum() == len(january)  # the same count as the CSV member
    from indicators.figures import WEAPONS_SEARCH

    assert in_january[WEAPONS_SEARCH.mask(in_january).to_numpy()].searches.sum() == weapons_count(january)
    months = set(searches.month.dt.strftime("%Y-%m"))
    assert "2026-03" in months  # newer than the newest edition: from the API
    assert not any("date=2026-01" in p for _, p in server.requests)  # held by the archive: never asked of the API
    remarks = " ".join(manifest["sources"]["stop and search"]["remarks"])
    assert f"{OLD_MONTH} refused: 2,836 records against a complete count of 9,390" in remarks
    zip_requests = [p for _, p in server.requests if p.startswith("/data/archive/2026-02.zip")]
    # months before the newest edition (2022-04 to 2023-02) are sought in the older one, and said to be missing there
    assert "2022-04 missing from 2025-03.zip" in remarks and "2023-03 missing from 2026-02.zip" in remarks
    if ranges:
        assert zip_requests and all("[bytes=" in p for p in zip_requests)  # never the whole edition
    else:
        assert "/data/archive/2026-02.zip" in zip_requests  # streamed whole, then only the Met's members extracted
    assert manifest["sources"]["stop and search"]["status"] == "fresh"
    assert any(address.startswith(f"{server.url}/data/archive/2026-02.zip (2026-01/") for address in manifest["sources"]["stop and search"]["from"])


def test_editions_are_chosen_newest_first_for_the_months_wanted():
    from loaders.refresh import Edition, plan_editions

    newest, older = Edition("2026-02", "n", "2023-03", "2026-02"), Edition("2025-03", "o", "2022-04", "2025-03")
    plan, unheld = plan_editions([older, newest], ["2022-03", "2022-04", "2023-02", "2023-03", "2026-02"])
    assert [(e.name, months) for e, months in plan] == [("2026-02", ["2023-03", "2026-02"]), ("2025-03", ["2022-04", "2023-02"])]
    assert unheld == ["2022-03"]


def test_ons_editions_for_years_ending_march_give_the_financial_years(server, snapshot, raw_dir, tmp_path):
    """The dataset page links the editions; the newest are fetched, and the year ending March 2025 edition
    against the one before answers claim 1's nearest official figure in the letter's own financial years."""
    from indicators.areas import Area
    from indicators.claims import CLAIMS_BY_SLUG
    from indicators.periods import parse_period
    from indicators.snapshot import Snapshot
    from indicators.verdicts import assess
    from tests.test_new_sources import ons_sheet, write_workbook

    base = "/file?uri=/peoplepopulationandcommunity/crimeandjustice/datasets/policeforceareadatatables"
    for year, homicides, knife in ((2024, 116, 80), (2025, 104, 58)):
        workbook = write_workbook(
            tmp_path / f"ye{year}.xlsx",
            {
                "Table P1": ons_sheet(f"Table P1, year ending March {year}", ["Total recorded crime", "Homicide"], [900_000, homicides]),
                "Table P5 ": ons_sheet(f"Table P5, year ending March {year}", ["Homicide offences involving a knife [note 6]"], [knife]),
            },
        )
        server.routes[f"{base}/yearendingmarch{year}/pfatablesyemar{year % 100}.xlsx"] = [
            Reply(workbook.read_bytes(), content_type="application/vnd.ms-excel")
        ]
    page = "".join(f'<a href="{base}/yearendingmarch{y}/pfatablesyemar{y % 100}.xlsx">Year ending March {y}</a>' for y in (2024, 2025))
    server.routes["/peoplepopulationandcommunity/crimeandjustice/datasets/policeforceareadatatables"] = [
        Reply(page.encode(), content_type="text/html")
    ]
    manifest = run(server, snapshot, raw_dir)
    assert manifest["sources"]["ONS police force area tables"]["status"] == "fresh"
    best = assess(
        Snapshot.load(snapshot), CLAIMS_BY_SLUG["knife-homicides"], Area("London", "London"), parse_period("FY2024/25"), parse_period("FY2023/24")
    ).best
    assert best.label == "Nearest official figure: financial years, offences not victims"
    assert (best.previous, best.current, best.previous_label, best.current_label) == (80, 58, "year ending March 2024", "year ending March 2025")


def test_downloads_are_kept_so_a_rebuild_needs_no_network(server, snapshot, raw_dir, tmp_path):
    """After a refresh the raw files it used sit in the cache folder, with address and checksum in the
    manifest; a rebuild from that folder (no server any more) reproduces the refreshed tables."""
    manifest = run(server, snapshot, raw_dir)
    cache = snapshot.parent / "raw-cache"
    knife_input = manifest["tables"]["knife_crime"]["inputs"][0]
    assert knife_input["address"].endswith("/download/e5n6w/qbc/M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv")
    assert sha256_of(cache / knife_input["file"]) == knife_input["sha256"]
    server.shutdown()
    rebuilt = tmp_path / "rebuilt"
    assert cli.main(["--snapshot", str(rebuilt), "build", "--raw", str(cache)]) == 0
    for table in ("knife_crime", "homicide_victims", "borough_crime", "stop_search"):
        assert read_manifest(rebuilt)["tables"][table]["sha256"] == manifest["tables"][table]["sha256"], table


def test_sources_page_says_which_sources_were_kept_and_why(server, snapshot, raw_dir, monkeypatch):
    from benchmarks.live import go_to
    from tests.test_app import frame_with, open_app

    server.routes["/download/exy3m/e4x/recent.csv"] = [Reply(b"gone", status=404)]
    run(server, snapshot, raw_dir)
    monkeypatch.setenv("KNIFE_CLAIMS_SNAPSHOT", str(snapshot))
    status = frame_with(go_to(open_app(), "pages/sources.py"), "why").set_index("source")
    assert status.loc["borough-level recorded crime", "status"] == "kept" and "HTTP 404" in status.loc["borough-level recorded crime", "why"]
    assert status.loc["knife crime", "status"] == "fresh"
