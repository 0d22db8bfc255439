"""Build the embedded snapshot: compact parquet tables of aggregated counts + manifest.json.

The snapshot is what the dashboard reads (never the raw files). Each table is a tidy
frame of counts by month x area x the breakdowns the pages need. ``manifest.json``
records, per table: its file, checksum, rows, first and last month, source and licence,
and the checksums of the input files it was built from. ``version`` is a hash of the
tables' checksums (not of the build time), so identical inputs give the same version.

A build writes into a temporary folder beside the snapshot and swaps it in only when
every table is written; on any error the previous snapshot is left as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from loaders import sources
from loaders.borough_crime import FILE_PATTERNS as BOROUGH_CRIME_PATTERNS
from loaders.borough_crime import HOMICIDE, PERSONAL_ROBBERY, POSSESSION_OF_WEAPONS, load_borough_crime, recording_system_of
from loaders.geography import (
    BCU_TABLE,
    BOUNDARIES,
    NOT_ASSIGNED,
    NOT_ASSIGNED_CODE,
    BoroughLookup,
    PointLocator,
    bcu_outlines,
    load_boroughs,
    load_boundaries,
    simplify_boundaries,
)
from loaders.homicide_victims import FILE_PATTERN as HOMICIDE_PATTERN
from loaders.homicide_victims import load_homicide_victims
from loaders.knife_crime import FILE_PATTERNS as KNIFE_PATTERNS
from loaders.knife_crime import load_knife_crime
from loaders.population import ETHNICITY_PATTERN, MYE_PATTERN, load_census_ethnicity, load_mid_year_estimates
from loaders.stop_search import API_JSON_PATTERN, CSV_PATTERN, THIRD_PARTY_PATTERN, load_monthly_searches_by_object, load_stop_search, month_of_file
from loaders.validation import SourceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = PROJECT_ROOT / "data" / "snapshot"
DEFAULT_RAW_DIR = PROJECT_ROOT.parent / "shared" / "data" / "raw"
MANIFEST = "manifest.json"
#: Minor categories of the borough-level crime file kept in the snapshot.
BOROUGH_CRIME_CATEGORIES = [HOMICIDE, POSSESSION_OF_WEAPONS, PERSONAL_ROBBERY, "ROBBERY OF BUSINESS PROPERTY"]
#: Tables a refresh does not download: kept from the previous snapshot when the raw folder lacks them.
STATIC_TABLES = ["areas", "boroughs_geojson", "bcus_geojson", "population", "census_ethnicity", "stop_search_by_object_third_party"]

Progress = Callable[[str], None]


@dataclass
class Table:
    """One snapshot table and what the manifest says about it."""

    name: str
    frame: pd.DataFrame | dict  # a dict is GeoJSON, written as <name without _geojson>.geojson
    source: sources.Source
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find(raw_dir: Path, patterns: list[str] | str) -> list[Path]:
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return sorted({p for pattern in patterns for p in raw_dir.glob(pattern) if p.is_file()})


def _newest(paths: list[Path], load: Callable[[Path], pd.DataFrame]) -> tuple[Path, pd.DataFrame]:
    """Of several vintages of one source, the one reaching the latest month (ties: more rows, then parquet)."""
    loaded = [(p, load(p)) for p in paths]
    return max(loaded, key=lambda item: (item[1]["month"].max(), len(item[1]), item[0].suffix == ".parquet", item[0].name))


# ---- one function per source: raw folder -> snapshot tables --------------------------------------


def geography_from_raw(raw_dir: Path) -> Geography:
    return Geography(load_boroughs(raw_dir), simplify_boundaries(load_boundaries(raw_dir)))


def geography_tables(raw_dir: Path, geography: Geography) -> list[Table]:
    inputs = [raw_dir / BCU_TABLE, raw_dir / BOUNDARIES]
    return [
        Table("areas", geography.areas_table(), sources.GEOGRAPHY, inputs, "32 boroughs, their BCU, and the not-assigned area."),
        Table("boroughs_geojson", geography.boundaries, sources.GEOGRAPHY, inputs, "Borough boundaries simplified to about 30 m, WGS84."),
        Table(
            "bcus_geojson",
            bcu_outlines(geography.boundaries, geography.boroughs),
            sources.GEOGRAPHY,
            inputs,
            "The 12 BCUs: unions of their boroughs.",
        ),
    ]


def population_tables(raw_dir: Path) -> list[Table]:
    mye_files = _find(raw_dir, MYE_PATTERN)
    ethnicity_files = _find(raw_dir, ETHNICITY_PATTERN)
    if not mye_files or not ethnicity_files:
        raise SourceError(raw_dir / "population", f"no files matching {MYE_PATTERN} and {ETHNICITY_PATTERN}")
    estimates = pd.concat([load_mid_year_estimates(p) for p in mye_files], ignore_index=True)
    years = sorted(estimates["year"].unique())
    return [
        Table(
            "population",
            estimates.sort_values(["year", "area_code", "age"]).reset_index(drop=True),
            sources.POPULATION,
            mye_files,
            "Mid-year estimates for " + ", ".join(map(str, years)) + ". 2019-2020 are the 2011-based series; 2023 on are 2021-based.",
            {"years": [int(y) for y in years]},
        ),
        Table(
            "census_ethnicity",
            load_census_ethnicity(ethnicity_files[0]),
            sources.POPULATION,
            ethnicity_files[:1],
            "Census 2021, 5 high-level groups.",
        ),
    ]


def homicide_tables(raw_dir: Path, geography: Geography) -> list[Table]:
    files = _find(raw_dir, HOMICIDE_PATTERN)
    if not files:
        raise SourceError(raw_dir / "homicide", f"no homicide victims file matching {HOMICIDE_PATTERN}")
    path, victims = _newest(files, lambda p: load_homicide_victims(p, geography.lookup))
    key = list(victims.columns)
    counts = victims.groupby(key, observed=True, as_index=False).size().rename(columns={"size": "victims"})
    counts = counts.sort_values(key).reset_index(drop=True)
    return [Table("homicide_victims", counts, sources.HOMICIDE_VICTIMS, [path], "Victims by recorded month.")]


def knife_tables(raw_dir: Path, geography: Geography) -> list[Table]:
    files = _find(raw_dir, KNIFE_PATTERNS)
    if not files:
        raise SourceError(raw_dir / "knife_crime", f"no knife crime file matching {KNIFE_PATTERNS}")
    path, knife = _newest(files, lambda p: load_knife_crime(p, geography.lookup))
    return [Table("knife_crime", knife, sources.KNIFE_CRIME, [path], "Borough rows only, zero-filled.")]


def borough_crime_tables(raw_dir: Path, geography: Geography) -> list[Table]:
    files = _find(raw_dir, BOROUGH_CRIME_PATTERNS)
    chosen = {}
    for path in sorted(files, key=lambda p: p.suffix != ".parquet"):  # parquet before its CSV copy
        chosen.setdefault(recording_system_of(path), path)
    if not chosen:
        raise SourceError(raw_dir / "homicide", f"no borough-level crime file matching {BOROUGH_CRIME_PATTERNS}")
    crime = load_borough_crime(sorted(chosen.values()), geography.lookup)
    kept = crime[crime["minor_category"].isin(BOROUGH_CRIME_CATEGORIES)].reset_index(drop=True)
    return [
        Table(
            "borough_crime",
            kept,
            sources.BOROUGH_CRIME,
            sorted(chosen.values()),
            "Offences recorded per month; CRIS to Feb 2024, CONNECT from Mar 2024.",
            {"categories": BOROUGH_CRIME_CATEGORIES},
        )
    ]


SEARCH_KEY = [
    "month",
    "borough_code",
    "legislation",
    "object_of_search",
    "outcome",
    "outcome_linked_to_object",
    "weapons_search",
    "positive_outcome",
    "arrest",
]
PEOPLE_KEY = [
    "month",
    "borough_code",
    "age_range",
    "gender",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
    "legislation",
    "positive_outcome",
]


def stop_search_tables(raw_dir: Path, geography: Geography, progress: Progress) -> list[Table]:
    """Complete record-level months only (archive CSVs, or API JSON fetched by refresh).

    The partial API copies in the shared raw folder are deliberately not matched.
    """
    by_month: dict[pd.Timestamp, Path] = {}
    for path in _find(raw_dir, API_JSON_PATTERN) + _find(raw_dir, CSV_PATTERN):  # CSV wins over JSON
        by_month[month_of_file(path)] = path
    searches, people, never_linked = [], [], []
    locator = geography.locator
    for number, (month, path) in enumerate(sorted(by_month.items()), start=1):
        progress(f"stop and search {month:%Y-%m} ({number}/{len(by_month)})")
        records = load_stop_search(path, locator)
        linked = records["outcome_linked_to_object"]
        if records["positive_outcome"].any() and not linked.fillna(False).any():
            never_linked.append(f"{month:%Y-%m}")
        records["outcome_linked_to_object"] = linked.map({True: "true", False: "false"}).astype("string").fillna("not recorded")
        searches.append(_count(records, SEARCH_KEY))
        people.append(_count(records[records["weapons_search"]], PEOPLE_KEY))
    empty = "No complete record-level stop-and-search months in the raw folder; run `python -m loaders refresh`."
    inputs = sorted(by_month.values())
    note = "" if inputs else empty
    if never_linked:
        note = (
            f"Warning: in {len(never_linked)} month(s) ({', '.join(never_linked[:3])}{'...' if len(never_linked) > 3 else ''}) no positive outcome "
            "is marked as linked to the object of the search; the source may not carry that field, so linked rates there are not reliable."
        )
    return [
        Table("stop_search", _concat(searches, SEARCH_KEY), sources.STOP_SEARCH, inputs, note),
        Table("stop_search_people", _concat(people, PEOPLE_KEY), sources.STOP_SEARCH, inputs, "Weapons searches only." if inputs else empty),
    ]


def _count(records: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame = records[key].copy()
    for column in key:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("string").fillna("not recorded")
    return frame.groupby(key, observed=True, dropna=False, as_index=False).size().rename(columns={"size": "searches"})


def _concat(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    if not frames:
        columns = {c: "string" for c in key} | {"month": "datetime64[ns]", "searches": "int64"}
        columns.update({c: bool for c in ("weapons_search", "positive_outcome", "arrest") if c in key})
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    return pd.concat(frames, ignore_index=True).sort_values(key).reset_index(drop=True)


def stop_search_third_party_tables(raw_dir: Path) -> list[Table]:
    """Optional source: an empty table (with its columns) when the raw folder lacks it."""
    files = _find(raw_dir, THIRD_PARTY_PATTERN)
    if files:
        counts, note = (
            load_monthly_searches_by_object(files[0]),
            "All London searches per month by object of search; no outcomes, no areas; may include City of London Police (1-3%).",
        )
    else:
        counts = pd.DataFrame(
            {"month": pd.Series(dtype="datetime64[ns]"), "object_of_search": pd.Series(dtype="string"), "searches": pd.Series(dtype="int64")}
        )
        note = f"No file matching {THIRD_PARTY_PATTERN} in the raw folder."
    return [Table("stop_search_by_object_third_party", counts, sources.STOP_SEARCH_THIRD_PARTY, files, note)]


# ---- writing, manifest, swap ---------------------------------------------------------------------


def _months(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    if "month" not in frame.columns or frame.empty:
        return None, None
    return frame["month"].min().strftime("%Y-%m"), frame["month"].max().strftime("%Y-%m")


def write_tables(tables: list[Table], out_dir: Path, raw_dir: Path, carried: dict) -> dict:
    """Write parquet (and GeoJSON) files and manifest.json into out_dir; return the manifest."""
    entries = dict(carried)
    for table in tables:
        if isinstance(table.frame, dict):
            target = out_dir / f"{table.name.removesuffix('_geojson')}.geojson"
            target.write_text(json.dumps(table.frame, separators=(",", ":"), sort_keys=True), encoding="utf-8")
            rows = len(table.frame["features"])
        else:
            target = out_dir / f"{table.name}.parquet"
            table.frame.to_parquet(target, index=False, compression="zstd")
            rows = len(table.frame)
        first, last = _months(table.frame) if isinstance(table.frame, pd.DataFrame) else (None, None)
        entries[table.name] = {
            "file": target.name,
            "sha256": sha256_of(target),
            "rows": rows,
            "first_month": first,
            "last_month": last,
            "source": table.source.as_dict(),
            "inputs": [{"file": str(p.relative_to(raw_dir)), "sha256": sha256_of(p)} for p in table.inputs],
            "notes": table.notes,
            **table.extra,
        }
    for name, entry in carried.items():
        shutil.copy2(Path(entry["_from"]) / entry["file"], out_dir / entry["file"])
        entries[name] = {k: v for k, v in entry.items() if k != "_from"}
    entries = dict(sorted(entries.items()))
    version = hashlib.sha256("".join(e["sha256"] for e in entries.values()).encode()).hexdigest()[:16]
    manifest = {
        "version": version,
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "tables": entries,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return manifest


def build_into(raw_dir: Path, out_dir: Path, static_from: Path | None = None, progress: Progress = lambda _: None) -> dict:
    """Build every table from raw_dir into the (empty) out_dir.

    Geography and population come from raw_dir when it has them, else (refresh on a
    machine without the raw folder) they are copied unchanged from the snapshot ``static_from``.
    """
    raw_dir = Path(raw_dir)
    carried: dict = {}
    if (raw_dir / BCU_TABLE).exists():
        progress("geography")
        geography = geography_from_raw(raw_dir)
        tables = geography_tables(raw_dir, geography)
        progress("population")
        tables += population_tables(raw_dir)
    elif static_from is not None:
        geography = load_geography(static_from)
        old = read_manifest(static_from)["tables"]
        carried = {name: old[name] | {"_from": str(static_from)} for name in STATIC_TABLES if name in old}
        tables = []
    else:
        raise SourceError(raw_dir / BCU_TABLE, "geography files not found and no snapshot to take them from")
    progress("homicide victims")
    tables += homicide_tables(raw_dir, geography)
    progress("knife crime")
    tables += knife_tables(raw_dir, geography)
    progress("borough-level recorded crime")
    tables += borough_crime_tables(raw_dir, geography)
    tables += stop_search_tables(raw_dir, geography, progress)
    tables += stop_search_third_party_tables(raw_dir)
    progress("writing snapshot")
    return write_tables(tables, out_dir, raw_dir, carried)


def build_snapshot(raw_dir: Path, snapshot_dir: Path = SNAPSHOT_DIR, static_from: Path | None = None, progress: Progress = lambda _: None) -> dict:
    """Build into a temporary folder, then swap it in; the old snapshot survives any failure."""
    snapshot_dir = Path(snapshot_dir)
    snapshot_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-build-", dir=snapshot_dir.parent))
    try:
        manifest = build_into(raw_dir, staging, static_from, progress)
        staging.chmod(0o755)
        swap_in(staging, snapshot_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def swap_in(staging: Path, snapshot_dir: Path) -> None:
    """Replace snapshot_dir by staging with two renames; the old copy is removed last."""
    retired = snapshot_dir.with_name(f".snapshot-old-{datetime.now():%Y%m%d%H%M%S%f}")
    if snapshot_dir.exists():
        snapshot_dir.rename(retired)
    staging.rename(snapshot_dir)
    shutil.rmtree(retired, ignore_errors=True)


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


# ---- reading ------------------------------------------------------------------------------------


def read_manifest(snapshot_dir: Path = SNAPSHOT_DIR) -> dict:
    path = Path(snapshot_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["tables"], manifest["version"]
    except FileNotFoundError:
        raise SourceError(path, "no snapshot here; build one with `python -m loaders build`") from None
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise SourceError(path, f"damaged manifest ({err}); rebuild with `python -m loaders build`") from None
    return manifest


def _checked_path(name: str, snapshot_dir: Path) -> Path:
    """The file of a manifest table, after checking it exists and matches its checksum."""
    entry = read_manifest(snapshot_dir)["tables"].get(name)
    if entry is None:
        raise SourceError(Path(snapshot_dir) / MANIFEST, f"no table '{name}' in the manifest; rebuild the snapshot")
    path = Path(snapshot_dir) / entry["file"]
    if not path.exists() or sha256_of(path) != entry["sha256"]:
        raise SourceError(path, "missing or does not match the manifest's checksum; rebuild with `python -m loaders build`")
    return path


def read_table(name: str, snapshot_dir: Path = SNAPSHOT_DIR) -> pd.DataFrame:
    """One snapshot table, checked against the manifest's checksum."""
    return pd.read_parquet(_checked_path(name, snapshot_dir))


def read_geojson(name: str, snapshot_dir: Path = SNAPSHOT_DIR) -> dict:
    """One snapshot GeoJSON file ('boroughs_geojson', 'bcus_geojson'), checked like a table."""
    return json.loads(_checked_path(name, snapshot_dir).read_text(encoding="utf-8"))


def load_geography(snapshot_dir: Path = SNAPSHOT_DIR) -> Geography:
    areas = read_table("areas", snapshot_dir)
    boroughs = areas[areas["borough_code"] != NOT_ASSIGNED_CODE].reset_index(drop=True)
    return Geography(boroughs, read_geojson("boroughs_geojson", snapshot_dir))
