"""Download the live public sources and rebuild the snapshot, one source at a time.

- London Datastore (CKAN ``package_show``): each dataset's resources are listed; the one
  wanted is chosen by what it is (its name), then by the newest date (resource date, else a
  date in its name), and named in the progress output.
- data.police.uk: the archive page lists the editions (``YYYY-MM.zip``, each holding 36 or
  more months for every force); the editions holding the months wanted are chosen (newest
  first) and only the Met's stop-and-search members are read, by HTTP range requests on the
  zip where the server allows them (remotezip), else by streaming the edition to disk with a
  size cap and extracting those members alone. Months newer than the newest edition come from
  the API (``/api/stops-force``; it serves only the latest 36 months). Every month is checked
  against the complete monthly count the snapshot holds (third-party counts) and refused when
  short, with both numbers; a month that still answers 502/503 after retries is skipped, never
  counted as zero.

Every download has a timeout, a size cap, retries on connection errors, 429 and 5xx (honouring
``Retry-After``), pacing under the published limit (15 requests a second), a check of
``Content-Length`` against the bytes as sent (before any gzip decoding), and a check for
HTML served in place of data.

Each source downloads, validates and is swapped in on its own: a source that fails keeps its
last good data, and the manifest's ``sources`` (``python -m loaders status``) says which are
fresh and which were kept, and why. Only when nothing at all could be downloaded is the
refresh an error. One build or refresh runs at a time (a lock beside the snapshot).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urljoin, urlparse

import pandas as pd
import requests
import urllib3
from remotezip import RangeNotSupported, RemoteZip, RemoteZipError

from loaders.build import Refreshing, build_snapshot, copy_kept_files, snapshot_lock
from loaders.snapshot_files import SNAPSHOT_DIR, read_table

DATASTORE = "https://data.london.gov.uk"
POLICE = "https://data.police.uk"
ONS = "https://www.ons.gov.uk"
#: How many of the newest ONS editions of each kind (years ending March, years ending December) to fetch.
ONS_EDITIONS_EACH = 3
FIRST_MONTH = "2022-04"
#: Where a refresh keeps the raw files it used (outside the repository), so that
#: ``python -m loaders build --raw <this folder>`` rebuilds without the network.
RAW_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "knife-claims" / "raw"
)  # FY2022/23 onwards: two full years before the claim year
#: A month of the API is refused when it holds less than this share of the complete monthly count.
MIN_SHARE = 0.95
#: data.police.uk's published limit is 15 requests a second; stay under it.
MIN_INTERVAL = 1 / 12


@dataclass(frozen=True)
class Endpoints:
    """Where the live services are (tests point these at a server on 127.0.0.1)."""

    datastore: str = DATASTORE
    police: str = POLICE
    ons: str = ONS

    @property
    def ons_tables_page(self) -> str:
        return f"{self.ons}/peoplepopulationandcommunity/crimeandjustice/datasets/policeforceareadatatables"

    def package_show(self, dataset: str) -> str:
        return f"{self.datastore}/api/action/package_show?id={dataset}"

    @property
    def police_dates(self) -> str:
        return f"{self.police}/api/crimes-street-dates"

    def police_stops(self, month: str) -> str:
        return f"{self.police}/api/stops-force?force=metropolitan&date={month}"

    @property
    def archive_index(self) -> str:
        return f"{self.police}/data/archive/"


@dataclass(frozen=True)
class DatastoreFile:
    """A London Datastore resource to fetch, recognised by its name, and where it goes in the raw folder."""

    dataset: str
    name_contains: str
    name_excludes: str | None
    target: str


#: The London Datastore files of each source the refresh downloads (names as in loaders.build.SOURCES).
DATASTORE_FILES = {
    "homicide victims": [DatastoreFile("2l1w8", "victims", None, "homicide/mps_homicide_victims_live.csv")],
    "knife crime": [DatastoreFile("e5n6w", "KnifeCrimeData", None, "knife_crime/mps_monthly_crime_dashboard_knife_live.csv")],
    "borough-level recorded crime": [
        DatastoreFile("exy3m", "Borough Level Crime (Historical)", None, "homicide/mps_borough_level_crime_historical_live.csv"),
        DatastoreFile("exy3m", "Borough Level Crime", "Historical", "homicide/mps_borough_level_crime_recent_live.csv"),
    ],
}
STOP_SEARCH = "stop and search"
ONS_TABLES = "ONS police force area tables"


class RefreshError(RuntimeError):
    """A refresh step failed; the message says which address and why."""


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


class Downloader:
    """HTTP GET with timeout, retries (Retry-After honoured), pacing, size cap, length and HTML checks, and progress."""

    def __init__(
        self,
        session: requests.Session | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        max_bytes: int = 300 * 1024 * 1024,
        backoff: float = 2.0,
        max_wait: float = 60.0,
        min_interval: float = MIN_INTERVAL,
        progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ):
        self.session = session or requests.Session()
        self.timeout, self.retries, self.max_bytes, self.backoff, self.max_wait = timeout, retries, max_bytes, backoff, max_wait
        self.min_interval = min_interval
        self.progress = progress
        self._last_request = 0.0

    def get_bytes(self, url: str, expect: str) -> bytes:
        """The body of url (gzip decoded); ``expect`` ('json', 'csv', 'html', 'xlsx') names what
        is wanted: a web page served in place of data is refused unless 'html' is expected."""
        return self._with_retries(url, lambda: self._get_once(url, expect, io.BytesIO(), self.max_bytes))

    def get_file(self, url: str, target: Path, max_bytes: int) -> None:
        """Stream url into target (a large file such as an archive edition), with progress and a size cap."""

        def once() -> bytes:
            with open(target, "wb") as sink:
                return self._get_once(url, "zip", sink, max_bytes)

        self._with_retries(url, once)

    def _with_retries(self, url: str, attempt_once: Callable[[], bytes]) -> bytes:
        last_error = ""
        for attempt in range(1, self.retries + 1):
            try:
                return attempt_once()
            except _Retryable as err:
                last_error = str(err)
                if attempt < self.retries:
                    wait = min(self.max_wait, err.wait if err.wait is not None else self.backoff * attempt)
                    self.progress(f"    {last_error}; trying again in {wait:.0f} s")
                    time.sleep(wait)
        raise RefreshError(f"{url}: gave up after {self.retries} tries: {last_error}")

    def _pace(self) -> None:
        wait = self._last_request + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def _get_once(self, url: str, expect: str, sink: BinaryIO, max_bytes: int) -> bytes:
        """One GET into sink; returns the body when sink is in memory (gzip decoded), else b''."""
        self._pace()
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True, headers={"Accept-Encoding": "gzip"})
        except (requests.ConnectionError, requests.Timeout) as err:
            raise _Retryable(f"no connection ({type(err).__name__})") from None
        with response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(f"HTTP {response.status_code}", _retry_after(response.headers.get("Retry-After")))
            if response.status_code != 200:
                raise RefreshError(f"{url}: HTTP {response.status_code}")
            content_type = response.headers.get("Content-Type", "").lower()
            if "html" in content_type and expect != "html":
                raise RefreshError(f"{url}: served a web page (Content-Type {content_type}), not {expect} data")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise RefreshError(f"{url}: {declared:,} bytes is over the {max_bytes:,}-byte cap")
            received = self._read(response, url, declared, sink, max_bytes)
        if declared and received != declared:  # the bytes as sent, before any decoding
            raise _Retryable(f"truncated: {received:,} of {declared:,} bytes")
        if not isinstance(sink, io.BytesIO):
            return b""
        body = sink.getvalue()
        if "gzip" in response.headers.get("Content-Encoding", "").lower():
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as err:
                raise _Retryable(f"damaged gzip body ({err})") from None
        head = body[:200].lstrip().lower()
        if expect != "html" and head.startswith((b"<!doctype html", b"<html")):
            raise RefreshError(f"{url}: served an HTML page, not {expect} data")
        return body

    def _read(self, response: requests.Response, url: str, declared: int, sink: BinaryIO, max_bytes: int) -> int:
        received = reported = 0
        try:
            for chunk in response.raw.stream(1 << 20, decode_content=False):
                sink.write(chunk)
                received += len(chunk)
                if received > max_bytes:
                    raise RefreshError(f"{url}: more than the {max_bytes:,}-byte cap")
                if received - reported >= 50 * 1024 * 1024:
                    reported = received
                    self.progress(f"    {reported / 1e6:.0f}{f' of {declared / 1e6:.0f}' if declared else ''} MB")
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as err:
            if declared and received < declared:
                raise _Retryable(f"truncated: {received:,} of {declared:,} bytes before the connection closed") from None
            raise _Retryable(f"download interrupted ({type(err).__name__})") from None
        return received

    def get_json(self, url: str) -> object:
        body = self.get_bytes(url, "json")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise RefreshError(f"{url}: not valid JSON ({err})") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or a date."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


# ---- London Datastore ------------------------------------------------------------------------------


def _resource_date(resource: dict) -> str:
    """The resource's date for ordering vintages: last_modified, else created, else a date in its name or address."""
    for key in ("last_modified", "created"):
        value = resource.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:10]
    text = f"{resource.get('name') or ''} {unquote(str(resource.get('url') or ''))}"
    found = re.findall(r"(20\d\d)[-_]?(\d\d)(?:[-_]?(\d\d))?", text)
    return max((f"{y}-{m}-{d or '01'}" for y, m, d in found), default="")


def choose_resource(listing: object, wanted: DatastoreFile, url: str) -> dict:
    """The resource wanted, by name (blank names and non-CSV formats skipped), newest first."""
    try:
        resources = listing["result"]["resources"]  # type: ignore[index]  # checked by the except
    except (KeyError, TypeError):
        raise RefreshError(f"{url}: not a CKAN package_show answer (no result.resources)") from None
    matches = []
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        name = str(resource.get("name") or "").strip()
        address = str(resource.get("url") or "").strip()
        fmt = str(resource.get("format") or "").strip().lower()
        is_csv = fmt == "csv" or (not fmt and urlparse(address).path.lower().endswith(".csv"))
        if not name or not address or not is_csv:
            continue
        if wanted.name_contains.lower() in name.lower() and not (wanted.name_excludes and wanted.name_excludes.lower() in name.lower()):
            matches.append(resource)
    if not matches:
        names = [r.get("name") for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []
        raise RefreshError(f"{url}: no CSV resource named like '{wanted.name_contains}' (resources: {names})")
    return max(matches, key=_resource_date)


def fetch_datastore(downloader: Downloader, endpoints: Endpoints, raw_dir: Path, files: list[DatastoreFile], origin: dict[str, str]) -> None:
    for wanted in files:
        listing_url = endpoints.package_show(wanted.dataset)
        resource = choose_resource(downloader.get_json(listing_url), wanted, listing_url)
        date = _resource_date(resource)
        downloader.progress(f"    London Datastore {wanted.dataset}: '{resource['name']}'{f' ({date})' if date else ''}")
        address = str(resource["url"]).strip()
        if address.startswith("/"):
            address = endpoints.datastore + address
        target = raw_dir / wanted.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(downloader.get_bytes(address, "csv"))
        origin[str(target)] = address


# ---- ONS police force area tables --------------------------------------------------------------------


def fetch_ons_tables(downloader: Downloader, endpoints: Endpoints, raw_dir: Path, origin: dict[str, str]) -> None:
    """The newest editions (years ending March: financial years; December: calendar years) linked from the dataset page."""
    page = downloader.get_bytes(endpoints.ons_tables_page, "html").decode("utf-8", "replace")
    links: dict[tuple[str, int], str] = {}
    for href in re.findall(r'href="([^"]*policeforceareadatatables/yearending(?:march|december)\d{4}/[^"]*\.xlsx)"', page, flags=re.IGNORECASE):
        found = re.search(r"yearending(march|december)(\d{4})", href, flags=re.IGNORECASE)
        if found:
            links.setdefault((found[1].lower(), int(found[2])), urljoin(endpoints.ons_tables_page, href))
    if not links:
        raise RefreshError(f"{endpoints.ons_tables_page}: links no police force area tables (…/yearendingmarch2025/….xlsx)")
    newest = [key for kind in ("march", "december") for key in sorted((k for k in links if k[0] == kind), key=lambda k: -k[1])[:ONS_EDITIONS_EACH]]
    for kind, year in sorted(newest, key=lambda k: (k[1], k[0])):
        downloader.progress(f"    ONS police force area tables, year ending {kind.capitalize()} {year}")
        target = raw_dir / "homicide" / f"ons_pfa_tables_ye_{kind}{year}_live.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(downloader.get_bytes(links[(kind, year)], "xlsx"))
        origin[str(target)] = links[(kind, year)]


# ---- data.police.uk --------------------------------------------------------------------------------

#: An archive edition is several GB; where ranges are not served it is streamed to disk up to this size.
ARCHIVE_MAX_BYTES = 6 * 1024**3
MONTH_NAMES = {name: number for number, name in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                                          "September", "October", "November", "December"), start=1)}  # fmt: skip


@dataclass(frozen=True)
class Edition:
    """One archive edition (``YYYY-MM.zip``) and the months it holds ('YYYY-MM', inclusive)."""

    name: str
    url: str
    first: str
    last: str


def _shift(month: str, months: int) -> str:
    return f"{pd.Timestamp(f'{month}-01') + pd.DateOffset(months=months):%Y-%m}"


def archive_editions(downloader: Downloader, endpoints: Endpoints) -> list[Edition]:
    """The editions the archive page lists, with the months each covers: as the page states them
    ('March 2023 to February 2026'), else the 36 months up to the edition's name."""
    page = downloader.get_bytes(endpoints.archive_index, "html").decode("utf-8", "replace")
    editions: dict[str, Edition] = {}
    for match in re.finditer(r'href="([^"]*?(\d{4}-\d{2})\.zip)"', page):
        href, name = match.groups()
        stated = re.search(r"([A-Z][a-z]+) (\d{4})\s*(?:to|-|–)\s*([A-Z][a-z]+) (\d{4})", page[match.end() : match.end() + 400])
        if stated and stated[1] in MONTH_NAMES and stated[3] in MONTH_NAMES:
            first, last = f"{stated[2]}-{MONTH_NAMES[stated[1]]:02d}", f"{stated[4]}-{MONTH_NAMES[stated[3]]:02d}"
        else:
            first, last = _shift(name, -35), name
        editions.setdefault(name, Edition(name, urljoin(endpoints.archive_index, href), first, last))
    if not editions:
        raise RefreshError(f"{endpoints.archive_index}: lists no archive edition (YYYY-MM.zip)")
    return sorted(editions.values(), key=lambda e: e.name)


def plan_editions(editions: list[Edition], months: list[str]) -> tuple[list[tuple[Edition, list[str]]], list[str]]:
    """Which edition to read each month from (the newest that holds it), and the months none holds."""
    remaining, plan = set(months), []
    for edition in sorted(editions, key=lambda e: e.name, reverse=True):
        held = sorted(m for m in remaining if edition.first <= m <= edition.last)
        if held:
            plan.append((edition, held))
            remaining -= set(held)
    return plan, sorted(remaining)


def read_met_members(downloader: Downloader, edition: Edition, months: list[str], folder: Path, scratch: Path) -> list[str]:
    """Extract the Met's stop-and-search CSVs for months from an edition, into folder: by HTTP range
    requests on the zip where the server allows, else by streaming the edition to disk. Returns the months found."""
    wanted = {f"{m}/{m}-metropolitan-stop-and-search.csv": m for m in months}
    found: list[str] = []

    def extract(archive: zipfile.ZipFile) -> None:
        for info in archive.infolist():
            if info.filename in wanted:
                with archive.open(info) as member, open(folder / Path(info.filename).name, "wb") as target:
                    shutil.copyfileobj(member, target)
                found.append(wanted[info.filename])

    try:
        try:
            with RemoteZip(edition.url, session=downloader.session, timeout=downloader.timeout) as archive:
                downloader.progress(f"    {edition.name}.zip: reading {len(wanted)} Met member(s) by HTTP range requests")
                extract(archive)
        except RangeNotSupported:
            downloader.progress(
                f"    {edition.name}.zip: the server does not serve ranges; streaming the edition to disk (cap {ARCHIVE_MAX_BYTES / 1e9:.0f} GB)"
            )
            local = scratch / f"{edition.name}.zip"
            downloader.get_file(edition.url, local, ARCHIVE_MAX_BYTES)
            with zipfile.ZipFile(local) as archive:
                extract(archive)
            local.unlink()
    except (RemoteZipError, zipfile.BadZipFile, requests.RequestException) as err:
        raise RefreshError(f"{edition.url}: not a readable archive edition ({err})") from None
    return sorted(found)


def stop_search_months(downloader: Downloader, endpoints: Endpoints, first_month: str) -> list[str]:
    """Months from first_month on for which data.police.uk has Met stop and search."""
    listing = downloader.get_json(endpoints.police_dates)
    if not isinstance(listing, list):
        raise RefreshError(f"{endpoints.police_dates}: expected a JSON list of months")
    months = sorted(
        entry["date"]
        for entry in listing
        if isinstance(entry, dict) and "metropolitan" in entry.get("stop-and-search", []) and str(entry.get("date", "")) >= first_month
    )
    if not months:
        raise RefreshError(f"{endpoints.police_dates}: lists no month with Metropolitan stop and search since {first_month}")
    return months


def _checked(path: Path, month: str, records: int, expected: int | None, problems: list[str]) -> bool:
    """Keep a month's file only when it holds at least MIN_SHARE of the complete count (else remove it, saying so)."""
    if expected and records < MIN_SHARE * expected:
        problems.append(f"{month} refused: {records:,} records against a complete count of {expected:,}")
        path.unlink()
        return False
    if expected is None:
        problems.append(f"{month} not checked: no complete monthly count for it in the snapshot")
    return True


def fetch_stop_search(
    downloader: Downloader, endpoints: Endpoints, raw_dir: Path, first_month: str, complete: dict[str, int], origin: dict[str, str]
) -> list[str]:
    """The Met's months from the archive editions (those holding the months from first_month on),
    then from the API for months newer than the newest edition; each month checked against
    ``complete`` (month -> complete count). Returns what was skipped or refused, and why."""
    folder = raw_dir / "stop_search" / "police_uk"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    newest_archived = ""
    try:
        editions = archive_editions(downloader, endpoints)
    except RefreshError as err:
        editions = []
        problems.append(f"archive not used ({err}); months from the API only")
    if editions:
        newest_archived = max(e.last for e in editions)
        months = [f"{m:%Y-%m}" for m in pd.date_range(f"{first_month}-01", f"{newest_archived}-01", freq="MS")]
        plan, unheld = plan_editions(editions, months)
        problems += [f"{m} in no archive edition" for m in unheld]
        for edition, held in plan:
            found = read_met_members(downloader, edition, held, folder, raw_dir)
            problems += [f"{m} missing from {edition.name}.zip" for m in held if m not in found]
            for month in found:
                path = folder / f"{month}-metropolitan-stop-and-search.csv"
                with open(path, "rb") as handle:
                    rows = sum(1 for _ in handle) - 1
                if _checked(path, month, rows, complete.get(month), problems):
                    origin[str(path)] = f"{edition.url} ({month}/{path.name})"
    api_months = [m for m in stop_search_months(downloader, endpoints, first_month) if m > newest_archived]
    for number, month in enumerate(api_months, start=1):
        downloader.progress(f"    data.police.uk stop and search {month} ({number}/{len(api_months)}, API)")
        url = endpoints.police_stops(month)
        try:
            body = downloader.get_bytes(url, "json")
            records = json.loads(body)
        except RefreshError as err:
            problems.append(f"{month} skipped ({err})")
            continue
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            problems.append(f"{month} skipped ({url}: not valid JSON, {err})")
            continue
        if not isinstance(records, list):
            problems.append(f"{month} skipped ({url}: not a JSON list of records)")
            continue
        path = folder / f"{month}.json"
        path.write_bytes(body)
        if _checked(path, month, len(records), complete.get(month), problems):
            origin[str(path)] = url
    if not any(folder.iterdir()):
        raise RefreshError(f"{endpoints.police}: no month could be used: {'; '.join(problems[:3])}")
    return problems


def complete_counts(snapshot_dir: Path) -> dict[str, int]:
    """Complete monthly counts of Met searches (third-party table of the snapshot), month 'YYYY-MM' -> searches."""
    counts = read_table("stop_search_by_object_third_party", snapshot_dir)
    return {f"{month:%Y-%m}": int(total) for month, total in counts.groupby("month")["searches"].sum().items()}


# ---- the refresh -----------------------------------------------------------------------------------


def keep_raw_files(staging: Path, cache_dir: Path, progress: Callable[[str], None]) -> None:
    """Replace the cache folder by this refresh's raw files (downloads and the files kept beside them);
    their checksums and addresses are in the manifest's inputs. A cache that cannot be written is reported, not fatal."""
    try:
        cache_dir.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".raw-", dir=cache_dir.parent))
        shutil.copytree(staging, fresh, dirs_exist_ok=True)
        old = cache_dir.with_name(f".raw-old-{os.getpid()}")
        if cache_dir.exists():
            cache_dir.rename(old)
        fresh.rename(cache_dir)
        shutil.rmtree(old, ignore_errors=True)
        progress(f"raw files kept in {cache_dir}: `python -m loaders build --raw {cache_dir}` rebuilds from them without the network")
    except OSError as err:
        progress(f"raw files not kept ({cache_dir}: {err.strerror or err})")


def refresh(
    static_raw_dir: Path | None,
    snapshot_dir: Path = SNAPSHOT_DIR,
    downloader: Downloader | None = None,
    first_month: str = FIRST_MONTH,
    endpoints: Endpoints = Endpoints(),
    cache_dir: Path = RAW_CACHE,
) -> dict:
    """Download each source, rebuild, swap in; returns the new manifest (module doc).

    Sources with no live address (geography, population, ONS tables, published figures,
    third-party copies; see ``loaders.build.SOURCES``) come from ``static_raw_dir`` when it
    holds them, else from the current snapshot.
    """
    downloader = downloader or Downloader()
    snapshot_dir = Path(snapshot_dir)
    with snapshot_lock(snapshot_dir):
        staging = Path(tempfile.mkdtemp(prefix="knife-claims-download-"))
        try:
            origin: dict[str, str] = {}
            keep: dict[str, str] = {}
            notes: dict[str, list[str]] = {}
            sources = [*DATASTORE_FILES, ONS_TABLES, STOP_SEARCH]
            for number, name in enumerate(sources, start=1):
                downloader.progress(f"[{number}/{len(sources)}] {name}")
                try:
                    if name == STOP_SEARCH:
                        notes[name] = fetch_stop_search(downloader, endpoints, staging, first_month, complete_counts(snapshot_dir), origin)
                    elif name == ONS_TABLES:
                        fetch_ons_tables(downloader, endpoints, staging, origin)
                    else:
                        fetch_datastore(downloader, endpoints, staging, DATASTORE_FILES[name], origin)
                except RefreshError as err:
                    keep[name] = f"download failed, kept the last good data: {err}"
                    downloader.progress(f"    {keep[name]}")
            if len(keep) == len(sources):
                raise RefreshError("; ".join(keep.values()))
            has_static = static_raw_dir is not None and (Path(static_raw_dir) / "geo").is_dir()
            if static_raw_dir is not None and has_static:
                copy_kept_files(Path(static_raw_dir), staging)
            manifest = build_snapshot(staging, snapshot_dir, downloader.progress, Refreshing(snapshot_dir, keep, origin, notes))
            keep_raw_files(staging, cache_dir, downloader.progress)
            return manifest
        finally:
            shutil.rmtree(staging, ignore_errors=True)
