"""Download the live public sources and rebuild the snapshot from them.

- London Datastore (CKAN): ``package_show`` gives each dataset's current resources; the
  resource is picked by name, then downloaded.
- data.police.uk: ``/api/crimes-street-dates`` lists the months on offer; each month's
  Met stop and search comes from ``/api/stops-force?force=metropolitan&date=YYYY-MM``.

Every download has a timeout, retries on connection errors, HTTP 429 and 5xx, a size cap,
and checks for truncation and for HTML served in place of data. Files go to a temporary
raw folder; the snapshot is rebuilt from it into another temporary folder and swapped in
only when complete, so any failure leaves the last good snapshot untouched.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from loaders.build import build_snapshot, copy_kept_files
from loaders.snapshot_files import SNAPSHOT_DIR

CKAN_PACKAGE_SHOW = "https://data.london.gov.uk/api/action/package_show?id={dataset}"
POLICE_DATES = "https://data.police.uk/api/crimes-street-dates"
POLICE_STOPS = "https://data.police.uk/api/stops-force?force=metropolitan&date={month}"
FIRST_MONTH = "2022-04"  # FY2022/23 onwards: two full years before the claim year


@dataclass(frozen=True)
class DatastoreFile:
    """A London Datastore resource to fetch and where it goes in the raw folder."""

    dataset: str
    name_contains: str
    name_excludes: str | None
    target: str


DATASTORE_FILES = [
    DatastoreFile("2l1w8", "victims", None, "homicide/mps_homicide_victims_live.csv"),
    DatastoreFile("e5n6w", "KnifeCrimeData", None, "knife_crime/mps_monthly_crime_dashboard_knife_live.csv"),
    DatastoreFile("exy3m", "Borough Level Crime (Historical)", None, "homicide/mps_borough_level_crime_historical_live.csv"),
    DatastoreFile("exy3m", "Borough Level Crime", "Historical", "homicide/mps_borough_level_crime_recent_live.csv"),
]


class RefreshError(RuntimeError):
    """A refresh step failed; the message says which URL and why."""


class Downloader:
    """HTTP GET with timeout, retries, size cap, truncation and HTML checks, and progress."""

    def __init__(
        self,
        session: requests.Session | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        max_bytes: int = 300 * 1024 * 1024,
        backoff: float = 2.0,
        progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ):
        self.session = session or requests.Session()
        self.timeout, self.retries, self.max_bytes, self.backoff = timeout, retries, max_bytes, backoff
        self.progress = progress

    def get_bytes(self, url: str, expect: str) -> bytes:
        """The body of url; ``expect`` is 'json' or 'csv' and guards against HTML error pages."""
        last_error = ""
        for attempt in range(1, self.retries + 1):
            try:
                return self._get_once(url, expect)
            except _Retryable as err:
                last_error = str(err)
                if attempt < self.retries:
                    time.sleep(self.backoff * attempt)
        raise RefreshError(f"{url}: gave up after {self.retries} tries: {last_error}")

    def _get_once(self, url: str, expect: str) -> bytes:
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise _Retryable(f"no connection ({type(err).__name__})") from None
        with response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise RefreshError(f"{url}: HTTP {response.status_code}")
            content_type = response.headers.get("Content-Type", "").lower()
            if "html" in content_type:
                raise RefreshError(f"{url}: served a web page (Content-Type {content_type}), not {expect} data")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.max_bytes:
                raise RefreshError(f"{url}: {declared:,} bytes is over the {self.max_bytes:,}-byte cap")
            body = bytearray()
            reported = 0
            try:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise RefreshError(f"{url}: more than the {self.max_bytes:,}-byte cap")
                    if len(body) - reported >= 10 * 1024 * 1024:
                        reported = len(body)
                        total = f" of {declared / 1e6:.1f}" if declared else ""
                        self.progress(f"    {reported / 1e6:.0f}{total} MB")
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as err:
                raise _Retryable(f"download interrupted ({type(err).__name__})") from None
        if declared and len(body) != declared:
            raise _Retryable(f"truncated: {len(body):,} of {declared:,} bytes")
        head = bytes(body[:200]).lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise RefreshError(f"{url}: served an HTML page, not {expect} data")
        return bytes(body)

    def get_json(self, url: str) -> object:
        body = self.get_bytes(url, "json")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise RefreshError(f"{url}: not valid JSON ({err})") from None


class _Retryable(Exception):
    pass


def datastore_resource_url(downloader: Downloader, wanted: DatastoreFile) -> str:
    """The current download URL of a London Datastore resource, found by its name."""
    url = CKAN_PACKAGE_SHOW.format(dataset=wanted.dataset)
    listing = downloader.get_json(url)
    try:
        resources = listing["result"]["resources"]  # type: ignore[index]  # checked by the except below
    except (KeyError, TypeError):
        raise RefreshError(f"{url}: not a CKAN package_show answer (no result.resources)") from None
    matches = [
        r
        for r in resources
        if wanted.name_contains.lower() in str(r.get("name", "")).lower()
        and not (wanted.name_excludes and wanted.name_excludes.lower() in str(r.get("name", "")).lower())
        and str(r.get("format", "csv")).lower() in ("csv", "")
    ]
    if not matches:
        names = [r.get("name") for r in resources]
        raise RefreshError(f"{url}: no CSV resource named like '{wanted.name_contains}' (resources: {names})")
    return matches[0]["url"]


def stop_search_months(downloader: Downloader, first_month: str) -> list[str]:
    """Months from first_month on for which data.police.uk has Met stop and search."""
    listing = downloader.get_json(POLICE_DATES)
    if not isinstance(listing, list):
        raise RefreshError(f"{POLICE_DATES}: expected a JSON list of months")
    months = sorted(
        entry["date"]
        for entry in listing
        if isinstance(entry, dict) and "metropolitan" in entry.get("stop-and-search", []) and entry.get("date", "") >= first_month
    )
    if not months:
        raise RefreshError(f"{POLICE_DATES}: lists no month with Metropolitan stop and search since {first_month}")
    return months


def download_sources(downloader: Downloader, raw_dir: Path, first_month: str = FIRST_MONTH) -> None:
    """Fetch every live source into raw_dir, in the layout the build reads."""
    for number, wanted in enumerate(DATASTORE_FILES, start=1):
        downloader.progress(f"[{number}/{len(DATASTORE_FILES)}] London Datastore {wanted.dataset}: {wanted.name_contains}")
        body = downloader.get_bytes(datastore_resource_url(downloader, wanted), "csv")
        target = raw_dir / wanted.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    months = stop_search_months(downloader, first_month)
    folder = raw_dir / "stop_search" / "police_uk_api"
    folder.mkdir(parents=True, exist_ok=True)
    for number, month in enumerate(months, start=1):
        downloader.progress(f"[{number}/{len(months)}] data.police.uk stop and search {month}")
        (folder / f"{month}.json").write_bytes(downloader.get_bytes(POLICE_STOPS.format(month=month), "json"))


def refresh(
    static_raw_dir: Path | None,
    snapshot_dir: Path = SNAPSHOT_DIR,
    downloader: Downloader | None = None,
    first_month: str = FIRST_MONTH,
) -> dict:
    """Download, validate, rebuild and swap in; returns the new manifest.

    Sources with no live address (geography, population, ONS tables, published figures,
    third-party copies; see ``loaders.build.SOURCES``) come from ``static_raw_dir`` when it
    holds them, else from the current snapshot.
    """
    downloader = downloader or Downloader()
    staging = Path(tempfile.mkdtemp(prefix="knife-claims-download-"))
    try:
        download_sources(downloader, staging, first_month)
        has_static = static_raw_dir is not None and (Path(static_raw_dir) / "geo").is_dir()
        if static_raw_dir is not None and has_static:
            copy_kept_files(Path(static_raw_dir), staging)
        return build_snapshot(staging, snapshot_dir, static_from=None if has_static else snapshot_dir, progress=downloader.progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
