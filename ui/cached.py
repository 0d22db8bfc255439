"""The app's one cache layer: Streamlit's caches, keyed on the snapshot's version.

- The :class:`Snapshot` is loaded once per version and shared by every session
  (``st.cache_resource``). That is safe because a Snapshot is frozen and never changed
  after loading (indicators/snapshot.py); nothing else mutable is shared.
- Every frame or verdict a page draws is cached per (version, arguments) with
  ``st.cache_data``, which hands each caller its own copy.
- A chart's frame can be named by its cached call (:class:`FrameCall`), so that a chart
  already built is found without copying its frame out of the cache (ui/charts.py).

The snapshot folder is data/snapshot unless the environment variable
KNIFE_CLAIMS_SNAPSHOT names another (used by tests; a refreshed snapshot lives in
data/snapshot too).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from indicators import stop_search
from indicators.areas import Area, area_options
from indicators.claims import CLAIMS, Claim
from indicators.export import comparison_table, everything_table, evidence_table, export_table
from indicators.letter import View, letter_table
from indicators.periods import Period
from indicators.scorecard import Scorecard
from indicators.scorecard import scorecard as build_scorecard
from indicators.snapshot import Snapshot
from indicators.tables import csv_bytes, for_screen
from indicators.verdicts import Assessment, assess
from loaders.snapshot_files import MANIFEST, SNAPSHOT_DIR, read_manifest
from ui.keyword_cache import F, by_keyword

# Arrow's default allocator (mimalloc) keeps about 50 MB it has already freed after the snapshot's
# parquet files are read; the system allocator returns it. The app reads the snapshot once per
# version, so nothing is slower for it. (Set before the first read; the build is not affected.)
pa.set_memory_pool(pa.system_memory_pool())

#: What identifies each kind of argument in a cache key. Streamlit would otherwise hash the whole
#: objects on every call (a claim with all its text), which took ~40% of a scorecard rerun.
HASH_BY_KEY: dict[str | type, Callable[[Any], Any]] = {
    Area: lambda area: area.key,
    Period: lambda period: period.key,
    Claim: lambda claim: claim.slug,
}


def cache_data(**options: Any) -> Callable[[F], F]:
    """``st.cache_data`` keyed with :data:`HASH_BY_KEY`, every call made by keyword (ui/keyword_cache.py)."""
    return by_keyword(st.cache_data(hash_funcs=HASH_BY_KEY, **options))


@dataclass(frozen=True)
class FrameCall:
    """A frame named by the cached call of this module that makes it, e.g.
    ``FrameCall(by_period, (version, key, area, basis))``; calling it reads the frame.

    A chart built from one (ui/charts.py) is cached on the call's arguments, so drawing a chart
    already built neither copies its frame out of Streamlit's cache nor hashes the frame's rows
    (together a third of a claim page's rerun before); the frame is read only to build the chart
    or to show its table.
    """

    function: Callable[..., pd.DataFrame]
    arguments: tuple

    def __post_init__(self) -> None:
        if globals().get(self.function.__name__) is not self.function:  # the name must say which frame it is
            raise ValueError(f"{self.function!r} is not one of ui.cached's cached functions")

    def __call__(self) -> pd.DataFrame:
        return self.function(*self.arguments)

    def key(self) -> tuple:
        """What identifies the frame: the function's name and its arguments' keys (:data:`HASH_BY_KEY`)."""
        return (self.function.__name__, *(HASH_BY_KEY[type(a)](a) if type(a) in HASH_BY_KEY else a for a in self.arguments))


def snapshot_dir() -> Path:
    return Path(os.environ.get("KNIFE_CLAIMS_SNAPSHOT") or SNAPSHOT_DIR)


def snapshot_version() -> str:
    """The version in the snapshot's manifest, read again only when the manifest file changes
    (a build or refresh swaps in a new one): every rerun asks, most reruns find it unchanged."""
    directory = snapshot_dir()
    try:
        found = (directory / MANIFEST).stat()
    except OSError:
        return read_manifest(directory)["version"]  # raises SourceError, naming the file
    return _manifest_version(str(directory), found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=8)
def _manifest_version(directory: str, inode: int, modified_ns: int, size: int) -> str:
    return read_manifest(Path(directory))["version"]


@by_keyword(st.cache_resource(show_spinner="Loading the data snapshot…"))
def _load(version: str, directory: str) -> Snapshot:
    return Snapshot.load(Path(directory))


def _snapshot(version: str) -> Snapshot:
    return _load(version, str(snapshot_dir()))


def snapshot() -> Snapshot:
    return _snapshot(snapshot_version())


@cache_data(show_spinner=False)
def areas(version: str) -> list[Area]:
    """The area box's choices: London, then each BCU followed by its boroughs."""
    return area_options(_snapshot(version).areas)


@cache_data(show_spinner=False)
def by_period(version: str, key: str, area: Area, basis: str) -> pd.DataFrame:
    return _snapshot(version).by_period(key, area, basis)


@cache_data(show_spinner=False)
def monthly(version: str, key: str, area: Area) -> pd.DataFrame:
    return _snapshot(version).monthly_with_rolling(key, area)


@cache_data(show_spinner=False)
def breakdown(version: str, key: str, period: Period, level: str, by_rate: bool = False) -> pd.DataFrame:
    return _snapshot(version).breakdown(key, period, level, by_rate)


@cache_data(show_spinner=False)
def assessment(version: str, claim: Claim, area: Area, period: Period, comparison: Period) -> Assessment:
    return assess(_snapshot(version), claim, area, period, comparison)


@cache_data(show_spinner=False)
def assessments(version: str, area: Area, period: Period, comparison: Period) -> list[Assessment]:
    """Every claim's assessment, in claim order: one cache entry for the four, since each cached call
    costs Streamlit about half a millisecond (hashing its arguments, copying its answer) on every run."""
    snapshot = _snapshot(version)
    return [assess(snapshot, claim, area, period, comparison) for claim in CLAIMS]


@cache_data(show_spinner=False)
def scorecard(version: str, area: Area, period: Period, comparison: Period, basis: str) -> Scorecard:
    """Everything the scorecard draws for one view, one cache entry (see :func:`assessments`); the
    warm-up computes the default view's (ui/warmup.py)."""
    return build_scorecard(_snapshot(version), area, period, comparison, basis)


@cache_data(show_spinner=False)
def claim_numbers(version: str, claim: Claim, area: Area, basis: str) -> pd.DataFrame:
    """The export table's rows for one claim (the same numbers `python -m indicators export` prints)."""
    return export_table(_snapshot(version), area, basis, [claim]).drop(columns=["claim"])


@cache_data(show_spinner=False)
def claim_comparison(version: str, claim: Claim, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    return comparison_table(_snapshot(version), claim, area, period, comparison)


@cache_data(show_spinner=False)
def claim_comparison_shown(version: str, claim: Claim, area: Area, period: Period, comparison: Period) -> pa.Table:
    """:func:`claim_comparison` as readers see it, in Arrow: a claim page draws it on every rerun,
    and Streamlit would otherwise format it and convert it from pandas each time (~15% of a rerun).
    Without pandas' schema note (1.8 of the 4.8 kB sent to the browser): every column is text, in order."""
    shown = pa.Table.from_pandas(for_screen(claim_comparison(version, claim, area, period, comparison)), preserve_index=False)
    return shown.replace_schema_metadata(None)


@cache_data(show_spinner=False)
def evidence(version: str, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    """Every rung of every claim: the scorecard's CSV."""
    return evidence_table(assessments(version, area, period, comparison))


@cache_data(show_spinner="Gathering every figure for every area…")
def everything(version: str) -> bytes:
    """Every claim figure, period (financial year, year to date, calendar year) and area, as CSV bytes."""
    return csv_bytes(everything_table(_snapshot(version)))


@cache_data(show_spinner="Writing the briefing…")
def briefing(version: str, area: Area, period: Period, comparison: Period) -> bytes:
    from indicators.briefing import briefing_pdf  # fpdf2 costs ~0.7 s to import: paid by whoever asks for a PDF

    return briefing_pdf(_snapshot(version), area, period, comparison)


@cache_data(show_spinner=False)
def borough_values(version: str, key: str, period: Period, per_100k: bool) -> pd.DataFrame:
    return _snapshot(version).borough_values(key, period, per_100k)


@cache_data(show_spinner=False)
def letter(version: str, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    return letter_table(_snapshot(version), View(area, period, comparison))


@cache_data(show_spinner=False)
def searches_by_power(version: str, area: Area, period: Period) -> pd.DataFrame:
    return stop_search.by_power(_snapshot(version), area, period)


@cache_data(show_spinner=False)
def searches_by_ethnicity(version: str, area: Area, period: Period) -> pd.DataFrame:
    return stop_search.disproportionality(_snapshot(version), area, period)


@cache_data(show_spinner=False)
def searches_by_person(version: str, area: Area, period: Period, column: str) -> pd.DataFrame:
    return stop_search.by_person(_snapshot(version), area, period, column)


@cache_data(show_spinner=False)
def searches_by_month(version: str, area: Area) -> pd.DataFrame:
    return stop_search.by_month(_snapshot(version), area)


def stamp() -> str:
    """'Snapshot 89802a7a, built 30 Nov 2026.': where every exported chart and file came from."""
    return _stamp(snapshot_version())


@lru_cache(maxsize=8)
def _stamp(version: str) -> str:
    manifest = _snapshot(version).manifest
    return f"Snapshot {version[:8]}, built {pd.Timestamp(manifest['built_at']):%d %b %Y}."


def coverage_text(version: str, key: str) -> str:
    """'they run from April 2023 to August 2024' or 'they hold none'."""
    months = _snapshot(version).months_covered(key)
    return f"they run from {months.min():%B %Y} to {months.max():%B %Y}" if len(months) else "they hold none"
