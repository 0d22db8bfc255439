"""Refresh against a fake network: success, and every failure leaves the snapshot untouched."""

from __future__ import annotations

import json
import shutil

import pytest
import requests

from loaders import __main__ as cli
from loaders.errors import SourceError
from loaders.refresh import CKAN_PACKAGE_SHOW, POLICE_DATES, POLICE_STOPS, Downloader, RefreshError, refresh
from loaders.snapshot_files import read_manifest, read_table, sha256_of
from tests.conftest import API_JSON_DIR, CRIME_RECENT_CSV, KNIFE_CSV, VICTIMS_2024
from tests.fake_http import FakeResponse, FakeSession, ckan_listing, json_response

CRIME_HISTORICAL_CSV = CRIME_RECENT_CSV.with_name(
    "mps_borough_level_crime_historical_2010-04_to_2024-02__fenneh-london-crime-data@8ea9f76__as_csv.csv"
)
FILES = "https://files.example/"


def healthy_routes() -> dict:
    return {
        CKAN_PACKAGE_SHOW.format(dataset="2l1w8"): ckan_listing([("Homicide Victims 2003 - Jun 2025", FILES + "victims.csv")]),
        CKAN_PACKAGE_SHOW.format(dataset="e5n6w"): ckan_listing([("M1045_MonthlyCrimeDashboard_KnifeCrimeData", FILES + "knife.csv")]),
        CKAN_PACKAGE_SHOW.format(dataset="exy3m"): ckan_listing(
            [("MPS Borough Level Crime (Historical)", FILES + "hist.csv"), ("MPS Borough Level Crime (most recent 24 months)", FILES + "recent.csv")]
        ),
        FILES + "victims.csv": FakeResponse(VICTIMS_2024.read_bytes()),
        FILES + "knife.csv": FakeResponse(KNIFE_CSV.read_bytes()),
        FILES + "hist.csv": FakeResponse(CRIME_HISTORICAL_CSV.read_bytes()),
        FILES + "recent.csv": FakeResponse(CRIME_RECENT_CSV.read_bytes()),
        POLICE_DATES: json_response([{"date": m, "stop-and-search": ["metropolitan", "kent"]} for m in ("2025-01", "2024-12", "2021-05")]),
        POLICE_STOPS.format(month="2024-12"): FakeResponse((API_JSON_DIR / "2024-12.json").read_bytes(), content_type="application/json"),
        POLICE_STOPS.format(month="2025-01"): FakeResponse((API_JSON_DIR / "2025-01.json").read_bytes(), content_type="application/json"),
    }


@pytest.fixture
def snapshot(tmp_path, committed_snapshot):
    copy = tmp_path / "snapshot"
    shutil.copytree(committed_snapshot, copy)
    return copy


def checksums(folder):
    return {p.name: sha256_of(p) for p in folder.iterdir()}


def run(routes, snapshot, raw_dir, **downloader_options):
    downloader = Downloader(FakeSession(routes), backoff=0, progress=lambda _: None, **downloader_options)  # type: ignore[arg-type]  # a test double of requests.Session
    return refresh(raw_dir, snapshot, downloader)


def test_refresh_success_replaces_snapshot(snapshot, raw_dir):
    manifest = run(healthy_routes(), snapshot, raw_dir)
    assert read_manifest(snapshot)["version"] == manifest["version"]
    searches = read_table("stop_search", snapshot)
    months = sorted(searches.month.dt.strftime("%Y-%m").unique())
    assert months[-2:] == ["2024-12", "2025-01"]  # downloaded; earlier months kept from the raw folder's cleaned copy
    assert months[0] == "2023-04" and "2024-09" not in months
    downloaded = searches[searches.month >= "2024-12-01"]
    expected = len(json.loads((API_JSON_DIR / "2024-12.json").read_text())) + len(json.loads((API_JSON_DIR / "2025-01.json").read_text()))
    assert downloaded.searches.sum() == expected
    assert read_table("knife_crime", snapshot)["count"].sum() > 0


def test_refresh_without_raw_folder_keeps_static_tables(snapshot):
    before = read_manifest(snapshot)["tables"]
    run(healthy_routes(), snapshot, None)
    after = read_manifest(snapshot)["tables"]
    for name in ("areas", "population", "census_ethnicity", "boroughs_geojson"):
        assert after[name]["sha256"] == before[name]["sha256"]


def broken(name):
    routes = healthy_routes()
    if name == "no network":
        return {}
    if name == "timeout":
        routes[FILES + "knife.csv"] = requests.Timeout("read timed out")
    if name == "404":
        routes[FILES + "knife.csv"] = FakeResponse(b"not here", status=404)
    if name == "500":
        routes[FILES + "knife.csv"] = FakeResponse(b"oops", status=500)
    if name == "429":
        routes[POLICE_STOPS.format(month="2025-01")] = FakeResponse(b"slow down", status=429)
    if name == "truncated":
        body = KNIFE_CSV.read_bytes()
        routes[FILES + "knife.csv"] = FakeResponse(body[: len(body) // 2], declared_length=len(body))
    if name == "interrupted":
        routes[FILES + "knife.csv"] = FakeResponse(KNIFE_CSV.read_bytes(), fail_after=100_000)
    if name == "html content type":
        routes[FILES + "victims.csv"] = FakeResponse(b"<html>maintenance</html>", content_type="text/html")
    if name == "html served as csv":
        routes[FILES + "victims.csv"] = FakeResponse(b"<!DOCTYPE html><html>Service unavailable</html>", content_type="text/csv")
    if name == "changed schema":
        routes[FILES + "knife.csv"] = FakeResponse(KNIFE_CSV.read_bytes().replace(b"crime_subtype", b"subtype_of_crime", 1))
    if name == "listing without resource":
        routes[CKAN_PACKAGE_SHOW.format(dataset="e5n6w")] = ckan_listing([("OtherCrimeData", FILES + "other.csv")])
    if name == "listing not ckan":
        routes[CKAN_PACKAGE_SHOW.format(dataset="e5n6w")] = json_response({"error": "gone"})
    if name == "too big":
        routes[FILES + "knife.csv"] = FakeResponse(b"x" * 10, declared_length=10**12)
    return routes


@pytest.mark.parametrize(
    "fault, message",
    [
        ("no network", "no connection"),
        ("timeout", "Timeout"),
        ("404", "HTTP 404"),
        ("500", "HTTP 500"),
        ("429", "HTTP 429"),
        ("truncated", "truncated"),
        ("interrupted", "interrupted"),
        ("html content type", "web page"),
        ("html served as csv", "HTML page"),
        ("changed schema", "crime_subtype"),
        ("listing without resource", "no CSV resource named like 'KnifeCrimeData'"),
        ("listing not ckan", "not a CKAN package_show answer"),
        ("too big", "cap"),
    ],
)
def test_refresh_fault_leaves_snapshot_untouched(snapshot, raw_dir, fault, message):
    before = checksums(snapshot)
    with pytest.raises((RefreshError, SourceError), match=message):
        run(broken(fault), snapshot, raw_dir)
    assert checksums(snapshot) == before
    assert not list(snapshot.parent.glob(".snapshot-*"))


def test_retries_then_succeeds(snapshot, raw_dir):
    routes = healthy_routes()
    good = routes[FILES + "victims.csv"]
    answers = [requests.ConnectionError("blip"), good]

    class Flaky(FakeSession):
        def get(self, url, timeout, stream=False):
            if url == FILES + "victims.csv":
                answer = answers.pop(0)
                if isinstance(answer, Exception):
                    raise answer
                return answer
            return super().get(url, timeout, stream)

    refresh(raw_dir, snapshot, Downloader(Flaky(routes), backoff=0, progress=lambda _: None))  # type: ignore[arg-type]  # a test double
    assert answers == []


def test_cli_refresh_without_network_is_one_clear_line(snapshot, raw_dir, capsys, monkeypatch):
    def offline(*args, **kwargs):
        raise requests.ConnectionError("Temporary failure in name resolution")

    monkeypatch.setattr(requests.Session, "get", offline)
    monkeypatch.setattr("loaders.refresh.time.sleep", lambda seconds: None)
    before = checksums(snapshot)
    assert cli.main(["--snapshot", str(snapshot), "refresh", "--raw", str(raw_dir)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("refresh failed: https://data.london.gov.uk/api/action/package_show?id=2l1w8")
    assert checksums(snapshot) == before


def test_interrupted_refresh_leaves_no_trace(snapshot, raw_dir, tmp_path, monkeypatch):
    """Ctrl-C in the middle of the downloads: snapshot untouched, no download folder left behind."""
    monkeypatch.setattr("loaders.refresh.tempfile.tempdir", str(tmp_path))
    routes = healthy_routes()
    routes[POLICE_STOPS.format(month="2025-01")] = KeyboardInterrupt()
    before = checksums(snapshot)
    with pytest.raises(KeyboardInterrupt):
        run(routes, snapshot, raw_dir)
    assert checksums(snapshot) == before
    assert not list(tmp_path.glob("knife-claims-download-*"))
    assert not list(snapshot.parent.glob(".snapshot-*"))
