"""Build the embedded snapshot: compact parquet tables of aggregated counts + manifest.json.

The snapshot is what the dashboard reads (never the raw files). Each table keeps the
categories its source publishes (method of killing, age group, object of search,
outcome, ...), summed to counts by month and area; what a figure counts is declared in
the indicator layer. ``manifest.json`` records, per table: its file, checksum, rows,
first and last month, source and licence, and the checksums of the input files.
``version`` is a hash of the tables' checksums (not of the build time), so identical
inputs give the same version.

The build is driven by one list, :data:`SOURCES`: a new source is one module in
``loaders/`` and one entry there. A build writes into a temporary folder beside the
snapshot and swaps it in only when every table is written; on any error the previous
snapshot is left as it was.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import publishers
from loaders.borough_crime import FILE_PATTERNS as BOROUGH_CRIME_PATTERNS
from loaders.borough_crime import load_borough_crime, recording_system_of
from loaders.errors import SourceError
from loaders.geography import BCU_TABLE, BOUNDARIES, BoroughLookup, PointLocator, bcu_outlines, load_boroughs, load_boundaries, simplify_boundaries
from loaders.homicide_victims import FILE_PATTERN as HOMICIDE_PATTERN
from loaders.homicide_victims import load_homicide_victims
from loaders.homicide_victims import months_in as homicide_months_in
from loaders.knife_crime import FILE_PATTERNS as KNIFE_PATTERNS
from loaders.knife_crime import load_knife_crime
from loaders.knife_crime import months_in as knife_months_in
from loaders.ons_pfa import FILE_PATTERN as ONS_PFA_PATTERN
from loaders.ons_pfa import load_ons_pfa
from loaders.population import ETHNICITY_PATTERN, MYE_PATTERN, load_census_ethnicity, load_mid_year_estimates
from loaders.published import FILE_PATTERN as PUBLISHED_PATTERN
from loaders.published import load_published_figures
from loaders.snapshot_files import (
    MANIFEST,
    NOT_ASSIGNED,
    NOT_ASSIGNED_CODE,
    PROJECT_ROOT,
    SNAPSHOT_DIR,
    read_geojson,
    read_manifest,
    read_table,
    sha256_of,
)
from loaders.stop_search import (
    API_JSON_PATTERN,
    CSV_PATTERN,
    DEDUP_PATTERN,
    THIRD_PARTY_PATTERN,
    is_dedup_copy,
    load_month_files,
    load_monthly_searches_by_object,
    month_of_file,
    read_month_columns,
)

DEFAULT_RAW_DIR = PROJECT_ROOT.parent / "shared" / "data" / "raw"
#: Major categories of the borough-level crime file kept whole in the snapshot (every minor category in them).
BOROUGH_CRIME_MAJOR_CATEGORIES = ["VIOLENCE AGAINST THE PERSON", "POSSESSION OF WEAPONS", "ROBBERY"]
#: A month of the cleaned third-party stop-and-search copy is used only when it holds at least
#: this share of the complete monthly count (the copy runs ~1.5% low by design; a month missing
#: the Met's records holds ~1-2%).
DEDUP_MIN_SHARE = 0.95

Progress = Callable[[str], None]


@dataclass
class Table:
    """One snapshot table and what the manifest says about it."""

    name: str
    frame: pd.DataFrame | dict  # a dict is GeoJSON, written as <name without _geojson>.geojson
    source: publishers.Source
    inputs: list[Path]
    notes: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Geography:
    boroughs: pd.DataFrame
    boundaries: dict

    @property
    def lookup(self) -> BoroughLookup:
        return BoroughLookup(self.boroughs)

    @property
    def locator(self) -> PointLocator:
        return PointLocator(self.boundaries)

    def areas_table(self) -> pd.DataFrame:
        """The 32 boroughs plus the explicit not-assigned area."""
        unassigned = pd.DataFrame({"borough_code": [NOT_ASSIGNED_CODE], "borough": [NOT_ASSIGNED], "bcu": [NOT_ASSIGNED]})
        return pd.concat([self.boroughs, unassigned], ignore_index=True).astype("string")


@dataclass
class BuildContext:
    """What each source's build step gets: the raw folder, the geography, progress, and the
    frames of the tables built before it (in :data:`SOURCES` order)."""

    raw_dir: Path
    geography: Geography
    progress: Progress
    built: dict[str, pd.DataFrame] = field(default_factory=dict)


def _find(raw_dir: Path, patterns: list[str] | str) -> list[Path]:
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return sorted({p for pattern in patterns for p in raw_dir.glob(pattern) if p.is_file()})


def _newest(paths: list[Path], load: Callable[[Path], pd.DataFrame], months_in: Callable[[Path], pd.Series]) -> tuple[Path, pd.DataFrame]:
    """Of several vintages of one source, load the one reaching the latest month (ties: more distinct
    months, then parquet, then name). ``months_in`` gives a file's months; where it reads the month
    column alone, the vintages not chosen (such as a CSV copy of a parquet) are never parsed whole:
    their layout and months are checked, the chosen file in full."""

    def rank(path: Path) -> tuple:
        months = months_in(path)
        return months.max(), months.nunique(), path.suffix == ".parquet", path.name

    chosen = max(paths, key=rank)
    return chosen, load(chosen)


def _required(raw_dir: Path, patterns: list[str] | str, what: str) -> list[Path]:
    files = _find(raw_dir, patterns)
    if not files:
        raise SourceError(raw_dir, f"no {what} file matching {patterns}")
    return files


# ---- one function per source: raw folder -> snapshot tables --------------------------------------


def geography_from_raw(raw_dir: Path) -> Geography:
    return Geography(load_boroughs(raw_dir), simplify_boundaries(load_boundaries(raw_dir)))


def geography_tables(context: BuildContext) -> list[Table]:
    inputs = [context.raw_dir / BCU_TABLE, context.raw_dir / BOUNDARIES]
    geography = context.geography
    return [
        Table("areas", geography.areas_table(), publishers.GEOGRAPHY, inputs, "32 boroughs, their BCU, and the not-assigned area."),
        Table("boroughs_geojson", geography.boundaries, publishers.GEOGRAPHY, inputs, "Borough boundaries simplified to about 30 m, WGS84."),
        Table(
            "bcus_geojson",
            bcu_outlines(geography.boundaries, geography.boroughs),
            publishers.GEOGRAPHY,
            inputs,
            "The 12 BCUs: unions of their boroughs.",
        ),
    ]


def population_tables(context: BuildContext) -> list[Table]:
    mye_files = _required(context.raw_dir, MYE_PATTERN, "ONS mid-year estimates")
    ethnicity_files = _required(context.raw_dir, ETHNICITY_PATTERN, "Census 2021 ethnic group")
    estimates = pd.concat([load_mid_year_estimates(p) for p in mye_files], ignore_index=True)
    by_series = estimates.groupby("series")["year"].unique()
    series_note = "; ".join(f"{series}: {', '.join(f'mid-{y}' for y in sorted(years))}" for series, years in by_series.items())
    return [
        Table(
            "population",
            estimates.sort_values(["year", "area_code", "age"]).reset_index(drop=True),
            publishers.POPULATION,
            mye_files,
            f"Mid-year estimates by single year of age ({series_note}).",
            {"years": sorted(int(y) for y in estimates["year"].unique())},
        ),
        Table(
            "census_ethnicity",
            load_census_ethnicity(ethnicity_files[0]),
            publishers.POPULATION,
            ethnicity_files[:1],
            "Census 2021, 5 high-level groups.",
        ),
    ]


def homicide_tables(context: BuildContext) -> list[Table]:
    files = _required(context.raw_dir, HOMICIDE_PATTERN, "homicide victims")
    path, victims = _newest(files, lambda p: load_homicide_victims(p, context.geography.lookup), homicide_months_in)
    key = list(victims.columns)
    counts = victims.groupby(key, observed=True, as_index=False).size().rename(columns={"size": "victims"})
    counts = counts.sort_values(key).reset_index(drop=True)
    return [
        Table("homicide_victims", counts, publishers.HOMICIDE_VICTIMS, [path], "Victims by recorded month, by every category the source publishes.")
    ]


def knife_tables(context: BuildContext) -> list[Table]:
    files = _required(context.raw_dir, KNIFE_PATTERNS, "knife crime")
    path, knife = _newest(files, lambda p: load_knife_crime(p, context.geography.lookup), knife_months_in)
    return [Table("knife_crime", knife, publishers.KNIFE_CRIME, [path], "Borough rows only, zero-filled.")]


def borough_crime_tables(context: BuildContext) -> list[Table]:
    chosen: dict[str, Path] = {}
    for path in sorted(_required(context.raw_dir, BOROUGH_CRIME_PATTERNS, "borough-level crime"), key=lambda p: p.suffix != ".parquet"):
        chosen.setdefault(recording_system_of(path), path)  # parquet before its CSV copy
    crime = load_borough_crime(sorted(chosen.values()), context.geography.lookup)
    kept = crime[crime["major_category"].isin(BOROUGH_CRIME_MAJOR_CATEGORIES)].reset_index(drop=True)
    return [
        Table(
            "borough_crime",
            kept,
            publishers.BOROUGH_CRIME,
            sorted(chosen.values()),
            f"Offences recorded per month, every minor category of {', '.join(BOROUGH_CRIME_MAJOR_CATEGORIES)}; CRIS to Feb 2024, CONNECT from Mar 2024.",
            {"major_categories": BOROUGH_CRIME_MAJOR_CATEGORIES},
        )
    ]


def ons_homicide_tables(context: BuildContext) -> list[Table]:
    """Every edition of the ONS police force area tables in the raw folder (one row per edition and measure)."""
    files = _find(context.raw_dir, ONS_PFA_PATTERN)
    editions = [load_ons_pfa(p) for p in files]
    if editions:
        # an edition both in the raw folder and downloaded counts once; two different figures for one edition are refused
        table = pd.concat(editions, ignore_index=True).drop_duplicates().sort_values(["year_ending", "measure"]).reset_index(drop=True)
        duplicated = table.duplicated(["year_ending", "measure"])
        if duplicated.any():
            raise SourceError(
                context.raw_dir / "homicide", f"two files give different figures for the {table.loc[duplicated, 'edition'].iloc[0]} edition"
            )
        note = "Metropolitan Police homicide offences (Table P1) and knife-involved homicide offences (Table P5, Homicide Index), by edition."
    else:
        table = pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in {
                    "year_ending": "datetime64[ns]",
                    "area_code": "string",
                    "measure": "string",
                    "offences": "int64",
                    "edition": "string",
                }.items()
            }
        )
        note = f"No file matching {ONS_PFA_PATTERN} in the raw folder."
    table = table.rename(columns={"year_ending": "month"})  # the last month of each edition's 12
    return [Table("ons_homicide", table, publishers.ONS_PFA, files, note)]


SEARCH_KEY = ["month", "borough_code", "legislation", "object_of_search", "outcome", "outcome_linked_to_object"]
PEOPLE_KEY = [*SEARCH_KEY[:-1], "age_range", "gender", "self_defined_ethnicity", "officer_defined_ethnicity"]


def stop_search_tables(context: BuildContext) -> list[Table]:
    """Record-level months, by the categories data.police.uk publishes.

    Each month comes from the best copy the raw folder holds: an archive CSV, else the API
    JSON fetched by a refresh, else the cleaned third-party copy, when that month holds at
    least :data:`DEDUP_MIN_SHARE` of the complete count (third-party monthly counts). The
    partial API copies in the shared raw folder are deliberately not matched.
    """
    raw_dir, locator = context.raw_dir, context.geography.locator
    complete_counts = context.built["stop_search_by_object_third_party"].groupby("month")["searches"].sum()
    by_month: dict[pd.Timestamp, Path] = {}
    for path in _find(raw_dir, DEDUP_PATTERN) + _find(raw_dir, API_JSON_PATTERN) + _find(raw_dir, CSV_PATTERN):  # later wins
        month = month_of_file(path)
        if month is not None:
            by_month[month] = path
    chosen: dict[Path, dict] = {}
    refused, from_copy = [], []
    for number, (month, path) in enumerate(sorted(by_month.items()), start=1):
        context.progress(f"stop and search {month:%Y-%m} ({number}/{len(by_month)})")
        chosen[path] = read_month_columns(path)
        if is_dedup_copy(path):
            rows, complete = len(chosen[path]["datetime"]), complete_counts.get(month)
            if complete is None or rows < DEDUP_MIN_SHARE * complete:
                refused.append(f"{month:%Y-%m} ({rows:,} rows against {'no complete count' if complete is None else f'{complete:,}'})")
                del chosen[path]
                continue
            from_copy.append(f"{month:%Y-%m}")
    context.progress(f"stop and search: parsing and counting {len(chosen)} month(s)")
    records = load_month_files(chosen, locator)
    linked = records["outcome_linked_to_object"]
    ever_linked = linked.fillna(False).groupby(records["month"]).any()
    never_linked = [f"{month:%Y-%m}" for month in sorted(by_month) if by_month[month] in chosen and not ever_linked.get(month, False)]
    records["outcome_linked_to_object"] = linked.map({True: "true", False: "false"}).astype("string").fillna("not recorded")
    inputs = sorted(p for m, p in by_month.items() if f"{m:%Y-%m}" not in {r[:7] for r in refused})
    notes = []
    if from_copy:
        notes.append(
            f"{len(from_copy)} month(s) ({from_copy[0]} to {from_copy[-1]}) come from a third party's cleaned copy of data.police.uk "
            "(GitHub MuhammadIbneRafiq/dc2-33): identical rows were removed upstream, so counts run about 1.5% low; the City of London "
            "Police's records were separated approximately; self-defined and officer-defined ethnicity are not in that copy."
        )
    if refused:
        notes.append(f"Months refused as incomplete against the complete monthly counts: {'; '.join(refused)}.")
    if never_linked:
        notes.append(
            f"No outcome is marked as linked to the object of the search in {len(never_linked)} month(s); linked-outcome figures are not reliable there."
        )
    if not inputs:
        notes.append("No complete record-level stop-and-search months in the raw folder.")
    note = " ".join(notes)
    extra: dict = {"months_from_third_party_copy": from_copy, "months_refused": refused}
    if from_copy:  # shown beside every figure counted from these tables
        extra["caveat"] = (
            f"{from_copy[0]} to {from_copy[-1]} come from a third party's cleaned copy of data.police.uk: counts run about 1.5% low "
            "(identical rows were removed upstream) and the City of London Police's searches were separated approximately."
        )
    return [
        Table("stop_search", _count(records, SEARCH_KEY), publishers.STOP_SEARCH, inputs, note, extra),
        Table("stop_search_people", _count(records, PEOPLE_KEY), publishers.STOP_SEARCH, inputs, note, extra),
    ]


def _count(records: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Searches per combination of ``key`` that occurs, sorted by ``key``; a missing category is
    "not recorded".

    Counted on integer codes (one number per combination, then ``np.unique``), not with a
    pandas groupby over ten text columns, which took five times as long. Each column's labels
    are numbered in sorted order, so ``np.unique``'s order is already the order of ``key``.
    """
    codes, labels = [], []
    for column in key:
        values = records[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            label = pd.Index([*values.cat.categories.astype(str), "not recorded"], dtype="string")
            code = np.where(values.cat.codes < 0, len(label) - 1, values.cat.codes)
        else:
            code, label = pd.factorize(values, use_na_sentinel=False)
        order = label.argsort()
        sorted_position = np.empty(len(order), dtype="int64")
        sorted_position[order] = np.arange(len(order))
        codes.append(sorted_position[code])
        labels.append(label[order])
    shape = [len(label) for label in labels]
    combinations, searches = np.unique(np.ravel_multi_index(codes, shape), return_counts=True)
    counts = pd.DataFrame({column: label.take(code) for column, label, code in zip(key, labels, np.unravel_index(combinations, shape))})
    return counts.assign(searches=searches.astype("int64"))


def stop_search_third_party_tables(context: BuildContext) -> list[Table]:
    """Optional source: an empty table (with its columns) when the raw folder lacks it."""
    files = _find(context.raw_dir, THIRD_PARTY_PATTERN)
    if files:
        counts = load_monthly_searches_by_object(files[0])
        note = "All London searches per month by object of search; no outcomes, no areas; may include City of London Police (1-3%)."
    else:
        counts = pd.DataFrame(
            {"month": pd.Series(dtype="datetime64[ns]"), "object_of_search": pd.Series(dtype="string"), "searches": pd.Series(dtype="int64")}
        )
        note = f"No file matching {THIRD_PARTY_PATTERN} in the raw folder."
    return [Table("stop_search_by_object_third_party", counts, publishers.STOP_SEARCH_THIRD_PARTY, files, note)]


def published_tables(context: BuildContext) -> list[Table]:
    files = _required(context.raw_dir, PUBLISHED_PATTERN, "published figures")
    return [
        Table(
            "published_figures",
            load_published_figures(files[0]),
            publishers.PUBLISHED,
            files[:1],
            "Figures as stated, with their quotes; not re-derived.",
        )
    ]


@dataclass(frozen=True)
class SourceBuild:
    """One public source: the step that turns its raw files into snapshot tables.

    ``tables`` names what the step writes; ``refreshed`` is False for sources the live
    refresh does not download (their tables are carried over from the previous snapshot
    when the raw folder lacks them); ``kept_on_refresh`` are the raw-folder files (globs) a
    refresh copies beside its downloads because no live address serves them.
    """

    name: str
    step: Callable[[BuildContext], list[Table]]
    tables: tuple[str, ...]
    refreshed: bool = True
    kept_on_refresh: tuple[str, ...] = ()


#: Every source, in build order (a step may read the tables of the steps before it).
SOURCES = [
    SourceBuild("geography", geography_tables, ("areas", "boroughs_geojson", "bcus_geojson"), False, (BCU_TABLE, BOUNDARIES)),
    SourceBuild("population", population_tables, ("population", "census_ethnicity"), False, (MYE_PATTERN, ETHNICITY_PATTERN)),
    SourceBuild("homicide victims", homicide_tables, ("homicide_victims",)),
    SourceBuild("knife crime", knife_tables, ("knife_crime",)),
    SourceBuild("borough-level recorded crime", borough_crime_tables, ("borough_crime",)),
    SourceBuild("ONS police force area tables", ons_homicide_tables, ("ons_homicide",), True, (ONS_PFA_PATTERN,)),
    SourceBuild(
        "third-party monthly search counts", stop_search_third_party_tables, ("stop_search_by_object_third_party",), False, (THIRD_PARTY_PATTERN,)
    ),
    SourceBuild("stop and search", stop_search_tables, ("stop_search", "stop_search_people"), True, (DEDUP_PATTERN,)),
    SourceBuild("published figures", published_tables, ("published_figures",), False, (PUBLISHED_PATTERN,)),
]


def copy_kept_files(static_raw_dir: Path, raw_dir: Path) -> None:
    """Copy into a refresh's raw folder the files no live address serves (``kept_on_refresh``)."""
    for source in SOURCES:
        for path in _find(static_raw_dir, list(source.kept_on_refresh)):
            target = raw_dir / path.relative_to(static_raw_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


# ---- writing, manifest, swap ---------------------------------------------------------------------


def _months(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    if "month" not in frame.columns or frame.empty:
        return None, None
    return frame["month"].min().strftime("%Y-%m"), frame["month"].max().strftime("%Y-%m")


def write_tables(
    tables: list[Table], out_dir: Path, raw_dir: Path, carried: dict, statuses: dict[str, dict], origin: dict[str, str] | None = None
) -> dict:
    """Write parquet (and GeoJSON) files and manifest.json into out_dir; return the manifest."""
    entries, origin = dict(carried), origin or {}
    input_checksum = functools.cache(sha256_of)  # an input of several tables (stop search: two) is read once
    for table in tables:
        if isinstance(table.frame, dict):
            target = out_dir / f"{table.name.removesuffix('_geojson')}.geojson"
            target.write_text(json.dumps(table.frame, separators=(",", ":"), sort_keys=True), encoding="utf-8")
            rows = len(table.frame["features"])
            first, last = None, None
        else:
            target = out_dir / f"{table.name}.parquet"
            table.frame.to_parquet(target, index=False, compression="zstd")
            rows = len(table.frame)
            first, last = _months(table.frame)
        entries[table.name] = {
            "file": target.name,
            "sha256": sha256_of(target),
            "rows": rows,
            "first_month": first,
            "last_month": last,
            "source": table.source.as_dict(),
            "inputs": [
                {"file": str(p.relative_to(raw_dir)), "sha256": input_checksum(p)} | ({"address": origin[str(p)]} if str(p) in origin else {})
                for p in table.inputs
            ],
            "notes": table.notes,
            **table.extra,
        }
    for name, entry in carried.items():
        shutil.copy2(Path(entry["_from"]) / entry["file"], out_dir / entry["file"])
        entries[name] = {k: v for k, v in entry.items() if k != "_from"}
    entries = dict(sorted(entries.items()))
    version = hashlib.sha256("".join(e["sha256"] for e in entries.values()).encode()).hexdigest()[:16]
    manifest = {"version": version, "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "sources": statuses, "tables": entries}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return manifest


@dataclass(frozen=True)
class Refreshing:
    """What a refresh tells the build: the snapshot to carry sources over from, the sources to keep
    from it (with the reason), the address each downloaded file came from (so a failure names the
    address, not a temporary file), and remarks per source (e.g. months skipped). While refreshing,
    a source whose build fails keeps its last good data instead of stopping the build."""

    previous: Path
    keep: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    remarks: dict[str, list[str]] = field(default_factory=dict)


def build_into(raw_dir: Path, out_dir: Path, progress: Progress = lambda _: None, refreshing: Refreshing | None = None) -> dict:
    """Build every source in :data:`SOURCES` from raw_dir into the (empty) out_dir; return the manifest.

    Sources the refresh does not download come from raw_dir when it has the geography, else
    (refresh on a machine without the raw folder) they are carried over unchanged from the
    previous snapshot. The manifest's ``sources`` says, per source, whether it is fresh or
    kept and why.
    """
    static_from = refreshing.previous if refreshing else None
    origin, remarks = (refreshing.origin, refreshing.remarks) if refreshing else ({}, {})
    keep = dict(refreshing.keep) if refreshing else {}
    raw_dir = Path(raw_dir)
    keep = dict(keep or {})
    from_raw = (raw_dir / BCU_TABLE).exists()
    if from_raw:
        geography = geography_from_raw(raw_dir)
    elif static_from is not None:
        geography = load_geography(static_from)
        keep |= {source.name: "not downloaded by a refresh; carried over" for source in SOURCES if not source.refreshed}
    else:
        raise SourceError(raw_dir / BCU_TABLE, "geography files not found and no snapshot to take them from")
    old = read_manifest(static_from)["tables"] if static_from is not None else {}
    context = BuildContext(raw_dir, geography, progress)
    tables: list[Table] = []
    carried: dict = {}
    statuses: dict[str, dict] = {}
    for source in SOURCES:
        reason = keep.get(source.name)
        if reason is None:
            progress(source.name)
            try:
                built = source.step(context)
            except SourceError as err:
                if err.file in origin:
                    err = SourceError(origin[err.file], err.problem, err.column)
                if static_from is None:
                    raise err from None
                reason = f"kept the last good data: {err}"
                progress(f"{source.name}: {reason}")
            else:
                context.built |= {t.name: t.frame for t in built if isinstance(t.frame, pd.DataFrame)}
                tables += built
                addresses = sorted({origin[str(p)] for t in built for p in t.inputs if str(p) in origin})
                statuses[source.name] = (
                    {"status": "fresh", "reason": ""}
                    | ({"from": addresses} if addresses else {})
                    | ({"remarks": remarks[source.name]} if remarks.get(source.name) else {})
                )
                continue
        assert static_from is not None  # a kept source is copied from the previous snapshot
        for name in source.tables:
            if name in old:
                carried[name] = old[name] | {"_from": str(static_from)}
                if old[name]["file"].endswith(".parquet"):
                    context.built[name] = read_table(name, static_from)
        statuses[source.name] = {"status": "kept", "reason": reason}
    progress("writing snapshot")
    return write_tables(tables, out_dir, raw_dir, carried, statuses, origin)


def build_snapshot(
    raw_dir: Path, snapshot_dir: Path = SNAPSHOT_DIR, progress: Progress = lambda _: None, refreshing: Refreshing | None = None
) -> dict:
    """Build into a temporary folder beside the snapshot, then swap it in with one atomic
    exchange; the old snapshot survives any failure (see :func:`build_into`)."""
    snapshot_dir = Path(snapshot_dir)
    snapshot_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-build-", dir=snapshot_dir.parent))
    try:
        manifest = build_into(raw_dir, staging, progress, refreshing)
        staging.chmod(0o755)
        swap_in(staging, snapshot_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


RENAME_EXCHANGE = 2  # renameat2 flag (Linux): swap two paths atomically


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0


def swap_in(staging: Path, snapshot_dir: Path) -> None:
    """Make staging the snapshot. Where the system allows (Linux), one atomic exchange, so there is
    no moment without a readable snapshot; elsewhere two renames. The old copy is removed last."""
    if snapshot_dir.exists() and _exchange(staging, snapshot_dir):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old snapshot
        return
    retired = snapshot_dir.with_name(f".snapshot-old-{datetime.now():%Y%m%d%H%M%S%f}")
    if snapshot_dir.exists():
        snapshot_dir.rename(retired)
    staging.rename(snapshot_dir)
    shutil.rmtree(retired, ignore_errors=True)


class SnapshotBusy(RuntimeError):
    """Another build or refresh holds the snapshot's lock."""


@contextmanager
def snapshot_lock(snapshot_dir: Path) -> Iterator[None]:
    """One build or refresh at a time: an exclusive lock on a file beside the snapshot."""
    lock_path = Path(snapshot_dir).parent / f".{Path(snapshot_dir).name}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotBusy(f"another build or refresh of {snapshot_dir} is running (lock {lock_path}); try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def compare_snapshots(expected_dir: Path, built_dir: Path) -> list[str]:
    """Differences between two snapshots: files whose bytes differ, and manifest fields (build time aside)."""
    differences = []
    names = {p.name for p in Path(expected_dir).iterdir()} | {p.name for p in Path(built_dir).iterdir()}
    for name in sorted(names - {MANIFEST}):
        a, b = Path(expected_dir) / name, Path(built_dir) / name
        if not a.exists() or not b.exists():
            differences.append(f"{name}: only in {'the new build' if b.exists() else 'the committed snapshot'}")
        elif sha256_of(a) != sha256_of(b):
            differences.append(f"{name}: bytes differ")
    old, new = read_manifest(expected_dir), read_manifest(built_dir)
    for name in sorted(set(old["tables"]) | set(new["tables"])):
        for key in sorted(set(old["tables"].get(name, {})) | set(new["tables"].get(name, {}))):
            before, after = old["tables"].get(name, {}).get(key), new["tables"].get(name, {}).get(key)
            if before != after:
                differences.append(f"manifest {name}.{key}: {before!r} -> {after!r}")
    return differences


def load_geography(snapshot_dir: Path = SNAPSHOT_DIR) -> Geography:
    areas = read_table("areas", snapshot_dir)
    boroughs = areas[areas["borough_code"] != NOT_ASSIGNED_CODE].reset_index(drop=True)
    return Geography(boroughs, read_geojson("boroughs_geojson", snapshot_dir))
