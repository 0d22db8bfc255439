"""Cached access to the snapshot and the indicator layer, keyed on the snapshot version.

The Snapshot object is loaded once per version and shared read-only
(``st.cache_resource``); the small frames the pages draw are cached per
(version, measure, area, basis) with ``st.cache_data``. The snapshot folder is
data/snapshot unless the environment variable KNIFE_CLAIMS_SNAPSHOT names another
(used by tests; a refreshed snapshot lives in data/snapshot too).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators import stop_search
from indicators.areas import Area
from indicators.claims import CLAIMS, Claim, Verdict, assess, comparison_table, scorecard_table
from indicators.data import Snapshot
from indicators.export import export_table
from indicators.letter import letter_table
from indicators.periods import Period
from loaders.snapshot import SNAPSHOT_DIR, read_manifest


def snapshot_dir() -> Path:
    return Path(os.environ.get("KNIFE_CLAIMS_SNAPSHOT") or SNAPSHOT_DIR)


def snapshot_version() -> str:
    return read_manifest(snapshot_dir())["version"]


@st.cache_resource(show_spinner="Loading the data snapshot…")
def _load(version: str, directory: str) -> Snapshot:
    return Snapshot.load(Path(directory))


def _snapshot(version: str) -> Snapshot:
    return _load(version, str(snapshot_dir()))


def snapshot() -> Snapshot:
    return _snapshot(snapshot_version())


@st.cache_data(show_spinner=False)
def by_period(version: str, measure: str, area: Area, basis: str) -> pd.DataFrame:
    return _snapshot(version).by_period(measure, area, basis)


@st.cache_data(show_spinner=False)
def monthly(version: str, measure: str, area: Area) -> pd.DataFrame:
    return _snapshot(version).monthly_with_rolling(measure, area)


@st.cache_data(show_spinner=False)
def trend(version: str, measure: str, area: Area, basis: str) -> list[tuple[str, float]]:
    return _snapshot(version).trend(measure, area, basis)


@st.cache_data(show_spinner=False)
def breakdown(version: str, measure: str, period: Period, level: str, by_rate: bool = False) -> pd.DataFrame:
    return _snapshot(version).breakdown(measure, period, level, by_rate)


@st.cache_data(show_spinner=False)
def verdict(version: str, claim: Claim, area: Area, period: Period, comparison: Period) -> Verdict:
    return assess(_snapshot(version), claim, area, period, comparison)


def verdicts(version: str, area: Area, period: Period, comparison: Period) -> list[Verdict]:
    """The four claims' verdicts (each cached)."""
    return [verdict(version, claim, area, period, comparison) for claim in CLAIMS]


@st.cache_data(show_spinner=False)
def claim_numbers(version: str, claim: Claim, area: Area, basis: str) -> pd.DataFrame:
    """The export table's rows for one claim (the same numbers `python -m indicators export` prints)."""
    return export_table(_snapshot(version), area, basis, [claim]).drop(columns=["claim"])


@st.cache_data(show_spinner=False)
def claim_comparison(version: str, claim: Claim, area: Area, period: Period, comparison: Period) -> pd.DataFrame:
    return comparison_table(_snapshot(version), claim, area, period, comparison)


@st.cache_data(show_spinner=False)
def scorecard(version: str, area: Area, basis: str, period: Period, comparison: Period) -> pd.DataFrame:
    return scorecard_table(verdicts(version, area, period, comparison), [trend(version, claim.headline, area, basis) for claim in CLAIMS])


@st.cache_data(show_spinner=False)
def borough_values(version: str, measure: str, period: Period, per_100k: bool) -> pd.DataFrame:
    return _snapshot(version).borough_values(measure, period, per_100k)


@st.cache_data(show_spinner=False)
def letter(version: str) -> pd.DataFrame:
    return letter_table(_snapshot(version))


@st.cache_data(show_spinner=False)
def searches_by_power(version: str, area: Area, period: Period) -> pd.DataFrame:
    return stop_search.by_power(_snapshot(version), area, period)


@st.cache_data(show_spinner=False)
def searches_by_ethnicity(version: str, area: Area, period: Period) -> pd.DataFrame:
    return stop_search.disproportionality(_snapshot(version), area, period)


@st.cache_data(show_spinner=False)
def searches_by_person(version: str, area: Area, period: Period, column: str) -> pd.DataFrame:
    return stop_search.by_person(_snapshot(version), area, period, column)


@st.cache_data(show_spinner=False)
def searches_by_month(version: str, area: Area) -> pd.DataFrame:
    return stop_search.by_month(_snapshot(version), area)
